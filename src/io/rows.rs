//! Typed rows of a [`Table`] through serde: a row type derives `Deserialize`, its field names are
//! the table's columns, and each cell is parsed by the field's type. The tables `commute` writes
//! itself (a run's od.csv, draws.csv, ...) are read back this way, so a row type is the one
//! definition of its file's columns, for the writer (which serialises the same type) and the
//! reader alike. Every problem keeps the file, line and column [`Table`] knows; input tables a
//! planner edits keep their hand-written readers, which report every cell at once.

use super::table::Table;
use crate::error::Problem;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::fmt;

/// The field names of the struct `T` as its `Deserialize` derive declares them (renames
/// applied): the columns of its table, in order. Empty for a type that is not a struct with
/// named fields.
pub fn columns<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names = FieldNames(&[]);
    // The derive hands its field list to `deserialize_struct`, which then refuses: nothing is
    // read.
    let _ = T::deserialize(&mut names);
    names.0
}

impl Table {
    /// Every row read as a `T` (a column per field, see [`columns`]), with its line. A row with a
    /// problem is reported (its first problem) and left out.
    pub fn typed_rows<T: DeserializeOwned>(&self, problems: &mut Vec<Problem>) -> Vec<(u64, T)> {
        let fields = columns::<T>();
        let index: Vec<Option<usize>> = fields.iter().map(|f| self.column(f)).collect();
        let mut rows = Vec::with_capacity(self.len());
        for record in 0..self.len() {
            let cells = Cells {
                table: self,
                record,
                fields,
                index: &index,
                next: 0,
            };
            let (path, line) = self.place(record);
            match T::deserialize(RowDeserializer(cells)) {
                Ok(row) => rows.push((line, row)),
                Err(e) => problems.push(Problem::at(path, line, e.column, e.message)),
            }
        }
        rows
    }

    /// The cells of `column` in every row read as `T`; `None` when a cell has a problem (each
    /// one is reported) or the column is absent.
    pub fn typed_column<T: DeserializeOwned>(
        &self,
        column: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<T>> {
        let index = self.column(column)?;
        let before = problems.len();
        let mut values = Vec::with_capacity(self.len());
        for record in 0..self.len() {
            match T::deserialize(Cell(self.field(record, index))) {
                Ok(value) => values.push(value),
                Err(e) => {
                    let (path, line) = self.place(record);
                    problems.push(Problem::at(path, line, Some(column), e.message));
                }
            }
        }
        (problems.len() == before).then_some(values)
    }
}

/// Why a row or cell could not be read, and in which column.
#[derive(Debug)]
struct CellError {
    column: Option<&'static str>,
    message: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CellError {}

impl de::Error for CellError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        CellError {
            column: None,
            message: message.to_string(),
        }
    }

    /// "expected `forward` or `backward`, got `sideways`", as the hand-written readers say it.
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let quoted: Vec<String> = expected.iter().map(|v| format!("`{v}`")).collect();
        let list = match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "nothing".to_owned(),
        };
        de::Error::custom(format_args!("expected {list}, got `{variant}`"))
    }
}

/// Records the field list a struct's derive passes to `deserialize_struct`.
struct FieldNames(&'static [&'static str]);

