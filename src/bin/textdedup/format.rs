//! What a file holds, from its first bytes: gzip or zstd compression, or
//! a format the tool does not clean (binary content, archives, images,
//! Parquet outside a records run); and the decoders and encoders for the
//! two compressions.

use std::io::{self, Read, Write};
use std::path::Path;

/// How a file's bytes are compressed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Compression {
    /// Not compressed.
    #[default]
    None,
    /// gzip (`1f 8b`), one member or several.
    Gzip,
    /// zstd (`28 b5 2f fd`), one frame or several.
    Zstd,
}

/// The first bytes of a gzip stream.
const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
/// The first bytes of a zstd frame.
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";
/// The first bytes of a Parquet file.
pub(crate) const PARQUET_MAGIC: &[u8] = b"PAR1";

impl Compression {
    /// The compression whose magic bytes start `head`.
    pub(crate) fn of_content(head: &[u8]) -> Compression {
        if head.starts_with(GZIP_MAGIC) {
            Compression::Gzip
        } else if head.starts_with(ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The compression a file name announces (`.gz`, `.zst`, `.zstd`), if
    /// any.
    pub(crate) fn of_name(path: &Path) -> Option<Compression> {
        match path.extension()?.to_str()? {
            "gz" | "gzip" => Some(Compression::Gzip),
            "zst" | "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// The name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Compression::None => "uncompressed",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Bytes looked at to recognise a file.
pub(crate) const SNIFF: usize = 8192;

/// What makes `head` (a file's first bytes, decompressed) something the
/// tool does not clean as text: a known container or binary format, or a
/// NUL byte; `None` for text.
pub(crate) fn not_text(head: &[u8]) -> Option<&'static str> {
    const FORMATS: [(&[u8], &str); 14] = [
        (b"PK\x03\x04", "a ZIP archive"),
        (b"PK\x05\x06", "a ZIP archive"),
        (b"%PDF-", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x7fELF", "an ELF executable"),
        (b"BZh", "bzip2 data"),
        (b"\xfd7zXZ\x00", "xz data"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"\x04\x22\x4d\x18", "LZ4 data"),
        (PARQUET_MAGIC, "a Parquet file"),
        (GZIP_MAGIC, "gzip data inside gzip or zstd"),
        (ZSTD_MAGIC, "zstd data inside gzip or zstd"),
    ];
    if let Some((_, what)) = FORMATS.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(what);
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return Some("a tar archive");
    }
    memchr::memchr(0, &head[..head.len().min(SNIFF)]).map(|_| "binary (NUL bytes)")
}

/// A reader with its first bytes looked at: its compression, and the
/// decompressed stream.
pub(crate) struct Opened {
    /// How the bytes were compressed.
    pub(crate) compression: Compression,
    /// The decompressed bytes.
    pub(crate) reader: Box<dyn Read + Send>,
    /// Whether the (uncompressed) bytes start as a Parquet file does.
    pub(crate) parquet: bool,
}

/// Looks at the first bytes of `raw` and decompresses what follows when
/// they are gzip's or zstd's magic. A name that announces a compression
/// the content does not have is an error: the file is not what it says.
///
/// # Errors
///
/// A read error, or a name and content that disagree.
pub(crate) fn open(mut raw: Box<dyn Read + Send>, name: Option<&Path>) -> io::Result<Opened> {
    // A pipe may hand over fewer bytes than asked: read until four or
    // the end.
    let mut head = Vec::with_capacity(4);
    while head.len() < 4 {
        let mut byte = [0u8; 4];
        let got = match raw.read(&mut byte[..4 - head.len()]) {
            Ok(got) => got,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if got == 0 {
            break;
        }
        head.extend_from_slice(&byte[..got]);
    }
    let compression = Compression::of_content(&head);
    let parquet = head.starts_with(PARQUET_MAGIC);
    if let Some(said) = name.and_then(Compression::of_name) {
        if said != compression {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "its name says {} but its content is {}",
                    said.name(),
                    compression.name()
                ),
            ));
        }
    }
    let whole = io::Cursor::new(head).chain(raw);
    let reader: Box<dyn Read + Send> = match compression {
        Compression::None => Box::new(whole),
        Compression::Gzip => Box::new(Ahead::spawn(flate2::read::MultiGzDecoder::new(whole))),
        Compression::Zstd => Box::new(Ahead::spawn(zstd::Decoder::new(whole)?)),
    };
    Ok(Opened {
        compression,
        reader,
        parquet,
    })
}

/// Blocks decompressed ahead by a thread of their own.
const AHEAD_BLOCK: usize = 1 << 20;

/// A reader whose bytes a thread of its own reads (decompresses) ahead, a
/// few blocks at most, so that decompressing a shard overlaps the reading
/// stage's parsing instead of adding to it.
struct Ahead {
    /// Blocks from the thread, in order; an error ends the stream.
    blocks: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    /// The block being read, and how far.
    current: io::Cursor<Vec<u8>>,
    /// The error that ended the stream, given again to every later read.
    failed: Option<(io::ErrorKind, String)>,
}

impl Ahead {
    /// Starts the thread reading `inner`.
    fn spawn(mut inner: impl Read + Send + 'static) -> Ahead {
        let (send, blocks) = std::sync::mpsc::sync_channel(4);
        std::thread::spawn(move || loop {
            let mut block = Vec::with_capacity(AHEAD_BLOCK);
            let result = (&mut inner)
                .take(AHEAD_BLOCK as u64)
                .read_to_end(&mut block);
            let done = !matches!(result, Ok(n) if n > 0);
            // A closed channel: the reader stopped early.
            if send.send(result.map(|_| block)).is_err() || done {
                return;
            }
        });
        Ahead {
            blocks,
            current: io::Cursor::new(Vec::new()),
            failed: None,
        }
    }
}

impl Read for Ahead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            if let Some((kind, message)) = &self.failed {
                return Err(io::Error::new(*kind, message.clone()));
            }
            match self.blocks.recv() {
                Ok(Ok(block)) => self.current = io::Cursor::new(block),
                Ok(Err(e)) => {
                    self.failed = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
                // The thread ended after the last block.
                Err(_) => return Ok(0),
            }
        }
    }
}

