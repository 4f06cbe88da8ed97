//! The peer passage mode is measured against: libdivsufsort (through
//! `cdivsufsort`) and Kasai's longest-common-prefix scan over the whole
//! text. Behind the `suffix-array` feature (benches and tools).

/// Passage mode's answer (snap `byte`, corpus scope) from a suffix array:
/// the bytes removed from `docs`. A window of `min_len` bytes inside
/// one document is a repeat unless it is the first (smallest position) of
/// its group of suffixes sharing `min_len` bytes; the covered bytes are the
/// union of repeated windows.
pub fn suffix_array_removed<D: AsRef<[u8]>>(docs: &[D], min_len: usize) -> u64 {
    let text: Vec<u8> = docs
        .iter()
        .flat_map(|d| d.as_ref().iter().copied())
        .collect();
    let n = text.len();
    // Bytes left in the document from each position.
    let mut room = vec![0u32; n];
    let mut pos = 0;
    for d in docs.iter().map(AsRef::as_ref) {
        for (i, r) in room[pos..pos + d.len()].iter_mut().enumerate() {
            *r = (d.len() - i) as u32;
        }
        pos += d.len();
    }
    let mut sa = vec![0i32; n];
    cdivsufsort::sort_in_place(&text, &mut sa);
    let mut rank = vec![0u32; n];
    for (r, &p) in sa.iter().enumerate() {
        rank[p as usize] = r as u32;
    }
    // Kasai: lcp[r] = common prefix of suffixes sa[r - 1] and sa[r].
    let mut lcp = vec![0u32; n];
    let mut h = 0usize;
    for i in 0..n {
        let r = rank[i] as usize;
        if r == 0 {
            h = 0;
            continue;
        }
        let j = sa[r - 1] as usize;
        while i + h < n && j + h < n && text[i + h] == text[j + h] {
            h += 1;
        }
        lcp[r] = h as u32;
        h = h.saturating_sub(1);
    }
    lcp[0] = 0;
    drop(rank);
    // Groups of suffixes sharing min_len bytes; all but the first valid
    // window of each group are repeats.
    let mut diff = vec![0i32; n + 1];
    let valid = |p: usize| room[p] as usize >= min_len;
    let mut r = 0;
    while r < n {
        let mut e = r + 1;
        while e < n && lcp[e] as usize >= min_len {
            e += 1;
        }
        if e - r > 1 {
            let group = &sa[r..e];
            if let Some(first) = group
                .iter()
                .map(|&p| p as usize)
                .filter(|&p| valid(p))
                .min()
            {
                for p in group.iter().map(|&p| p as usize) {
                    if p != first && valid(p) {
                        diff[p] += 1;
                        diff[p + min_len] -= 1;
                    }
                }
            }
        }
        r = e;
    }
    let mut depth = 0i32;
    let mut covered = 0u64;
    for d in &diff[..n] {
        depth += d;
        covered += u64::from(depth > 0);
    }
    covered
}
