"""The same generated JSON Lines corpus through `textdedup clean --jsonl`
(one process) and `textdedup.ray.clean` on a local Ray with a small object
store: wall time, peak memory, shuffle bytes per input byte, and a check
that the outputs are byte-identical.

    python bench/ray_bench.py CLI MIB [OBJECT_STORE_MIB]
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import psutil
import ray

import textdedup.ray as tray


def generate(folder, mib, shards=16, seed=1):
    """Shards of news-like records: a quarter of the lines are boilerplate
    or earlier lines copied, across shards."""
    rng = random.Random(seed)
    words = ("market minister report council river season data system village court "
             "the of and to in a is that for it as was with be by on not").split()
    pool = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(20000)]
    target = mib << 20
    per = target // shards
    os.makedirs(folder)
    n = 0
    for s in range(shards):
        with open(os.path.join(folder, f"part-{s:03}.jsonl"), "w") as f:
            written = 0
            while written < per:
                lines = []
                for _ in range(rng.randint(5, 40)):
                    if rng.random() < 0.25:
                        lines.append(rng.choice(pool))
                    else:
                        lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(6, 20)))
                                     + f" {rng.getrandbits(40)}")
                line = json.dumps({"id": f"d{n}", "text": "\n".join(lines) + "\n"}) + "\n"
                n += 1
                written += f.write(line)


class PeakRss:
    """Samples the summed RSS of this process and its descendants (Ray's
    raylet, workers and object store) every 0.2 s, and the largest single
    process."""

    def __init__(self, spill_dir):
        self.total = self.single = self.spilled = 0
        self.spill_dir = spill_dir
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        me = psutil.Process()
        while not self.stop:
            total = 0
            for p in [me] + me.children(recursive=True):
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.single = max(self.single, rss)
            self.total = max(self.total, total)
            spilled = 0
            for root, _, files in os.walk(self.spill_dir):
                for f in files:
                    try:
                        spilled += os.path.getsize(os.path.join(root, f))
                    except OSError:
                        pass
            self.spilled = max(self.spilled, spilled)
            time.sleep(0.2)

    def done(self):
        self.stop = True
        self.thread.join()
        return self


def main():
    cli, mib = sys.argv[1], int(sys.argv[2])
    store = int(sys.argv[3]) if len(sys.argv) > 3 else 80
    work = tempfile.mkdtemp(prefix="ray-bench-", dir=os.environ.get("BENCH_DIR"))
    corpus = os.path.join(work, "in")
    generate(corpus, mib)
    size = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus))

    t = time.time()
    run = subprocess.run(["/usr/bin/time", "-f", "%M", cli, "clean", "--jsonl", "--quiet",
                          "--out-dir", os.path.join(work, "cli"), corpus],
                         capture_output=True, text=True, check=True)
    cli_s = time.time() - t
    cli_kib = int(run.stderr.strip().splitlines()[-1])

    spill_dir = os.path.join(work, "spill")
    ray.init(num_cpus=2, object_store_memory=store << 20, include_dashboard=False,
             log_to_driver=False, configure_logging=False,
             object_spilling_directory=spill_dir)
    ray.data.DataContext.get_current().enable_progress_bars = False
    peak = PeakRss(spill_dir)
    t = time.time()
    tray.clean(corpus, os.path.join(work, "ray"), block_bytes=16 << 20, work_dir=work)
    ray_s = time.time() - t
    peak.done()
    ray.shutdown()

    same = all(
        open(os.path.join(work, "cli", f), "rb").read() == open(os.path.join(work, "ray", f), "rb").read()
        for f in os.listdir(os.path.join(work, "cli"))
    )
    stats = tray.last_stats
    print(json.dumps({
        "input_mib": round(size / 2**20, 1),
        "object_store_mib": store,
        "cli_s": round(cli_s, 1), "cli_peak_mib": round(cli_kib / 1024),
        "ray_s": round(ray_s, 1),
        "ray_peak_total_mib": round(peak.total / 2**20),
        "ray_peak_process_mib": round(peak.single / 2**20),
        "key_rows": stats["key_rows"], "later_copies": stats["later_copies"],
        "shuffle_bytes_per_input_byte": round(stats["shuffle_bytes"] / size, 3),
        "peak_spilled_mib": round(peak.spilled / 2**20),
        "byte_identical": same,
    }, indent=1))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
