//! Chunking a [`Read`] with a bounded buffer.

use std::io::{self, Read};

use crate::chunk::{Chunk, Chunker};
use crate::fingerprint::Fingerprint;

impl Chunker {
    /// The old name of [`Chunker::reader_chunks`] (`*_stream` names a
    /// stream of documents everywhere else).
    #[deprecated(since = "0.2.0", note = "renamed `reader_chunks`")]
    pub fn stream<R: Read>(&self, reader: R) -> ReaderChunks<'_, R> {
        self.reader_chunks(reader)
    }

    /// The old name of [`Chunker::reader_chunks_hashed`].
    #[deprecated(since = "0.2.0", note = "renamed `reader_chunks_hashed`")]
    pub fn stream_hashed<R: Read>(&self, reader: R) -> ReaderChunks<'_, R> {
        self.reader_chunks_hashed(reader)
    }

    /// The old name of [`Chunker::reader_chunks_with_capacity`].
    #[deprecated(since = "0.2.0", note = "renamed `reader_chunks_with_capacity`")]
    pub fn stream_with_capacity<R: Read>(&self, reader: R, capacity: usize) -> ReaderChunks<'_, R> {
        self.reader_chunks_with_capacity(reader, capacity)
    }

    /// Chunks everything `reader` yields, with a buffer of `2 × max` bytes.
    ///
    /// The cut points are exactly those of [`Chunker::chunks`] on the
    /// concatenated input, whatever sizes the reader's `read` calls return.
    /// Offsets count from the first byte read (modulo `usize::MAX + 1`, which
    /// matters only past 4 GiB on 32-bit targets).
    ///
    /// # Errors
    ///
    /// The iterator yields the reader's first error (other than
    /// [`io::ErrorKind::Interrupted`], which is retried) and then ends.
    ///
    /// # Complexity
    ///
    /// Linear in the input; memory is the buffer, allocated once, plus one
    /// `Vec` per chunk for the owned items ([`ReaderChunks::next_chunk`]
    /// lends the bytes instead).
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{ChunkConfig, Chunker};
    ///
    /// let chunker = Chunker::new(ChunkConfig::new().avg(64))?;
    /// let text = "line of text that goes on for a while\n".repeat(100);
    /// let from_slice: Vec<_> = chunker.chunks(text.as_bytes()).collect();
    /// let mut from_reader = Vec::new();
    /// for chunk in chunker.reader_chunks(text.as_bytes()) {
    ///     let chunk = chunk?;
    ///     assert_eq!(chunk.data(), &text.as_bytes()[chunk.chunk().span()]);
    ///     from_reader.push(chunk.chunk());
    /// }
    /// assert_eq!(from_reader, from_slice);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reader_chunks<R: Read>(&self, reader: R) -> ReaderChunks<'_, R> {
        ReaderChunks::new(self, reader, 2 * self.max_len(), false)
    }

    /// [`Chunker::reader_chunks`] with the fingerprint of every chunk.
    ///
    /// # Errors
    ///
    /// As [`Chunker::reader_chunks`].
    pub fn reader_chunks_hashed<R: Read>(&self, reader: R) -> ReaderChunks<'_, R> {
        ReaderChunks::new(self, reader, 2 * self.max_len(), true)
    }

    /// [`Chunker::reader_chunks`] with a buffer of `capacity` bytes, raised to
    /// `max` when smaller. A buffer close to `max` reads in smaller pieces
    /// and moves more bytes; the cut points are the same.
    ///
    /// # Errors
    ///
    /// As [`Chunker::reader_chunks`].
    pub fn reader_chunks_with_capacity<R: Read>(
        &self,
        reader: R,
        capacity: usize,
    ) -> ReaderChunks<'_, R> {
        ReaderChunks::new(self, reader, capacity.max(self.max_len()), false)
    }
}

