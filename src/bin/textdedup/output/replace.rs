//! Putting finished temporary files in place: all of them or none.
//!
//! - Every target is checked before the first rename: a directory or
//!   another non-file in the way stops the commit with nothing changed.
//! - A target that is a symbolic link is written through: the file it
//!   points to is replaced and the link stays.
//! - A replaced file keeps its permissions, and its owner and group where
//!   the system allows. Its other hard links, if any, keep the earlier
//!   content: a rename gives the name a new file.
//! - Each replaced file's earlier content is kept under a temporary name
//!   until every rename has succeeded; when one fails, the files already
//!   replaced get their earlier content back and new ones are removed.
//! - The whole commit holds [`temp::commit_lock`], so a signal never cuts
//!   it in the middle.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};
use crate::temp::{self, TempFile, Tracked};

/// Where a finished temporary file goes.
#[derive(Debug)]
pub(crate) struct Staged {
    /// The temporary file, written in full.
    pub(crate) file: TempFile,
    /// Its final path.
    pub(crate) target: PathBuf,
}

/// What a rename replaced, to undo it.
struct Done {
    /// The final path.
    target: PathBuf,
    /// The earlier content, when there was a file there.
    backup: Option<Backup>,
}

/// The earlier file at a target, under a temporary name.
struct Backup {
    /// The temporary name (removed when dropped).
    name: Tracked,
    /// True when it is a second hard link (the target kept its name until
    /// the rename); false when the earlier file was moved.
    linked: bool,
}

/// Renames every staged file onto its target, or none of them.
///
/// # Errors
///
/// A target that is in the way (a directory, a device, a dangling link),
/// or a rename that fails; the targets are then as they were.
pub(crate) fn commit(staged: Vec<Staged>) -> Result<()> {
    let _commit = temp::commit_lock();
    let mut ready = Vec::with_capacity(staged.len());
    let mut seen = HashSet::with_capacity(staged.len());
    for Staged { file, target } in staged {
        let target = check(&target)?;
        if !seen.insert(target.0.clone()) {
            return Err(CliError::Usage(format!(
                "two outputs would both write '{}' (through a symbolic link); nothing \
                 was written",
                target.0.display()
            )));
        }
        match &target.1 {
            Some(meta) => keep_owner_and_mode(file.path(), meta),
            None => file.set_usual_mode(),
        }
        ready.push((file, target));
    }
    let mut done: Vec<Done> = Vec::with_capacity(ready.len());
    for (n, (file, (target, existing))) in ready.into_iter().enumerate() {
        match rename_keeping(file, &target, existing.is_some(), n) {
            Ok(backup) => done.push(Done { target, backup }),
            Err(e) => {
                roll_back(done);
                return Err(CliError::io("cannot create", &target, e));
            }
        }
    }
    // Every file is in place: the earlier contents can go (dropping a
    // backup removes it).
    drop(done);
    Ok(())
}

/// The path to replace for `target` (through a symbolic link), and its
/// metadata when a file is there.
fn check(target: &Path) -> Result<(PathBuf, Option<fs::Metadata>)> {
    let in_the_way = |what: &str| {
        CliError::Usage(format!(
            "cannot replace '{}': it is {what}; nothing was written",
            target.display()
        ))
    };
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((target.to_path_buf(), None)),
        Err(e) => Err(CliError::io("cannot use", target, e)),
        Ok(meta) if meta.is_file() => Ok((target.to_path_buf(), Some(meta))),
        Ok(meta) if meta.is_dir() => Err(in_the_way("a directory")),
        Ok(meta) if meta.file_type().is_symlink() => match fs::metadata(target) {
            Ok(pointed) if pointed.is_file() => {
                let real =
                    fs::canonicalize(target).map_err(|e| CliError::io("cannot use", target, e))?;
                Ok((real, Some(pointed)))
            }
            Ok(_) => Err(in_the_way("a link to something that is not a file")),
            Err(_) => Err(in_the_way("a dangling symbolic link")),
        },
        Ok(_) => Err(in_the_way("not a regular file")),
    }
}

/// Gives the temporary file at `path` the permissions, owner and group of
/// the file it replaces, as far as allowed (a user who is not root cannot
/// give a file away: it is then theirs, with the same permissions).
fn keep_owner_and_mode(path: &Path, meta: &fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid())).is_err() {
            let _ = std::os::unix::fs::chown(path, None, Some(meta.gid()));
        }
    }
    // After chown, which may clear the set-user-id bit.
    let _ = fs::set_permissions(path, meta.permissions());
}

/// Renames `file` onto `target`, keeping the earlier file (if `existing`)
/// under a temporary name; the `n`th rename of the commit.
fn rename_keeping(
    file: TempFile,
    target: &Path,
    existing: bool,
    n: usize,
) -> io::Result<Option<Backup>> {
    injected_fault(n)?;
    let backup = if existing {
        let dir = target.parent().unwrap_or(Path::new("."));
        // A second name for the earlier file, so the target never stops
        // existing; a rename where hard links are not supported.
        let linked = Tracked::backup(dir, |b| fs::hard_link(target, b));
        Some(match linked {
            Ok(name) => Backup { name, linked: true },
            Err(_) => Backup {
                name: Tracked::backup(dir, |b| fs::rename(target, b))?,
                linked: false,
            },
        })
    } else {
        None
    };
    match file.rename_onto(target) {
        Ok(()) => Ok(backup),
        Err((_file, e)) => {
            match backup {
                // The target never moved: the second link just goes.
                Some(Backup { linked: true, .. }) | None => {}
                Some(moved) => restore(moved, target),
            }
            Err(e)
        }
    }
}

/// Undoes the renames of a failed commit, last first.
fn roll_back(done: Vec<Done>) {
    for Done { target, backup } in done.into_iter().rev() {
        match backup {
            Some(b) => restore(b, &target),
            None => {
                let _ = fs::remove_file(&target);
            }
        }
    }
}

/// Puts the earlier content in `backup` back at `target`. Should that
/// fail, the backup stays where it is and the user is told where.
fn restore(backup: Backup, target: &Path) {
    let name = backup.name;
    match fs::rename(name.path(), target) {
        Ok(()) => name.forget(),
        Err(e) => {
            eprintln!(
                "textdedup: error: cannot put back the earlier content of '{}' ({e}); \
                 it is kept in '{}'",
                target.display(),
                name.path().display()
            );
            name.forget();
        }
    }
}

/// Test builds (debug assertions) can make the `n`th rename of a commit
/// fail, from 0, through `TEXTDEDUP_FAIL_RENAME`: the only way to reach a
/// rename failure after every check has passed.
fn injected_fault(n: usize) -> io::Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var("TEXTDEDUP_FAIL_RENAME").is_ok_and(|v| v.parse() == Ok(n)) {
        return Err(io::Error::other("injected fault"));
    }
    let _ = n;
    Ok(())
}
