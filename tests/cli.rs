//! The `textdedup` binary, run on fixtures (DESIGN.md section 7).
#![cfg(feature = "cli")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod cli_support;
use cli_support::{fails, fixture, lines, ok, run_in, stderr, tree};
use textdedup_testkit::SplitMix64;

const ARTICLE: &[u8] = include_bytes!("../examples/data/article.txt");

/// The article without its later copies: DESIGN.md section 3.
fn article_clean() -> Vec<u8> {
    let mut out = ARTICLE[..2677].to_vec();
    out.extend_from_slice(&ARTICLE[5009..]);
    assert_eq!(ARTICLE.len() - 5009, 20);
    out
}

// ---- clean ----------------------------------------------------------------

#[test]
fn clean_article_byte_for_byte() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    assert_eq!(ok(dir.path(), &["clean", "article.txt"]), article_clean());
}

#[test]
fn clean_reads_stdin() {
    let dir = fixture(&[]);
    for args in [&["clean"][..], &["clean", "-"]] {
        let out = run_in(dir.path(), args, ARTICLE);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(out.stdout, article_clean());
    }
}

#[test]
fn clean_output_file() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    let stdout = ok(dir.path(), &["clean", "article.txt", "--output", "out.txt"]);
    assert!(stdout.is_empty());
    assert_eq!(
        fs::read(dir.path().join("out.txt")).unwrap(),
        article_clean()
    );
    // Only the input and the output: no temporary file left.
    assert_eq!(
        tree(dir.path()),
        [PathBuf::from("article.txt"), "out.txt".into()]
    );
    // An input as output is refused; --in-place replaces it.
    let err = fails(dir.path(), &["clean", "article.txt", "-o", "article.txt"]);
    assert!(err.contains("--in-place"), "{err}");
    assert_eq!(fs::read(dir.path().join("article.txt")).unwrap(), ARTICLE);
    ok(dir.path(), &["clean", "-q", "--in-place", "article.txt"]);
    assert_eq!(
        fs::read(dir.path().join("article.txt")).unwrap(),
        article_clean()
    );
}

#[test]
fn a_dash_is_standard_output() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    // `-` is standard output, for every subcommand's --output.
    assert_eq!(
        ok(dir.path(), &["clean", "article.txt", "-o", "-"]),
        article_clean()
    );
    let found = ok(dir.path(), &["find", "article.txt", "--output", "-"]);
    assert_eq!(found, ok(dir.path(), &["find", "article.txt"]));
    assert!(!lines(&found).is_empty());
    let chunks = ok(dir.path(), &["chunk", "article.txt", "-o", "-"]);
    assert_eq!(chunks, ok(dir.path(), &["chunk", "article.txt"]));
    assert!(!dir.path().join("-").exists());
    // The report to standard output, but not with the cleaned text.
    let report = ok(
        dir.path(),
        &["clean", "article.txt", "-o", "c.txt", "--report", "-"],
    );
    assert_eq!(report, found);
    fs::remove_file(dir.path().join("c.txt")).unwrap();
    for args in [
        &["clean", "article.txt", "--report", "-"][..],
        &["clean", "article.txt", "-o", "-", "--report", "-"],
    ] {
        assert!(fails(dir.path(), args)
            .contains("--report -: the cleaned text goes to standard output"));
    }
    // --stats is always a file.
    let err = fails(dir.path(), &["find", "article.txt", "--stats", "-"]);
    assert!(err.contains("give a file name"), "{err}");
    // Several inputs need --out-dir first.
    let args = ["clean", "article.txt", "article.txt", "--report", "-"];
    assert!(fails(dir.path(), &args).contains("give --out-dir DIR"));
}

#[test]
fn output_names() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    // --stats is plain JSON whatever its name says.
    let args = [
        "find",
        "article.txt",
        "-o",
        "f.jsonl",
        "--compress",
        "none",
        "--stats",
        "s.json.gz",
    ];
    ok(dir.path(), &args);
    let stats = fs::read(dir.path().join("s.json.gz")).unwrap();
    let stats: Value = serde_json::from_slice(&stats).unwrap();
    assert_eq!(stats["bytes_removed"], 2332);
    fs::remove_file(dir.path().join("s.json.gz")).unwrap();
    fs::remove_file(dir.path().join("f.jsonl")).unwrap();
    // Two output options never name one file: the second would replace
    // the first. Nothing is written.
    fs::create_dir(dir.path().join("sub")).unwrap();
    for (args, said) in [
        (
            &["clean", "article.txt", "-o", "c.txt", "--report", "./c.txt"][..],
            "--output and --report",
        ),
        (
            &[
                "clean",
                "article.txt",
                "-o",
                "sub/../c.txt",
                "--stats",
                "c.txt",
            ],
            "--output and --stats",
        ),
        (
            &[
                "clean",
                "article.txt",
                "--out-dir",
                "od",
                "--report",
                "r",
                "--stats",
                "r",
            ],
            "--report and --stats",
        ),
        (
            &[
                "find",
                "article.txt",
                "-o",
                "f.jsonl",
                "--stats",
                "./f.jsonl",
            ],
            "--output and --stats",
        ),
        (
            &[
                "chunk",
                "article.txt",
                "-o",
                "k.jsonl",
                "--stats",
                "k.jsonl",
            ],
            "--output and --stats",
        ),
    ] {
        let err = fails(dir.path(), args);
        assert!(err.contains(&format!("{said} both name")), "{err}");
    }
    assert_eq!(tree(dir.path()), [PathBuf::from("article.txt")]);
}

#[test]
fn summary_line_and_quiet() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    let out = run_in(dir.path(), &["clean", "article.txt"], b"");
    assert_eq!(
        stderr(&out),
        "textdedup: 1 document, 5029 bytes in, 2332 bytes removed (46.4%)\n"
    );
    let out = run_in(dir.path(), &["clean", "--quiet", "article.txt"], b"");
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    // Not a terminal: no progress bar either.
    let out = run_in(dir.path(), &["find", "article.txt", "article.txt"], b"");
    assert_eq!(
        stderr(&out),
        "textdedup: 2 documents, 10058 bytes in, 7341 bytes removed (73.0%)\n"
    );
}

