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
//! every stored earlier anchor with the same hash by extending byte
//! comparisons left (back to the window start) and right (as far as the
//! bytes agree). An anchor is stored when its charge (the windows that
//! select it) ends, unless every window of the charge was certified: then
//! each of those windows equals an earlier window, whose anchor (same hash,
//! same offset) is represented in the table already.

use crate::passage::anchor::{Params, Winnow, POS_BITS, POS_MASK};
use crate::passage::extend::{common_prefix, common_suffix};
use crate::passage::table::AnchorTable;
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
}

/// Buffers reused from one document to the next.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    /// Winnowing buffers.
    winnow: Winnow,
    /// Candidates of one lookup.
    cands: Vec<u64>,
    /// Verified runs that start after the current window, sorted by
    /// descending start.
    pending: Vec<Run>,
}

/// The stream before the current document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Earlier<'a> {
    /// The bytes of the stored documents, concatenated.
    pub(crate) bytes: &'a [u8],
    /// `(global start, document id)` of each stored document, in order.
    pub(crate) starts: &'a [(u64, u64)],
}

impl<'a> Earlier<'a> {
    /// The stored document holding global position `q < bytes.len()`:
    /// its index in `starts` and its bytes.
    #[inline]
    pub(crate) fn doc_of(&self, q: u64) -> (usize, &'a [u8]) {
        let d = self.starts.partition_point(|&(s, _)| s <= q) - 1;
        let start = self.starts[d].0 as usize;
        let end = self
            .starts
            .get(d + 1)
            .map_or(self.bytes.len(), |&(s, _)| s as usize);
        (d, &self.bytes[start..end])
    }
}

/// Scans `text` (the next document of the stream) and appends its removed
/// pieces, in order, to `pieces`; stores its new anchors in `table` under
/// global positions `earlier.bytes.len() + offset`.
pub(crate) fn scan(
    p: &Params,
    table: &mut AnchorTable,
    earlier: Earlier<'_>,
    text: &[u8],
    scratch: &mut Scratch,
    pieces: &mut Vec<Piece>,
) {
    let (n, m) = (text.len(), p.m);
    if n < m {
        return;
    }
    let windows = n - m + 1;
    let base = earlier.bytes.len() as u64;
    let Scratch {
        winnow,
        cands,
        pending,
    } = scratch;
    pending.clear();
    let mut best = Run {
        rs: 0,
        re: 0,
        src: 0,
    };
    let mut cover_end = 0;
    let mut anchor = usize::MAX;
    let mut hash = 0;
    let mut looked_up = false;
    // True while every window of the current anchor's charge is certified.
    let mut charge_certified = true;
    let mut t0 = 0;
    while t0 < windows {
        let count = Winnow::chunk_len(t0, windows);
        let keys = winnow.chunk(p, text, t0, count);
        for (t, &key) in (t0..).zip(keys) {
            let a = t0 + (key & POS_MASK) as usize;
            if a != anchor {
                if !charge_certified {
                    table.insert(hash, base + anchor as u64);
                }
                anchor = a;
                hash = key >> POS_BITS;
                looked_up = false;
                charge_certified = true;
            }
            if best.re < t + m {
                while let Some(&run) = pending.last() {
                    if run.rs > t {
                        break;
                    }
                    pending.pop();
                    if run.re > best.re {
                        best = run;
                    }
                }
                if best.re < t + m && !looked_up {
                    looked_up = true;
                    let ctx = Lookup {
                        earlier,
                        text,
                        base,
                        m,
                    };
                    ctx.run(table, hash, a, t, cands, pending, &mut best);
                }
                if best.re < t + m {
                    charge_certified = false;
                    continue;
                }
            }
            if best.re > cover_end {
                let start = t.max(cover_end);
                pieces.push(Piece {
                    span: Span::new(start, best.re),
                    src: best.src + (start - best.rs) as u64,
                });
                cover_end = best.re;
            }
        }
        t0 += count;
    }
    if !charge_certified {
        table.insert(hash, base + anchor as u64);
    }
}

/// What a lookup needs to read.
struct Lookup<'a> {
    earlier: Earlier<'a>,
    text: &'a [u8],
    base: u64,
    m: usize,
}

impl Lookup<'_> {
    /// Verifies every stored candidate for anchor `a` (window `t`): runs
    /// that start at or before `t` may replace `best`, later ones wait in
    /// `pending`.
    #[expect(clippy::too_many_arguments, reason = "one call site, hot loop state")]
    fn run(
        &self,
        table: &AnchorTable,
        hash: u64,
        a: usize,
        t: usize,
        cands: &mut Vec<u64>,
        pending: &mut Vec<Run>,
        best: &mut Run,
    ) {
        cands.clear();
        table.candidates(hash, cands);
        let here = self.base + a as u64;
        let before = pending.len();
        for &q in cands.iter() {
            if q >= here {
                continue;
            }
            let diagonal = q.wrapping_sub(a as u64);
            let known = |r: &Run| r.diagonal() == diagonal && r.rs <= a && a < r.re;
            if known(best) || pending.iter().any(known) {
                continue;
            }
            let (src, ql) = if q >= self.base {
                (self.text, (q - self.base) as usize)
            } else {
                let (d, bytes) = self.earlier.doc_of(q);
                (bytes, (q - self.earlier.starts[d].0) as usize)
            };
            let max_left = (a - t).min(ql);
            let left = common_suffix(&self.text[a - max_left..a], &src[ql - max_left..ql]);
            let right = common_prefix(&self.text[a..], &src[ql..]);
            if left + right < self.m {
                continue;
            }
            let run = Run {
                rs: a - left,
                re: a + right,
                src: q - left as u64,
            };
            if run.rs <= t {
                if run.re > best.re {
                    *best = run;
                }
            } else {
                pending.push(run);
            }
        }
        if pending.len() != before {
            pending.sort_unstable_by_key(|r| core::cmp::Reverse(r.rs));
        }
    }
}
