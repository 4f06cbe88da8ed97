//! The command line on real shards: compressed JSON Lines and text,
//! files that are not text, input patterns, bad records, `--report`,
//! `--stats`, chunk mode.
#![cfg(all(feature = "cli", unix))]

mod cli_support;

use std::fs;
use std::io::{Read, Write};

use cli_support::{fails, fixture, lines, ok, run_in, stderr, tree};
use serde_json::Value;

const ARTICLE: &[u8] = include_bytes!("../examples/data/article.txt");

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 0).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unzstd(bytes: &[u8]) -> Vec<u8> {
    zstd::decode_all(bytes).unwrap()
}

/// Three JSON Lines shards with repeats inside and across them.
fn shards() -> Vec<String> {
    let boiler = "Subscribe to our newsletter for daily updates.\\n";
    (0..3)
        .map(|s| {
            (0..40)
                .map(|i| {
                    let id = s * 100 + i;
                    let own = format!("Story {id} says something of its own.\\n");
                    let copy = format!("Story {} says something of its own.\\n", id % 7);
                    format!("{{\"id\":{id},\"lang\":\"en\",\"text\":\"{own}{boiler}{copy}\"}}\n")
                })
                .collect()
        })
        .collect()
}

#[test]
fn compressed_shards_give_the_reports_of_their_plain_forms() {
    let shards = shards();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, s) in shards.iter().enumerate() {
        files.push((format!("plain/{i}.jsonl"), s.as_bytes().to_vec()));
    }
    // The same shards: one plain, one gzip, one zstd.
    files.push(("mixed/0.jsonl".into(), shards[0].as_bytes().to_vec()));
    files.push(("mixed/1.jsonl.gz".into(), gzip(shards[1].as_bytes())));
    files.push(("mixed/2.jsonl.zst".into(), zstd(shards[2].as_bytes())));
    // Plain text, gzip-compressed without a telling name.
    files.push(("text/article.txt".into(), ARTICLE.to_vec()));
    files.push(("ztext/article".into(), gzip(ARTICLE)));
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
    let dir = fixture(&refs);
    let d = dir.path();
    for mode in ["paragraph", "passage", "chunk"] {
        let find = |input: &str| {
            let mut args = vec!["find", "-q", "--jsonl", "--mode", mode, input];
            match mode {
                "passage" => args.extend(["--min-len", "30"]),
                "chunk" => args.extend(["--avg-size", "64"]),
                _ => {}
            }
            ok(d, &args)
        };
        let plain = find("plain");
        assert!(!lines(&plain).is_empty(), "{mode}");
        assert_eq!(plain, find("mixed"), "{mode}");
    }
    let plain_text = ok(d, &["find", "-q", "text"]);
    let named = |report: Vec<u8>| {
        String::from_utf8(report)
            .unwrap()
            .replace("ztext/article", "text/article.txt")
    };
    assert_eq!(named(ok(d, &["find", "-q", "ztext"])), named(plain_text));

    // clean keeps each shard's compression, and the texts are the plain
    // shards' cleaned texts.
    ok(
        d,
        &["clean", "-q", "--jsonl", "plain", "--out-dir", "plain.out"],
    );
    ok(
        d,
        &["clean", "-q", "--jsonl", "mixed", "--out-dir", "mixed.out"],
    );
    let out = |p: &str| fs::read(d.join(p)).unwrap();
    assert_eq!(out("mixed.out/0.jsonl"), out("plain.out/0.jsonl"));
    assert_eq!(
        gunzip(&out("mixed.out/1.jsonl.gz")),
        out("plain.out/1.jsonl")
    );
    assert_eq!(
        unzstd(&out("mixed.out/2.jsonl.zst")),
        out("plain.out/2.jsonl")
    );
    // --compress chooses, but never against a name; --output follows its
    // name.
    let args = [
        "clean",
        "--jsonl",
        "mixed",
        "--out-dir",
        "z.out",
        "--compress",
        "zstd",
    ];
    let err = fails(d, &args);
    assert!(err.contains("'1.jsonl.gz' is named as gzip"), "{err}");
    assert!(!d.join("z.out").exists());
    ok(
        d,
        &[
            "clean",
            "-q",
            "--jsonl",
            "plain",
            "--out-dir",
            "z.out",
            "--compress",
            "zstd",
        ],
    );
    assert_eq!(unzstd(&out("z.out/1.jsonl")), out("plain.out/1.jsonl"));
    ok(d, &["clean", "-q", "ztext/article", "-o", "article.txt.gz"]);
    ok(d, &["clean", "-q", "text/article.txt", "-o", "article.txt"]);
    assert_eq!(gunzip(&out("article.txt.gz")), out("article.txt"));
    // Nor against the name of --output or --report: the tool could not
    // read such a file back.
    for (how, name) in [
        ("zstd", "o.jsonl.gz"),
        ("gzip", "o.jsonl.zst"),
        ("none", "o.jsonl.gz"),
    ] {
        let shard = ["--jsonl", "plain/1.jsonl", "--compress", how];
        let err = fails(d, &[&["clean"][..], &shard, &["-o", name]].concat());
        assert!(
            err.starts_with(&format!(
                "textdedup: error: --compress {how}: the output '{name}' is named as"
            )),
            "{err}"
        );
        assert!(!d.join(name).exists());
        let err = fails(d, &[&["find"][..], &shard, &["-o", name]].concat());
        assert!(err.contains("is named as"), "{err}");
        let report = [&["clean"][..], &shard, &["-o", "c.jsonl", "--report", name]].concat();
        assert!(fails(d, &report).contains(&format!("'{name}' is named as")));
        assert!(!d.join(name).exists() && !d.join("c.jsonl").exists());
    }
    // A name that agrees is written as asked, and read back.
    let shard = ["clean", "-q", "--jsonl", "plain/1.jsonl"];
    ok(
        d,
        &[&shard[..], &["--compress", "zstd", "-o", "o.jsonl.zst"]].concat(),
    );
    ok(d, &[&shard[..], &["-o", "o.jsonl"]].concat());
    assert_eq!(unzstd(&out("o.jsonl.zst")), out("o.jsonl"));
    ok(d, &["find", "-q", "--jsonl", "o.jsonl.zst"]);
    // A name that says gzip over plain content is refused, with its name.
    fs::write(d.join("liar.jsonl.gz"), shards[0].as_bytes()).unwrap();
    let err = fails(d, &["find", "--jsonl", "liar.jsonl.gz"]);
    assert!(
        err.contains("liar.jsonl.gz") && err.contains("says gzip"),
        "{err}"
    );
}

