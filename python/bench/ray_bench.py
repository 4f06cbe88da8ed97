"""The same generated JSON Lines corpus through `textdedup clean --jsonl`
(one process) and `textdedup.ray.clean` on a local Ray with a small object
store: wall time, peak memory (all processes, and the largest Ray worker),
shuffle bytes per input byte, and a check that the outputs are
byte-identical. With several block sizes, Ray runs once per size (a fresh
Ray each time), which gives a worker's memory per byte of its blocks.

    python bench/ray_bench.py [--mode MODE] CLI MIB [OBJECT_STORE_MIB [BLOCK_MIB ...]]

MODE is ``paragraph`` (the default) or ``passage`` (across documents, the
default ``min_len``).
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


def anon_rss(pid):
    """A process's resident anonymous memory (its heap, not the object
    store's shared or file-backed pages it maps), in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


class PeakRss:
    """Samples the summed RSS of this process and its descendants (Ray's
    raylet, workers and object store) every 0.2 s, the largest single
    process, and the largest Ray worker (a process named ``ray::...``):
    its RSS and its anonymous RSS."""

    def __init__(self, spill_dir):
        self.total = self.single = self.worker = self.worker_anon = self.spilled = 0
        self.worker_name = ""
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
                    name = (p.cmdline() or [""])[0]
                except psutil.Error:
                    continue
                total += rss
                self.single = max(self.single, rss)
                if name.startswith("ray::"):
                    self.worker = max(self.worker, rss)
                    try:
                        anon = anon_rss(p.pid)
                    except OSError:
                        continue
                    if anon > self.worker_anon:
                        self.worker_anon, self.worker_name = anon, name
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


def ray_clean(corpus, work, store, block_mib, mode):
    """One `textdedup.ray.clean` on a fresh local Ray: its figures."""
    spill_dir = os.path.join(work, "spill")
    ray.init(num_cpus=2, object_store_memory=store << 20, include_dashboard=False,
             log_to_driver=False, configure_logging=False,
             object_spilling_directory=spill_dir)
    ray.data.DataContext.get_current().enable_progress_bars = False
    peak = PeakRss(spill_dir)
    out = os.path.join(work, "ray")
    shutil.rmtree(out, ignore_errors=True)
    t = time.time()
    tray.clean(corpus, out, mode=mode, block_bytes=block_mib << 20, work_dir=work)
    ray_s = time.time() - t
    peak.done()
    ray.shutdown()
    stats = tray.last_stats
    return {
        "block_mib": block_mib,
        "ray_s": round(ray_s, 1),
        "ray_peak_total_mib": round(peak.total / 2**20),
        "ray_peak_process_mib": round(peak.single / 2**20),
        "ray_peak_worker_mib": round(peak.worker / 2**20),
        "ray_peak_worker_anon_mib": round(peak.worker_anon / 2**20),
        "ray_peak_worker_task": peak.worker_name,
        "key_rows": stats["key_rows"], "later_copies": stats["later_copies"],
        "shuffle_bytes": stats["shuffle_bytes"],
        "peak_spilled_mib": round(peak.spilled / 2**20),
    }


def main():
    args = sys.argv[1:]
    mode = "paragraph"
    if args[0] == "--mode":
        mode, args = args[1], args[2:]
    cli, mib = args[0], int(args[1])
    store = int(args[2]) if len(args) > 2 else 80
    blocks = [int(b) for b in args[3:]] or [16]
    work = tempfile.mkdtemp(prefix="ray-bench-", dir=os.environ.get("BENCH_DIR"))
    corpus = os.path.join(work, "in")
    generate(corpus, mib)
    size = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus))

    t = time.time()
    run = subprocess.run(["/usr/bin/time", "-f", "%M", cli, "clean", "--jsonl", "--quiet",
                          "--mode", mode, "--out-dir", os.path.join(work, "cli"), corpus],
                         capture_output=True, text=True, check=True)
    cli_s = time.time() - t
    cli_kib = int(run.stderr.strip().splitlines()[-1])

    runs = []
    for block_mib in blocks:
        figures = ray_clean(corpus, work, store, block_mib, mode)
        figures["shuffle_bytes_per_input_byte"] = round(figures.pop("shuffle_bytes") / size, 3)
        figures["byte_identical"] = all(
            open(os.path.join(work, "cli", f), "rb").read()
            == open(os.path.join(work, "ray", f), "rb").read()
            for f in os.listdir(os.path.join(work, "cli"))
        )
        runs.append(figures)
    result = {
        "mode": mode,
        "input_mib": round(size / 2**20, 1),
        "object_store_mib": store,
        "cli_s": round(cli_s, 1), "cli_peak_mib": round(cli_kib / 1024),
        "ray": runs,
    }
    if len(runs) > 1:
        # A worker's peak grows with the block it holds: the slope between
        # the smallest and the largest block is its memory per block byte.
        a, b = runs[0], runs[-1]
        result["worker_anon_bytes_per_block_byte"] = round(
            (b["ray_peak_worker_anon_mib"] - a["ray_peak_worker_anon_mib"])
            / (b["block_mib"] - a["block_mib"]), 2)
        result["worker_anon_fixed_mib"] = round(
            a["ray_peak_worker_anon_mib"]
            - result["worker_anon_bytes_per_block_byte"] * a["block_mib"])
    print(json.dumps(result, indent=1))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
