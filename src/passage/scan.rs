//! The scan of one document against the text seen before it.
//!
//! Windows are the `m`-byte substrings of the document (`m` = `min_len`),
//! one per start `t`. Window `t` is *certified* when a verified run (a
//! range of the document equal, byte for byte, to a range starting earlier
//! in the stream) covers `[t, t + m)`. The union of `[t, t + m)` over the
//! certified windows is exactly the union of all repeats (see the module
//! docs of [`crate::passage`] for the proof), and it is what the scan emits,
//! as pieces each backed by one run.
//!
//! Each window's anchor (its winnowing minimum) is looked up at most once,
//! and only when the window is not already certified; a lookup verifies
//! every stored earlier anchor with the same hash (but those whose context
//! rules out a run of `m` bytes, [`crate::passage::context`]) by extending
//! byte comparisons left (back to the window start) and right (as far as
//! the bytes agree). An anchor is stored when its charge (the windows that
//! select it) ends, unless every window of the charge was certified: then
//! each of those windows equals an earlier window, whose anchor (same hash,
//! same offset) is represented in the table already.

use crate::passage::anchor::{Anchor, Params, Winnower};
use crate::passage::context::Context;
use crate::passage::extend::{common_prefix, common_suffix};
use crate::passage::stored::Earlier;
use crate::passage::table::AnchorTable;
use crate::passage::window::WindowKey;
use crate::span::Span;

/// A removed range of the document and where its first copy starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The range in the current document.
    pub(crate) span: Span,
    /// The global stream position of the earlier copy of `span.start`.
    pub(crate) src: u64,
}

/// A verified run: `text[rs..re]` equals the stream bytes at `src..`.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Start in the current document.
    rs: usize,
    /// End in the current document.
    re: usize,
    /// Global position of the earlier copy of `rs`.
    src: u64,
}

impl Run {
    /// The diagonal: source position minus target position, wrapping.
    #[inline]
    fn diagonal(&self) -> u64 {
        self.src.wrapping_sub(self.rs as u64)
    }

    /// Whether this run should replace `best`: it reaches further, or as
    /// far with an earlier copy. A total order on what a run contributes
    /// (its end and its diagonal), so that which run a scan keeps does not
    /// depend on the order the table lists candidates in, which depends on
    /// its history (a batch sizes the table up front, a corpus made with
    /// [`crate::passage::Corpus::with_capacity`] too).
    #[inline]
    fn beats(&self, best: &Run) -> bool {
        let shift = |r: &Run| i128::from(r.src) - r.rs as i128;
        self.re > best.re || (self.re == best.re && shift(self) < shift(best))
    }
}

/// Buffers reused from one document to the next.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    /// The winnower's ring buffer.
    ring: Vec<u64>,
    /// Anchor changes of one chunk of windows, for a document winnowed as
    /// it is scanned.
    anchors: Vec<Anchor>,
    /// Candidates of one lookup.
    cands: Vec<u64>,
    /// Verified runs that start after the current window, sorted by
    /// descending start.
    pending: Vec<Run>,
    /// Keeps the table warm-up reads alive.
    sink: u64,
}

/// Windows per chunk: the anchors of a chunk have their table slots
/// read together before the chunk is processed. The unit tests and the
/// fuzzers take small chunks (the answer does not depend on their size),
/// so that their inputs of a few kilobytes cross chunk and region edges.
const CHUNK_WINDOWS: usize = if cfg!(any(test, fuzzing)) { 256 } else { 4096 };

/// Scans `text` (the next document of the stream) and appends its removed
/// pieces, in order, to `pieces`; stores its new anchors in `table` under
/// global positions `earlier.len() + offset`.
///
/// `ahead` holds the document's anchor events when they were computed
/// ahead ([`anchors_of`]); otherwise they are computed as the scan goes, a
/// chunk of windows at a time, or, for a document of two regions or more
/// on more than one thread, a region ahead on the other threads
/// ([`scan_in_regions`]). Same pieces, same table afterwards.
pub(crate) fn scan(
    p: &Params,
    table: &mut AnchorTable,
    earlier: Earlier<'_>,
    text: &[u8],
    scratch: &mut Scratch,
    pieces: &mut Vec<Piece>,
    ahead: Option<&[Anchor]>,
) {
    if text.len() < p.m {
        return;
    }
    let windows = text.len() - p.m + 1;
    let mut scan = Scan::new(p, earlier, text, scratch);
    if ahead.is_none() && windows >= 2 * region_windows(p) && crate::par::threads() > 1 {
        scan_in_regions(p, &mut scan, table, scratch, pieces);
    } else {
        scan.run_to(p, table, scratch, pieces, ahead, windows);
    }
    scan.finish(table);
    scratch.sink = core::hint::black_box(scratch.sink);
}

