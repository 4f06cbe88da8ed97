//! One-document calls stay on the caller's thread: they never start
//! rayon's global pool, so an application can still configure it
//! afterwards. (A test binary of its own: any other test could start the
//! pool first.)
#![cfg(feature = "parallel")]

use textdedup::passage;

#[test]
fn passage_calls_on_one_document_leave_the_global_pool_unbuilt() {
    // Enough distinct text for the anchor table to grow many times.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let text: Vec<u8> = (0..400_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b"abcdefghijklmnopqrstuvwxyz  "[(state % 28) as usize]
        })
        .collect();
    let finder = passage::Deduper::new(passage::Config::new().min_len(20)).unwrap();
    assert_eq!(finder.dedup(&text).stats().bytes_removed, 0);
    let mut corpus = passage::Corpus::with_capacity(1 << 20);
    finder.dedup_in(&mut corpus, &text);
    assert_eq!(
        finder.dedup_in(&mut corpus, &text).stats().bytes_removed,
        text.len() as u64
    );
    assert!(corpus.anchors() > 10_000, "the table grew");
    rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build_global()
        .expect("no one-document call started the global pool");
    assert_eq!(rayon::current_num_threads(), 3);
}
