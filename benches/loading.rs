//! Loading benchmarks: a generated network folder with a 1,000,000-row `roads.csv` (and a
//! ~500,000-row `nodes.csv`), read the way a user's command reads it. Loading was quadratic in
//! the file's size once (each record's line counted from the start of the file); this keeps
//! it linear and fast.
//!
//! - `load_network`: `commute::io::load_network`, what `run`, `validate` and `inspect` do first;
//! - `load_road_graph`: `commute::io::load_road_graph` on the folder, what `commute sp` and
//!   `commute bench` do (the network, then its car graph, renumbered breadth-first).
//!
//! The folder is written into a temporary folder at bench time (about 100 MB, removed after);
//! nothing is committed. `COMMUTE_BENCH_ROADS` changes the number of road rows (default
//! 1,000,000). Every timed load must succeed and find every row.
//!
//! Run with `cargo bench --bench loading` (about a minute on 2 cores: 10 samples of one load
//! each).

use commute::io::{load_network, load_road_graph};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Number of road rows to generate.
fn road_rows() -> usize {
    std::env::var("COMMUTE_BENCH_ROADS")
        .ok()
        .map(|v| {
            v.parse()
                .expect("COMMUTE_BENCH_ROADS must be a whole number")
        })
        .unwrap_or(1_000_000)
}

/// Zones of the generated network (each with a centroid and a car access link).
const ZONES: usize = 10;

/// Writes a network folder in `dir`: a `side x side` grid of road junctions (about 0.1 km
/// apart) with the first `roads` of its horizontal and vertical links as two-way roads, and
/// [`ZONES`] zones reaching the grid by car. Returns (nodes, roads) written.
fn write_network(dir: &Path, roads: usize) -> std::io::Result<(usize, usize)> {
    let mut side = 2;
    while 2 * side * (side - 1) < roads {
        side += 1;
    }
    let file = |name: &str| File::create(dir.join(name)).map(BufWriter::new);
    std::fs::write(
        dir.join("network.toml"),
        "format_version = 1\nname = \"generated\"\ncoordinate_system = \"WGS84\"\n",
    )?;
    let mut nodes = file("nodes.csv")?;
    writeln!(nodes, "id,name,kind,lon,lat")?;
    for r in 0..side {
        for c in 0..side {
            let (lon, lat) = (116.0 + c as f64 * 1e-3, 39.0 + r as f64 * 1e-3);
            writeln!(
                nodes,
                "n{r}_{c},Junction {r}/{c},road_junction,{lon:.4},{lat:.4}"
            )?;
        }
    }
    for z in 0..ZONES {
        writeln!(nodes, "z{z},Zone {z},zone_centroid,116.0,39.0")?;
    }
    nodes.flush()?;
    let mut out = file("roads.csv")?;
    writeln!(
        out,
        "id,name,from,to,length_km,speed_kmh,capacity_vph,lanes,class,toll_yuan,oneway,checkpoint_min"
    )?;
    let mut written = 0;
    'grid: for r in 0..side {
        for c in 0..side {
            for (r2, c2) in [(r, c + 1), (r + 1, c)] {
                if written == roads {
                    break 'grid;
                }
                if r2 < side && c2 < side {
                    writeln!(
                        out,
                        "rd{written},Street {written},n{r}_{c},n{r2}_{c2},0.1,40,1800,2,local,0,false,"
                    )?;
                    written += 1;
                }
            }
        }
    }
    out.flush()?;
    let mut zones = file("zones.csv")?;
    let mut access = file("access.csv")?;
    writeln!(zones, "id,name,centroid,residents,jobs,car_share")?;
    writeln!(access, "zone,node,mode,minutes")?;
    for z in 0..ZONES {
        writeln!(zones, "zone{z},Zone {z},z{z},1000,1000,0.5")?;
        writeln!(access, "zone{z},n{z}_0,car,5")?;
    }
    zones.flush()?;
    access.flush()?;
    Ok((side * side + ZONES, written))
}

fn loading(c: &mut Criterion) {
    let rows = road_rows();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let start = Instant::now();
    let (nodes, roads) = write_network(dir.path(), rows).expect("writing the generated network");
    assert_eq!(roads, rows, "the grid holds every requested road");
    eprintln!(
        "loading bench: {roads} roads, {nodes} nodes written in {:.1} s to {}",
        start.elapsed().as_secs_f64(),
        dir.path().display()
    );
    let mut group = c.benchmark_group(format!("load_{rows}_roads"));
    // One load is about a second: one load per sample, 10 samples.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    // Freeing the result is not timed (`iter_with_large_drop`).
    group.bench_function("load_network", |b| {
        b.iter_with_large_drop(|| {
            let net = load_network(dir.path()).expect("the generated network loads");
            assert_eq!((net.roads().len(), net.nodes().len()), (roads, nodes));
            black_box(net)
        })
    });
    group.bench_function("load_road_graph", |b| {
        b.iter_with_large_drop(|| {
            let graph = load_road_graph(dir.path()).expect("the generated network loads");
            assert_eq!(graph.arc_count(), 2 * roads);
            black_box(graph)
        })
    });
    group.finish();
}

criterion_group!(benches, loading);
criterion_main!(benches);