/// Windows per region of a large document: its anchor events are computed
/// a region ahead, on the other threads, while the scan matches the region
/// before. `(w + 1) << 16` windows, so that a region of ordinary text has
/// at most about 131,072 events (3 MiB; [`max_events`] allows twice that,
/// past which a part of the region is winnowed as it is matched), within
/// 4 Mi windows; a multiple of [`CHUNK_WINDOWS`], so that
/// the scan's chunks are those of a scan in one piece (for speed: the
/// answer does not depend on them). The unit tests and the fuzzers make
/// regions of two chunks, so that small documents have several.
fn region_windows(p: &Params) -> usize {
    if cfg!(any(test, fuzzing)) {
        return 2 * CHUNK_WINDOWS;
    }
    ((p.w + 1) << 16).clamp(CHUNK_WINDOWS, 1024 * CHUNK_WINDOWS) / CHUNK_WINDOWS * CHUNK_WINDOWS
}

/// Scans a document of at least two regions: the events of region `i + 1`
/// are computed (on the other threads, in parts) while region `i` is
/// matched, as a batch does for its rounds of documents. A part whose
/// events exceed [`max_events`] (periodic text) is winnowed as it is
/// matched instead. Same pieces and table contents as a scan in one piece
/// (the table's capacity may differ: it is reserved region by region). At
/// most two regions of events are held: the one matched and the next.
fn scan_in_regions(
    p: &Params,
    scan: &mut Scan<'_>,
    table: &mut AnchorTable,
    scratch: &mut Scratch,
    pieces: &mut Vec<Piece>,
) {
    let (text, windows) = (scan.state.lookup.text, scan.windows);
    let starts: Vec<usize> = (0..windows).step_by(region_windows(p)).collect();
    let region = |i: usize| starts[i]..starts.get(i + 1).copied().unwrap_or(windows);
    let events_of = |i: usize| region_events(p, text, region(i));
    let mut current = events_of(0);
    for i in 0..starts.len() {
        // Room for the region's anchors if its text is novel (2 / (w + 1)
        // per window), made between regions on every thread: growing
        // while matching would write the new table on the matching thread
        // alone. Region by region, so that a repetitive document does not
        // reserve what it will not use.
        table.reserve_on_every_thread(region(i).len() / (p.w + 1) * 2);
        let (next, ()) = crate::par::join(
            || (i + 1 < starts.len()).then(|| events_of(i + 1)),
            || {
                // Each part's first event may repeat the anchor before it:
                // `Scan::run` skips it then.
                for (part, events) in &current {
                    scan.run_to(p, table, scratch, pieces, events.as_deref(), part.end);
                }
            },
        );
        current = next.unwrap_or_default();
    }
}

/// The windows `region` of `text` in parts, one per thread (whole chunks
/// but the last), each with its anchor events and their contexts as
/// [`anchors_in`] gives them, or `None` past [`max_events`].
fn region_events(
    p: &Params,
    text: &[u8],
    region: core::ops::Range<usize>,
) -> Vec<(core::ops::Range<usize>, Option<Vec<Anchor>>)> {
    let parts = crate::par::threads().max(1);
    let step = region.len().div_ceil(parts).next_multiple_of(CHUNK_WINDOWS);
    let ranges: Vec<core::ops::Range<usize>> = (region.start..region.end)
        .step_by(step)
        .map(|t| t..(t + step).min(region.end))
        .collect();
    let events = crate::par::map(&ranges, |r| anchors_in(p, text, r.clone()));
    ranges.into_iter().zip(events).collect()
}

