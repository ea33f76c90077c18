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
mod calibrate;
mod compare;
mod export;
mod import;
mod inspect;
mod route;
mod run;
mod sp;
mod validate;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use commute::run::{CannotHold, HeldDemand, Horizon, RunDemand};
use commute::scenario::Scenario;
use std::fmt::Display;

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
    Import(import::Args),
    Export(export::Args),
    Calibrate(calibrate::Args),
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
    remove_unfinished_outputs_on_signals()?;
    // Signs are parsed as part of a value, so `--draws -1` is rejected with the option's range
    // rather than clap's "unexpected argument '-1'".
    let command = Cli::command().mut_subcommands(|sub| sub.allow_negative_numbers(true));
    let cli = match command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
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
        Command::Import(args) => done(import::run(args)),
        Command::Export(args) => done(export::run(args)),
        Command::Calibrate(args) => done(calibrate::run(args)),
    }
}

/// On Ctrl-C (SIGINT), SIGTERM or SIGHUP, removes the unfinished temporary outputs, then exits
/// with 128 + the signal's number (130, 143, 129), as a shell reports a process killed by it.
#[cfg(unix)]
fn remove_unfinished_outputs_on_signals() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            commute::io::output::remove_unfinished();
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

#[cfg(not(unix))]
fn remove_unfinished_outputs_on_signals() -> anyhow::Result<()> {
    Ok(())
}

/// `--horizon` of `run` and `compare`: the demand horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum HorizonArg {
    /// Fixed demand: a base scenario's commuters per zone pair held (the short run).
    Fixed,
    /// Variable destination: the scenario's own demand (the long run).
    Variable,
}

impl From<HorizonArg> for Horizon {
    fn from(arg: HorizonArg) -> Horizon {
        match arg {
            HorizonArg::Fixed => Horizon::FixedDemand,
            HorizonArg::Variable => Horizon::VariableDestination,
        }
    }
}

/// The commuters `held` in `scenario` (fixed demand); a note on the terminal names the zones
/// the base lacks (they get none). `otherwise` ends the messages: what to do instead.
fn hold(held: HeldDemand, scenario: &Scenario, otherwise: &str) -> anyhow::Result<RunDemand> {
    let flows = held
        .on(scenario)
        .map_err(|CannotHold(why)| anyhow::anyhow!("fixed demand: {why} ({otherwise})"))?;
    let new_zones = held.new_zones(scenario);
    if !new_zones.is_empty() {
        eprintln!(
            "note: fixed demand: zones {} are not in {} and get no commuters ({otherwise})",
            new_zones.join(", "),
            held.from
        );
    }
    Ok(RunDemand::Held {
        from: held.from,
        flows,
    })
}

/// More worker threads than this only cost memory and start-up time.
const MAX_THREADS: usize = 256;

/// A rayon pool with `threads` workers (all cores when `None`); `threads` was checked by
/// [`threads`] when parsed.
fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    Ok(builder.build()?)
}

/// Parser of `--threads`: 1 to [`MAX_THREADS`].
fn threads(text: &str) -> Result<usize, String> {
    whole(1, MAX_THREADS)(text)
}

/// Parser of a seed: any whole number from 0 to 2^64 - 1.
fn seed(text: &str) -> Result<u64, String> {
    whole(0, u64::MAX)(text)
}

/// A parser of whole numbers from `min` to `max` for a numeric option. Text with a sign is a
/// number too, so `-1` gets a message with the range, which clap prints after the option's name.
fn whole<T>(min: T, max: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: Copy + Display + TryFrom<i128> + Send + Sync + 'static,
    i128: TryFrom<T>,
{
    move |text| {
        let value: i128 = text
            .trim()
            .parse()
            .map_err(|_| format!("expected a whole number from {min} to {max}"))?;
        let in_range = i128::try_from(min).is_ok_and(|lo| lo <= value)
            && i128::try_from(max).is_ok_and(|hi| value <= hi);
        in_range
            .then(|| T::try_from(value).ok())
            .flatten()
            .ok_or_else(|| format!("must be from {min} to {max}, got {value}"))
    }
}

/// A parser of finite numbers from `min` to `max` (inclusive) for a numeric option.
fn number(min: f64, max: f64) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync {
    move |text| {
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("expected a number from {min} to {max}"))?;
        if value.is_finite() && (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("must be a number from {min} to {max}, got {text}"))
        }
    }
}
