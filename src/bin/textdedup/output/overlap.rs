//! Refusing an output that is an input.
//!
//! A file is recognised by its device and inode (on Unix; elsewhere by
//! its canonical path), so symbolic links, hard links and `..` do not
//! slip through. An `--out-dir` is compared with the input directories
//! by canonical path: inside one, its files would be read back as input
//! by the next run over that directory.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};
use crate::inputs::{Inputs, Location, Source};

/// What makes two paths the same file.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

/// The identity of the file `path` names (links followed), if it exists.
fn identity(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path).ok()
    }
}

/// The identity of standard input when it is a file (`< file`).
fn stdin_identity() -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
        let meta = fs::File::from(fd).metadata().ok()?;
        meta.is_file().then(|| (meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The identity of a source.
fn source_identity(source: &Source) -> Option<Identity> {
    match &source.location {
        Location::Stdin => stdin_identity(),
        Location::File(path) => identity(path),
    }
}

/// The input among `inputs` that is one of `outputs`, if any.
fn input_among<'i>(inputs: &'i Inputs, outputs: &HashSet<Identity>) -> Option<&'i Source> {
    if outputs.is_empty() {
        return None;
    }
    inputs
        .sources
        .iter()
        .find(|s| source_identity(s).is_some_and(|id| outputs.contains(&id)))
}

/// Refuses `--output target` when it is one of the inputs.
///
/// # Errors
///
/// A usage error naming the input.
pub(crate) fn check_stream(target: &Path, inputs: &Inputs, hint: &str) -> Result<()> {
    let outputs: HashSet<Identity> = identity(target).into_iter().collect();
    match input_among(inputs, &outputs) {
        Some(source) => Err(CliError::Usage(format!(
            "--output '{}' is the input '{}': the run would replace it{hint}",
            target.display(),
            source.name
        ))),
        None => Ok(()),
    }
}

/// Refuses an `--out-dir` that is an input directory or inside one, or
/// that would replace an input file (`targets`: every output's final
/// path).
///
/// # Errors
///
/// A usage error naming the input.
pub(crate) fn check_out_dir(root: &Path, targets: &[PathBuf], inputs: &Inputs) -> Result<()> {
    let root_real = canonical_even_if_missing(root);
    for dir in &inputs.dirs {
        let Ok(dir_real) = fs::canonicalize(dir) else {
            continue;
        };
        if root_real.starts_with(&dir_real) {
            return Err(CliError::Usage(format!(
                "--out-dir '{}' is inside the input directory '{}': its files would be \
                 read back as input; choose a directory outside it",
                root.display(),
                dir.display()
            )));
        }
    }
    let outputs: HashSet<Identity> = targets.iter().filter_map(|t| identity(t)).collect();
    match input_among(inputs, &outputs) {
        Some(source) => Err(CliError::Usage(format!(
            "--out-dir '{}' would replace the input '{}'; use --in-place to clean files \
             where they are",
            root.display(),
            source.name
        ))),
        None => Ok(()),
    }
}

/// Checks the inputs of `--in-place`, and gives the path to replace for
/// each (through symbolic links).
///
/// # Errors
///
/// Standard input, something that is not a regular file, or one file
/// given twice.
pub(crate) fn check_in_place(inputs: &Inputs) -> Result<Vec<PathBuf>> {
    let mut seen = HashSet::with_capacity(inputs.sources.len());
    let mut dests = Vec::with_capacity(inputs.sources.len());
    for source in &inputs.sources {
        let Location::File(path) = &source.location else {
            return Err(CliError::Usage(
                "--in-place cannot replace standard input ('-')".into(),
            ));
        };
        let meta = fs::metadata(path).map_err(|e| CliError::io("cannot read", path, e))?;
        if !meta.is_file() {
            return Err(CliError::Usage(format!(
                "--in-place cannot replace '{}': not a regular file",
                source.name
            )));
        }
        let id = identity(path).ok_or_else(|| {
            CliError::io(
                "cannot read",
                path,
                io::Error::from(io::ErrorKind::NotFound),
            )
        })?;
        if !seen.insert(id) {
            return Err(CliError::Usage(format!(
                "--in-place: '{}' is a file given twice (a link or a repeated argument)",
                source.name
            )));
        }
        dests.push(fs::canonicalize(path).map_err(|e| CliError::io("cannot read", path, e))?);
    }
    Ok(dests)
}

/// The canonical form of `path`, whose last components may not exist yet:
/// the nearest existing ancestor canonicalized, the rest appended.
fn canonical_even_if_missing(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut at = path.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(at) {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                at = parent;
            }
            _ => return path,
        }
    }
}
