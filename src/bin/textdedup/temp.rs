//! Temporary files and directories, named so that a later run can tell a
//! dead run's leftovers, and tracked so that a failure or a signal removes
//! them.
//!
//! - Every temporary path is `.textdedup-<pid>-<n>` plus a suffix (`.tmp`
//!   for a file being written, `.old` for the earlier content of a file
//!   being replaced, nothing for a directory).
//! - A path is registered *before* it is created, under the registry's
//!   lock, so a signal handler that takes the lock sees every temporary
//!   path that exists.
//! - [`remove_all_and_exit`] (the signal handler's last act) waits for a
//!   commit in progress ([`commit_lock`]) to end, removes what is
//!   registered, and exits: the outputs are then either complete or as
//!   they were.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The start of every temporary name.
pub(crate) const PREFIX: &str = ".textdedup-";

/// What a registered path is, so it is removed the right way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A file.
    File,
    /// A directory and everything in it.
    Tree,
    /// A directory this run created for outputs: removed only when empty.
    EmptyDir,
}

/// The registered paths, in creation order.
static REGISTRY: Mutex<Vec<(u64, PathBuf, Kind)>> = Mutex::new(Vec::new());

/// Held while outputs are being renamed into place.
static COMMIT: Mutex<()> = Mutex::new(());

/// Numbers the registrations (and the temporary names).
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Locks a mutex, whatever a panicking thread left in it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Held by a commit: a signal waits for it, so a commit is never cut in
/// the middle.
pub(crate) fn commit_lock() -> MutexGuard<'static, ()> {
    lock(&COMMIT)
}

/// Waits for a commit in progress, removes every registered path (newest
/// first, so files go before the directories holding them) and exits
/// with `code`. Never returns: the registry stays locked until the exit.
pub(crate) fn remove_all_and_exit(code: i32) -> ! {
    let _commit = commit_lock();
    let registry = lock(&REGISTRY);
    for (_, path, kind) in registry.iter().rev() {
        remove(path, *kind);
    }
    std::process::exit(code)
}

/// Removes `path` as what it is, ignoring errors (it may be gone already).
fn remove(path: &Path, kind: Kind) {
    let _ = match kind {
        Kind::File => fs::remove_file(path),
        Kind::Tree => fs::remove_dir_all(path),
        Kind::EmptyDir => fs::remove_dir(path),
    };
}

/// A registered path: removed when dropped, unless [`Tracked::forget`] is
/// called once it has been renamed or is meant to stay.
#[derive(Debug)]
pub(crate) struct Tracked {
    /// The registration's number.
    id: u64,
    /// The path.
    path: PathBuf,
    /// How to remove it.
    kind: Kind,
}

