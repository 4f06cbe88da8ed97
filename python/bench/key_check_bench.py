"""What the Dataset key check costs: ``textdedup.ray.clean`` on a generated
Dataset with distinct keys, with the check and with it replaced by a no-op,
alternating, on one local Ray (2 CPUs).

    python bench/key_check_bench.py [ROWS [ROUNDS]] [--shuffled]

The rows (12 words each; a quarter are drawn from a pool of ROWS / 4
lines, so some repeat) are in key order
unless ``--shuffled`` is given; then the blocks' key ranges overlap and the
check sorts the keys across blocks.
"""

import random
import sys
import time

import pyarrow as pa
import ray

import textdedup.ray as tray


def dataset(rows: int, shuffled: bool):
    """``rows`` documents in 16 blocks, keyed ``key``."""
    rng = random.Random(1)
    words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 8)))
             for _ in range(5000)]
    line = lambda: " ".join(rng.choice(words) for _ in range(12))  # noqa: E731
    seen = [line() for _ in range(rows // 4)]
    texts = [rng.choice(seen) if rng.random() < 0.25 else line() for _ in range(rows)]
    keys = list(range(rows))
    if shuffled:
        rng.shuffle(keys)
    table = pa.table({"key": pa.array(keys, pa.uint64()), "text": texts})
    return ray.data.from_arrow(table).repartition(16).materialize(), table.nbytes


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 400_000
    rounds = int(args[1]) if len(args) > 1 else 3
    ray.init(num_cpus=2, object_store_memory=400 << 20, include_dashboard=False,
             log_to_driver=False)
    ds, size = dataset(rows, "--shuffled" in sys.argv)
    print(f"{rows} rows, {size} bytes")
    check = tray._check_distinct_keys
    for _ in range(rounds):
        for label, step in (("with the check", check), ("without", lambda *a, **k: None)):
            tray._check_distinct_keys = step
            start = time.time()
            kept = tray.clean(ds, key_field="key").count()
            print(f"{label}: {time.time() - start:.2f} s ({kept} rows)", flush=True)
    tray._check_distinct_keys = check


if __name__ == "__main__":
    main()
