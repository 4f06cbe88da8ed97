//! Segments tile the input, are non-empty, and are classified correctly
//! (a leading byte order mark included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use textdedup::split::{segments, SegmentKind, Split};

fuzz_target!(|input: (bool, &[u8])| {
    let (blocks, text) = input;
    let split = if blocks { Split::BlankLines } else { Split::Lines };
    let mut pos = 0;
    let mut last_kind = None;
    for s in segments(text, split) {
        let span = s.span();
        assert_eq!(span.start, pos, "contiguous");
        assert!(span.end > span.start, "non-empty");
        let content = s.content();
        assert!(content.start == span.start && content.end <= span.end);
        // A byte order mark is a segment only at the start of the text.
        let bom = span.start == 0 && text.starts_with(b"\xEF\xBB\xBF");
        assert_eq!(bom, s.kind() == SegmentKind::ByteOrderMark);
        if bom {
            assert_eq!(span.end, 3);
        }
        let blank = text[content.range()]
            .iter()
            .all(|b| b" \t\r\n\x0B\x0C".contains(b));
        assert_eq!(blank, s.kind() == SegmentKind::Blank);
        if s.kind() == SegmentKind::Paragraph {
            let terminator = &text[content.end..span.end];
            assert!(terminator.is_empty() || terminator == b"\n" || terminator == b"\r\n");
        }
        if split == Split::BlankLines {
            // Maximal runs: a kind never follows itself.
            assert_ne!(last_kind, Some(s.kind()));
        }
        last_kind = Some(s.kind());
        pos = span.end;
    }
    assert_eq!(pos, text.len(), "segments concatenate to the input");
});
