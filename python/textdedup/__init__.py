"""Find and remove verbatim repeated text.

textdedup keeps the first copy of repeated text and removes the later ones,
within one document or across a corpus, with the same answer on any number
of threads. Three modes share one interface:

- ``"paragraph"``: whole lines (or blank-line separated paragraphs) seen
  before, after an optional normalization;
- ``"passage"``: every exact repeated substring of at least ``min_len``
  bytes, at any offset, verified byte by byte;
- ``"chunk"``: content-defined chunks seen before.

>>> import textdedup
>>> textdedup.dedup_str("Breaking news from the capital.\\nDetails.\\nBreaking news from the capital.\\n")
'Breaking news from the capital.\\nDetails.\\n'
>>> deduper = textdedup.Deduper(mode="paragraph", normalize="whitespace")
>>> [r.kept for r in deduper.dedup_batch(["Subscribe to our newsletter.\\nOne.\\n", "Subscribe to our  newsletter.\\nTwo.\\n"])]
['Subscribe to our newsletter.\\nOne.\\n', 'Two.\\n']
"""

from ._textdedup import Corpus, Deduper, Removal, Report, Stats, __version__, dedup_str

__all__ = ["Corpus", "Deduper", "Removal", "Report", "Stats", "dedup_str", "__version__"]
