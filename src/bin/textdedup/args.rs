//! The command line, as clap sees it (DESIGN.md section 7).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find and remove verbatim repeated passages in text files and JSON Lines.
///
/// Inputs are files, directories (their files, recursively, sorted by path)
/// or `-` for standard input (the default). The first copy of repeated text
/// is kept, in the order the inputs are given.
#[derive(Debug, Parser)]
#[command(name = "textdedup", version, about, long_about = None)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The three subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write the deduplicated text.
    Clean(CleanArgs),
    /// Write a JSON Lines report of what `clean` would remove.
    Find(FindArgs),
    /// Write content-defined chunks (offset, length, hash).
    Chunk(ChunkArgs),
}

/// `textdedup clean`.
#[derive(Debug, Args)]
pub(crate) struct CleanArgs {
    /// How repeats are found.
    #[command(flatten)]
    pub(crate) dedup: DedupArgs,
    /// Where documents come from.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Write the output to this file instead of standard output (one input
    /// only; `-` is standard output). The file appears only when the run
    /// succeeds; an input is refused (see --in-place).
    #[arg(long, short = 'o', value_name = "PATH", conflicts_with = "out_dir")]
    pub(crate) output: Option<PathBuf>,
    /// Mirror the inputs under this directory (required for several inputs
    /// or a directory). A directory input's files keep their path inside
    /// it; a file input keeps its file name. Files appear only when the
    /// whole run succeeds, all of them or none; a directory holding an
    /// input, or inside an input directory, is refused.
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: Option<PathBuf>,
    /// Replace each input file with its cleaned text (through symbolic
    /// links, keeping permissions). Every file is written in full beside
    /// its input first; when the whole run succeeds they all replace their
    /// inputs, or none does.
    #[arg(long, conflicts_with_all = ["output", "out_dir"])]
    pub(crate) in_place: bool,
    /// Also write the report `find` would write to this file, in the same
    /// pass (`-`: standard output, when the cleaned text goes elsewhere).
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
    /// Run options shared by every subcommand.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// `textdedup find`.
#[derive(Debug, Args)]
pub(crate) struct FindArgs {
    /// How repeats are found.
    #[command(flatten)]
    pub(crate) dedup: DedupArgs,
    /// Where documents come from.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Write the report to this file instead of standard output (`-` is
    /// standard output). The file appears only when the run succeeds.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,
    /// Run options shared by every subcommand.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// `textdedup chunk`.
#[derive(Debug, Args)]
pub(crate) struct ChunkArgs {
    /// Where documents come from.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// The smallest chunk, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) min_size: Option<usize>,
    /// The average chunk size, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) avg_size: Option<usize>,
    /// The largest chunk, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_size: Option<usize>,
    /// The seed of the rolling hash.
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Write the chunks to this file instead of standard output (`-` is
    /// standard output).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,
    /// Run options shared by every subcommand.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Options that choose the engine and its settings.
#[derive(Debug, Args)]
pub(crate) struct DedupArgs {
    /// `paragraph`: whole paragraphs (lines by default) seen before;
    /// `passage`: any repeated substring of at least --min-len bytes;
    /// `chunk`: content-defined chunks (about --avg-size bytes) seen
    /// before.
    #[arg(long, value_enum, default_value_t = Mode::Paragraph)]
    pub(crate) mode: Mode,
    /// `corpus`: a copy in any earlier document counts; `document`: each
    /// document on its own.
    #[arg(long, value_enum, default_value_t = ScopeArg::Corpus)]
    pub(crate) scope: ScopeArg,
    /// Paragraph mode: a paragraph is one line (default), or a run of
    /// non-blank lines.
    #[arg(long, value_enum)]
    pub(crate) split: Option<SplitArg>,
    /// Paragraph mode: what counts as equal: the bytes (default), white
    /// space collapsed, or loose (also case, digits and punctuation
    /// ignored).
    #[arg(long, value_enum)]
    pub(crate) normalize: Option<NormalizeArg>,
    /// Paragraph mode: the shortest normalized paragraph that can count as
    /// a copy (default 16). Passage mode: the shortest repeat (default
    /// 100).
    #[arg(long, value_name = "BYTES")]
    pub(crate) min_len: Option<usize>,
    /// Passage mode: shrink each removed span inward to this boundary
    /// (default: word).
    #[arg(long, value_enum)]
    pub(crate) snap: Option<Snap>,
    /// Chunk mode: the average chunk size, from 64 bytes to 1 MiB (default
    /// 1024; chunks are a quarter to four times it).
    #[arg(long, value_name = "BYTES")]
    pub(crate) avg_size: Option<usize>,
    /// The seed of the fingerprints, anchors or chunk boundaries. A secret
    /// seed keeps crafted input from flooding the hash tables. The output
    /// does not depend on it, except in passage mode when anchors were
    /// refused (crafted hash collisions: then repeats may be found with one
    /// seed and missed with another) and in chunk mode (the boundaries move
    /// with the seed).
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
}

/// Options that say how documents are read.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Files, directories (recursively, sorted by path) or `-` for standard
    /// input. Nothing means standard input.
    #[arg(value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Read JSON Lines: one JSON object per line, one document per object.
    #[arg(long)]
    pub(crate) jsonl: bool,
    /// In directories, take only files whose path inside the directory
    /// matches this glob (`*.jsonl.gz`; `*` matches across `/`); may be
    /// given several times.
    #[arg(long, value_name = "GLOB")]
    pub(crate) include: Vec<String>,
    /// In directories, leave out files whose path inside the directory
    /// matches this glob; may be given several times.
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// JSON Lines and Parquet: the field or column that holds the text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub(crate) text_field: String,
    /// JSON Lines and Parquet: the field or column that names the document
    /// in reports. A record without it is named `FILE:LINE` (`FILE:ROW`,
    /// from 0, for a Parquet row).
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub(crate) id_field: String,
    /// JSON Lines and Parquet: what to do with a record that is not a JSON
    /// object with a string text field, or a row whose text is null: stop
    /// with an error (`fail`), or pass it through unchanged, tell of it on
    /// standard error and count it (`skip`).
    #[arg(long, value_enum, default_value_t = OnBadRecord::Fail)]
    pub(crate) on_bad_record: OnBadRecord,
}

/// Options about the run itself.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) threads: Option<u16>,
    /// No progress bar and no summary on standard error.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Compress output files this way. By default each file under
    /// --out-dir or --in-place is compressed as its input was, --output
    /// and --report as their names say (`.gz`, `.zst`), and standard
    /// output is not. Given, it applies to every output, standard output
    /// included, and is refused when an output's name says another
    /// compression.
    #[arg(long, value_enum, value_name = "HOW")]
    pub(crate) compress: Option<CompressArg>,
    /// Write the run's summary to this file as JSON (documents, bytes in
    /// and removed, files not text, bad records skipped, seconds; in
    /// passage mode also the refused windows and the bytes they may hide,
    /// for `chunk` the chunks listed), with or without --quiet. Always a
    /// file, plain JSON whatever its name.
    #[arg(long, value_name = "FILE", value_parser = parse_file_name)]
    pub(crate) stats: Option<PathBuf>,
    /// Stop with an error, before the next batch, when the run would hold
    /// more than this: the corpus state, `find`'s document names, and the
    /// batches being read, processed and written (estimated per input
    /// byte, per mode). With a limit, batches are made smaller, and a file
    /// or record is at most --max-record-size. No output file is left;
    /// standard output keeps what was written before. Sizes: 4096, 512K,
    /// 64MB, 1.5G, 2GiB (K, M, G, T are powers of 1024).
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub(crate) max_memory: Option<u64>,
    /// Stop with an error naming the file (and line) when a file or JSON
    /// Lines record is longer than this, before reading more of it.
    /// Default: none, or with --max-memory the largest record whose batch
    /// fits in half of it.
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub(crate) max_record_size: Option<u64>,
}

/// Parses the name of a file to write, refusing `-` (which would make a
/// file of that name where other options mean standard output).
pub(crate) fn parse_file_name(s: &str) -> Result<PathBuf, String> {
    if s == "-" {
        return Err("give a file name: this output cannot go to standard output".into());
    }
    Ok(PathBuf::from(s))
}

/// Parses a size of at least one byte: `123`, `64K`, `512M`, `1.5G`, `2T`,
/// with an optional `B` or `iB` after the letter (`64MB`, `2GiB`) or `B`
/// alone; letters are powers of 1024.
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || format!("'{s}' is not a size in bytes (like 4096, 512M, 1.5G or 64MB)");
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.trim_start().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(bad());
    }
    let bytes = match number.parse::<u64>() {
        Ok(n) => n
            .checked_mul(1 << shift)
            .ok_or_else(|| format!("'{s}' is too large"))?,
        Err(_) => {
            let x: f64 = number.parse().map_err(|_| bad())?;
            let bytes = (x * (1u64 << shift) as f64).floor();
            if bytes >= u64::MAX as f64 {
                return Err(format!("'{s}' is too large"));
            }
            bytes as u64
        }
    };
    if bytes == 0 {
        return Err(format!("'{s}' is less than one byte"));
    }
    Ok(bytes)
}