/// Bytes compressed as one gzip member or zstd frame: a compressed file
/// is a series of them, compressed in parallel, which every gzip and zstd
/// reader takes as one stream.
const ENCODE_BLOCK: usize = 4 << 20;

/// Full blocks gathered before they are compressed together.
const ENCODE_BATCH: usize = 8;

/// A writer that compresses what it is given (in blocks, on every core),
/// or passes it through.
pub(crate) struct Encoder<W: Write> {
    /// Where the compressed bytes go.
    out: W,
    /// How to compress; `None` passes bytes through.
    compression: Compression,
    /// The level (gzip 0 to 9, zstd 1 to 22).
    level: u32,
    /// The block being filled.
    block: Vec<u8>,
    /// Full blocks waiting to be compressed.
    full: Vec<Vec<u8>>,
    /// Whether any block was written (an empty input still gets one).
    wrote: bool,
}

impl<W: Write> Encoder<W> {
    /// Compresses into `out` as `compression` says, at its default level
    /// (gzip 6, zstd 3).
    ///
    /// # Errors
    ///
    /// None today; kept for encoders that can fail to set up.
    pub(crate) fn new(out: W, compression: Compression) -> io::Result<Encoder<W>> {
        let level = match compression {
            Compression::Gzip => 6,
            Compression::Zstd => 3,
            Compression::None => 0,
        };
        Ok(Encoder {
            out,
            compression,
            level,
            block: Vec::new(),
            full: Vec::new(),
            wrote: false,
        })
    }

    /// Compresses the full blocks, in parallel, and writes them in order.
    fn drain(&mut self) -> io::Result<()> {
        let (compression, level) = (self.compression, self.level);
        let blocks = std::mem::take(&mut self.full);
        let compress = |b: &Vec<u8>| compress_block(b, compression, level);
        #[cfg(feature = "parallel")]
        let compressed: Vec<io::Result<Vec<u8>>> = {
            use rayon::prelude::*;
            blocks.par_iter().map(compress).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let compressed: Vec<io::Result<Vec<u8>>> = blocks.iter().map(compress).collect();
        for c in compressed {
            self.out.write_all(&c?)?;
            self.wrote = true;
        }
        Ok(())
    }

    /// Ends the compressed stream and gives back the writer.
    ///
    /// # Errors
    ///
    /// When the last bytes cannot be written.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        let nothing_yet = !self.wrote && self.full.is_empty();
        if self.compression != Compression::None && (!self.block.is_empty() || nothing_yet) {
            let last = std::mem::take(&mut self.block);
            self.full.push(last);
        }
        self.drain()?;
        Ok(self.out)
    }
}

/// One block as a gzip member or a zstd frame.
fn compress_block(block: &[u8], compression: Compression, level: u32) -> io::Result<Vec<u8>> {
    match compression {
        Compression::None => Ok(block.to_vec()),
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(
                Vec::with_capacity(block.len() / 3),
                flate2::Compression::new(level),
            );
            e.write_all(block)?;
            e.finish()
        }
        Compression::Zstd => zstd::bulk::compress(block, level as i32),
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        if self.compression == Compression::None {
            return self.out.write_all(buf);
        }
        while !buf.is_empty() {
            let room = ENCODE_BLOCK - self.block.len();
            let (now, rest) = buf.split_at(room.min(buf.len()));
            self.block.extend_from_slice(now);
            buf = rest;
            if self.block.len() == ENCODE_BLOCK {
                let full = std::mem::replace(&mut self.block, Vec::with_capacity(ENCODE_BLOCK));
                self.full.push(full);
                if self.full.len() >= ENCODE_BATCH {
                    self.drain()?;
                }
            }
        }
        Ok(())
    }

    /// Passes the flush on; bytes in a block not yet full stay until it is
    /// (or until [`Encoder::finish`]).
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> std::fmt::Debug for Encoder<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Encoder({})", self.compression.name())
    }
}

