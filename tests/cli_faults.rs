//! The command-line tool under faults: an output that is an input, a
//! commit that fails halfway, signals, a killed run's leftovers, owners
//! and modes of replaced files, reports that must parse. After every case
//! the inputs are untouched and the outputs complete or as they were.
#![cfg(all(feature = "cli", unix))]

mod cli_support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use cli_support::{fails, fixture, lines, ok, stderr, tree};
use serde_json::Value;

const ARTICLE: &[u8] = include_bytes!("../examples/data/article.txt");

/// Every file under `dir` with its bytes, hidden ones included.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .filter(|p| fs::metadata(dir.join(p)).is_ok_and(|m| m.is_file()))
        .map(|p| {
            let bytes = fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Every path under `dir` (directories too) named like a temporary file.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(".textdedup-") {
            out.push(path.clone());
        }
        if fs::symlink_metadata(&path).unwrap().is_dir() {
            out.extend(leftovers(&path));
        }
    }
    out
}

/// Runs the binary in `dir` with extra environment variables.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_textdedup"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Starts the binary in `dir` with standard input piped.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_textdedup"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (up to 60 s) until `ready` holds.
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "waited for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends the signal `name` (`INT`, `TERM`, `KILL`...) to `child`.
fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Lines of text with every line twice, `len` bytes or more.
fn doubled_text(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut i = 0;
    while out.len() < len {
        let line = format!("line number {i} of a long generated file\n");
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(line.as_bytes());
        i += 1;
    }
    out
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let jsonl = b"{\"id\":1,\"text\":\"a line long enough\\na line long enough\\n\"}\n";
    let dir = fixture(&[
        ("j.jsonl", jsonl),
        ("a.txt", ARTICLE),
        ("d/a.txt", ARTICLE),
        ("d/sub/b.txt", ARTICLE),
    ]);
    let d = dir.path();
    std::os::unix::fs::symlink("a.txt", d.join("link.txt")).unwrap();
    std::os::unix::fs::symlink("d", d.join("link-to-d")).unwrap();
    fs::hard_link(d.join("a.txt"), d.join("hard.txt")).unwrap();
    let before = snapshot(d);
    let cases: [&[&str]; 11] = [
        &["find", "--jsonl", "j.jsonl", "--output", "j.jsonl"],
        &["find", "--jsonl", "j.jsonl", "-o", "d/../j.jsonl"],
        &["clean", "a.txt", "-o", "link.txt"],
        &["clean", "a.txt", "-o", "hard.txt"],
        &["chunk", "a.txt", "-o", "a.txt"],
        &["clean", "d", "--out-dir", "d"],
        &["clean", "d", "--out-dir", "d/out"],
        &["clean", "d", "--out-dir", "d/sub/../new"],
        &["clean", "d/sub", "--out-dir", "link-to-d/sub/x"],
        &["clean", "a.txt", "--out-dir", "."],
        &["clean", "d/a.txt", "j.jsonl", "--out-dir", "d"],
    ];
    for args in cases {
        let err = fails(d, args);
        assert!(err.contains("input"), "{args:?}: {err}");
        assert_eq!(snapshot(d), before, "{args:?}");
        assert!(leftovers(d).is_empty(), "{args:?}");
    }
    // Standard input redirected from the file named by --output.
    let out = Command::new(env!("CARGO_BIN_EXE_textdedup"))
        .args(["clean", "-o", "a.txt"])
        .current_dir(d)
        .stdin(fs::File::open(d.join("a.txt")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--in-place"), "{}", stderr(&out));
    assert_eq!(snapshot(d), before);
    // An output directory beside the input is fine, and so is a run over
    // the input directory afterwards.
    ok(d, &["clean", "-q", "d", "--out-dir", "clean"]);
    ok(d, &["clean", "-q", "d", "--out-dir", "clean"]);
    assert_eq!(tree(&d.join("clean")), tree(&d.join("d")));
}

#[test]
fn in_place_replaces_inputs_keeping_links_owners_and_modes() {
    let other = "Other text, with a line that is long enough.\n".repeat(2);
    let dir = fixture(&[
        ("a.txt", ARTICLE),
        ("b.txt", ARTICLE),
        ("sub/c.txt", other.as_bytes()),
    ]);
    let d = dir.path();
    ok(
        d,
        &[
            "clean",
            "-q",
            "a.txt",
            "b.txt",
            "sub/c.txt",
            "--out-dir",
            "want",
        ],
    );
    let want = |name: &str| fs::read(d.join("want").join(name)).unwrap();
    fs::set_permissions(d.join("b.txt"), fs::Permissions::from_mode(0o600)).unwrap();
    let root = fs::metadata(d).unwrap().uid() == 0;
    if root {
        std::os::unix::fs::chown(d.join("b.txt"), Some(1234), Some(1234)).unwrap();
    }
    std::os::unix::fs::symlink("sub/c.txt", d.join("c-link.txt")).unwrap();
    let before = snapshot(d);

    // Refused: standard input, one file twice, other outputs.
    fs::hard_link(d.join("a.txt"), d.join("a-hard.txt")).unwrap();
    for args in [
        &["clean", "--in-place", "-"][..],
        &["clean", "--in-place", "a.txt", "a-hard.txt"],
        &["clean", "--in-place", "a.txt", "c-link.txt", "sub/c.txt"],
        &["clean", "--in-place", "a.txt", "-o", "x.txt"],
        &["clean", "--in-place", "a.txt", "--out-dir", "x"],
    ] {
        fails(d, args);
    }
    fs::remove_file(d.join("a-hard.txt")).unwrap();
    assert_eq!(snapshot(d), before);

    ok(
        d,
        &["clean", "-q", "--in-place", "a.txt", "b.txt", "c-link.txt"],
    );
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), want("a.txt"));
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), want("b.txt"));
    assert_eq!(fs::read(d.join("sub/c.txt")).unwrap(), want("c.txt"));
    assert!(fs::symlink_metadata(d.join("c-link.txt"))
        .unwrap()
        .is_symlink());
    let b = fs::metadata(d.join("b.txt")).unwrap();
    assert_eq!(b.permissions().mode() & 0o777, 0o600);
    if root {
        assert_eq!((b.uid(), b.gid()), (1234, 1234));
    }
    assert!(leftovers(d).is_empty());
}

