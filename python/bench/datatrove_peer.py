"""datatrove's exact sentence dedup (C4's three-sentence spans) on the
documents of bench.py, timed; run by bench.py in an interpreter that has
datatrove installed:

    python datatrove_peer.py DOCS.json ROUNDS

Its three stages (signatures, finding duplicates, filtering) run in this
process, one worker, on local folders. Prints {"median": seconds, ...}.
"""

import json
import statistics
import sys
import tempfile
import time

from datatrove.data import Document
from datatrove.utils.hashing import HashConfig
from datatrove.pipeline.dedup.sentence_dedup import (
    SentDedupConfig,
    SentenceDedupFilter,
    SentenceDedupSignature,
    SentenceFindDedups,
)


def once(texts):
    # Its default xxhash path fails on str input here; sha1 is its other hash.
    config = SentDedupConfig(hash_config=HashConfig(hash_fc="sha1"))
    with tempfile.TemporaryDirectory() as folder:
        signatures, dups = f"{folder}/sigs", f"{folder}/dups"

        def docs():
            return (Document(text=t, id=str(i)) for i, t in enumerate(texts))

        start = time.perf_counter()
        for _ in SentenceDedupSignature(output_folder=signatures, config=config).run(docs()) or ():
            pass
        SentenceFindDedups(data_folder=signatures, output_folder=dups, config=config).run()
        kept = [d.text for d in SentenceDedupFilter(data_folder=dups, config=config).run(docs())]
        seconds = time.perf_counter() - start
    return seconds, sum(len(t.encode()) for t in kept)


def main():
    texts = json.load(open(sys.argv[1]))
    rounds = int(sys.argv[2])
    runs = [once(texts) for _ in range(rounds)]
    size = sum(len(t.encode()) for t in texts)
    print(json.dumps({"median": statistics.median(s for s, _ in runs), "bytes_removed": size - runs[0][1]}))


if __name__ == "__main__":
    main()
