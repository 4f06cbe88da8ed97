//! Paragraph fingerprints: normalization, then xxh3-128.
//!
//! This is the only module that names the hash function. A [`Fingerprint`]
//! is the 128-bit xxh3 hash of a paragraph's *normalized* content (its
//! terminator excluded). Normalization only affects fingerprints, never the
//! text that textdedup writes out.
//!
//! # Stability
//!
//! For a given [`Normalize`] the fingerprint of a byte string is fixed: the
//! golden vectors in `tests/golden.rs` pin it, and changing one is a breaking
//! change.

/// How paragraph content is normalized before it is fingerprinted.
///
/// The default is [`Normalize::Exact`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Normalize {
    /// The bytes as they are. Allocates nothing.
    #[default]
    Exact,
    /// Trim, and collapse every run of white space to one ASCII space.
    ///
    /// White space is Unicode `White_Space` (`char::is_whitespace`): the ASCII
    /// controls `\t`, `\n`, `\x0B`, `\x0C`, `\r`, the space, and characters
    /// such as U+00A0 NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE.
    Whitespace,
    /// [`Normalize::Whitespace`], plus Unicode lowercase
    /// (`char::to_lowercase`), every numeric character (`char::is_numeric`)
    /// replaced by `0`, and punctuation removed (see [`is_punctuation`]).
    /// Close to the normalization of cc_net.
    Loose,
}

/// A 128-bit fingerprint of normalized paragraph content.
///
/// Two paragraphs with equal normalized content always have equal
/// fingerprints. Two different ones collide with probability about 2^-128
/// per pair; see the crate docs for what that means at corpus scale.
///
/// `Debug` and `Display` print the 32 lowercase hex digits the command
/// line prints (`textdedup chunk`), so a value in a test failure can be
/// searched for in its output.
///
/// # Examples
///
/// ```
/// use textdedup::fingerprint::Fingerprint;
///
/// let fp = Fingerprint::of(b"abc");
/// assert_eq!(format!("{fp:?}"), format!("Fingerprint({:032x})", fp.as_u128()));
/// assert_eq!(fp.to_string().len(), 32);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(u128);

impl core::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Fingerprint({:032x})", self.0)
    }
}

impl core::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl Fingerprint {
    /// Fingerprints bytes as they are (no normalization).
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::fingerprint::Fingerprint;
    ///
    /// assert_eq!(Fingerprint::of(b"abc"), Fingerprint::of(b"abc"));
    /// assert_ne!(Fingerprint::of(b"abc"), Fingerprint::of(b"abd"));
    /// ```
    #[inline]
    pub fn of(bytes: &[u8]) -> Fingerprint {
        Fingerprint(xxhash_rust::xxh3::xxh3_128(bytes))
    }

    /// Fingerprints bytes with a secret seed (xxh3-128 with seed).
    ///
    /// Seed 0 gives [`Fingerprint::of`]. Any other seed gives unrelated
    /// values, which an adversary who does not know the seed cannot steer
    /// into collisions; see [`random_seed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::fingerprint::Fingerprint;
    ///
    /// assert_eq!(Fingerprint::of_seeded(b"abc", 0), Fingerprint::of(b"abc"));
    /// assert_ne!(Fingerprint::of_seeded(b"abc", 7), Fingerprint::of(b"abc"));
    /// ```
    #[inline]
    pub fn of_seeded(bytes: &[u8], seed: u64) -> Fingerprint {
        if seed == 0 {
            return Fingerprint::of(bytes);
        }
        Fingerprint(xxhash_rust::xxh3::xxh3_128_with_seed(bytes, seed))
    }

    /// The fingerprint as an integer.
    #[inline]
    pub fn as_u128(self) -> u128 {
        self.0
    }

    /// The fingerprint whose integer is `value` (a key row's key).
    #[inline]
    pub(crate) fn from_u128(value: u128) -> Fingerprint {
        Fingerprint(value)
    }
}

/// A seed drawn from the operating system's randomness, for seeded
/// fingerprints that an adversary cannot predict.
///
/// Uses the random keys that `std` draws for `HashMap`, so it needs no
/// dependency. Never returns 0 (which means "unseeded").
///
/// Use one when the text may be crafted to collide (user-submitted text,
/// a public service): with the default seed 0 fingerprints are plain,
/// public xxh3-128. Fingerprints made with different seeds cannot be
/// compared, so keep the seed for as long as you keep a [`Corpus`](crate::Corpus).
pub fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x7465_7874_6465_6475);
    hasher.finish().max(1)
}