#[test]
fn an_out_dir_holds_one_run_or_the_other() {
    let dir = fixture(&[
        ("s/a.txt", ARTICLE),
        ("s/b.txt", b"new b, long enough to count\n"),
        ("s/c.txt", b"new c, long enough to count\n"),
        ("out/a.txt", b"old a\n"),
        ("out/b.txt/inside", b"a directory where a file must go\n"),
        ("out/c.txt", b"old c\n"),
    ]);
    let (d, out) = (dir.path(), dir.path().join("out"));
    let before = snapshot(&out);
    let err = fails(d, &["clean", "s", "--out-dir", "out"]);
    assert!(err.contains("b.txt") && err.contains("directory"), "{err}");
    assert_eq!(snapshot(&out), before);

    // A rename that fails after every check passed: the earlier files come
    // back and the new one goes (test builds only can inject the fault).
    fs::remove_dir_all(out.join("b.txt")).unwrap();
    let before = snapshot(&out);
    if cfg!(debug_assertions) {
        for n in ["0", "1", "2"] {
            let run = run_env(
                d,
                &["clean", "s", "--out-dir", "out"],
                &[("TEXTDEDUP_FAIL_RENAME", n)],
            );
            assert_eq!(run.status.code(), Some(2), "{n}: {}", stderr(&run));
            assert!(stderr(&run).contains("injected fault"), "{}", stderr(&run));
            assert_eq!(snapshot(&out), before, "fault at rename {n}");
            assert!(leftovers(d).is_empty());
        }
        // The same with --in-place: every input stays as it was.
        let inputs = snapshot(&d.join("s"));
        let args = ["clean", "--in-place", "s/a.txt", "s/b.txt", "s/c.txt"];
        let run = run_env(d, &args, &[("TEXTDEDUP_FAIL_RENAME", "2")]);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert_eq!(snapshot(&d.join("s")), inputs);
        assert!(leftovers(d).is_empty());
    }
    ok(d, &["clean", "-q", "s", "--out-dir", "out"]);
    assert_eq!(
        fs::read(out.join("b.txt")).unwrap(),
        b"new b, long enough to count\n"
    );
    assert_eq!(
        fs::read(out.join("c.txt")).unwrap(),
        b"new c, long enough to count\n"
    );
    assert!(leftovers(d).is_empty());
}