impl<'de> de::Deserializer<'de> for &mut FieldNames {
    type Error = CellError;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, CellError> {
        self.0 = fields;
        Err(de::Error::custom("field names only"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, CellError> {
        Err(de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// One record as a struct: a map from its fields to their cells.
struct RowDeserializer<'t>(Cells<'t>);

impl<'de> de::Deserializer<'de> for RowDeserializer<'_> {
    type Error = CellError;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_map(self.0)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, CellError> {
        Err(de::Error::custom("a row is read into a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The cells of one record, by the fields of the row type.
struct Cells<'t> {
    table: &'t Table,
    record: usize,
    fields: &'static [&'static str],
    /// The column of each field (all present: the header was checked against them).
    index: &'t [Option<usize>],
    next: usize,
}

impl<'de> de::MapAccess<'de> for Cells<'_> {
    type Error = CellError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, CellError> {
        match self.fields.get(self.next) {
            Some(&field) => seed.deserialize(field.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, CellError> {
        let (table, column) = (self.table, self.fields[self.next]);
        let text = self.index[self.next].map_or("", |i| table.field(self.record, i));
        self.next += 1;
        seed.deserialize(Cell(text)).map_err(|e| CellError {
            column: Some(column),
            message: e.message,
        })
    }
}

/// One cell's text, read by the type asked for.
struct Cell<'t>(&'t str);

impl Cell<'_> {
    fn number(&self) -> Result<f64, CellError> {
        match self.0.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ if self.0.is_empty() => {
                Err(de::Error::custom("expected a number, got an empty cell"))
            }
            _ => Err(de::Error::custom(format_args!(
                "expected a number, got `{}`",
                self.0
            ))),
        }
    }

    fn whole<T: std::str::FromStr>(&self) -> Result<T, CellError> {
        self.0.parse::<T>().map_err(|_| {
            if self.0.is_empty() {
                de::Error::custom("expected a whole number, got an empty cell")
            } else {
                de::Error::custom(format_args!("expected a whole number, got `{}`", self.0))
            }
        })
    }
}

impl<'de> de::Deserializer<'de> for Cell<'_> {
    type Error = CellError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_str(self.0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_f64(self.number()?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_f64(self.number()?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_u64(self.whole()?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_u64(self.whole()?)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_u64(self.whole()?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_u64(self.whole()?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_i64(self.whole()?)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_i64(self.whole()?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i128 u128 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::Others;
    use super::*;
    use serde::Deserialize;
    use std::path::Path;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Side {
        Forward,
        Backward,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: String,
        side: Side,
        count: u32,
        share: f64,
        minutes: Option<f64>,
    }

    fn read(text: &str) -> (Vec<(u64, Row)>, Vec<String>) {
        let mut problems = Vec::new();
        let table = Table::parse(
            Path::new("t.csv"),
            text.as_bytes().to_vec(),
            columns::<Row>(),
            Others::Only(&[]),
            &mut problems,
        );
        let rows = table.map_or(vec![], |t| t.typed_rows(&mut problems));
        (rows, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_columns_are_the_field_names() {
        assert_eq!(
            columns::<Row>(),
            ["id", "side", "count", "share", "minutes"]
        );
        assert!(columns::<f64>().is_empty());
    }

    #[test]
    fn rows_read_by_field_with_their_lines() {
        let (rows, problems) =
            read("id,side,count,share,minutes\na,forward,3,0.5,\n\nb,backward,0,1e-3,12.5\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(
            rows[1],
            (
                4,
                Row {
                    id: "b".into(),
                    side: Side::Backward,
                    count: 0,
                    share: 0.001,
                    minutes: Some(12.5)
                }
            )
        );
        // Columns in another order read the same.
        let (shuffled, _) = read("side,id,share,count,minutes\nforward,a,0.5,3,\n");
        assert_eq!(shuffled[0].1, rows[0].1);
    }

    #[test]
    fn bad_cells_name_file_line_and_column() {
        let header = "id,side,count,share,minutes\n";
        for (row, expect) in [
            (
                "a,sideways,1,0.5,",
                "t.csv:2: field `side`: expected `forward` or `backward`, got `sideways`",
            ),
            (
                "a,forward,-1,0.5,",
                "t.csv:2: field `count`: expected a whole number, got `-1`",
            ),
            (
                "a,forward,1,,",
                "t.csv:2: field `share`: expected a number, got an empty cell",
            ),
            (
                "a,forward,1,0.5,inf",
                "t.csv:2: field `minutes`: expected a number, got `inf`",
            ),
            (
                "a,forward,4294967296,0.5,",
                "t.csv:2: field `count`: invalid value: integer `4294967296`, expected u32",
            ),
        ] {
            let (rows, problems) = read(&format!("{header}{row}\n"));
            assert!(rows.is_empty());
            assert_eq!(problems, [expect]);
        }
        let (_, problems) = read("id,side,count,share\n");
        assert_eq!(
            problems,
            ["t.csv:1: field `minutes`: required column is missing"]
        );
    }
}