/// True for the characters that [`Normalize::Loose`] removes.
///
/// ASCII punctuation (`char::is_ascii_punctuation`, which includes symbols
/// such as `$` and `+`), plus the punctuation blocks most common in web text:
/// Latin-1 marks (`¡ § « ¶ · » ¿`), General Punctuation (U+2010 to U+2027,
/// U+2030 to U+205E: dashes, curly quotes, bullets, ellipsis), CJK
/// punctuation and brackets, fullwidth ASCII punctuation, and the sentence
/// marks of Armenian, Hebrew, Arabic, Devanagari and Thai. This is an
/// approximation of Unicode's `General_Category=P`, kept as a table so the
/// crate needs no Unicode data dependency.
pub fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(c,
        '\u{A1}' | '\u{A7}' | '\u{AB}' | '\u{B6}' | '\u{B7}' | '\u{BB}' | '\u{BF}'
        | '\u{55A}'..='\u{55F}' | '\u{589}' | '\u{5BE}' | '\u{5C0}' | '\u{5C3}' | '\u{5C6}'
        | '\u{5F3}' | '\u{5F4}' | '\u{60C}' | '\u{61B}' | '\u{61F}' | '\u{66A}'..='\u{66D}'
        | '\u{6D4}' | '\u{964}' | '\u{965}' | '\u{E4F}' | '\u{E5A}' | '\u{E5B}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
        | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}')
}