/// Exit status 128 + the signal's number, as a shell reports it.
fn assert_signalled(status: ExitStatus, number: i32) {
    assert_eq!(status.code(), Some(128 + number), "{status:?}");
}

#[test]
fn signals_remove_temporary_files_and_exit_128_plus_the_number() {
    let big = doubled_text(17 << 20);
    for (name, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        // --output, reading standard input: the temporary file is there
        // from the start; the run waits for more input.
        let dir = fixture(&[("old.txt", b"old\n")]);
        let d = dir.path();
        let mut child = spawn(d, &["clean", "-o", "old.txt"]);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&big[..1 << 20]).unwrap();
        wait_until("a temporary file", || leftovers(d).len() == 1);
        signal(&child, name);
        let status = child.wait().unwrap();
        drop(stdin);
        assert_signalled(status, number);
        assert!(leftovers(d).is_empty(), "{name}");
        assert_eq!(fs::read(d.join("old.txt")).unwrap(), b"old\n");

        // --out-dir, new and existing: a named pipe as the last input holds
        // the run after the first file was written.
        for existing in [false, true] {
            let dir = fixture(&[("a.txt", &big)]);
            let d = dir.path();
            if existing {
                fs::create_dir(d.join("out")).unwrap();
                fs::write(d.join("out/a.txt"), b"old a\n").unwrap();
            }
            assert!(Command::new("mkfifo")
                .arg(d.join("z.fifo"))
                .status()
                .unwrap()
                .success());
            let before = snapshot(d);
            let child = spawn(d, &["clean", "a.txt", "z.fifo", "--out-dir", "out"]);
            // The first file's kept half is being written (to a temporary
            // file, or into the staged tree) while the pipe holds the run.
            let want = 8 << 20;
            wait_until("a staged file", || {
                leftovers(d).iter().any(|p| {
                    let staged = if existing { p.clone() } else { p.join("a.txt") };
                    fs::metadata(staged).is_ok_and(|m| m.len() as usize >= want)
                })
            });
            signal(&child, name);
            let out = child.wait_with_output().unwrap();
            assert_signalled(out.status, number);
            assert!(leftovers(d).is_empty(), "{name} {existing}");
            assert_eq!(snapshot(d), before, "{name} {existing}");
        }
    }
}

#[test]
fn a_killed_run_leaves_files_that_the_next_run_removes() {
    let dir = fixture(&[("old.txt", b"old\n")]);
    let d = dir.path();
    let mut child = spawn(d, &["clean", "-o", "old.txt"]);
    let stdin = child.stdin.take().unwrap();
    wait_until("a temporary file", || leftovers(d).len() == 1);
    let left = leftovers(d);
    signal(&child, "KILL");
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(leftovers(d), left);
    // An older version's name, with no process id: reported, kept.
    fs::write(d.join(".textdedup-Ab12cd.tmp"), b"x").unwrap();
    fs::write(d.join("in.txt"), ARTICLE).unwrap();
    let run = run_env(d, &["clean", "in.txt", "-o", "old.txt"], &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("removed") && err.contains(left[0].file_name().unwrap().to_str().unwrap()),
        "{err}"
    );
    assert!(err.contains(".textdedup-Ab12cd.tmp"), "{err}");
    assert_eq!(leftovers(d), [d.join(".textdedup-Ab12cd.tmp")]);
}