#[test]
fn invalid_utf8_is_processed_as_bytes() {
    let doc: &[u8] = b"\xff\xfe not UTF-8 at all \x80\n-\n\xff\xfe not UTF-8 at all \x80\n";
    let dir = fixture(&[("bad.txt", doc)]);
    assert_eq!(
        ok(dir.path(), &["clean", "bad.txt"]),
        b"\xff\xfe not UTF-8 at all \x80\n-\n"
    );
    let found = lines(&ok(dir.path(), &["find", "bad.txt"]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["start"], 24);
    assert_eq!(found[0]["end"], doc.len());
}

// ---- options ---------------------------------------------------------------

#[test]
fn scope_document_keeps_cross_document_copies() {
    let dir = fixture(&[
        ("in/a.txt", b"shared line of boilerplate\nalpha\n"),
        (
            "in/b.txt",
            b"shared line of boilerplate\nbeta\nbeta is long enough\nbeta is long enough\n",
        ),
    ]);
    ok(dir.path(), &["clean", "in", "--out-dir", "corpus"]);
    assert_eq!(
        fs::read(dir.path().join("corpus/b.txt")).unwrap(),
        b"beta\nbeta is long enough\n"
    );
    ok(
        dir.path(),
        &["clean", "in", "--out-dir", "doc", "--scope", "document"],
    );
    assert_eq!(
        fs::read(dir.path().join("doc/b.txt")).unwrap(),
        b"shared line of boilerplate\nbeta\nbeta is long enough\n"
    );
}

#[test]
fn split_blank_lines() {
    let text = b"first line of a paragraph\nsecond line\n\nsecond line\n\nfirst line of a paragraph\nsecond line\n";
    let dir = fixture(&[("t.txt", text)]);
    // Lines: the repeated lines go one by one, leaving the blank lines.
    assert_eq!(
        ok(dir.path(), &["clean", "-q", "t.txt", "--min-len", "1"]),
        b"first line of a paragraph\nsecond line\n\n\n"
    );
    // Blank-line paragraphs: only the whole repeated paragraph goes.
    assert_eq!(
        ok(
            dir.path(),
            &[
                "clean",
                "-q",
                "t.txt",
                "--min-len",
                "1",
                "--split",
                "blank-lines"
            ]
        ),
        b"first line of a paragraph\nsecond line\n\nsecond line\n\n"
    );
}

#[test]
fn normalize_options() {
    let text = b"The Same Line, 2024 edition\n  the same line 1999 edition!\nThe  Same  Line,  2024 edition\nThe Same Line, 2024 edition\n";
    let dir = fixture(&[("t.txt", text)]);
    let removed = |mode: &str| {
        let found = lines(&ok(
            dir.path(),
            &["find", "-q", "t.txt", "--normalize", mode],
        ));
        found
            .iter()
            .map(|v| v["start"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(removed("exact"), [89]);
    assert_eq!(removed("whitespace"), [58, 89]);
    assert_eq!(removed("loose"), [28, 58, 89]);
}

#[test]
fn min_len_option() {
    let text = b"short\nshort\n";
    let dir = fixture(&[("t.txt", text)]);
    assert_eq!(ok(dir.path(), &["clean", "-q", "t.txt"]), text);
    assert_eq!(
        ok(dir.path(), &["clean", "-q", "t.txt", "--min-len", "5"]),
        b"short\n"
    );
    assert_eq!(
        ok(dir.path(), &["clean", "-q", "t.txt", "--min-len", "6"]),
        text
    );
}

#[test]
fn threads_are_accepted_and_options_of_other_modes_refused() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    for args in [
        &["clean", "article.txt", "--threads", "1"][..],
        &["clean", "article.txt", "--threads", "3"],
        &[
            "clean",
            "article.txt",
            "--mode",
            "passage",
            "--snap",
            "line",
        ],
    ] {
        assert_eq!(ok(dir.path(), args), article_clean(), "{args:?}");
    }
    // An option the mode does not use is an error, not ignored.
    for (args, option) in [
        (&["--snap", "line"][..], "--snap"),
        (&["--avg-size", "256"], "--avg-size"),
        (&["--mode", "passage", "--split", "blank-lines"], "--split"),
        (
            &["--mode", "passage", "--normalize", "loose"],
            "--normalize",
        ),
        (&["--mode", "chunk", "--min-len", "20"], "--min-len"),
        (&["--mode", "chunk", "--snap", "byte"], "--snap"),
    ] {
        let err = fails(dir.path(), &[&["clean", "article.txt"][..], args].concat());
        assert!(
            err.contains(&format!("{option} does not apply to --mode")),
            "{err}"
        );
    }
}

#[test]
fn seed_changes_nothing_in_the_output() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    for mode in ["paragraph", "passage"] {
        let plain = ok(dir.path(), &["find", "-q", "--mode", mode, "article.txt"]);
        assert!(!lines(&plain).is_empty());
        for seed in ["1", "18446744073709551615"] {
            let args = ["find", "-q", "--mode", mode, "--seed", seed, "article.txt"];
            assert_eq!(ok(dir.path(), &args), plain, "{args:?}");
        }
    }
    let err = fails(dir.path(), &["clean", "--seed", "x1", "article.txt"]);
    assert!(err.contains("--seed"), "{err}");
}

#[test]
fn max_memory_stops_with_a_clear_error_and_no_output() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    for mode in ["paragraph", "passage"] {
        let args = [
            "clean",
            "--mode",
            mode,
            "article.txt",
            "-o",
            "out.txt",
            "--max-memory",
            "1K",
        ];
        // The file is longer than the default record limit...
        let err = fails(dir.path(), &args);
        assert!(
            err.contains("article.txt: the file is longer than"),
            "{err}"
        );
        assert!(
            err.contains("the most that --max-memory 1024 allows"),
            "{err}"
        );
        assert!(!dir.path().join("out.txt").exists(), "no partial output");
        // ...and allowed in, it does not fit.
        let err = fails(
            dir.path(),
            &[&args[..], &["--max-record-size", "1M"]].concat(),
        );
        assert!(err.contains("--max-memory 1024"), "{err}");
        assert!(!dir.path().join("out.txt").exists(), "no partial output");
        let args = [
            "clean",
            "-q",
            "--mode",
            mode,
            "article.txt",
            "--max-memory",
            "64M",
        ];
        let kept = ok(dir.path(), &args);
        assert!(kept.len() < ARTICLE.len());
    }
    // Chunking keeps no state, but its chunks on their way count.
    ok(
        dir.path(),
        &["chunk", "-q", "article.txt", "--max-memory", "64M"],
    );
    let err = fails(dir.path(), &["chunk", "article.txt", "--max-memory", "40"]);
    assert!(
        err.contains("the most that --max-memory 40 allows"),
        "{err}"
    );
    let err = fails(
        dir.path(),
        &["chunk", "article.txt", "--max-record-size", "100"],
    );
    assert!(
        err.contains("longer than --max-record-size 100 bytes"),
        "{err}"
    );
    for bad in ["12X", "", "0", "99999999999T"] {
        let err = fails(dir.path(), &["find", "article.txt", "--max-memory", bad]);
        assert!(err.contains("--max-memory"), "{err}");
    }
}

#[test]
fn passage_mode() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    let find = |snap: &str| {
        let args = [
            "find",
            "--mode",
            "passage",
            "--min-len",
            "100",
            "--snap",
            snap,
            "article.txt",
        ];
        String::from_utf8(ok(dir.path(), &args)).unwrap()
    };
    assert_eq!(
        find("byte"),
        "{\"doc\":\"article.txt\",\"start\":2675,\"end\":5009,\"first_doc\":\"article.txt\",\"first_start\":343,\"first_end\":2677}\n"
    );
    for snap in ["word", "line"] {
        assert_eq!(
            find(snap),
            "{\"doc\":\"article.txt\",\"start\":2677,\"end\":5009,\"first_doc\":\"article.txt\",\"first_start\":345,\"first_end\":2677}\n"
        );
    }
    assert_eq!(
        ok(dir.path(), &["clean", "--mode", "passage", "article.txt"]),
        article_clean()
    );
    let err = fails(
        dir.path(),
        &["find", "--mode", "passage", "--min-len", "8", "article.txt"],
    );
    assert!(err.contains("--min-len"), "{err}");

    // Across files, at an offset that is no paragraph boundary; the report
    // is checked against the bytes.
    let shared = "the same passage, copied into the second file at an odd offset, long enough to count as a repeat under the default minimum length";
    let a = format!("first file: {shared} and its own ending.\n");
    let b = format!("second file says {shared}!\n");
    let dir = fixture(&[("a.txt", a.as_bytes()), ("b.txt", b.as_bytes())]);
    let out = ok(
        dir.path(),
        &[
            "find", "--mode", "passage", "--snap", "byte", "a.txt", "b.txt",
        ],
    );
    let line: Value = serde_json::from_slice(out.split(|&c| c == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["doc"], "b.txt");
    assert_eq!(line["first_doc"], "a.txt");
    let (s, e, f) = (
        line["start"].as_u64().unwrap() as usize,
        line["end"].as_u64().unwrap() as usize,
        line["first_start"].as_u64().unwrap() as usize,
    );
    assert_eq!(&b.as_bytes()[s..e], &a.as_bytes()[f..f + (e - s)]);
    assert!(e - s >= shared.len());
}

/// `tests/crafted/window_key_collisions.txt` (made by the script beside
/// it) holds one repeat of exactly 100 bytes, which crafted collisions hide
/// from the public default seed: its anchor's k-gram and its window key
/// each hold 32 other positions. The command line says so, names the bytes
/// that may hide repeats and points to `--seed`; another seed finds the
/// repeat the window oracle finds.
#[test]
fn crafted_collisions_hide_a_repeat_until_the_seed_changes() {
    use textdedup_testkit::oracle::passage::window_coverage;
    const CRAFTED: &[u8] = include_bytes!("crafted/window_key_collisions.txt");
    let want = window_coverage(&[CRAFTED], 100, textdedup::Scope::Corpus);
    assert_eq!(want[0].len(), 1, "the fixture holds one repeat");
    let (start, end) = (want[0][0].start, want[0][0].end);
    assert_eq!(end - start, 100);

    let dir = fixture(&[("crafted.txt", CRAFTED)]);
    let find = |seed: &str| {
        let args = [
            "find",
            "--mode",
            "passage",
            "--snap",
            "byte",
            "--seed",
            seed,
            "--stats",
            "stats.json",
            "crafted.txt",
        ];
        let out = run_in(dir.path(), &args, b"");
        assert!(out.status.success(), "{}", stderr(&out));
        let stats: Value =
            serde_json::from_slice(&fs::read(dir.path().join("stats.json")).unwrap()).unwrap();
        (lines(&out.stdout), stats, stderr(&out))
    };

    // The public seed: nothing found, both copies' windows refused. (If
    // this fails after a change to the anchors or the window keys, the
    // fixture no longer collides: run the script again.)
    let (rows, stats, err) = find("0");
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(stats["refused_anchors"], 2, "{stats}");
    assert_eq!(stats["refused_bytes"], 200, "{stats}");
    assert!(
        err.contains("2 passage windows refused, 200 bytes may hide repeats"),
        "{err}"
    );
    assert!(err.contains("warning") && err.contains("--seed"), "{err}");

    // Another seed: the repeat, as the oracle has it, and no warning.
    let (rows, stats, err) = find("12345");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["start"], start);
    assert_eq!(rows[0]["end"], end);
    let first = rows[0]["first_start"].as_u64().unwrap() as usize;
    assert_eq!(&CRAFTED[first..first + 100], &CRAFTED[start..end]);
    assert_eq!(stats["refused_anchors"], 0, "{stats}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn chunk_lists_the_library_chunks() {
    use textdedup::chunk::{ChunkConfig, Chunker};
    let lines = (0..400)
        .map(|i| format!("line {i} of a longer file\n"))
        .collect::<String>();
    let dir = fixture(&[("article.txt", ARTICLE), ("lines.txt", lines.as_bytes())]);
    for (file, bytes) in [("article.txt", ARTICLE), ("lines.txt", lines.as_bytes())] {
        let out = ok(
            dir.path(),
            &["chunk", "--avg-size", "256", "--seed", "3", file],
        );
        let chunker = Chunker::new(ChunkConfig::new().avg(256).seed(3)).unwrap();
        let want: Vec<_> = chunker.chunks_hashed(bytes).collect();
        let got: Vec<Value> = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(got.len(), want.len());
        // The summary and --stats count the chunks (nothing is removed).
        let args = [
            "chunk",
            "--avg-size",
            "256",
            "--seed",
            "3",
            file,
            "-o",
            "c.jsonl",
        ];
        let run = run_in(
            dir.path(),
            &[&args[..], &["--stats", "s.json"]].concat(),
            b"",
        );
        let summary = format!(
            "textdedup: 1 document, {} bytes in, 0 bytes removed (0.0%), {} chunks listed\n",
            bytes.len(),
            want.len()
        );
        assert_eq!(stderr(&run), summary);
        let stats: Value =
            serde_json::from_slice(&fs::read(dir.path().join("s.json")).unwrap()).unwrap();
        assert_eq!(stats["chunks"], want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["doc"], file);
            assert_eq!(g["offset"], w.offset());
            assert_eq!(g["length"], w.len());
            let hash = format!("{:032x}", w.fingerprint().unwrap().as_u128());
            assert_eq!(g["hash"], hash.as_str());
        }
    }
    // JSON Lines: offsets into each record's text, named by id.
    let shard = b"{\"id\":\"a\",\"text\":\"hello\"}\n{\"id\":7,\"text\":\"\"}\n";
    let dir = fixture(&[("s.jsonl", shard)]);
    let out = ok(dir.path(), &["chunk", "--jsonl", "s.jsonl"]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!(
            "{{\"doc\":\"a\",\"offset\":0,\"length\":5,\"hash\":\"{:032x}\"}}\n",
            textdedup::fingerprint::Fingerprint::of(b"hello").as_u128()
        )
    );
    let err = fails(dir.path(), &["chunk", "--avg-size", "10", "s.jsonl"]);
    assert!(err.contains("--avg-size"), "{err}");
    let err = fails(
        dir.path(),
        &["chunk", "--min-size", "900", "--avg-size", "512", "s.jsonl"],
    );
    assert!(err.contains("--min-size"), "{err}");
}

