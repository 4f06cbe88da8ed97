"""Deduplication beyond one machine: the three phases on Ray Data.

``clean(inputs, out_dir, ...)`` and ``find(inputs, output, ...)`` take JSON
Lines shards (plain, ``.gz`` or ``.zst``) and Parquet shards (recognised by
their first bytes, ``PAR1``) and give the answer of ``textdedup clean
--jsonl`` / ``textdedup find --jsonl`` on the same shards, for any number of
workers and blocks: JSON Lines output (decompressed, for ``.gz`` and
``.zst`` shards, which another compressor writes) and report rows byte for
byte, Parquet output with the same schema, column values and row groups.

1. **fingerprint**: each shard is read in blocks of whole lines (Parquet:
   of whole row groups, with pyarrow); a Rust
   step turns each block into key rows (fingerprint, document key, span),
   one per paragraph (``mode="paragraph"``) or chunk (``mode="chunk"``)
   that can be a copy;
2. **resolve**: a Ray Data groupby on a bucket of each row's fingerprint
   (its top bits cut into even ranges, eight per shuffle partition, one
   partition per four blocks of input) brings each key's rows into one group,
   where a Rust step (the resolve step of the one-machine path) keeps the
   smallest (document key, offset) as the first copy and emits every other
   row as a later copy; the later copies are written as Parquet, one
   folder per shard;
3. **apply**: each shard is read again, block by block, and a Rust step
   writes its cleaned lines (or its report rows) from that shard's later
   copies.

Passage mode within documents (``scope="document"``) has no key rows: its
apply step scans each document on its own. Across documents, phases 1 and
2 are those of ``textdedup::passage::phases`` (see ``_ray_passage.py``):
anchors with their windows' bytes, resolved per table list, then two
joins that bring each document the earlier documents it can match.

A document's key is its corpus order: the shard's index in sorted path
order, then its line number (Parquet: its row number, from 0). Both also
take a ``ray.data.Dataset`` with ``key_field``, an integer column of
document keys in corpus order: the later copies are written as Parquet
sorted by document, the Dataset is sorted by key, and each of its blocks
reads the copies of its key range. No step holds the corpus or all the
fingerprints in one process: a block, one shuffle partition of key rows, and one
shard's later copies at most.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from . import Deduper
from ._textdedup import (ray_apply, ray_apply_rows, ray_fingerprint, ray_fingerprint_rows,
                          ray_resolve)

__all__ = ["clean", "find"]

#: Figures of the last run in this process: ``input_bytes`` (decompressed),
#: ``key_rows`` and ``shuffle_bytes`` (the Arrow bytes of the key rows, the
#: data the shuffle moves; in passage mode across documents, the anchor
#: rows, and the bytes of every shuffle's rows), ``later_copies``,
#: ``bad_records`` (passed through under ``on_bad_record="skip"``); passage
#: mode across documents adds ``refused_anchors`` and ``refused_bytes``
#: (as ``textdedup --stats``, with a warning when not 0).
last_stats: dict[str, int] = {}

#: The modes the phases run in.
MODES = ("paragraph", "chunk", "passage")

#: Bytes of whole lines per block, by default.
DEFAULT_BLOCK_BYTES = 32 << 20

#: What a bad record does: fail the run, or pass through unchanged.
ON_BAD_RECORD = ("fail", "skip")

#: How many messages of bad records passed through a run tells.
TOLD_BAD_RECORDS = 100

Inputs = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]]


def _shards(inputs: Inputs) -> list[str]:
    """The shard files of ``inputs`` (files and folders, folders walked),
    sorted by path: their corpus order."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    found: list[str] = []
    for item in inputs:
        path = os.fspath(item)
        if os.path.isdir(path):
            for root, _, files in os.walk(path):
                found.extend(os.path.join(root, f) for f in files)
        elif os.path.exists(path):
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    if not found:
        raise ValueError("no input shards")
    return sorted(found)


def _open(path: str):
    """The shard's bytes, decompressed by its name's suffix."""
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".zst"):
        try:
            import zstandard
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise ImportError(f"{path}: reading .zst shards needs `zstandard`") from e
        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
    return open(path, "rb")


def _blocks(path: str, block_bytes: int) -> Iterator[tuple[int, bytes]]:
    """The shard as blocks of whole lines: (first line number, bytes)."""
    line = 1
    rest = b""
    with _open(path) as f:
        while True:
            chunk = f.read(block_bytes)
            if not chunk:
                break
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data
                continue
            block, rest = data[:cut], data[cut:]
            yield line, block
            line += block.count(b"\n")
    if rest:
        yield line, rest


def _is_parquet(path: str) -> bool:
    """Whether the shard is a Parquet file: its first bytes are ``PAR1``,
    as the command line recognises one."""
    with open(path, "rb") as f:
        return f.read(4) == b"PAR1"


def _text_type_ok(t) -> bool:
    """Whether a Parquet column of type ``t`` can hold the text (it is cast
    to ``large_binary`` for the Rust steps)."""
    import pyarrow as pa

    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)
            or pa.types.is_large_binary(t) or str(t) in ("string_view", "binary_view"))


