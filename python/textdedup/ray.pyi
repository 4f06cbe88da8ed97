import os
from typing import Any, Sequence, Union

PathLike = Union[str, os.PathLike[str]]
Inputs = Union[PathLike, Sequence[PathLike]]

DEFAULT_BLOCK_BYTES: int
MODES: tuple[str, ...]
last_stats: dict[str, int]

def clean(
    inputs: Inputs,
    out_dir: PathLike,
    mode: str = "paragraph",
    text_field: str = "text",
    id_field: str = "id",
    *,
    block_bytes: int = ...,
    work_dir: PathLike | None = None,
    **options: Any,
) -> list[str]:
    """Writes the shards of ``inputs`` under ``out_dir`` without their later
    copies, as ``textdedup clean --jsonl --out-dir`` does; returns the files.
    ``mode`` is ``"paragraph"`` or ``"chunk"``."""

def find(
    inputs: Inputs,
    output: PathLike,
    mode: str = "paragraph",
    text_field: str = "text",
    id_field: str = "id",
    *,
    block_bytes: int = ...,
    work_dir: PathLike | None = None,
    **options: Any,
) -> str:
    """Writes the report rows of ``textdedup find --jsonl`` to ``output``."""