#[test]
fn bad_option_values() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    for (args, needle) in [
        (
            &["clean", "--mode", "sentence", "article.txt"][..],
            "--mode",
        ),
        (&["clean", "--scope", "world", "article.txt"], "--scope"),
        (&["clean", "--split", "words", "article.txt"], "--split"),
        (
            &["clean", "--normalize", "fuzzy", "article.txt"],
            "--normalize",
        ),
        (&["clean", "--snap", "page", "article.txt"], "--snap"),
        (&["clean", "--min-len", "-1", "article.txt"], "'-1'"),
        (&["clean", "--min-len", "ten", "article.txt"], "--min-len"),
        (&["find", "--threads", "0", "article.txt"], "--threads"),
        (&["find", "--out-dir", "x", "article.txt"], "--out-dir"),
        (
            &["clean", "--output", "a", "--out-dir", "b", "article.txt"],
            "--out-dir",
        ),
        (&["clean", "--compress", "lz4", "article.txt"], "--compress"),
        (
            &["clean", "--on-bad-record", "drop", "article.txt"],
            "--on-bad-record",
        ),
        (&["dedup", "article.txt"], "dedup"),
    ] {
        let err = fails(dir.path(), args);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(tree(dir.path()), [PathBuf::from("article.txt")]);
}

