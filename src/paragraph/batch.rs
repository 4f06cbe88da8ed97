//! Many documents, or one huge one, on every core, with exactly the answer
//! of feeding the documents one by one.
//!
//! # Phases
//!
//! 1. **Fingerprint** (parallel, per work unit). The batch is cut into units
//!    of about [`UNIT_BYTES`]: several small documents, or one region of a
//!    large one, cut on a paragraph boundary so that its paragraphs are the
//!    document's. Each unit splits and fingerprints its paragraphs and
//!    buckets the candidates by shard (a stable counting sort, so each
//!    bucket stays in corpus order). A unit needs only its own bytes.
//! 2. **Resolve** (parallel, per shard). The seen-set is cut into 64 shards
//!    by fingerprint. Each shard walks its buckets unit by unit, which is
//!    corpus order, and keeps the first (document, offset) of each
//!    fingerprint: exactly what the sequential loop decides, whatever the
//!    scheduling. It needs only fingerprints and positions.
//! 3. **Apply** (parallel, per group of documents). Each shard's list of
//!    later copies is already in corpus order, so a group of consecutive
//!    documents finds its own in every list by binary search, sorts them by
//!    (document, offset), and builds each document's report, merging runs
//!    as the sequential loop does.
//!
//! On a cluster the same phases are map (1), shuffle by shard and reduce
//! (2), and map (3): [`crate::phases`] exposes them, with the same
//! candidates (`Deduper::fingerprint` walks the paragraphs as phase 1
//! does), the same resolve step (`phases::resolve_next`, which
//! `phases::resolve` runs over rows it sorts into corpus order), and phase
//! 3 itself (`apply_checked`, shared with `Deduper::apply`).
//!
//! What stays sequential is planning the units (a pass over document
//! lengths, plus a `memchr` near each cut) and the groups (a pass over
//! document lengths): a small fraction of the fingerprinting work. (An
//! earlier version concatenated the later copies, sorted them all and cut
//! the list per document by binary search: a cache miss per probe, 6 to
//! 7 ms on one thread per 128 MiB batch.)
//!
//! Phases 1 and 2 run in rounds of 64 MiB of units, in corpus order, so the
//! candidates held at once stay bounded however large the batch.
//!
//! # Memory
//!
//! Beyond the texts and the corpus: 48 bytes per candidate paragraph of the
//! current 64 MiB round (phase 1 output) and 48 bytes per later copy (phase
//! 2 output, copied once more by the groups being applied), plus the
//! reports.

use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::par;
use crate::paragraph::document::for_each_candidate;
use crate::paragraph::phases::apply_checked;
use crate::paragraph::Config;
use crate::phases::{copies_of, resolve_next, LaterCopy};
use crate::report::{DocId, DocReport};
use crate::span::Span;
use crate::split::{self, Split};
use crate::table::{shard_of, SeenSet, Shard, SHARDS};
use core::ops::Range;

/// The target size of a phase 1 work unit: large enough that per-unit
/// overhead (one bucket boundary per shard) is noise, small enough that a
/// 128 MiB batch gives hundreds of units to balance across cores.
pub(crate) const UNIT_BYTES: usize = 256 << 10;

/// How many bytes of units go through phases 1 and 2 together: bounds the
/// candidates held at once (48 bytes each) while keeping every core busy.
const ROUND_BYTES: usize = 64 << 20;

/// A paragraph that may be a later copy.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    /// Its fingerprint.
    fp: Fingerprint,
    /// Its document's index within the batch.
    doc: u32,
    /// Its full span, terminator included.
    span: Span,
}

/// Phase 1 output for one unit.
#[derive(Debug, Default)]
struct UnitOut {
    /// Candidates bucketed by shard, each bucket in corpus order.
    candidates: Vec<Candidate>,
    /// Bucket `s` is `candidates[bounds[s]..bounds[s + 1]]`.
    bounds: Vec<usize>,
    /// Non-blank paragraphs per document piece: (document, count).
    paragraphs: Vec<(u32, u64)>,
}

