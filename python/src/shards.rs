//! `textdedup.ray`'s work on a block of a JSON Lines shard: whole lines of
//! one file, the first of them at a known line number. The records are
//! read and written back by the command line's own code, so the cleaned
//! lines and the report rows are the command line's, byte for byte.
//!
//! A document's key is its corpus order: the file's index in sorted path
//! order in the high [`FILE_BITS`] bits, its line number (from 1) in the
//! low [`LINE_BITS`] bits.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use textdedup::phases::{copies_of, KeyRow, LaterCopy};
use textdedup::DocReport;

use crate::ray::Phases;

#[path = "../../src/bin/textdedup/jsonl.rs"]
#[allow(dead_code, unreachable_pub)]
mod jsonl;

/// Bits of a document key for the line number.
pub(crate) const LINE_BITS: u32 = 40;
/// Bits of a document key for the file's index.
pub(crate) const FILE_BITS: u32 = 64 - LINE_BITS;

/// The document key of line `line` (from 1) of file `file`.
pub(crate) fn doc_key(file: u64, line: u64) -> Result<u64, String> {
    if file >> FILE_BITS != 0 || line >> LINE_BITS != 0 {
        return Err(format!(
            "file {file}, line {line}: at most 2^{FILE_BITS} files of 2^{LINE_BITS} lines"
        ));
    }
    Ok(file << LINE_BITS | line)
}

/// Where one record's parts are in its line (terminator included).
struct Record<'a> {
    /// Its line number, from 1.
    line_no: u64,
    /// The line, terminator included.
    line: &'a [u8],
    /// The text, decoded.
    text: Cow<'a, [u8]>,
    /// The text value as written (quotes included), in `line`.
    raw: Range<usize>,
    /// The id value as written, in `line`.
    id: Option<Range<usize>>,
}

