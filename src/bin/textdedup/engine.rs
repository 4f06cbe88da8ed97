//! The single place where `--mode` is dispatched.
//!
//! Every mode answers the same question for a document fed in corpus
//! order: which spans are later copies, and where is each one's first
//! copy. The rest of the tool (reading, writing, reports) sees only
//! [`Hit`]s. Passage mode plugs in here as a new variant.

use textdedup::{Config, Corpus, Deduper};

use crate::args::{DedupArgs, Mode};
use crate::error::{CliError, Result};

/// A removed span of the current document and where its first copy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The first removed byte.
    pub(crate) start: usize,
    /// One past the last removed byte.
    pub(crate) end: usize,
    /// The index, in corpus order, of the document holding the first copy.
    pub(crate) first_doc: u64,
    /// Where the first copy starts in that document.
    pub(crate) first_start: usize,
}

/// A configured engine with its corpus state.
#[derive(Debug)]
pub(crate) enum Engine {
    /// Whole paragraphs (DESIGN.md section 3).
    Paragraph {
        /// The immutable engine.
        deduper: Deduper,
        /// What was seen so far.
        corpus: Corpus,
    },
}

impl Engine {
    /// Builds the engine `--mode` asks for.
    ///
    /// # Errors
    ///
    /// A mode this build cannot run, or settings the library rejects.
    pub(crate) fn new(args: &DedupArgs) -> Result<Engine> {
        match args.mode {
            Mode::Paragraph => {
                let mut config = Config::new()
                    .scope(args.scope.into())
                    .split(args.split.into())
                    .normalize(args.normalize.into());
                if let Some(min_len) = args.min_len {
                    config = config.min_len(min_len);
                }
                let deduper = Deduper::new(config).map_err(|e| CliError::Usage(e.to_string()))?;
                Ok(Engine::Paragraph {
                    deduper,
                    corpus: Corpus::new(),
                })
            }
            // Temporary: replaced when `textdedup::passage` is merged.
            Mode::Passage => Err(CliError::Unavailable("--mode passage")),
        }
    }

    /// Feeds the next document of the corpus; appends its removed spans to
    /// `hits`, sorted by start. Returns the document's index.
    pub(crate) fn feed(&mut self, text: &[u8], hits: &mut Vec<Hit>) -> u64 {
        match self {
            Engine::Paragraph { deduper, corpus } => {
                let report = deduper.dedup_in(corpus, text);
                hits.extend(report.removals().iter().map(|r| Hit {
                    start: r.span().start,
                    end: r.span().end,
                    first_doc: r.first().doc().index(),
                    first_start: r.first().start(),
                }));
                report.doc().index()
            }
        }
    }
}
