//! One JSON Lines record: its text field decoded, everything else left as
//! raw bytes so `clean` can write the record back exactly as it was, with
//! only the text value replaced.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The parts of a record the tool uses, as positions in the line.
#[derive(Debug)]
pub(crate) struct Record {
    /// True when the text value has escapes: decode it with
    /// [`unescape_into`]; otherwise the text is the value without its quotes.
    pub(crate) escaped: bool,
    /// Where the text field's JSON value (quotes included) sits in the line.
    pub(crate) text_raw: Range<usize>,
    /// Where the id field's JSON value sits in the line, when present.
    pub(crate) id_raw: Option<Range<usize>>,
}

/// Parses one line (without its terminator) as a JSON object.
///
/// # Errors
///
/// A message for the user when the line is not one JSON object, or the
/// text field is missing, duplicated or not a string.
pub(crate) fn parse(line: &str, text_field: &str, id_field: &str) -> Result<Record, String> {
    let mut de = serde_json::Deserializer::from_str(line);
    let fields = RecordSeed {
        text_field,
        id_field,
    }
    .deserialize(&mut de)
    .and_then(|f| de.end().map(|()| f))
    .map_err(|e| format!("malformed JSON record: {e}"))?;
    let raw = fields
        .text
        .ok_or_else(|| format!("the text field `{text_field}` is missing"))?
        .get();
    if !raw.starts_with('"') {
        return Err(format!(
            "the text field `{text_field}` is not a string: {}",
            abbreviate(raw)
        ));
    }
    let start = offset_in(line, raw);
    Ok(Record {
        escaped: memchr::memchr(b'\\', raw.as_bytes()).is_some(),
        text_raw: start..start + raw.len(),
        id_raw: fields.id.map(|id| {
            let start = offset_in(line, id.get());
            start..start + id.get().len()
        }),
    })
}

/// A record's id (`raw`, a JSON value the record's parser accepted) as
/// reports write it: as written when a strict parser reads it back
/// (serde_json's defaults: no lone surrogate escape, no number out of
/// range, at most 128 levels of nesting), otherwise its text as a JSON
/// string, so that every report line parses.
pub(crate) fn id_json(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    // The common ids, without building a value: a string with no escape,
    // or an integer far from any limit.
    let plain_string =
        bytes.len() >= 2 && bytes[0] == b'"' && memchr::memchr(b'\\', bytes).is_none();
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let small_integer =
        !digits.is_empty() && digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit);
    if plain_string || small_integer || serde_json::from_str::<serde_json::Value>(raw).is_ok() {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(serde_json::to_string(raw).expect("a string always serializes"))
    }
}

/// Where `part`, a slice borrowed from `whole`, starts in it.
fn offset_in(whole: &str, part: &str) -> usize {
    // The deserializer hands out slices of the line it reads, so the
    // addresses say where the value sits.
    let offset = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    debug_assert!(offset + part.len() <= whole.len());
    offset
}

/// Appends the text of the JSON string `raw` (quotes included, as the
/// parser accepted it) to `out`, as UTF-8.
///
/// # Errors
///
/// A `\u` escape that is a lone surrogate, or an escape the parser should
/// not have let through.
pub(crate) fn unescape_into(raw: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let error = |e: BadEscape| {
        let what = match e {
            BadEscape::LoneSurrogate => "lone surrogate",
            BadEscape::Malformed => "bad escape",
        };
        format!("malformed JSON record: {what} in {}", abbreviate(raw))
    };
    let body = string_body(raw.as_bytes()).ok_or_else(|| error(BadEscape::Malformed))?;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &body[i..]) {
        out.extend_from_slice(&body[i..i + k]);
        let (c, len) = escape_at(body, i + k).map_err(error)?;
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
        i += k + len;
    }
    out.extend_from_slice(&body[i..]);
    Ok(())
}

/// The JSON string `raw` (quotes included) without its quotes.
fn string_body(raw: &[u8]) -> Option<&[u8]> {
    raw.get(1..raw.len().checked_sub(1)?)
}

/// Why an escape does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BadEscape {
    /// A `\u` escape of half a surrogate pair, alone.
    LoneSurrogate,
    /// Anything else.
    Malformed,
}

