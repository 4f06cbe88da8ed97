//! `textdedup`: the command-line tool (DESIGN.md section 7).
//!
//! Built with `--features cli`. Every error prints one line on standard
//! error and exits with status 2; a closed standard output (`| head`) ends
//! the run quietly with status 0.

#![forbid(unsafe_code)]

mod args;
mod batch;
mod budget;
mod engine;
mod error;
mod format;
mod inputs;
mod jsonl;
mod output;
mod parquet;
mod pipeline;
mod progress;
mod reader;
mod run;
#[cfg(unix)]
mod signals;
mod sink;
mod temp;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::error::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    #[cfg(unix)]
    if let Err(e) = signals::install() {
        eprintln!("textdedup: error: {e}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Clean(args) => run::clean(args),
        Command::Find(args) => run::find(args),
        Command::Chunk(args) => run::chunk(args),
    };
    match result {
        Ok(()) | Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("textdedup: error: {e}");
            ExitCode::from(2)
        }
    }
}
