import os
from typing import Any, Optional, Sequence, Union

PathLike = Union[str, os.PathLike[str]]
Inputs = Union[PathLike, Sequence[PathLike]]

DEFAULT_BLOCK_BYTES: int
MODES: tuple[str, ...]
ON_BAD_RECORD: tuple[str, ...]
TOLD_BAD_RECORDS: int
last_stats: dict[str, int]

def clean(
    inputs: Inputs | Any,
    out_dir: PathLike | None = None,
    mode: str = "paragraph",
    text_field: str = "text",
    id_field: str = "id",
    *,
    block_bytes: int = ...,
    work_dir: PathLike | None = None,
    key_field: Optional[str] = None,
    **options: Any,
) -> Any:
    """Writes the shards of ``inputs`` under ``out_dir`` without their later
    copies, as ``textdedup clean --jsonl --out-dir`` does (JSON Lines and
    Parquet shards); returns the files. ``mode`` is ``"paragraph"``,
    ``"chunk"`` or ``"passage"``; ``on_bad_record="skip"`` passes bad records through
    unchanged, as ``--on-bad-record skip`` does. Given a ``ray.data.Dataset`` and ``key_field`` (its
    integer column of document keys) and no ``out_dir``: returns the
    cleaned Dataset, materialized."""

def find(
    inputs: Inputs | Any,
    output: PathLike,
    mode: str = "paragraph",
    text_field: str = "text",
    id_field: str = "id",
    *,
    block_bytes: int = ...,
    work_dir: PathLike | None = None,
    key_field: Optional[str] = None,
    **options: Any,
) -> str:
    """Writes the report rows of ``textdedup find --jsonl`` to ``output``;
    ``inputs`` may be a ``ray.data.Dataset`` with ``key_field``."""
