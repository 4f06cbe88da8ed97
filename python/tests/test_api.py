"""The Python interface: types, offsets, corpora, threads, errors, and
input that is not clean text."""

import os
import sys

import pytest

import textdedup
from textdedup import Corpus, Deduper, Removal, Report

MODES = [
    ("paragraph", {}),
    ("paragraph", {"split": "blank-lines", "normalize": "loose"}),
    ("passage", {"min_len": 20}),
    ("passage", {"min_len": 20, "snap": "char"}),
    ("chunk", {"avg_size": 64}),
]
MODE_IDS = [f"{m}-{o}" for m, o in MODES]


def rows(reports):
    return [
        (r.doc, r.kept, [(x.start, x.end, x.first_doc, x.first_start, x.first_end) for x in r.removals])
        for r in reports
    ]


def test_dedup_str_default():
    text = "Breaking news from the capital.\nDetails follow.\nBreaking news from the capital.\n"
    assert textdedup.dedup_str(text) == "Breaking news from the capital.\nDetails follow.\n"
    assert textdedup.dedup_str("") == ""
    with pytest.raises(TypeError, match="takes a str"):
        textdedup.dedup_str(b"bytes")


def test_report_types_follow_the_input():
    line = "a line that repeats, long enough\n"
    report = Deduper().dedup(line * 3)
    assert isinstance(report, Report)
    assert report.kept == line and isinstance(report.kept, str)
    n = len(line)
    assert report.removals == [Removal(n, 2 * n, 0, 0, n), Removal(2 * n, 3 * n, 0, 0, n)]
    raw = Deduper().dedup((line * 3).encode())
    assert raw.kept == line.encode() and isinstance(raw.kept, bytes)
    assert raw.bytes_removed == 2 * len(line) == raw.stats.bytes_removed


def test_nothing_removed_returns_the_same_object():
    text = "nothing repeats here\n"
    assert Deduper().dedup(text).kept is text


@pytest.mark.parametrize("mode,options", MODES, ids=MODE_IDS)
def test_str_offsets_count_characters(corpus, mode, options):
    deduper = Deduper(mode, **options)
    as_str = deduper.dedup_batch(corpus)
    as_bytes = deduper.dedup_batch([t.encode() for t in corpus])
    assert sum(len(r.removals) for r in as_str) > 0
    for text, s, b in zip(corpus, as_str, as_bytes):
        raw = text.encode()
        assert s.kept.encode() == b.kept
        assert len(s.removals) == len(b.removals)
        for rs, rb in zip(s.removals, b.removals):
            # The character slice is exactly the byte slice.
            assert text[rs.start : rs.end].encode() == raw[rb.start : rb.end]
            first = corpus[rs.first_doc]
            first_raw = first.encode()
            assert first[rs.first_start : rs.first_end].encode() == first_raw[rb.first_start : rb.first_end]
            assert rs.first_doc == rb.first_doc
        # The kept text is the text without the removed slices.
        kept, pos = [], 0
        for r in s.removals:
            kept.append(text[pos : r.start])
            pos = r.end
        kept.append(text[pos:])
        assert "".join(kept) == s.kept


def test_non_ascii_first_copy_in_an_earlier_call():
    deduper = Deduper("passage", min_len=20)
    corpus = Corpus(deduper)
    first = "東京 — préambule: la même phrase répétée dans un autre document."
    second = "Ünïcödé ⇒ " + first[6:]
    corpus.dedup(first)
    corpus.dedup("padding document\n")
    [r] = corpus.dedup(second).removals
    assert r.first_doc == 0
    assert second[r.start : r.end] == first[r.first_start : r.first_end]
    assert corpus.heap_bytes > 0


@pytest.mark.parametrize("mode,options", MODES, ids=MODE_IDS)
def test_corpus_across_calls_equals_one_batch(corpus, mode, options):
    deduper = Deduper(mode, **options)
    whole = deduper.dedup_batch(corpus)
    fed = Corpus(deduper)
    parts = fed.dedup_batch(corpus[:40]) + [fed.dedup(t) for t in corpus[40:50]] + fed.dedup_batch(corpus[50:])
    assert rows(parts) == rows(whole)
    assert fed.documents == len(fed) == len(corpus)
    assert fed.heap_bytes > 0
    assert (fed.refused_anchors is not None) == (mode == "passage")
    assert fed.refused_bytes == (0 if mode == "passage" else None)
    fed.clear()
    assert fed.documents == 0
    assert rows(fed.dedup_batch(corpus)) == rows(whole)


@pytest.mark.parametrize("mode,options", MODES, ids=MODE_IDS)
def test_thread_counts_give_identical_reports(corpus, mode, options):
    one = Deduper(mode, threads=1, **options)
    two = Deduper(mode, threads=2, **options)
    assert (one.threads, two.threads) == (1, 2)
    docs = corpus + ["".join(corpus)]  # and one large document
    assert rows(one.dedup_batch(docs)) == rows(two.dedup_batch(docs))


def test_scope_document():
    line = "the same line in two documents\n"
    reports = Deduper(scope="document").dedup_batch([line, line + line])
    assert reports[0].removals == []
    assert [r.first_doc for r in reports[1].removals] == [1]


@pytest.mark.parametrize(
    "options,message",
    [
        ({"colour": "red"}, "unknown option 'colour'"),
        ({"snap": "word"}, "'snap' does not apply to mode 'paragraph'"),
        ({"split": "paragraphs"}, "invalid split='paragraphs'"),
        ({"normalize": 3}, "option 'normalize' takes a str"),
        ({"min_len": -1}, "invalid min_len=-1"),
        ({"min_len": "16"}, "option 'min_len' takes an int"),
        ({"threads": 0}, "invalid threads=0"),
        ({"threads": True}, "option 'threads' takes an int"),
        ({"seed": 2**64}, "invalid seed="),
    ],
)
def test_bad_options_raise_value_error(options, message):
    with pytest.raises(ValueError, match=message):
        Deduper("paragraph", **options)