/// A phase 1 work unit: pieces of documents, in corpus order.
type Unit = Vec<(u32, Span)>;

/// Deduplicates `texts` as the next documents of `seen`, numbered from
/// `first_doc`, in parallel, with the sequential answer.
pub(crate) fn dedup_batch<'t>(
    config: &Config,
    seen: &mut SeenSet,
    first_doc: u64,
    texts: &[&'t [u8]],
) -> Vec<DocReport<'t>> {
    dedup_batch_in_units(config, seen, first_doc, texts, UNIT_BYTES, ROUND_BYTES)
}

/// [`dedup_batch`] with chosen unit and round sizes (tests use tiny ones).
fn dedup_batch_in_units<'t>(
    config: &Config,
    seen: &mut SeenSet,
    first_doc: u64,
    texts: &[&'t [u8]],
    unit_bytes: usize,
    round_bytes: usize,
) -> Vec<DocReport<'t>> {
    let units = plan_units(texts, config.get_split(), unit_bytes);
    // Phase 2's output: one list per shard and round, each in corpus order.
    let mut lists: Vec<Vec<LaterCopy>> = Vec::new();
    let mut paragraphs = vec![0u64; texts.len()];
    // Rounds of units, in corpus order, bound the candidates held at once.
    let round = (round_bytes / unit_bytes.max(1)).max(1);
    for units in units.chunks(round) {
        let outs = par::map(units, |unit| fingerprint_unit(config, texts, unit));
        let found = par::map_mut(seen.shards_mut(), |s, table| {
            resolve_shard(table, s, &outs, first_doc)
        });
        lists.extend(found.into_iter().filter(|l| !l.is_empty()));
        for out in &outs {
            for &(d, n) in &out.paragraphs {
                paragraphs[d as usize] += n;
            }
        }
    }
    // About four groups per thread, of similar sizes in bytes.
    let total: usize = texts.iter().map(|t| t.len()).sum();
    let target = total.div_ceil(4 * par::threads()).max(1);
    let groups = par::ranges_by_bytes(texts.iter().map(|t| t.len()), target);
    let reports = par::map(&groups, |docs| {
        apply_group(docs.clone(), &lists, texts, &paragraphs, first_doc)
    });
    reports.into_iter().flatten().collect()
}

/// Phase 3 for a range of documents: gathers their later copies from every
/// list (each sorted by document and offset, so a range is two binary
/// searches away), sorts them by position, and builds the reports.
fn apply_group<'t>(
    docs: Range<usize>,
    lists: &[Vec<LaterCopy>],
    texts: &[&'t [u8]],
    paragraphs: &[u64],
    first_doc: u64,
) -> Vec<DocReport<'t>> {
    let mut mine = Vec::new();
    let range = first_doc + docs.start as u64..first_doc + docs.end as u64;
    for list in lists {
        mine.extend_from_slice(copies_of(list, range.clone()));
    }
    par::sort_by_unique_key(&mut mine, |c| (c.doc, c.span.start));
    let mut reports = Vec::with_capacity(docs.len());
    let mut at = 0;
    for d in docs {
        let id = DocId::new(first_doc + d as u64);
        let n = mine[at..].partition_point(|c| c.doc == id.index());
        let copies = &mine[at..at + n];
        reports.push(apply_checked(texts[d], id, copies, Some(paragraphs[d])));
        at += n;
    }
    reports
}

/// Cuts the batch into units of about `unit_bytes`.
fn plan_units(texts: &[&[u8]], split: Split, unit_bytes: usize) -> Vec<Unit> {
    let unit_bytes = unit_bytes.max(1);
    let mut units = Vec::new();
    let mut unit = Unit::new();
    let mut filled = 0;
    for (d, text) in texts.iter().enumerate() {
        let mut start = 0;
        while start < text.len() {
            let end = if text.len() - start > 2 * unit_bytes {
                split::cut_at_or_after(text, start + unit_bytes, split)
            } else {
                text.len()
            };
            unit.push((d as u32, Span::new(start, end)));
            filled += end - start;
            if filled >= unit_bytes {
                units.push(std::mem::take(&mut unit));
                filled = 0;
            }
            start = end;
        }
    }
    if !unit.is_empty() {
        units.push(unit);
    }
    units
}

