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

/// Runs `create` (making a file or directory inside a registered tree)
/// under the registry's lock, so that a signal handler removing the tree
/// never races with a new entry in it.
pub(crate) fn under_lock<T>(create: impl FnOnce() -> T) -> T {
    let _registry = lock(&REGISTRY);
    create()
}

/// Makes `path` private (owner only) and gives back the permissions it
/// had: a new file's or directory's usual ones (the umask applied), to be
/// restored once it is in place.
fn made_private(path: &Path, private: u32) -> io::Result<fs::Permissions> {
    let usual = fs::metadata(path)?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(private))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(usual)
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

    /// A fresh temporary directory in `dir`, private to its owner until it
    /// is in place; also the usual permissions of a new directory (`0o777`
    /// less the umask), to give it then.
    pub(crate) fn temp_dir(dir: &Path) -> io::Result<(Tracked, fs::Permissions)> {
        let create = |p: &Path| {
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o777);
            builder.create(p)?;
            made_private(p, 0o700)
        };
        Tracked::create(dir, "", Kind::Tree, create)
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
/// with [`TempFile::rename_onto`]. Private to its owner while it is
/// written, so that what it holds is not readable before it is in place.
#[derive(Debug)]
pub(crate) struct TempFile {
    /// The open file.
    file: File,
    /// Its registration.
    tracked: Tracked,
    /// The permissions of a new file here (`0o666` less the umask).
    usual: fs::Permissions,
}

impl TempFile {
    /// A new empty file in `dir`, private until [`TempFile::set_mode`] or
    /// [`TempFile::set_usual_mode`].
    pub(crate) fn new_in(dir: &Path) -> io::Result<TempFile> {
        let create = |p: &Path| {
            let mut options = File::options();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
            let file = options.open(p)?;
            Ok((file, made_private(p, 0o600)?))
        };
        let (tracked, (file, usual)) = Tracked::create(dir, ".tmp", Kind::File, create)?;
        Ok(TempFile {
            file,
            tracked,
            usual,
        })
    }

    /// Its path.
    pub(crate) fn path(&self) -> &Path {
        self.tracked.path()
    }

    /// Gives it the permissions of a new file, once it is complete.
    pub(crate) fn set_usual_mode(&self) {
        let _ = fs::set_permissions(self.path(), self.usual.clone());
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

/// The three shapes of temporary name this tool makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// `.textdedup-PID-N.tmp`: a file being written.
    File,
    /// `.textdedup-PID-N.old`: the earlier content of a file being
    /// replaced.
    Backup,
    /// `.textdedup-PID-N`: a directory being filled (a new `--out-dir`).
    Tree,
}

/// The process id and kind of a temporary name of exactly the shapes this
/// tool makes; `None` for any other name (a user's `.textdedup-notes` is
/// not one).
pub(crate) fn parse_name(name: &str) -> Option<(u32, NameKind)> {
    let rest = name.strip_prefix(PREFIX)?;
    let (rest, kind) = if let Some(r) = rest.strip_suffix(".tmp") {
        (r, NameKind::File)
    } else if let Some(r) = rest.strip_suffix(".old") {
        (r, NameKind::Backup)
    } else {
        (rest, NameKind::Tree)
    };
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    Some((pid.parse().ok()?, kind))
}

/// Whether a directory walk should leave the entry `name` out: a
/// temporary name of this tool, or of an older version
/// (`.textdedup-XXXXXX.tmp`). A killed run's leftovers are never input.
pub(crate) fn is_temporary(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| parse_name(n).is_some() || (n.starts_with(PREFIX) && n.ends_with(".tmp")))
}

/// Who left a temporary name behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A run that is still going: not to be touched.
    Alive,
    /// A run that ended without removing it (killed, or the machine
    /// stopped).
    Dead,
    /// Cannot tell (no `/proc`).
    Unknown,
}

/// Who owns a temporary name of process `pid`: alive while a process with
/// that id runs this same program (its `/proc/PID/comm` is ours). A run in
/// another PID namespace cannot be seen, and counts as dead.
pub(crate) fn owner(pid: u32) -> Owner {
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

/// Looks in each of `dirs` (not below them) for temporary names of dead
/// runs: removes their `.tmp` files and directories, and tells of the
/// rest (an `.old` file holds the earlier content of a file a killed run
/// was replacing; a name from an older version carries no process id).
/// Only names of exactly this tool's shapes, and of the matching kind (a
/// file for `.tmp`, a directory for a tree), are touched. Errors reading
/// a directory are ignored: it is only a courtesy.
pub(crate) fn sweep<'d>(dirs: impl IntoIterator<Item = &'d Path>, tell: &mut dyn FnMut(String)) {
    let mut seen = std::collections::HashSet::new();
    for dir in dirs {
        if seen.insert(dir.to_path_buf()) {
            sweep_one(dir, tell);
        }
    }
}