@pytest.mark.parametrize(
    "mode,options,message",
    [
        ("passage", {"min_len": 8}, "invalid min_len=8"),
        ("chunk", {"avg_size": 32}, "invalid avg_size=32"),
        ("chunk", {"avg_size": 256, "max_size": 100}, "invalid max_size=100"),
        ("chunk", {"min_len": 10}, "'min_len' does not apply to mode 'chunk'"),
        ("passage", {"normalize": "loose"}, "'normalize' does not apply to mode 'passage'"),
        ("lines", {}, "unknown mode 'lines'"),
    ],
)
def test_bad_mode_values_raise_value_error(mode, options, message):
    with pytest.raises(ValueError, match=message):
        Deduper(mode, **options)


def test_options_accept_underscores_and_none():
    assert Deduper(split="blank_lines", min_len=None).dedup("a\n").kept == "a\n"
    assert repr(Deduper("passage", min_len=40, snap="line")) == "Deduper(mode='passage', snap='line', min_len=40)"


@pytest.mark.parametrize("bad", [None, 3, 4.5, ["a list"], bytearray(b"mutable"), memoryview(b"view")])
def test_non_text_documents_raise_type_error(bad):
    deduper = Deduper()
    with pytest.raises(TypeError, match="a document is str or bytes"):
        deduper.dedup(bad)
    with pytest.raises(TypeError, match="document 1 is"):
        deduper.dedup_batch(["fine", bad])
    with pytest.raises(TypeError):
        Corpus(deduper).dedup(bad)


def test_batch_must_be_a_list_of_documents():
    with pytest.raises(TypeError, match="use dedup\\(\\) for one document"):
        Deduper().dedup_batch("one string")
    with pytest.raises(TypeError, match="iterable"):
        Deduper().dedup_batch(42)
    with pytest.raises(TypeError):
        Corpus("not a deduper")
    # Any iterable will do.
    assert len(Deduper().dedup_batch(t for t in ["a\n", "b\n"])) == 2


def test_lone_surrogates_are_a_value_error():
    with pytest.raises(ValueError):
        Deduper().dedup("bad \ud800 surrogate")


@pytest.mark.parametrize("mode,options", MODES, ids=MODE_IDS)
def test_unclean_input(mode, options):
    deduper = Deduper(mode, **options)
    line = b"a line long enough to count as a copy, \xff\xfe invalid bytes\n"
    docs = [
        b"",
        line * 4,
        b"\x00\x00 nul bytes \x00 and a lone \xc3 continuation\r\n" * 5,
        b"\r\n\r\n\n\r",
        line.replace(b"\n", b"\r\n") * 3 + line,
        "".encode(),
    ]
    reports = deduper.dedup_batch(docs)
    for doc, report in zip(docs, reports):
        assert isinstance(report.kept, bytes)
        kept, pos = b"", 0
        for r in report.removals:
            assert 0 <= r.start < r.end <= len(doc)
            kept += doc[pos : r.start]
            pos = r.end
        assert kept + doc[pos:] == report.kept
    assert reports[0].kept == b"" and reports[0].removals == []
    assert sum(r.bytes_removed for r in reports) > 0
    assert deduper.dedup("").kept == ""


def test_crlf_paragraphs():
    text = "a line that repeats itself\r\nother\r\na line that repeats itself\r\na line that repeats itself\n"
    report = Deduper().dedup(text)
    assert report.kept == "a line that repeats itself\r\nother\r\n"
    # Each later copy names the first one, CRLF included.
    assert [(r.first_start, r.first_end) for r in report.removals] == [(0, 28), (0, 28)]


def test_byte_snap_on_str_keeps_valid_text():
    # Snap "byte" may split a character; the kept str then holds U+FFFD.
    text = "ééééééééééééééééééééé x ééééééééééééééééééééé"
    report = Deduper("passage", min_len=16, snap="byte").dedup(text)
    assert isinstance(report.kept, str)


def test_stats_and_reprs():
    report = Deduper().dedup("a line long enough to repeat\n" * 2)
    assert report.stats.paragraphs == 2 and report.stats.paragraphs_removed == 1
    assert report.stats.documents == 1
    assert "Removal(start=29" in repr(report.removals[0])
    assert repr(report).startswith("Report(doc=0")
    assert "Corpus(Deduper(mode='chunk'" in repr(Corpus(Deduper("chunk")))
    assert hash(report.removals[0]) == hash(Removal(29, 58, 0, 0, 29))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_works_in_a_forked_child(corpus):
    deduper = Deduper(threads=2)
    expected = rows(deduper.dedup_batch(corpus))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a pool of the parent would hang here
        try:
            ok = rows(deduper.dedup_batch(corpus)) == expected
            ok = ok and textdedup.dedup_str("x\nx\n") == "x\nx\n"
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    import select

    ready, _, _ = select.select([read], [], [], 60)
    answer = os.read(read, 1) if ready else b"timeout"
    os.waitpid(pid, 0)
    assert answer == b"1"


def test_gil_is_released_during_a_batch(corpus):
    import threading

    deduper = Deduper(threads=1)
    big = corpus * 20
    results = []
    threads = [threading.Thread(target=lambda: results.append(rows(deduper.dedup_batch(big)))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == results[1]


def test_version():
    assert textdedup.__version__
    assert sys.modules["textdedup"].__all__