#[cfg(test)]
mod tests {
    use super::{not_text, open, Compression, Encoder};
    use std::io::{Read, Write};
    use std::path::Path;

    fn round_trip(compression: Compression, text: &[u8]) -> Vec<u8> {
        let mut encoder = Encoder::new(Vec::new(), compression).unwrap();
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn compressions_are_recognised_and_undone() {
        let text = b"line one\nline two\n".repeat(1000);
        for compression in [Compression::None, Compression::Gzip, Compression::Zstd] {
            let bytes = round_trip(compression, &text);
            assert_eq!(Compression::of_content(&bytes), compression);
            // Through a reader that hands over one byte at a time.
            struct Drip(std::io::Cursor<Vec<u8>>);
            impl Read for Drip {
                fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                    let n = buf.len().min(1);
                    self.0.read(&mut buf[..n])
                }
            }
            let mut opened = open(Box::new(Drip(std::io::Cursor::new(bytes))), None).unwrap();
            assert_eq!(opened.compression, compression);
            let mut back = Vec::new();
            opened.reader.read_to_end(&mut back).unwrap();
            assert_eq!(back, text);
        }
        // Two gzip members, as `cat a.gz b.gz` makes.
        let mut two = round_trip(Compression::Gzip, b"first\n");
        two.extend(round_trip(Compression::Gzip, b"second\n"));
        let mut back = String::new();
        open(Box::new(std::io::Cursor::new(two)), None)
            .unwrap()
            .reader
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, "first\nsecond\n");
        // Short and empty inputs.
        for short in [&b""[..], b"a", b"\x1f"] {
            let mut opened = open(Box::new(std::io::Cursor::new(short.to_vec())), None).unwrap();
            let mut back = Vec::new();
            opened.reader.read_to_end(&mut back).unwrap();
            assert_eq!(back, short);
        }
    }

    #[test]
    fn large_outputs_are_several_members_or_frames_read_as_one() {
        let text: Vec<u8> = (0..3_000_000u32)
            .flat_map(|i| format!("{i} ").into_bytes())
            .collect();
        assert!(text.len() > 4 * super::ENCODE_BLOCK);
        for compression in [Compression::Gzip, Compression::Zstd] {
            let bytes = round_trip(compression, &text);
            let mut opened = open(Box::new(std::io::Cursor::new(bytes)), None).unwrap();
            let mut back = Vec::new();
            opened.reader.read_to_end(&mut back).unwrap();
            assert!(back == text, "{compression:?}");
            // An empty input is a valid empty stream.
            let empty = round_trip(compression, b"");
            assert!(!empty.is_empty());
            let mut opened = open(Box::new(std::io::Cursor::new(empty)), None).unwrap();
            let mut back = Vec::new();
            opened.reader.read_to_end(&mut back).unwrap();
            assert!(back.is_empty());
        }
    }

    #[test]
    fn a_name_that_lies_is_an_error() {
        let plain = Box::new(std::io::Cursor::new(b"text\n".to_vec()));
        let err = open(plain, Some(Path::new("a.jsonl.gz"))).err().unwrap();
        assert!(err.to_string().contains("says gzip"), "{err}");
        let zstd = Box::new(std::io::Cursor::new(round_trip(Compression::Zstd, b"x")));
        assert!(open(zstd, Some(Path::new("a.gz"))).is_err());
        let zstd = Box::new(std::io::Cursor::new(round_trip(Compression::Zstd, b"x")));
        assert!(open(zstd, Some(Path::new("a.jsonl.zst"))).is_ok());
    }

    #[test]
    fn text_and_what_is_not() {
        assert_eq!(not_text(b"plain text\n"), None);
        assert_eq!(not_text("é and ü\r\n".as_bytes()), None);
        assert_eq!(not_text(b""), None);
        assert!(not_text(b"text\0more").is_some());
        assert!(not_text(b"\x89PNG\r\n\x1a\nrest").is_some());
        assert!(not_text(b"PK\x03\x04rest").is_some());
        assert!(not_text(b"PAR1").is_some());
        let mut tar = vec![b'a'; 300];
        tar[257..262].copy_from_slice(b"ustar");
        assert!(not_text(&tar).is_some());
        // A NUL byte past the first block does not count.
        let mut late = vec![b'a'; super::SNIFF + 10];
        late[super::SNIFF + 5] = 0;
        assert_eq!(not_text(&late), None);
    }
}
