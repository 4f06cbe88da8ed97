//! Where results are written, so that a failed run leaves no partial file.
//!
//! - A single stream is standard output, or a temporary file next to
//!   `--output` that is renamed onto it when the run succeeds. When
//!   `--output` names something that is not a regular file (`/dev/null`, a
//!   named pipe, `/dev/stdout`), it is written in place: renaming onto it
//!   would replace it. A symbolic link is followed, so the file it points
//!   to is replaced and the link stays.
//! - New files get the usual permissions (`0o666` less the umask), not the
//!   private ones of a temporary file.
//! - `--out-dir` is staged: every output file is first written in full to
//!   a temporary file in its destination directory, and only when every
//!   input has been processed are they all renamed into place. A failure
//!   before that point deletes the temporary files and the directories
//!   this run created, so existing files under `--out-dir` are untouched.
//!   (The final renames are not atomic as a group; a failure there, which
//!   needs the file system to fail a rename in a directory we just wrote
//!   to, can leave some files renamed.)

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

use crate::error::{CliError, Result};

/// Buffer size for every writer.
const BUF: usize = 1 << 16;

/// One output stream that appears only on success.
#[derive(Debug)]
pub(crate) enum Stream {
    /// Standard output (what was written stays written).
    Stdout(BufWriter<io::Stdout>),
    /// A device or pipe named by `--output`, written in place.
    Special {
        /// The opened device or pipe.
        writer: BufWriter<File>,
        /// Its path, for messages.
        target: PathBuf,
    },
    /// A temporary file to be renamed onto `target`.
    File {
        /// The temporary file.
        writer: BufWriter<NamedTempFile>,
        /// The final path.
        target: PathBuf,
    },
}

impl Stream {
    /// Standard output, or a temporary file next to `path`.
    ///
    /// # Errors
    ///
    /// When the temporary file cannot be created.
    pub(crate) fn open(path: Option<&Path>) -> Result<Stream> {
        let Some(path) = path else {
            return Ok(Stream::Stdout(BufWriter::with_capacity(BUF, io::stdout())));
        };
        let cannot = |e| CliError::io("cannot write", path, e);
        let target = match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(CliError::Usage(format!(
                    "--output '{}' is a directory",
                    path.display()
                )))
            }
            Ok(meta) if !meta.is_file() => {
                let file = File::options().write(true).open(path).map_err(cannot)?;
                return Ok(Stream::Special {
                    writer: BufWriter::with_capacity(BUF, file),
                    target: path.to_path_buf(),
                });
            }
            Ok(_) => fs::canonicalize(path).map_err(cannot)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => path.to_path_buf(),
            Err(e) => return Err(cannot(e)),
        };
        Ok(Stream::File {
            writer: BufWriter::with_capacity(BUF, temp_next_to(&target)?),
            target,
        })
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
            Stream::Stdout(mut w) => w.flush().map_err(CliError::stdout),
            Stream::Special { mut writer, target } => writer
                .flush()
                .map_err(|e| CliError::io("cannot write", &target, e)),
            Stream::File { writer, target } => {
                let file = writer
                    .into_inner()
                    .map_err(|e| CliError::io("cannot write", &target, e.into_error()))?;
                file.persist(&target)
                    .map_err(|e| CliError::io("cannot create", &target, e.error))?;
                Ok(())
            }
        }
    }
}

/// A temporary file in the directory of `path`, hidden by its name.
fn temp_next_to(path: &Path) -> Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".textdedup-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder
        .tempfile_in(dir)
        .map_err(|e| CliError::io("cannot create", path, e))
}

/// The files of an `--out-dir` run, held back until the run succeeds.
#[derive(Debug)]
pub(crate) struct Staging {
    /// The output directory.
    root: PathBuf,
    /// Directories known to exist.
    known: HashSet<PathBuf>,
    /// Directories this run created, parents first.
    created: Vec<PathBuf>,
    /// Finished temporary files and their final paths.
    done: Vec<(TempPath, PathBuf)>,
    /// The file being written, if any.
    current: Option<(BufWriter<NamedTempFile>, PathBuf)>,
    /// Every final path handed out, to catch two inputs with one output.
    targets: HashSet<PathBuf>,
}

