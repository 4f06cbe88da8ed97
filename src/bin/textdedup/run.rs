//! The subcommands: resolve inputs, pick the output, run the loop.

use std::path::{Path, PathBuf};

use crate::args::{ChunkArgs, CleanArgs, FindArgs, RunArgs};
use crate::engine::Engine;
use crate::error::{CliError, Result};
use crate::inputs::Inputs;
use crate::output::{self, Staging, Stream};
use crate::pipeline::process;
use crate::progress::Totals;
use crate::sink::Sink;
use crate::temp;

/// What `--output` in `clean` would need instead when it names an input.
const IN_PLACE_HINT: &str = "; use --in-place to clean a file where it is";

/// `textdedup clean`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn clean(args: CleanArgs) -> Result<()> {
    let mut engine = Engine::new(&args.dedup)?;
    setup(&args.run)?;
    let inputs = Inputs::resolve(&args.input.inputs)?;
    let mut sink = match (&args.out_dir, &args.output) {
        _ if args.in_place => {
            let dests = output::check_in_place(&inputs)?;
            let mut staging = Staging::in_place();
            staging.plan(dests.iter().map(PathBuf::as_path))?;
            temp::sweep(staging.temp_dirs().iter().map(PathBuf::as_path), &mut warn);
            Sink::CleanMirror {
                staging: Box::new(staging),
                dests,
                compress: args.run.compress.map(Into::into),
            }
        }
        (Some(dir), _) => {
            let dests = inputs
                .sources
                .iter()
                .map(|s| {
                    s.out_rel.clone().ok_or_else(|| {
                        CliError::Usage(
                            "standard input ('-') cannot be written under --out-dir".into(),
                        )
                    })
                })
                .collect::<Result<Vec<PathBuf>>>()?;
            let mut staging = Staging::out_dir(dir)?;
            staging.plan(dests.iter().map(PathBuf::as_path))?;
            let targets: Vec<PathBuf> = dests.iter().map(|d| staging.final_path(d)).collect();
            output::check_out_dir(dir, &targets, &inputs)?;
            temp::sweep(staging.temp_dirs().iter().map(PathBuf::as_path), &mut warn);
            Sink::CleanMirror {
                staging: Box::new(staging),
                dests,
                compress: args.run.compress.map(Into::into),
            }
        }
        (None, _) if inputs.many => {
            return Err(CliError::Usage(
                "several inputs or a directory: give --out-dir DIR to mirror them, \
                 or --in-place to clean each file where it is"
                    .into(),
            ));
        }
        (None, output) => Sink::CleanStream(open_stream(
            output.as_deref(),
            &inputs,
            &args.run,
            IN_PLACE_HINT,
        )?),
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
}

/// `textdedup find`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn find(args: FindArgs) -> Result<()> {
    let mut engine = Engine::new(&args.dedup)?;
    setup(&args.run)?;
    let inputs = Inputs::resolve(&args.input.inputs)?;
    let mut sink = Sink::Find {
        stream: open_stream(args.output.as_deref(), &inputs, &args.run, "")?,
        names: Vec::new(),
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
}

/// `textdedup chunk`: one JSON object per chunk, in corpus order:
/// `{"doc": D, "offset": O, "length": L, "hash": "<32 hex digits>"}`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn chunk(args: ChunkArgs) -> Result<()> {
    let mut engine = Engine::chunker(&args)?;
    setup(&args.run)?;
    let inputs = Inputs::resolve(&args.input.inputs)?;
    let mut sink = Sink::Chunks {
        stream: open_stream(args.output.as_deref(), &inputs, &args.run, "")?,
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
}

/// Opens `--output` (or standard output), refusing an input as output
/// (`hint` says what to do instead) and tidying what killed runs left
/// beside it.
fn open_stream(path: Option<&Path>, inputs: &Inputs, run: &RunArgs, hint: &str) -> Result<Stream> {
    let stream = Stream::open(path, run.compress.map(Into::into))?;
    if let Some(target) = stream.target() {
        output::check_stream(target, inputs, hint)?;
        temp::sweep([output::parent_of(target)], &mut warn);
    }
    Ok(stream)
}

/// Prints a warning on standard error.
fn warn(message: String) {
    eprintln!("textdedup: warning: {message}");
}

/// Applies `--threads`.
fn setup(run: &RunArgs) -> Result<()> {
    #[cfg(feature = "parallel")]
    if let Some(n) = run.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.into())
            .build_global()
            .map_err(|e| CliError::Usage(format!("--threads {n}: {e}")))?;
    }
    // Without `parallel` there are no worker threads: the value is accepted
    // and has nothing to set.
    #[cfg(not(feature = "parallel"))]
    let _ = run.threads;
    Ok(())
}

/// Commits the output and prints the summary.
fn finish(totals: Totals, run: &RunArgs, sink: Sink) -> Result<()> {
    sink.commit()?;
    if !run.quiet {
        eprintln!("{}", totals.summary());
    }
    Ok(())
}