/// Phase 1 for one unit.
fn fingerprint_unit(config: &Config, texts: &[&[u8]], unit: &Unit) -> UnitOut {
    let mut fingerprinter = Fingerprinter::with_seed(config.get_normalize(), config.get_seed());
    let mut candidates = Vec::new();
    let mut paragraphs = Vec::with_capacity(unit.len());
    for &(d, region) in unit {
        let n = for_each_candidate(
            config,
            &mut fingerprinter,
            texts[d as usize],
            region,
            |fp, span| {
                candidates.push(Candidate { fp, doc: d, span });
            },
        );
        paragraphs.push((d, n));
    }
    // Stable counting sort by shard.
    let mut bounds = vec![0usize; SHARDS + 1];
    for c in &candidates {
        bounds[shard_of(c.fp) + 1] += 1;
    }
    for s in 0..SHARDS {
        bounds[s + 1] += bounds[s];
    }
    let mut next = bounds.clone();
    let mut bucketed = candidates.clone();
    for c in candidates {
        let slot = &mut next[shard_of(c.fp)];
        bucketed[*slot] = c;
        *slot += 1;
    }
    UnitOut {
        candidates: bucketed,
        bounds,
        paragraphs,
    }
}

/// Phase 2 for one shard: walks its buckets in corpus order.
fn resolve_shard(
    table: &mut Shard,
    shard: usize,
    outs: &[UnitOut],
    first_doc: u64,
) -> Vec<LaterCopy> {
    outs.iter()
        .flat_map(|out| &out.candidates[out.bounds[shard]..out.bounds[shard + 1]])
        .filter_map(|c| resolve_next(table, c.fp, first_doc + u64::from(c.doc), c.span))
        .collect()
}

/// True when a document is large enough for the phased path to beat the
/// fused loop. It does even on one thread: phase 2 walks one shard at a
/// time, whose table (1/64 of the seen-set) stays in cache, where the fused
/// loop jumps across the whole table at every paragraph.
pub(crate) fn worth_splitting(len: usize) -> bool {
    len >= 8 * UNIT_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paragraph::document::dedup_paragraphs;
    use crate::{Normalize, Split};
    use proptest::prelude::*;

    fn sequential<'t>(config: &Config, texts: &[&'t [u8]]) -> Vec<DocReport<'t>> {
        let mut seen = SeenSet::default();
        texts
            .iter()
            .enumerate()
            .map(|(d, t)| dedup_paragraphs(config, &mut seen, DocId::new(d as u64), t))
            .collect()
    }

    #[test]
    fn per_paragraph_memory_is_as_documented() {
        assert_eq!(core::mem::size_of::<Candidate>(), 48, "per candidate");
        assert_eq!(core::mem::size_of::<LaterCopy>(), 48, "per later copy");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Tiny units force cuts everywhere; the answer must not change.
        #[test]
        fn tiny_units_match_sequential(
            docs in proptest::collection::vec("\u{FEFF}?[ab \r\n\u{FEFF}]{0,60}", 0..5),
            unit in 1usize..40,
            round in 1usize..200,
            blocks: bool,
            loose: bool,
        ) {
            let config = Config::new()
                .min_len(1)
                .split(if blocks { Split::BlankLines } else { Split::Lines })
                .normalize(if loose { Normalize::Loose } else { Normalize::Exact });
            let texts: Vec<&[u8]> = docs.iter().map(|d| d.as_bytes()).collect();
            let batch =
                dedup_batch_in_units(&config, &mut SeenSet::default(), 0, &texts, unit, round);
            prop_assert_eq!(batch, sequential(&config, &texts));
        }
    }
}
