"""Shared helpers: a generated corpus, the bundled article, the command line."""

import os
import random
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "examples" / "data" / "article.txt"

WORDS = (
    "the of and to in a is that for it as was with be by on not this are or from at which "
    "market minister report council river season data system village court café naïve "
    "Zürich 東京 données señal"
).split()

BOILERPLATE = [
    "Subscribe to our newsletter for the latest stories.",
    "All rights reserved. Reproduction without permission is prohibited.",
    "Cookies help us deliver our services; by using them you accept this.",
    "Ce contenu est publié sous licence libre : réutilisation autorisée.",
    "Teilen Sie diesen Artikel mit Ihren Freunden — schöne Grüße aus München.",
    "このページの内容は著作権法で保護されています。無断転載を禁じます。",
]


def sentence(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 18))) + "."


def make_corpus(docs=120, seed=7):
    """Deterministic documents with copies within and across documents:
    shared boilerplate lines, repeated passages inside lines, blank-line
    paragraphs, CRLF endings and non-ASCII text."""
    rng = random.Random(seed)
    passages = [" ".join(sentence(rng) for _ in range(3)) for _ in range(8)]
    out = []
    for _ in range(docs):
        lines = []
        for _ in range(rng.randint(3, 30)):
            roll = rng.random()
            if roll < 0.2:
                line = rng.choice(BOILERPLATE)
            elif roll < 0.3:
                line = sentence(rng) + " " + rng.choice(passages) + " " + sentence(rng)
            elif roll < 0.35:
                line = ""
            else:
                line = sentence(rng)
            lines.append(line + ("\r\n" if rng.random() < 0.1 else "\n"))
        if rng.random() < 0.3:  # a boilerplate block as a paragraph of its own
            at = rng.randint(0, len(lines))
            block = "\n".join(BOILERPLATE[i] for i in (1, 3, 5)) + "\n"
            lines[at:at] = ["\n", block, "\n"]
        if rng.random() < 0.2:
            lines[-1] = lines[-1].rstrip("\r\n")
        out.append("".join(lines))
    return out


@pytest.fixture(scope="package")
def corpus():
    return make_corpus()


@pytest.fixture(scope="package")
def article():
    return ARTICLE.read_bytes()


def find_cli():
    """The `textdedup` command line: $TEXTDEDUP_CLI, or a release build in
    $CARGO_TARGET_DIR or the repository's target/."""
    given = os.environ.get("TEXTDEDUP_CLI")
    if given:
        return given if Path(given).exists() else None
    targets = [os.environ.get("CARGO_TARGET_DIR"), str(REPO / "target")]
    for target in filter(None, targets):
        for profile in ("release", "debug"):
            exe = Path(target) / profile / "textdedup"
            if exe.exists():
                return str(exe)
    return shutil.which("textdedup")


@pytest.fixture(scope="package")
def cli():
    exe = find_cli()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must build the command line: cargo build --release --features cli")
        pytest.skip(
            "the textdedup command line is not built: run `cargo build --release --features cli` "
            "or set TEXTDEDUP_CLI"
        )
    return exe
