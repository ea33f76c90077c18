//! Atomic output folders: everything is written into a temporary sibling folder, which is renamed
//! into place only when complete. A failed run leaves no partial output, and an existing run is
//! replaced only with `force`.

use crate::error::{Error, Problem, Result};
use std::path::{Path, PathBuf};

/// An output folder being written.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Starts writing the folder `target`. If it exists it is replaced only with `force`, and
    /// only when it is an earlier `commute` output (it holds `summary.json`, or `compare.json`
    /// for a comparison) or an empty folder:
    /// `--force` never deletes anything else.
    pub fn create(target: &Path, force: bool) -> Result<OutputDir> {
        if target.exists() || target.is_symlink() {
            let refuse =
                |why: &str| Err(Error::Invalid(vec![Problem::file(target, why.to_owned())]));
            if !force {
                return refuse("output folder already exists; pass --force to replace it");
            }
            let is_run = target.is_dir()
                && !target.is_symlink()
                && (target.join("summary.json").is_file()
                    || target.join("compare.json").is_file()
                    || std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none()));
            if !is_run {
                return refuse(
                    "exists and is not an earlier commute output (no summary.json or compare.json): not replacing it, even with --force",
                );
            }
        }
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|error| Error::Write {
            path: parent.to_path_buf(),
            error,
        })?;
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).map_err(|error| Error::Write {
                path: temp.clone(),
                error,
            })?;
        }
        std::fs::create_dir(&temp).map_err(|error| Error::Write {
            path: temp.clone(),
            error,
        })?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            temp,
            committed: false,
        })
    }

    /// Writes one file into the folder.
    pub fn write(&self, file: &str, contents: &[u8]) -> Result<()> {
        let path = self.temp.join(file);
        std::fs::write(&path, contents).map_err(|error| Error::Write { path, error })
    }

    /// Moves the finished folder into place, replacing any previous one.
    pub fn commit(mut self) -> Result<PathBuf> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |error| Error::Write { path, error }
        };
        if self.target.exists() {
            let old = self.temp.with_extension("old");
            std::fs::rename(&self.target, &old).map_err(write_err(&self.target))?;
            std::fs::rename(&self.temp, &self.target).map_err(write_err(&self.target))?;
            std::fs::remove_dir_all(&old).map_err(write_err(&old))?;
        } else {
            std::fs::rename(&self.temp, &self.target).map_err(write_err(&self.target))?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// Writes one file atomically: into a temporary sibling, then renamed over `path`, so a reader
/// never sees half a file and a failure leaves any earlier file as it was.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let write_err = |p: &Path| {
        let p = p.to_path_buf();
        move |error| Error::Write { path: p, error }
    };
    std::fs::write(&temp, contents).map_err(write_err(&temp))?;
    std::fs::rename(&temp, path).map_err(|error| {
        let _ = std::fs::remove_file(&temp);
        Error::Write {
            path: path.to_path_buf(),
            error,
        }
    })
}
