//! Content-defined chunking: textdedup's Gear chunker against the `fastcdc`
//! crate's v2020 chunker, on 64 MiB of generated text.
//!
//! Run (the figures in BENCHMARKS.md use these settings):
//!
//! ```text
//! cargo bench --bench chunking -- --warm-up-time 1 --measurement-time 5 --sample-size 10
//! ```
//!
//! To compare a change against a baseline:
//!
//! ```text
//! cargo bench --bench chunking -- --save-baseline before   # on the old code
//! cargo bench --bench chunking -- --baseline before        # on the new code
//! ```
//!
//! Every benchmark's answer is checked once before it is timed: chunks cover
//! the input exactly, within the size bounds, and fingerprints match.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use textdedup::chunk::{ChunkConfig, Chunker};
use textdedup::fingerprint::Fingerprint;

const INPUT_LEN: usize = 64 << 20;

/// (label, min, avg, max), the same sizes for both chunkers.
const SIZES: [(&str, usize, usize, usize); 3] = [
    ("avg256", 64, 256, 1024),
    ("avg1024", 256, 1024, 4096),
    ("avg8192", 2048, 8192, 32768),
];

fn textdedup_count(chunker: &Chunker, data: &[u8]) -> usize {
    chunker.chunks(data).count()
}

fn fastcdc_count(data: &[u8], min: usize, avg: usize, max: usize) -> usize {
    fastcdc::v2020::FastCDC::new(data, min as u32, avg as u32, max as u32).count()
}

fn hashed_xor(chunker: &Chunker, data: &[u8]) -> u128 {
    chunker
        .chunks_hashed(data)
        .fold(0, |acc, c| acc ^ c.fingerprint().map_or(0, |f| f.as_u128()))
}

fn check(data: &[u8]) {
    for &(label, min, avg, max) in &SIZES {
        let chunker = Chunker::new(ChunkConfig::new().min(min).avg(avg).max(max)).unwrap();
        let mut pos = 0;
        let mut count = 0;
        for c in chunker.chunks(data) {
            assert_eq!(c.offset(), pos);
            assert!(c.len() <= max && (c.len() > min || c.end() == data.len()));
            pos = c.end();
            count += 1;
        }
        assert_eq!(pos, data.len());
        let mut fpos = 0;
        let mut fcount = 0;
        for c in fastcdc::v2020::FastCDC::new(data, min as u32, avg as u32, max as u32) {
            assert_eq!(c.offset, fpos);
            fpos += c.length;
            fcount += 1;
        }
        assert_eq!(fpos, data.len());
        eprintln!(
            "{label}: textdedup {count} chunks (mean {} B), fastcdc {fcount} chunks (mean {} B)",
            data.len() / count,
            data.len() / fcount
        );
        if avg == 1024 {
            let want = chunker
                .chunks(data)
                .fold(0, |acc, c| acc ^ Fingerprint::of(&data[c.span()]).as_u128());
            assert_eq!(hashed_xor(&chunker, data), want);
        }
    }
}

fn chunking(c: &mut Criterion) {
    let data = textdedup_testkit::generate::syllables::text(0x7E57_DA7A, INPUT_LEN);
    check(&data);
    let mut group = c.benchmark_group("chunking");
    group.throughput(Throughput::Bytes(data.len() as u64));
    for &(label, min, avg, max) in &SIZES {
        let chunker = Chunker::new(ChunkConfig::new().min(min).avg(avg).max(max)).unwrap();
        group.bench_function(BenchmarkId::new("textdedup", label), |b| {
            b.iter(|| textdedup_count(&chunker, black_box(&data)))
        });
        group.bench_function(BenchmarkId::new("fastcdc", label), |b| {
            b.iter(|| fastcdc_count(black_box(&data), min, avg, max))
        });
    }
    let chunker = Chunker::new(ChunkConfig::new().min(256).avg(1024).max(4096)).unwrap();
    group.bench_function(BenchmarkId::new("textdedup_hashed", "avg1024"), |b| {
        b.iter(|| hashed_xor(&chunker, black_box(&data)))
    });
    group.finish();
}

criterion_group!(benches, chunking);
criterion_main!(benches);
