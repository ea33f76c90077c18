//! Library errors. Every problem with user input carries the file, the line and the field it
//! concerns, so a planner can fix a spreadsheet cell without guessing. Loading and scenario
//! resolution collect *all* problems before failing, so one run shows everything to fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in.
    pub path: PathBuf,
    /// 1-based line number, when the problem is tied to a line.
    pub line: Option<u64>,
    /// The column or field name, when the problem is tied to one.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem with the whole file.
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_path_buf(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem on one line, optionally in one field.
    pub fn at(path: &Path, line: u64, field: Option<&str>, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_path_buf(),
            line: Some(line),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read (missing, unreadable).
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        error: std::io::Error,
    },
    /// An output could not be written.
    #[error("cannot write {}: {error}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why it could not be written.
        error: std::io::Error,
    },
    /// One or more problems in the input files, all of them.
    #[error("{}", ProblemList(.0))]
    Invalid(Vec<Problem>),
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} in the input:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.0 {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// A value that is not acceptable (a clock time, a number of minutes), said without a position:
/// the caller knows the file, line and field and makes it a [`Problem`] there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadValue(pub String);

impl From<BadValue> for String {
    fn from(bad: BadValue) -> String {
        bad.0
    }
}

/// `Result` with the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