// ---- find ------------------------------------------------------------------

#[test]
fn find_article_exact_report() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    let out = ok(dir.path(), &["find", "article.txt"]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"doc\":\"article.txt\",\"start\":2677,\"end\":5009,\"first_doc\":\"article.txt\",\"first_start\":345,\"first_end\":2677}\n"
    );
    // The path exactly as given.
    let out = ok(dir.path(), &["find", "./article.txt"]);
    assert!(String::from_utf8(out)
        .unwrap()
        .starts_with("{\"doc\":\"./article.txt\""));
    // Standard input is `-`.
    let out = run_in(dir.path(), &["find"], ARTICLE);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("{\"doc\":\"-\",\"start\":2677"));
}

#[test]
fn find_output_file() {
    let dir = fixture(&[("article.txt", ARTICLE)]);
    assert!(ok(dir.path(), &["find", "article.txt", "-o", "r.jsonl"]).is_empty());
    let report = lines(&fs::read(dir.path().join("r.jsonl")).unwrap());
    assert_eq!(report.len(), 1);
    assert_eq!(report[0]["first_start"], 345);
}

/// A small generated corpus with copies inside and across documents.
fn generated_corpus() -> Vec<(String, Vec<u8>)> {
    let mut rng = SplitMix64(0x9E37_79B9_7F4A_7C15);
    let mut next = move || rng.next_u64();
    let pool: Vec<String> = (0..12)
        .map(|i| format!("paragraph {i} says something {}", "x".repeat(i % 7)))
        .collect();
    (0..16)
        .map(|d| {
            let mut text = Vec::new();
            for _ in 0..(next() % 13) {
                match next() % 4 {
                    0 => text.extend_from_slice(b"\n"),
                    1 => text.extend_from_slice(format!("unique {d} {}\n", next()).as_bytes()),
                    _ => text.extend_from_slice(pool[(next() % 12) as usize].as_bytes()),
                }
                if next() % 5 != 0 {
                    text.push(b'\n');
                }
            }
            (format!("d/{:02}/{d}.txt", d % 3), text)
        })
        .collect()
}