#[test]
fn files_that_are_not_text_are_never_cleaned() {
    let png = b"\x89PNG\r\n\x1a\nrest of an image".to_vec();
    let nul = b"text\0with a NUL byte".to_vec();
    let gz_not_json = gzip(b"plain text, not JSON\n");
    let dir = fixture(&[
        ("d/a.txt", ARTICLE),
        ("d/image.png", &png),
        ("d/nul.bin", &nul),
        ("d/archive.gz", &gzip(&png)),
        (
            "j/a.jsonl",
            b"{\"text\":\"a line long enough to count\\n\"}\n",
        ),
        ("j/b.jsonl.gz", &gz_not_json),
    ]);
    let d = dir.path();
    let before = fs::read_dir(d.join("d")).unwrap().count();
    let run = run_in(d, &["clean", "d", "--out-dir", "out"], b"");
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.contains("d/image.png' is a PNG image"), "{err}");
    assert!(err.contains("3 files not text"), "{err}");
    // Copied unchanged, the compressed one still compressed.
    for name in ["image.png", "nul.bin", "archive.gz"] {
        assert_eq!(
            fs::read(d.join("out").join(name)).unwrap(),
            fs::read(d.join("d").join(name)).unwrap()
        );
    }
    assert_eq!(tree(&d.join("out")).len(), before);
    // In place, they stay as they are (the same file, not a copy).
    let inode = |p: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(d.join(p)).unwrap());
    let png_inode = inode("d/image.png");
    ok(d, &["clean", "-q", "--in-place", "d"]);
    assert_eq!(inode("d/image.png"), png_inode);
    assert_eq!(fs::read(d.join("d/image.png")).unwrap(), png);
    // Into one output there is nowhere to copy it: an error.
    let err = fails(d, &["clean", "d/image.png", "-o", "one.txt"]);
    assert!(err.contains("'d/image.png' is not text"), "{err}");
    assert!(!d.join("one.txt").exists());
    // A .gz that is not JSON in a JSON Lines run: an error, nothing written.
    let err = fails(d, &["clean", "--jsonl", "j", "--out-dir", "j.out"]);
    assert!(err.contains("j/b.jsonl.gz, line 1"), "{err}");
    assert!(!d.join("j.out").exists());
}

