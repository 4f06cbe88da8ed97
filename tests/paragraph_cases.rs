//! Named case tables for paragraph mode, run through every entry point and
//! padded with unique prefix and suffix lines to surface off-by-one errors.

use textdedup::{Config, Corpus, Deduper, Normalize, Split};

/// One case: configuration, input, expected removals as
/// `(start, end, first_start)` within the document.
struct Case {
    name: &'static str,
    config: Config,
    input: &'static [u8],
    removals: &'static [(usize, usize, usize)],
}

const LINES: Config = Config::new().min_len(1);
const BLOCKS: Config = Config::new().min_len(1).split(Split::BlankLines);
const WS: Config = Config::new().min_len(1).normalize(Normalize::Whitespace);
const LOOSE: Config = Config::new().min_len(1).normalize(Normalize::Loose);

macro_rules! t {
    ($name:ident, $config:expr, $input:expr, $removals:expr) => {
        Case {
            name: stringify!($name),
            config: $config,
            input: $input,
            removals: $removals,
        }
    };
}

const BASICS: &[Case] = &[
    t!(empty, LINES, b"", &[]),
    t!(one_line, LINES, b"a", &[]),
    t!(two_same, LINES, b"a\na\n", &[(2, 4, 0)]),
    t!(no_final_newline, LINES, b"a\nb\na", &[(4, 5, 0)]),
    t!(
        last_line_differs_by_terminator_only,
        LINES,
        b"a\na",
        &[(2, 3, 0)]
    ),
    t!(three_copies, LINES, b"x\nx\nx\n", &[(2, 4, 0), (4, 6, 0)]),
    t!(merged_run, LINES, b"a\nb\nc\na\nb\nd\n", &[(6, 10, 0)]),
    t!(
        unmerged_when_firsts_not_adjacent,
        LINES,
        b"a\nz\nb\nb\na\n",
        &[(6, 8, 4), (8, 10, 0)]
    ),
    t!(
        min_len_default_keeps_short_lines,
        Config::new(),
        b"ok\nok\n",
        &[]
    ),
    t!(
        min_len_default_counts_long_lines,
        Config::new(),
        b"sixteen bytes ok\nsixteen bytes ok\n",
        &[(17, 34, 0)]
    ),
];

const CRLF: &[Case] = &[
    t!(crlf_pair, LINES, b"a\r\na\r\n", &[(3, 6, 0)]),
    t!(crlf_vs_lf_same_content, LINES, b"a\r\na\n", &[(3, 5, 0)]),
    t!(lone_cr_is_content, LINES, b"a\r\na\r", &[]),
    t!(
        crlf_blank_lines_kept,
        LINES,
        b"a\r\n\r\n\r\na\r\n",
        &[(7, 10, 0)]
    ),
    t!(
        crlf_blocks,
        BLOCKS,
        b"a\r\nb\r\n\r\na\r\nb\r\n",
        &[(8, 14, 0)]
    ),
];

const BLANKS: &[Case] = &[
    t!(runs_of_blank_lines_kept, LINES, b"\n\n\n\n", &[]),
    t!(
        whitespace_only_lines_never_dups,
        LINES,
        b" \n \n\t\n\t\n",
        &[]
    ),
    t!(
        blocks_separators_kept,
        BLOCKS,
        b"p\nq\n\n\np\nq\n\n",
        &[(6, 10, 0)]
    ),
    t!(blocks_differ_in_one_line, BLOCKS, b"p\nq\n\np\nr\n", &[]),
    t!(whitespace_norm_trims, WS, b" a  b\na b \n", &[(6, 11, 0)]),
    t!(
        whitespace_norm_nbsp,
        WS,
        "a\u{A0}b\na b\n".as_bytes(),
        &[(5, 9, 0)]
    ),
    t!(
        whitespace_norm_only_spaces_never_dup,
        WS,
        "\u{A0}\n\u{A0}\n".as_bytes(),
        &[]
    ),
];

const BYTES: &[Case] = &[
    t!(invalid_utf8, LINES, b"\xFF\xFE\n\xFF\xFE\n", &[(3, 6, 0)]),
    t!(invalid_utf8_loose, LOOSE, b"\xC3X\n\xC3x\n", &[(3, 6, 0)]),
    t!(nul_bytes, LINES, b"\0\0\n\0\0\n\0\n", &[(3, 6, 0)]),
    t!(nul_is_not_blank, LINES, b"\0\n\0\n", &[(2, 4, 0)]),
];