#[test]
fn find_offsets_point_at_identical_earlier_bytes() {
    let corpus = generated_corpus();
    let files: Vec<(&str, &[u8])> = corpus.iter().map(|(p, t)| (p.as_str(), &t[..])).collect();
    let dir = fixture(&files);
    let by_name = |name: &str| {
        let rel = name.strip_prefix("d/").unwrap();
        fs::read(dir.path().join("d").join(rel)).unwrap()
    };
    let report = lines(&ok(dir.path(), &["find", "-q", "d"]));
    assert!(report.len() > 5, "the fixture should have copies");
    let mut order = corpus.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    order.sort();
    let rank = |name: &str| order.iter().position(|p| p == name).unwrap();
    let mut last = (0, 0);
    let mut removed = 0;
    for r in &report {
        let (doc, first) = (r["doc"].as_str().unwrap(), r["first_doc"].as_str().unwrap());
        let (s, e) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        let f = r["first_start"].as_u64().unwrap() as usize;
        let (text, first_text) = (by_name(doc), by_name(first));
        assert!(s < e && e <= text.len());
        assert_eq!(&text[s..e], &first_text[f..f + (e - s)], "{r}");
        // The first copy is earlier in corpus order.
        assert!((rank(first), f) < (rank(doc), s), "{r}");
        // Corpus order: by document, then by offset.
        assert!((rank(doc), s) >= last, "{r}");
        last = (rank(doc), e);
        removed += e - s;
    }
    // And clean removes exactly those bytes.
    ok(dir.path(), &["clean", "-q", "d", "--out-dir", "out"]);
    let kept: usize = order
        .iter()
        .map(|p| {
            fs::read(dir.path().join("out").join(&p[2..]))
                .unwrap()
                .len()
        })
        .sum();
    let total: usize = corpus.iter().map(|(_, t)| t.len()).sum();
    assert_eq!(total - kept, removed);
}

// ---- directories -----------------------------------------------------------

#[test]
fn directory_is_mirrored_in_sorted_order() {
    let line = b"a line that appears in several files\n";
    let dir = fixture(&[
        ("in/b/z.txt", line),
        (
            "in/b/a.txt",
            b"only here\na line that appears in several files\n",
        ),
        ("in/a.txt", line),
        ("in/c/d/e.txt", b"deep\n"),
        ("top.txt", line),
    ]);
    fs::create_dir_all(dir.path().join("in/empty")).unwrap();
    ok(
        dir.path(),
        &["clean", "in", "top.txt", "--out-dir", "out/new"],
    );
    assert_eq!(
        tree(&dir.path().join("out/new")),
        ["a.txt", "b/a.txt", "b/z.txt", "c/d/e.txt", "top.txt"].map(PathBuf::from)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("out/new"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o755, 0o755, "{mode:o}");
    }
    let read = |p: &str| fs::read(dir.path().join("out/new").join(p)).unwrap();
    // in/a.txt sorts first, so it holds the first copy.
    assert_eq!(read("a.txt"), line);
    assert_eq!(read("b/a.txt"), b"only here\n");
    assert_eq!(read("b/z.txt"), b"");
    assert_eq!(read("c/d/e.txt"), b"deep\n");
    assert_eq!(read("top.txt"), b"");
    // find names files by the directory as given joined with their path.
    let report = lines(&ok(dir.path(), &["find", "-q", "in/", "top.txt"]));
    let docs: Vec<_> = report
        .iter()
        .map(|r| (r["doc"].as_str().unwrap(), r["first_doc"].as_str().unwrap()))
        .collect();
    assert_eq!(
        docs,
        [
            ("in/b/a.txt", "in/a.txt"),
            ("in/b/z.txt", "in/a.txt"),
            ("top.txt", "in/a.txt")
        ]
    );
}

#[test]
fn readme_examples_work_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = ok(
        root,
        &[
            "find",
            "-q",
            "--jsonl",
            "--text-field",
            "text",
            "--id-field",
            "id",
            "examples/shards",
        ],
    );
    let report = lines(&out);
    // web-0003's two first lines are web-0001's first two: one span.
    assert_eq!(report.len(), 3);
    assert_eq!(report[0]["doc"], "web-0002");
    assert_eq!(report[0]["first_doc"], "web-0001");
    assert_eq!(
        (
            &report[1]["doc"],
            &report[1]["end"],
            &report[1]["first_end"]
        ),
        (&"web-0003".into(), &60.into(), &60.into())
    );
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("shards.clean");
    ok(
        root,
        &[
            "clean",
            "-q",
            "--jsonl",
            "examples/shards",
            "--out-dir",
            dest.to_str().unwrap(),
        ],
    );
    assert_eq!(tree(&dest), [PathBuf::from("00.jsonl"), "01.jsonl".into()]);
    let dest = tmp.path().join("clean");
    ok(
        root,
        &[
            "clean",
            "-q",
            "examples/data",
            "--out-dir",
            dest.to_str().unwrap(),
        ],
    );
    assert_eq!(fs::read(dest.join("article.txt")).unwrap(), article_clean());
}

#[test]
fn several_inputs_need_out_dir() {
    let dir = fixture(&[("a.txt", b"a\n"), ("d/b.txt", b"b\n")]);
    for args in [
        &["clean", "a.txt", "d/b.txt"][..],
        &["clean", "d"],
        &["clean", "d", "-o", "x"],
    ] {
        let err = fails(dir.path(), args);
        assert!(err.contains("--out-dir"), "{err}");
    }
    let err = fails(dir.path(), &["clean", "a.txt", "-", "--out-dir", "o"]);
    assert!(err.contains("standard input"), "{err}");
    let err = fails(dir.path(), &["clean", "a.txt", "a.txt", "--out-dir", "o"]);
    assert!(err.contains("two inputs would both write 'a.txt'"), "{err}");
    let err = fails(dir.path(), &["clean", "-", "-"]);
    assert!(err.contains("more than once"), "{err}");
    let err = fails(dir.path(), &["clean", "d", "--out-dir", "a.txt"]);
    assert!(err.contains("is not a directory"), "{err}");
    assert_eq!(tree(dir.path()), [PathBuf::from("a.txt"), "d/b.txt".into()]);
}

// ---- JSON Lines ------------------------------------------------------------

const SHARD: &str = concat!(
    r#"{"url": "https://a.example/1", "id": "a-1", "text": "Intro.\nCopyright 2026 Example Corp.\n", "meta": {"lang": "en", "score": 0.5}}"#,
    "\n",
    r#"{"text":"Other intro.\nCopyright 2026 Example Corp.\n","id":2,"zeta":[1,2,3],"alpha":null}"#,
    "\r\n",
    "\n",
    r#"{"id": 3, "text": "caf\u00e9 au lait, tr\u00e8s bien\ncafé au lait, très bien\n", "z": true}"#,
    "\n",
    r#"{"text": "no id here, and a repeat\nno id here, and a repeat"}"#,
);

