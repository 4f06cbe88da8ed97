//! Passage mode in phases (`textdedup::passage::phases`) against the
//! one-machine corpus: the same report for every document, origins
//! included, whatever order the rows of each list arrive in.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use textdedup::passage::phases::{earlier_ranges, AnchorRow, EarlierDoc, ListCount, StoredEntry};
use textdedup::passage::{self, Snap};
use textdedup::{DocId, Origin, Removal};
use textdedup_testkit::generate::words::corpus_with_repeats;
use textdedup_testkit::SplitMix64;

/// Runs `docs` through the three phases, the shuffles simulated: rows
/// grouped by list (each group in a scrambled order), each document
/// applied with the parts of the earlier documents it needs. Checks every
/// report equals `dedup_in`'s on one corpus, and returns what the run
/// reached (to see that the tests reach the cases they are for).
fn phases_equal_one_corpus(docs: &[&[u8]], config: passage::Config, scramble: u64) -> Reached {
    let finder = passage::Deduper::new(config).unwrap();
    let mut corpus = passage::Corpus::new();
    let want: Vec<Vec<Removal>> = docs
        .iter()
        .map(|d| finder.dedup_in(&mut corpus, d).removals().to_vec())
        .collect();
    assert_eq!(
        corpus.refused_anchors(),
        0,
        "the tests stay clear of refusals"
    );

    // Document keys in corpus order, not consecutive.
    let key = |d: usize| 1000 + 7 * d as u64;
    let index = |k: u64| ((k - 1000) / 7) as usize;
    let mut rows: Vec<AnchorRow> = Vec::new();
    for (d, text) in docs.iter().enumerate() {
        finder.anchor_rows(key(d), text, &mut rows);
    }
    let mut lists: BTreeMap<u64, Vec<AnchorRow>> = BTreeMap::new();
    for row in rows {
        lists.entry(row.list()).or_default().push(row);
    }
    let mut rng = SplitMix64(scramble);
    // Per document: per earlier document, the entries it needs.
    let mut needs: BTreeMap<u64, BTreeMap<u64, BTreeSet<StoredEntry>>> = BTreeMap::new();
    let mut counts: BTreeMap<u64, Vec<ListCount>> = BTreeMap::new();
    let mut reached = Reached::default();
    for group in lists.values_mut() {
        for i in (1..group.len()).rev() {
            group.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let resolved = finder.resolve_anchors(group);
        reached.full_lists += usize::from(resolved.earlier.iter().any(|n| n.entry.window));
        for c in resolved.counts {
            counts.entry(c.doc).or_default().push(c);
        }
        for n in resolved.earlier {
            assert!(n.entry.doc < n.doc, "only earlier documents are needed");
            assert_eq!(n.doc_len, docs[index(n.doc)].len() as u64);
            let entries = needs.entry(n.doc).or_default();
            entries.entry(n.entry.doc).or_default().insert(n.entry);
        }
    }
    let mut starts = Vec::new();
    let mut at = 0u64;
    for text in docs {
        starts.push(at);
        at += text.len() as u64;
    }
    for (d, text) in docs.iter().enumerate() {
        // Each earlier document in the parts a run can reach, each part
        // with the entries it holds.
        let mut parts: Vec<(u64, u64, u64, Vec<StoredEntry>)> = Vec::new();
        for (&e, entries) in needs.get(&key(d)).into_iter().flatten() {
            let entries: Vec<StoredEntry> = entries.iter().copied().collect();
            let whole = docs[index(e)];
            for (lo, hi) in earlier_ranges(text.len() as u64, whole.len() as u64, &entries) {
                reached.parts += usize::from(hi - lo < whole.len() as u64);
                let held = entries
                    .iter()
                    .filter(|s| s.pos >= lo && s.pos < hi)
                    .copied();
                parts.push((e, lo, hi, held.collect()));
            }
        }
        let earlier: Vec<EarlierDoc<'_>> = parts
            .iter()
            .map(|(e, lo, hi, held)| EarlierDoc {
                doc: *e,
                start: starts[index(*e)],
                from: *lo,
                text: &docs[index(*e)][*lo as usize..*hi as usize],
                stored: held,
            })
            .collect();
        let list_counts = counts.get(&key(d)).map_or(&[][..], Vec::as_slice);
        let applied = finder.apply_with(key(d), starts[d], text, &earlier, list_counts);
        // Rows given twice (a step run again after a failure) change nothing.
        let again = finder.apply_with(
            key(d),
            starts[d],
            text,
            &[&earlier[..], &earlier[..]].concat(),
            &[list_counts, list_counts].concat(),
        );
        assert_eq!(again.report, applied.report, "document {d}, rows twice");
        assert_eq!(applied.refused_anchors, 0);
        // The same removals, origins named by document key.
        let got: Vec<Removal> = applied
            .report
            .removals()
            .iter()
            .map(|r| {
                let f = r.first();
                let doc = DocId::new(index(f.doc().index()) as u64);
                Removal::new(r.span(), Origin::new(doc, f.start(), f.end()))
            })
            .collect();
        assert_eq!(got, want[d], "document {d}");
    }
    reached
}

/// What a run of the phases went through.
#[derive(Default)]
struct Reached {
    /// Lists whose windows were needed by their window keys.
    full_lists: usize,
    /// Earlier documents given in parts, not whole.
    parts: usize,
}

fn config(m: usize, snap: Snap) -> passage::Config {
    passage::Config::new().min_len(m).snap(snap)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn phases_equal_one_corpus_on_injected_repeats(
        seed in any::<u64>(),
        m in 16usize..120,
        snap in prop::sample::select(vec![Snap::Byte, Snap::Word]),
    ) {
        let docs = corpus_with_repeats(seed, 8, 1500);
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        phases_equal_one_corpus(&docs, config(m, snap), seed);
    }

    #[test]
    fn phases_equal_one_corpus_on_small_alphabets(
        alphabet in 2usize..=4,
        m in prop::sample::select(vec![16usize, 17, 20, 33, 64, 70]),
        raw in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..600), 1..6),
    ) {
        let docs: Vec<Vec<u8>> = raw
            .iter()
            .map(|d| d.iter().map(|b| b"acgt"[*b as usize % alphabet]).collect())
            .collect();
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        phases_equal_one_corpus(&docs, config(m, Snap::Byte), alphabet as u64);
    }
}