/// The character the escape at `body[i]` (a backslash) stands for, and the
/// escape's length in bytes: 2, 6, or 12 for a surrogate pair.
#[inline(always)]
fn escape_at(body: &[u8], i: usize) -> Result<(char, usize), BadEscape> {
    let c = match body.get(i + 1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return unicode_escape(body, i),
        _ => return Err(BadEscape::Malformed),
    };
    Ok((c, 2))
}

/// [`escape_at`] for a `\u` escape (or a surrogate pair of two).
fn unicode_escape(body: &[u8], i: usize) -> Result<(char, usize), BadEscape> {
    let high = hex4(body, i + 2).ok_or(BadEscape::Malformed)?;
    let (code, len) = match high {
        0xD800..=0xDBFF => {
            let low = body[i + 6..]
                .starts_with(b"\\u")
                .then(|| hex4(body, i + 8))
                .flatten()
                .filter(|low| (0xDC00..=0xDFFF).contains(low))
                .ok_or(BadEscape::LoneSurrogate)?;
            (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12)
        }
        0xDC00..=0xDFFF => return Err(BadEscape::LoneSurrogate),
        _ => (high, 6),
    };
    Ok((char::from_u32(code).ok_or(BadEscape::Malformed)?, len))
}

/// Writes the JSON string `raw` (quotes included, as the parser accepted
/// it) to `out` without the parts of its text at `cuts` (positions in the
/// decoded text `text`, in order and disjoint), keeping every other byte
/// as written, escapes included.
///
/// `text` must be what [`unescape_into`] makes of `raw`. Returns `false`,
/// with `out` unchanged, when a cut starts or ends inside a character of
/// `text` (the kept bytes would not be a string: the caller re-encodes
/// what is left instead), and when the cuts are out of order or a cut
/// lands inside an escape. With a `text` that is not `raw`'s, the output
/// is unspecified, but nothing panics.
///
/// One pass over `raw` that counts decoded bytes from escape to escape:
/// no decoding, no re-escaping, no UTF-8 check.
pub(crate) fn cut_string(
    raw: &[u8],
    text: &[u8],
    cuts: impl Iterator<Item = Range<usize>> + Clone,
    out: &mut Vec<u8>,
) -> bool {
    let on_boundary = |i: usize| match text.get(i) {
        Some(&b) => (b as i8) >= -0x40, // not a UTF-8 continuation byte
        None => i == text.len(),
    };
    if !cuts
        .clone()
        .all(|c| on_boundary(c.start) && on_boundary(c.end))
    {
        return false;
    }
    let Some(body) = string_body(raw) else {
        return false;
    };
    let mark = out.len();
    out.push(b'"');
    // Where decoded position `dec` is in `body`.
    let (mut at, mut dec) = (0, 0);
    let mut seek = |target: usize| -> Option<usize> {
        if target < dec {
            return None; // cuts out of order
        }
        loop {
            let literal = memchr::memchr(b'\\', &body[at..]).unwrap_or(body.len() - at);
            if dec + literal >= target {
                at += target - dec;
                dec = target;
                return Some(at);
            }
            at += literal;
            dec += literal;
            let (c, len) = escape_at(body, at).ok()?;
            if dec + c.len_utf8() > target {
                return None; // inside the escape's character
            }
            at += len;
            dec += c.len_utf8();
        }
    };
    let mut kept_from = 0;
    for cut in cuts {
        let (Some(start), Some(end)) = (seek(cut.start), seek(cut.end)) else {
            out.truncate(mark);
            return false;
        };
        out.extend_from_slice(&body[kept_from..start]);
        kept_from = end;
    }
    out.extend_from_slice(&body[kept_from..]);
    out.push(b'"');
    true
}

/// `text` without the parts at `cuts` (in order, disjoint, on character
/// boundaries): what [`cut_string`]'s output must decode to, the naive way.
#[cfg(any(test, fuzzing))]
pub(crate) fn without(text: &str, cuts: &[Range<usize>]) -> String {
    let mut left = String::new();
    let mut from = 0;
    for c in cuts {
        left.push_str(&text[from..c.start]);
        from = c.end;
    }
    left + &text[from..]
}