/// `--on-bad-record`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OnBadRecord {
    /// Stop with an error naming the file and line.
    Fail,
    /// Pass the record through unchanged and count it.
    Skip,
}

/// `--compress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CompressArg {
    /// Not compressed.
    None,
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
}

impl From<CompressArg> for crate::format::Compression {
    fn from(c: CompressArg) -> Self {
        match c {
            CompressArg::None => crate::format::Compression::None,
            CompressArg::Gzip => crate::format::Compression::Gzip,
            CompressArg::Zstd => crate::format::Compression::Zstd,
        }
    }
}

/// `--mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// Whole paragraphs.
    Paragraph,
    /// Exact repeated substrings.
    Passage,
    /// Content-defined chunks.
    Chunk,
}

/// `--scope`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScopeArg {
    /// Copies in earlier documents count.
    Corpus,
    /// Each document on its own.
    Document,
}

/// `--split`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SplitArg {
    /// One line per paragraph.
    Lines,
    /// Runs of non-blank lines.
    BlankLines,
}

/// `--normalize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum NormalizeArg {
    /// Bytes as they are.
    Exact,
    /// Trimmed, runs of white space collapsed.
    Whitespace,
    /// Whitespace, lowercase, digits to 0, punctuation removed.
    Loose,
}

/// `--snap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Snap {
    /// No snapping.
    Byte,
    /// UTF-8 character boundaries.
    Char,
    /// White space or line boundaries.
    Word,
    /// Line boundaries.
    Line,
}

