//! `commute validate`: load and resolve scenarios, printing every problem in every file.

use commute::routing::{Engine, skim_all};
use commute::run::Unreachable;
use commute::scenario;
use std::path::PathBuf;

/// Check scenario files and their networks; print every problem found.
///
/// Exits with code 2 when any file has a problem. Zone pairs without a route (by car, by public
/// transport, by any mode) are reported as warnings.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute validate scenarios/*.toml")]
pub struct Args {
    /// Scenario files, or network folders (each run as it is).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut failed = 0;
    for path in &args.scenarios {
        match scenario::load(path) {
            Ok(s) => {
                let skims = skim_all(&Engine::new(&s.network, s.window));
                let unreachable = Unreachable::of(&skims);
                outln!(
                    "ok: {} ({}): {} nodes, {} lines, {} zones, {} modification{}",
                    path.display(),
                    s.name,
                    s.network.nodes().len(),
                    s.network.lines().len(),
                    s.network.zones().len(),
                    s.applied.len(),
                    if s.applied.len() == 1 { "" } else { "s" }
                );
                for (count, what) in [
                    (unreachable.best, "by any mode"),
                    (unreachable.car, "by car"),
                    (unreachable.transit, "by public transport"),
                ] {
                    if count > 0 {
                        outln!(
                            "warning: {}: {count} zone pairs have no route {what}",
                            path.display()
                        );
                    }
                }
            }
            Err(e) => {
                failed += 1;
                outln!("error: {}: {e}", path.display());
            }
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} scenario files have problems",
        args.scenarios.len()
    );
    Ok(())
}