def _row_groups(path: str, text_field: str, block_bytes: int) -> Iterator[tuple[int, int, int]]:
    """The Parquet shard as blocks of whole row groups of about
    ``block_bytes`` (uncompressed): (first row, first group, end group)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    schema = pq.read_schema(path)
    if text_field not in schema.names:
        raise ValueError(f"{path}: no column '{text_field}' (columns: {', '.join(schema.names)})")
    if not _text_type_ok(schema.field(text_field).type):
        raise ValueError(f"{path}: column '{text_field}' is {schema.field(text_field).type}, "
                         "not string or binary")
    row, lo, size = 0, 0, 0
    first = 0
    for g in range(meta.num_row_groups):
        size += meta.row_group(g).total_byte_size
        row += meta.row_group(g).num_rows
        if size >= block_bytes:
            yield first, lo, g + 1
            first, lo, size = row, g + 1, 0
    if lo < meta.num_row_groups:
        yield first, lo, meta.num_row_groups


def _read_rows(path: str, lo: int, hi: int, columns):
    """Row groups ``lo..hi`` of a Parquet shard (only ``columns`` that it
    has; every column when ``None``), and the file."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    if columns is not None:
        columns = [c for c in dict.fromkeys(columns) if c in pf.schema_arrow.names]
    return pf.read_row_groups(list(range(lo, hi)), columns=columns), pf


def _binary_batches(table, text_field: str) -> Iterator[tuple[int, Any]]:
    """The table's record batches with ``text_field`` cast to
    ``large_binary``, each with its first row's offset in the table."""
    import pyarrow as pa

    at = 0
    index = table.schema.get_field_index(text_field)
    for batch in table.to_batches():
        if batch.num_rows == 0:
            continue
        arrays = list(batch.columns)
        arrays[index] = arrays[index].cast(pa.large_binary())
        yield at, pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
        at += batch.num_rows


def _ray():
    import ray  # noqa: F401  (imported here: the package works without Ray)
    import ray.data

    return ray


class _Job:
    """One run's settings, shipped to every task."""

    def __init__(self, mode, text_field, id_field, block_bytes, options):
        if mode not in MODES:
            raise ValueError(f"textdedup.ray: mode {mode!r} is not supported "
                             "('paragraph', 'chunk' or 'passage')")
        self.options = dict(options)
        on_bad_record = self.options.pop("on_bad_record", "fail")
        if on_bad_record not in ON_BAD_RECORD:
            raise ValueError(f"on_bad_record is 'fail' or 'skip', not {on_bad_record!r}")
        self.skip_bad = on_bad_record == "skip"
        self.options.pop("threads", None)
        Deduper(mode, threads=1, **self.options)  # checks the options now
        self.mode = mode
        #: Whether the run needs phases 1 and 2: passage mode within
        #: documents has no key rows.
        self.shuffles = not (mode == "passage" and self.options.get("scope") == "document")
        self.text_field = text_field
        self.id_field = id_field
        self.block_bytes = int(block_bytes)
        if self.block_bytes < 1:
            raise ValueError("block_bytes must be at least 1")

    def deduper(self) -> Deduper:
        return Deduper(self.mode, threads=1, **self.options)


def _block_reader(job: _Job):
    """A Ray Data step from rows (``file``, ``path``) to one row per block
    of each shard: a JSON Lines block's bytes (``data``), or a Parquet
    shard's row groups ``lo..hi``, with the block's first line or row."""

    def read(batch: dict) -> Iterator[dict]:
        for file, path in zip(batch["file"], batch["path"]):
            path = str(path)
            if _is_parquet(path):
                for first_row, lo, hi in _row_groups(path, job.text_field, job.block_bytes):
                    yield {"file": [int(file)], "path": [path], "first_line": [first_row],
                           "data": [b""], "lo": [lo], "hi": [hi]}
                continue
            for first_line, data in _blocks(path, job.block_bytes):
                yield {"file": [int(file)], "path": [path], "first_line": [first_line],
                       "data": [data], "lo": [-1], "hi": [-1]}

    return read


def _texts_of_blocks(job: _Job, table) -> Iterator[tuple]:
    """The texts of the blocks ``_block_reader`` gives (rows of ``table``),
    as the Rust steps take them: ``(row, first, data, None)`` for a JSON
    Lines block (its bytes, its first line), ``(row, first, None, batch)``
    for each record batch of a Parquet block's rows (its first row)."""
    for row in table.to_pylist():
        if row["lo"] < 0:
            yield row, row["first_line"], row["data"], None
            continue
        rows, _ = _read_rows(row["path"], row["lo"], row["hi"], [job.text_field, job.id_field])
        for at, batch in _binary_batches(rows, job.text_field):
            yield row, row["first_line"] + at, None, batch