impl Tracked {
    /// Registers a fresh temporary name in `dir` and runs `create` on it
    /// under the registry's lock; tries the next number when the name is
    /// taken (a dead run with the same process id).
    fn create<T>(
        dir: &Path,
        suffix: &str,
        kind: Kind,
        mut create: impl FnMut(&Path) -> io::Result<T>,
    ) -> io::Result<(Tracked, T)> {
        loop {
            let id = NEXT.fetch_add(1, Ordering::Relaxed);
            let name = format!("{PREFIX}{}-{id}{suffix}", std::process::id());
            let path = dir.join(name);
            let mut registry = lock(&REGISTRY);
            match create(&path) {
                Ok(value) => {
                    registry.push((id, path.clone(), kind));
                    return Ok((Tracked { id, path, kind }, value));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Creates the directory `dir` (its parent exists) and registers it,
    /// to be removed if the run fails while it is still empty.
    pub(crate) fn created_dir(dir: &Path) -> io::Result<Tracked> {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let mut registry = lock(&REGISTRY);
        fs::create_dir(dir)?;
        registry.push((id, dir.to_path_buf(), Kind::EmptyDir));
        Ok(Tracked {
            id,
            path: dir.to_path_buf(),
            kind: Kind::EmptyDir,
        })
    }

    /// A fresh temporary directory in `dir`, with the usual permissions
    /// (`0o777` less the umask).
    pub(crate) fn temp_dir(dir: &Path) -> io::Result<Tracked> {
        let create = |p: &Path| {
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o777);
            builder.create(p)
        };
        Ok(Tracked::create(dir, "", Kind::Tree, create)?.0)
    }

    /// A name for the earlier content of a file being replaced, in `dir`,
    /// made by `create` (a hard link or a rename).
    pub(crate) fn backup(
        dir: &Path,
        create: impl FnMut(&Path) -> io::Result<()>,
    ) -> io::Result<Tracked> {
        Ok(Tracked::create(dir, ".old", Kind::File, create)?.0)
    }

    /// The path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Stops tracking the path and leaves it where it is.
    pub(crate) fn forget(self) {
        let id = self.id;
        std::mem::forget(self);
        lock(&REGISTRY).retain(|(i, ..)| *i != id);
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let mut registry = lock(&REGISTRY);
        remove(&self.path, self.kind);
        registry.retain(|(i, ..)| *i != self.id);
    }
}

/// A temporary file being written: removed when dropped, unless renamed
/// with [`TempFile::rename_onto`].
#[derive(Debug)]
pub(crate) struct TempFile {
    /// The open file.
    file: File,
    /// Its registration.
    tracked: Tracked,
}

impl TempFile {
    /// A new empty file in `dir` with the usual permissions (`0o666` less
    /// the umask), not the private ones of most temporary files.
    pub(crate) fn new_in(dir: &Path) -> io::Result<TempFile> {
        let create = |p: &Path| {
            let mut options = File::options();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
            options.open(p)
        };
        let (tracked, file) = Tracked::create(dir, ".tmp", Kind::File, create)?;
        Ok(TempFile { file, tracked })
    }

    /// Its path.
    pub(crate) fn path(&self) -> &Path {
        self.tracked.path()
    }

    /// Renames it onto `target`; on failure it stays, still tracked.
    pub(crate) fn rename_onto(
        self,
        target: &Path,
    ) -> std::result::Result<(), (TempFile, io::Error)> {
        match fs::rename(self.path(), target) {
            Ok(()) => {
                self.tracked.forget();
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Who left a temporary name behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A run that is still going: not to be touched.
    Alive,
    /// A run that ended without removing it (killed, or the machine
    /// stopped).
    Dead,
    /// Cannot tell (no process id in the name, or no `/proc`).
    Unknown,
}

/// Who owns the temporary name `name` (a file name starting with
/// [`PREFIX`]).
pub(crate) fn owner(name: &str) -> Owner {
    let Some(pid) = name
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('-'))
        .and_then(|(pid, _)| pid.parse::<u32>().ok())
    else {
        return Owner::Unknown;
    };
    if pid == std::process::id() {
        return Owner::Alive;
    }
    let Ok(me) = fs::read_to_string("/proc/self/comm") else {
        return Owner::Unknown;
    };
    match fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) if comm == me => Owner::Alive,
        // No such process, or another program took the number over.
        _ => Owner::Dead,
    }
}

/// Looks in `dir` (not below it) for temporary names of dead runs: removes
/// their `.tmp` files and directories, and tells of the rest (`.old` files
/// hold the earlier content of a file a killed run was replacing; names
/// without a process id come from an older version). Errors reading `dir`
/// are ignored: it is only a courtesy.
pub(crate) fn sweep(dir: &Path, tell: &mut dyn FnMut(String)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(PREFIX) {
            continue;
        }
        let path = entry.path();
        let removable = !name.ends_with(".old");
        match owner(name) {
            Owner::Alive => {}
            Owner::Dead if removable => {
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                let removed = if is_dir {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
                if removed.is_ok() {
                    tell(format!(
                        "removed '{}', left by an earlier run that was killed",
                        path.display()
                    ));
                }
            }
            Owner::Dead => tell(format!(
                "'{}' holds the earlier content of a file that a killed run was \
                 replacing; remove it once you have checked that file",
                path.display()
            )),
            Owner::Unknown => tell(format!(
                "'{}' looks like a temporary file of an interrupted run; remove it \
                 if no other run is writing here",
                path.display()
            )),
        }
    }
}

/// [`sweep`] in `dir` and every directory below it (symbolic links are
/// not followed).
pub(crate) fn sweep_tree(dir: &Path, tell: &mut dyn FnMut(String)) {
    sweep(dir, tell);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            sweep_tree(&entry.path(), tell);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{owner, sweep, Owner, TempFile, Tracked, PREFIX, REGISTRY};
    use std::io::Write;

    fn registered(path: &std::path::Path) -> bool {
        super::lock(&REGISTRY).iter().any(|(_, p, _)| p == path)
    }

    #[test]
    fn a_dropped_temp_file_is_removed_and_unregistered() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = TempFile::new_in(dir.path()).unwrap();
        file.write_all(b"abc").unwrap();
        let path = file.path().to_path_buf();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(name.starts_with(&format!("{PREFIX}{}-", std::process::id())));
        assert!(name.ends_with(".tmp"));
        assert!(registered(&path) && path.exists());
        drop(file);
        assert!(!registered(&path) && !path.exists());
    }

    #[test]
    fn a_renamed_temp_file_stays_and_is_unregistered() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = TempFile::new_in(dir.path()).unwrap();
        file.write_all(b"abc").unwrap();
        let path = file.path().to_path_buf();
        let target = dir.path().join("out");
        file.rename_onto(&target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"abc");
        assert!(!registered(&path) && !path.exists());
    }

    #[test]
    fn a_taken_name_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let next = super::NEXT.load(std::sync::atomic::Ordering::Relaxed);
        // Names a dead run with our process id could have left.
        for n in next..next + 3 {
            let name = format!("{PREFIX}{}-{n}.tmp", std::process::id());
            std::fs::write(dir.path().join(name), b"old").unwrap();
        }
        let file = TempFile::new_in(dir.path()).unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), b"");
    }

    #[test]
    fn created_directories_go_only_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let (ta, tb) = (
            Tracked::created_dir(&a).unwrap(),
            Tracked::created_dir(&b).unwrap(),
        );
        std::fs::write(b.join("kept"), b"x").unwrap();
        drop((ta, tb));
        assert!(!a.exists());
        assert!(b.join("kept").exists());
    }

    #[test]
    fn owners_and_the_sweep() {
        let me = std::process::id();
        assert_eq!(owner(&format!("{PREFIX}{me}-3.tmp")), Owner::Alive);
        assert_eq!(owner(&format!("{PREFIX}Ab12cd.tmp")), Owner::Unknown);
        // A process that has ended.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        assert_eq!(owner(&format!("{PREFIX}{dead}-0.tmp")), Owner::Dead);

        let dir = tempfile::tempdir().unwrap();
        let names = [
            format!("{PREFIX}{dead}-0.tmp"),
            format!("{PREFIX}{dead}-1.old"),
            format!("{PREFIX}{me}-99999.tmp"),
            format!("{PREFIX}Ab12cd.tmp"),
            "plain.txt".to_owned(),
        ];
        for name in &names {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let staged = dir.path().join(format!("{PREFIX}{dead}-2"));
        std::fs::create_dir(&staged).unwrap();
        std::fs::write(staged.join("a.txt"), b"x").unwrap();
        let mut told = Vec::new();
        sweep(dir.path(), &mut |m| told.push(m));
        let left: Vec<bool> = names.iter().map(|n| dir.path().join(n).exists()).collect();
        assert_eq!(left, [false, true, true, true, true]);
        assert!(!staged.exists());
        assert_eq!(told.len(), 4, "{told:?}");
    }
}