/// What the command line makes of a line: nothing (blank), a record, or
/// a bad record passed through (`on_bad_record="skip"`).
enum Line<'a> {
    /// White space only; written back as it is.
    Blank(&'a [u8]),
    /// A record.
    Record(Record<'a>),
    /// A line that is not a record, with why (file and line included);
    /// written back as it is.
    Bad(&'a [u8], String),
}

/// How many messages of records passed through a block keeps.
const TOLD_BAD_RECORDS: usize = 100;

/// The bad records a block passed through unchanged: how many, and the
/// messages of the first few (file and line, and why).
#[derive(Debug, Default)]
pub(crate) struct Skipped {
    /// How many.
    pub(crate) count: u64,
    /// The first [`TOLD_BAD_RECORDS`] messages.
    pub(crate) told: Vec<String>,
}

impl Skipped {
    /// Counts one more, keeping its message while there is room.
    pub(crate) fn add(&mut self, message: String) {
        self.count += 1;
        if self.told.len() < TOLD_BAD_RECORDS {
            self.told.push(message);
        }
    }
}

/// The options of a block.
pub(crate) struct Block<'a> {
    /// The lines, whole.
    pub(crate) data: &'a [u8],
    /// The file's index in sorted path order.
    pub(crate) file: u64,
    /// The line number of the block's first line, from 1.
    pub(crate) first_line: u64,
    /// The file's name as given, for messages and `FILE:LINE` names.
    pub(crate) path: &'a str,
    /// The text field.
    pub(crate) text_field: &'a str,
    /// The id field.
    pub(crate) id_field: &'a str,
    /// Whether a bad record is passed through (`on_bad_record="skip"`)
    /// rather than failing the block.
    pub(crate) skip_bad: bool,
}

impl<'a> Block<'a> {
    /// Each line, parsed, in order; stops at the first bad record with a
    /// message that names the file and line, unless bad records are
    /// skipped.
    fn lines(&self, mut f: impl FnMut(Line<'a>) -> Result<(), String>) -> Result<(), String> {
        let data = self.data;
        let mut at = 0;
        let mut line_no = self.first_line;
        while at < data.len() {
            let end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |k| at + k + 1);
            let line = &data[at..end];
            let parsed = match self.parse(line, line_no) {
                Ok(parsed) => parsed,
                Err(reason) => {
                    let message = format!("{}, line {line_no}: {reason}", self.path);
                    if !self.skip_bad {
                        return Err(message);
                    }
                    Line::Bad(line, message)
                }
            };
            f(parsed)?;
            at = end;
            line_no += 1;
        }
        Ok(())
    }

    /// One line, as the command line's reader takes it.
    fn parse(&self, line: &'a [u8], line_no: u64) -> Result<Line<'a>, String> {
        let bom = if line_no == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let body = &line[bom..];
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Line::Blank(line));
        }
        let body = std::str::from_utf8(body).map_err(|e| format!("not valid UTF-8 ({e})"))?;
        let record = jsonl::parse(body, self.text_field, self.id_field)?;
        let raw = &body[record.text_raw.clone()];
        let text = if record.escaped {
            let mut decoded = Vec::new();
            jsonl::unescape_into(raw, &mut decoded)?;
            Cow::Owned(decoded)
        } else {
            Cow::Borrowed(&raw.as_bytes()[1..raw.len() - 1])
        };
        let shift = |r: Range<usize>| r.start + bom..r.end + bom;
        Ok(Line::Record(Record {
            line_no,
            line,
            text,
            raw: shift(record.text_raw),
            id: record.id_raw.map(shift),
        }))
    }

    /// A record's name in report rows: its id as written, or `FILE:LINE`.
    fn name(&self, record: &Record<'_>) -> String {
        match &record.id {
            Some(id) => match std::str::from_utf8(&record.line[id.clone()]) {
                Ok(id) => jsonl::id_json(id).into_owned(),
                Err(_) => json_string(&String::from_utf8_lossy(&record.line[id.clone()])),
            },
            None => json_string(&format!("{}:{}", self.path, record.line_no)),
        }
    }

    /// Each record's document key, text and name (as JSON), in order; bad
    /// records are passed over or fail the block, as in the other phases.
    pub(crate) fn documents(
        &self,
        mut f: impl FnMut(u64, &[u8], String) -> Result<(), String>,
    ) -> Result<(), String> {
        self.lines(|line| match line {
            Line::Record(record) => f(
                doc_key(self.file, record.line_no)?,
                &record.text,
                self.name(&record),
            ),
            _ => Ok(()),
        })
    }

    /// The fingerprint phase: the key rows of every record, and each row's
    /// document name when `names` (for `find`).
    pub(crate) fn fingerprint(
        &self,
        deduper: &Phases,
        names: bool,
    ) -> Result<(Vec<KeyRow>, Vec<String>), String> {
        let mut rows = Vec::new();
        let mut row_names = Vec::new();
        self.lines(|line| {
            if let Line::Record(record) = line {
                let doc = doc_key(self.file, record.line_no)?;
                let before = rows.len();
                deduper.fingerprint(doc, &record.text, &mut rows);
                if names && rows.len() > before {
                    let name = self.name(&record);
                    row_names.resize(rows.len(), name);
                }
            }
            Ok(())
        })?;
        Ok((rows, row_names))
    }

    /// The apply phase: the block's lines cleaned (`find` false) or its
    /// report rows (`find` true), given the later copies of its documents
    /// (sorted by document and start) and the names of their first
    /// copies' documents (for `find`); with the bad records passed
    /// through.
    pub(crate) fn apply(
        &self,
        deduper: &Phases,
        copies: &[LaterCopy],
        first_names: &HashMap<u64, String>,
        find: bool,
    ) -> Result<(Vec<u8>, Skipped), String> {
        let mut out = Vec::with_capacity(if find { 0 } else { self.data.len() });
        let mut kept = Vec::new();
        let mut skipped = Skipped::default();
        self.lines(|line| {
            let record = match line {
                Line::Blank(line) => {
                    if !find {
                        out.extend_from_slice(line);
                    }
                    return Ok(());
                }
                Line::Bad(line, message) => {
                    skipped.add(message);
                    if !find {
                        out.extend_from_slice(line);
                    }
                    return Ok(());
                }
                Line::Record(record) => record,
            };
            let doc = doc_key(self.file, record.line_no)?;
            let mine = copies_of(copies, doc..doc + 1);
            if mine.is_empty() && deduper.only_copies_change() {
                if !find {
                    out.extend_from_slice(record.line);
                }
                return Ok(());
            }
            let report = deduper
                .apply(doc, &record.text, mine)
                .map_err(|e| format!("{}, line {}: {e}", self.path, record.line_no))?;
            if find {
                self.report(&record, &report, first_names, &mut out)
            } else {
                clean(&record, &report, &mut kept, &mut out);
                Ok(())
            }
        })?;
        Ok((out, skipped))
    }

    /// Appends the report rows of one record.
    fn report(
        &self,
        record: &Record<'_>,
        report: &DocReport<'_>,
        first_names: &HashMap<u64, String>,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        report_rows(&self.name(record), report, first_names, out)
    }
}

/// Appends the report rows of one document named `name` (as JSON), given
/// the names of the other documents its first copies are in.
pub(crate) fn report_rows(
    name: &str,
    report: &DocReport<'_>,
    first_names: &HashMap<u64, String>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    for r in report.removals() {
        let first = r.first();
        let first_name = if first.doc() == report.doc() {
            name
        } else {
            first_names
                .get(&first.doc().index())
                .map(String::as_str)
                .ok_or_else(|| format!("no name for the document of key {}", first.doc().index()))?
        };
        let row = format!(
            r#"{{"doc":{name},"start":{},"end":{},"first_doc":{first_name},"first_start":{},"first_end":{}}}"#,
            r.span().start,
            r.span().end,
            first.start(),
            first.end()
        );
        out.extend_from_slice(row.as_bytes());
        out.push(b'\n');
    }
    Ok(())
}

/// Appends a record's line without its removed text, as the command line
/// writes it: the kept parts of the value as written, escapes and all.
fn clean(record: &Record<'_>, report: &DocReport<'_>, kept: &mut Vec<u8>, out: &mut Vec<u8>) {
    let line = record.line;
    let (before, after) = (record.raw.start, record.raw.end);
    out.extend_from_slice(&line[..before]);
    kept.clear();
    let cuts = report.removals().iter().map(|r| r.span().range());
    if jsonl::cut_string(&line[before..after], &record.text, cuts, kept) {
        out.extend_from_slice(kept);
    } else {
        let text = String::from_utf8_lossy(&report.kept_bytes()).into_owned();
        out.extend_from_slice(json_string(&text).as_bytes());
    }
    out.extend_from_slice(&line[after..]);
}

/// `s` as a JSON string.
pub(crate) fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}
