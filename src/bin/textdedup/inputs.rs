//! Turning the INPUT arguments into an ordered list of sources.
//!
//! Corpus order (DESIGN.md section 2): inputs as given; a directory
//! contributes its files, recursively, sorted by path (component by
//! component, bytewise). Symbolic links to files are followed; symbolic
//! links to directories are not descended into, so a link cycle cannot
//! make the walk endless. Temporary names of this tool
//! (`.textdedup-PID-N...`) are left out: a killed run's leftovers are not
//! documents.

use std::fs;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

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
    /// a directory ([`name_of`]); `-` for standard input.
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
    /// The arguments that were directories, as given.
    pub(crate) dirs: Vec<PathBuf>,
}

impl Inputs {
    /// Resolves the arguments; nothing means standard input.
    ///
    /// # Errors
    ///
    /// A missing or unreadable file or directory, `-` given twice, a bad
    /// pattern, or a pattern that matches no file.
    pub(crate) fn resolve(args: &[PathBuf], filter: &Filter) -> Result<Inputs> {
        let stdin = [PathBuf::from("-")];
        let args = if args.is_empty() { &stdin[..] } else { args };
        let mut sources = Vec::new();
        let mut many = args.len() > 1;
        let mut seen_stdin = false;
        let mut dirs = Vec::new();
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
            let meta = match fs::metadata(arg) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && is_pattern(arg) => {
                    // A quoted pattern: the files it matches, in path order.
                    many = true;
                    let found = expand(arg)?;
                    sources.extend(found);
                    continue;
                }
                other => other.map_err(|e| CliError::io("cannot read", arg, e))?,
            };
            if meta.is_dir() {
                many = true;
                dirs.push(arg.clone());
                walk(arg, Path::new(""), filter, &mut sources)?;
            } else {
                sources.push(Source {
                    location: Location::File(arg.clone()),
                    name: name_of(arg),
                    out_rel: arg.file_name().map(PathBuf::from),
                });
            }
        }
        Ok(Inputs {
            sources,
            many,
            dirs,
        })
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

/// `--include` and `--exclude`: which files of a directory walk are
/// taken, by their path inside the directory given (`*` matches across
/// `/` too, so `*.jsonl.gz` takes such files at any depth).
#[derive(Debug, Default)]
pub(crate) struct Filter {
    /// A file is taken only when it matches one of these (if any).
    include: Option<GlobSet>,
    /// A file is left out when it matches one of these.
    exclude: Option<GlobSet>,
}

impl Filter {
    /// The filter of the `--include` and `--exclude` patterns.
    ///
    /// # Errors
    ///
    /// A pattern that is not a glob.
    pub(crate) fn new(include: &[String], exclude: &[String]) -> Result<Filter> {
        let set = |patterns: &[String], option: &str| -> Result<Option<GlobSet>> {
            if patterns.is_empty() {
                return Ok(None);
            }
            let mut builder = GlobSetBuilder::new();
            for p in patterns {
                let glob =
                    Glob::new(p).map_err(|e| CliError::Usage(format!("{option} '{p}': {e}")))?;
                builder.add(glob);
            }
            let set = builder
                .build()
                .map_err(|e| CliError::Usage(format!("{option}: {e}")))?;
            Ok(Some(set))
        };
        Ok(Filter {
            include: set(include, "--include")?,
            exclude: set(exclude, "--exclude")?,
        })
    }

    /// Whether the file at `rel` inside a walked directory is taken.
    fn takes(&self, rel: &Path) -> bool {
        self.include.as_ref().is_none_or(|s| s.is_match(rel))
            && !self.exclude.as_ref().is_some_and(|s| s.is_match(rel))
    }
}

/// Whether an argument that names nothing is a pattern to expand.
fn is_pattern(arg: &Path) -> bool {
    arg.to_str()
        .is_some_and(|s| s.contains(['*', '?', '[', '{']))
}