def _later_copies(job: _Job, paths: list[str], work: str, names: bool, ray) -> None:
    """Phases 1 and 2: writes each shard's later copies under
    ``work/copies/<shard index>/``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    copies_dir = os.path.join(work, "copies")

    def fingerprint(table: "pa.Table") -> "pa.Table":
        deduper = job.deduper()
        out = []
        for row, first, data, batch in _texts_of_blocks(job, table):
            args = (row["file"], first, row["path"], job.text_field, job.id_field, names)
            out.append(ray_fingerprint(deduper, data, *args, skip_bad=job.skip_bad)
                       if batch is None else
                       ray_fingerprint_rows(deduper, batch, *args, skip_bad=job.skip_bad))
        if not out:
            return pa.Table.from_batches([], schema=_key_schema(names))
        return pa.Table.from_batches(out)

    def resolve(table: "pa.Table") -> "pa.Table":
        rows, size = table.num_rows, table.nbytes
        copies = ray_resolve(job.deduper(), table.to_batches())
        _write_copies(copies, copies_dir)
        return pa.table({"rows": [rows], "bytes": [size],
                         "copies": [copies.num_rows]})

    totals = {"key_rows": 0, "shuffle_bytes": 0, "later_copies": 0}
    # Passage mode within documents has no key rows: nothing to shuffle.
    if job.shuffles:
        with _shuffle_settings(job.block_bytes, ray):
            files = ray.data.from_items([{"file": i, "path": p} for i, p in enumerate(paths)],
                                        override_num_blocks=len(paths))
            keys = files.map_batches(_block_reader(job), batch_size=1).map_batches(
                fingerprint, batch_size=1, batch_format="pyarrow")
            resolved = _grouped_by_key(keys, _partitions(paths, job.block_bytes), resolve)
            for batch in resolved.iter_batches(batch_size=None, batch_format="pyarrow"):
                for name, column in (("key_rows", "rows"), ("shuffle_bytes", "bytes"),
                                     ("later_copies", "copies")):
                    totals[name] += sum(batch.column(column).to_pylist())
    last_stats.clear()
    last_stats.update(totals)
    last_stats["input_bytes"] = 0
    last_stats["bad_records"] = 0


def _write_copies(copies, copies_dir: str) -> None:
    """Writes the later copies ``copies`` (a record batch) under
    ``copies_dir/<shard index>/``, a Parquet file per shard they are in."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not copies.num_rows:
        return
    files = pa.compute.shift_right(copies.column("doc"), 40)
    table = pa.Table.from_batches([copies]).append_column("file", files)
    for file in pa.compute.unique(files).to_pylist():
        part = table.filter(pa.compute.equal(table.column("file"), file)).drop_columns(["file"])
        folder = os.path.join(copies_dir, str(file))
        os.makedirs(folder, exist_ok=True)
        _write_parquet(part, os.path.join(folder, uuid.uuid4().hex + ".parquet"))


def _write_parquet(table, path: str) -> None:
    """Writes ``table`` to ``path`` whole or not at all: to a hidden file
    beside it first (readers of a folder pass over names that start with
    a dot), then renamed, so that a task killed while writing leaves no
    file that a reader would take, cut short."""
    import pyarrow.parquet as pq

    folder, name = os.path.split(path)
    hidden = os.path.join(folder, f".{name}.{uuid.uuid4().hex}")
    pq.write_table(table, hidden)
    os.replace(hidden, path)


#: Groups of key rows per partition of the shuffle.
GROUPS_PER_PARTITION = 8