impl Staging {
    /// Stages files under `root`.
    pub(crate) fn new(root: PathBuf) -> Staging {
        Staging {
            root,
            known: HashSet::new(),
            created: Vec::new(),
            done: Vec::new(),
            current: None,
            targets: HashSet::new(),
        }
    }

    /// Checks that the relative paths are usable and distinct, before any
    /// work is done.
    ///
    /// # Errors
    ///
    /// A path that would leave the output directory, or two inputs that
    /// would write the same output file.
    pub(crate) fn plan<'p>(&mut self, rels: impl Iterator<Item = &'p Path>) -> Result<()> {
        for rel in rels {
            let ok = rel
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !ok || rel.as_os_str().is_empty() {
                return Err(CliError::Usage(format!(
                    "cannot place '{}' under --out-dir",
                    rel.display()
                )));
            }
            if !self.targets.insert(self.root.join(rel)) {
                return Err(CliError::Usage(format!(
                    "two inputs would both write '{}' under --out-dir",
                    rel.display()
                )));
            }
        }
        Ok(())
    }

    /// Starts the output file for `rel` (finishing the previous one).
    ///
    /// # Errors
    ///
    /// When a directory or the temporary file cannot be created.
    pub(crate) fn start(&mut self, rel: &Path) -> Result<()> {
        self.finish_current()?;
        let target = self.root.join(rel);
        let parent = target.parent().unwrap_or(&self.root).to_path_buf();
        self.ensure_dir(&parent)?;
        let file = temp_next_to(&target)?;
        self.current = Some((BufWriter::with_capacity(BUF, file), target));
        Ok(())
    }

    /// The current file's writer.
    ///
    /// # Panics
    ///
    /// When no file was started (a bug).
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        &mut self.current.as_mut().expect("a staged file is open").0
    }

    /// Turns an error from [`Staging::writer`] into a [`CliError`].
    pub(crate) fn error(&self, e: io::Error) -> CliError {
        let target = self.current.as_ref().map_or(&self.root, |c| &c.1);
        CliError::io("cannot write", target, e)
    }

    /// Renames every staged file into place.
    ///
    /// # Errors
    ///
    /// When a file cannot be written or renamed.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.finish_current()?;
        for (temp, target) in std::mem::take(&mut self.done) {
            temp.persist(&target)
                .map_err(|e| CliError::io("cannot create", &target, e.error))?;
        }
        // Everything is in place: nothing to undo.
        self.created.clear();
        Ok(())
    }

    /// Closes the current file and queues it for the final rename.
    fn finish_current(&mut self) -> Result<()> {
        if let Some((writer, target)) = self.current.take() {
            let file = writer
                .into_inner()
                .map_err(|e| CliError::io("cannot write", &target, e.into_error()))?;
            self.done.push((file.into_temp_path(), target));
        }
        Ok(())
    }

    /// Creates `dir` and its missing parents, remembering what was created.
    fn ensure_dir(&mut self, dir: &Path) -> Result<()> {
        if self.known.contains(dir) {
            return Ok(());
        }
        let mut missing = Vec::new();
        let mut at = Some(dir);
        while let Some(d) = at {
            if d.as_os_str().is_empty() || self.known.contains(d) || d.is_dir() {
                break;
            }
            missing.push(d.to_path_buf());
            at = d.parent();
        }
        for d in missing.into_iter().rev() {
            match fs::create_dir(&d) {
                Ok(()) => self.created.push(d.clone()),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(CliError::io("cannot create directory", &d, e)),
            }
            self.known.insert(d);
        }
        self.known.insert(dir.to_path_buf());
        Ok(())
    }
}

impl Drop for Staging {
    /// On failure: temporary files go first (their drop deletes them), then
    /// the directories this run created, deepest first.
    fn drop(&mut self) {
        self.current = None;
        self.done.clear();
        for d in self.created.drain(..).rev() {
            let _ = fs::remove_dir(d);
        }
    }
}