/// The chunks of a reader: see [`Chunker::reader_chunks`].
#[derive(Debug)]
pub struct ReaderChunks<'c, R> {
    /// The chunker with its table and thresholds.
    chunker: &'c Chunker,
    /// Where the bytes come from.
    reader: R,
    /// The buffer; its length is its fixed capacity.
    buf: Vec<u8>,
    /// The first byte of `buf` not yet returned in a chunk.
    start: usize,
    /// One past the last byte read into `buf`.
    filled: usize,
    /// The stream offset of `buf[start]`.
    offset: usize,
    /// The reader reported the end of its input.
    eof: bool,
    /// An error was returned: the iterator is finished.
    failed: bool,
    /// Whether to fingerprint each chunk.
    hashed: bool,
}

impl<'c, R: Read> ReaderChunks<'c, R> {
    fn new(chunker: &'c Chunker, reader: R, capacity: usize, hashed: bool) -> Self {
        ReaderChunks {
            chunker,
            reader,
            buf: vec![0; capacity],
            start: 0,
            filled: 0,
            offset: 0,
            eof: false,
            failed: false,
            hashed,
        }
    }

    /// Reads until `max` bytes are buffered past `start` or the input ends.
    fn fill(&mut self) -> io::Result<()> {
        let max = self.chunker.max_len();
        while !self.eof && self.filled - self.start < max {
            if self.filled == self.buf.len() {
                // Less than `max` bytes are pending and the buffer holds at
                // least `max`: moving them to the front makes room.
                self.buf.copy_within(self.start..self.filled, 0);
                self.filled -= self.start;
                self.start = 0;
            }
            match self.reader.read(&mut self.buf[self.filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next chunk and its bytes, lent from the buffer: the allocation-free
    /// form of the iterator.
    ///
    /// # Errors
    ///
    /// The reader's error; after one, this returns `Ok(None)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::Chunker;
    ///
    /// let chunker = Chunker::default();
    /// let mut stream = chunker.reader_chunks(&b"abc"[..]);
    /// let (chunk, bytes) = stream.next_chunk()?.unwrap();
    /// assert_eq!((chunk.offset(), bytes), (0, &b"abc"[..]));
    /// assert!(stream.next_chunk()?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_chunk(&mut self) -> io::Result<Option<(Chunk, &[u8])>> {
        if self.failed {
            return Ok(None);
        }
        if let Err(e) = self.fill() {
            self.failed = true;
            return Err(e);
        }
        let rest = &self.buf[self.start..self.filled];
        if rest.is_empty() {
            return Ok(None);
        }
        let len = self.chunker.cut(rest);
        let bytes = &rest[..len];
        let fingerprint = self.hashed.then(|| Fingerprint::of(bytes));
        let chunk = Chunk::new(self.offset, len, fingerprint);
        self.start += len;
        // Wraps only past `usize::MAX` bytes (4 GiB on 32-bit targets).
        self.offset = self.offset.wrapping_add(len);
        Ok(Some((chunk, bytes)))
    }
}

impl<R: Read> Iterator for ReaderChunks<'_, R> {
    type Item = io::Result<ReaderChunk>;

    fn next(&mut self) -> Option<io::Result<ReaderChunk>> {
        match self.next_chunk() {
            Ok(Some((chunk, bytes))) => Some(Ok(ReaderChunk {
                chunk,
                data: bytes.to_vec(),
            })),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

impl<R: Read> core::iter::FusedIterator for ReaderChunks<'_, R> {}

/// A chunk from a reader, with its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderChunk {
    /// Position, length and fingerprint, as from the slice iterators.
    chunk: Chunk,
    /// The chunk's bytes: the reader's data is not kept anywhere else.
    data: Vec<u8>,
}

impl ReaderChunk {
    /// The chunk's position, length and fingerprint.
    #[inline]
    pub fn chunk(&self) -> Chunk {
        self.chunk
    }

    /// The chunk's bytes.
    #[inline]
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The chunk's bytes, owned.
    #[inline]
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// The old name of [`ReaderChunks`].
#[deprecated(since = "0.2.0", note = "renamed `ReaderChunks`")]
pub type StreamChunks<'c, R> = ReaderChunks<'c, R>;

/// The old name of [`ReaderChunk`].
#[deprecated(since = "0.2.0", note = "renamed `ReaderChunk`")]
pub type StreamChunk = ReaderChunk;
