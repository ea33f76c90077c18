//! The hierarchy's versioned binary file: little-endian, checksummed, and checked on reading so
//! that a corrupted or forged file is an error, never a panic or a huge allocation.

use super::{Arcs, ContractionHierarchy, INF, NONE};
use std::io::{self, Read, Write};

/// The magic header of the serialised form.
const MAGIC: &[u8; 8] = b"COMMUTCH";
/// The version of the serialised form.
const VERSION: u32 = 1;

impl ContractionHierarchy {
    /// Writes the hierarchy in a versioned little-endian binary format: the magic `COMMUTCH`,
    /// the version (`u32`), the node and arc counts (`u64`), the rank order, both arc sets
    /// (offsets as `u64`, heads, weights, middles as `u32`) and an FNV-1a 64 checksum of all
    /// bytes before it.
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        let mut w = Checked::new(w);
        w.put_bytes(MAGIC)?;
        w.put_bytes(&VERSION.to_le_bytes())?;
        w.put_u64(self.order.len() as u64)?;
        w.put_u64(self.up.arcs.len() as u64)?;
        w.put_u64(self.down.arcs.len() as u64)?;
        w.put_u32s(&self.order)?;
        for arcs in [&self.up, &self.down] {
            for &f in &arcs.first {
                w.put_u64(u64::from(f))?;
            }
            let heads: Vec<u32> = arcs.arcs.iter().map(|a| a.0).collect();
            w.put_u32s(&heads)?;
            let weights: Vec<u32> = arcs.arcs.iter().map(|a| a.1).collect();
            w.put_u32s(&weights)?;
            w.put_u32s(&arcs.middle)?;
        }
        let sum = w.sum;
        w.inner.write_all(&sum.to_le_bytes())
    }

    /// Reads a hierarchy written by [`ContractionHierarchy::write_to`]. A wrong magic or
    /// version, truncated input, a checksum mismatch or an inconsistent structure is an
    /// [`io::ErrorKind::InvalidData`] (or `UnexpectedEof`) error; bad input never panics. The
    /// counts in the header never size an allocation ahead of the data: arrays grow as their
    /// values are read (at most 2^16 values, or 2^20 offsets, ahead), so a forged count costs
    /// memory in proportion to the bytes actually there and fails at the end of the input.
    pub fn read_from(r: &mut impl Read) -> io::Result<Self> {
        let mut r = Checked::new(r);
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(invalid("not a commute contraction hierarchy (bad magic)"));
        }
        let version = r.u32()?;
        if version != VERSION {
            return Err(invalid(&format!(
                "unsupported contraction hierarchy version {version} (expected {VERSION})"
            )));
        }
        let n = r.u64()?;
        if n >= u64::from(u32::MAX) {
            return Err(invalid("node count out of range"));
        }
        let n = n as usize;
        let m_up = r.u64()? as usize;
        let m_down = r.u64()? as usize;
        if m_up >= u32::MAX as usize || m_down >= u32::MAX as usize {
            return Err(invalid("arc count out of range"));
        }
        let order = r.u32s(n)?;
        let mut read_arcs = |m: usize| -> io::Result<Arcs> {
            let mut first = Vec::with_capacity(n.min(1 << 20) + 1);
            for _ in 0..=n {
                let f = r.u64()?;
                if f > m as u64 {
                    return Err(invalid("arc offset out of range"));
                }
                first.push(f as u32);
            }
            let heads = r.u32s(m)?;
            let weights = r.u32s(m)?;
            Ok(Arcs {
                first,
                arcs: heads.into_iter().zip(weights).collect(),
                middle: r.u32s(m)?,
            })
        };
        let up = read_arcs(m_up)?;
        let down = read_arcs(m_down)?;
        let expected = r.sum;
        let mut sum = [0u8; 8];
        r.inner.read_exact(&mut sum)?;
        if u64::from_le_bytes(sum) != expected {
            return Err(invalid("checksum mismatch"));
        }
        let mut rank = vec![NONE; n];
        for (i, &v) in order.iter().enumerate() {
            if v as usize >= n || rank[v as usize] != NONE {
                return Err(invalid("rank order is not a permutation"));
            }
            rank[v as usize] = i as u32;
        }
        let ch = ContractionHierarchy {
            order,
            rank,
            up,
            down,
        };
        ch.validate().map_err(invalid)?;
        Ok(ch)
    }

    /// Checks the structural invariants that queries rely on.
    fn validate(&self) -> Result<(), &'static str> {
        let n = self.node_count();
        for arcs in [&self.up, &self.down] {
            if arcs.first.first() != Some(&0)
                || arcs.first.last().map(|&f| f as usize) != Some(arcs.arcs.len())
                || arcs.first.windows(2).any(|w| w[0] > w[1])
            {
                return Err("arc offsets are not monotone");
            }
            for r in 0..n {
                for e in arcs.range(r as u32) {
                    let h = arcs.head(e);
                    let m = arcs.middle[e];
                    if h as usize >= n || h as usize <= r {
                        return Err("arc does not lead upward");
                    }
                    if arcs.weight(e) == INF {
                        return Err("arc weight out of range");
                    }
                    if m != NONE && m as usize >= r {
                        return Err("shortcut middle is not below its ends");
                    }
                }
            }
        }
        // Every shortcut must unpack into two arcs of the middle node with the same total.
        for (arcs, outward) in [(&self.up, true), (&self.down, false)] {
            for r in 0..n as u32 {
                for e in arcs.range(r) {
                    let m = arcs.middle[e];
                    if m == NONE {
                        continue;
                    }
                    let (from, to) = if outward {
                        (r, arcs.head(e))
                    } else {
                        (arcs.head(e), r)
                    };
                    let first = self
                        .down
                        .find(m, from)
                        .ok_or("shortcut cannot be unpacked")?;
                    let second = self.up.find(m, to).ok_or("shortcut cannot be unpacked")?;
                    let total =
                        u64::from(self.down.weight(first)) + u64::from(self.up.weight(second));
                    if total != u64::from(arcs.weight(e)) {
                        return Err("shortcut weight does not match its parts");
                    }
                }
            }
        }
        Ok(())
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

