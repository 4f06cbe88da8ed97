//! The three modes through the one `Dedup` trait: every entry point gives
//! the one-by-one answer, for any thread count, and `Scope` applies to
//! every mode.

use textdedup::{chunk, paragraph, passage, Dedup, DocReport, Scope};

/// Documents with lines and passages copied from earlier ones.
fn docs() -> Vec<String> {
    let shared: String = (0..12)
        .map(|i| format!("Shared sentence number {i}, copied from page to page.\n"))
        .collect();
    (0..12)
        .map(|d| {
            let own: String = (0..6)
                .map(|i| format!("Page {d} has its own line {i}, written once.\n"))
                .collect();
            if d % 3 == 0 {
                format!("{own}{shared}{own}")
            } else {
                format!("{shared}{own}")
            }
        })
        .collect()
}

/// A removal: its span, and its first copy's document, start and end.
type Row = (usize, usize, u64, usize, usize);

/// What a report says, owned.
fn summary(reports: &[DocReport<'_>]) -> Vec<(u64, Vec<Row>)> {
    reports
        .iter()
        .map(|r| {
            let rs = r.removals().iter().map(|m| {
                let f = m.first();
                (
                    m.span().start,
                    m.span().end,
                    f.doc().index(),
                    f.start(),
                    f.end(),
                )
            });
            (r.doc().index(), rs.collect())
        })
        .collect()
}

/// Every entry point of `make(threads)` against `dedup_in` one by one.
fn check<D: Dedup>(make: impl Fn(usize) -> D, scope: Scope) {
    let docs = docs();
    let one = make(1);
    let mut corpus = D::Corpus::default();
    let want: Vec<_> = docs
        .iter()
        .map(|d| one.dedup_in(&mut corpus, d.as_bytes()))
        .collect();
    let want = summary(&want);
    assert!(
        want.iter().skip(1).any(|(_, r)| !r.is_empty()),
        "copies are found"
    );
    for threads in [1, 3] {
        let deduper = make(threads);
        let batch = deduper.dedup_batch(&mut D::Corpus::default(), &docs);
        assert_eq!(summary(&batch), want, "batch, {threads} threads");
        for batch_bytes in [0, 700, 1 << 20] {
            let mut streamed = Vec::new();
            deduper
                .dedup_stream(&mut D::Corpus::default(), docs.clone(), batch_bytes, |r| {
                    streamed.extend(summary(&[r]));
                    Ok::<(), ()>(())
                })
                .unwrap();
            assert_eq!(streamed, want, "stream of {batch_bytes} bytes");
        }
        let kept = deduper.dedup_strings(&docs);
        let kept_want: Vec<String> = batch.iter().map(|r| r.kept_string()).collect();
        assert_eq!(kept, kept_want);
    }
    for (d, removals) in &want {
        for &(s, e, d0, s0, e0) in removals {
            assert!(d0 <= *d);
            if scope == Scope::Document {
                assert_eq!(d0, *d, "a document on its own");
            }
            // Every mode here names a first copy with the removed bytes.
            let text = docs[*d as usize].as_bytes();
            assert_eq!(&text[s..e], &docs[d0 as usize].as_bytes()[s0..e0]);
        }
    }
    // `dedup` is a document on its own, numbered 0.
    let alone = make(1).dedup(docs[3].as_bytes());
    assert_eq!(alone.doc().index(), 0);
    assert!(alone
        .removals()
        .iter()
        .all(|r| r.first().doc().index() == 0));
}

#[test]
fn every_mode_every_entry_point_every_scope() {
    for scope in [Scope::Corpus, Scope::Document] {
        check(
            |t| {
                paragraph::Config::new()
                    .scope(scope)
                    .threads(t)
                    .build()
                    .unwrap()
            },
            scope,
        );
        check(
            |t| {
                passage::Config::new()
                    .min_len(32)
                    .scope(scope)
                    .threads(t)
                    .build()
                    .unwrap()
            },
            scope,
        );
        check(
            |t| {
                chunk::Config::new()
                    .avg(64)
                    .scope(scope)
                    .threads(t)
                    .build()
                    .unwrap()
            },
            scope,
        );
    }
}

#[test]
fn stats_that_do_not_apply_are_absent() {
    let text = docs()[0].clone() + &docs()[0];
    let p = paragraph::Deduper::default().dedup(text.as_bytes()).stats();
    assert!(p.paragraphs.is_some() && p.paragraphs_removed.is_some() && p.chunks.is_none());
    let s = passage::Deduper::default().dedup(text.as_bytes()).stats();
    assert!(s.paragraphs.is_none() && s.chunks.is_none() && s.bytes_removed > 0);
    let c = chunk::Config::new()
        .avg(64)
        .build()
        .unwrap()
        .dedup(text.as_bytes())
        .stats();
    assert!(c.paragraphs.is_none() && c.chunks_removed > Some(0) && c.chunks >= c.chunks_removed);
}

#[test]
fn chunk_mode_keeps_utf8_valid() {
    // Multi-byte characters everywhere, so cut points fall inside them.
    let page: String = (0..200).map(|i| format!("ÆØÅ–€{i}✓ ")).collect();
    let docs = vec![page.clone(), format!("日本{page}語")];
    let deduper = chunk::Config::new().avg(64).build().unwrap();
    let reports = deduper.dedup_batch(&mut chunk::Corpus::new(), &docs);
    assert!(reports[1].stats().bytes_removed > 0);
    for r in &reports {
        assert!(r.kept_str().is_ok());
        for m in r.removals() {
            let f = m.first();
            assert_eq!(&r.text()[m.span()], &docs[f.doc()].as_bytes()[f.span()]);
        }
    }
}

#[test]
fn bad_thread_and_size_values_name_their_field() {
    let err = chunk::Config::new().avg(10).build().unwrap_err();
    assert_eq!(err.field(), "avg");
    let err = passage::Config::new().min_len(3).build().unwrap_err();
    assert_eq!((err.field(), err.value()), ("min_len", "3"));
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<paragraph::Deduper>();
    send_sync::<paragraph::Corpus>();
    send_sync::<passage::Deduper>();
    send_sync::<passage::Corpus>();
    send_sync::<chunk::Deduper>();
    send_sync::<chunk::Corpus>();
    send_sync::<DocReport<'static>>();
}
