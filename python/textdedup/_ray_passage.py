"""Passage mode across documents on Ray Data: the later copies that
``textdedup find --mode passage`` reports, from the phases of
``textdedup::passage::phases``, written as ``textdedup.ray``'s phase 3
reads them (``work/copies/<shard index>/``).

1. **anchors** (a map over blocks): each document's winnowing anchors with
   the ``min_len`` bytes either side of their k-grams (they hold the
   windows that select each, its charge), one row per anchor or per run of
   anchors of one k-gram that share their bytes (periodic text); and, per
   block, a Parquet file of its documents (key, text, name, start among
   the block's texts) under ``work/docs``.
2. **resolve** (a groupby on the anchors' table lists, every row of a list
   in one group): which anchors and windows the one-machine table stores,
   how many entries each list holds when each document starts, and which
   entries of earlier documents each document's lookups can match (a
   window near an anchor equal to one near the entry); written under
   ``work/resolved``.
3. **gather** (a groupby on the document key of the documents and of the
   resolve step's rows): each document's text goes on to itself, and to
   every later document that may match its entries, the parts of it that
   document can reach (its length either side of each entry), with the
   entries.
4. **match** (a groupby on the later document's key): each document
   matched against the earlier documents it needs, byte for byte; its
   later copies are written per shard.

The bytes travel with the anchors, so the resolve step decides from the
bytes which windows repeat, and the match step compares bytes: nothing is
removed on a hash alone.
"""

from __future__ import annotations

import os
import uuid

from . import ray as _r
from ._textdedup import (ray_passage_anchor_bytes, ray_passage_anchors,
                         ray_passage_anchors_rows, ray_passage_apply, ray_passage_doc_rows,
                         ray_passage_gather, ray_passage_resolve)


def _with_part(table):
    """``table`` with ``part``, the partition key of its group key ``g``: a
    multiplicative hash, non-negative, so that documents spread evenly."""
    import numpy as np
    import pyarrow as pa

    g = table.column("g").to_numpy().astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = g * np.uint64(0x9E3779B97F4A7C15)  # modulo 2^64
    return table.append_column("part", pa.array((mixed >> np.uint64(1)).astype(np.int64)))


def _written(folder: str) -> list:
    """The files written whole in ``folder`` (see ``_write_parquet``), by
    name."""
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


def _docs_name(file: int, first: int) -> str:
    """The file of a block's documents: in corpus order by name."""
    return f"{file:08}-{first:016}.parquet"