/// Where a scan's anchor events come from.
enum Events<'a> {
    /// Computed ahead, with their contexts ([`anchors_of`]); those from
    /// `next` on are not given yet.
    Ahead { events: &'a [Anchor], next: usize },
    /// Computed as the scan goes, a chunk of windows at a time, into `buf`.
    Lazy {
        winnower: Winnower<'a>,
        buf: Vec<Anchor>,
    },
}

impl Events<'_> {
    /// The events of the windows before `t_end` not yet given.
    fn until(&mut self, t_end: usize) -> &[Anchor] {
        match self {
            Events::Ahead { events, next } => {
                // A forward walk, not a binary search: the events were
                // written on another thread, and reading them in order lets
                // the prefetcher bring them in (a binary search missed the
                // cache at every step).
                let from = *next;
                let rest = &events[from..];
                *next += rest
                    .iter()
                    .position(|a| a.first_window >= t_end)
                    .unwrap_or(rest.len());
                &events[from..*next]
            }
            Events::Lazy { winnower, buf } => {
                buf.clear();
                winnower.run(t_end, buf);
                buf
            }
        }
    }

    /// Whether the events come with their contexts.
    fn with_context(&self) -> bool {
        matches!(self, Events::Ahead { .. })
    }
}

/// Every anchor event of `text` (see [`Winnower::run`]) with its context
/// ([`Anchor::ctx`]), computed ahead of the scan: this part needs no table,
/// so a batch computes it for many documents at once, on every thread.
/// `text` must hold a window.
///
/// Ordinary text has about `2 / (w + 1)` events per window; periodic text
/// (a run of spaces, `abab...`) has one per window. Past
/// [`max_events`] the answer is `None`, and the document is winnowed as it
/// is scanned instead, so that what is held ahead stays bounded.
pub(crate) fn anchors_of(p: &Params, text: &[u8]) -> Option<Vec<Anchor>> {
    anchors_in(p, text, 0..text.len() - p.m + 1)
}

/// [`anchors_of`] for the windows `windows` of `text` only (the first
/// always gives an event), within [`max_events`] of their bytes.
fn anchors_in(p: &Params, text: &[u8], windows: core::ops::Range<usize>) -> Option<Vec<Anchor>> {
    let budget = max_events(p, windows.len() + p.m - 1);
    let context = Context::new(p.m, p.k);
    let mut out = Vec::new();
    let mut winnower = Winnower::starting_at(p, text, windows.start, Vec::new());
    let mut t = windows.start;
    while t < windows.end {
        t = (t + CHUNK_WINDOWS).min(windows.end);
        let new = out.len();
        winnower.run(t, &mut out);
        if out.len() > budget {
            return None;
        }
        // The contexts too, while their bytes are in cache: the scan would
        // read them on the matching thread, missing the cache.
        for a in &mut out[new..] {
            a.ctx = context.of(text, a.pos(), a.pos());
        }
    }
    Some(out)
}

/// The most anchor events [`anchors_of`] keeps for `len` bytes: twice the
/// expected count of ordinary text, plus a few for short documents.
pub(crate) fn max_events(p: &Params, len: usize) -> usize {
    4 * len / (p.w + 1) + 4
}

/// A scan in progress over a document of at least one window: the
/// windows before `t` are done.
struct Scan<'a> {
    /// What the windows so far left: runs, the current anchor, lookups.
    state: State<'a>,
    /// The first window not processed yet.
    t: usize,
    /// The document's windows.
    windows: usize,
}

