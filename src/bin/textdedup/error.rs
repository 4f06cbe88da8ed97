//! The one error type of the tool. Every error exits with status 2.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why a run stopped.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A bad combination of options or inputs, found before any work.
    Usage(String),
    /// A file or directory could not be read or written.
    Io {
        /// What was being done ("cannot read", "cannot create", ...).
        action: &'static str,
        /// The path as the user would recognise it.
        path: PathBuf,
        /// The operating system's answer.
        source: io::Error,
    },
    /// A JSON Lines record that cannot be used.
    Record {
        /// The file, as given (`-` for standard input).
        path: PathBuf,
        /// The line number, from 1.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// Standard output was closed by its reader (`textdedup find | head`).
    BrokenPipe,
    /// The run would outgrow `--max-memory`.
    Memory {
        /// What the run would hold with the next batch, in bytes.
        need: u64,
        /// What the corpus state and the names held, in bytes.
        held: u64,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A file or JSON Lines record longer than `--max-record-size`.
    TooLarge {
        /// The file, as given (`-` for standard input).
        path: PathBuf,
        /// The line number, from 1, for a JSON Lines record.
        line: Option<u64>,
        /// The limit, in bytes.
        limit: u64,
        /// `--max-memory`, when it set the limit (no `--max-record-size`).
        from_memory: Option<u64>,
    },
}

/// The result type of the tool's functions.
pub(crate) type Result<T> = std::result::Result<T, CliError>;

impl CliError {
    /// An I/O error about `path`; a closed pipe becomes [`CliError::BrokenPipe`].
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> CliError {
        CliError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// An error writing to standard output.
    pub(crate) fn stdout(source: io::Error) -> CliError {
        if source.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::io("cannot write to", Path::new("standard output"), source)
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(msg) => f.write_str(msg),
            CliError::Io {
                action,
                path,
                source,
            } => write!(f, "{action} '{}': {source}", path.display()),
            CliError::Record { path, line, reason } => {
                write!(f, "{}, line {line}: {reason}", path.display())
            }
            CliError::BrokenPipe => f.write_str("broken pipe"),
            CliError::Memory { need, held, limit } => write!(
                f,
                "the run would hold about {need} bytes with its next batch ({held} of \
                 them corpus state), more than --max-memory {limit}: split the corpus \
                 into parts, use --scope document, or raise the limit"
            ),
            CliError::TooLarge {
                path,
                line,
                limit,
                from_memory,
            } => {
                write!(f, "{}", path.display())?;
                match line {
                    Some(line) => write!(f, ", line {line}: the record is")?,
                    None => f.write_str(": the file is")?,
                }
                match from_memory {
                    Some(memory) => write!(
                        f,
                        " longer than {limit} bytes, the most that --max-memory {memory} \
                         allows one record; raise --max-memory, or set --max-record-size"
                    ),
                    None => write!(f, " longer than --max-record-size {limit} bytes"),
                }
            }
        }
    }
}
