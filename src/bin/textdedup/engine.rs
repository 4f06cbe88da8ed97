//! The single place where `--mode` (and the `chunk` subcommand) is
//! dispatched.
//!
//! Every dedup mode answers the same question for a batch of documents fed
//! in corpus order: which spans are later copies, and where is each one's
//! first copy. The rest of the tool (reading, writing, reports) sees only
//! the library's [`Removal`]s, or [`ChunkRec`]s for `chunk`.

use std::ops::Range;

use textdedup::chunk::{self, ChunkConfig, Chunker};
use textdedup::passage;
use textdedup::{Config, Corpus, Dedup, Deduper, DocReport, Removal};

use crate::args::{ChunkArgs, DedupArgs, Mode as ModeArg, NormalizeArg, Snap, SplitArg};
use crate::error::{CliError, Result};

/// One content-defined chunk, for `textdedup chunk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ChunkRec {
    /// Its first byte in the document.
    pub(crate) offset: usize,
    /// Its length in bytes.
    pub(crate) len: usize,
    /// Its xxh3-128 fingerprint.
    pub(crate) hash: u128,
}

/// What the engine found in one document of a batch.
#[derive(Clone, Debug)]
pub(crate) struct Fed {
    /// The document's index in corpus order.
    pub(crate) index: u64,
    /// Its entries in the batch's hit list.
    pub(crate) removals: Range<usize>,
    /// Its entries in the batch's chunk list.
    pub(crate) chunks: Range<usize>,
}

/// Passage mode's refusals: windows it could not index, so that a later
/// copy of them may be missed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refusals {
    /// Refused anchors and windows (`passage::Corpus::refused_anchors`).
    pub(crate) anchors: u64,
    /// Bytes of text in the refused windows, each counted once
    /// (`passage::Corpus::refused_bytes`).
    pub(crate) bytes: u64,
}

/// A dedup mode's engine and its corpus state, behind one interface: the
/// tool's loop is written once for every mode, over [`Dedup`].
pub(crate) trait Modal: Send + std::fmt::Debug {
    /// Feeds the next documents in order; appends their removals to `removals`.
    fn feed(&mut self, texts: &[&[u8]], removals: &mut Vec<Removal>) -> Vec<Fed>;
    /// Heap bytes of the corpus state.
    fn state_bytes(&self) -> usize;
    /// Passage mode's refusals; `None` in the other modes.
    fn refusals(&self) -> Option<Refusals>;
    /// The mode's name, as `--mode` gives it.
    fn name(&self) -> &'static str;
}

/// A [`Dedup`] engine, its corpus, and how to measure the corpus.
struct Mode<D: Dedup> {
    /// The engine.
    deduper: D,
    /// What it has seen.
    corpus: D::Corpus,
    /// The corpus's heap bytes.
    heap: fn(&D::Corpus) -> usize,
    /// The corpus's refusals, in passage mode.
    refused: fn(&D::Corpus) -> Option<Refusals>,
    /// The mode's name.
    name: &'static str,
}

impl<D: Dedup> std::fmt::Debug for Mode<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mode")
            .field("corpus", &self.corpus)
            .finish_non_exhaustive()
    }
}

impl<D: Dedup> Modal for Mode<D> {
    fn feed(&mut self, texts: &[&[u8]], removals: &mut Vec<Removal>) -> Vec<Fed> {
        let reports = self.deduper.dedup_batch(&mut self.corpus, texts);
        reports.iter().map(|r| push_hits(r, removals)).collect()
    }

    fn state_bytes(&self) -> usize {
        (self.heap)(&self.corpus)
    }

    fn refusals(&self) -> Option<Refusals> {
        (self.refused)(&self.corpus)
    }

    fn name(&self) -> &'static str {
        self.name
    }
}

/// A configured engine with its corpus state.
#[derive(Debug)]
pub(crate) enum Engine {
    /// A dedup mode (`--mode`), with the bytes it holds per input byte
    /// of a batch at most (see [`Engine::working_bytes_per_byte`]).
    Dedup(Box<dyn Modal>, u64),
    /// Content-defined chunks, listed (`textdedup chunk`).
    Chunk {
        /// The chunker (boxed: it holds its 2 KiB gear table).
        chunker: Box<Chunker>,
        /// Documents seen so far.
        documents: u64,
    },
}

