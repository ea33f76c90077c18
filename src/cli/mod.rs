//! Command-line parsing (clap derive) and dispatch, one file per subcommand. Arguments are
//! validated into plain values before any work starts; errors carry context through `anyhow`.

/// `println!` for command output: a closed pipe (`commute ... | head`) ends the program quietly
/// instead of panicking; other write errors are returned.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            return Err(e.into());
        }
    }};
}

mod assign;
mod bench;
mod compare;
mod inspect;
mod route;
mod run;
mod sp;
mod validate;

use clap::{Parser, Subcommand};

/// Commute and transport network simulator for the Beijing-Tianjin-Hebei (Jing-Jin-Ji) region.
///
/// Loads a transport network and a scenario of modifications, computes door-to-door travel
/// times between all zones by car and public transport, and writes results a planner can open.
#[derive(Debug, Parser)]
#[command(name = "commute", version, propagate_version = true)]
#[command(after_help = "Examples:
  commute run scenarios/jjj-2024.toml
  commute compare scenarios/jjj-2024.toml scenarios/line22.toml
  commute route scenarios/jjj-2024.toml --from Xiongan --to Guomao --mode transit
  commute validate scenarios/*.toml
  commute inspect networks/jjj")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(run::Args),
    Compare(compare::Args),
    Route(route::Args),
    Sp(sp::Args),
    Assign(assign::Args),
    Bench(bench::Args),
    Validate(validate::Args),
    Inspect(inspect::Args),
}

/// How a command that ran without error ended. Errors are exit code 2; this tells a script
/// a correct negative answer apart from success without parsing the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The command did what was asked: exit code 0.
    Done,
    /// `route` found no route between two valid places: exit code 1.
    NoRoute,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> std::process::ExitCode {
        match self {
            Outcome::Done => std::process::ExitCode::SUCCESS,
            Outcome::NoRoute => std::process::ExitCode::from(1),
        }
    }
}

/// Parses the command line and runs the subcommand.
pub fn run() -> anyhow::Result<Outcome> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            e.print()?;
            return Ok(Outcome::Done);
        }
        Err(e) => {
            e.print()?;
            anyhow::bail!("invalid command line")
        }
    };
    let done = |result: anyhow::Result<()>| result.map(|()| Outcome::Done);
    match cli.command {
        Command::Run(args) => done(run::run(args)),
        Command::Compare(args) => done(compare::run(args)),
        Command::Route(args) => route::run(args),
        Command::Sp(args) => done(sp::run(args)),
        Command::Assign(args) => done(assign::run(args)),
        Command::Bench(args) => done(bench::run(args)),
        Command::Validate(args) => done(validate::run(args)),
        Command::Inspect(args) => done(inspect::run(args)),
    }
}

/// More worker threads than this only cost memory and start-up time.
const MAX_THREADS: usize = 256;

/// A rayon pool with `threads` workers (all cores when `None`).
fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        anyhow::ensure!(
            (1..=MAX_THREADS).contains(&n),
            "--threads must be between 1 and {MAX_THREADS}, got {n}"
        );
        builder = builder.num_threads(n);
    }
    Ok(builder.build()?)
}
