//! The three modes behind one object-safe interface, written once over the
//! library's [`Dedup`] trait: the rest of the bindings never names a mode.

use std::any::Any;

use textdedup::{chunk, paragraph, passage, Dedup, Removal, Stats};

/// What a mode's corpus can say about itself beyond the [`Dedup`] trait.
pub(crate) trait Mode: Dedup + 'static
where
    Self::Corpus: Sync + 'static,
{
    /// Heap bytes the corpus holds.
    fn heap_bytes(corpus: &Self::Corpus) -> usize;
    /// Documents the corpus has seen.
    fn documents(corpus: &Self::Corpus) -> u64;
    /// Passage mode's refused anchors and the bytes of their windows so
    /// far; `None` in the other modes.
    fn refusals(corpus: &Self::Corpus) -> Option<(u64, u64)>;
}

impl Mode for paragraph::Deduper {
    fn heap_bytes(corpus: &paragraph::Corpus) -> usize {
        corpus.heap_bytes()
    }
    fn documents(corpus: &paragraph::Corpus) -> u64 {
        corpus.documents()
    }
    fn refusals(_: &paragraph::Corpus) -> Option<(u64, u64)> {
        None
    }
}

impl Mode for passage::Deduper {
    fn heap_bytes(corpus: &passage::Corpus) -> usize {
        corpus.heap_bytes()
    }
    fn documents(corpus: &passage::Corpus) -> u64 {
        corpus.documents()
    }
    fn refusals(corpus: &passage::Corpus) -> Option<(u64, u64)> {
        Some((corpus.refused_anchors(), corpus.refused_bytes()))
    }
}

impl Mode for chunk::Deduper {
    fn heap_bytes(corpus: &chunk::Corpus) -> usize {
        corpus.heap_bytes()
    }
    fn documents(corpus: &chunk::Corpus) -> u64 {
        corpus.documents()
    }
    fn refusals(_: &chunk::Corpus) -> Option<(u64, u64)> {
        None
    }
}

/// One document's answer, owning its data (a [`textdedup::DocReport`]
/// borrows the text, which the bindings hand back to Python afterwards).
#[derive(Clone, Debug)]
pub(crate) struct Found {
    /// The document's index in corpus order.
    pub(crate) doc: u64,
    /// Later copies, sorted, in bytes.
    pub(crate) removals: Vec<Removal>,
    /// Counts.
    pub(crate) stats: Stats,
}

/// A mode's corpus state, its type hidden.
pub(crate) type State = Box<dyn Any + Send + Sync>;

/// A mode's deduper, its type hidden. Every method runs on the current
/// rayon pool: callers install the deduper's own pool first.
pub(crate) trait DynEngine: Send + Sync {
    /// A new, empty corpus for this engine.
    fn new_state(&self) -> State;
    /// The next documents of `state`, in order.
    fn batch(&self, state: &mut State, docs: &[&[u8]]) -> Vec<Found>;
    /// One document on its own.
    fn one(&self, doc: &[u8]) -> Found;
    /// Heap bytes of `state`.
    fn heap_bytes(&self, state: &State) -> usize;
    /// Documents `state` has seen.
    fn documents(&self, state: &State) -> u64;
    /// Passage mode's refused anchors in `state`, and the bytes of their
    /// windows.
    fn refusals(&self, state: &State) -> Option<(u64, u64)>;
}

/// A deduper of mode `D`, behind [`DynEngine`].
#[derive(Debug)]
pub(crate) struct Typed<D>(D);

impl<D: Mode> Typed<D>
where
    D::Corpus: Sync,
{
    /// Wraps a built deduper.
    pub(crate) fn new(deduper: D) -> Self {
        Typed(deduper)
    }

    /// The corpus inside `state`, which [`DynEngine::new_state`] of this
    /// engine made.
    fn corpus(state: &State) -> &D::Corpus {
        state
            .downcast_ref()
            .expect("a corpus is only fed by the engine that made it")
    }
}

/// A report without its borrowed text.
fn found(report: &textdedup::DocReport<'_>) -> Found {
    Found {
        doc: report.doc().index(),
        removals: report.removals().to_vec(),
        stats: report.stats(),
    }
}

impl<D: Mode> DynEngine for Typed<D>
where
    D::Corpus: Sync,
{
    fn new_state(&self) -> State {
        Box::new(D::Corpus::default())
    }

    fn batch(&self, state: &mut State, docs: &[&[u8]]) -> Vec<Found> {
        let corpus = state
            .downcast_mut::<D::Corpus>()
            .expect("a corpus is only fed by the engine that made it");
        self.0.dedup_batch(corpus, docs).iter().map(found).collect()
    }

    fn one(&self, doc: &[u8]) -> Found {
        found(&self.0.dedup(doc))
    }

    fn heap_bytes(&self, state: &State) -> usize {
        D::heap_bytes(Self::corpus(state))
    }

    fn documents(&self, state: &State) -> u64 {
        D::documents(Self::corpus(state))
    }

    fn refusals(&self, state: &State) -> Option<(u64, u64)> {
        D::refusals(Self::corpus(state))
    }
}
