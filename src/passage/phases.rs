//! Passage mode in phases, for a corpus spread over many machines: the
//! answer of [`Deduper::dedup_in`] on every document in corpus order, from
//! steps that each see a part of the corpus.
//!
//! A document's report depends on its own bytes, on the anchor table as
//! the documents before it left it (only the lists under the anchors it
//! looks up), and on the bytes of the earlier documents those lists point
//! into. The table is not built in one place; the phases find what it
//! holds from the anchors themselves:
//!
//! 1. **anchors** ([`Deduper::anchor_rows`], a map over documents): one
//!    [`AnchorRow`] per anchor of the document, with its hash (which gives
//!    its table list) and the `min_len` bytes either side of its k-gram,
//!    which hold the windows that select it (its *charge*).
//! 2. **resolve** ([`Deduper::resolve_anchors`], one call per table list,
//!    the rows of the list together): two equal windows select the same
//!    anchor, so every earlier copy of a window sits in the same list. From
//!    the bytes, each window is a repeat or the first of its bytes, and the
//!    list's story follows as the one-machine scan writes it: an anchor is
//!    stored unless every window of its charge repeats, at most 32 a list;
//!    past that, the first copies among its windows are stored under their
//!    window keys. The step gives how many entries the list holds when
//!    each document starts, and the entries of earlier documents
//!    ([`StoredEntry`]) that each document's lookups can match ([`Needs`]);
//!    the list's other entries only count towards its limit.
//! 3. **apply** ([`Deduper::apply_with`], a map over documents): a document,
//!    with the bytes and stored entries of the earlier documents it needs,
//!    scanned as on one machine against a table of those entries.
//!
//! The report equals `dedup_in`'s when nothing is refused (see
//! [`design`](crate::passage::design)): windows are then certified exactly
//! when they repeat, which is what the resolve step decides. Three things
//! only the whole table sees are left out: different windows whose window
//! keys collide (hashes modulo 2^61 - 1; under a secret seed, chance),
//! hashes of different lists whose 42 bits agree (they share a list on one
//! machine: it fills sooner), and anchors past 256 GiB of corpus text,
//! which one machine does not store but the resolve step, which sees no
//! global positions, counts towards their lists' limit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::passage::anchor::Winnower;
use crate::passage::context::Context;
use crate::passage::scan::Scratch;
use crate::passage::stored::Earlier;
use crate::passage::table::{list_of, AnchorTable, MAX_CANDIDATES, MAX_POS};
use crate::passage::window::WindowKey;
use crate::passage::Deduper;
use crate::report::{DocId, DocReport};

/// One anchor of a document: the k-gram that the windows of its charge
/// select, and their bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnchorRow {
    /// The k-gram's hash.
    pub hash: u64,
    /// The document's key, in corpus order.
    pub doc: u64,
    /// The document's length.
    pub doc_len: u64,
    /// The k-gram's offset in the document.
    pub pos: u64,
    /// The first window that selects it (its start offset).
    pub first_window: u64,
    /// How many windows select it (its charge).
    pub windows: u64,
    /// The offset of `bytes` in the document.
    pub from: u64,
    /// Bytes of the document from `from` on, at least from `min_len` before
    /// the k-gram to `min_len` after its start (within the document): the
    /// windows that select it, and those a run through it must agree on
    /// somewhere (see [`Needs::earlier`]). Consecutive anchors of one
    /// k-gram (periodic text: one per window) share them.
    pub bytes: Arc<[u8]>,
}

impl AnchorRow {
    /// The table list it belongs to (42 bits of its hash): the rows of one
    /// list are resolved together.
    pub fn list(&self) -> u64 {
        list_of(self.hash)
    }