#[test]
fn jsonl_clean_round_trip_keeps_other_fields() {
    let dir = fixture(&[("shard.jsonl", SHARD.as_bytes())]);
    let out =
        String::from_utf8(ok(dir.path(), &["clean", "-q", "--jsonl", "shard.jsonl"])).unwrap();
    let expected = concat!(
        // Nothing removed: the line is copied as it was.
        r#"{"url": "https://a.example/1", "id": "a-1", "text": "Intro.\nCopyright 2026 Example Corp.\n", "meta": {"lang": "en", "score": 0.5}}"#,
        "\n",
        // Only the text value changes; order, spacing and the CRLF stay.
        r#"{"text":"Other intro.\n","id":2,"zeta":[1,2,3],"alpha":null}"#,
        "\r\n",
        "\n",
        // What is left of the text keeps its escapes as written.
        r#"{"id": 3, "text": "caf\u00e9 au lait, tr\u00e8s bien\n", "z": true}"#,
        "\n",
        r#"{"text": "no id here, and a repeat\n"}"#,
    );
    assert_eq!(out, expected);
    // Every field and its order survive a parse too.
    for (a, b) in SHARD
        .lines()
        .zip(out.lines())
        .filter(|(a, _)| !a.trim().is_empty())
    {
        let (a, b): (Value, Value) = (
            serde_json::from_str(a).unwrap(),
            serde_json::from_str(b).unwrap(),
        );
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&a), keys(&b));
        for k in keys(&a).iter().filter(|k| *k != "text") {
            assert_eq!(a[k], b[k]);
        }
    }
}

#[test]
fn jsonl_clean_cut_inside_a_character_writes_a_replacement_character() {
    // "é" and "©" end with the same byte (0xA9), so with `--snap byte` the
    // repeat starts inside "©": the rest of the text is written anew, with
    // U+FFFD for the broken character, and the record stays valid JSON.
    let r = "0123456789abcdefghij";
    let record = serde_json::json!({"id": 1, "text": format!("é{r}©{r}")}).to_string() + "\n";
    let dir = fixture(&[("s.jsonl", record.as_bytes())]);
    let args = [
        "clean", "-q", "--jsonl", "--mode", "passage", "--snap", "byte",
    ];
    let out = ok(
        dir.path(),
        &[&args[..], &["--min-len", "16", "s.jsonl"]].concat(),
    );
    let value: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["text"], format!("é{r}\u{FFFD}"));
    assert_eq!(value["id"], 1);
}

#[test]
fn jsonl_find_uses_ids_and_decoded_offsets() {
    let dir = fixture(&[("shard.jsonl", SHARD.as_bytes())]);
    let out = String::from_utf8(ok(dir.path(), &["find", "--jsonl", "shard.jsonl"])).unwrap();
    assert_eq!(
        out,
        concat!(
            r#"{"doc":2,"start":13,"end":42,"first_doc":"a-1","first_start":7,"first_end":36}"#,
            "\n",
            r#"{"doc":3,"start":26,"end":52,"first_doc":3,"first_start":0,"first_end":26}"#,
            "\n",
            r#"{"doc":"shard.jsonl:5","start":25,"end":49,"first_doc":"shard.jsonl:5","first_start":0,"first_end":25}"#,
            "\n",
        )
    );
    // Offsets index the decoded text's UTF-8 bytes.
    let text = "café au lait, très bien\ncafé au lait, très bien\n";
    assert_eq!(&text[26..52], &text[0..26]);
    // Other field names.
    let dir = fixture(&[(
        "s.jsonl",
        br#"{"key":"k1","body":"same line, repeated\nsame line, repeated\n"}"#,
    )]);
    let out = ok(
        dir.path(),
        &[
            "find",
            "--jsonl",
            "--text-field",
            "body",
            "--id-field",
            "key",
            "s.jsonl",
        ],
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"doc\":\"k1\",\"start\":20,\"end\":40,\"first_doc\":\"k1\",\"first_start\":0,\"first_end\":20}\n"
    );
}

#[test]
fn jsonl_stdin_and_shards_mirrored() {
    let dir = fixture(&[
        (
            "shards/00.jsonl",
            br#"{"id":1,"text":"a repeated boilerplate line\n"}"#,
        ),
        (
            "shards/01.jsonl",
            b"{\"id\":2,\"text\":\"a repeated boilerplate line\\nnew\\n\"}\n",
        ),
    ]);
    ok(
        dir.path(),
        &["clean", "-q", "--jsonl", "shards", "--out-dir", "clean"],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("clean/01.jsonl")).unwrap(),
        "{\"id\":2,\"text\":\"new\\n\"}\n"
    );
    let out = run_in(
        dir.path(),
        &["find", "--jsonl", "-q"],
        b"{\"id\":\"x\",\"text\":\"long enough line\\nlong enough line\\n\"}\n",
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"doc\":\"x\",\"start\":17,\"end\":34,\"first_doc\":\"x\",\"first_start\":0,\"first_end\":17}\n"
    );
}

// ---- errors ----------------------------------------------------------------

#[test]
fn missing_file_is_an_error() {
    let dir = fixture(&[("a.txt", b"a\n")]);
    let err = fails(
        dir.path(),
        &["clean", "a.txt", "nope.txt", "--out-dir", "o"],
    );
    assert!(err.contains("cannot read 'nope.txt'"), "{err}");
    let err = fails(dir.path(), &["find", "nope.txt", "-o", "r.jsonl"]);
    assert!(err.contains("cannot read 'nope.txt'"), "{err}");
    assert_eq!(tree(dir.path()), [PathBuf::from("a.txt")]);
}

#[test]
fn unreadable_directory_is_an_error() {
    let dir = fixture(&[("d/a.txt", b"a\n"), ("d/locked/b.txt", b"b\n")]);
    let locked = dir.path().join("d/locked");
    set_mode(&locked, 0o000);
    let readable = fs::read_dir(&locked).is_ok();
    let out = run_in(dir.path(), &["clean", "d", "--out-dir", "o"], b"");
    set_mode(&locked, 0o755);
    if readable {
        // Running as root: permissions do not stop us, so nothing to test.
        assert!(out.status.success());
        return;
    }
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read directory"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("o").exists());
}

#[cfg(unix)]
fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