def passage_copies(job, paths: list, work: str, ray) -> None:
    """The phases of passage mode across documents over the shards
    ``paths``: writes every document's later copies under
    ``work/copies/<shard index>/`` and records the run's figures in
    ``textdedup.ray.last_stats``."""
    import pyarrow as pa
    import pyarrow.compute  # noqa: F401  (pa.compute)
    import pyarrow.parquet as pq

    docs_dir = os.path.join(work, "docs")
    resolved_dir = os.path.join(work, "resolved")
    copies_dir = os.path.join(work, "copies")
    for folder in (docs_dir, resolved_dir):
        os.makedirs(folder, exist_ok=True)

    def write_docs(docs, file: int, first: int) -> None:
        texts = pa.compute.sum(pa.compute.binary_length(docs.column("text"))).as_py() or 0
        table = pa.Table.from_batches([docs]).replace_schema_metadata(
            {"text_bytes": str(texts)})
        _r._write_parquet(table, os.path.join(docs_dir, _docs_name(file, first)))

    def anchors(table: "pa.Table") -> "pa.Table":
        deduper = job.deduper()
        out = []
        for row, first, data, batch in _r._texts_of_blocks(job, table):
            args = (row["file"], first, row["path"], job.text_field, job.id_field)
            found, docs = (ray_passage_anchors(deduper, data, *args, skip_bad=job.skip_bad)
                           if batch is None else
                           ray_passage_anchors_rows(deduper, batch, *args, skip_bad=job.skip_bad))
            write_docs(docs, row["file"], first)
            out.append(found)
        out = [b for b in out if b.num_rows]
        if not out:
            return pa.table({"part": pa.array([], pa.int64()), "hash": pa.array([], pa.uint64()),
                             "doc": pa.array([], pa.uint64()),
                             "doc_len": pa.array([], pa.uint64()),
                             "from": pa.array([], pa.uint64()),
                             "bytes": pa.array([], pa.large_binary()),
                             "anchors": pa.array([], pa.large_binary())})
        return pa.Table.from_batches(out)

    def resolve(table: "pa.Table") -> "pa.Table":
        rows, size = table.num_rows, table.nbytes
        resolved = ray_passage_resolve(job.deduper(), table.to_batches())
        if resolved.num_rows:
            _r._write_parquet(pa.Table.from_batches([resolved]),
                              os.path.join(resolved_dir, uuid.uuid4().hex + ".parquet"))
        return pa.table({"rows": [rows], "bytes": [size + resolved.nbytes]})

    def gather(table: "pa.Table") -> "pa.Table":
        return pa.Table.from_batches([ray_passage_gather(table.to_batches())])

    def match(table: "pa.Table") -> "pa.Table":
        size = table.nbytes
        copies, refused, refused_bytes = ray_passage_apply(job.deduper(), table.to_batches())
        _r._write_copies(copies, copies_dir)
        return pa.table({"bytes": [size], "copies": [copies.num_rows], "refused": [refused],
                         "refused_bytes": [refused_bytes]})

    totals = {"key_rows": 0, "shuffle_bytes": 0, "later_copies": 0, "refused_anchors": 0,
              "refused_bytes": 0}
    partitions = _r._partitions(paths, job.block_bytes,
                                ray_passage_anchor_bytes(job.deduper()))
    with _r._shuffle_settings(job.block_bytes, ray):
        files = ray.data.from_items([{"file": i, "path": p} for i, p in enumerate(paths)],
                                    override_num_blocks=len(paths))
        found = files.map_batches(_r._block_reader(job), batch_size=1).map_batches(
            anchors, batch_size=1, batch_format="pyarrow")
        for batch in _r._grouped_by_key(found, partitions, resolve).iter_batches(
                batch_size=None, batch_format="pyarrow"):
            totals["key_rows"] += sum(batch.column("rows").to_pylist())
            totals["shuffle_bytes"] += sum(batch.column("bytes").to_pylist())

        # Global starts: the texts of every block before, in corpus order.
        names = _written(docs_dir)
        starts, at = {}, 0
        for name in names:
            path = os.path.join(docs_dir, name)
            starts[path] = at
            at += int(pq.read_schema(path).metadata[b"text_bytes"])

        def rows_of(batch: dict) -> "pa.Table":
            """The join rows of the files ``batch["path"]``: a block's
            documents (as document rows) or a resolve step's output."""
            out = []
            for path in batch["path"]:
                path = str(path)
                table = pq.read_table(path)
                if path in starts:
                    table = pa.Table.from_batches(
                        [ray_passage_doc_rows(table.to_batches(), starts[path])])
                out.append(_with_part(table))
            return pa.concat_tables(out)

        totals["shuffle_bytes"] += at  # the texts, into the first join
        files = list(starts) + [os.path.join(resolved_dir, n)
                                for n in _written(resolved_dir)]
        joined = ray.data.from_items([{"path": p} for p in files],
                                     override_num_blocks=max(1, len(files))).map_batches(
            rows_of, batch_size=1, batch_format="numpy")
        gathered = _r._grouped_by_key(joined, partitions, gather).map_batches(
            _with_part, batch_format="pyarrow")
        for batch in _r._grouped_by_key(gathered, partitions, match).iter_batches(
                batch_size=None, batch_format="pyarrow"):
            totals["shuffle_bytes"] += sum(batch.column("bytes").to_pylist())
            totals["later_copies"] += sum(batch.column("copies").to_pylist())
            totals["refused_anchors"] += sum(batch.column("refused").to_pylist())
            totals["refused_bytes"] += sum(batch.column("refused_bytes").to_pylist())
    _r.last_stats.clear()
    _r.last_stats.update(totals)
    _r.last_stats["input_bytes"] = 0
    _r.last_stats["bad_records"] = 0
    if totals["refused_anchors"]:
        import warnings

        warnings.warn(
            f"textdedup.ray: {totals['refused_anchors']} passage windows were refused (their "
            "anchor hash and their own key each already held 32 earlier positions, which takes "
            f"crafted hash collisions): later copies of them, in {totals['refused_bytes']} bytes "
            "of text, may have been missed; run again with a secret seed to find them",
            stacklevel=3)
