//! Writing the CSV tables of docs/formats.md in memory: the header, `#` comment lines (which the
//! reader in `table.rs` skips) and rows, quoted only where a field needs it. A field holding `#`
//! is quoted too, so no row can ever be read back as a comment.
//!
//! The bytes go to disk through [`super::output`], like every other output.

/// A CSV table being built in memory.
pub struct TableWriter {
    writer: csv::Writer<Vec<u8>>,
}

impl TableWriter {
    /// Starts a table with its header row.
    pub fn new(columns: &[&str]) -> TableWriter {
        let mut table = TableWriter {
            writer: csv_writer(Vec::new()),
        };
        table.row(columns);
        table
    }

    /// Adds the comment line `# text` (a line break in `text` becomes a space).
    pub fn comment(&mut self, text: &str) {
        // The csv writer cannot write a comment: take its bytes, add the line, go on writing.
        let writer = std::mem::replace(&mut self.writer, csv_writer(Vec::new()));
        // Writing to memory cannot fail.
        let mut bytes = writer.into_inner().expect("in-memory write");
        bytes.extend_from_slice(b"# ");
        bytes.extend_from_slice(text.replace(['\r', '\n'], " ").as_bytes());
        bytes.push(b'\n');
        self.writer = csv_writer(bytes);
    }

    /// Adds one row. Panics when it has another number of fields than the rows before it (a
    /// mistake of the program, not of its input).
    pub fn row<I>(&mut self, fields: I)
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        // Writing to memory cannot fail; only a row of another length can.
        self.writer
            .write_record(fields)
            .expect("a row with as many fields as the rows before it");
    }

    /// The finished table.
    pub fn into_bytes(self) -> Vec<u8> {
        // Writing to memory cannot fail.
        self.writer.into_inner().expect("in-memory write")
    }
}

/// A csv writer appending to `bytes`, quoting fields that hold `#` too.
fn csv_writer(bytes: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .comment(Some(b'#'))
        .from_writer(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_where_needed() {
        let mut t = TableWriter::new(&["id", "name"]);
        t.comment("Generated\nhere");
        t.row(["a", "plain"]);
        t.row(["b", "with, comma"]);
        t.row(["c", "say \"hi\""]);
        t.row(["#d", "hash"]);
        assert_eq!(
            String::from_utf8(t.into_bytes()).unwrap(),
            "id,name\n# Generated here\na,plain\nb,\"with, comma\"\nc,\"say \"\"hi\"\"\"\n\"#d\",hash\n"
        );
    }
}
