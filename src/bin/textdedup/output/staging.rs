//! The files of an `--out-dir` or `--in-place` run, held back until the
//! run succeeds and then put in place together.
//!
//! - `--out-dir` that does not exist yet (the usual case): the whole tree
//!   is written into a temporary directory next to it, renamed to
//!   `--out-dir` at the end: one rename, atomic.
//! - `--out-dir` that exists, and `--in-place`: each output file is
//!   written in full to a temporary file beside its destination; when
//!   every input has been processed, [`replace::commit`] renames them all
//!   into place, or none (it rolls back a failed rename).
//!
//! A failure before the end removes the temporary files and directories,
//! and the directories this run created while they are empty.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::{CliError, Result};
use crate::format::{Compression, Encoder};
use crate::output::replace::{self, Staged};
use crate::output::stream::parent_of;
use crate::output::BUF;
use crate::temp::{self, TempFile, Tracked};

/// Where the files of a run go.
#[derive(Debug)]
enum Layout {
    /// An `--out-dir` that did not exist: everything is written into
    /// `tree`, renamed to `root` at the end.
    Fresh {
        /// The output directory.
        root: PathBuf,
        /// The temporary directory next to it (private until renamed).
        tree: Tracked,
        /// The permissions a new directory gets here, for `root`.
        usual: fs::Permissions,
    },
    /// An `--out-dir` that exists: a temporary file beside each target.
    Existing {
        /// The output directory.
        root: PathBuf,
    },
    /// `--in-place`: each input file is replaced.
    InPlace,
}

/// The files of a run, held back until it succeeds.
#[derive(Debug)]
pub(crate) struct Staging {
    /// Where they go.
    layout: Layout,
    /// Directories known to exist.
    known: HashSet<PathBuf>,
    /// Directories this run created outside a fresh tree, parents first.
    created: Vec<Tracked>,
    /// Finished temporary files and their final paths.
    done: Vec<Staged>,
    /// The file being written, if any.
    current: Option<Current>,
    /// Every destination handed out, to catch two inputs with one output.
    targets: HashSet<PathBuf>,
}

/// The file being written.
#[derive(Debug)]
enum Current {
    /// Inside a fresh temporary tree: written directly.
    Direct(BufWriter<Encoder<File>>, PathBuf),
    /// A temporary file, renamed at the end.
    Temp(BufWriter<Encoder<TempFile>>, PathBuf),
}

