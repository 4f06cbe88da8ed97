//! Named case tables for paragraph mode, run through every entry point and
//! padded with unique prefix and suffix lines to surface off-by-one errors.

use textdedup::{Config, Corpus, Deduper, DocReport, Normalize, Split};

use textdedup_testkit::oracle::paragraph::check_origins;

/// One case: configuration, input, expected removals as
/// `(start, end, first_start, first_end)` within the document.
struct Case {
    name: &'static str,
    config: Config,
    input: &'static [u8],
    removals: &'static [(usize, usize, usize, usize)],
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
    t!(two_same, LINES, b"a\na\n", &[(2, 4, 0, 2)]),
    t!(no_final_newline, LINES, b"a\nb\na", &[(4, 5, 0, 2)]),
    t!(
        last_line_differs_by_terminator_only,
        LINES,
        b"a\na",
        &[(2, 3, 0, 2)]
    ),
    t!(
        three_copies,
        LINES,
        b"x\nx\nx\n",
        &[(2, 4, 0, 2), (4, 6, 0, 2)]
    ),
    t!(merged_run, LINES, b"a\nb\nc\na\nb\nd\n", &[(6, 10, 0, 4)]),
    t!(
        unmerged_when_firsts_not_adjacent,
        LINES,
        b"a\nz\nb\nb\na\n",
        &[(6, 8, 4, 6), (8, 10, 0, 2)]
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
        &[(17, 34, 0, 17)]
    ),
];

const CRLF: &[Case] = &[
    t!(crlf_pair, LINES, b"a\r\na\r\n", &[(3, 6, 0, 3)]),
    t!(crlf_vs_lf_same_content, LINES, b"a\r\na\n", &[(3, 5, 0, 3)]),
    // The later copy is one byte longer than its first copy: the first
    // copy's end is not `first_start + (end - start)`.
    t!(crlf_copy_of_lf_line, LINES, b"a\nb\na\r\n", &[(4, 7, 0, 2)]),
    t!(
        crlf_copies_of_lf_lines_merged,
        LINES,
        b"a\nb\nc\r\na\r\nb\r\n",
        &[(7, 13, 0, 4)]
    ),
    t!(lone_cr_is_content, LINES, b"a\r\na\r", &[]),
    t!(
        crlf_blank_lines_kept,
        LINES,
        b"a\r\n\r\n\r\na\r\n",
        &[(7, 10, 0, 3)]
    ),
    t!(
        crlf_blocks,
        BLOCKS,
        b"a\r\nb\r\n\r\na\r\nb\r\n",
        &[(8, 14, 0, 6)]
    ),
    t!(
        crlf_block_copy_of_lf_block,
        BLOCKS,
        b"a\nb\n\na\nb\r\n",
        &[(5, 10, 0, 4)]
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
        &[(6, 10, 0, 4)]
    ),
    t!(blocks_differ_in_one_line, BLOCKS, b"p\nq\n\np\nr\n", &[]),
    t!(
        whitespace_norm_trims,
        WS,
        b" a  b\na b \n",
        &[(6, 11, 0, 6)]
    ),
    t!(
        whitespace_norm_nbsp,
        WS,
        "a\u{A0}b\na b\n".as_bytes(),
        &[(5, 9, 0, 5)]
    ),
    t!(
        whitespace_norm_only_spaces_never_dup,
        WS,
        "\u{A0}\n\u{A0}\n".as_bytes(),
        &[]
    ),
    // Copies of another length under white space normalization: shorter,
    // then longer than the first copy.
    t!(
        whitespace_copy_shorter,
        WS,
        b"a    b\nz\na b\n",
        &[(9, 13, 0, 7)]
    ),
    t!(
        whitespace_copy_longer,
        WS,
        b"a b\nz\n  a \t b  \n",
        &[(6, 16, 0, 4)]
    ),
    t!(
        whitespace_copies_merged,
        WS,
        b"a b\nc d\nz\na   b\n c  d\n",
        &[(10, 22, 0, 8)]
    ),
    t!(
        loose_copy_longer,
        LOOSE,
        b"ab cd\nz\n  AB, CD!!\n",
        &[(8, 19, 0, 6)]
    ),
];

