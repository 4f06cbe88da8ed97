"""Type stubs of the extension module (re-exported by ``textdedup``)."""

from typing import Any, Generic, Iterable, List, Literal, Optional, TypeVar, Union, overload

__version__: str

Text = TypeVar("Text", str, bytes)
Mode = Literal["paragraph", "passage", "chunk"]
Scope = Literal["corpus", "document"]
Split = Literal["lines", "blank-lines", "blank_lines"]
Normalize = Literal["exact", "whitespace", "loose"]
Snap = Literal["byte", "char", "word", "line"]

def dedup_str(text: str) -> str:
    """Removes the later copies of repeated lines (paragraph mode, default
    settings) and returns what is kept."""

class Removal:
    """A removed span ``[start, end)`` and its first copy
    ``[first_start, first_end)`` in document ``first_doc``. Offsets count
    characters for ``str`` documents and bytes for ``bytes`` documents,
    each in its own document's units."""

    start: int
    end: int
    first_doc: int
    first_start: int
    first_end: int
    def __init__(self, start: int, end: int, first_doc: int, first_start: int, first_end: int) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Stats:
    """Counts for one document; byte counts are UTF-8 bytes, for ``str``
    documents too. Mode-specific counts are ``None`` in other modes."""

    documents: int
    bytes_in: int
    bytes_removed: int
    paragraphs: Optional[int]
    paragraphs_removed: Optional[int]
    chunks: Optional[int]
    chunks_removed: Optional[int]

class Report(Generic[Text]):
    """One document's result."""

    @property
    def kept(self) -> Text:
        """The kept text, of the document's type (the document itself when
        nothing was removed)."""
    @property
    def doc(self) -> int:
        """The document's index in corpus order."""
    @property
    def removals(self) -> List[Removal]:
        """The removed spans, sorted and non-overlapping."""
    @property
    def stats(self) -> Stats: ...
    @property
    def bytes_removed(self) -> int: ...

class Deduper:
    """A configured engine: ``Deduper(mode="paragraph", **options)`` with
    the command line's options (underscores for dashes). Unknown options,
    options of another mode and bad values raise ``ValueError``."""

    def __init__(
        self,
        mode: Mode = "paragraph",
        *,
        scope: Optional[Scope] = None,
        split: Optional[Split] = None,
        normalize: Optional[Normalize] = None,
        min_len: Optional[int] = None,
        snap: Optional[Snap] = None,
        avg_size: Optional[int] = None,
        min_size: Optional[int] = None,
        max_size: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
    ) -> None: ...
    @property
    def mode(self) -> Mode: ...
    @property
    def threads(self) -> int: ...
    @overload
    def dedup(self, text: str) -> Report[str]: ...
    @overload
    def dedup(self, text: bytes) -> Report[bytes]: ...
    def dedup_batch(self, texts: Iterable[Union[str, bytes]]) -> List[Report[Any]]:
        """The documents as a corpus in their order, in parallel, with the
        GIL released."""
    def dedup_arrow(self, array: Any) -> Any:
        """A pyarrow (chunked) array of string, large_string, binary or
        large_binary as a corpus; returns a ``pyarrow.Table`` with columns
        ``kept``, ``removals`` (byte offsets) and ``bytes_removed``."""

class Corpus:
    """State that grows across calls: each call's documents are the next
    documents of one corpus."""

    def __init__(self, deduper: Deduper) -> None: ...
    @overload
    def dedup(self, text: str) -> Report[str]: ...
    @overload
    def dedup(self, text: bytes) -> Report[bytes]: ...
    def dedup_batch(self, texts: Iterable[Union[str, bytes]]) -> List[Report[Any]]: ...
    def dedup_arrow(self, array: Any) -> Any: ...
    def clear(self) -> None: ...
    @property
    def deduper(self) -> Deduper: ...
    @property
    def documents(self) -> int: ...
    @property
    def heap_bytes(self) -> int: ...
    @property
    def refused_anchors(self) -> Optional[int]: ...
    @property
    def refused_bytes(self) -> Optional[int]: ...
    def __len__(self) -> int: ...

# The Rust steps of `textdedup.ray` (private: use `textdedup.ray`).
def ray_fingerprint(
    deduper: Deduper, data: bytes, file: int, first_line: int, path: str,
    text_field: str, id_field: str, names: bool, skip_bad: bool = False,
) -> Any:
    """The key rows of a block of whole JSON Lines lines (a pyarrow record batch)."""

def ray_resolve(deduper: Deduper, batches: list[Any]) -> Any:
    """The later copies among key rows that hold every row of their keys."""

def ray_apply(
    deduper: Deduper, data: bytes, file: int, first_line: int, path: str,
    text_field: str, id_field: str, copies: list[Any], find: bool, skip_bad: bool = False,
) -> tuple[bytes, int, list[str]]:
    """A block's cleaned lines, or its report rows when ``find``; with the
    number of bad records passed through (``skip_bad``) and the first
    messages."""

def ray_fingerprint_rows(
    deduper: Deduper, rows: Any, file: int, first_row: int, path: str,
    text_field: str, id_field: str, names: bool, key_field: Optional[str] = None,
    skip_bad: bool = False,
) -> Any:
    """The key rows of a block of Parquet rows (a pyarrow record batch whose
    text column is ``large_binary``)."""

def ray_apply_rows(
    deduper: Deduper, rows: Any, file: int, first_row: int, path: str,
    text_field: str, id_field: str, copies: list[Any], find: bool,
    key_field: Optional[str] = None, skip_bad: bool = False,
) -> tuple[Any, int, list[str]]:
    """A block's new text column (``large_binary``), or its report rows
    (bytes) when ``find``; with the number of null texts passed through
    (``skip_bad``) and the first messages."""
