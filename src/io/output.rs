//! Safe outputs: every file and folder `commute` writes goes through here.
//!
//! Outputs are written into a temporary sibling with an unpredictable name, created exclusively
//! (so nothing planted at a guessable name, such as a symlink, can redirect the write), and
//! renamed into place only when complete: a failed or interrupted command leaves no partial
//! output. Three rules protect what a user already has:
//! - an output is never one of the command's inputs, nor a folder holding one, nor inside an
//!   input folder (compared as canonical paths, so also through symlinks);
//! - an existing output is replaced only with `force`, and only when it is an earlier output of
//!   the same kind (a run folder replaces a run folder, a comparison a comparison, a table a
//!   table with the same header): `--force` never deletes anything else;
//! - temporary names carry the writing process's id, so the next command removes what a killed
//!   process left behind, and a signal handler ([`remove_unfinished`]) removes the current
//!   process's own before it exits.

use crate::error::{Error, Problem, Result};
use std::ffi::OsStr;
use std::fs::OpenOptions;
use std::io::{BufRead, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// What an output folder holds, told apart by the file that marks it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A `commute run` folder, finished when `summary.json` is written.
    Run,
    /// A `commute compare` folder, finished when `compare.json` is written.
    Comparison,
}

impl OutputKind {
    /// The file written last, whose presence marks a finished output of this kind.
    pub fn marker(self) -> &'static str {
        match self {
            OutputKind::Run => "summary.json",
            OutputKind::Comparison => "compare.json",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            OutputKind::Run => "a run folder",
            OutputKind::Comparison => "a comparison folder",
        }
    }

    fn other(self) -> OutputKind {
        match self {
            OutputKind::Run => OutputKind::Comparison,
            OutputKind::Comparison => OutputKind::Run,
        }
    }
}

/// Temporary outputs of this process not yet renamed into place, for [`remove_unfinished`].
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves the list itself intact.
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget_unfinished(path: &Path) {
    unfinished().retain(|p| p != path);
}

/// Removes every temporary output of this process that was not finished. Called by the command
/// line's signal handler before it exits, so an interrupted command leaves nothing behind.
pub fn remove_unfinished() {
    for path in unfinished().drain(..) {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

/// An output folder being written.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Starts writing the folder `target`, an output of `kind` made from `inputs` (files or
    /// folders the command reads). Refuses a target that overlaps an input. An existing target
    /// is replaced only with `force`, and only when it is an empty folder or an earlier output
    /// of the same kind.
    pub fn create(
        target: &Path,
        kind: OutputKind,
        inputs: &[&Path],
        force: bool,
    ) -> Result<OutputDir> {
        let refuse = |why: String| Error::Invalid(vec![Problem::file(target, why)]);
        check_not_an_input(target, inputs)?;
        if target.exists() || target.is_symlink() {
            if !force {
                return Err(refuse(
                    "output folder already exists; pass --force to replace it".into(),
                ));
            }
            let is_dir = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir());
            let is_empty =
                is_dir && std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none());
            let holds = |k: OutputKind| target.join(k.marker()).is_file();
            let same_kind = is_dir && holds(kind) && !holds(kind.other());
            if !is_empty && !same_kind {
                return Err(refuse(format!(
                    "exists and is not an earlier commute output of this command ({} with {}): not replacing it, even with --force",
                    kind.describe(),
                    kind.marker()
                )));
            }
        }
        let (parent, name) = parent_and_name(target);
        std::fs::create_dir_all(&parent).map_err(|error| Error::Write {
            path: parent.clone(),
            error,
        })?;
        remove_stale(&parent, &name);
        let temp = tempfile::Builder::new()
            .prefix(&temp_prefix(&name, "tmp"))
            .tempdir_in(&parent)
            .map_err(|error| Error::Write {
                path: parent.clone(),
                error,
            })?
            .keep();
        unfinished().push(temp.clone());
        Ok(OutputDir {
            target: target.to_path_buf(),
            temp,
            committed: false,
        })
    }

    /// Writes one file into the folder. `file` is a plain file name chosen by the program.
    pub fn write(&self, file: &str, contents: &[u8]) -> Result<()> {
        let path = self.temp.join(file);
        debug_assert_eq!(Path::new(file).components().count(), 1, "{file}");
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(contents))
            .map_err(|error| Error::Write { path, error })
    }

    /// Moves the finished folder into place, replacing any previous one.
    pub fn commit(mut self) -> Result<PathBuf> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |error| Error::Write { path, error }
        };
        if self.target.exists() {
            // The earlier output moves to a fresh unpredictable name, then is removed.
            let (parent, name) = parent_and_name(&self.target);
            let old = tempfile::Builder::new()
                .prefix(&temp_prefix(&name, "old"))
                .tempdir_in(&parent)
                .map_err(write_err(&parent))?
                .keep();
            unfinished().push(old.clone());
            // Renaming a folder over an empty folder replaces it.
            std::fs::rename(&self.target, &old).map_err(write_err(&self.target))?;
            std::fs::rename(&self.temp, &self.target).map_err(write_err(&self.target))?;
            std::fs::remove_dir_all(&old).map_err(write_err(&old))?;
            forget_unfinished(&old);
        } else {
            std::fs::rename(&self.temp, &self.target).map_err(write_err(&self.target))?;
        }
        forget_unfinished(&self.temp);
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
            forget_unfinished(&self.temp);
        }
    }
}