#[test]
fn patterns_choose_the_inputs() {
    let dir = fixture(&[
        ("s/a.jsonl", b"{\"id\":1,\"text\":\"x\"}\n"),
        ("s/sub/b.jsonl.gz", &gzip(b"{\"id\":2,\"text\":\"x\"}\n")),
        ("s/notes.txt", b"not a shard\n"),
        ("s/sub/c.jsonl", b"{\"id\":3,\"text\":\"x\"}\n"),
    ]);
    let d = dir.path();
    let docs = |args: &[&str]| {
        let stats = d.join("stats.json");
        let mut all = args.to_vec();
        all.extend(["-q", "--jsonl", "--stats", stats.to_str().unwrap()]);
        ok(d, &all);
        let stats: Value = serde_json::from_slice(&fs::read(&stats).unwrap()).unwrap();
        stats["documents"].as_u64().unwrap()
    };
    assert_eq!(
        docs(&[
            "find",
            "s",
            "--include",
            "*.jsonl",
            "--include",
            "*.jsonl.gz"
        ]),
        3
    );
    assert_eq!(
        docs(&["find", "s", "--include", "*.jsonl*", "--exclude", "sub/c.*"]),
        2
    );
    // A quoted pattern, expanded by the tool: `*` stays in one directory.
    assert_eq!(docs(&["find", "s/*.jsonl"]), 1);
    assert_eq!(docs(&["find", "s/**/*.jsonl"]), 2);
    let err = fails(d, &["find", "s/*.parquet"]);
    assert!(err.contains("no file matches 's/*.parquet'"), "{err}");
    let err = fails(d, &["find", "s", "--include", "a[b"]);
    assert!(err.contains("--include 'a[b'"), "{err}");
}