const BYTES: &[Case] = &[
    t!(
        invalid_utf8,
        LINES,
        b"\xFF\xFE\n\xFF\xFE\n",
        &[(3, 6, 0, 3)]
    ),
    t!(
        invalid_utf8_loose,
        LOOSE,
        b"\xC3X\n\xC3x\n",
        &[(3, 6, 0, 3)]
    ),
    t!(nul_bytes, LINES, b"\0\0\n\0\0\n\0\n", &[(3, 6, 0, 3)]),
    t!(nul_is_not_blank, LINES, b"\0\n\0\n", &[(2, 4, 0, 2)]),
];

const UNICODE: &[Case] = &[
    t!(
        loose_case_folding,
        LOOSE,
        "ÉCOLE\nécole\n".as_bytes(),
        &[(7, 14, 0, 7)]
    ),
    t!(
        loose_greek,
        LOOSE,
        "ΑΒΓ\nαβγ\n".as_bytes(),
        &[(7, 14, 0, 7)]
    ),
    t!(
        loose_digits_and_punct,
        LOOSE,
        b"Call 555-1234!\nCALL 999-0000?\n",
        &[(15, 30, 0, 15)]
    ),
    t!(
        loose_curly_quotes,
        LOOSE,
        "\u{201C}Hi\u{201D}\n\"hi\"\n".as_bytes(),
        &[(9, 14, 0, 9)]
    ),
    t!(
        exact_is_case_sensitive,
        LINES,
        "École\nécole\n".as_bytes(),
        &[]
    ),
];

/// A document that starts with a byte order mark: the mark is not part of
/// the first paragraph (which starts at byte 3), is never removed, and a
/// mark past the start is content. Prefix padding goes after the mark.
const BOM: &[Case] = &[
    t!(bom_alone, LINES, "\u{FEFF}".as_bytes(), &[]),
    t!(
        bom_first_copy,
        LINES,
        "\u{FEFF}a line\na line\n".as_bytes(),
        &[(10, 17, 3, 10)]
    ),
    t!(
        bom_first_copy_blocks,
        BLOCKS,
        "\u{FEFF}a\nb\n\na\nb\n".as_bytes(),
        &[(8, 12, 3, 7)]
    ),
    t!(
        bom_first_copy_whitespace,
        WS,
        "\u{FEFF}a  b\na b\n".as_bytes(),
        &[(8, 12, 3, 8)]
    ),
    t!(
        bom_first_copy_loose,
        LOOSE,
        "\u{FEFF}Hello, world\nhello world!\n".as_bytes(),
        &[(16, 29, 3, 16)]
    ),
    t!(
        bom_past_the_start_is_content,
        LINES,
        "\u{FEFF}a\n\u{FEFF}a\n".as_bytes(),
        &[]
    ),
    t!(
        bom_past_the_start_is_content_loose,
        LOOSE,
        "\u{FEFF}a\n\u{FEFF}a\n".as_bytes(),
        &[]
    ),
];

const REGRESSION: &[Case] = &[
    // Merging follows the first copies' real ends: `a\r\n` ends where `b\n`
    // starts, though the later copies are shorter.
    t!(
        merge_uses_real_first_ends,
        LINES,
        b"a\r\nb\na\nb\n",
        &[(5, 9, 0, 5)]
    ),
    // `first_start + (end - start)` of `a\r\n` is 3, where `b` starts, but a
    // blank line separates the first copies: not merged.
    t!(
        blank_line_between_first_copies_is_not_merged,
        LINES,
        b"a\n\nb\na\r\nb\n",
        &[(5, 8, 0, 2), (8, 10, 3, 5)]
    ),
];

