//! Newsgroup-like posts: header lines that recur with varied
//! continuations, bodies of common words, and quoted parts of earlier
//! posts. The k-grams of the header lines (`Subject: Re: `, `Organization:
//! `) begin thousands of different windows, the case that fills an anchor
//! table's candidate lists.

use crate::SplitMix64;

const NAMES: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda",
];
const HOSTS: &[&str] = &[
    "cs.example.edu",
    "physics.example.ac.uk",
    "mail.example.com",
    "news.example.org",
    "eng.example.edu",
];
const TOPICS: &[&str] = &[
    "Which graphics card for a workstation?",
    "Re-entry heat shields",
    "Best compiler for numerical code",
    "Ice hockey playoff predictions",
    "Windows 3.1 keeps crashing",
    "Gun control statistics",
    "Space station funding",
    "Motorcycle helmets and the law",
    "Christian views on evolution",
    "Encryption export rules",
    "Selling my old car stereo",
    "Baseball salary cap",
];
const WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "that", "is", "it", "for", "you", "was", "on", "are",
    "with", "as", "have", "be", "at", "this", "not", "but", "from", "or", "they", "think", "would",
    "about", "there", "people", "know", "card", "launch", "team", "driver", "law", "key", "price",
    "season", "orbit", "memory", "system", "question", "answer", "anyone", "please", "thanks",
];

/// `count` posts from `seed`. Posts fall into threads of several replies
/// that share a subject (`Subject: Re: ...`); one thread in ten is long
/// (up to 100 replies); about half the replies quote a part of an earlier
/// post of their thread, line by line after `> `.
pub fn posts(seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64(seed);
    let mut posts: Vec<Vec<u8>> = Vec::with_capacity(count);
    // (subject, posts of the thread so far)
    let mut threads: Vec<(String, Vec<usize>)> = Vec::new();
    while posts.len() < count {
        let long = rng.below(10) == 0;
        let replies = if long {
            30 + rng.index(71)
        } else {
            1 + rng.index(6)
        };
        let topic = TOPICS[rng.index(TOPICS.len())];
        let subject = format!("{topic} [{}]", rng.below(1000));
        threads.push((subject, Vec::new()));
        let thread = threads.len() - 1;
        for reply in 0..replies {
            if posts.len() == count {
                break;
            }
            let name = NAMES[rng.index(NAMES.len())];
            let host = HOSTS[rng.index(HOSTS.len())];
            let mut post = String::new();
            post += &format!("From: {name}@{host} ({name})\n");
            let re = if reply == 0 { "" } else { "Re: " };
            post += &format!("Subject: {re}{}\n", threads[thread].0);
            post += &format!("Organization: {}\n", HOSTS[rng.index(HOSTS.len())]);
            post += &format!("Lines: {}\n\n", 3 + rng.below(40));
            let earlier = &threads[thread].1;
            if !earlier.is_empty() && rng.below(2) == 0 {
                let quoted = &posts[earlier[rng.index(earlier.len())]];
                let text = String::from_utf8_lossy(quoted);
                let lines: Vec<&str> = text.lines().collect();
                let from = rng.index(lines.len());
                let to = (from + 1 + rng.index(6)).min(lines.len());
                post += &format!(
                    "In article <{}@{host}>, {name} writes:\n",
                    rng.below(100_000)
                );
                for line in &lines[from..to] {
                    post += &format!("> {line}\n");
                }
                post += "\n";
            }
            for _ in 0..1 + rng.index(6) {
                for _ in 0..4 + rng.index(16) {
                    post += WORDS[rng.index(WORDS.len())];
                    post.push(' ');
                }
                post.push('\n');
            }
            threads[thread].1.push(posts.len());
            posts.push(post.into_bytes());
        }
    }
    posts
}

/// `docs` documents of `len` bytes of common words, each but the first
/// with one piece of exactly `piece` bytes copied from an earlier document
/// at a random offset, between bytes that differ from the copy's
/// neighbours (so the repeat is exactly `piece` bytes long).
pub fn exact_repeats(seed: u64, docs: usize, len: usize, piece: usize) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64(seed);
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(docs);
    for d in 0..docs {
        let mut doc = Vec::with_capacity(len + piece + 2);
        while doc.len() < len {
            doc.extend_from_slice(WORDS[rng.index(WORDS.len())].as_bytes());
            doc.push(if rng.below(9) == 0 { b'\n' } else { b' ' });
        }
        doc.truncate(len);
        if d > 0 {
            let from = &out[rng.index(d)];
            if from.len() >= piece + 2 {
                let s = 1 + rng.index(from.len() - piece - 1);
                let at = rng.index(doc.len() + 1);
                // Neighbours unlike the source's, so that the copy ends
                // exactly (a source next to a `#` is left uncopied).
                if from[s - 1] != b'#' && from.get(s + piece) != Some(&b'#') {
                    let mut copy = vec![b'#'];
                    copy.extend_from_slice(&from[s..s + piece]);
                    copy.push(b'#');
                    doc.splice(at..at, copy);
                }
            }
        }
        out.push(doc);
    }
    out
}
