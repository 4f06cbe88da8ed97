//! Where results are written, so that a failed or interrupted run leaves
//! no partial file and never destroys an input.
//!
//! - [`Stream`]: `--output` or standard output;
//! - [`Staging`]: the files of `--out-dir` and `--in-place`;
//! - [`replace`]: putting finished files in place, all or none;
//! - [`overlap`]: refusing an output that is an input.

mod overlap;
mod replace;
mod staging;
mod stream;

pub(crate) use overlap::{check_in_place, check_out_dir, check_stream};
pub(crate) use staging::{StagedWriter, Staging};
pub(crate) use stream::{parent_of, Stream};

/// Buffer size for every writer.
const BUF: usize = 1 << 16;