/// Refuses an option that the mode does not use.
fn refuse<T>(option: Option<T>, name: &str, mode: &str) -> Result<()> {
    match option {
        Some(_) => Err(CliError::Usage(format!(
            "{name} does not apply to --mode {mode}"
        ))),
        None => Ok(()),
    }
}

impl Engine {
    /// Builds the engine `--mode` asks for.
    ///
    /// # Errors
    ///
    /// An option the mode does not use, or settings the library rejects.
    pub(crate) fn new(args: &DedupArgs) -> Result<Engine> {
        let scope = args.scope.into();
        let seed = args.seed;
        match args.mode {
            ModeArg::Paragraph => {
                refuse(args.snap, "--snap", "paragraph")?;
                refuse(args.avg_size, "--avg-size", "paragraph")?;
                let mut config = Config::new()
                    .scope(scope)
                    .split(args.split.unwrap_or(SplitArg::Lines).into())
                    .normalize(args.normalize.unwrap_or(NormalizeArg::Exact).into());
                if let Some(min_len) = args.min_len {
                    config = config.min_len(min_len);
                }
                if let Some(seed) = seed {
                    config = config.seed(seed);
                }
                let deduper = Deduper::new(config).map_err(|e| CliError::Usage(e.to_string()))?;
                // Per candidate paragraph (at least `min_len` bytes): 48
                // bytes of candidate, and for a later copy 40 + 40 bytes in
                // the resolve and apply phases, 48 as a removal, 48 as a hit.
                let per_byte = 1 + 224_u64.div_ceil(deduper.config().get_min_len().max(1) as u64);
                let mode = Mode {
                    deduper,
                    corpus: Corpus::new(),
                    heap: Corpus::heap_bytes,
                    refused: |_| None,
                    name: "paragraph",
                };
                Ok(Engine::Dedup(Box::new(mode), per_byte))
            }
            ModeArg::Passage => {
                refuse(args.split, "--split", "passage")?;
                refuse(args.normalize, "--normalize", "passage")?;
                refuse(args.avg_size, "--avg-size", "passage")?;
                let mut config = passage::Config::new()
                    .scope(scope)
                    .snap(args.snap.unwrap_or(Snap::Word).into());
                if let Some(min_len) = args.min_len {
                    config = config.min_len(min_len);
                }
                if let Some(seed) = seed {
                    config = config.seed(seed);
                }
                let deduper = passage::Deduper::new(config)
                    .map_err(|e| CliError::Usage(format!("--min-len: {e}")))?;
                let mode = Mode {
                    deduper,
                    corpus: passage::Corpus::default(),
                    heap: passage::Corpus::heap_bytes,
                    refused: |c| {
                        Some(Refusals {
                            anchors: c.refused_anchors(),
                            bytes: c.refused_bytes(),
                        })
                    },
                    name: "passage",
                };
                // The stored text and its anchors (about 14 bytes per byte
                // on random text at `min_len` 16, the most measured), the
                // removals.
                Ok(Engine::Dedup(Box::new(mode), 24))
            }
            ModeArg::Chunk => {
                refuse(args.split, "--split", "chunk")?;
                refuse(args.normalize, "--normalize", "chunk")?;
                refuse(args.snap, "--snap", "chunk")?;
                refuse(args.min_len, "--min-len", "chunk")?;
                let mut config = chunk::Config::new().scope(scope);
                if let Some(avg) = args.avg_size {
                    config = config.avg(avg);
                }
                if let Some(seed) = seed {
                    config = config.seed(seed);
                }
                let deduper = config
                    .build()
                    .map_err(|e| CliError::Usage(format!("--avg-size: {e}")))?;
                // A removal of 48 bytes per chunk of at least `min`, and
                // the corpus's entry for a new one.
                let min = deduper.chunker().config().get_min().max(1) as u64;
                let per_byte = 1 + 96_u64.div_ceil(min);
                let mode = Mode {
                    deduper,
                    corpus: chunk::Corpus::new(),
                    heap: chunk::Corpus::heap_bytes,
                    refused: |_| None,
                    name: "chunk",
                };
                Ok(Engine::Dedup(Box::new(mode), per_byte))
            }
        }
    }