/// Decodes the UTF-8 character at the start of `bytes`, if there is a valid one.
#[inline]
fn decode_char(bytes: &[u8]) -> Option<(char, usize)> {
    let width = match bytes[0] {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = core::str::from_utf8(bytes.get(..width)?).ok()?;
    s.chars().next().map(|c| (c, width))
}

/// Writes the normalized form of `content` into `out` (cleared first).
///
/// Bytes that are not valid UTF-8 are kept as they are (each invalid byte
/// is an ordinary, non-space, non-punctuation unit), so every input has a
/// normalized form and no input is rejected.
///
/// # Complexity
///
/// Linear in `content.len()`; `out` grows to at most about
/// `content.len()` bytes (a few more under [`Normalize::Loose`] for the rare
/// characters whose lowercase form is longer).
///
/// # Examples
///
/// ```
/// use textdedup::fingerprint::{normalize_into, Normalize};
///
/// let mut out = Vec::new();
/// normalize_into(b"  Hello,\t\tWORLD 42! ", Normalize::Whitespace, &mut out);
/// assert_eq!(out, b"Hello, WORLD 42!");
/// normalize_into(b"  Hello,\t\tWORLD 42! ", Normalize::Loose, &mut out);
/// assert_eq!(out, b"hello world 00");
/// ```
pub fn normalize_into(content: &[u8], normalize: Normalize, out: &mut Vec<u8>) {
    out.clear();
    match normalize {
        Normalize::Exact => out.extend_from_slice(content),
        Normalize::Whitespace => collapse(content, false, out),
        Normalize::Loose => collapse(content, true, out),
    }
}

/// The `Whitespace` and `Loose` normalizations in one pass.
fn collapse(content: &[u8], loose: bool, out: &mut Vec<u8>) {
    // A space is owed when white space was seen after some output; it is
    // written only before the next kept unit, which trims the end.
    let mut owed = false;
    let mut i = 0;
    while i < content.len() {
        let b = content[i];
        if b < 0x80 {
            i += 1;
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
                owed = !out.is_empty();
                continue;
            }
            let b = if loose {
                if b.is_ascii_punctuation() {
                    continue;
                }
                if b.is_ascii_digit() {
                    b'0'
                } else {
                    b.to_ascii_lowercase()
                }
            } else {
                b
            };
            if owed {
                out.push(b' ');
                owed = false;
            }
            out.push(b);
            continue;
        }
        match decode_char(&content[i..]) {
            Some((c, width)) => {
                let raw = &content[i..i + width];
                i += width;
                if c.is_whitespace() {
                    owed = !out.is_empty();
                    continue;
                }
                if loose && is_punctuation(c) {
                    continue;
                }
                if owed {
                    out.push(b' ');
                    owed = false;
                }
                if !loose {
                    out.extend_from_slice(raw);
                } else if c.is_numeric() {
                    out.push(b'0');
                } else {
                    let mut buf = [0u8; 4];
                    for lower in c.to_lowercase() {
                        out.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            None => {
                i += 1;
                if owed {
                    out.push(b' ');
                    owed = false;
                }
                out.push(b);
            }
        }
    }
}

/// Fingerprints paragraph content under one normalization, reusing a buffer.
///
/// Not `Sync` by design: it owns scratch space. Make one per thread (they
/// are cheap); a [`Deduper`](crate::Deduper) does this internally.
///
/// # Examples
///
/// ```
/// use textdedup::fingerprint::{Fingerprint, Fingerprinter, Normalize};
///
/// let mut fp = Fingerprinter::new(Normalize::Whitespace);
/// let (a, len) = fp.fingerprint(b" two  words ");
/// assert_eq!(len, 9);
/// assert_eq!(a, Fingerprint::of(b"two words"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Fingerprinter {
    /// Which normalization to apply.
    normalize: Normalize,
    /// The xxh3 seed; 0 for plain xxh3-128.
    seed: u64,
    /// Scratch space for normalized bytes, kept between calls so the
    /// normalizing paths allocate only while it grows.
    buf: Vec<u8>,
}

impl Fingerprinter {
    /// A fingerprinter for one normalization.
    pub fn new(normalize: Normalize) -> Fingerprinter {
        Fingerprinter::with_seed(normalize, 0)
    }

    /// A fingerprinter whose fingerprints use `seed` (see
    /// [`Fingerprint::of_seeded`]).
    pub fn with_seed(normalize: Normalize, seed: u64) -> Fingerprinter {
        Fingerprinter {
            normalize,
            seed,
            buf: Vec::new(),
        }
    }

    /// The fingerprint of `content` after normalization, and the length of
    /// the normalized content in bytes.
    ///
    /// # Complexity
    ///
    /// Linear in `content.len()`. [`Normalize::Exact`] hashes the bytes in
    /// place and allocates nothing.
    #[inline]
    pub fn fingerprint(&mut self, content: &[u8]) -> (Fingerprint, usize) {
        if self.normalize == Normalize::Exact {
            return (Fingerprint::of_seeded(content, self.seed), content.len());
        }
        normalize_into(content, self.normalize, &mut self.buf);
        (Fingerprint::of_seeded(&self.buf, self.seed), self.buf.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str, n: Normalize) -> String {
        let mut out = Vec::new();
        normalize_into(s.as_bytes(), n, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn whitespace_table() {
        let w = Normalize::Whitespace;
        assert_eq!(norm("", w), "");
        assert_eq!(norm(" \t\r\n", w), "");
        assert_eq!(norm("a", w), "a");
        assert_eq!(norm("  a  b  ", w), "a b");
        assert_eq!(norm("a\u{A0}\u{3000}b", w), "a b");
        assert_eq!(norm("a\x0Bb", w), "a b");
    }

    #[test]
    fn loose_table() {
        let l = Normalize::Loose;
        assert_eq!(norm("Hello, World!", l), "hello world");
        assert_eq!(norm("ÉCOLE Straße", l), "école straße");
        assert_eq!(norm("ΣΊΣΥΦΟΣ", l), "σίσυφοσ");
        assert_eq!(norm("in 2024 — really…", l), "in 0000 really");
        assert_eq!(norm("a - b", l), "a b");
        assert_eq!(norm("«Oui»", l), "oui");
        assert_eq!(norm("١٢٣", l), "000");
    }

    #[test]
    fn invalid_utf8_is_kept_raw() {
        let mut out = Vec::new();
        normalize_into(b" \xFFA\xC3 \xE2\x82", Normalize::Loose, &mut out);
        assert_eq!(out, b"\xFFa\xC3 \xE2\x82");
        normalize_into(b"\xF0\x9F\x98\x80 x", Normalize::Whitespace, &mut out);
        assert_eq!(out, "😀 x".as_bytes());
    }
}
