//! Ids read from the network's tables: duplicates reported with the line of their first use,
//! references from other tables resolved, and ids of rows with problems remembered so that a
//! reference to them is not reported a second time.

use crate::io::table::{Row, Table};
use crate::network::NodeId;
use std::hash::BuildHasher;
use std::path::PathBuf;

/// Hash sets of ids from the files: foldhash, several times faster than the standard SipHash on
/// short keys, still randomly seeded per process.
pub(super) type FastSet<T> = foldhash::HashSet<T>;

/// Finds ids by their text: a hash table of indexes (8 bytes a slot), the text kept by the
/// caller. A million roads or half a million nodes take a few MB of table instead of tens of MB
/// of keyed slots: looking ids up in those took a third of the time to load a million roads.
#[derive(Default)]
pub(super) struct IdIndex {
    slots: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl IdIndex {
    fn with_capacity(capacity: usize) -> Self {
        IdIndex {
            slots: hashbrown::HashTable::with_capacity(capacity),
            hasher: Default::default(),
        }
    }

    /// The index of `id`, where `text(i)` is the id of index `i`.
    fn find<'a>(&self, id: &str, text: impl Fn(usize) -> &'a str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        self.slots.find(hash, |&i| text(i) == id).copied()
    }

    /// Makes room for `additional` more ids.
    fn reserve<'a>(&mut self, additional: usize, text: impl Fn(usize) -> &'a str) {
        let hasher = &self.hasher;
        self.slots
            .reserve(additional, |&j| hasher.hash_one(text(j)));
    }

    /// Adds index `i` of `id`, which must not be there yet.
    fn insert<'a>(&mut self, id: &str, i: usize, text: impl Fn(usize) -> &'a str) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(id);
        self.slots
            .insert_unique(hash, i, |&j| hasher.hash_one(text(j)));
    }
}

/// The ids of one table, for resolving references from other tables. An id whose own row had
/// problems is known but unusable: rows referring to it are skipped without a second, misleading
/// "unknown id" problem.
#[derive(Default)]
pub(super) struct Refs {
    /// False when the table could not be read at all: then nothing is reported about it again.
    pub(super) usable: bool,
    what: &'static str,
    file: &'static str,
    /// The ids back to back, id `i` ending at `ends[i]`.
    ids: String,
    ends: Vec<usize>,
    index: IdIndex,
    mentioned: FastSet<String>,
}

impl Refs {
    pub(super) fn new<'s>(
        what: &'static str,
        file: &'static str,
        ids: impl Iterator<Item = &'s str>,
        mentioned: FastSet<String>,
    ) -> Self {
        let mut refs = Refs {
            usable: true,
            what,
            file,
            mentioned,
            ..Refs::default()
        };
        for id in ids {
            refs.ids.push_str(id);
            refs.ends.push(refs.ids.len());
        }
        refs.index = IdIndex::with_capacity(refs.ends.len());
        let Refs {
            ids, ends, index, ..
        } = &mut refs;
        let text = |i: usize| &ids[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        for i in 0..ends.len() {
            index.insert(text(i), i, text);
        }
        refs
    }

    /// Id `i`.
    fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.ids[start..self.ends[i]]
    }

    pub(super) fn get(&self, row: &mut Row<'_, '_>, column: &str) -> Option<usize> {
        let id = row.text(column)?;
        let found = self.index.find(id, |i| self.id(i));
        if found.is_none() && self.usable && !self.mentioned.contains(id) {
            row.problem(
                Some(column),
                format!("unknown {} id `{id}` (not in {})", self.what, self.file),
            );
        }
        found
    }
}

pub(super) fn node_ref(nodes: &Refs, row: &mut Row<'_, '_>, column: &str) -> Option<NodeId> {
    nodes.get(row, column).map(NodeId::new)
}

/// Ids seen so far in one table, to report duplicates with the line of the first use, and ids
/// of rows that were not kept (they had problems), which other tables may name without a second
/// "unknown id" problem. Borrows the ids from the tables read: a million rows cost no string
/// copies (allocating and freeing them took a third of the loading time).
#[derive(Default)]
pub(super) struct SeenIds<'t> {
    /// Ids of kept rows with the file (index into `paths`) and line of their row.
    kept: Vec<(&'t str, usize, u64)>,
    /// Finds the ids of `kept`.
    index: IdIndex,
    /// The files of `first`, each once.
    paths: Vec<PathBuf>,
    /// Ids of rows that were not kept.
    unusable: FastSet<&'t str>,
    /// The id of the row being read, until it is kept.
    pending: Option<&'t str>,
}

impl<'t> SeenIds<'t> {
    /// Starts with the ids of the table's rows that could not be read at all.
    pub(super) fn with_broken_rows_of(table: &'t Table) -> Self {
        let mut seen = SeenIds::default();
        seen.reserve(table);
        for id in table.broken_values("id") {
            seen.mention(Some(id));
        }
        seen
    }

    /// Makes room for the ids of `table`'s rows.
    pub(super) fn reserve(&mut self, table: &Table) {
        let kept = &self.kept;
        self.index.reserve(table.len(), |i| kept[i].0);
        self.kept.reserve(table.len());
    }

    /// The index in `kept` of `id`.
    fn find(&self, id: &str) -> Option<usize> {
        self.index.find(id, |i| self.kept[i].0)
    }

    /// Notes the id of the row about to be read, whether or not the row turns out valid; it
    /// counts as unusable unless [`SeenIds::check`] keeps it.
    pub(super) fn mention(&mut self, id: Option<&'t str>) {
        self.settle();
        self.pending = id;
    }

    /// Files the pending id as unusable (its row was not kept).
    fn settle(&mut self) {
        if let Some(id) = self.pending.take()
            && self.find(id).is_none()
        {
            self.unusable.insert(id);
        }
    }

    /// Ids of rows not kept, for [`Refs::new`].
    pub(super) fn unusable(mut self) -> FastSet<String> {
        self.settle();
        self.unusable.into_iter().map(str::to_owned).collect()
    }

    /// Keeps `id` of `row` unless it was used before (then reports the duplicate and returns
    /// false).
    pub(super) fn check(&mut self, row: &mut Row<'_, '_>, column: &str, id: &'t str) -> bool {
        if let Some(first) = self.find(id) {
            let (_, path, line) = self.kept[first];
            let path = &self.paths[path];
            let place = if path == row.path {
                format!("on line {line}")
            } else {
                format!("in {} line {line}", path.display())
            };
            row.problem(
                Some(column),
                format!("duplicate id `{id}` (first used {place})"),
            );
            false
        } else {
            // Compared as bytes: `Path`'s own comparison parses the components, every row.
            if self.paths.last().map(|p| p.as_os_str()) != Some(row.path.as_os_str()) {
                self.paths.push(row.path.to_path_buf());
            }
            let kept = &self.kept;
            self.index.insert(id, kept.len(), |i| kept[i].0);
            self.kept.push((id, self.paths.len() - 1, row.line));
            if self.pending == Some(id) {
                self.pending = None; // kept, not unusable
            }
            true
        }
    }
}