    /// Builds the chunker of `textdedup chunk`.
    ///
    /// # Errors
    ///
    /// Sizes the library rejects, named by their option.
    pub(crate) fn chunker(args: &ChunkArgs) -> Result<Engine> {
        let mut config = ChunkConfig::new();
        if let Some(avg) = args.avg_size {
            config = config.avg(avg);
        }
        if let Some(min) = args.min_size {
            config = config.min(min);
        }
        if let Some(max) = args.max_size {
            config = config.max(max);
        }
        if let Some(seed) = args.seed {
            config = config.seed(seed);
        }
        let chunker = Chunker::new(config).map_err(|e| {
            let option = match e.field() {
                "min" => "--min-size",
                "avg" => "--avg-size",
                "max" => "--max-size",
                other => other,
            };
            CliError::Usage(format!("{option}: {e}"))
        })?;
        Ok(Engine::Chunk {
            chunker: Box::new(chunker),
            documents: 0,
        })
    }

    /// Passage mode's refusals so far; `None` in other modes.
    pub(crate) fn refusals(&self) -> Option<Refusals> {
        match self {
            Engine::Dedup(mode, _) => mode.refusals(),
            Engine::Chunk { .. } => None,
        }
    }

    /// The mode's name (`chunks` for `textdedup chunk`).
    pub(crate) fn mode_name(&self) -> &'static str {
        match self {
            Engine::Dedup(mode, _) => mode.name(),
            Engine::Chunk { .. } => "chunks",
        }
    }

    /// Whether this is `textdedup chunk`'s engine (it lists chunks and
    /// removes nothing).
    pub(crate) fn lists_chunks(&self) -> bool {
        matches!(self, Engine::Chunk { .. })
    }

    /// Heap bytes of the state carried from one document to the next.
    pub(crate) fn state_bytes(&self) -> usize {
        match self {
            Engine::Dedup(mode, _) => mode.state_bytes(),
            Engine::Chunk { .. } => 0,
        }
    }

    /// An upper bound on the bytes a batch holds per input byte while it
    /// is processed: its text, the engine's working memory, the state it
    /// adds, and its removals (or chunks) until they are written.
    pub(crate) fn working_bytes_per_byte(&self) -> u64 {
        match self {
            Engine::Dedup(_, per_byte) => *per_byte,
            // A chunk record of 40 bytes per chunk of at least `min`.
            Engine::Chunk { chunker, .. } => {
                1 + 40_u64.div_ceil(chunker.config().get_min().max(1) as u64)
            }
        }
    }

    /// Feeds the next documents of the corpus, in order, on every core;
    /// appends their removed spans to `removals` (or their chunks to `chunks`)
    /// and says where each document's entries are.
    pub(crate) fn feed_batch(
        &mut self,
        texts: &[&[u8]],
        removals: &mut Vec<Removal>,
        chunks: &mut Vec<ChunkRec>,
    ) -> Vec<Fed> {
        match self {
            Engine::Dedup(mode, _) => mode.feed(texts, removals),
            Engine::Chunk { chunker, documents } => {
                let lists = chunker.chunks_hashed_batch(texts);
                lists
                    .into_iter()
                    .map(|list| {
                        let start = chunks.len();
                        chunks.extend(list.iter().map(|c| ChunkRec {
                            offset: c.offset(),
                            len: c.len(),
                            hash: c.fingerprint().map_or(0, |f| f.as_u128()),
                        }));
                        *documents += 1;
                        Fed {
                            index: *documents - 1,
                            removals: removals.len()..removals.len(),
                            chunks: start..chunks.len(),
                        }
                    })
                    .collect()
            }
        }
    }
}

/// Appends a report's removals to `removals`.
fn push_hits(report: &DocReport<'_>, removals: &mut Vec<Removal>) -> Fed {
    let start = removals.len();
    removals.extend_from_slice(report.removals());
    Fed {
        index: report.doc().index(),
        removals: start..removals.len(),
        chunks: 0..0,
    }
}
