"""`dedup_arrow`: pyarrow arrays in, tables out, the answer of `dedup_batch`."""

import pytest

import textdedup

pa = pytest.importorskip("pyarrow")

TYPES = ["string", "large_string", "binary", "large_binary"]


@pytest.mark.parametrize("type_name", TYPES)
@pytest.mark.parametrize("mode,options", [("paragraph", {}), ("passage", {"min_len": 20}), ("chunk", {"avg_size": 64})])
def test_table_matches_dedup_batch(corpus, type_name, mode, options):
    deduper = textdedup.Deduper(mode, **options)
    raw = [t.encode() for t in corpus]
    array = pa.array(raw if "binary" in type_name else corpus, type=getattr(pa, type_name)())
    table = deduper.dedup_arrow(array)
    assert table.column_names == ["kept", "removals", "bytes_removed"]
    assert table.schema.field("kept").type == array.type
    reports = deduper.dedup_batch(raw)
    kept = table.column("kept").to_pylist()
    assert [k.encode() if isinstance(k, str) else k for k in kept] == [r.kept for r in reports]
    removals = table.column("removals").to_pylist()
    assert removals == [
        [
            {"start": x.start, "end": x.end, "first_doc": x.first_doc, "first_start": x.first_start, "first_end": x.first_end}
            for x in r.removals
        ]
        for r in reports
    ]
    assert table.column("bytes_removed").to_pylist() == [r.bytes_removed for r in reports]


def test_nulls_and_chunks_keep_row_order(corpus):
    deduper = textdedup.Deduper()
    docs = corpus[:30]
    with_nulls = docs[:10] + [None] + docs[10:]
    chunked = pa.chunked_array([pa.array(with_nulls[:15]), pa.array(with_nulls[15:])])
    table = deduper.dedup_arrow(chunked)
    assert table.num_rows == len(with_nulls)
    kept = table.column("kept").to_pylist()
    assert kept[10] is None and table.column("removals").to_pylist()[10] == []
    # A null is an empty document: indices stay row indices.
    expected = [r.kept for r in deduper.dedup_batch([d if d is not None else "" for d in with_nulls])]
    expected[10] = None
    assert kept == expected
    assert deduper.dedup_arrow(pa.chunked_array([], type=pa.string())).num_rows == 0
    assert deduper.dedup_arrow(pa.array([], type=pa.binary())).num_rows == 0


def test_corpus_continues_across_arrays(corpus):
    deduper = textdedup.Deduper("passage", min_len=20)
    whole = deduper.dedup_arrow(pa.array(corpus)).to_pylist()
    fed = textdedup.Corpus(deduper)
    parts = fed.dedup_arrow(pa.array(corpus[:50])).to_pylist() + fed.dedup_arrow(pa.array(corpus[50:])).to_pylist()
    assert parts == whole
    assert fed.documents == len(corpus)


def test_byte_snap_split_characters_become_replacement_characters():
    text = "ééééééééééééééééééééé x ééééééééééééééééééééé"
    table = textdedup.Deduper("passage", min_len=16, snap="byte").dedup_arrow(pa.array([text]))
    assert isinstance(table.column("kept")[0].as_py(), str)


@pytest.mark.parametrize("bad", [["a list"], "text", 3])
def test_not_an_arrow_array(bad):
    with pytest.raises(TypeError, match="pyarrow Array or ChunkedArray"):
        textdedup.Deduper().dedup_arrow(bad)


def test_not_a_text_array():
    with pytest.raises(TypeError, match="string, large_string, binary or large_binary"):
        textdedup.Deduper().dedup_arrow(pa.array([1, 2, 3]))