#[test]
fn jsonl_errors_name_file_and_line() {
    let good = "{\"id\":1,\"text\":\"fine and long enough\\nfine and long enough\\n\"}\n";
    let cases: [(&[u8], &str); 8] = [
        (b"{\"id\":2,\"text\":\"cut", "malformed JSON record"),
        (b"[1, 2]", "malformed JSON record"),
        (b"{\"id\":2} trailing", "malformed JSON record"),
        (
            b"{\"id\":2,\"text\":17}",
            "the text field `text` is not a string: 17",
        ),
        (b"{\"id\":2,\"text\":null}", "is not a string: null"),
        (
            b"{\"id\":2,\"body\":\"x\"}",
            "the text field `text` is missing",
        ),
        (
            b"{\"id\":2,\"text\":\"a\",\"text\":\"b\"}",
            "duplicate field `text`",
        ),
        (b"{\"id\":2,\"text\":\"\xff\"}", "not valid UTF-8"),
    ];
    for (bad, needle) in cases {
        let shard = [good.as_bytes(), b"\n", bad, b"\n", good.as_bytes()].concat();
        let bad = String::from_utf8_lossy(bad);
        let dir = fixture(&[("s/x.jsonl", &shard), ("s/a.jsonl", good.as_bytes())]);
        let err = fails(
            dir.path(),
            &["find", "--jsonl", "s/x.jsonl", "-o", "r.jsonl"],
        );
        assert!(err.contains("s/x.jsonl, line 3: "), "{err}");
        assert!(err.contains(needle), "{bad}: {err}");
        let err = fails(
            dir.path(),
            &["clean", "--jsonl", "s/x.jsonl", "-o", "c.jsonl"],
        );
        assert!(err.contains(needle), "{bad}: {err}");
        // s/a.jsonl is written first, then s/x.jsonl fails: nothing stays.
        let err = fails(dir.path(), &["clean", "--jsonl", "s", "--out-dir", "out"]);
        assert!(err.contains(needle), "{bad}: {err}");
        assert_eq!(
            tree(dir.path()),
            [PathBuf::from("s/a.jsonl"), "s/x.jsonl".into()],
            "{bad}"
        );
    }
}

#[test]
fn failed_run_leaves_existing_out_dir_untouched() {
    let dir = fixture(&[
        ("s/a.jsonl", b"{\"text\":\"new content\"}\n"),
        ("s/b.jsonl", b"not json\n"),
        ("out/a.jsonl", b"old content\n"),
    ]);
    let err = fails(dir.path(), &["clean", "--jsonl", "s", "--out-dir", "out/"]);
    assert!(err.contains("s/b.jsonl, line 1"), "{err}");
    assert_eq!(
        fs::read(dir.path().join("out/a.jsonl")).unwrap(),
        b"old content\n"
    );
    assert_eq!(tree(&dir.path().join("out")), [PathBuf::from("a.jsonl")]);
    // The same run, fixed, replaces the file.
    fs::write(dir.path().join("s/b.jsonl"), b"{\"text\":\"b\"}\n").unwrap();
    ok(
        dir.path(),
        &["clean", "-q", "--jsonl", "s", "--out-dir", "out/"],
    );
    assert_eq!(
        fs::read(dir.path().join("out/a.jsonl")).unwrap(),
        b"{\"text\":\"new content\"}\n"
    );
}

#[cfg(unix)]
#[test]
fn output_keeps_links_pipes_and_usual_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture(&[("article.txt", ARTICLE), ("real.txt", b"old\n")]);
    // A new file gets ordinary permissions, not a temporary file's 0600.
    ok(dir.path(), &["clean", "-q", "article.txt", "-o", "new.txt"]);
    let mode = fs::metadata(dir.path().join("new.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o644, 0o644, "{mode:o}");
    // A symbolic link stays a link; the file it names is replaced.
    std::os::unix::fs::symlink("real.txt", dir.path().join("link.txt")).unwrap();
    ok(
        dir.path(),
        &["clean", "-q", "article.txt", "-o", "link.txt"],
    );
    assert!(fs::symlink_metadata(dir.path().join("link.txt"))
        .unwrap()
        .is_symlink());
    assert_eq!(
        fs::read(dir.path().join("real.txt")).unwrap(),
        article_clean()
    );
    // A named pipe is written in place, not replaced by a file.
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let reader = std::thread::spawn({
            let fifo = fifo.clone();
            move || fs::read(fifo).unwrap()
        });
        ok(dir.path(), &["find", "-q", "article.txt", "-o", "pipe"]);
        let report = reader.join().unwrap();
        assert!(report.starts_with(b"{\"doc\":\"article.txt\",\"start\":2677"));
        assert!(!fs::symlink_metadata(&fifo).unwrap().is_file());
    }
    let err = fails(dir.path(), &["clean", "article.txt", "-o", "."]);
    assert!(err.contains("is a directory"), "{err}");
}

/// A JSON Lines shard of `n` records, longer than one internal batch,
/// with copies across batch boundaries.
fn big_shard(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let a = i % 97;
        let b = (i * 7) % 1031;
        out.push_str(&format!(
            "{{\"id\":{i},\"text\":\"line {a} of the shared pool\\nrecord {i} is unique\\nanother {b} of the shared pool\\n\",\"n\":{i}}}\n"
        ));
    }
    out
}

#[test]
fn one_thread_and_pipeline_agree() {
    let shard = big_shard(20_000);
    let dir = fixture(&[
        ("s/a.jsonl", shard.as_bytes()),
        ("s/b.jsonl", b""),
        ("s/c.jsonl", shard.as_bytes()),
        ("t/article.txt", ARTICLE),
        ("t/empty.txt", b""),
        ("t/x/again.txt", ARTICLE),
    ]);
    for args in [
        &["find", "--jsonl", "s"][..],
        &["clean", "--jsonl", "s/a.jsonl"],
        &["find", "t"],
        &["find", "t", "--scope", "document"],
    ] {
        let threads1 = ok(dir.path(), &[args, &["-q", "--threads", "1"]].concat());
        assert_eq!(
            ok(dir.path(), &[args, &["-q"]].concat()),
            threads1,
            "{args:?}"
        );
        assert!(!threads1.is_empty());
    }
    for out in ["o1", "o2"] {
        let threads = if out == "o1" { "1" } else { "2" };
        ok(
            dir.path(),
            &[
                "clean",
                "-q",
                "--jsonl",
                "s",
                "--out-dir",
                out,
                "--threads",
                threads,
            ],
        );
    }
    for f in ["a.jsonl", "b.jsonl", "c.jsonl"] {
        let (a, b) = (dir.path().join("o1").join(f), dir.path().join("o2").join(f));
        assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap(), "{f}");
    }
    // The second copy of the shard is removed entirely, but its records
    // stay, fields and all.
    let c = fs::read_to_string(dir.path().join("o1/c.jsonl")).unwrap();
    assert_eq!(c.lines().count(), 20_000);
    assert!(c.lines().all(|l| l.contains("\"text\":\"\"")));
    let report = lines(&ok(dir.path(), &["find", "-q", "--jsonl", "s"]));
    // The unique line of c.jsonl's last record has its first copy in
    // a.jsonl's last record (ids are the user's: both are 19999).
    let last = report.last().unwrap();
    assert_eq!(last["doc"], 19_999);
    assert!(report
        .iter()
        .rev()
        .take(3)
        .any(|r| r["first_doc"] == 19_999));
}

