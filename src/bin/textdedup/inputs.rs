//! Turning the INPUT arguments into an ordered list of sources.
//!
//! Corpus order (DESIGN.md section 2): inputs as given; a directory
//! contributes its files, recursively, sorted by path (component by
//! component, bytewise). Symbolic links to files are followed; symbolic
//! links to directories are not descended into, so a link cycle cannot
//! make the walk endless.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};

/// Where a source's bytes come from.
#[derive(Debug)]
pub(crate) enum Location {
    /// Standard input.
    Stdin,
    /// A file to open.
    File(PathBuf),
}

/// One file (or standard input) in corpus order.
#[derive(Debug)]
pub(crate) struct Source {
    /// Where to read.
    pub(crate) location: Location,
    /// The name reports use: the path as given, joined with the path inside
    /// a directory; `-` for standard input.
    pub(crate) name: String,
    /// Where the output goes under `--out-dir`: the path inside the
    /// directory that was given, or the file name of a file given directly.
    pub(crate) out_rel: Option<PathBuf>,
}

/// Every source of a run, and what the arguments were made of.
#[derive(Debug)]
pub(crate) struct Inputs {
    /// The sources, in corpus order.
    pub(crate) sources: Vec<Source>,
    /// True when an argument was a directory or there were several
    /// arguments: plain output then mirrors the tree under `--out-dir`.
    pub(crate) many: bool,
}

impl Inputs {
    /// Resolves the arguments; nothing means standard input.
    ///
    /// # Errors
    ///
    /// A missing or unreadable file or directory, or `-` given twice.
    pub(crate) fn resolve(args: &[PathBuf]) -> Result<Inputs> {
        let stdin = [PathBuf::from("-")];
        let args = if args.is_empty() { &stdin[..] } else { args };
        let mut sources = Vec::new();
        let mut many = args.len() > 1;
        let mut seen_stdin = false;
        for arg in args {
            if arg.as_os_str() == "-" {
                if seen_stdin {
                    return Err(CliError::Usage(
                        "standard input ('-') is given more than once".into(),
                    ));
                }
                seen_stdin = true;
                sources.push(Source {
                    location: Location::Stdin,
                    name: "-".into(),
                    out_rel: None,
                });
                continue;
            }
            let meta = fs::metadata(arg).map_err(|e| CliError::io("cannot read", arg, e))?;
            if meta.is_dir() {
                many = true;
                walk(arg, Path::new(""), &mut sources)?;
            } else {
                sources.push(Source {
                    location: Location::File(arg.clone()),
                    name: arg.to_string_lossy().into_owned(),
                    out_rel: arg.file_name().map(PathBuf::from),
                });
            }
        }
        Ok(Inputs { sources, many })
    }

    /// The total size of the sources when every size is known (standard
    /// input's is not). Costs one `stat` per file: only the progress bar
    /// asks.
    pub(crate) fn total_len(&self) -> Option<u64> {
        self.sources
            .iter()
            .map(|s| match &s.location {
                Location::Stdin => None,
                Location::File(p) => fs::metadata(p).ok().map(|m| m.len()),
            })
            .sum()
    }
}

/// Appends the files under `root.join(rel)`, sorted by name at each level.
fn walk(root: &Path, rel: &Path, out: &mut Vec<Source>) -> Result<()> {
    let dir = root.join(rel);
    let cannot = |e| CliError::io("cannot read directory", &dir, e);
    let mut entries = Vec::new();
    for entry in fs::read_dir(&dir).map_err(cannot)? {
        let entry = entry.map_err(cannot)?;
        let kind = entry.file_type().map_err(cannot)?;
        entries.push((entry.file_name(), kind));
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in entries {
        let rel = rel.join(&name);
        let path = root.join(&rel);
        if kind.is_dir() {
            walk(root, &rel, out)?;
            continue;
        }
        let is_file = if kind.is_symlink() {
            // A dangling link or a link to a directory is not a document.
            fs::metadata(&path).is_ok_and(|m| m.is_file())
        } else {
            // Sockets, FIFOs and devices inside a directory are not documents.
            kind.is_file()
        };
        if is_file {
            out.push(Source {
                name: path.to_string_lossy().into_owned(),
                location: Location::File(path),
                out_rel: Some(rel),
            });
        }
    }
    Ok(())
}