#[test]
fn bad_records_fail_or_pass_through() {
    let shard = "{\"text\":\"a line long enough to count\\n\"}\n{\"text\":5}\n{\"id\":1}\nnot json\n{\"text\":null}\n{\"text\":\"a line long enough to count\\n\"}\n";
    let dir = fixture(&[("s.jsonl", shard.as_bytes())]);
    let d = dir.path();
    let err = fails(d, &["clean", "--jsonl", "s.jsonl"]);
    assert!(err.contains("s.jsonl, line 2"), "{err}");
    let run = run_in(
        d,
        &[
            "clean",
            "--jsonl",
            "--on-bad-record",
            "skip",
            "s.jsonl",
            "--stats",
            "st.json",
        ],
        b"",
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let want = shard.replacen("{\"text\":\"a line long enough to count\\n\"}\n", "", 1);
    let want = format!(
        "{{\"text\":\"a line long enough to count\\n\"}}\n{}",
        want.replacen("a line long enough to count\\n", "", 1)
    );
    assert_eq!(String::from_utf8(run.stdout.clone()).unwrap(), want);
    for line in ["line 2", "line 3", "line 4", "line 5"] {
        assert!(
            stderr(&run).contains(&format!("s.jsonl, {line}")),
            "{}",
            stderr(&run)
        );
    }
    let stats: Value = serde_json::from_slice(&fs::read(d.join("st.json")).unwrap()).unwrap();
    assert_eq!(stats["bad_records"], 4);
    assert_eq!(stats["documents"], 2);
}

#[test]
fn clean_writes_the_report_and_the_stats_in_the_same_pass() {
    let shards = shards();
    let dir = fixture(&[
        ("0.jsonl", shards[0].as_bytes()),
        ("1.jsonl", shards[1].as_bytes()),
    ]);
    let d = dir.path();
    for mode in ["paragraph", "passage", "chunk"] {
        let find = ok(
            d,
            &[
                "find", "-q", "--jsonl", "--mode", mode, "0.jsonl", "1.jsonl",
            ],
        );
        let args = [
            "clean",
            "-q",
            "--jsonl",
            "--mode",
            mode,
            "0.jsonl",
            "1.jsonl",
            "--out-dir",
            mode,
            "--report",
            "r.jsonl",
            "--stats",
            "s.json",
        ];
        ok(d, &args);
        assert_eq!(fs::read(d.join("r.jsonl")).unwrap(), find, "{mode}");
        let stats: Value = serde_json::from_slice(&fs::read(d.join("s.json")).unwrap()).unwrap();
        assert_eq!(stats["mode"], mode);
        assert_eq!(stats["documents"], 80);
        let removed: u64 = lines(&find)
            .iter()
            .map(|r| r["end"].as_u64().unwrap() - r["start"].as_u64().unwrap())
            .sum();
        assert_eq!(stats["bytes_removed"], removed, "{mode}");
        for refusals in ["refused_anchors", "refused_bytes"] {
            let want = (mode == "passage").then_some(0);
            assert_eq!(stats.get(refusals).and_then(Value::as_u64), want, "{mode}");
        }
    }
    // The report may not be an input.
    let err = fails(
        d,
        &[
            "clean",
            "--jsonl",
            "0.jsonl",
            "--out-dir",
            "o",
            "--report",
            "0.jsonl",
        ],
    );
    assert!(err.contains("is the input"), "{err}");
}

#[test]
fn chunk_mode_reports_true_copies_and_clean_removes_them() {
    let unit: String = (0..200)
        .map(|i| format!("line {i} of a licence text that repeats\n"))
        .collect();
    let dir = fixture(&[
        ("a.txt", format!("intro of a\n{unit}").as_bytes()),
        (
            "b.txt",
            format!("other intro of b\n{unit}outro\n").as_bytes(),
        ),
    ]);
    let d = dir.path();
    let report = lines(&ok(
        d,
        &[
            "find",
            "-q",
            "--mode",
            "chunk",
            "--avg-size",
            "256",
            "a.txt",
            "b.txt",
        ],
    ));
    assert!(!report.is_empty());
    let text = |name: &str| fs::read(d.join(name)).unwrap();
    let mut removed = 0;
    for r in &report {
        let n = |k: &str| r[k].as_u64().unwrap() as usize;
        let (doc, first) = (
            text(r["doc"].as_str().unwrap()),
            text(r["first_doc"].as_str().unwrap()),
        );
        assert_eq!(
            &doc[n("start")..n("end")],
            &first[n("first_start")..n("first_end")],
            "{r}"
        );
        removed += n("end") - n("start");
    }
    // Most of the repeated unit is found.
    assert!(removed > unit.len() / 2, "{removed}");
    ok(
        d,
        &[
            "clean",
            "-q",
            "--mode",
            "chunk",
            "--avg-size",
            "256",
            "a.txt",
            "b.txt",
            "--out-dir",
            "out",
        ],
    );
    let kept = text("out/a.txt").len() + text("out/b.txt").len();
    assert_eq!(kept + removed, text("a.txt").len() + text("b.txt").len());
    let err = fails(d, &["find", "--mode", "chunk", "--avg-size", "10", "a.txt"]);
    assert!(err.contains("--avg-size"), "{err}");
}

/// A Parquet file with an id, a text with nulls and repeats, and two more
/// columns (one of them a list), in row groups of `group` rows.
fn parquet_file(path: &std::path::Path, texts: &[Option<String>], group: usize) {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let ids = Int64Array::from_iter_values((0..texts.len() as i64).map(|i| 1000 + i));
    let text = StringArray::from(texts.to_vec());
    let meta =
        StringArray::from_iter((0..texts.len()).map(|i| (i % 3 != 0).then(|| format!("m{i}"))));
    let mut tags = ListBuilder::new(StringBuilder::new());
    for i in 0..texts.len() {
        tags.values().append_value(format!("t{i}"));
        tags.append(true);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(ids)),
        ("text", Arc::new(text)),
        ("meta", Arc::new(meta)),
        ("tags", Arc::new(tags.finish())),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_size(group)
        .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
        .build();
    let file = fs::File::create(path).unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// Every row of a (small) Parquet file, as one record batch.
fn read_parquet(path: &std::path::Path) -> arrow_array::RecordBatch {
    let file = fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut batches: Vec<_> = reader.map(Result::unwrap).collect();
    assert_eq!(batches.len(), 1, "fewer rows than one batch");
    batches.pop().unwrap()
}

#[test]
fn parquet_shards_round_trip_with_their_other_columns() {
    use arrow_array::cast::AsArray;
    let line = "A line that every third row repeats, long enough.\n";
    let texts: Vec<Option<String>> = (0..50)
        .map(|i| match i {
            7 => None,
            _ if i % 3 == 0 => Some(format!("Row {i} has its own words.\n{line}")),
            _ => Some(format!("Row {i} is different.\n")),
        })
        .collect();
    let dir = fixture(&[]);
    let d = dir.path();
    fs::create_dir(d.join("in")).unwrap();
    parquet_file(&d.join("in/a.parquet"), &texts, 16);
    // A null text is a bad record: an error, or passed through.
    let err = fails(d, &["find", "in"]);
    assert!(
        err.contains("in/a.parquet, row 7: the text is null"),
        "{err}"
    );
    let report = lines(&ok(d, &["find", "-q", "--on-bad-record", "skip", "in"]));
    // Rows are named by the id column.
    let docs: Vec<i64> = report.iter().map(|r| r["doc"].as_i64().unwrap()).collect();
    assert_eq!(docs, (1..17).map(|k| 1000 + 3 * k).collect::<Vec<_>>());
    assert!(report.iter().all(|r| r["first_doc"] == 1000));
    ok(
        d,
        &[
            "clean",
            "-q",
            "--on-bad-record",
            "skip",
            "in",
            "--out-dir",
            "out",
        ],
    );
    let (before, after) = (
        read_parquet(&d.join("in/a.parquet")),
        read_parquet(&d.join("out/a.parquet")),
    );
    assert_eq!(before.schema(), after.schema());
    assert_eq!(after.num_rows(), 50);
    for c in ["id", "meta", "tags"] {
        assert_eq!(
            before.column_by_name(c).unwrap(),
            after.column_by_name(c).unwrap(),
            "{c}"
        );
    }
    let text = after.column_by_name("text").unwrap().as_string::<i32>();
    for (i, want) in texts.iter().enumerate() {
        let want = want.as_ref().map(|t| {
            if i % 3 == 0 && i > 0 {
                t.replace(line, "")
            } else {
                t.clone()
            }
        });
        let got = (!arrow_array::Array::is_null(text, i)).then(|| text.value(i).to_owned());
        assert_eq!(got, want, "row {i}");
    }
    // The output keeps the input's compression and row groups.
    let meta = |p: &str| {
        let file = fs::File::open(d.join(p)).unwrap();
        parquet::file::reader::SerializedFileReader::new(file).unwrap()
    };
    use parquet::file::reader::FileReader;
    let (m_in, m_out) = (meta("in/a.parquet"), meta("out/a.parquet"));
    assert_eq!(
        m_out.metadata().num_row_groups(),
        m_in.metadata().num_row_groups()
    );
    assert_eq!(
        m_out.metadata().row_group(0).column(1).compression(),
        m_in.metadata().row_group(0).column(1).compression()
    );
    // A row longer than --max-record-size is refused, with its row.
    let err = fails(
        d,
        &[
            "find",
            "--on-bad-record",
            "skip",
            "in",
            "--max-record-size",
            "40",
        ],
    );
    assert!(err.contains("in/a.parquet, row 0"), "{err}");
    // --output cannot hold a Parquet file's rows.
    let err = fails(
        d,
        &[
            "clean",
            "--on-bad-record",
            "skip",
            "in/a.parquet",
            "-o",
            "x.parquet",
        ],
    );
    assert!(err.contains("--out-dir or --in-place"), "{err}");
}