/// Writes one output file atomically: into a temporary sibling, then renamed over `target`, so a
/// reader never sees half a file and a failure leaves any earlier file as it was. Refuses a
/// target that is one of `inputs` (or lies inside an input folder). An existing target is
/// replaced only with `force`, and only when it is an earlier output of the same kind: a plain
/// file whose first line equals the first line of `contents` (the same table's header).
pub fn write_file(target: &Path, contents: &[u8], inputs: &[&Path], force: bool) -> Result<()> {
    check_file_target(target, contents, inputs, force)?;
    let (parent, name) = parent_and_name(target);
    remove_stale(&parent, &name);
    let write_err = |p: &Path| {
        let p = p.to_path_buf();
        move |error| Error::Write { path: p, error }
    };
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(&name, "tmp"))
        .tempfile_in(&parent)
        .map_err(write_err(&parent))?;
    let temp_path = temp.path().to_path_buf();
    unfinished().push(temp_path.clone());
    let result = temp
        .write_all(contents)
        .map_err(write_err(&temp_path))
        .and_then(|()| {
            temp.persist(target)
                .map(drop)
                .map_err(|e| write_err(target)(e.error))
        });
    forget_unfinished(&temp_path);
    result
}

/// Checks, before any work, that [`write_file`] may write `target`: the same rules, with
/// `header` standing for the first line of the contents to come.
pub fn check_file_target(
    target: &Path,
    header: &[u8],
    inputs: &[&Path],
    force: bool,
) -> Result<()> {
    check_not_an_input(target, inputs)?;
    if !(target.exists() || target.is_symlink()) {
        return Ok(());
    }
    let refuse = |why: &str| Err(Error::Invalid(vec![Problem::file(target, why.to_owned())]));
    if !force {
        return refuse("output file already exists; pass --force to replace it");
    }
    let first_line = header.split(|&b| b == b'\n').next().unwrap_or_default();
    let is_file = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_file());
    if !is_file || first_line_of(target).as_deref() != Some(first_line) {
        return refuse(
            "exists and is not an earlier commute output of this command (a plain file with the same header): not replacing it, even with --force",
        );
    }
    Ok(())
}

/// The first line of a file (at most 64 KiB of it), without its line end.
fn first_line_of(path: &Path) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let file = std::fs::File::open(path).ok()?;
    std::io::BufReader::new(file)
        .take(64 * 1024)
        .read_until(b'\n', &mut line)
        .ok()?;
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Some(line)
}

/// Refuses a `target` that is an input, holds one, or lies inside an input folder.
fn check_not_an_input(target: &Path, inputs: &[&Path]) -> Result<()> {
    let out = resolved(target);
    for input in inputs {
        let input_path = resolved(input);
        let why = if input_path == out {
            "is one of the command's inputs"
        } else if input_path.starts_with(&out) {
            "holds one of the command's inputs"
        } else if out.starts_with(&input_path) {
            "lies inside one of the command's input folders"
        } else {
            continue;
        };
        return Err(Error::Invalid(vec![Problem::file(
            target,
            format!(
                "{why} ({}): choose another output; it would be overwritten",
                input.display()
            ),
        )]));
    }
    Ok(())
}

/// `path` made absolute with every symlink resolved, also when its last parts do not exist
/// yet (the longest existing ancestor is resolved, the rest appended with `.` and `..` applied).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The folder an output goes in and its file name.
fn parent_and_name(target: &Path) -> (PathBuf, String) {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    (parent, name)
}

/// `.NAME.tmp-PID-` (or `.old-`): the start of this process's temporary names for `name`,
/// followed by random characters.
fn temp_prefix(name: &str, what: &str) -> String {
    format!(".{name}.{what}-{}-", std::process::id())
}

/// Removes the temporary outputs for `name` in `parent` left by processes that no longer run
/// (killed before they could clean up). Best effort: what cannot be removed is left.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = stale_pid(&file_name, name) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        let _ = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(_) => Ok(()),
        };
    }
}

/// The process id in a temporary name `.NAME.tmp-PID[-RANDOM]` or `.NAME.old-PID[-RANDOM]`.
fn stale_pid(file_name: &OsStr, name: &str) -> Option<u32> {
    let file_name = file_name.to_str()?;
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let rest = rest
        .strip_prefix(".tmp-")
        .or_else(|| rest.strip_prefix(".old-"))?;
    let digits = rest.split('-').next()?;
    digits.parse().ok()
}

/// Whether a process with this id runs (or may run: when unsure, it is taken to be alive).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // Signal 0 checks for existence without sending anything.
        // SAFETY: kill with signal 0 has no effect besides the check.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_names_are_parsed() {
        let pid = |s: &str| stale_pid(OsStr::new(s), "jjj");
        assert_eq!(pid(".jjj.tmp-123-AbC"), Some(123));
        assert_eq!(pid(".jjj.old-77-x"), Some(77));
        assert_eq!(pid(".jjj.tmp-123"), Some(123));
        assert_eq!(pid(".jjjx.tmp-123-a"), None);
        assert_eq!(pid("jjj.tmp-123-a"), None);
        assert_eq!(pid(".jjj.tmp-abc"), None);
    }

    #[test]
    fn resolved_paths_follow_symlinks_and_dots() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            assert_eq!(resolved(&link), real.canonicalize().unwrap());
            assert_eq!(
                resolved(&link.join("new/../x")),
                real.canonicalize().unwrap().join("x")
            );
        }
        assert_eq!(
            resolved(&real.join("a/b")),
            real.canonicalize().unwrap().join("a/b")
        );
    }

    #[test]
    fn this_process_is_alive() {
        assert!(process_alive(std::process::id()));
    }
}