#[test]
fn replacing_an_output_keeps_its_owner_mode_and_links() {
    let dir = fixture(&[
        ("in.txt", ARTICLE),
        ("out.txt", b"old\n"),
        ("real.txt", b"old\n"),
    ]);
    let d = dir.path();
    let clean = ok(d, &["clean", "-q", "in.txt"]);
    fs::set_permissions(d.join("out.txt"), fs::Permissions::from_mode(0o640)).unwrap();
    let root = fs::metadata(d).unwrap().uid() == 0;
    if root {
        std::os::unix::fs::chown(d.join("out.txt"), Some(4321), Some(4321)).unwrap();
    }
    fs::hard_link(d.join("out.txt"), d.join("other-name.txt")).unwrap();
    ok(d, &["clean", "-q", "in.txt", "-o", "out.txt"]);
    let meta = fs::metadata(d.join("out.txt")).unwrap();
    assert_eq!(fs::read(d.join("out.txt")).unwrap(), clean);
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    if root {
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    }
    // The other hard link keeps the earlier content (README says so).
    assert_eq!(fs::read(d.join("other-name.txt")).unwrap(), b"old\n");

    // Under an existing --out-dir, a link among the targets is written
    // through, and keeps being a link.
    fs::create_dir(d.join("out")).unwrap();
    std::os::unix::fs::symlink("../real.txt", d.join("out/in.txt")).unwrap();
    ok(d, &["clean", "-q", "in.txt", "--out-dir", "out"]);
    assert!(fs::symlink_metadata(d.join("out/in.txt"))
        .unwrap()
        .is_symlink());
    assert_eq!(fs::read(d.join("real.txt")).unwrap(), clean);
    assert!(leftovers(d).is_empty());
}

#[test]
fn every_report_line_parses_whatever_the_ids() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let ids = [
        r#""\ud800""#.to_owned(),
        "3.0e400".to_owned(),
        "-1e-400".to_owned(),
        deep.clone(),
        "18446744073709551616000".to_owned(),
        r#""plain""#.to_owned(),
        "42".to_owned(),
        r#"{"a":[1,2.5,"\u00e9"]}"#.to_owned(),
    ];
    let mut shard = String::new();
    for id in &ids {
        shard.push_str(&format!(
            "{{\"id\":{id},\"text\":\"a line that repeats in every record\\n\"}}\n"
        ));
    }
    let dir = fixture(&[("s.jsonl", shard.as_bytes())]);
    let report = ok(dir.path(), &["find", "-q", "--jsonl", "s.jsonl"]);
    let rows = lines(&report);
    assert_eq!(rows.len(), ids.len() - 1);
    for (row, id) in rows.iter().zip(&ids[1..]) {
        // Valid JSON is echoed; anything a strict parser rejects becomes
        // the string of its text.
        let want: Value = serde_json::from_str(id).unwrap_or_else(|_| Value::String(id.clone()));
        assert_eq!(row["doc"], want, "{id:.40}");
        assert_eq!(row["first_doc"], Value::String(ids[0].clone()));
    }
}

#[test]
fn file_names_that_are_not_utf8_stay_distinct() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = fixture(&[("a.txt", ARTICLE)]);
    let d = dir.path();
    for name in [&b"x\xff.txt"[..], b"x\xfe.txt", b"x\\xff.txt"] {
        fs::write(d.join(OsStr::from_bytes(name)), ARTICLE).unwrap();
    }
    let report = ok(d, &["find", "-q", "."]);
    let mut docs: Vec<String> = lines(&report)
        .iter()
        .map(|r| r["doc"].as_str().unwrap().to_owned())
        .collect();
    docs.dedup();
    assert_eq!(
        docs,
        ["./a.txt", "./x\\\\xff.txt", "./x\\xfe.txt", "./x\\xff.txt"]
    );
}