impl<'a> Scan<'a> {
    fn new(p: &Params, earlier: Earlier<'a>, text: &'a [u8], scratch: &mut Scratch) -> Scan<'a> {
        scratch.pending.clear();
        Scan {
            state: State {
                lookup: Lookup {
                    earlier,
                    text,
                    base: earlier.len(),
                    m: p.m,
                    context: Context::new(p.m, p.k),
                    ctx_ahead: false,
                },
                best: Run {
                    rs: 0,
                    re: 0,
                    src: 0,
                },
                cover_end: 0,
                refused_end: 0,
                anchor: Anchor::new(0, 0, 0),
                looked_up: false,
                charge_certified: true,
                full: false,
                window: p.window,
            },
            t: 0,
            windows: text.len() - p.m + 1,
        }
    }

    /// [`Scan::run`] up to `t_stop` with the events of windows `self.t`
    /// on: `ahead` when they were computed ahead, otherwise winnowed as
    /// the scan goes (in the buffers of `scratch`).
    fn run_to(
        &mut self,
        p: &Params,
        table: &mut AnchorTable,
        scratch: &mut Scratch,
        pieces: &mut Vec<Piece>,
        ahead: Option<&[Anchor]>,
        t_stop: usize,
    ) {
        let mut events = match ahead {
            Some(events) => Events::Ahead { events, next: 0 },
            None => Events::Lazy {
                winnower: Winnower::starting_at(
                    p,
                    self.state.lookup.text,
                    self.t,
                    core::mem::take(&mut scratch.ring),
                ),
                buf: core::mem::take(&mut scratch.anchors),
            },
        };
        self.run(table, scratch, pieces, &mut events, t_stop);
        if let Events::Lazy { winnower, buf } = events {
            scratch.ring = winnower.into_ring();
            scratch.anchors = buf;
        }
    }

    /// Processes the windows from `self.t` to `t_stop` (best the last
    /// window or a multiple of [`CHUNK_WINDOWS`], so that chunks stay
    /// whole), with `events` from window `self.t` on. Their first may
    /// repeat the current anchor, when they were computed apart from the
    /// events before (a region): it is skipped.
    fn run(
        &mut self,
        table: &mut AnchorTable,
        scratch: &mut Scratch,
        pieces: &mut Vec<Piece>,
        events: &mut Events<'_>,
        t_stop: usize,
    ) {
        let state = &mut self.state;
        let m = state.lookup.m;
        state.lookup.ctx_ahead = events.with_context();
        if state.lookup.ctx_ahead {
            // The current anchor may come from a region winnowed lazily.
            let (a, lookup) = (&mut state.anchor, &state.lookup);
            a.ctx = lookup.context.of(lookup.text, a.pos(), a.pos());
        }
        let mut t = self.t;
        let mut first = t > 0;
        while t < t_stop {
            let t_end = (t + CHUNK_WINDOWS).min(t_stop);
            let mut anchors = events.until(t_end);
            if core::mem::take(&mut first) {
                if let Some(a) = anchors.first() {
                    if a.first_window == t && a.pos() == state.anchor.pos() {
                        anchors = &anchors[1..];
                    }
                }
            }
            scratch.sink ^= table.warm(anchors.iter().map(|a| a.hash));
            for (i, &next) in anchors.iter().enumerate() {
                if next.first_window > 0 {
                    state.advance(table, scratch, t, next.first_window, pieces);
                    state.finish_anchor(table);
                }
                state.anchor = next;
                state.looked_up = false;
                state.charge_certified = true;
                state.full = false;
                t = next.first_window;
                if state.best.re >= t_end - 1 + m {
                    // Every window left in the chunk is certified (periodic
                    // or copied text): no anchor of the chunk is looked up
                    // or stored, so skip to the last one.
                    if let Some(&last) = anchors[i..].last() {
                        state.anchor = last;
                    }
                    break;
                }
            }
            state.advance(table, scratch, t, t_end, pieces);
            t = t_end;
        }
        self.t = t;
    }

    /// Stores the last anchor, unless its whole charge was certified.
    fn finish(mut self, table: &mut AnchorTable) {
        self.state.finish_anchor(table);
    }
}

/// The scan's state within one document.
struct State<'a> {
    /// What lookups read.
    lookup: Lookup<'a>,
    /// The active run reaching furthest right.
    best: Run,
    /// The end of the covered text emitted so far.
    cover_end: usize,
    /// The end of the windows refused so far (their bytes are counted).
    refused_end: usize,
    /// The current anchor.
    anchor: Anchor,
    /// Whether the current anchor was looked up.
    looked_up: bool,
    /// True while every window of the current anchor's charge is certified.
    charge_certified: bool,
    /// Whether the current anchor's hash was full at its lookup: then each
    /// of its windows that is not certified is looked up, and stored,
    /// under its window key.
    full: bool,
    /// The window keys ([`crate::passage::window`]).
    window: WindowKey,
}

