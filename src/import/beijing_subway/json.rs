//! The data's JSON5 files: read through `io`, parsed into `serde_json` values (with the files'
//! key order, which the output follows), and problems that name the file and the field.
//!
//! The parser gives a line only for syntax errors; a value's position is lost once parsed, so a
//! problem with the content names the field by its path in the document
//! (`timetable.苹果园.南行.工作日.schedule`) instead.

use crate::error::{Error, Problem, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A result whose error is one problem, for the parts of the import that stop at the first.
pub(super) type Found<T> = std::result::Result<T, Problem>;

/// A parsed JSON5 file.
pub(super) struct Document {
    /// Where it was read from, for problems.
    pub path: PathBuf,
    /// Its contents.
    pub value: Value,
}

/// Reads and parses the JSON5 file `path`. A syntax error comes with its line and column.
pub(super) fn read(path: &Path) -> Result<Document> {
    let text = crate::io::read_text(path)?;
    let value =
        json5::from_str(&text).map_err(|e| Error::Invalid(vec![syntax_problem(path, &e)]))?;
    Ok(Document {
        path: path.to_path_buf(),
        value,
    })
}

/// A JSON5 syntax error as a problem on its line.
fn syntax_problem(path: &Path, error: &json5::Error) -> Problem {
    let full = error.to_string();
    match error.position() {
        Some(at) => {
            let suffix = format!(" at {at}");
            let what = full.strip_suffix(&suffix).unwrap_or(&full);
            Problem::at(
                path,
                at.line as u64 + 1,
                None,
                format!("not valid JSON5: {what} (column {})", at.column + 1),
            )
        }
        None => Problem::file(path, format!("not valid JSON5: {full}")),
    }
}

/// A problem with the field `field` (a path in the document) of the file `path`.
pub(super) fn problem(
    path: &Path,
    field: impl Into<String>,
    message: impl Into<String>,
) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line: None,
        field: Some(field.into()),
        message: message.into(),
    }
}

/// The text of `v[key]`, if it is text.
pub(super) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The texts of an array value (other elements skipped; none when it is not an array).
pub(super) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = json5::from_str::<Value>("{\n  a: 1\n  b: 2\n}").unwrap_err();
        let p = syntax_problem(Path::new("x.json5"), &e);
        assert_eq!(p.line, Some(3));
        assert!(p.message.starts_with("not valid JSON5: "), "{}", p.message);
        assert!(p.message.contains("column 3"), "{}", p.message);
    }
}