    /// The window keys of the windows that start from `min_len` bytes
    /// before the k-gram to the k-gram (those inside the row's bytes),
    /// each with its start less the k-gram's: a run through this anchor
    /// and an earlier one with the same k-gram position agrees on one of
    /// them at the same offset (see [`Needs::earlier`]).
    fn near_windows(&self, mut key: WindowKey, m: usize) -> Vec<(u64, u64)> {
        let (m, end) = (m as u64, self.from + self.bytes.len() as u64);
        let lo = self.pos.saturating_sub(m).max(self.from);
        match end.checked_sub(m).map(|last| last.min(self.pos)) {
            Some(hi) if hi >= lo => (lo..=hi)
                .map(|s| (self.pos - s, key.at(&self.bytes, (s - self.from) as usize)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// An entry a document leaves in the one-machine table: an anchor under
/// its k-gram's hash, or (when that list was full) a window under its
/// window key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoredEntry {
    /// The document's key.
    pub doc: u64,
    /// The anchor's or the window's offset in the document.
    pub pos: u64,
    /// The k-gram hash, or the window key.
    pub key: u64,
    /// Whether `key` is a window key.
    pub window: bool,
}

/// What the resolve step of one list gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The entries of earlier documents that a document's lookups may
    /// match: a run that counts goes through an anchor `a` of the
    /// document and an entry `q` (the same k-gram) and is at least `m =
    /// min_len` bytes long, so it holds a window of `m` bytes starting
    /// between `a - m` and `a`, equal to the one at the same offset from
    /// `q`: the entries with such a window of the same window key; and, for
    /// a window read by its window key, the entry of its bytes. Each once
    /// per document.
    pub earlier: Vec<Need>,
    /// How many entries the list holds from the documents before each of
    /// its documents (those it holds any).
    pub counts: Vec<ListCount>,
}

/// An entry of an earlier document that a document's lookups may match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    /// The document's key.
    pub doc: u64,
    /// The document's length: a run through the entry reaches no further
    /// than this either side of it ([`earlier_ranges`]).
    pub doc_len: u64,
    /// The entry.
    pub entry: StoredEntry,
}

/// The ranges of an earlier document of `earlier_len` bytes that a
/// document of `doc_len` bytes can match through `entries`: `doc_len`
/// bytes either side of each (a run lies within the document), merged, in
/// order.
pub fn earlier_ranges(doc_len: u64, earlier_len: u64, entries: &[StoredEntry]) -> Vec<(u64, u64)> {
    let mut ranges: Vec<(u64, u64)> = entries
        .iter()
        .map(|e| {
            (
                e.pos.saturating_sub(doc_len),
                (e.pos + doc_len).min(earlier_len),
            )
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

/// How many entries a table list holds when a document starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListCount {
    /// The document's key.
    pub doc: u64,
    /// A hash of the list (an anchor of the document in it).
    pub hash: u64,
    /// Entries stored by the documents before it.
    pub entries: u64,
}

/// An earlier document as the apply step reads it.
#[derive(Clone, Copy, Debug)]
pub struct EarlierDoc<'a> {
    /// Its key.
    pub doc: u64,
    /// Its global start: the bytes of every document before it, in corpus
    /// order.
    pub start: u64,
    /// Where `text` starts in it.
    pub from: u64,
    /// Its bytes from `from` on: the document, or one of its
    /// [`earlier_ranges`].
    pub text: &'a [u8],
    /// Its entries the document needs ([`Needs::earlier`]), each in the
    /// range that holds it (or given once, for the whole document).
    pub stored: &'a [StoredEntry],
}

/// A document's report from [`Deduper::apply_with`], and what it refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied<'t> {
    /// The report, as [`Deduper::dedup_in`] gives it (origins named by the
    /// keys of their documents).
    pub report: DocReport<'t>,
    /// Windows refused in this document ([`crate::passage::Corpus::refused_anchors`]).
    pub refused_anchors: u64,
    /// Their bytes ([`crate::passage::Corpus::refused_bytes`]).
    pub refused_bytes: u64,
}

impl Deduper {
    /// The winnowing window `w` of this deduper's anchors, in k-grams:
    /// `min_len - k + 1` (the k-grams in a window of `min_len` bytes), at
    /// most 4,096, where `k` is 11, 13, 16, 22 or 32 bytes as `min_len`
    /// reaches 16, 20, 24, 44 or 64. Novel text has about `2 / (w + 1)`
    /// anchors a byte, one row each in [`Deduper::anchor_rows`] of up to
    /// `2 min_len` bytes.
    ///
    /// ```
    /// use textdedup::passage::{Config, Deduper};
    ///
    /// let window = |m| Deduper::new(Config::new().min_len(m)).unwrap().anchor_window();
    /// assert_eq!(window(16), 6); // 11-byte k-grams
    /// assert_eq!(window(43), 28); // 16-byte ones
    /// assert_eq!(window(44), 23); // 22-byte ones: a longer k-gram, a shorter window
    /// assert_eq!(window(100), 69); // 32-byte ones
    /// assert_eq!(window(1 << 20), 4096);
    /// ```
    pub fn anchor_window(&self) -> usize {
        self.params.w
    }

    /// Phase 1: the anchors of document `doc` (its key in corpus order),
    /// appended to `out`. A document shorter than `min_len` has none.
    ///
    /// # Complexity
    ///
    /// Linear time in `text.len()`; each row holds up to `2 min_len` bytes:
    /// about `4 min_len / (w + 1)` bytes per byte of ordinary text (`w`,
    /// the winnowing window). In periodic text (an anchor per window, all
    /// of one k-gram) consecutive rows share their bytes.
    pub fn anchor_rows(&self, doc: u64, text: &[u8], out: &mut Vec<AnchorRow>) {
        let p = &self.params;
        if text.len() < p.m {
            return;
        }
        let windows = text.len() - p.m + 1;
        let mut events = Vec::new();
        Winnower::starting_at(p, text, 0, Vec::new()).run(windows, &mut events);
        let mut i = 0;
        while i < events.len() {
            // A run of anchors of one k-gram whose ranges overlap.
            let mut j = i + 1;
            while j < events.len()
                && events[j].hash == events[i].hash
                && events[j].pos() < events[j - 1].pos() + 2 * p.m
            {
                j += 1;
            }
            // The windows of a charge lie within (they start from
            // `pos - (w - 1)` to `pos`).
            let from = events[i].pos().saturating_sub(p.m);
            let to = (events[j - 1].pos() + p.m).min(text.len());
            let bytes: Arc<[u8]> = Arc::from(&text[from..to]);
            for k in i..j {
                let a = &events[k];
                let end = events.get(k + 1).map_or(windows, |b| b.first_window);
                out.push(AnchorRow {
                    hash: a.hash,
                    doc,
                    doc_len: text.len() as u64,
                    pos: a.pos() as u64,
                    first_window: a.first_window as u64,
                    windows: (end - a.first_window) as u64,
                    from: from as u64,
                    bytes: Arc::clone(&bytes),
                });
            }
            i = j;
        }
    }

    /// Phase 2: the rows of one table list (every row whose
    /// [`list`](AnchorRow::list) is the same, from every document, in any
    /// order) resolved into the list's size as each document starts and
    /// the entries of earlier documents each document can match. The list
    /// of one document gives nothing: no other document reads it.
    ///
    /// # Complexity
    ///
    /// The sort of the rows, plus per row: the window keys of its charge
    /// (rolled across the rows that share their bytes) and a comparison of
    /// `min_len` bytes per window that repeats; and, for a row that stores
    /// an anchor or that comes before its document has found every anchor
    /// stored by earlier documents, the `min_len + 1` windows near its
    /// anchor (`O(min_len)`). Periodic text, one row per window, thus
    /// stays linear once its document has found those anchors.
    pub fn resolve_anchors(&self, rows: &mut [AnchorRow]) -> Needs {
        let m = self.params.m;
        rows.sort_unstable_by_key(|r| (r.doc, r.pos));
        let rows: &[AnchorRow] = rows;
        if rows.first().map(|r| r.doc) == rows.last().map(|r| r.doc) {
            // One document: what it stores here only it reads, and its
            // own scan finds again.
            return Needs::default();
        }
        // The bytes of window `w` of row `r`.
        let window = |r: usize, w: usize| {
            let at = (rows[r].first_window - rows[r].from) as usize + w;
            &rows[r].bytes[at..at + m]
        };
        // The first window of each window key's bytes: (row, window).
        let mut firsts: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
        // The stored anchors, by the windows near them (offset and window
        // key) that a run through them agrees on.
        let mut near: HashMap<(u64, u64), Vec<StoredEntry>> = HashMap::new();
        // The anchor entry each row stored, if it stored one.
        let mut stored: Vec<Option<StoredEntry>> = vec![None; rows.len()];
        // The windows stored under their window keys (their rows' lists
        // were full at the lookup), by first window: (row, window) to entry.
        let mut windowed: HashMap<(usize, usize), StoredEntry> = HashMap::new();
        let mut needs = Needs::default();
        let mut stored_count = 0;
        let mut i = 0;
        while i < rows.len() {
            let doc = rows[i].doc;
            let end = i + rows[i..].iter().take_while(|r| r.doc == doc).count();
            if stored_count > 0 {
                needs.counts.push(ListCount {
                    doc,
                    hash: rows[i].hash,
                    entries: stored_count as u64,
                });
            }
            let doc_len = rows[i].doc_len;
            let mut linked: Vec<StoredEntry> = Vec::new();
            let mut seen: HashSet<StoredEntry> = HashSet::new();
            let mut link = |entry: StoredEntry| {
                let new = entry.doc != doc && seen.insert(entry);
                if new {
                    linked.push(entry);
                }
                new
            };
            // `near` holds the anchors stored by earlier documents; once
            // the document has linked them all, its rows need not look.
            let (near_stored, mut near_linked) = (stored_count, 0);
            // One window key rolled over the rows that share their bytes.
            let mut key = self.params.window;
            let mut key_bytes: Option<&Arc<[u8]>> = None;
            // The near windows of the document's rows, computed where they
            // are read: to find stored anchors of earlier documents (if the
            // list has any), or to be found (if the row stores one).
            let mut nears: Vec<Option<Vec<(u64, u64)>>> = vec![None; end - i];
            for r in i..end {
                let row = &rows[r];
                if near_linked < near_stored {
                    let windows = row.near_windows(self.params.window, m);
                    for w in &windows {
                        for &entry in near.get(w).into_iter().flatten() {
                            near_linked += usize::from(link(entry));
                        }
                    }
                    nears[r - i] = Some(windows);
                }
                if !key_bytes.is_some_and(|b| Arc::ptr_eq(b, &row.bytes)) {
                    (key, key_bytes) = (self.params.window, Some(&row.bytes));
                }
                let mut fresh = Vec::new();
                for w in 0..row.windows as usize {
                    let key_of = key.at(&row.bytes, (row.first_window - row.from) as usize + w);
                    let bytes = window(r, w);
                    let first = firsts
                        .get(&key_of)
                        .and_then(|list| list.iter().find(|&&(fr, fw)| window(fr, fw) == bytes));
                    match first {
                        // A repeat: its first copy, if stored under its
                        // window key, is read from there.
                        Some(first) => {
                            if let Some(&entry) = windowed.get(first) {
                                link(entry);
                            }
                        }
                        None => fresh.push((key_of, w)),
                    }
                }
                if fresh.is_empty() {
                    continue; // every window repeats: nothing stored
                }
                if stored_count < MAX_CANDIDATES {
                    stored_count += 1;
                    stored[r] = Some(StoredEntry {
                        doc,
                        pos: row.pos,
                        key: row.hash,
                        window: false,
                    });
                } else {
                    for &(key, w) in &fresh {
                        let entry = StoredEntry {
                            doc,
                            pos: row.first_window + w as u64,
                            key,
                            window: true,
                        };
                        windowed.insert((r, w), entry);
                    }
                }
                for (key, w) in fresh {
                    firsts.entry(key).or_default().push((r, w));
                }
            }
            // The document's stored anchors, for the documents after it.
            for r in i..end {
                if let Some(entry) = stored[r] {
                    let windows = nears[r - i]
                        .take()
                        .unwrap_or_else(|| rows[r].near_windows(self.params.window, m));
                    for w in windows {
                        near.entry(w).or_default().push(entry);
                    }
                }
            }
            needs.earlier.extend(linked.into_iter().map(|entry| Need {
                doc,
                doc_len,
                entry,
            }));
            i = end;
        }
        needs
    }

    /// Phase 3: document `doc` (its key), which starts at global position
    /// `start`, matched against the earlier documents its lookups read
    /// (any order; more than it needs is fine): the report
    /// [`Deduper::dedup_in`] gives it under [`Scope::Corpus`](crate::Scope::Corpus).
    ///
    /// # Complexity
    ///
    /// As [`Deduper::dedup_in`] for `text`, plus inserting the earlier
    /// documents' entries.
    pub fn apply_with<'t>(
        &self,
        doc: u64,
        start: u64,
        text: &'t [u8],
        earlier: &[EarlierDoc<'_>],
        counts: &[ListCount],
    ) -> Applied<'t> {
        // The parts in global order; empty ones hold nothing (and share
        // their start with the next).
        let mut earlier: Vec<&EarlierDoc<'_>> = earlier
            .iter()
            .filter(|e| e.start + e.from < start && !e.text.is_empty())
            .collect();
        earlier.sort_unstable_by_key(|e| e.start + e.from);
        earlier.dedup_by_key(|e| e.start + e.from);
        let (m, k) = (self.params.m as u64, self.params.k as u64);
        let context = Context::new(self.params.m, self.params.k);
        let mut table = AnchorTable::default();
        table.reserve(earlier.iter().map(|e| e.stored.len()).sum());
        // The entries the document may match, each once, with its context
        // from the part that holds it.
        let mut seen: HashSet<StoredEntry> = HashSet::new();
        let mut real: HashMap<u64, u64> = HashMap::new();
        for e in &earlier {
            let held = |s: &StoredEntry, len: u64| {
                s.pos >= e.from && s.pos + len <= e.from + e.text.len() as u64
            };
            for s in e.stored.iter().filter(|s| seen.insert(**s)) {
                let at = e.start + s.pos;
                if at >= MAX_POS {
                    continue; // the one-machine table stores nothing there
                }
                // The resolve step and `earlier_ranges` give every entry
                // inside its part; for other callers, an entry outside it
                // is never compared: a window entry is left out (its list
                // is shared only by colliding window keys), an anchor still
                // counts towards its list.
                if s.window {
                    if held(s, m) {
                        table.insert_window(s.key, at);
                    }
                    continue;
                }
                let ctx = if held(s, k) {
                    context.of(e.text, (s.pos - e.from) as usize, s.pos as usize)
                } else {
                    0
                };
                table.insert(s.key, at, ctx);
                *real.entry(list_of(s.key)).or_default() += 1;
            }
        }
        // The entries of the documents left out: they count towards their
        // lists' limit, and are never compared: they sit at the last
        // position the table stores, after the document's own (a lookup
        // passes over later positions), with a context no lookup passes.
        // A count given twice (a step run again) counts once.
        let counts: HashMap<u64, &ListCount> = counts
            .iter()
            .filter(|c| c.doc == doc)
            .map(|c| (list_of(c.hash), c))
            .collect();
        for (list, c) in counts {
            let have = real.get(&list).copied().unwrap_or(0);
            for _ in have..c.entries {
                table.insert(c.hash, MAX_POS - 1, 0);
            }
        }
        let starts: Vec<(u64, u64)> = earlier.iter().map(|e| (e.start + e.from, e.doc)).collect();
        let coarse = Earlier::coarse_of(&starts);
        let texts: Vec<&[u8]> = earlier.iter().map(|e| e.text).collect();
        let froms: Vec<u64> = earlier.iter().map(|e| e.from).collect();
        let view = Earlier::sparse(&starts, &coarse, &texts, &froms, start);
        let mut scratch = Scratch::default();
        let report = self.pool.install(|| {
            self.find_with(&mut table, &mut scratch, view, DocId::new(doc), text, None)
        });
        Applied {
            report,
            refused_anchors: table.refused(),
            refused_bytes: table.refused_bytes(),
        }
    }
}