impl State<'_> {
    /// Processes windows `from..to`, all selecting the current anchor.
    fn advance(
        &mut self,
        table: &mut AnchorTable,
        scratch: &mut Scratch,
        from: usize,
        to: usize,
        pieces: &mut Vec<Piece>,
    ) {
        let m = self.lookup.m;
        let mut t = from;
        while t < to {
            if self.best.re < t + m {
                while let Some(&run) = scratch.pending.last() {
                    if run.rs > t {
                        break;
                    }
                    scratch.pending.pop();
                    if run.beats(&self.best) {
                        self.best = run;
                    }
                }
                // Runs may reach back before `t` to where the emitted
                // cover ends (see `Lookup::run`).
                let back_to = t.min(self.cover_end);
                if self.best.re < t + m && !self.looked_up {
                    self.looked_up = true;
                    let (anchor, lookup) = (&self.anchor, &self.lookup);
                    let a = anchor.pos();
                    let wanted = || lookup.context_of(anchor, a - t);
                    self.full = lookup.run(
                        table,
                        (anchor.hash, a, Some(&wanted)),
                        (t, back_to),
                        &mut scratch.cands,
                        &mut scratch.pending,
                        &mut self.best,
                    );
                }
                if self.best.re < t + m && self.full {
                    // The window by its own bytes: looked up, and stored if
                    // it is still not a repeat.
                    let key = self.window.at(self.lookup.text, t);
                    self.lookup.run(
                        table,
                        (key, t, None),
                        (t, back_to),
                        &mut scratch.cands,
                        &mut scratch.pending,
                        &mut self.best,
                    );
                    if self.best.re < t + m
                        && !table.insert_window(key, self.lookup.base + t as u64)
                    {
                        let new_bytes = t + m - t.max(self.refused_end);
                        table.count_refused_window(new_bytes as u64);
                        self.refused_end = t + m;
                    }
                }
                if self.best.re < t + m {
                    // Not a repeat; nothing changes before the next pending
                    // run starts (or the next window, under a full hash).
                    self.charge_certified = false;
                    t = if self.full {
                        t + 1
                    } else {
                        scratch
                            .pending
                            .last()
                            .map_or(to, |r| r.rs.min(to))
                            .max(t + 1)
                    };
                    continue;
                }
            }
            // Certified, and so is every window up to `best.re - m`.
            let best = self.best;
            if best.re > self.cover_end {
                let start = best.rs.max(self.cover_end);
                pieces.push(Piece {
                    span: Span::new(start, best.re),
                    src: best.src + (start - best.rs) as u64,
                });
                self.cover_end = best.re;
            }
            t = best.re + 1 - m;
        }
    }

    /// Stores the current anchor unless its whole charge was certified, or
    /// its hash was full (then its windows were stored by their keys).
    fn finish_anchor(&mut self, table: &mut AnchorTable) {
        if !self.charge_certified && !self.full {
            let (anchor, lookup) = (&self.anchor, &self.lookup);
            // A later comparison can go back to this document's start.
            let ctx = lookup.context_of(anchor, anchor.pos());
            if !table.insert(anchor.hash, lookup.base + anchor.pos() as u64, ctx) {
                // Not reached: a hash full now was full at the charge's
                // lookup. Counted all the same, should that change.
                table.count_refused();
            }
        }
    }
}

/// What a lookup needs to read.
struct Lookup<'a> {
    earlier: Earlier<'a>,
    text: &'a [u8],
    base: u64,
    m: usize,
    /// The rule for the anchors' two bytes of context.
    context: Context,
    /// Whether the anchors come with their contexts ([`anchors_of`]).
    ctx_ahead: bool,
}