/// Runs the binary in `dir` under an address-space limit of `mib` MiB.
fn run_limited(dir: &Path, mib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mib << 10))
        .arg(env!("CARGO_BIN_EXE_textdedup"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn max_memory_stops_the_run_before_the_machine_does() {
    // 64 MiB of one repeated line: every line a later copy, the costliest
    // input per byte for paragraph mode (about 10 bytes per byte here).
    let same = b"one repeated line\n".repeat((64 << 20) / 18);
    // A million small records: `find` keeps every document's name.
    let records: String = (0..1_000_000)
        .map(|i| format!("{{\"id\":{i},\"text\":\"one repeated line\\n\"}}\n"))
        .collect();
    let dir = fixture(&[("same.txt", &same), ("records.jsonl", records.as_bytes())]);
    let d = dir.path();
    let before = snapshot(d);
    let cases: [(&[&str], &str); 5] = [
        // The file is longer than the default record limit.
        (
            &["find", "same.txt", "--max-memory", "256M", "-o", "r.jsonl"],
            "same.txt: the file is longer than 8947848 bytes, the most that --max-memory 268435456",
        ),
        // Allowed in, the file's batch does not fit.
        (
            &[
                "clean",
                "same.txt",
                "--max-memory",
                "256MB",
                "--max-record-size",
                "1G",
                "-o",
                "c.txt",
            ],
            "would hold",
        ),
        // One endless line.
        (
            &[
                "clean",
                "--jsonl",
                "--max-memory",
                "1M",
                "/dev/zero",
                "-o",
                "z.jsonl",
            ],
            "/dev/zero, line 1: the record is longer",
        ),
        (
            &[
                "find",
                "--jsonl",
                "records.jsonl",
                "--max-memory",
                "48M",
                "-o",
                "r.jsonl",
            ],
            "would hold",
        ),
        (
            &[
                "find",
                "--mode",
                "passage",
                "--jsonl",
                "records.jsonl",
                "--max-memory",
                "48M",
                "-o",
                "r.jsonl",
            ],
            "would hold",
        ),
    ];
    for (args, message) in cases {
        let run = run_limited(d, 768, args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(stderr(&run).contains(message), "{args:?}: {}", stderr(&run));
        assert_eq!(snapshot(d), before, "{args:?}");
        assert!(leftovers(d).is_empty(), "{args:?}");
    }
    // Within its limit, the same corpus runs to the end.
    let run = run_limited(
        d,
        768,
        &[
            "clean",
            "-q",
            "--jsonl",
            "records.jsonl",
            "--max-memory",
            "48M",
            "-o",
            "c.jsonl",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    // Every later record's text loses its one line, 19 bytes as written.
    let cleaned = fs::read(d.join("c.jsonl")).unwrap();
    assert_eq!(cleaned.len(), records.len() - 999_999 * 19);
}

/// The lines of `bytes`, without their terminators.
fn lines_of(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\n").unwrap_or(l))
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    if bytes.is_empty() {
        out.clear();
    }
    out
}

#[test]
fn first_end_is_the_first_copy_whatever_the_terminators() {
    let line = "a line long enough to count";
    let files = [
        // No final newline, then the same line with LF, then with CRLF.
        ("1.txt", format!("intro\n{line}")),
        (
            "2.txt",
            format!("{line}\n{line}\r\nsecond line long enough\n"),
        ),
        (
            "3.txt",
            format!("x\r\n{line}\r\nsecond line long enough\r\n"),
        ),
    ];
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let dir = fixture(&refs);
    let text = |name: &str| fs::read(dir.path().join(name)).unwrap();
    let report = lines(&ok(dir.path(), &["find", "-q", "1.txt", "2.txt", "3.txt"]));
    let got: Vec<(String, u64, u64, String, u64, u64)> = report
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap();
            let s = |k: &str| r[k].as_str().unwrap().to_owned();
            (
                s("doc"),
                n("start"),
                n("end"),
                s("first_doc"),
                n("first_start"),
                n("first_end"),
            )
        })
        .collect();
    let row = |d: &str, s, e, f: &str, fs, fe| (d.to_owned(), s, e, f.to_owned(), fs, fe);
    assert_eq!(
        got,
        [
            row("2.txt", 0, 28, "1.txt", 6, 33),
            row("2.txt", 28, 57, "1.txt", 6, 33),
            // CRLF against no newline, and against LF.
            row("3.txt", 3, 32, "1.txt", 6, 33),
            row("3.txt", 32, 57, "2.txt", 57, 81),
        ]
    );
    for r in &report {
        let (doc, first) = (
            text(r["doc"].as_str().unwrap()),
            text(r["first_doc"].as_str().unwrap()),
        );
        let n = |k: &str| r[k].as_u64().unwrap() as usize;
        assert!(n("first_end") <= first.len());
        assert_eq!(
            lines_of(&doc[n("start")..n("end")]),
            lines_of(&first[n("first_start")..n("first_end")])
        );
    }
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_line() {
    let line = "The first line, long enough to count.\n";
    let with_bom = format!("\u{feff}{line}other text of the first file\n");
    let later = format!("{line}{}", line.to_uppercase());
    let dir = fixture(&[("a.txt", with_bom.as_bytes()), ("b.txt", later.as_bytes())]);
    for normalize in ["exact", "whitespace", "loose"] {
        let args = ["find", "-q", "--normalize", normalize, "a.txt", "b.txt"];
        let report = lines(&ok(dir.path(), &args));
        // The BOM is not part of the first line, and the first line is
        // found again in b.txt.
        let rows: Vec<(u64, u64, u64, u64)> = report
            .iter()
            .map(|r| {
                let n = |k: &str| r[k].as_u64().unwrap();
                (n("start"), n("end"), n("first_start"), n("first_end"))
            })
            .collect();
        let copy = (0, 38, 3, 41);
        // Under `loose` the upper-case line is a copy too, of the same
        // first line: first copies that do not follow each other, two rows.
        let want = match normalize {
            "loose" => vec![copy, (38, 76, 3, 41)],
            _ => vec![copy],
        };
        assert_eq!(rows, want, "{normalize}");
    }
    // `clean` keeps the BOM where the first line was kept.
    let out = ok(
        dir.path(),
        &["clean", "-q", "a.txt", "b.txt", "--out-dir", "out"],
    );
    assert!(out.is_empty());
    assert_eq!(
        fs::read(dir.path().join("out/a.txt")).unwrap(),
        with_bom.as_bytes()
    );
    let upper = line.to_uppercase();
    assert_eq!(
        fs::read(dir.path().join("out/b.txt")).unwrap(),
        upper.as_bytes()
    );
}

#[test]
fn leftovers_are_never_input_and_a_users_own_files_stay() {
    let dir = fixture(&[("d/a.txt", ARTICLE)]);
    let d = dir.path();
    // What a run killed during its commit leaves: the earlier content of
    // a file, under a temporary name, beside it.
    fs::write(d.join("d/.textdedup-999999-1.old"), ARTICLE).unwrap();
    // Names a user may choose, close to ours but not of our shapes.
    fs::write(d.join("d/.textdedup-999998-draft.txt"), b"mine").unwrap();
    fs::create_dir(d.join("d/.textdedup-999999-notes")).unwrap();
    fs::write(d.join("d/.textdedup-999999-notes/keep.txt"), b"mine").unwrap();
    let run = run_env(d, &["clean", "--in-place", "d"], &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    // a.txt was cleaned against nothing but itself.
    let want = {
        let mut w = ARTICLE[..2677].to_vec();
        w.extend_from_slice(&ARTICLE[5009..]);
        w
    };
    assert_eq!(fs::read(d.join("d/a.txt")).unwrap(), want);
    // The backup is named once, and kept; the user's files are untouched.
    assert_eq!(stderr(&run).matches(".textdedup-999999-1.old").count(), 1);
    assert_eq!(
        fs::read(d.join("d/.textdedup-999999-1.old")).unwrap(),
        ARTICLE
    );
    assert_eq!(
        fs::read(d.join("d/.textdedup-999998-draft.txt")).unwrap(),
        b"mine"
    );
    assert!(d.join("d/.textdedup-999999-notes/keep.txt").exists());
}

#[test]
fn temporary_files_are_private_until_in_place() {
    let dir = fixture(&[("out.txt", b"old\n")]);
    let d = dir.path();
    fs::set_permissions(d.join("out.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = spawn(d, &["clean", "-o", "out.txt"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&doubled_text(1 << 20)).unwrap();
    wait_until("a temporary file", || leftovers(d).len() == 1);
    let temp = &leftovers(d)[0];
    let mode = fs::metadata(temp).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = fs::metadata(d.join("out.txt"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn an_ignored_hangup_stays_ignored() {
    let dir = fixture(&[]);
    let d = dir.path();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("trap '' HUP && exec \"$0\" clean -o out.txt")
        .arg(env!("CARGO_BIN_EXE_textdedup"))
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    wait_until("a temporary file", || leftovers(d).len() == 1);
    signal(&child, "HUP");
    std::thread::sleep(Duration::from_millis(200));
    stdin.write_all(b"a line long enough to count\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?} {}", out.status, stderr(&out));
    assert_eq!(
        fs::read(d.join("out.txt")).unwrap(),
        b"a line long enough to count\n"
    );
}

#[test]
fn an_interrupted_new_out_dir_is_all_or_nothing() {
    let files: Vec<(String, Vec<u8>)> = (0..3000)
        .map(|i| {
            (
                format!("in/{:02}/{i}.txt", i % 50),
                format!("file {i}\n").into_bytes(),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (p.as_str(), &t[..])).collect();
    let dir = fixture(&refs);
    let d = dir.path();
    for delay_ms in [0, 5, 20, 50, 100] {
        let child = spawn(d, &["clean", "-q", "in", "--out-dir", "out"]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        signal(&child, "INT");
        let out = child.wait_with_output().unwrap();
        // Ended before its handler was installed (the signal's default
        // action), interrupted, or done before the signal came.
        let killed = std::os::unix::process::ExitStatusExt::signal(&out.status) == Some(2);
        match out.status.code() {
            Some(0) => assert_eq!(tree(&d.join("out")).len(), 3000),
            Some(130) => assert!(!d.join("out").exists()),
            None if killed => assert!(!d.join("out").exists()),
            other => panic!("{other:?}: {}", stderr(&out)),
        }
        assert!(leftovers(d).is_empty(), "after {delay_ms} ms");
        let _ = fs::remove_dir_all(d.join("out"));
    }
}

#[test]
fn links_among_existing_targets() {
    let dir = fixture(&[
        ("in/a.txt", b"text of a, long enough\n"),
        ("in/b.txt", b"text of b, long enough\n"),
        ("o/b.txt", b"old b\n"),
    ]);
    let d = dir.path();
    // o/a.txt names o/b.txt: two outputs, one file.
    std::os::unix::fs::symlink("b.txt", d.join("o/a.txt")).unwrap();
    let before = snapshot(d);
    let err = fails(d, &["clean", "in", "--out-dir", "o"]);
    assert!(err.contains("both write"), "{err}");
    assert_eq!(snapshot(d), before);
    assert!(leftovers(d).is_empty());
    // A link to a file on another file system is written through there.
    let shm = Path::new("/dev/shm");
    if shm.is_dir() && fs::metadata(shm).unwrap().dev() != fs::metadata(d).unwrap().dev() {
        let far = tempfile::tempdir_in(shm).unwrap();
        fs::write(far.path().join("a.txt"), b"old a\n").unwrap();
        fs::remove_file(d.join("o/a.txt")).unwrap();
        std::os::unix::fs::symlink(far.path().join("a.txt"), d.join("o/a.txt")).unwrap();
        ok(d, &["clean", "-q", "in", "--out-dir", "o"]);
        assert_eq!(
            fs::read(far.path().join("a.txt")).unwrap(),
            b"text of a, long enough\n"
        );
        assert!(leftovers(far.path()).is_empty() && leftovers(d).is_empty());
    }
}
