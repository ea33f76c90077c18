//! Compressed sparse row adjacency: all out-edges of a node are contiguous, so a Dijkstra scan
//! touches one slice of heads and one of weights. Built once per scenario, read by every thread.

/// A directed graph with `u32` weights in CSR form. Edge `e` goes from `tail(e)` to `heads[e]`.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    tails: Vec<u32>,
    /// `(head, weight)` of each edge, side by side: a relaxation reads one cache line.
    arcs: Vec<(u32, u32)>,
}

impl Csr {
    /// Builds the graph on `nodes` nodes from `(tail, head, weight)` triples. Edges keep their
    /// input order within a node (a stable counting sort), so ties break the same way on every
    /// run. Returns the graph and, for each CSR edge, the index of the input edge it came from.
    ///
    /// # Panics
    /// If an endpoint is `>= nodes`.
    pub fn build(nodes: usize, edges: &[(u32, u32, u32)]) -> (Csr, Vec<u32>) {
        let mut offsets = vec![0u32; nodes + 1];
        for &(t, h, _) in edges {
            assert!(
                (t as usize) < nodes && (h as usize) < nodes,
                "edge endpoint out of range"
            );
            offsets[t as usize + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut order = vec![0u32; edges.len()];
        for (i, &(t, _, _)) in edges.iter().enumerate() {
            let slot = &mut next[t as usize];
            order[*slot as usize] = i as u32;
            *slot += 1;
        }
        let tails = order.iter().map(|&i| edges[i as usize].0).collect();
        let arcs = order
            .iter()
            .map(|&i| (edges[i as usize].1, edges[i as usize].2))
            .collect();
        (
            Csr {
                offsets,
                tails,
                arcs,
            },
            order,
        )
    }

    /// The same graph with edge `e` weighing `weight(e)`.
    pub fn reweighted(&self, weight: impl Fn(usize) -> u32) -> Csr {
        Csr {
            arcs: self
                .arcs
                .iter()
                .enumerate()
                .map(|(e, &(head, _))| (head, weight(e)))
                .collect(),
            ..self.clone()
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.arcs.len()
    }

    /// The range of edge indices leaving `node`.
    #[inline]
    pub fn edges_of(&self, node: u32) -> std::ops::Range<usize> {
        self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize
    }

    /// The head of edge `e`.
    #[inline]
    pub fn head(&self, e: usize) -> u32 {
        self.arcs[e].0
    }

    /// The tail of edge `e`.
    #[inline]
    pub fn tail(&self, e: usize) -> u32 {
        self.tails[e]
    }

    /// The weight of edge `e`.
    #[inline]
    pub fn weight(&self, e: usize) -> u32 {
        self.arcs[e].1
    }

    /// The `(head, weight)` of the edges leaving `node`, in edge order.
    #[inline]
    pub fn arcs_of(&self, node: u32) -> &[(u32, u32)] {
        &self.arcs[self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize]
    }
}