/// Up to 70 short documents over a small alphabet, made of a few shared
/// phrases, copies of about `min_len` bytes from earlier documents, and
/// noise: lists fill, and copies are cut at document edges.
fn shared_phrases(seed: u64) -> (Vec<Vec<u8>>, usize) {
    let mut rng = SplitMix64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x1234);
    let alphabet = 2 + rng.below(3);
    let m = [16usize, 17, 19, 24, 33, 45, 64, 100][rng.below(8) as usize];
    let count = 2 + rng.below(70);
    let letter =
        |rng: &mut SplitMix64, extra: u64| b"acgtxyz"[rng.below(alphabet + extra) as usize];
    let phrases: Vec<Vec<u8>> = (0..1 + rng.below(4))
        .map(|_| {
            let len = m / 2 + rng.below(2 * m as u64) as usize;
            (0..len).map(|_| letter(&mut rng, 0)).collect()
        })
        .collect();
    let mut docs: Vec<Vec<u8>> = Vec::new();
    for _ in 0..count {
        let mut doc = Vec::new();
        let target = rng.below(4 * m as u64 + 40) as usize;
        while doc.len() < target {
            match rng.below(5) {
                0 if !docs.is_empty() => {
                    let from = &docs[rng.below(docs.len() as u64) as usize];
                    if !from.is_empty() {
                        let at = rng.below(from.len() as u64) as usize;
                        let len = (m - 3 + rng.below(8) as usize).min(from.len() - at);
                        doc.extend_from_slice(&from[at..at + len]);
                    }
                }
                1 | 2 => doc.extend_from_slice(&phrases[rng.below(phrases.len() as u64) as usize]),
                _ => (0..1 + rng.below(6)).for_each(|_| doc.push(letter(&mut rng, 1))),
            }
        }
        docs.push(doc);
    }
    (docs, m)
}

