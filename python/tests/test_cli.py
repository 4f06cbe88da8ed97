"""Every mode against the command line's `find` on the same corpus: the
same removals, in bytes, with the same first copies."""

import json
import subprocess

import pytest

import textdedup

CASES = [
    ("paragraph", {}),
    ("paragraph", {"split": "blank-lines", "normalize": "whitespace"}),
    ("paragraph", {"normalize": "loose", "min_len": 8}),
    ("paragraph", {"scope": "document", "seed": 11}),
    ("passage", {}),
    ("passage", {"min_len": 40, "snap": "byte"}),
    ("passage", {"min_len": 24, "snap": "line", "scope": "document"}),
    ("chunk", {"avg_size": 64}),
    ("chunk", {"avg_size": 128, "seed": 3, "scope": "document"}),
]


def cli_args(mode, options):
    args = ["--mode", mode]
    for name, value in options.items():
        args += ["--" + name.replace("_", "-"), str(value)]
    return args


@pytest.fixture(scope="module")
def files(tmp_path_factory, corpus):
    folder = tmp_path_factory.mktemp("corpus")
    docs = [text.encode("utf-8") for text in corpus]
    for i, doc in enumerate(docs):
        (folder / f"doc_{i:05}.txt").write_bytes(doc)
    return folder, docs


@pytest.mark.parametrize("mode,options", CASES, ids=[f"{m}-{o}" for m, o in CASES])
def test_find_matches_the_command_line(cli, files, mode, options):
    folder, docs = files
    run = subprocess.run(
        [cli, "find", "--quiet", *cli_args(mode, options), str(folder)],
        check=True,
        capture_output=True,
    )
    index = {str(folder / f"doc_{i:05}.txt"): i for i in range(len(docs))}
    expected = [[] for _ in docs]
    for line in run.stdout.decode().splitlines():
        row = json.loads(line)
        expected[index[row["doc"]]].append(
            (row["start"], row["end"], index[row["first_doc"]], row["first_start"], row["first_end"])
        )
    reports = textdedup.Deduper(mode, threads=2, **options).dedup_batch(docs)
    found = [
        [(r.start, r.end, r.first_doc, r.first_start, r.first_end) for r in report.removals]
        for report in reports
    ]
    assert sum(map(len, expected)) > 0, "the corpus has copies in every case"
    assert found == expected