/// The four hex digits at `at`, as a number.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// At most 40 characters of a value, for error messages.
fn abbreviate(raw: &str) -> String {
    match raw.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &raw[..i]),
        None => raw.to_string(),
    }
}

/// The two fields the tool reads, borrowed raw.
struct Fields<'de> {
    /// The text field's value.
    text: Option<&'de RawValue>,
    /// The id field's value.
    id: Option<&'de RawValue>,
}

/// Reads a JSON object, keeping only the configured fields.
struct RecordSeed<'f> {
    /// The name of the text field.
    text_field: &'f str,
    /// The name of the id field.
    id_field: &'f str,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let mut fields = Fields {
            text: None,
            id: None,
        };
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let is_text = key == self.text_field;
            let is_id = key == self.id_field;
            if !is_text && !is_id {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            for (wanted, slot) in [(is_text, &mut fields.text), (is_id, &mut fields.id)] {
                if wanted {
                    if slot.is_some() {
                        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    *slot = Some(value);
                }
            }
        }
        Ok(fields)
    }
}

/// Reads an object key, borrowing it when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_a_strict_parser_rejects_become_strings() {
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        let shallow = format!("{}{}", "[".repeat(100), "]".repeat(100));
        for (raw, kept) in [
            ("\"plain\"", true),
            ("\"caf\\u00e9\"", true),
            ("-123456789012345678", true),
            ("12345678901234567890123", true),
            ("1.5e300", true),
            ("-0", true),
            ("{\"a\":[null,true]}", true),
            (shallow.as_str(), true),
            ("\"\\ud800\"", false),
            ("\"\\udc00\\ud800\"", false),
            ("3.0e400", false),
            ("-1e309", false),
            (deep.as_str(), false),
        ] {
            let id = id_json(raw);
            let back: serde_json::Value = serde_json::from_str(&id).unwrap();
            if kept {
                assert_eq!(id, raw);
            } else {
                assert_eq!(back, serde_json::Value::String(raw.to_owned()));
            }
        }
    }

    /// Regression (fuzz target `jsonl`): an id that is valid JSON but does
    /// not fit an f64 is kept exactly as written.
    #[test]
    fn huge_number_id_is_kept_as_written() {
        let line = "\n{\"id\"\n: 7e446,   \r \"text\"\n\n\n\n :\"t44\"}";
        let record = parse(line, "text", "id").unwrap();
        assert_eq!(&line[record.id_raw.unwrap()], "7e446");
        assert_eq!(&line[record.text_raw], "\"t44\"");
    }

    /// Regression (fuzz target `jsonl`): a lone high surrogate followed by
    /// another escape is accepted by the record scan, and decoding it must
    /// fail with a clear message, as serde_json's decoding does.
    #[test]
    fn lone_surrogate_before_another_escape_is_an_error() {
        let line = "{\n\"text\" :\n\"t49993332ue+#6\\udbd6\\f49G66>994644\"}\t\t\r";
        let record = parse(line, "text", "id").unwrap();
        let raw = &line[record.text_raw.clone()];
        assert!(serde_json::from_str::<String>(raw).is_err());
        let err = unescape_into(raw, &mut Vec::new()).unwrap_err();
        assert!(err.contains("lone surrogate"), "{err}");
    }

    /// The record's text, decoded.
    fn text(line: &str, r: &Record) -> String {
        let raw = &line[r.text_raw.clone()];
        if !r.escaped {
            return raw[1..raw.len() - 1].to_string();
        }
        let mut out = Vec::new();
        unescape_into(raw, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn keeps_raw_positions() {
        let line = r#"{"id": 7, "text": "a\nb", "x": [1, {"text": 2}]}"#;
        let r = parse(line, "text", "id").unwrap();
        assert_eq!(text(line, &r), "a\nb");
        assert_eq!(&line[r.text_raw.clone()], r#""a\nb""#);
        assert_eq!(&line[r.id_raw.unwrap()], "7");
    }

    #[test]
    fn borrowed_when_unescaped() {
        let r = parse(r#"{"text":"plain"}"#, "text", "id").unwrap();
        assert!(!r.escaped);
        assert_eq!(r.text_raw, 8..15);
        assert_eq!(r.id_raw, None);
    }

    #[test]
    fn escaped_keys_match() {
        let line = r#"{"t\u0065xt":"x","\u0069d":"a"}"#;
        let r = parse(line, "text", "id").unwrap();
        assert_eq!(text(line, &r), "x");
        assert_eq!(&line[r.id_raw.unwrap()], r#""a""#);
    }

    #[test]
    fn same_field_for_text_and_id() {
        let r = parse(r#"{"t":"x"}"#, "t", "t").unwrap();
        assert_eq!(r.id_raw, Some(5..8));
    }

    #[test]
    fn rejects_bad_records() {
        let err = |l| parse(l, "text", "id").unwrap_err();
        assert!(err(r#"{"text": 1}"#).contains("not a string: 1"));
        assert!(err(r#"{"id": 1}"#).contains("`text` is missing"));
        assert!(err(r#"{"text": "a", "text": "b"}"#).contains("duplicate field `text`"));
        assert!(err(r#"["text"]"#).contains("malformed"));
        assert!(err(r#"{"text": "a"} x"#).contains("malformed"));
        assert!(err(r#"{"text": "a"#).contains("malformed"));
    }

    #[test]
    fn unescape_table() {
        for (raw, want) in [
            (r#""""#, ""),
            (r#""plain""#, "plain"),
            (r#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{c}\n\r\t"),
            (r#""caf\u00e9 \u00E9""#, "café é"),
            (r#""\ud83d\ude00!""#, "\u{1F600}!"),
            (r#""a\u0000b""#, "a\0b"),
            (r#""é\n""#, "é\n"),
        ] {
            let mut out = b"keep".to_vec();
            unescape_into(raw, &mut out).unwrap();
            assert_eq!(out, [b"keep", want.as_bytes()].concat(), "{raw}");
            assert_eq!(serde_json::from_str::<String>(raw).unwrap(), want);
        }
        for (raw, what) in [
            (r#""\ud800""#, "lone surrogate"),
            (r#""\ud800\u0041""#, "lone surrogate"),
            (r#""\udc00x""#, "lone surrogate"),
            (r#""\u12""#, "bad escape"),
            (r#""\uzzzz""#, "bad escape"),
            (r#""\x""#, "bad escape"),
            (r#""a\""#, "bad escape"),
            ("\"", "bad escape"),
            ("", "bad escape"),
        ] {
            let err = unescape_into(raw, &mut Vec::new()).unwrap_err();
            assert!(err.contains(what), "{raw}: {err}");
        }
    }

    /// `s` as a JSON string, each character written by `how`: 0 as itself
    /// (escaped only where JSON requires), 1 by its two-character escape
    /// where it has one, 2 and 3 as `\u` escapes in upper and lower case
    /// (a surrogate pair beyond the BMP).
    fn written(s: &str, how: &[u8]) -> String {
        let mut raw = String::from("\"");
        for (i, c) in s.chars().enumerate() {
            let short = match c {
                '"' => Some(r#"\""#),
                '\\' => Some(r"\\"),
                '/' => Some(r"\/"),
                '\u{8}' => Some(r"\b"),
                '\u{c}' => Some(r"\f"),
                '\n' => Some(r"\n"),
                '\r' => Some(r"\r"),
                '\t' => Some(r"\t"),
                _ => None,
            };
            let required = matches!(c, '"' | '\\' | '\0'..='\u{1f}');
            let mode = how.get(i).copied().unwrap_or(0) % 4;
            match (mode, short) {
                (0, Some(e)) if required => raw.push_str(e),
                (1, Some(e)) => raw.push_str(e),
                (0 | 1, _) if !required => raw.push(c),
                _ => {
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        if mode == 3 {
                            raw.push_str(&format!("\\u{unit:04x}"));
                        } else {
                            raw.push_str(&format!("\\u{unit:04X}"));
                        }
                    }
                }
            }
        }
        raw.push('"');
        raw
    }

    #[test]
    fn cut_string_keeps_escapes_as_written() {
        let raw = r#""caf\u00e9\nsame\ncaf\u00e9\n\ud83d\ude00!""#;
        let text = "café\nsame\ncafé\n\u{1F600}!";
        let mut out = b"x".to_vec();
        let cut = std::iter::once(5..10);
        assert!(cut_string(raw.as_bytes(), text.as_bytes(), cut, &mut out));
        assert_eq!(out, br#"x"caf\u00e9\ncaf\u00e9\n\ud83d\ude00!""#);
        out.clear();
        let cuts = [0..6, 17..21].into_iter();
        assert!(cut_string(raw.as_bytes(), text.as_bytes(), cuts, &mut out));
        assert_eq!(out, br#""same\ncaf\u00e9\n!""#);
        // A cut inside é (an escape), inside the emoji (a surrogate pair),
        // inside a character written as itself, or cuts out of order.
        let refused = [
            (raw, text, [4..5, 6..6]),
            (raw, text, [0..0, 18..21]),
            ("\"é\"", "é", [0..1, 2..2]),
            (raw, text, [5..10, 0..1]),
        ];
        for (raw, text, cuts) in refused {
            let mut out = b"x".to_vec();
            assert!(!cut_string(
                raw.as_bytes(),
                text.as_bytes(),
                cuts.into_iter(),
                &mut out
            ));
            assert_eq!(out, b"x");
        }
    }

    /// A text that is not the string's decoding breaks the contract: no
    /// panic, and a cut that lands inside an escape is still refused.
    #[test]
    fn cut_string_with_another_text_does_not_panic() {
        let mut out = Vec::new();
        let cut = || std::iter::once(1..2);
        // "ab" has boundaries everywhere; `\u00e9` decodes to two bytes.
        assert!(!cut_string(br#""\u00e9""#, b"ab", cut(), &mut out));
        assert!(out.is_empty());
        for (raw, text) in [
            (&br#""a""#[..], &b"abcdef"[..]),
            (b"\"", b"ab"),
            (b"", b"ab"),
        ] {
            cut_string(raw, text, cut(), &mut out);
            cut_string(raw, text, [3..9, 0..1].into_iter(), &mut out);
        }
    }

    proptest::proptest! {
        #[test]
        fn unescape_matches_serde(s in "\\PC*", ascii_only: bool) {
            // serde_json's escaping, and every character as \uXXXX.
            let mut raw = serde_json::to_string(&s).unwrap();
            if ascii_only {
                raw = String::from("\"");
                for unit in s.encode_utf16() {
                    raw.push_str(&format!("\\u{unit:04x}"));
                }
                raw.push('"');
            }
            let mut out = Vec::new();
            unescape_into(&raw, &mut out).unwrap();
            proptest::prop_assert_eq!(out, s.as_bytes());
        }

        /// Cutting the string as written equals cutting the decoded text:
        /// any mix of escapes, cuts at character boundaries.
        #[test]
        fn cut_string_equals_cutting_the_text(
            s in "(\\PC|[\"\\\\/\n\r\t\u{1}\u{8}\u{c}é€😀]){0,40}",
            how in proptest::collection::vec(0u8..4, 40),
            marks in proptest::collection::vec(0usize..200, 0..8),
        ) {
            let raw = written(&s, &how);
            let mut decoded = Vec::new();
            unescape_into(&raw, &mut decoded).unwrap();
            proptest::prop_assert_eq!(&decoded, s.as_bytes());
            // Character boundaries, picked by `marks`, sorted into cuts.
            let bounds: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
            let mut at: Vec<usize> = marks.iter().map(|m| bounds[m % bounds.len()]).collect();
            at.sort_unstable();
            let cuts: Vec<_> = at.chunks_exact(2).map(|p| p[0]..p[1]).collect();
            let mut out = Vec::new();
            proptest::prop_assert!(cut_string(raw.as_bytes(), s.as_bytes(), cuts.iter().cloned(), &mut out));
            let got: String = serde_json::from_slice(&out).unwrap();
            proptest::prop_assert_eq!(got, without(&s, &cuts));
        }
    }
}