const UNICODE: &[Case] = &[
    t!(
        loose_case_folding,
        LOOSE,
        "ÉCOLE\nécole\n".as_bytes(),
        &[(7, 14, 0)]
    ),
    t!(loose_greek, LOOSE, "ΑΒΓ\nαβγ\n".as_bytes(), &[(7, 14, 0)]),
    t!(
        loose_digits_and_punct,
        LOOSE,
        b"Call 555-1234!\nCALL 999-0000?\n",
        &[(15, 30, 0)]
    ),
    t!(
        loose_curly_quotes,
        LOOSE,
        "\u{201C}Hi\u{201D}\n\"hi\"\n".as_bytes(),
        &[(9, 14, 0)]
    ),
    t!(
        exact_is_case_sensitive,
        LINES,
        "École\nécole\n".as_bytes(),
        &[]
    ),
];

const REGRESSION: &[Case] = &[t!(
    bytes_merge_needs_same_terminator,
    LINES,
    b"a\r\nb\na\nb\n",
    &[(5, 7, 0), (7, 9, 3)]
)];

/// Runs one case with a given prefix and suffix through every entry point.
fn run(case: &Case, prefix: &[u8], suffix: &[u8]) {
    let mut input = prefix.to_vec();
    input.extend_from_slice(case.input);
    input.extend_from_slice(suffix);
    let shift = prefix.len();
    let want: Vec<(usize, usize, usize)> = case
        .removals
        .iter()
        .map(|&(s, e, f)| (s + shift, e + shift, f + shift))
        .collect();
    let deduper = Deduper::new(case.config.clone()).unwrap();
    let reports = [
        ("dedup", deduper.dedup(&input)),
        ("dedup_in", deduper.dedup_in(&mut Corpus::new(), &input)),
    ];
    for (entry, report) in &reports {
        let got: Vec<_> = report
            .removals()
            .iter()
            .map(|r| (r.span().start, r.span().end, r.first().start()))
            .collect();
        assert_eq!(
            got, want,
            "case {} via {entry}, prefix {prefix:?}",
            case.name
        );
        for r in report.removals() {
            assert_eq!(r.first().doc().index(), 0);
        }
    }
    if let (Ok(text), true) = (std::str::from_utf8(&input), case.config == Config::new()) {
        let kept = reports[0].1.kept_str().unwrap();
        assert_eq!(
            textdedup::dedup_str(text),
            kept,
            "case {} via dedup_str",
            case.name
        );
    }
}

#[test]
fn tables() {
    for table in [BASICS, CRLF, BLANKS, BYTES, UNICODE, REGRESSION] {
        for case in table {
            // Padding is separated by a blank line so that it stays a
            // paragraph of its own under every split.
            run(case, b"", b"");
            run(case, b"unique prefix line\n\n", b"");
            run(case, b"\n\nunique prefix\r\n\n", b"");
            if case.input.is_empty() || case.input.ends_with(b"\n") {
                run(case, b"unique prefix line\n\n", b"\nunique suffix line\n");
                run(case, b"", b"\r\nunique suffix, no newline");
            }
        }
    }
}

#[test]
fn one_paragraph_repeated_ten_thousand_times() {
    let line = "The same paragraph, pasted again and again.\n";
    let text = line.repeat(10_000);
    let report = Deduper::default().dedup_str(&text);
    // Every later copy names the first copy at 0. Their first copies are
    // not consecutive, so the removals are not merged (DESIGN section 7).
    assert_eq!(report.removals().len(), 9_999);
    for (i, r) in report.removals().iter().enumerate() {
        assert_eq!(r.span().range(), (i + 1) * line.len()..(i + 2) * line.len());
        assert_eq!(r.first().start(), 0);
    }
    assert_eq!(report.kept_str().unwrap(), line);
    assert_eq!(report.stats().paragraphs, 10_000);
    assert_eq!(report.stats().paragraphs_removed, 9_999);
}

#[test]
fn all_duplicate_corpus() {
    let deduper = Deduper::default();
    let mut corpus = Corpus::new();
    let doc = "first paragraph of the page\nsecond paragraph of the page\n";
    for i in 0..1_000u64 {
        let report = deduper.dedup_in(&mut corpus, doc.as_bytes());
        if i == 0 {
            assert!(report.removals().is_empty());
        } else {
            assert_eq!(report.kept_len(), 0);
            assert!(report
                .removals()
                .iter()
                .all(|r| r.first().doc().index() == 0));
        }
    }
    assert_eq!(corpus.distinct_paragraphs(), 2);
}

#[test]
fn one_giant_paragraph() {
    let text = "word ".repeat(2_000_000) + "\n";
    let twice = text.repeat(2);
    let report = Deduper::default().dedup_str(&twice);
    assert_eq!(report.removals().len(), 1);
    assert_eq!(report.removals()[0].span().range(), text.len()..twice.len());
}
