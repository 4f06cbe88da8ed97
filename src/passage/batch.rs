//! The corpus batch scheduler: rounds of documents whose anchors are
//! computed ahead on the other threads while one thread matches in corpus
//! order.

use core::sync::atomic::{AtomicBool, Ordering::Relaxed};

use crate::passage::scan;
use crate::passage::{Corpus, Deduper};
use crate::report::DocReport;

impl Deduper {
    /// [`Deduper::dedup_batch`] under [`Scope::Corpus`], for a corpus
    /// already indexed for these parameters, in rounds of about
    /// `round_bytes` (by default a 32nd of the batch, within bounds).
    /// Without `copy_in_rounds`, the batch's text is copied at the end only
    /// (for tests: otherwise when it is copied depends on timing).
    pub(super) fn find_corpus_batch<'t>(
        &self,
        corpus: &mut Corpus,
        texts: &[&'t [u8]],
        round_bytes: Option<usize>,
        copy_in_rounds: bool,
    ) -> Vec<DocReport<'t>> {
        if texts.is_empty() {
            return Vec::new();
        }
        // Rounds of documents whose anchor events are computed together, on
        // every thread, while the previous round is matched in corpus
        // order. An event is 24 bytes; ordinary text has about 2 / (w + 1)
        // per byte, and `anchors_of` keeps at most 4 / (w + 1) per byte plus
        // 4 per document (periodic text is winnowed as it is matched), and
        // never more than one per window. A round of at most `cap` bytes
        // thus holds at most about 55 MiB of events at `min_len` 16 (in
        // documents of about 44 bytes) and 36 MiB at the default (11 MiB
        // typical); a document larger than `cap` is winnowed as it is
        // matched. About 32 rounds per batch keep the two stages
        // overlapping even for a small batch, and leave little of the first
        // round's winnowing and the last round's matching without the other
        // to overlap.
        let cap = ((self.params.w + 1) << 19).min(16 << 20);
        let total: usize = texts.iter().map(|t| t.len()).sum();
        corpus.text.reserve_documents(texts.len());
        // Room in the table for the batch's anchors, at the rate stored so
        // far (for a new corpus, that of novel text: 2 / (w + 1) per byte):
        // growing it while matching would rehash on the matching thread,
        // and freeing the old table interrupts the other threads to flush
        // their address translations.
        let stored = corpus.text.len();
        let expected = if stored >= 1 << 20 {
            (total as u128 * corpus.table.len() as u128 / u128::from(stored)) as usize
        } else {
            total / (self.params.w + 1) * 2
        };
        corpus.table.reserve_on_every_thread(expected);
        let round_bytes = round_bytes.unwrap_or((total / 32).clamp(64 << 10, cap));
        let rounds = crate::par::ranges_by_bytes(texts.iter().map(|t| t.len()), round_bytes);
        let events = |round: &core::ops::Range<usize>| {
            crate::par::map(&texts[round.clone()], |text| {
                (text.len() >= self.params.m && text.len() <= cap)
                    .then(|| scan::anchors_of(&self.params, text))
                    .flatten()
            })
        };
        // The batch's text goes to a segment of its own (zeroed pages from
        // the allocator, touched first by the copy). The matching reads the
        // documents in place, so the copy can happen at any time before the
        // batch is stored: the thread that computed a round's events (one
        // thread, whatever the pool's size) then copies documents, in order,
        // for as long as the round is being matched (early rounds match
        // faster than their events are computed, later ones slower, as the
        // table grows); the rest is copied at the end, on every thread.
        let mut segment = vec![0u8; total];
        let mut copies = split_by_lengths(&mut segment, texts.iter().map(|t| t.len()))
            .into_iter()
            .zip(texts.iter().copied());
        let round_matched = AtomicBool::new(false);
        let mut reports = Vec::with_capacity(texts.len());
        let mut current = rounds.first().map(events).unwrap_or_default();
        for (i, round) in rounds.iter().enumerate() {
            round_matched.store(false, Relaxed);
            let (next, ()) = crate::par::join(
                || {
                    let next = rounds.get(i + 1).map(events);
                    while copy_in_rounds && !round_matched.load(Relaxed) {
                        let Some((part, text)) = copies.next() else {
                            break;
                        };
                        part.copy_from_slice(text);
                    }
                    next
                },
                || {
                    for (j, anchors) in current.iter().enumerate() {
                        let k = round.start + j;
                        let unstored = Some(&texts[..k]);
                        reports.push(self.find_next(
                            corpus,
                            unstored,
                            texts[k],
                            anchors.as_deref(),
                        ));
                    }
                    round_matched.store(true, Relaxed);
                },
            );
            current = next.unwrap_or_default();
        }
        let mut rest: Vec<_> = copies.collect();
        crate::par::map_mut(&mut rest, |_, (part, text)| part.copy_from_slice(text));
        corpus.text.push_batch(segment);
        reports
    }
}

/// `bytes` cut into consecutive parts of the given lengths (which must not
/// add up to more than its length).
pub(super) fn split_by_lengths(
    bytes: &mut [u8],
    lens: impl Iterator<Item = usize>,
) -> Vec<&mut [u8]> {
    let mut rest = bytes;
    lens.map(|len| {
        let (part, tail) = core::mem::take(&mut rest).split_at_mut(len);
        rest = tail;
        part
    })
    .collect()
}
