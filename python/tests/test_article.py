"""The bundled article, byte for byte, as tests/article.rs checks it."""

import textdedup


def expected(article):
    # The first 2,677 bytes (paragraphs 1 to 8), then the final 20 newlines.
    assert article[5009:] == b"\n" * 20
    return article[:2677] + article[5009:]


def test_bytes_are_cleaned_byte_for_byte(article):
    report = textdedup.Deduper().dedup(article)
    assert isinstance(report.kept, bytes)
    assert report.kept == expected(article)
    [removal] = report.removals
    assert (removal.start, removal.end) == (2677, 5009)
    assert (removal.first_doc, removal.first_start, removal.first_end) == (0, 345, 2677)
    assert article[removal.start : removal.end] == article[345:2677]
    stats = report.stats
    assert (stats.paragraphs, stats.paragraphs_removed, stats.bytes_removed) == (15, 7, 5009 - 2677)
    assert stats.chunks is None


def test_str_gives_the_same_text(article):
    text = article.decode("utf-8")
    assert textdedup.dedup_str(text) == expected(article).decode("utf-8")
    report = textdedup.Deduper().dedup(text)
    [removal] = report.removals
    # Offsets count characters: the slice is the removed text.
    assert text[removal.start : removal.end].encode() == article[2677:5009]
    assert text[removal.first_start : removal.first_end].encode() == article[345:2677]
