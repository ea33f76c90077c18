//! The `commute` command line. All work happens in `cli`; this only maps the outcome to the exit
//! code: 0 done, 1 a command's negative answer (`route` found no route), 2 any error.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