/// [`sweep`] for one directory.
fn sweep_one(dir: &Path, tell: &mut dyn FnMut(String)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        let Some((pid, kind)) = parse_name(name) else {
            if name.starts_with(PREFIX) && name.ends_with(".tmp") {
                tell(format!(
                    "'{}' looks like a temporary file of an interrupted run of an older \
                     version; remove it if no other run is writing here",
                    path.display()
                ));
            }
            continue;
        };
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        match (owner(pid), kind) {
            (Owner::Alive, _) => {}
            (Owner::Dead, NameKind::File)
                if file_type.is_file() && fs::remove_file(&path).is_ok() =>
            {
                tell(removed(&path));
            }
            (Owner::Dead, NameKind::Tree)
                if file_type.is_dir() && fs::remove_dir_all(&path).is_ok() =>
            {
                tell(removed(&path));
            }
            (Owner::Dead, NameKind::Backup) if file_type.is_file() => tell(format!(
                "'{}' holds the earlier content of a file that a killed run was \
                 replacing; remove it once you have checked that file",
                path.display()
            )),
            (Owner::Unknown, _) => tell(format!(
                "'{}' looks like a temporary file of an interrupted run; remove it \
                 if no other run is writing here",
                path.display()
            )),
            // Not of the kind its name says: not ours.
            _ => {}
        }
    }
}

/// The message for a removed leftover.
fn removed(path: &Path) -> String {
    format!(
        "removed '{}', left by an earlier run that was killed",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::{
        is_temporary, owner, parse_name, sweep, NameKind, Owner, TempFile, Tracked, PREFIX,
        REGISTRY,
    };
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
    fn names_of_exactly_our_shapes() {
        assert_eq!(
            parse_name(".textdedup-12-3.tmp"),
            Some((12, NameKind::File))
        );
        assert_eq!(
            parse_name(".textdedup-12-3.old"),
            Some((12, NameKind::Backup))
        );
        assert_eq!(parse_name(".textdedup-12-3"), Some((12, NameKind::Tree)));
        for other in [
            ".textdedup-12-notes",
            ".textdedup-12-3.txt",
            ".textdedup-Ab12cd.tmp",
            ".textdedup--3.tmp",
            ".textdedup-12-.tmp",
            "textdedup-12-3.tmp",
            ".textdedup-12-3.tmp.bak",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
        assert!(is_temporary(std::ffi::OsStr::new(".textdedup-Ab12cd.tmp")));
        assert!(!is_temporary(std::ffi::OsStr::new(".textdedup-notes")));
    }

    #[test]
    fn owners_and_the_sweep() {
        let me = std::process::id();
        assert_eq!(owner(me), Owner::Alive);
        // A process that has ended.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        assert_eq!(owner(dead), Owner::Dead);

        let dir = tempfile::tempdir().unwrap();
        let files = [
            format!("{PREFIX}{dead}-0.tmp"),
            format!("{PREFIX}{dead}-1.old"),
            format!("{PREFIX}{me}-99999.tmp"),
            format!("{PREFIX}Ab12cd.tmp"),
            format!("{PREFIX}{dead}-draft.txt"),
            format!("{PREFIX}{dead}-4"),
            "plain.txt".to_owned(),
        ];
        for name in &files {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let staged = dir.path().join(format!("{PREFIX}{dead}-2"));
        std::fs::create_dir(&staged).unwrap();
        std::fs::write(staged.join("a.txt"), b"x").unwrap();
        // A directory named like a file, and a user's own folder.
        let odd = [
            format!("{PREFIX}{dead}-3.tmp"),
            format!("{PREFIX}{dead}-notes"),
        ];
        for name in &odd {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let mut told = Vec::new();
        sweep([dir.path(), dir.path()], &mut |m| told.push(m));
        let left: Vec<bool> = files.iter().map(|n| dir.path().join(n).exists()).collect();
        assert_eq!(left, [false, true, true, true, true, true, true]);
        assert!(!staged.exists());
        assert!(odd.iter().all(|n| dir.path().join(n).is_dir()));
        // Two removed, one backup, one older name: each told once.
        assert_eq!(told.len(), 4, "{told:?}");
    }
}
