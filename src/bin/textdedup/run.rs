//! The subcommands: resolve inputs, pick the output, run the loop.

use std::path::{Path, PathBuf};

use crate::args::{ChunkArgs, CleanArgs, FindArgs, RunArgs};
use crate::engine::Engine;
use crate::error::{CliError, Result};
use crate::format::Compression;
use crate::inputs::{Filter, Inputs};
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
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let inputs = Inputs::resolve(&args.input.inputs, &filter)?;
    distinct_outputs(&[
        ("--output", args.output.as_deref()),
        ("--report", args.report.as_deref()),
        ("--stats", args.run.stats.as_deref()),
    ])?;
    // Several inputs without --out-dir or --in-place are refused below.
    let text_to_stdout = !args.in_place && args.out_dir.is_none() && !inputs.many;
    if args.report.as_deref().is_some_and(is_stdout)
        && text_to_stdout
        && args.output.as_deref().is_none_or(is_stdout)
    {
        return Err(CliError::Usage(
            "--report -: the cleaned text goes to standard output; \
             give --output or --report a file"
                .into(),
        ));
    }
    let mut sink = match (&args.out_dir, &args.output) {
        _ if args.in_place => {
            let dests = output::check_in_place(&inputs)?;
            let mut staging = Staging::in_place();
            staging.plan(dests.iter().map(PathBuf::as_path))?;
            names_agree(
                dests.iter().map(PathBuf::as_path),
                args.run.compress.map(Into::into),
            )?;
            temp::sweep(staging.temp_dirs().iter().map(PathBuf::as_path), &mut warn);
            Sink::CleanMirror {
                staging: Box::new(staging),
                dests,
                compress: args.run.compress.map(Into::into),
                parquet: None,
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
            names_agree(
                dests.iter().map(PathBuf::as_path),
                args.run.compress.map(Into::into),
            )?;
            let targets: Vec<PathBuf> = dests.iter().map(|d| staging.final_path(d)).collect();
            output::check_out_dir(dir, &targets, &inputs)?;
            temp::sweep(staging.temp_dirs().iter().map(PathBuf::as_path), &mut warn);
            Sink::CleanMirror {
                staging: Box::new(staging),
                dests,
                compress: args.run.compress.map(Into::into),
                parquet: None,
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
            args.run.compress.map(Into::into),
            IN_PLACE_HINT,
        )?),
    };
    if let Some(report) = &args.report {
        let report = Sink::Find {
            stream: open_stream(Some(report), &inputs, args.run.compress.map(Into::into), "")?,
            names: Vec::new(),
        };
        sink = Sink::Both(Box::new(sink), Box::new(report));
    }
    let started = std::time::Instant::now();
    let totals = process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?;
    finish(totals, &args.run, sink, &engine, started, &inputs)
}

/// `textdedup find`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn find(args: FindArgs) -> Result<()> {
    let mut engine = Engine::new(&args.dedup)?;
    setup(&args.run)?;
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let inputs = Inputs::resolve(&args.input.inputs, &filter)?;
    distinct_outputs(&[
        ("--output", args.output.as_deref()),
        ("--stats", args.run.stats.as_deref()),
    ])?;
    let mut sink = Sink::Find {
        stream: open_stream(
            args.output.as_deref(),
            &inputs,
            args.run.compress.map(Into::into),
            "",
        )?,
        names: Vec::new(),
    };
    let started = std::time::Instant::now();
    let totals = process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?;
    finish(totals, &args.run, sink, &engine, started, &inputs)
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
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let inputs = Inputs::resolve(&args.input.inputs, &filter)?;
    distinct_outputs(&[
        ("--output", args.output.as_deref()),
        ("--stats", args.run.stats.as_deref()),
    ])?;
    let mut sink = Sink::Chunks {
        stream: open_stream(
            args.output.as_deref(),
            &inputs,
            args.run.compress.map(Into::into),
            "",
        )?,
    };
    let started = std::time::Instant::now();
    let totals = process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?;
    finish(totals, &args.run, sink, &engine, started, &inputs)
}

/// Opens `--output` (or standard output, also for `-`), refusing an input
/// as output (`hint` says what to do instead) and a `--compress` its name
/// contradicts, and tidying what killed runs left beside it.
fn open_stream(
    path: Option<&Path>,
    inputs: &Inputs,
    compress: Option<Compression>,
    hint: &str,
) -> Result<Stream> {
    let path = path.filter(|&p| !is_stdout(p));
    names_agree(path, compress)?;
    open_target(path, inputs, compress, hint)
}

