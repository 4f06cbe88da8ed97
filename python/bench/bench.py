"""Throughput of the Python package against the Rust library on the same
generated corpus, and against Python peers.

    python python/bench/bench.py [--mib 64] [--rounds 5] [--threads 2] [--modes paragraph,passage,chunk]

Run from the repository root with the package installed (``pip install
./python``). The script writes the corpus to a file, builds and runs
``bench/baseline`` (the library's ``dedup_batch`` on that file, in the same
run), then times in this process, each for ``--rounds`` rounds:

- ``dedup_batch`` on a list of ``str`` and on a list of ``bytes``;
- ``dedup_arrow`` on a ``pyarrow.string()`` array (if pyarrow is installed);
- paragraph mode only: a pure-Python ``set`` of line hashes (the same rule:
  exact lines of at least 16 bytes, first copy kept), and datatrove's
  exact sentence dedup if ``--datatrove PYTHON`` names an interpreter that
  has datatrove installed.

It prints the median of each, in MiB/s of UTF-8 input, and its throughput
relative to the library's: to its reports alone, and to its reports plus
every document's kept text (what the bindings return).
"""

import argparse
import json
import os
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import textdedup

HERE = Path(__file__).resolve().parent

WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an had they you were their one all we can her has there been if more when "
    "will would who so no market minister report council river season data system village court"
).split()
ACCENTED = ["café", "naïve", "Zürich", "señal", "données", "東京"]


def corpus(mib, seed=7):
    """Documents of 1 to 7 KiB of prose-like lines, most of them new; a
    quarter of the lines come from a shared pool of 2,000, and three
    documents in ten carry one of 20 shared blocks of about 2 KiB
    (boilerplate, copies across documents). One line in fifty has a
    non-ASCII word."""
    rng = random.Random(seed)

    def line():
        words = rng.choices(WORDS, k=rng.randint(6, 25))
        if rng.random() < 0.02:
            words[0] = rng.choice(ACCENTED)
        return " ".join(words) + ".\n"

    pool = [line() for _ in range(2_000)]
    blocks = ["".join(line() for _ in range(16)) for _ in range(20)]
    docs, total = [], 0
    while total < mib << 20:
        parts, size = [], 0
        target = rng.randint(1_000, 7_000)
        while size < target:
            text = rng.choice(pool) if rng.random() < 0.25 else line()
            parts.append(text)
            size += len(text)
        if rng.random() < 0.3:
            parts.insert(rng.randint(0, len(parts)), rng.choice(blocks))
        doc = "".join(parts)
        docs.append(doc)
        total += len(doc.encode())
    return docs


def median_seconds(call, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python_set(docs):
    """Exact line dedup in pure Python: a set of hashes of lines of at least
    16 bytes (without their terminator); later copies dropped."""
    seen = set()
    out = []
    for doc in docs:
        kept = []
        for line in doc.splitlines(keepends=True):
            content = line.rstrip("\r\n")
            if len(content.encode()) >= 16:
                key = hash(content)
                if key in seen:
                    continue
                seen.add(key)
            kept.append(line)
        out.append("".join(kept))
    return out


def baseline(path, mode, rounds, threads):
    manifest = HERE / "baseline" / "Cargo.toml"
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(manifest)], check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", HERE / "baseline" / "target"))
    exe = target / "release" / "textdedup-bench-baseline"
    out = subprocess.run([str(exe), str(path), mode, str(rounds), str(threads)], check=True, capture_output=True)
    answer = json.loads(out.stdout)
    return (
        statistics.median(answer["seconds"]),
        statistics.median(answer["seconds_with_kept"]),
        answer["bytes_removed"],
    )


def datatrove(python, docs, rounds):
    """datatrove's exact sentence dedup (three stages on local files), in
    another interpreter; the median seconds, or None. It runs on the first
    documents of the corpus only (--datatrove-mib), one round."""
    script = HERE / "datatrove_peer.py"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "docs.json"
        path.write_text(json.dumps(docs))
        out = subprocess.run([python, str(script), str(path), str(rounds)], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"datatrove failed: {out.stderr[-2000:]}", file=sys.stderr)
            return None
        return json.loads(out.stdout.splitlines()[-1])["median"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--modes", default="paragraph,passage,chunk")
    parser.add_argument("--datatrove", help="a Python interpreter with datatrove installed")
    parser.add_argument("--datatrove-mib", type=int, default=2, help="datatrove's share of the corpus (it is slow)")
    args = parser.parse_args()

    docs = corpus(args.mib)
    raw = [d.encode() for d in docs]
    size = sum(map(len, raw))
    mib = size / (1 << 20)
    print(f"corpus: {len(docs)} documents, {mib:.1f} MiB; {args.threads} threads; median of {args.rounds}")
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        for d in raw:
            f.write(struct.pack("<I", len(d)))
            f.write(d)
        path = f.name
    try:
        pa = __import__("pyarrow")
        array = pa.array(docs, type=pa.string())
    except ImportError:
        array = None
    rows = []
    try:
        for mode in args.modes.split(","):
            rust, rust_kept, removed = baseline(path, mode, args.rounds, args.threads)
            rows.append((mode, "Rust: dedup_batch (reports)", rust, mib, rust, rust_kept))
            rows.append((mode, "Rust: dedup_batch + kept_bytes", rust_kept, mib, rust, rust_kept))
            deduper = textdedup.Deduper(mode, threads=args.threads)
            check = sum(r.bytes_removed for r in deduper.dedup_batch(raw))
            assert check == removed, (mode, check, removed)
            cases = [
                ("dedup_batch(list[str])", lambda: deduper.dedup_batch(docs)),
                ("dedup_batch(list[bytes])", lambda: deduper.dedup_batch(raw)),
            ]
            if array is not None:
                cases.append(("dedup_arrow(pa.string())", lambda: deduper.dedup_arrow(array)))
            if mode == "paragraph":
                cases.append(("pure-Python set of line hashes", lambda: python_set(docs)))
            for name, call in cases:
                rows.append((mode, name, median_seconds(call, args.rounds), mib, rust, rust_kept))
            if mode == "paragraph" and args.datatrove:
                part, part_bytes = [], 0
                for d in docs:
                    if part_bytes >= args.datatrove_mib << 20:
                        break
                    part.append(d)
                    part_bytes += len(d.encode())
                seconds = datatrove(args.datatrove, part, 1)
                if seconds is not None:
                    name = f"datatrove SentenceDedup, first {part_bytes / (1 << 20):.0f} MiB, 1 round"
                    rows.append((mode, name, seconds, part_bytes / (1 << 20), rust, rust_kept))
    finally:
        os.unlink(path)
    print("| mode | what | median s | MiB/s | vs reports | vs reports + kept |")
    print("|---|---|---:|---:|---:|---:|")
    for mode, name, seconds, size, rust, rust_kept in rows:
        speed = size / seconds
        print(
            f"| {mode} | {name} | {seconds:.3f} | {speed:.1f} "
            f"| {speed / (mib / rust):.3f} | {speed / (mib / rust_kept):.3f} |"
        )


if __name__ == "__main__":
    main()