def _grouped_by_key(keys, partitions: Optional[int], fn):
    """``fn`` over the key rows ``keys`` in groups that each hold every row
    of their keys, in ``partitions`` partitions (Ray's default when
    ``None``): a Ray Data groupby on a bucket of the partition key (the
    fingerprint's top bits, cut into even ranges, ``GROUPS_PER_PARTITION``
    per partition), so that each group holds about an eighth of a
    partition. A group is never cut in two, however large."""
    import pyarrow.compute as pc

    buckets = GROUPS_PER_PARTITION * (partitions or 200)
    width = -(-(1 << 63) // buckets)

    def bucketed(table: "pa.Table") -> "pa.Table":
        bucket = pc.divide(table.column("part"), width)
        return table.drop_columns(["part"]).append_column("bucket", bucket)

    grouped = keys.map_batches(bucketed, batch_format="pyarrow").groupby(
        "bucket", num_partitions=partitions)
    return grouped.map_groups(fn, batch_format="pyarrow")


#: The least input a shuffle partition stands for, and the most partitions:
#: every map task of a shuffle writes a piece for every partition.
PARTITION_MIN_BYTES = 64 << 20
MAX_PARTITIONS = 4096


def _partitions(paths: list[str], block_bytes: int, per_input: float = 1.0) -> int:
    """How many partitions the shuffle cuts the key rows into: one per four
    blocks of input (at least ``PARTITION_MIN_BYTES``; a compressed shard
    counted at four times its size), at most ``MAX_PARTITIONS``; rows of
    ``per_input`` bytes per input byte count as that much input."""
    total = 0
    for path in paths:
        size = os.path.getsize(path)
        total += 4 * size if path.endswith((".gz", ".zst")) else size
    total = int(total * per_input)
    per_partition = max(4 * block_bytes, PARTITION_MIN_BYTES)
    return min(MAX_PARTITIONS, max(1, -(-total // per_partition)))


@contextlib.contextmanager
def _shuffle_settings(block_bytes: int, ray, ds=None):
    """Bounds what one Ray task holds to about ``block_bytes`` for the
    duration of a run, in the current context and in that of the Dataset
    ``ds`` (which its descendants share), then puts the settings back:

    - ``shuffle_input_batch_bytes`` (1 GiB by default): the blocks one
      shuffle task takes;
    - ``target_max_block_size`` (128 MiB by default): the output a task
      gathers into one block (a groupby's partitions are never cut, so
      every key's rows stay together).
    """
    contexts = {id(c): c for c in (ray.data.DataContext.get_current(),
                                   getattr(ds, "context", None)) if c is not None}
    bound = max(block_bytes, 1 << 20)
    saved = []
    for context in contexts.values():
        for name in ("shuffle_input_batch_bytes", "target_max_block_size"):
            before = getattr(context, name, None)
            if before is not None and before > bound:
                saved.append((context, name, before))
                setattr(context, name, bound)
    try:
        yield
    finally:
        for context, name, before in saved:
            setattr(context, name, before)


def _apply(job: _Job, paths: list[str], work: str, find: bool, ray) -> list[str]:
    """Phase 3: each shard's cleaned lines (or report rows), written under
    ``work/out/<shard index>``; returns those files, in shard order."""
    import pyarrow.parquet as pq

    out_dir = os.path.join(work, "out")
    os.makedirs(out_dir, exist_ok=True)

    def apply(batch: dict) -> dict:
        deduper = job.deduper()
        sizes = []
        bad = _BadRecords()
        for file, path in zip(batch["file"], batch["path"]):
            file, path = int(file), str(path)
            folder = os.path.join(work, "copies", str(file))
            copies = pq.read_table(folder) if os.path.isdir(folder) else None
            dest = os.path.join(out_dir, str(file))
            if _is_parquet(path):
                sizes.append(_apply_parquet(job, deduper, file, path, copies, dest, find, bad))
                continue
            size = 0
            with open(dest, "wb") as out:
                for first_line, data in _blocks(path, job.block_bytes):
                    lo = (file << 40) | first_line
                    mine = _copies_of(copies, lo, lo + data.count(b"\n") + 1)
                    size += len(data)
                    out.write(bad.add(ray_apply(deduper, data, file, first_line, path,
                                                job.text_field, job.id_field, mine, find,
                                                skip_bad=job.skip_bad)))
            sizes.append(size)
        return {"file": batch["file"], "bytes": sizes, "bad": [bad.count],
                "told": [json.dumps(bad.told)]}

    files = ray.data.from_items(
        [{"file": i, "path": p} for i, p in enumerate(paths)], override_num_blocks=len(paths)
    )
    skipped = []
    for batch in files.map_batches(apply, batch_size=1).iter_batches(batch_size=None):
        last_stats["input_bytes"] += int(sum(batch["bytes"]))
        skipped.extend(zip(batch["file"], batch["bad"], batch["told"]))
    bad = _BadRecords()
    for _, count, told in sorted(skipped, key=lambda s: int(s[0])):  # corpus order
        bad.add((None, int(count), json.loads(str(told))))
    bad.report()
    return [os.path.join(out_dir, str(i)) for i in range(len(paths))]


class _BadRecords:
    """The bad records passed through under ``on_bad_record="skip"``: how
    many, and the messages of the first few."""

    def __init__(self):
        self.count = 0
        self.told: list[str] = []

    def tell(self, messages: list) -> None:
        """Counts ``messages``, keeping those there is room for."""
        self.count += len(messages)
        room = TOLD_BAD_RECORDS - len(self.told)
        self.told.extend(str(m) for m in messages[:max(room, 0)])

    def add(self, applied: tuple) -> Any:
        """Counts what an apply step passed through; returns its output."""
        out, count, told = applied
        self.count += count - len(told)
        self.tell(told)
        return out

    def report(self) -> None:
        """Warns of each message kept and the count, as the command line
        does, and records the count in :data:`last_stats` (of the process
        it runs in: a Dataset's blocks warn on their workers)."""
        import warnings

        for message in self.told:
            warnings.warn(f"textdedup.ray: {message}; passed through unchanged", stacklevel=3)
        if self.count:
            warnings.warn(f"textdedup.ray: {self.count} bad records passed through unchanged "
                          "in all", stacklevel=3)
        last_stats["bad_records"] = self.count


def _copies_of(copies, lo: int, hi: int) -> list:
    """The record batches of the later copies of documents ``lo..hi``."""
    import pyarrow.compute as pc

    if copies is None:
        return []
    mine = copies.filter(pc.and_(pc.greater_equal(copies["doc"], lo), pc.less(copies["doc"], hi)))
    return mine.to_batches()


def _compression(pf, column: int) -> str:
    """The Parquet compression of a shard's column, as pyarrow names it."""
    if pf.metadata.num_row_groups == 0:
        return "snappy"
    name = pf.metadata.row_group(0).column(column).compression.lower()
    return {"uncompressed": "none"}.get(name, name)


def _apply_parquet(job: _Job, deduper, file: int, path: str, copies, dest: str,
                   find: bool, bad: "_BadRecords") -> int:
    """Phase 3 for a Parquet shard: its report rows, or the shard with its
    text column cleaned (same schema and columns, a row group per input row
    group, the text column's compression), written to ``dest``; returns the
    bytes of text read, and counts the null texts passed through in
    ``bad``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    size = 0
    schema = pq.read_schema(path)
    index = schema.get_field_index(job.text_field)
    with open(dest, "wb") as out:
        writer = None
        if not find:
            pf = pq.ParquetFile(path)
            writer = pq.ParquetWriter(out, pf.schema_arrow, compression=_compression(pf, index))
        try:
            for first_row, lo, hi in _row_groups(path, job.text_field, job.block_bytes):
                columns = [job.text_field, job.id_field] if find else None
                table, pf = _read_rows(path, lo, hi, columns)
                key = (file << 40) | first_row
                mine = _copies_of(copies, key, key + table.num_rows)
                parts = []
                for at, batch in _binary_batches(table, job.text_field):
                    size += batch.column(job.text_field).nbytes
                    result = bad.add(ray_apply_rows(deduper, batch, file, first_row + at, path,
                                                    job.text_field, job.id_field, mine, find,
                                                    skip_bad=job.skip_bad))
                    if find:
                        out.write(result)
                    else:
                        parts.append(result)
                if find:
                    continue
                text = table.column(index)
                if parts:
                    text = pa.chunked_array(parts, type=pa.large_binary()).cast(text.type)
                cleaned = table.set_column(index, schema.field(index), text)
                at = 0
                for g in range(lo, hi):
                    n = pf.metadata.row_group(g).num_rows
                    if n:
                        writer.write_table(cleaned.slice(at, n), row_group_size=n)
                    at += n
        finally:
            if writer is not None:
                writer.close()
    return size


def _key_schema(names: bool):
    """The columns of the key rows, for a block with none."""
    import pyarrow as pa

    fields = [pa.field("key", pa.binary(16), False)] + [
        pa.field(n, pa.uint64(), False) for n in ("doc", "start", "end")] + [
        pa.field("part", pa.int64(), False)]
    if names:
        fields.append(pa.field("name", pa.string(), False))
    return pa.schema(fields)


def _run(inputs: Inputs, find: bool, mode, text_field, id_field, block_bytes, work_dir, options):
    ray = _ray()
    job = _Job(mode, text_field, id_field, block_bytes, options)
    paths = _shards(inputs)
    work = tempfile.mkdtemp(prefix="textdedup-ray-", dir=work_dir)
    try:
        if job.mode == "passage" and job.shuffles:
            from ._ray_passage import passage_copies

            passage_copies(job, paths, work, ray)
        else:
            _later_copies(job, paths, work, find, ray)
        return paths, work, _apply(job, paths, work, find, ray)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _compress_like(src: str, dest: str, like: str) -> None:
    """Copies ``src`` to ``dest``, compressed as the shard ``like`` is."""
    if like.endswith(".gz"):
        # No name and no time in the header, as the command line writes:
        # the same input gives the same file.
        with open(src, "rb") as i, open(dest, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as o:
                shutil.copyfileobj(i, o, 1 << 20)
    elif like.endswith(".zst"):
        import zstandard

        with open(src, "rb") as i, open(dest, "wb") as raw:
            with zstandard.ZstdCompressor().stream_writer(raw) as o:
                shutil.copyfileobj(i, o, 1 << 20)
    else:
        shutil.move(src, dest)


def clean(
    inputs: Inputs,
    out_dir: Union[str, os.PathLike, None] = None,
    mode: str = "paragraph",
    text_field: str = "text",
    id_field: str = "id",
    *,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    work_dir: Union[str, os.PathLike, None] = None,
    key_field: Optional[str] = None,
    **options: Any,
) -> Any:
    """Writes the JSON Lines and Parquet shards of ``inputs`` under
    ``out_dir``, each under its own name (its path relative to the folder
    given, or its file name), without their later copies: what ``textdedup
    clean --jsonl --out-dir`` writes, byte for byte for JSON Lines (once
    decompressed, for ``.gz`` and ``.zst`` shards); a
    Parquet shard gets the same schema, the same values in every column but
    ``text_field`` (string or binary; a null text fails the run, naming the
    row), the same row groups and the text column's compression. Returns
    the files written.

    ``inputs`` may instead be a ``ray.data.Dataset`` with ``key_field``, an
    integer column of distinct non-negative document keys in corpus order
    (a key seen twice fails the run): then ``out_dir`` is ``None`` and the
    result is a Dataset of the same rows and columns, ``text_field``
    cleaned, in no particular order (sort it by ``key_field``).

    ``mode`` is ``"paragraph"``, ``"chunk"`` or ``"passage"``;
    ``options`` are those of :class:`textdedup.Deduper` in that mode (chunk:
    ``avg_size``, ``min_size``, ``max_size``, ``seed``, ``scope``; passage:
    ``min_len``, ``snap``, ``seed``, ``scope``), and the answer is that of
    ``textdedup clean --mode MODE`` with the same options. Passage mode
    across documents takes shards, not a Dataset. ``on_bad_record="skip"`` (an option too) passes
    a line that is not a record with a string text, or a null Parquet
    text, through unchanged, as ``--on-bad-record skip`` does: it warns of
    each (file and line, the first 100) and of their count, which
    ``last_stats["bad_records"]`` holds; the default, ``"fail"``, fails the
    run naming the file and line. ``block_bytes``
    sizes the blocks a shard is read in; ``work_dir`` holds the
    intermediate rows (default: the system's temporary folder; on a
    cluster, a folder every node shares). Nothing appears under ``out_dir``
    unless the whole run succeeds.
    """
    if _is_dataset(inputs):
        if out_dir is not None:
            raise ValueError("clean: a Dataset is cleaned into a Dataset (out_dir must be None)")
        return _clean_dataset(inputs, mode, text_field, id_field, key_field, work_dir, options)
    if out_dir is None:
        raise ValueError("clean: out_dir is needed for shards")
    names = _output_names(inputs)
    paths, work, results = _run(inputs, False, mode, text_field, id_field, block_bytes,
                                work_dir, options)
    staged = os.path.join(work, "staged")
    try:
        written = []
        for path, result in zip(paths, results):
            dest = os.path.join(staged, names[path])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            _compress_like(result, dest, path)
            written.append(names[path])
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name in written:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(os.path.join(staged, name), target)
        return [str(out / name) for name in written]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _output_names(inputs: Inputs) -> dict[str, str]:
    """Each shard's name under the output folder."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    names: dict[str, str] = {}
    for item in inputs:
        path = os.fspath(item)
        if os.path.isdir(path):
            for root, _, files in os.walk(path):
                for f in files:
                    full = os.path.join(root, f)
                    names[full] = os.path.relpath(full, path)
        else:
            names[path] = os.path.basename(path)
    return names


def find(
    inputs: Inputs,
    output: Union[str, os.PathLike],
    mode: str = "paragraph",
    text_field: str = "text",
    id_field: str = "id",
    *,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    work_dir: Union[str, os.PathLike, None] = None,
    key_field: Optional[str] = None,
    **options: Any,
) -> str:
    """Writes to ``output`` the report rows of ``textdedup find --jsonl`` on
    the shards of ``inputs``, byte for byte: one JSON object per removed
    span, in corpus order (a Parquet row is named by its ``id_field``
    value, or ``FILE:ROW`` with rows from 0). The options are those of
    :func:`clean`. The file appears only when the whole run succeeds.

    ``inputs`` may instead be a ``ray.data.Dataset`` with ``key_field`` (as
    for :func:`clean`); a row is then named by its ``id_field`` value, or
    by its key (a JSON number) when it has none."""
    if _is_dataset(inputs):
        return _find_dataset(inputs, output, mode, text_field, id_field, key_field, work_dir,
                             options)
    paths, work, results = _run(inputs, True, mode, text_field, id_field, block_bytes,
                                work_dir, options)
    try:
        staged = os.path.join(work, "report.jsonl")
        with open(staged, "wb") as out:
            for result in results:
                with open(result, "rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
        os.replace(staged, output) if _same_device(staged, output) else shutil.move(staged, output)
        return os.fspath(output)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _same_device(a: str, b: Union[str, os.PathLike]) -> bool:
    parent = os.path.dirname(os.path.abspath(os.fspath(b))) or "."
    return os.stat(a).st_dev == os.stat(parent).st_dev


# A ray.data.Dataset as input: the document key is a column the user names.

#: The document key column the steps add (``uint64``).
_DOC = "__textdedup_doc"


def _is_dataset(inputs: Any) -> bool:
    """Whether ``inputs`` is a ``ray.data.Dataset``."""
    try:
        import ray.data
    except ImportError:  # pragma: no cover - depends on the machine
        return False
    return isinstance(inputs, ray.data.Dataset)


def _keyed(table, job: _Job, key_field: str):
    """``table`` with the document keys as a ``uint64`` column ``_DOC``."""
    import pyarrow as pa

    for name in (job.text_field, key_field):
        if name not in table.column_names:
            raise ValueError(f"the Dataset has no column '{name}' "
                             f"(columns: {', '.join(table.column_names)})")
    if not _text_type_ok(table.schema.field(job.text_field).type):
        raise ValueError(f"column '{job.text_field}' is "
                         f"{table.schema.field(job.text_field).type}, not string or binary")
    keys = table.column(key_field)
    if not pa.types.is_integer(keys.type):
        raise ValueError(f"the key column '{key_field}' is {keys.type}, not an integer")
    if keys.null_count:
        raise ValueError(f"the key column '{key_field}' has a null value")
    try:
        keys = keys.cast(pa.uint64())
    except pa.ArrowInvalid as e:
        raise ValueError(f"the key column '{key_field}' has a negative value") from e
    return table.append_column(_DOC, keys)


def _check_distinct_keys(ds, job: _Job, key_field: str) -> None:
    """Fails, naming a key, unless the document keys of ``ds`` are
    distinct. Each block's keys, sorted where they are, give its first and
    last key and a key it holds twice; when no two blocks' key ranges
    overlap (keys in block order, say), the driver settles it from those,
    comparing the last key of each block with the first of the next.
    Otherwise the keys alone are sorted across blocks, and the same is
    asked of the sorted blocks."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def edges(table: "pa.Table") -> "pa.Table":
        docs = table.column(_DOC)
        twice = None
        if table.num_rows > 1:
            same = pc.equal(docs.slice(1), docs.slice(0, table.num_rows - 1))
            if pc.any(same).as_py():
                twice = docs[pc.index(same, True).as_py()].as_py()
        if table.num_rows == 0:
            return pa.table({"first": pa.array([], pa.uint64()),
                             "last": pa.array([], pa.uint64()),
                             "twice": pa.array([], pa.uint64())})
        return pa.table({"first": pa.array([docs[0].as_py()], pa.uint64()),
                         "last": pa.array([docs[-1].as_py()], pa.uint64()),
                         "twice": pa.array([twice], pa.uint64())})

    def keys_only(table: "pa.Table") -> "pa.Table":
        return _keyed(table, job, key_field).select([_DOC])

    def block_edges(table: "pa.Table") -> "pa.Table":
        return edges(keys_only(table).sort_by(_DOC))

    # One pass over the Dataset when the ranges are apart. Keeping the keys
    # for the second pass instead (materialized) cost more than it saved.
    blocks = ds.map_batches(block_edges, batch_size=None, batch_format="pyarrow").take_all()
    if _ranges_overlap(blocks):
        blocks = ds.map_batches(keys_only, batch_format="pyarrow").sort(_DOC).map_batches(
            edges, batch_size=None, batch_format="pyarrow").take_all()
    twice = _repeated_key(blocks)
    if twice is not None:
        raise ValueError(f"the key column '{key_field}' holds {twice} twice: "
                         "document keys must be distinct")


def _ranges_overlap(blocks: list) -> bool:
    """Whether two of the blocks (``first`` and ``last`` key each) share a
    range of keys beyond a common edge key, which ``_repeated_key`` finds
    without a sort."""
    blocks = sorted(blocks, key=lambda b: (b["first"], b["last"]))
    return any(after["first"] < before["last"] for before, after in zip(blocks, blocks[1:]))


def _repeated_key(blocks: list) -> Optional[int]:
    """The smallest key that sorted blocks (``first``, ``last``, and
    ``twice``, a key held twice inside the block or ``None``) hold twice, within
    one block or across two; ``None`` when the keys are distinct."""
    blocks = sorted(blocks, key=lambda b: (b["first"], b["last"]))
    for i, b in enumerate(blocks):
        if b["twice"] is not None:
            return b["twice"]
        if i + 1 < len(blocks) and blocks[i + 1]["first"] == b["last"]:
            return b["last"]
    return None


def _dataset_copies(job: _Job, ds, key_field: str, names: bool, work: str, ray) -> list:
    """Phases 1 and 2 over a Dataset: writes the later copies, sorted by
    document, as Parquet files under ``work``; returns (first document,
    last document, file) for each."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not key_field:
        raise ValueError("a Dataset needs key_field: the integer column of document keys")
    if job.mode == "passage" and job.shuffles:
        raise ValueError("textdedup.ray: mode 'passage' across documents takes shards; a "
                         "Dataset is taken with scope='document'")
    _check_distinct_keys(ds, job, key_field)
    if not job.shuffles:
        last_stats.clear()
        last_stats["later_copies"] = 0
        return []

    def fingerprint(table: "pa.Table") -> "pa.Table":
        deduper = job.deduper()
        columns = [c for c in (job.text_field, job.id_field, key_field) if c in table.column_names]
        table = _keyed(table.select(list(dict.fromkeys(columns))), job, key_field)
        out = [ray_fingerprint_rows(deduper, batch, 0, 0, "", job.text_field, job.id_field,
                                    names, _DOC, skip_bad=job.skip_bad)
               for _, batch in _binary_batches(table, job.text_field)]
        if not out:
            return pa.Table.from_batches([], schema=_key_schema(names))
        return pa.Table.from_batches(out)

    def resolve(table: "pa.Table") -> "pa.Table":
        return pa.Table.from_batches([ray_resolve(job.deduper(), table.to_batches())])

    def write(table: "pa.Table") -> "pa.Table":
        if table.num_rows == 0:
            return pa.table({"lo": pa.array([], pa.uint64()), "hi": pa.array([], pa.uint64()),
                             "path": pa.array([], pa.string())})
        path = os.path.join(work, uuid.uuid4().hex + ".parquet")
        pq.write_table(table, path)
        docs = table.column("doc")
        return pa.table({"lo": [pa.compute.min(docs).as_py()], "hi": [pa.compute.max(docs).as_py()],
                         "path": [path]})

    with _shuffle_settings(job.block_bytes, ray, ds):
        keys = ds.map_batches(fingerprint, batch_format="pyarrow")
        copies = _grouped_by_key(keys, None, resolve)
        files = copies.sort("doc").map_batches(write, batch_size=None, batch_format="pyarrow")
        index = sorted((r["lo"], r["hi"], r["path"]) for r in files.take_all())
    last_stats.clear()
    last_stats["later_copies"] = sum(pq.ParquetFile(p).metadata.num_rows for _, _, p in index)
    return index


def _apply_dataset(ds, job: _Job, key_field: str, index: list, apply):
    """The Dataset sorted by document key, each block with its later
    copies (record batches) handed to ``apply(table, copies)``, whose
    ``text_field`` is ``large_binary`` and with the keys as ``_DOC``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    def block(table: "pa.Table") -> "pa.Table":
        table = _keyed(table, job, key_field).sort_by(_DOC)
        copies = []
        if table.num_rows:
            lo = pc.min(table.column(_DOC)).as_py()
            hi = pc.max(table.column(_DOC)).as_py()
            for first, last, path in index:
                if first <= hi and last >= lo:
                    part = pq.read_table(path, filters=[("doc", ">=", lo), ("doc", "<=", hi)])
                    copies.extend(part.to_batches())
        return apply(table, copies)

    keyed = ds.map_batches(lambda t: _keyed(t, job, key_field), batch_format="pyarrow")
    return keyed.sort(_DOC).drop_columns([_DOC]).map_batches(
        block, batch_size=None, batch_format="pyarrow")


def _clean_dataset(ds, mode, text_field, id_field, key_field, work_dir, options):
    """:func:`clean` over a Dataset: the cleaned Dataset, materialized."""
    import pyarrow as pa

    ray = _ray()
    job = _Job(mode, text_field, id_field, DEFAULT_BLOCK_BYTES, options)
    work = tempfile.mkdtemp(prefix="textdedup-ray-", dir=work_dir)
    try:
        index = _dataset_copies(job, ds, key_field, False, work, ray)

        def apply(table: "pa.Table", copies: list) -> "pa.Table":
            deduper = job.deduper()
            position = table.schema.get_field_index(text_field)
            bad = _BadRecords()
            texts = [bad.add(ray_apply_rows(deduper, batch, 0, 0, "", text_field, id_field,
                                            copies, False, _DOC, skip_bad=job.skip_bad))
                     for _, batch in _binary_batches(table, text_field)]
            bad.report()
            if texts:
                field = table.schema.field(position)
                column = pa.chunked_array(texts, type=pa.large_binary()).cast(field.type)
                table = table.set_column(position, field, column)
            return table.drop_columns([_DOC])

        with _shuffle_settings(job.block_bytes, ray, ds):
            return _apply_dataset(ds, job, key_field, index, apply).materialize()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _find_dataset(ds, output, mode, text_field, id_field, key_field, work_dir, options) -> str:
    """:func:`find` over a Dataset."""
    import pyarrow as pa

    ray = _ray()
    job = _Job(mode, text_field, id_field, DEFAULT_BLOCK_BYTES, options)
    work = tempfile.mkdtemp(prefix="textdedup-ray-", dir=work_dir)
    try:
        index = _dataset_copies(job, ds, key_field, True, work, ray)

        def apply(table: "pa.Table", copies: list) -> "pa.Table":
            deduper = job.deduper()
            bad = _BadRecords()
            found = b"".join(bad.add(ray_apply_rows(deduper, batch, 0, 0, "", text_field,
                                                    id_field, copies, True, _DOC,
                                                    skip_bad=job.skip_bad))
                             for _, batch in _binary_batches(table, text_field))
            bad.report()
            if not found:
                return pa.table({"lo": pa.array([], pa.uint64()),
                                 "path": pa.array([], pa.string())})
            path = os.path.join(work, uuid.uuid4().hex + ".jsonl")
            with open(path, "wb") as f:
                f.write(found)
            return pa.table({"lo": pa.array([table.column(_DOC)[0].as_py()], pa.uint64()),
                             "path": [path]})

        with _shuffle_settings(job.block_bytes, ray, ds):
            parts = sorted((r["lo"], r["path"]) for r in
                           _apply_dataset(ds, job, key_field, index, apply).take_all())
        staged = os.path.join(work, "report.jsonl")
        with open(staged, "wb") as out:
            for _, path in parts:
                with open(path, "rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
        os.replace(staged, output) if _same_device(staged, output) else shutil.move(staged, output)
        return os.fspath(output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