impl Lookup<'_> {
    /// The context of `anchor` for a comparison that may go back
    /// `left_room` bytes before it (at most to the document's start).
    #[inline]
    fn context_of(&self, anchor: &Anchor, left_room: usize) -> u16 {
        // A winnowed-as-scanned anchor's `ctx` is 0, not its context.
        if self.ctx_ahead {
            self.context.within(anchor.ctx, left_room)
        } else {
            self.context.of(self.text, anchor.pos(), left_room)
        }
    }

    /// Bytes holding global position `q` (earlier than the current
    /// anchor), `q`'s offset in them, and whether they are exactly `q`'s
    /// document (see [`Earlier::locate`]).
    #[inline]
    fn bytes_at(&self, q: u64) -> (&[u8], usize, bool) {
        if q >= self.base {
            (self.text, (q - self.base) as usize, true)
        } else {
            self.earlier.locate(q)
        }
    }

    /// Verifies every candidate stored under `key` for window `t`, whose
    /// bytes from `a` on are those the key stands for (an anchor's k-gram,
    /// or the window itself for a window key, `a == t`), with the context
    /// filter `wanted` for an anchor: runs that start at or before `t` may
    /// replace `best` ([`Run::beats`], so the table's order does not
    /// matter), later ones wait in `pending`. A run reaches left past `t`
    /// as far as the bytes agree, down to `back_to` (where the emitted
    /// cover ends, if that is before `t`): the windows it covers there are
    /// repeats as well, which a lookup of their own may have missed (their
    /// anchor refused). Returns whether `key` is full.
    fn run(
        &self,
        table: &AnchorTable,
        (key, a, wanted): (u64, usize, Option<&dyn Fn() -> u16>),
        (t, back_to): (usize, usize),
        cands: &mut Vec<u64>,
        pending: &mut Vec<Run>,
        best: &mut Run,
    ) -> bool {
        cands.clear();
        let full = table.candidates(key, wanted, cands);
        let here = self.base + a as u64;
        let before = pending.len();
        // First the candidates worth a comparison, each one's first bytes
        // read on the way: the reads do not depend on each other, so their
        // cache misses overlap, where comparing candidate after candidate
        // waited for each miss in turn (most of a lookup's time when a
        // hash has many candidates). A run found below never makes a later
        // candidate known: candidates differ, so their diagonals do. The
        // comparisons start in the stored segment around each candidate.
        let mut warm = 0;
        let mut kept = 0;
        for i in 0..cands.len() {
            let q = cands[i];
            if q >= here {
                continue;
            }
            let diagonal = q.wrapping_sub(a as u64);
            let known = |r: &Run| r.diagonal() == diagonal && r.rs <= a && a < r.re;
            if known(best) || pending.iter().any(known) {
                continue;
            }
            // The lines a comparison reads first: back to the window's
            // start, and a line past `q`.
            let (src, ql, _) = self.bytes_at(q);
            let last = src.len() - 1;
            warm ^= src[ql - (a - t).min(ql)] ^ src[ql.saturating_sub(1)] ^ src[ql];
            warm ^= src[(ql + 64).min(last)];
            cands[kept] = q;
            kept += 1;
        }
        cands.truncate(kept);
        core::hint::black_box(warm);
        for &q in cands.iter() {
            let (src, ql, whole_doc) = self.bytes_at(q);
            let max_left = (a - t).min(ql);
            let mut left = common_suffix(&self.text[a - max_left..a], &src[ql - max_left..ql]);
            if left == a - t && back_to < t {
                // Agreeing back to the window's start: on past it.
                let more = (t - back_to).min(ql - left);
                left += common_suffix(&self.text[t - more..t], &src[ql - left - more..ql - left]);
            }
            // First only as far right as a run long enough to count needs
            // (`left < m`: the anchor lies in window `t`), so that a
            // comparison that fails reads at most `m` bytes, even where the
            // segment's bytes go on agreeing past `q`'s document.
            let need = self.m.saturating_sub(left);
            let probe = common_prefix(
                &self.text[a..(a + need).min(self.text.len())],
                &src[ql..(ql + need).min(src.len())],
            );
            if left + probe < self.m {
                continue;
            }
            // The bytes may go on into the neighbouring documents: the run
            // stops at the edges of `q`'s own (found only now, for a run
            // long enough: the search's deeper steps miss the cache too).
            let end = if whole_doc {
                src.len()
            } else {
                let (_, start, doc) = self.earlier.doc_of(q);
                let at = (q - start) as usize;
                left = left.min(at);
                ql - at + doc.len()
            };
            let mut right = probe.min(end - ql);
            if right == need {
                right += common_prefix(&self.text[a + right..], &src[ql + right..end]);
            }
            if left + right < self.m {
                continue;
            }
            let run = Run {
                rs: a - left,
                re: a + right,
                src: q - left as u64,
            };
            if run.rs <= t {
                if run.beats(best) {
                    *best = run;
                }
            } else {
                pending.push(run);
            }
        }
        if pending.len() != before {
            pending.sort_unstable_by_key(|r| core::cmp::Reverse(r.rs));
        }
        full
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::stored::StoredText;
    use crate::passage::table::MAX_CANDIDATES;
    use proptest::prelude::*;

    /// Scans `texts` in turn into one table and returns their pieces: in
    /// one piece (`regions` empty), or in regions of `chunks` scan chunks,
    /// region `i` computed ahead or winnowed lazily by `regions[i % len]`
    /// (`true`: lazily), whatever the thread count.
    fn pieces_of(p: &Params, texts: &[&[u8]], chunks: usize, regions: &[bool]) -> String {
        let (mut table, mut scratch, mut stored) = (
            AnchorTable::default(),
            Scratch::default(),
            StoredText::default(),
        );
        let mut out = String::new();
        for (id, text) in texts.iter().enumerate() {
            let mut pieces = Vec::new();
            let windows = text.len() - p.m + 1;
            let mut scan = Scan::new(p, stored.earlier(&[]), text, &mut scratch);
            let step = if regions.is_empty() {
                windows
            } else {
                chunks * CHUNK_WINDOWS
            };
            for (i, start) in (0..windows).step_by(step).enumerate() {
                let end = (start + step).min(windows);
                let ahead = (!regions.is_empty() && !regions[i % regions.len()])
                    .then(|| anchors_in(p, text, start..end))
                    .flatten();
                let (t, s) = (&mut table, &mut scratch);
                scan.run_to(p, t, s, &mut pieces, ahead.as_deref(), end);
            }
            scan.finish(&mut table);
            stored.push(id as u64, text);
            out += &format!("{pieces:?} {}\n", table.len());
        }
        out
    }

    /// Scans each text in turn into `table`, storing it after; returns
    /// each one's pieces.
    fn scan_all(p: &Params, table: &mut AnchorTable, texts: &[&[u8]]) -> Vec<Vec<Piece>> {
        let (mut scratch, mut stored) = (Scratch::default(), StoredText::default());
        let mut out = Vec::new();
        for (id, text) in texts.iter().enumerate() {
            let mut pieces = Vec::new();
            scan(
                p,
                table,
                stored.earlier(&[]),
                text,
                &mut scratch,
                &mut pieces,
                None,
            );
            stored.push(id as u64, text);
            out.push(pieces);
        }
        out
    }

    /// A copy whose first window cannot be found (its earlier occurrence
    /// was refused: its anchor hash and its window key both full) is still
    /// removed from its first byte: the run found from the next window
    /// reaches back to it.
    #[test]
    fn a_run_reaches_back_past_a_refused_window() {
        a_run_reaches_back_past_refused_windows(1);
        a_run_reaches_back_past_refused_windows(4);
    }

    /// The first `refused` windows of a text are refused (their anchor
    /// hash and window keys full of positions that never match): its copy
    /// is still reported from byte 0, and the refused windows' bytes are
    /// counted once each per document.
    fn a_run_reaches_back_past_refused_windows(refused: usize) {
        let p = Params::new(16, 0);
        let filler = vec![b'z'; 64];
        let mut state = 5u64;
        let a: Vec<u8> = (0..200)
            .map(|_| b"abcdefghij klmnop"[(crate::gear::splitmix64(&mut state) % 17) as usize])
            .collect();
        let mut b = a[..116].to_vec();
        b.extend_from_slice(b"#### a different tail, not in the first ####");
        // Fill the anchor hashes and the window keys of `a`'s first windows
        // with positions of the filler, which never match.
        let mut table = AnchorTable::default();
        let anchors = anchors_of(&p, &a).unwrap();
        assert_eq!(anchors[0].first_window, 0);
        for q in 0..MAX_CANDIDATES as u64 {
            for anchor in anchors.iter().filter(|a| a.first_window < refused) {
                assert!(table.insert(anchor.hash, q, 0xFFFF));
            }
            for t in 0..refused {
                assert!(table.insert(p.window.clone().at(&a, t), q, 0));
            }
        }
        let pieces = scan_all(&p, &mut table, &[&filler, &a, &b]);
        // a's first windows, and b's (not found when they were looked up).
        assert_eq!(table.refused(), 2 * refused as u64);
        assert_eq!(table.refused_bytes(), 2 * (16 + refused as u64 - 1));
        assert!(pieces[1].is_empty());
        let base = (filler.len() + a.len()) as u64;
        assert_eq!(
            pieces[2],
            [Piece {
                span: Span::new(0, 116),
                src: filler.len() as u64,
            }],
            "from b's first byte (base {base})"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A document scanned in regions, each computed ahead or winnowed
        /// as it is matched, gives the pieces and table of one piece; and
        /// so does a second document of short copies taken around the
        /// region edges, where an anchor carried from one region to the
        /// next must keep its context.
        #[test]
        fn regions_of_any_source_equal_one_piece(
            seed in any::<u64>(),
            m in prop::sample::select(vec![16usize, 23, 40, 100]),
            chunks in 1usize..3,
            regions in proptest::collection::vec(any::<bool>(), 1..5),
            periodic in any::<bool>(),
        ) {
            let p = Params::new(m, 0);
            let mut state = seed;
            let mut next = |below: usize| (crate::gear::splitmix64(&mut state) % below as u64) as usize;
            let mut text: Vec<u8> = Vec::new();
            while text.len() < 7 * CHUNK_WINDOWS {
                match next(6) {
                    0 if text.len() > 1000 => {
                        let from = next(text.len() - 500);
                        text.extend_from_within(from..from + 50 + next(450));
                    }
                    1 if periodic => text.extend(core::iter::repeat_n(b'a', 3000 + next(6000))),
                    _ => text.extend((0..200).map(|_| b"abc d"[next(5)])),
                }
            }
            let mut copies = Vec::new();
            let edges = (1..).map(|i| i * chunks * CHUNK_WINDOWS);
            for edge in edges.take_while(|&e| e + m < text.len()) {
                for back in [1, m / 2, m, m + 7] {
                    if let Some(from) = edge.checked_sub(back) {
                        let to = (from + m + next(3)).min(text.len());
                        copies.extend_from_slice(&text[from..to]);
                        copies.push(b'|');
                    }
                }
            }
            let texts = [&text[..], &copies[..]];
            prop_assert_eq!(pieces_of(&p, &texts, chunks, &regions), pieces_of(&p, &texts, 0, &[]));
        }
    }

    #[test]
    fn periodic_text_is_not_winnowed_ahead() {
        let p = Params::new(100, 0);
        for periodic in [vec![b' '; 100_000], b"ab".repeat(50_000)] {
            assert_eq!(anchors_of(&p, &periodic), None);
        }
        // Ordinary text stays within the budget, and its events are those
        // the scan computes as it goes, with the contexts the scan would
        // compute.
        let mut state = 1u64;
        let text: Vec<u8> = (0..200_000)
            .map(|_| b"etaoin shrdlu"[(crate::gear::splitmix64(&mut state) % 13) as usize])
            .collect();
        let events = anchors_of(&p, &text).expect("within the budget");
        assert!(events.len() <= max_events(&p, text.len()));
        let mut lazy = Vec::new();
        Winnower::new(&p, &text, Vec::new()).run(text.len() - p.m + 1, &mut lazy);
        let context = Context::new(p.m, p.k);
        for a in &mut lazy {
            assert_eq!(a.ctx, 0);
            a.ctx = context.of(&text, a.pos(), a.pos());
        }
        assert_eq!(events, lazy);
        assert!(events.iter().any(|a| a.ctx >> 8 != 0 && a.ctx & 0xFF != 0));
    }
}
