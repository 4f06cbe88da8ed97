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
    let bad = || format!("malformed JSON record: bad escape in {}", abbreviate(raw));
    let body = raw
        .as_bytes()
        .get(1..raw.len().saturating_sub(1))
        .ok_or_else(bad)?;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &body[i..]) {
        out.extend_from_slice(&body[i..i + k]);
        i += k + 2;
        let byte = match body.get(i - 1) {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'/') => b'/',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0C,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'u') => {
                let high = hex4(body, i).ok_or_else(bad)?;
                i += 4;
                let code = match high {
                    0xD800..=0xDBFF => {
                        let low = body[i..]
                            .starts_with(b"\\u")
                            .then(|| hex4(body, i + 2))
                            .flatten()
                            .filter(|low| (0xDC00..=0xDFFF).contains(low))
                            .ok_or_else(|| {
                                format!(
                                    "malformed JSON record: lone surrogate in {}",
                                    abbreviate(raw)
                                )
                            })?;
                        i += 6;
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(format!(
                            "malformed JSON record: lone surrogate in {}",
                            abbreviate(raw)
                        ))
                    }
                    _ => high,
                };
                let c = char::from_u32(code).ok_or_else(bad)?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            _ => return Err(bad()),
        };
        out.push(byte);
    }
    out.extend_from_slice(&body[i..]);
    Ok(())
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
        for raw in [
            r#""\ud800""#,
            r#""\ud800\u0041""#,
            r#""\udc00x""#,
            r#""\u12""#,
            r#""\x""#,
            "\"",
            "",
        ] {
            assert!(unescape_into(raw, &mut Vec::new()).is_err(), "{raw}");
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
    }
}