/// Runs one case with a given prefix and suffix through every entry point.
fn run(case: &Case, prefix: &[u8], suffix: &[u8]) {
    // A byte order mark stays at the start: the prefix goes after it.
    let bom = if case.input.starts_with("\u{FEFF}".as_bytes()) {
        3
    } else {
        0
    };
    let mut input = case.input[..bom].to_vec();
    input.extend_from_slice(prefix);
    input.extend_from_slice(&case.input[bom..]);
    input.extend_from_slice(suffix);
    let shift = prefix.len();
    let want: Vec<(usize, usize, usize, usize)> = case
        .removals
        .iter()
        .map(|&(s, e, fs, fe)| (s + shift, e + shift, fs + shift, fe + shift))
        .collect();
    let deduper = Deduper::new(case.config.clone()).unwrap();
    let mut streamed = Vec::new();
    deduper
        .dedup_stream(&mut Corpus::new(), [&input], 0, |r| {
            streamed.push(summary(&r));
            Ok::<(), ()>(())
        })
        .unwrap();
    let reports = [
        ("dedup", deduper.dedup(&input)),
        ("dedup_in", deduper.dedup_in(&mut Corpus::new(), &input)),
        (
            "dedup_batch",
            deduper
                .dedup_batch(&mut Corpus::new(), std::slice::from_ref(&input))
                .remove(0),
        ),
    ];
    for (entry, report) in &reports {
        assert_eq!(
            summary(report),
            want,
            "case {} via {entry}, prefix {prefix:?}",
            case.name
        );
        for r in report.removals() {
            assert_eq!(r.first().doc().index(), 0);
        }
        check_origins(std::slice::from_ref(&input), report, &case.config);
        // A byte order mark is always kept.
        assert_eq!(
            report.kept_bytes().starts_with("\u{FEFF}".as_bytes()),
            bom == 3,
            "case {}",
            case.name
        );
    }
    assert_eq!(streamed, [want], "case {} via dedup_stream", case.name);
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

/// A report's removals as `(start, end, first_start, first_end)`.
fn summary(report: &DocReport<'_>) -> Vec<(usize, usize, usize, usize)> {
    report
        .removals()
        .iter()
        .map(|r| {
            let f = r.first();
            (r.span().start, r.span().end, f.start(), f.end())
        })
        .collect()
}

#[test]
fn tables() {
    for table in [BASICS, CRLF, BLANKS, BYTES, UNICODE, BOM, REGRESSION] {
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
    assert_eq!(report.stats().paragraphs, Some(10_000));
    assert_eq!(report.stats().paragraphs_removed, Some(9_999));
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

/// Removals of one document as `(start, end, first_doc, first_start,
/// first_end)`.
type DocRemovals = Vec<(usize, usize, u64, usize, usize)>;

fn corpus_summary(reports: &[DocReport<'_>]) -> Vec<DocRemovals> {
    reports
        .iter()
        .map(|report| {
            report
                .removals()
                .iter()
                .map(|r| {
                    let f = r.first();
                    (
                        r.span().start,
                        r.span().end,
                        f.doc().index(),
                        f.start(),
                        f.end(),
                    )
                })
                .collect()
        })
        .collect()
}

/// Runs a corpus through every corpus entry point (one by one, a batch on
/// 1, 2 and 8 threads, a stream in batches of every size) and checks the
/// removals, their first copies against the documents, and that a byte
/// order mark is kept.
fn run_corpus(name: &str, config: &Config, docs: &[&[u8]], want: &[DocRemovals]) {
    let deduper = Deduper::new(config.clone()).unwrap();
    let mut runs: Vec<(String, Vec<DocRemovals>)> = Vec::new();
    let mut corpus = Corpus::new();
    let one_by_one: Vec<_> = docs
        .iter()
        .map(|d| deduper.dedup_in(&mut corpus, d))
        .collect();
    for report in &one_by_one {
        check_origins(docs, report, config);
        let bom = report.text().starts_with("\u{FEFF}".as_bytes());
        assert_eq!(
            report.kept_bytes().starts_with("\u{FEFF}".as_bytes()),
            bom,
            "{name}"
        );
    }
    runs.push(("dedup_in".into(), corpus_summary(&one_by_one)));
    #[cfg(feature = "parallel")]
    for threads in [1, 2, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let batch = pool.install(|| deduper.dedup_batch(&mut Corpus::new(), docs));
        runs.push((
            format!("dedup_batch, {threads} threads"),
            corpus_summary(&batch),
        ));
    }
    #[cfg(not(feature = "parallel"))]
    runs.push((
        "dedup_batch".into(),
        corpus_summary(&deduper.dedup_batch(&mut Corpus::new(), docs)),
    ));
    for batch_bytes in [0, 8, 1 << 20] {
        let mut streamed = Vec::new();
        deduper
            .try_dedup_stream(&mut Corpus::new(), docs, batch_bytes, |r| {
                streamed.extend(corpus_summary(&[r]));
                Ok::<(), textdedup::CorpusMismatch>(())
            })
            .unwrap();
        runs.push((format!("dedup_stream, batches of {batch_bytes}"), streamed));
    }
    for (entry, got) in runs {
        assert_eq!(got, want, "{name} via {entry}");
    }
}

/// First copies of another length in an earlier document.
#[test]
fn corpus_first_copies_of_another_length() {
    // A final line without newline, copied with one: `first_start + (end -
    // start)` would run past the end of the first document.
    run_corpus(
        "lf_copy_of_final_line_without_newline",
        &LINES,
        &[b"b line\na line", b"a line\n"],
        &[vec![], vec![(0, 7, 0, 7, 13)]],
    );
    run_corpus(
        "crlf_copy_of_lf_line",
        &LINES,
        &[b"a line\n", b"x\na line\r\n"],
        &[vec![], vec![(2, 10, 0, 0, 7)]],
    );
    run_corpus(
        "merged_across_documents_by_real_ends",
        &LINES,
        &[b"a\r\nb\n", b"a\nb\r\n"],
        &[vec![], vec![(0, 5, 0, 0, 5)]],
    );
    run_corpus(
        "whitespace_copies_across_documents",
        &WS,
        &[b"z\n a  b \nc d", b"a b\n  c   d\n"],
        &[vec![], vec![(0, 12, 0, 2, 12)]],
    );
    // First copies in two documents are not consecutive, whatever their ends.
    run_corpus(
        "firsts_in_two_documents_not_merged",
        &LINES,
        &[b"a\n", b"b\n", b"a\nb\n"],
        &[vec![], vec![], vec![(0, 2, 0, 0, 2), (2, 4, 1, 0, 2)]],
    );
}

/// A byte order mark in the first copy's document, in the later copy's,
/// or in both, under every normalization and split.
#[test]
fn corpus_byte_order_marks() {
    let bom = "\u{FEFF}";
    for normalize in [Normalize::Exact, Normalize::Whitespace, Normalize::Loose] {
        for split in [Split::Lines, Split::BlankLines] {
            let config = Config::new().min_len(1).normalize(normalize).split(split);
            let cases: [(&str, [String; 2], DocRemovals); 4] = [
                (
                    "bom_in_first",
                    [format!("{bom}a line\n"), "a line\n".into()],
                    vec![(0, 7, 0, 3, 10)],
                ),
                (
                    "bom_in_later",
                    ["a line\n".into(), format!("{bom}a line\n")],
                    vec![(3, 10, 0, 0, 7)],
                ),
                (
                    "bom_in_both",
                    [format!("{bom}a line\n"), format!("{bom}a line\n")],
                    vec![(3, 10, 0, 3, 10)],
                ),
                (
                    "bom_in_first_without_newline",
                    [format!("{bom}a line"), "a line\r\n".into()],
                    vec![(0, 8, 0, 3, 9)],
                ),
            ];
            for (name, docs, later) in cases {
                let docs: Vec<&[u8]> = docs.iter().map(|d| d.as_bytes()).collect();
                let name = format!("{name}, {normalize:?}, {split:?}");
                run_corpus(&name, &config, &docs, &[vec![], later]);
            }
        }
    }
}

/// A first copy of 16 MiB or more does not fit the seen-set's packed entry
/// and is kept in full on the side: its end comes back exact, through the
/// one-document, corpus and batch entry points.
#[test]
fn first_copies_of_16_mib_and_more() {
    let line = "word ".repeat((16 << 20) / 5 + 1);
    let n = line.len();
    assert!(n >= 16 << 20);
    let deduper = Deduper::default();
    // An LF first copy and a CRLF later copy, each followed by a short line
    // (21 bytes) that packs: the later copies are merged into one removal,
    // whose first copy ends after the first short line.
    let text = format!("{line}\nshort line, repeated\n{line}\r\nshort line, repeated\n");
    let got = corpus_summary(&[deduper.dedup(text.as_bytes())]);
    assert_eq!(got, [vec![(n + 22, 2 * n + 45, 0, 0, n + 22)]]);
    let docs = [format!("{line}\n"), format!("x\n{line}")];
    let batch = deduper.dedup_batch(&mut Corpus::new(), &docs);
    assert_eq!(
        corpus_summary(&batch),
        [vec![], vec![(2, n + 2, 0, 0, n + 1)]]
    );
    let mut corpus = Corpus::new();
    let one_by_one: Vec<_> = docs
        .iter()
        .map(|d| deduper.dedup_in(&mut corpus, d.as_bytes()))
        .collect();
    assert_eq!(corpus_summary(&one_by_one), corpus_summary(&batch));
}
