//! Passage mode in phases (`textdedup::passage::phases`) against the
//! one-machine corpus: the same report for every document, origins
//! included, whatever order the rows of each list arrive in.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use textdedup::passage::phases::{AnchorRow, EarlierDoc, ListCount, StoredEntry};
use textdedup::passage::{self, Snap};
use textdedup::{DocId, Origin, Removal};
use textdedup_testkit::generate::words::corpus_with_repeats;
use textdedup_testkit::SplitMix64;

/// Runs `docs` through the three phases, the shuffles simulated: rows
/// grouped by list (each group in a scrambled order), entries gathered by
/// document, each document applied with the earlier documents it needs.
/// Checks every report equals `dedup_in`'s on one corpus, and returns how
/// many lists were full at some point (to see that the tests reach them)
/// and the removals.
fn phases_equal_one_corpus(docs: &[&[u8]], config: passage::Config, scramble: u64) -> usize {
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
    let mut rows: Vec<AnchorRow> = Vec::new();
    for (d, text) in docs.iter().enumerate() {
        finder.anchor_rows(key(d), text, &mut rows);
    }
    let mut lists: BTreeMap<u64, Vec<AnchorRow>> = BTreeMap::new();
    for row in rows {
        lists.entry(row.list).or_default().push(row);
    }
    let mut rng = SplitMix64(scramble);
    let mut stored: BTreeMap<u64, Vec<StoredEntry>> = BTreeMap::new();
    let mut needs: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
    let mut counts: BTreeMap<u64, Vec<ListCount>> = BTreeMap::new();
    let mut full_lists = 0;
    for group in lists.values_mut() {
        for i in (1..group.len()).rev() {
            group.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let resolved = finder.resolve_anchors(group);
        full_lists += usize::from(resolved.stored.iter().any(|s| s.window));
        for s in resolved.stored {
            stored.entry(s.doc).or_default().push(s);
        }
        for c in resolved.counts {
            counts.entry(c.doc).or_default().push(c);
        }
        for (d, e) in resolved.earlier {
            assert!(e < d, "only earlier documents are needed");
            needs.entry(d).or_default().insert(e);
        }
    }
    let mut starts = Vec::new();
    let mut at = 0u64;
    for text in docs {
        starts.push(at);
        at += text.len() as u64;
    }
    let index = |k: u64| ((k - 1000) / 7) as usize;
    for (d, text) in docs.iter().enumerate() {
        let none = BTreeSet::new();
        let earlier: Vec<EarlierDoc<'_>> = needs
            .get(&key(d))
            .unwrap_or(&none)
            .iter()
            .map(|&k| EarlierDoc {
                doc: k,
                start: starts[index(k)],
                text: docs[index(k)],
                stored: stored.get(&k).map_or(&[], Vec::as_slice),
            })
            .collect();
        let list_counts = counts.get(&key(d)).map_or(&[][..], Vec::as_slice);
        let applied = finder.apply_with(key(d), starts[d], text, &earlier, list_counts);
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
    full_lists
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

/// Posts whose header lines recur in many contexts fill their anchors'
/// lists (at `min_len` 32 and 100), so that windows are stored and read by
/// their window keys; and threads of replies copy whole posts.
#[test]
fn phases_equal_one_corpus_on_recurring_headers() {
    let posts = textdedup_testkit::generate::mail::posts(0x6E65_7773, 1500);
    let docs: Vec<&[u8]> = posts.iter().map(Vec::as_slice).collect();
    for m in [16, 32, 100] {
        let full = phases_equal_one_corpus(&docs, config(m, Snap::Byte), m as u64);
        if m > 16 {
            assert!(full > 0, "min_len {m}: no list filled");
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