impl From<Snap> for textdedup::passage::Snap {
    fn from(s: Snap) -> Self {
        match s {
            Snap::Byte => textdedup::passage::Snap::Byte,
            Snap::Char => textdedup::passage::Snap::Char,
            Snap::Word => textdedup::passage::Snap::Word,
            Snap::Line => textdedup::passage::Snap::Line,
        }
    }
}

impl From<ScopeArg> for textdedup::Scope {
    fn from(s: ScopeArg) -> textdedup::Scope {
        match s {
            ScopeArg::Corpus => textdedup::Scope::Corpus,
            ScopeArg::Document => textdedup::Scope::Document,
        }
    }
}

impl From<SplitArg> for textdedup::Split {
    fn from(s: SplitArg) -> textdedup::Split {
        match s {
            SplitArg::Lines => textdedup::Split::Lines,
            SplitArg::BlankLines => textdedup::Split::BlankLines,
        }
    }
}

impl From<NormalizeArg> for textdedup::Normalize {
    fn from(n: NormalizeArg) -> textdedup::Normalize {
        match n {
            NormalizeArg::Exact => textdedup::Normalize::Exact,
            NormalizeArg::Whitespace => textdedup::Normalize::Whitespace,
            NormalizeArg::Loose => textdedup::Normalize::Loose,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        for (text, bytes) in [
            ("1", 1),
            ("4096", 4096),
            ("64K", 64 << 10),
            ("64k", 64 << 10),
            ("512M", 512 << 20),
            ("10MB", 10 << 20),
            ("10 MiB", 10 << 20),
            ("1.5G", 3 << 29),
            ("2GiB", 2 << 30),
            ("1T", 1 << 40),
            ("100B", 100),
            ("0.5K", 512),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for bad in [
            "",
            "M",
            "-1",
            "1.2.3G",
            "12X",
            "1e3",
            "G1",
            "99999999999999999999",
            "16777216T",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
