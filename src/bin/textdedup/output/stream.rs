//! One output stream (`--output` or standard output) that appears only
//! when the run succeeds.
//!
//! - Standard output is written as the run goes (it cannot be taken back).
//! - `--output` naming something that is not a regular file (`/dev/null`,
//!   a named pipe, `/dev/stdout`) is written in place: renaming onto it
//!   would replace it.
//! - Otherwise the stream is a temporary file next to the target, renamed
//!   onto it at the end by [`replace::commit`] (links followed, owner and
//!   permissions kept).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};
use crate::format::{Compression, Encoder};
use crate::output::replace::{self, Staged};
use crate::output::BUF;
use crate::temp::TempFile;

/// One output stream that appears only on success.
#[derive(Debug)]
pub(crate) enum Stream {
    /// Standard output (what was written stays written).
    Stdout(BufWriter<Encoder<io::Stdout>>),
    /// A device or pipe named by `--output`, written in place.
    Special {
        /// The opened device or pipe.
        writer: BufWriter<Encoder<File>>,
        /// Its path, for messages.
        target: PathBuf,
    },
    /// A temporary file to be renamed onto `target`.
    File {
        /// The temporary file.
        writer: BufWriter<Encoder<TempFile>>,
        /// The final path (a symbolic link's target).
        target: PathBuf,
    },
}

impl Stream {
    /// Standard output, or a temporary file next to `path`, compressed as
    /// `compression` says (by default: as `path`'s extension says; never
    /// for standard output).
    ///
    /// # Errors
    ///
    /// When `path` is a directory or a dangling link, or the temporary
    /// file cannot be created.
    pub(crate) fn open(path: Option<&Path>, compression: Option<Compression>) -> Result<Stream> {
        let Some(path) = path else {
            let out = Encoder::new(io::stdout(), compression.unwrap_or_default())
                .map_err(CliError::stdout)?;
            return Ok(Stream::Stdout(BufWriter::with_capacity(BUF, out)));
        };
        let cannot = |e| CliError::io("cannot write", path, e);
        let compression = compression
            .or_else(|| Compression::of_name(path))
            .unwrap_or_default();
        let target = match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(CliError::Usage(format!(
                    "--output '{}' is a directory",
                    path.display()
                )))
            }
            Ok(meta) if !meta.is_file() => {
                let file = File::options()
                    .write(true)
                    .open(path)
                    .and_then(|f| Encoder::new(f, compression))
                    .map_err(cannot)?;
                return Ok(Stream::Special {
                    writer: BufWriter::with_capacity(BUF, file),
                    target: path.to_path_buf(),
                });
            }
            Ok(_) => fs::canonicalize(path).map_err(cannot)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::symlink_metadata(path).is_ok() {
                    return Err(CliError::Usage(format!(
                        "--output '{}' is a dangling symbolic link",
                        path.display()
                    )));
                }
                path.to_path_buf()
            }
            Err(e) => return Err(cannot(e)),
        };
        let file = TempFile::new_in(parent_of(&target))
            .and_then(|f| Encoder::new(f, compression))
            .map_err(cannot)?;
        Ok(Stream::File {
            writer: BufWriter::with_capacity(BUF, file),
            target,
        })
    }

    /// The final path of a file output (not standard output or a device).
    pub(crate) fn target(&self) -> Option<&Path> {
        match self {
            Stream::File { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The writer to use.
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        match self {
            Stream::Stdout(w) => w,
            Stream::Special { writer, .. } => writer,
            Stream::File { writer, .. } => writer,
        }
    }

    /// Turns an error from [`Stream::writer`] into a [`CliError`].
    pub(crate) fn error(&self, e: io::Error) -> CliError {
        match self {
            Stream::Stdout(_) => CliError::stdout(e),
            Stream::File { target, .. } | Stream::Special { target, .. } => {
                CliError::io("cannot write", target, e)
            }
        }
    }

    /// Flushes, and renames the temporary file into place.
    ///
    /// # Errors
    ///
    /// When the last bytes cannot be written or the rename fails.
    pub(crate) fn commit(self) -> Result<()> {
        match self {
            Stream::Stdout(w) => {
                let encoder = w
                    .into_inner()
                    .map_err(|e| CliError::stdout(e.into_error()))?;
                encoder
                    .finish()
                    .and_then(|mut out| out.flush())
                    .map_err(CliError::stdout)
            }
            Stream::Special { writer, target } => {
                let cannot = |e| CliError::io("cannot write", &target, e);
                let encoder = writer.into_inner().map_err(|e| cannot(e.into_error()))?;
                encoder.finish().and_then(|mut f| f.flush()).map_err(cannot)
            }
            Stream::File { writer, target } => {
                let cannot = |e| CliError::io("cannot write", &target, e);
                let encoder = writer.into_inner().map_err(|e| cannot(e.into_error()))?;
                let file = encoder.finish().map_err(cannot)?;
                replace::commit(vec![Staged { file, target }])
            }
        }
    }
}

/// The directory holding `path` (`.` for a bare file name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
