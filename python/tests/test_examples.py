"""The examples of python/README.md, run as they are written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def example(heading):
    """The first ```python block under `## heading`."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_quick_start():
    exec(compile(example("Quick start"), "README quick start", "exec"), {})


def test_pandas_example():
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    exec(compile(example("pandas"), "README pandas", "exec"), {})


def test_datasets_example():
    pytest.importorskip("datasets")
    exec(compile(example("Hugging Face datasets"), "README datasets", "exec"), {})


def test_root_readme_section():
    """The three-line example of the repository README's Python section."""
    text = (README.parent.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Use it from Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "README section", "exec"), {})