/// A reader or writer that keeps an FNV-1a 64 checksum of the bytes passing through.
struct Checked<T> {
    inner: T,
    sum: u64,
}

impl<T> Checked<T> {
    fn new(inner: T) -> Self {
        Checked {
            inner,
            sum: 0xcbf2_9ce4_8422_2325,
        }
    }

    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.sum = (self.sum ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl<W: Write> Checked<&mut W> {
    fn put_bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.add(b);
        self.inner.write_all(b)
    }

    fn put_u64(&mut self, v: u64) -> io::Result<()> {
        self.put_bytes(&v.to_le_bytes())
    }

    fn put_u32s(&mut self, vs: &[u32]) -> io::Result<()> {
        let mut buf = Vec::with_capacity(4 * vs.len().min(1 << 16));
        for chunk in vs.chunks(1 << 16) {
            buf.clear();
            for v in chunk {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            self.put_bytes(&buf)?;
        }
        Ok(())
    }
}

impl<R: Read> Checked<&mut R> {
    fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.inner.read_exact(buf)?;
        self.add(buf);
        Ok(())
    }

    fn u32(&mut self) -> io::Result<u32> {
        let mut b = [0u8; 4];
        self.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Reads `count` values in chunks, so a corrupted count fails at the end of the input
    /// instead of allocating a huge buffer up front.
    fn u32s(&mut self, count: usize) -> io::Result<Vec<u32>> {
        let mut out = Vec::with_capacity(count.min(1 << 16));
        let mut buf = vec![0u8; 4 << 16];
        let mut left = count;
        while left > 0 {
            let k = left.min(1 << 16);
            self.read_exact(&mut buf[..4 * k])?;
            out.extend(
                buf[..4 * k]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            left -= k;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Workspace;
    use crate::routing::ch::ChWorkspace;
    use crate::routing::ch::test_graphs::{bytes, dijkstra, grid};

    #[test]
    fn round_trip_is_identical_and_deterministic() {
        let g = grid(20, 7);
        let ch = ContractionHierarchy::build(&g);
        let written = bytes(&ch);
        // Same graph, any thread count: same bytes.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        assert_eq!(
            bytes(&one.install(|| ContractionHierarchy::build(&g))),
            written
        );
        let back = ContractionHierarchy::read_from(&mut written.as_slice()).unwrap();
        assert_eq!(back, ch);
        assert_eq!(bytes(&back), written);
        let ids: Vec<u32> = (0..400).step_by(7).collect();
        let m = back.matrix(&ids, &ids);
        assert_eq!(one.install(|| ch.matrix(&ids, &ids)), m);
        let mut ws = ChWorkspace::new(400);
        let mut dws = Workspace::new(400);
        for (i, &s) in ids.iter().enumerate() {
            let expected = dijkstra(&g, s, &mut dws);
            for (j, &t) in ids.iter().enumerate() {
                assert_eq!(m[i * ids.len() + j], expected[t as usize]);
                assert_eq!(back.query(&mut ws, s, t), expected[t as usize]);
            }
        }
    }

    #[test]
    fn corrupted_or_truncated_input_is_an_error() {
        let ch = ContractionHierarchy::build(&grid(6, 3));
        let good = bytes(&ch);
        for len in 0..good.len() {
            assert!(ContractionHierarchy::read_from(&mut &good[..len]).is_err());
        }
        for i in 0..good.len() {
            for flip in [1u8, 0x80] {
                let mut bad = good.clone();
                bad[i] ^= flip;
                assert!(
                    ContractionHierarchy::read_from(&mut bad.as_slice()).is_err(),
                    "byte {i}"
                );
            }
        }
        // A structurally wrong file with a valid checksum is rejected too.
        let mut wrong = ch.clone();
        wrong.up.arcs[0].0 = 0;
        assert!(ContractionHierarchy::read_from(&mut bytes(&wrong).as_slice()).is_err());
        let mut wrong = ch.clone();
        if let Some(e) = wrong.up.middle.iter().position(|&m| m != NONE) {
            wrong.up.arcs[e].1 += 1;
            assert!(ContractionHierarchy::read_from(&mut bytes(&wrong).as_slice()).is_err());
        }
    }

    #[test]
    fn forged_counts_fail_at_the_end_of_the_input() {
        for (n, m) in [
            (u64::from(u32::MAX) - 2, u64::from(u32::MAX) - 2),
            (1 << 28, 0),
        ] {
            let mut forged = MAGIC.to_vec();
            forged.extend_from_slice(&VERSION.to_le_bytes());
            for count in [n, m, m] {
                forged.extend_from_slice(&count.to_le_bytes());
            }
            forged.extend_from_slice(&[0; 64]);
            let err = ContractionHierarchy::read_from(&mut forged.as_slice()).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
        }
        let mut too_many = MAGIC.to_vec();
        too_many.extend_from_slice(&VERSION.to_le_bytes());
        too_many.extend_from_slice(&u64::MAX.to_le_bytes());
        let err = ContractionHierarchy::read_from(&mut too_many.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
    }
}
