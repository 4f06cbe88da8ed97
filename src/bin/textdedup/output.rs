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
//! - `--out-dir` is staged, so a failed run leaves it as it was:
//!   - when the directory does not exist yet (the usual case), the whole
//!     tree is written into a temporary directory next to it, renamed to
//!     `--out-dir` at the end: one rename, atomic;
//!   - when it exists, each output file is first written in full to a
//!     temporary file beside its destination, and only when every input
//!     has been processed are they all renamed into place. (Those final
//!     renames are not atomic as a group: a rename failing there, in a
//!     directory just written to, can leave some files renamed.)
//!
//!   A failure before the end deletes the temporary files and directories
//!   and the directories this run created.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempDir, TempPath};

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
    /// When the output directory did not exist: the temporary directory,
    /// next to it, that everything is written into and that is renamed to
    /// `root` at the end (one rename for the whole tree). Dropping it
    /// removes it and everything in it.
    fresh: Option<TempDir>,
    /// Directories known to exist.
    known: HashSet<PathBuf>,
    /// Directories this run created outside `fresh`, parents first.
    created: Vec<PathBuf>,
    /// Finished temporary files and their final paths (existing `root`).
    done: Vec<(TempPath, PathBuf)>,
    /// The file being written, if any.
    current: Option<Current>,
    /// Every relative path handed out, to catch two inputs with one output.
    targets: HashSet<PathBuf>,
}

/// The file being written under `--out-dir`.
#[derive(Debug)]
enum Current {
    /// Inside the fresh temporary directory: written directly.
    Direct(BufWriter<File>, PathBuf),
    /// In an existing directory: a temporary file, renamed at the end.
    Temp(BufWriter<NamedTempFile>, PathBuf),
}

impl Staging {
    /// Stages files for `root`: in a temporary directory next to it when it
    /// does not exist yet (creating its missing parents), otherwise file by
    /// file.
    ///
    /// # Errors
    ///
    /// When `root` is not a directory, or the temporary directory or the
    /// parents cannot be created.
    pub(crate) fn new(root: PathBuf) -> Result<Staging> {
        let root = std::path::absolute(&root).map_err(|e| CliError::io("cannot use", &root, e))?;
        let mut staging = Staging {
            root,
            fresh: None,
            known: HashSet::new(),
            created: Vec::new(),
            done: Vec::new(),
            current: None,
            targets: HashSet::new(),
        };
        match fs::metadata(&staging.root) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(CliError::Usage(format!(
                    "--out-dir '{}' is not a directory",
                    staging.root.display()
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let root = staging.root.clone();
                let parent = root.parent().unwrap_or(Path::new("/"));
                staging.ensure_dir(parent)?;
                let mut builder = tempfile::Builder::new();
                builder.prefix(".textdedup-");
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    builder.permissions(fs::Permissions::from_mode(0o777));
                }
                let temp = builder
                    .tempdir_in(parent)
                    .map_err(|e| CliError::io("cannot create", &root, e))?;
                staging.fresh = Some(temp);
            }
            Err(e) => return Err(CliError::io("cannot use", &staging.root, e)),
        }
        Ok(staging)
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
            if !self.targets.insert(rel.to_path_buf()) {
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
    /// When a directory or the file cannot be created.
    pub(crate) fn start(&mut self, rel: &Path) -> Result<()> {
        self.finish_current()?;
        let base = match &self.fresh {
            Some(temp) => temp.path().to_path_buf(),
            None => self.root.clone(),
        };
        let path = base.join(rel);
        let parent = path.parent().unwrap_or(&base).to_path_buf();
        self.ensure_dir(&parent)?;
        self.current = Some(if self.fresh.is_some() {
            let file = File::create(&path)
                .map_err(|e| CliError::io("cannot create", &self.root.join(rel), e))?;
            Current::Direct(BufWriter::with_capacity(BUF, file), self.root.join(rel))
        } else {
            let file = temp_next_to(&path)?;
            Current::Temp(BufWriter::with_capacity(BUF, file), path)
        });
        Ok(())
    }

    /// The current file's writer.
    ///
    /// # Panics
    ///
    /// When no file was started (a bug).
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        match self.current.as_mut().expect("a staged file is open") {
            Current::Direct(w, _) => w,
            Current::Temp(w, _) => w,
        }
    }

    /// Turns an error from [`Staging::writer`] into a [`CliError`].
    pub(crate) fn error(&self, e: io::Error) -> CliError {
        let target = match &self.current {
            Some(Current::Direct(_, p) | Current::Temp(_, p)) => p,
            None => &self.root,
        };
        CliError::io("cannot write", target, e)
    }

    /// Puts every staged file in place.
    ///
    /// # Errors
    ///
    /// When a file cannot be written or renamed.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.finish_current()?;
        if let Some(temp) = self.fresh.take() {
            let path = temp.keep();
            if let Err(e) = fs::rename(&path, &self.root) {
                let _ = fs::remove_dir_all(&path);
                return Err(CliError::io("cannot create", &self.root, e));
            }
        }
        for (temp, target) in std::mem::take(&mut self.done) {
            temp.persist(&target)
                .map_err(|e| CliError::io("cannot create", &target, e.error))?;
        }
        // Everything is in place: nothing to undo.
        self.created.clear();
        Ok(())
    }

    /// Closes the current file (queueing a temporary file for its rename).
    fn finish_current(&mut self) -> Result<()> {
        match self.current.take() {
            None => {}
            Some(Current::Direct(mut w, target)) => {
                w.flush()
                    .map_err(|e| CliError::io("cannot write", &target, e))?;
            }
            Some(Current::Temp(w, target)) => {
                let file = w
                    .into_inner()
                    .map_err(|e| CliError::io("cannot write", &target, e.into_error()))?;
                self.done.push((file.into_temp_path(), target));
            }
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
        let in_fresh = self
            .fresh
            .as_ref()
            .is_some_and(|t| dir.starts_with(t.path()));
        for d in missing.into_iter().rev() {
            match fs::create_dir(&d) {
                Ok(()) if !in_fresh => self.created.push(d.clone()),
                Ok(()) => {}
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
    /// On failure: files go first (dropping a temporary file or directory
    /// deletes it), then the directories this run created, deepest first.
    fn drop(&mut self) {
        self.current = None;
        self.done.clear();
        self.fresh = None;
        for d in self.created.drain(..).rev() {
            let _ = fs::remove_dir(d);
        }
    }
}