#[test]
fn late_error_leaves_nothing_with_either_driver() {
    let mut shard = big_shard(15_000);
    shard.push_str("{\"id\":15000,\"text\":[\"not\",\"a string\"]}\n");
    shard.push_str(&big_shard(10));
    let dir = fixture(&[("s/a.jsonl", shard.as_bytes())]);
    for threads in ["1", "4"] {
        let err = fails(
            dir.path(),
            &[
                "clean",
                "--jsonl",
                "s/a.jsonl",
                "-o",
                "c.jsonl",
                "--threads",
                threads,
            ],
        );
        assert!(
            err.contains("s/a.jsonl, line 15001: the text field `text` is not a string"),
            "{err}"
        );
        let err = fails(
            dir.path(),
            &[
                "find",
                "--jsonl",
                "s",
                "-o",
                "f.jsonl",
                "--threads",
                threads,
            ],
        );
        assert!(err.contains("line 15001"), "{err}");
        let err = fails(
            dir.path(),
            &[
                "clean",
                "--jsonl",
                "s",
                "--out-dir",
                "o",
                "--threads",
                threads,
            ],
        );
        assert!(err.contains("line 15001"), "{err}");
        assert_eq!(tree(dir.path()), [PathBuf::from("s/a.jsonl")]);
    }
}

#[test]
fn closed_stdout_ends_quietly() {
    // 2 MB of distinct lines: more than a pipe holds.
    let text: String = (0..100_000)
        .map(|i| format!("distinct line number {i}\n"))
        .collect();
    let dir = fixture(&[("big.txt", text.as_bytes())]);
    for threads in ["1", "3"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_textdedup"))
            .args(["clean", "big.txt", "--threads", threads])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        assert_eq!(&first, b"distinct l");
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stderr(&out), "");
    }
}

#[test]
fn jsonl_byte_order_mark_is_skipped_and_kept() {
    let shard = "\u{feff}{\"id\":1,\"text\":\"a long enough line\\na long enough line\\n\"}\n";
    let dir = fixture(&[("s.jsonl", shard.as_bytes())]);
    assert_eq!(
        String::from_utf8(ok(dir.path(), &["clean", "-q", "--jsonl", "s.jsonl"])).unwrap(),
        "\u{feff}{\"id\":1,\"text\":\"a long enough line\\n\"}\n"
    );
    assert_eq!(
        String::from_utf8(ok(dir.path(), &["find", "-q", "--jsonl", "s.jsonl"])).unwrap(),
        "{\"doc\":1,\"start\":19,\"end\":38,\"first_doc\":1,\"first_start\":0,\"first_end\":19}\n"
    );
}

/// One JSON Lines record whose text is `mib` MiB, with escapes and repeated
/// lines: `find` must report offsets into the decoded text that hold equal
/// lines, and `clean` must write a record whose text lost exactly them.
fn huge_record(mib: usize) {
    let line = "a line of the huge record, with a tab\there and a quote \" there\n";
    let unique = |i: usize| format!("unique line number {i} of the huge record\n");
    let mut text = String::new();
    let mut i = 0;
    while text.len() < mib << 20 {
        text.push_str(&unique(i));
        text.push_str(line);
        i += 1;
    }
    let record =
        serde_json::json!({"id": "huge", "meta": {"n": i}, "text": text}).to_string() + "\n";
    let dir = fixture(&[("huge.jsonl", record.as_bytes())]);
    let out = ok(dir.path(), &["find", "--jsonl", "huge.jsonl"]);
    let lines: Vec<Value> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let removed: u64 = lines
        .iter()
        .map(|l| l["end"].as_u64().unwrap() - l["start"].as_u64().unwrap())
        .sum();
    assert_eq!(removed as usize, (i - 1) * line.len());
    let bytes = text.as_bytes();
    for l in lines.iter().take(1000) {
        let (s, e) = (
            l["start"].as_u64().unwrap() as usize,
            l["end"].as_u64().unwrap() as usize,
        );
        let f = l["first_start"].as_u64().unwrap() as usize;
        assert_eq!(&bytes[s..e], &bytes[f..f + (e - s)]);
    }
    let cleaned = ok(dir.path(), &["clean", "--jsonl", "huge.jsonl"]);
    let value: Value = serde_json::from_slice(&cleaned).unwrap();
    assert_eq!(value["meta"]["n"], i);
    assert_eq!(
        value["text"].as_str().unwrap().len(),
        text.len() - removed as usize
    );
}

#[test]
fn an_8_mib_json_lines_record() {
    huge_record(8);
}

#[test]
#[ignore = "100 MiB: run with --release --features cli -- --ignored"]
fn a_100_mib_json_lines_record() {
    huge_record(100);
}

#[test]
fn lone_surrogate_escape_is_an_error_with_file_and_line() {
    let shard = b"{\"id\":1,\"text\":\"ok line\"}\n{\"text\":\"t4999\\udbd6\\f49\"}\n";
    let dir = fixture(&[("s.jsonl", shard)]);
    let err = fails(
        dir.path(),
        &["find", "--jsonl", "s.jsonl", "-o", "out.jsonl"],
    );
    assert!(err.contains("s.jsonl, line 2"), "{err}");
    assert!(err.contains("lone surrogate"), "{err}");
    assert!(!dir.path().join("out.jsonl").exists());
}
