//! Many-to-many distances by the bucket algorithm (Knopp, Sanders, Schultes, Schulz and Wagner,
//! ALENEX 2007): backward upward searches from every target leave `(target, distance)` entries
//! in buckets at the nodes they settle; a forward upward search from each source scans the
//! buckets of the nodes it settles. Both sides run in parallel, and the buckets are filled in
//! target order, so the table does not depend on the thread count.

use super::{ChWorkspace, ContractionHierarchy, INF};
use rayon::prelude::*;

impl ContractionHierarchy {
    /// Shortest distances from every source to every target (original ids), row-major:
    /// entry `i * targets.len() + j` is from `sources[i]` to `targets[j]`, `None` when
    /// unreachable or an id is out of range. Searches run in parallel on the current rayon pool;
    /// the result does not depend on the thread count.
    pub fn matrix(&self, sources: &[u32], targets: &[u32]) -> Vec<Option<u32>> {
        let n = self.node_count();
        let valid = |v: u32| (v as usize) < n;
        // Backward searches from every target.
        let spaces: Vec<Vec<(u32, u32)>> = targets
            .par_iter()
            .map_init(
                || (ChWorkspace::new(n), Vec::new()),
                |(ws, settled), &t| {
                    if !valid(t) {
                        return Vec::new();
                    }
                    let start = self.rank[t as usize];
                    self.upward(ws, &self.down, &self.up, start, settled);
                    settled.clone()
                },
            )
            .collect();
        // Buckets in CSR form, filled in target order.
        let mut first = vec![0usize; n + 1];
        for space in &spaces {
            for &(v, _) in space {
                first[v as usize + 1] += 1;
            }
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut next = first.clone();
        let mut bucket = vec![(0u32, 0u32); first[n]];
        for (j, space) in spaces.iter().enumerate() {
            for &(v, d) in space {
                bucket[next[v as usize]] = (j as u32, d);
                next[v as usize] += 1;
            }
        }
        drop(spaces);
        let cols = targets.len();
        sources
            .par_iter()
            .map_init(
                || (ChWorkspace::new(n), Vec::new()),
                |(ws, settled), &s| {
                    let mut row = vec![INF; cols];
                    if valid(s) {
                        let start = self.rank[s as usize];
                        self.upward(ws, &self.up, &self.down, start, settled);
                        for &(v, d) in settled.iter() {
                            for &(j, db) in &bucket[first[v as usize]..first[v as usize + 1]] {
                                let slot = &mut row[j as usize];
                                *slot = (*slot).min(d.saturating_add(db));
                            }
                        }
                    }
                    row.into_iter()
                        .map(|d| (d != INF).then_some(d))
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Workspace;
    use crate::routing::ch::test_graphs::{dijkstra, random_graph};

    #[test]
    fn agrees_with_dijkstra_on_random_graphs() {
        for seed in 0..300 {
            let g = random_graph(seed);
            let n = g.node_count() as u32;
            let ch = ContractionHierarchy::build(&g);
            let mut dws = Workspace::new(g.node_count());
            let all: Vec<Option<u32>> = (0..n).flat_map(|s| dijkstra(&g, s, &mut dws)).collect();
            // The matrix over all nodes, with a repeated and an out-of-range id.
            let ids: Vec<u32> = (0..n).chain([0, n + 5]).collect();
            let matrix = ch.matrix(&ids, &ids);
            for (i, &s) in ids.iter().enumerate() {
                for (j, &t) in ids.iter().enumerate() {
                    let want = if s < n && t < n {
                        all[(s * n + t) as usize]
                    } else {
                        None
                    };
                    assert_eq!(
                        matrix[i * ids.len() + j],
                        want,
                        "seed {seed} matrix {s}->{t}"
                    );
                }
            }
        }
    }
}