impl Staging {
    /// Stages files for the output directory `root`: in a temporary
    /// directory next to it when it does not exist yet (creating its
    /// missing parents), otherwise file by file.
    ///
    /// # Errors
    ///
    /// When `root` is not a directory, or the temporary directory or the
    /// parents cannot be created.
    pub(crate) fn out_dir(root: &Path) -> Result<Staging> {
        let root = std::path::absolute(root).map_err(|e| CliError::io("cannot use", root, e))?;
        let mut staging = Staging::new(Layout::InPlace);
        staging.layout = match fs::metadata(&root) {
            Ok(meta) if meta.is_dir() => Layout::Existing { root },
            Ok(_) => {
                return Err(CliError::Usage(format!(
                    "--out-dir '{}' is not a directory",
                    root.display()
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let parent = root.parent().unwrap_or(Path::new("/"));
                staging.ensure_dir(parent)?;
                let (tree, usual) = Tracked::temp_dir(parent)
                    .map_err(|e| CliError::io("cannot create", &root, e))?;
                Layout::Fresh { root, tree, usual }
            }
            Err(e) => return Err(CliError::io("cannot use", &root, e)),
        };
        Ok(staging)
    }

    /// Stages replacements of input files (`--in-place`).
    pub(crate) fn in_place() -> Staging {
        Staging::new(Layout::InPlace)
    }

    fn new(layout: Layout) -> Staging {
        Staging {
            layout,
            known: HashSet::new(),
            created: Vec::new(),
            done: Vec::new(),
            current: None,
            targets: HashSet::new(),
        }
    }

    /// The output directory, if this is an `--out-dir` run.
    pub(crate) fn root(&self) -> Option<&Path> {
        match &self.layout {
            Layout::Fresh { root, .. } | Layout::Existing { root } => Some(root),
            Layout::InPlace => None,
        }
    }

    /// The final path of the destination `dest`: a path relative to the
    /// output directory, or an input file's path with `--in-place`.
    pub(crate) fn final_path(&self, dest: &Path) -> PathBuf {
        match self.root() {
            Some(root) => root.join(dest),
            None => dest.to_path_buf(),
        }
    }

    /// The directories where temporary files of this run go, and so where
    /// a killed run's may be: beside a new output directory, or beside
    /// each target.
    pub(crate) fn temp_dirs(&self) -> Vec<PathBuf> {
        match &self.layout {
            Layout::Fresh { root, .. } => vec![parent_of(root).to_path_buf()],
            Layout::Existing { .. } | Layout::InPlace => {
                let mut dirs: Vec<PathBuf> = self
                    .targets
                    .iter()
                    .map(|d| parent_of(&resolved(&self.final_path(d))).to_path_buf())
                    .collect();
                dirs.sort_unstable();
                dirs.dedup();
                dirs
            }
        }
    }

    /// Checks, before any work is done, that the destinations are usable
    /// and distinct, and that nothing is in the way of the files that
    /// will be replaced.
    ///
    /// # Errors
    ///
    /// A path that would leave the output directory, two inputs that would
    /// write the same output file, or a directory where a file must go.
    pub(crate) fn plan<'p>(&mut self, dests: impl Iterator<Item = &'p Path>) -> Result<()> {
        let in_place = matches!(self.layout, Layout::InPlace);
        let mut real_targets = HashSet::new();
        for dest in dests {
            let ok = in_place || is_plain(dest);
            if !ok || dest.as_os_str().is_empty() {
                return Err(CliError::Usage(format!(
                    "cannot place '{}' under --out-dir",
                    dest.display()
                )));
            }
            if !self.targets.insert(dest.to_path_buf()) {
                return Err(CliError::Usage(format!(
                    "two inputs would both write '{}'{}",
                    dest.display(),
                    if in_place { "" } else { " under --out-dir" }
                )));
            }
            if let Layout::Existing { root } = &self.layout {
                let target = root.join(dest);
                if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                    return Err(CliError::Usage(format!(
                        "cannot write '{}': it is a directory; nothing was written",
                        target.display()
                    )));
                }
                if !real_targets.insert(resolved(&target)) {
                    return Err(CliError::Usage(format!(
                        "two outputs would both write '{}' (through a symbolic link)",
                        resolved(&target).display()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Starts the output file for `dest`, compressed as `compression` says
    /// (finishing the previous one).
    ///
    /// # Errors
    ///
    /// When a directory or the file cannot be created.
    pub(crate) fn start(&mut self, dest: &Path, compression: Compression) -> Result<()> {
        self.finish_current()?;
        let target = self.final_path(dest);
        self.current = Some(match &self.layout {
            Layout::Fresh { tree, .. } => {
                let path = tree.path().join(dest);
                let parent = parent_of(&path).to_path_buf();
                self.ensure_dir(&parent)?;
                let file = temp::under_lock(|| File::create(&path))
                    .and_then(|f| Encoder::new(f, compression))
                    .map_err(|e| CliError::io("cannot create", &target, e))?;
                Current::Direct(BufWriter::with_capacity(BUF, file), target)
            }
            Layout::Existing { .. } | Layout::InPlace => {
                // Beside the file a link names, so the rename stays on
                // its file system.
                let target = resolved(&target);
                let parent = parent_of(&target).to_path_buf();
                self.ensure_dir(&parent)?;
                let file = TempFile::new_in(&parent)
                    .and_then(|f| Encoder::new(f, compression))
                    .map_err(|e| CliError::io("cannot create", &target, e))?;
                Current::Temp(BufWriter::with_capacity(BUF, file), target)
            }
        });
        Ok(())
    }

    /// Drops the file being written: with `--in-place` its input stays as
    /// it is; under an output directory nothing is written for it unless a
    /// new file is started.
    pub(crate) fn abandon_current(&mut self) {
        // Inside the fresh tree the file is not temporary: remove it, or
        // it would stay there empty.
        if let (Some(Current::Direct(_, target)), Layout::Fresh { tree, root, .. }) =
            (self.current.take(), &self.layout)
        {
            if let Ok(rel) = target.strip_prefix(root) {
                let _ = fs::remove_file(tree.path().join(rel));
            }
        }
    }

    /// Takes the current file's writer, for a writer that needs to own one
    /// (Parquet); give it back with [`Staging::put_writer`] before the
    /// next file starts.
    ///
    /// # Panics
    ///
    /// When no file was started (a bug).
    pub(crate) fn take_writer(&mut self) -> StagedWriter {
        match self.current.take().expect("a staged file is open") {
            Current::Direct(w, target) => StagedWriter(Current::Direct(w, target)),
            Current::Temp(w, target) => StagedWriter(Current::Temp(w, target)),
        }
    }

    /// Gives back a writer from [`Staging::take_writer`].
    pub(crate) fn put_writer(&mut self, writer: StagedWriter) {
        self.current = Some(writer.0);
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
        let target = match (&self.current, self.root()) {
            (Some(Current::Direct(_, p) | Current::Temp(_, p)), _) => p,
            (None, Some(root)) => root,
            (None, None) => Path::new("."),
        };
        CliError::io("cannot write", target, e)
    }

    /// Puts every staged file in place.
    ///
    /// # Errors
    ///
    /// When a file cannot be written or put in place; nothing is changed
    /// then.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.finish_current()?;
        match std::mem::replace(&mut self.layout, Layout::InPlace) {
            Layout::Fresh { root, tree, usual } => {
                let _commit = temp::commit_lock();
                fs::rename(tree.path(), &root)
                    .map_err(|e| CliError::io("cannot create", &root, e))?;
                tree.forget();
                let _ = fs::set_permissions(&root, usual);
            }
            Layout::Existing { .. } | Layout::InPlace => {
                replace::commit(std::mem::take(&mut self.done))?;
            }
        }
        // Everything is in place: the directories stay.
        for dir in self.created.drain(..) {
            dir.forget();
        }
        Ok(())
    }

    /// Ends the file being written, so that only renames are left.
    ///
    /// # Errors
    ///
    /// When its last bytes cannot be written.
    pub(crate) fn finish_writing(&mut self) -> Result<()> {
        self.finish_current()
    }

    /// Closes the current file (queueing a temporary file for its rename).
    fn finish_current(&mut self) -> Result<()> {
        match self.current.take() {
            None => {}
            Some(Current::Direct(w, target)) => {
                let cannot = |e| CliError::io("cannot write", &target, e);
                let encoder = w.into_inner().map_err(|e| cannot(e.into_error()))?;
                encoder.finish().map_err(cannot)?;
            }
            Some(Current::Temp(w, target)) => {
                let cannot = |e| CliError::io("cannot write", &target, e);
                let encoder = w.into_inner().map_err(|e| cannot(e.into_error()))?;
                let file = encoder.finish().map_err(cannot)?;
                self.done.push(Staged { file, target });
            }
        }
        Ok(())
    }

    /// Creates `dir` and its missing parents, remembering what was created
    /// outside a fresh tree.
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
        let in_tree = match &self.layout {
            Layout::Fresh { tree, .. } => dir.starts_with(tree.path()),
            _ => false,
        };
        for d in missing.into_iter().rev() {
            let made = if in_tree {
                temp::under_lock(|| fs::create_dir(&d)).map(|()| None)
            } else {
                Tracked::created_dir(&d).map(Some)
            };
            match made {
                Ok(Some(tracked)) => self.created.push(tracked),
                Ok(None) => {}
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
    /// On failure: files go first, then the fresh tree, then the
    /// directories this run created, deepest first (dropping a tracked
    /// path removes it).
    fn drop(&mut self) {
        self.current = None;
        self.done.clear();
        self.layout = Layout::InPlace;
        while self.created.pop().is_some() {}
    }
}

/// Whether `path` has only plain components (no `..`, no root).
fn is_plain(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// `path`, or the file it names when it is a symbolic link to a file.
fn resolved(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && fs::metadata(path).is_ok_and(|m| m.is_file()) {
        fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// The writer of a staged file, owned for a while (see
/// [`Staging::take_writer`]).
#[derive(Debug)]
pub(crate) struct StagedWriter(Current);

impl Write for StagedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.0 {
            Current::Direct(w, _) => w.write(buf),
            Current::Temp(w, _) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.0 {
            Current::Direct(w, _) => w.write_all(buf),
            Current::Temp(w, _) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.0 {
            Current::Direct(w, _) => w.flush(),
            Current::Temp(w, _) => w.flush(),
        }
    }
}