/// [`open_stream`] without its two readings of the name (`-`, and the
/// compression it says): for `--stats`, always plain JSON in the file
/// named.
fn open_target(
    path: Option<&Path>,
    inputs: &Inputs,
    compress: Option<Compression>,
    hint: &str,
) -> Result<Stream> {
    let stream = Stream::open(path, compress)?;
    if let Some(target) = stream.target() {
        output::check_stream(target, inputs, hint)?;
        temp::sweep([output::parent_of(target)], &mut warn);
    }
    Ok(stream)
}

/// Whether an output option's `path` is `-`, standard output.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses two output options naming one file (`-o c.txt --report c.txt`):
/// the second written would replace the first. Names are compared
/// resolved (links followed; for a file not there yet, its folder), so
/// `c.txt` and `./c.txt` are one file; standard output (`-`) is left to
/// the callers.
fn distinct_outputs(outputs: &[(&str, Option<&Path>)]) -> Result<()> {
    let resolved = |path: &Path| {
        let in_folder = || {
            let folder = std::fs::canonicalize(output::parent_of(path)).ok()?;
            Some(folder.join(path.file_name()?))
        };
        std::fs::canonicalize(path)
            .ok()
            .or_else(in_folder)
            .unwrap_or_else(|| path.to_path_buf())
    };
    let named: Vec<(&str, &Path, PathBuf)> = outputs
        .iter()
        .filter_map(|&(option, path)| Some((option, path?)))
        .filter(|&(_, path)| !is_stdout(path))
        .map(|(option, path)| (option, path, resolved(path)))
        .collect();
    for (i, (first, path, file)) in named.iter().enumerate() {
        if let Some((second, ..)) = named[i + 1..].iter().find(|(.., other)| other == file) {
            return Err(CliError::Usage(format!(
                "{first} and {second} both name '{}': give each its own file",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Refuses `--compress` when an output's name says another compression
/// (`--compress zstd` onto `a.jsonl.gz`): the file would not be what its
/// name says.
fn names_agree<'p>(
    dests: impl IntoIterator<Item = &'p Path>,
    compress: Option<Compression>,
) -> Result<()> {
    let Some(compress) = compress else {
        return Ok(());
    };
    for dest in dests {
        if let Some(said) = Compression::of_name(dest).filter(|&c| c != compress) {
            // The option's value as typed (`none`, not "uncompressed").
            let asked = match compress {
                Compression::None => "none",
                other => other.name(),
            };
            return Err(CliError::Usage(format!(
                "--compress {asked}: the output '{}' is named as {} data",
                dest.display(),
                said.name()
            )));
        }
    }
    Ok(())
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

/// Commits the output, prints the summary and writes `--stats`.
fn finish(
    totals: Totals,
    run: &RunArgs,
    sink: Sink,
    engine: &Engine,
    started: std::time::Instant,
    inputs: &Inputs,
) -> Result<()> {
    sink.commit()?;
    let refusals = engine.refusals();
    if !run.quiet {
        let refused = refusals
            .filter(|r| r.anchors > 0)
            .map_or(String::new(), |r| {
                format!(
                    "; {} passage windows refused, {} bytes may hide repeats",
                    r.anchors, r.bytes
                )
            });
        eprintln!("{}{refused}", totals.summary(engine.lists_chunks()));
    }
    if let Some(r) = refusals.filter(|r| r.anchors > 0) {
        warn(format!(
            "{} passage windows were refused (their anchor hash and their own key each \
             already held 32 earlier positions, which takes crafted hash collisions): \
             later copies of them, in {} bytes of text, may have been missed; run again \
             with a secret --seed (any number of your own) to find them",
            r.anchors, r.bytes
        ));
    }
    if let Some(path) = &run.stats {
        let mut json = serde_json::json!({
            "mode": engine.mode_name(),
            "documents": totals.documents,
            "bytes_in": totals.bytes_in,
            "bytes_removed": totals.bytes_removed,
            "files_not_text": totals.skipped,
            "bad_records": totals.bad_records,
            "seconds": started.elapsed().as_secs_f64(),
        });
        if engine.lists_chunks() {
            json["chunks"] = totals.chunks.into();
        }
        if let Some(r) = refusals {
            json["refused_anchors"] = r.anchors.into();
            json["refused_bytes"] = r.bytes.into();
        }
        let mut stream = open_target(Some(path), inputs, Some(Compression::None), "")?;
        let written = serde_json::to_writer_pretty(stream.writer(), &json)
            .map_err(std::io::Error::from)
            .and_then(|()| stream.writer().write_all(b"\n"));
        written.map_err(|e| stream.error(e))?;
        stream.commit()?;
    }
    Ok(())
}
