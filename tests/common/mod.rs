//! Shared helpers for the integration tests: paths to the shipped fixtures, scenario files written
//! into temporary folders, and loading them.

#![allow(dead_code)]

use commute::routing::{Engine, Skims, skim_all};
use commute::scenario::{self, Scenario};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared external data folder (`COMMUTE_SHARED_DATA`, default ../shared/data); panics
/// with instructions when it is missing, so an external-data test never passes without it.
pub fn shared_data() -> PathBuf {
    let dir = std::env::var_os("COMMUTE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data"));
    assert!(
        dir.join("SOURCES.md").is_file(),
        "external data not found at {}: set COMMUTE_SHARED_DATA to the shared data folder",
        dir.display()
    );
    dir
}

/// The demo network folder.
pub fn demo_network() -> PathBuf {
    root().join("networks/demo")
}

/// Writes a scenario on the demo network with the given modifications (TOML text of
/// `[[modifications]]` tables) into `dir`, returning its path.
pub fn demo_scenario(dir: &Path, name: &str, modifications: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        "version = 1\nname = \"{name}\"\nnetwork = \"{}\"\n\n{modifications}\n",
        demo_network().display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes scenario `name` extending the shipped scenario `base` (e.g.
/// `scenarios/demo-base.toml`) with the TOML text `body` into `dir`, returning its path.
pub fn extending_scenario(dir: &Path, name: &str, base: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        "version = 1\nname = \"{name}\"\nextends = {:?}\n\n{body}\n",
        root().join(base).to_str().unwrap()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Loads a scenario, panicking with the error text on failure (for fixtures that must be valid).
pub fn load(path: &Path) -> Scenario {
    scenario::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Skims of a scenario in its window.
pub fn skims(s: &Scenario) -> Skims {
    skim_all(&Engine::new(&s.network, s.window))
}

/// Runs the `commute` binary with `args` in the repository root.
pub fn commute<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run commute")
}

/// Runs the `commute` binary with `args` in the repository root; returns its standard output,
/// panicking with its error output when it fails.
pub fn commute_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let out = commute(args);
    assert!(
        out.status.success(),
        "commute {:?} failed: {}",
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `commute run SCENARIO ARGS...` at 1 and at 2 threads into two folders under `dir`.
pub fn run_at_one_and_two_threads(dir: &Path, scenario: &str, args: &[&str]) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("t1"), dir.join("t2"));
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        let mut all = vec![
            "run",
            scenario,
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
        ];
        all.extend_from_slice(args);
        commute_ok(&all);
    }
    (a, b)
}

/// Every row of a CSV file as a map from column to cell (lines starting `#`, such as an
/// imported table's generated-by line, are comments).
pub fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(path)
        .unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, c)| (h.to_owned(), c.to_owned()))
                .collect()
        })
        .collect()
}