/// The files a quoted pattern matches (as a shell would: `*` stays within
/// one path component, `**` crosses them), sorted by path; each keeps its
/// path relative to the pattern's fixed start for `--out-dir`.
fn expand(arg: &Path) -> Result<Vec<Source>> {
    let pattern = arg.to_str().unwrap_or_default();
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| CliError::Usage(format!("'{pattern}': {e}")))?
        .compile_matcher();
    // The directory before the first component with a special character.
    let mut base = PathBuf::new();
    for part in arg.components() {
        if is_pattern(Path::new(part.as_os_str())) {
            break;
        }
        base.push(part);
    }
    let root = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base.clone()
    };
    let mut all = Vec::new();
    if root.is_dir() {
        walk(&root, Path::new(""), &Filter::default(), &mut all)?;
    }
    let found: Vec<Source> = all
        .into_iter()
        .filter_map(|s| {
            let Location::File(path) = s.location else {
                return None;
            };
            // Named as a shell would: without the `./` of the walk.
            let path = if base.as_os_str().is_empty() {
                path.strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or(path)
            } else {
                path
            };
            glob.is_match(&path).then(|| Source {
                name: name_of(&path),
                location: Location::File(path),
                out_rel: s.out_rel,
            })
        })
        .collect();
    if found.is_empty() {
        return Err(CliError::Usage(format!("no file matches '{pattern}'")));
    }
    Ok(found)
}

/// Appends the files under `root.join(rel)` that `filter` takes, sorted by
/// name at each level.
fn walk(root: &Path, rel: &Path, filter: &Filter, out: &mut Vec<Source>) -> Result<()> {
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
        if crate::temp::is_temporary(&name) {
            // A killed run's leftover, never a document.
            continue;
        }
        let rel = rel.join(&name);
        let path = root.join(&rel);
        if kind.is_dir() {
            walk(root, &rel, filter, out)?;
            continue;
        }
        if !filter.takes(&rel) {
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
                name: name_of(&path),
                location: Location::File(path),
                out_rel: Some(rel),
            });
        }
    }
    Ok(())
}

/// The name of `path` in reports: the path as written, except that a
/// backslash is doubled and a byte that is not part of a UTF-8 character
/// is written `\xHH` (two lower-case hex digits). Two paths get two names,
/// and the path can be read back from its name.
pub(crate) fn name_of(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str());
    #[cfg(not(unix))]
    let lossy = path.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    let mut name = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        if valid.contains('\\') {
            name.push_str(&valid.replace('\\', "\\\\"));
        } else {
            name.push_str(valid);
        }
        for byte in chunk.invalid() {
            name.push_str(&format!("\\x{byte:02x}"));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::name_of;
    use std::path::Path;

    #[test]
    fn names_are_the_path_unless_a_byte_needs_escaping() {
        assert_eq!(name_of(Path::new("dir/a b.txt")), "dir/a b.txt");
        assert_eq!(name_of(Path::new("é/ü")), "é/ü");
        assert_eq!(name_of(Path::new("a\\b")), "a\\\\b");
    }

    #[cfg(unix)]
    #[test]
    fn names_of_paths_that_are_not_utf8_are_distinct_and_reversible() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let paths: [&[u8]; 5] = [b"a\xff", b"a\xfe", b"a\\xff", b"a\\\\xff", b"\xc3(\xc3\xa9"];
        let names: Vec<String> = paths
            .iter()
            .map(|p| name_of(Path::new(OsStr::from_bytes(p))))
            .collect();
        assert_eq!(names[0], "a\\xff");
        assert_eq!(names[4], "\\xc3(é");
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(a, b);
            }
            assert_eq!(unescape(a), paths[i], "{a}");
        }
    }

    /// Reads a path back from its name (the rule of [`name_of`]).
    fn unescape(name: &str) -> Vec<u8> {
        let (bytes, mut out, mut i) = (name.as_bytes(), Vec::new(), 0);
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1)) {
                (b'\\', Some(b'\\')) => (out.push(b'\\'), i += 2),
                (b'\\', Some(b'x')) => {
                    let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap();
                    (out.push(u8::from_str_radix(hex, 16).unwrap()), i += 4)
                }
                (b, _) => (out.push(b), i += 1),
            };
        }
        out
    }
}