/// [`shared_phrases`] for seeds 0 to 299 (seed 3, with a list count
/// given twice, once gave other removals).
#[test]
fn phases_equal_one_corpus_on_shared_phrases() {
    for seed in 0..300 {
        let (docs, m) = shared_phrases(seed);
        let docs: Vec<&[u8]> = docs.iter().map(Vec::as_slice).collect();
        phases_equal_one_corpus(&docs, config(m, Snap::Byte), seed);
    }
}

/// Posts whose header lines recur in many contexts fill their anchors'
/// lists (at `min_len` 32 and 100), so that windows are stored and read by
/// their window keys; and threads of replies copy whole posts.
#[test]
fn phases_equal_one_corpus_on_recurring_headers() {
    let posts = textdedup_testkit::generate::mail::posts(0x6E65_7773, 1500);
    let docs: Vec<&[u8]> = posts.iter().map(Vec::as_slice).collect();
    for m in [16, 32, 100] {
        let reached = phases_equal_one_corpus(&docs, config(m, Snap::Byte), m as u64);
        if m > 16 {
            assert!(reached.full_lists > 0, "min_len {m}: no list filled");
        }
    }
}

/// Periodic documents, empty and short ones, and a document that repeats
/// itself at an overlap.
#[test]
fn phases_equal_one_corpus_on_periodic_and_short_documents() {
    let spaces = vec![b' '; 3000];
    let abab = b"ab".repeat(2000);
    let overlap = b"xyz, a phrase that runs on; ".repeat(40);
    let docs: Vec<&[u8]> = vec![
        b"",
        b"short",
        &spaces,
        &abab,
        b"",
        &overlap,
        &abab[1..],
        &spaces[7..],
        &overlap[3..],
    ];
    for m in [16, 50, 100] {
        phases_equal_one_corpus(&docs, config(m, Snap::Byte), 1);
    }
}

/// A long document quoted in pieces by short ones (and by a long one, at
/// two places far apart): the short ones get it in parts, and their
/// reports stay `dedup_in`'s.
#[test]
fn phases_equal_one_corpus_with_long_documents_read_in_parts() {
    let mut rng = SplitMix64(7);
    let long = textdedup_testkit::generate::words::prose(&mut rng, 60_000);
    let mut docs: Vec<Vec<u8>> = vec![long.clone()];
    for i in 0..40u64 {
        let at = rng.below(long.len() as u64 - 400) as usize;
        let piece = 90 + rng.below(60) as usize;
        let mut doc = textdedup_testkit::generate::words::prose(&mut rng, 150);
        doc.extend_from_slice(&long[at..at + piece]);
        doc.extend(format!(" and the rest of note {i}.").bytes());
        docs.push(doc);
    }
    let mut far = textdedup_testkit::generate::words::prose(&mut rng, 5_000);
    far.extend_from_slice(&long[1_000..1_300]);
    far.extend(textdedup_testkit::generate::words::prose(&mut rng, 5_000));
    far.extend_from_slice(&long[55_000..55_250]);
    docs.push(far);
    let docs: Vec<&[u8]> = docs.iter().map(Vec::as_slice).collect();
    for snap in [Snap::Byte, Snap::Word] {
        let reached = phases_equal_one_corpus(&docs, config(64, snap), 3);
        assert!(reached.parts >= 40, "{} parts", reached.parts);
    }
}

/// Periodic text has an anchor per window, all of one k-gram: the rows of
/// a run share one copy of its bytes, so they hold about the text's size,
/// not `2 min_len` bytes per byte.
#[test]
fn rows_of_periodic_text_share_their_bytes() {
    let finder = passage::Deduper::new(config(100, Snap::Byte)).unwrap();
    for text in [vec![b' '; 100_000], b"ab".repeat(50_000)] {
        let mut rows = Vec::new();
        finder.anchor_rows(1, &text, &mut rows);
        assert!(rows.len() > 10_000, "{} rows", rows.len());
        let mut held = 0;
        for (i, row) in rows.iter().enumerate() {
            if i == 0 || !std::sync::Arc::ptr_eq(&row.bytes, &rows[i - 1].bytes) {
                held += row.bytes.len();
            }
        }
        assert!(
            held <= text.len() + 200,
            "{held} bytes held for {}",
            text.len()
        );
    }
}
