//! The few parallel loops the crate needs, on rayon with the `parallel`
//! feature and sequential without it. Every loop here returns its results in
//! input order, so callers never see scheduling.

#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// `items.iter().map(f).collect()`, in parallel when possible.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter().map(f).collect()
    }
}

/// `items.iter_mut().enumerate().map(f).collect()`, in parallel when possible.
pub(crate) fn map_mut<T: Send, R: Send>(
    items: &mut [T],
    f: impl Fn(usize, &mut T) -> R + Sync + Send,
) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        items
            .par_iter_mut()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter_mut().enumerate().map(|(i, t)| f(i, t)).collect()
    }
}

/// Cuts items of the given lengths into consecutive ranges of at most
/// `target` bytes each, for parallel loops to take a range at a time; an
/// item longer than `target` is a range of its own. No ranges for no items.
pub(crate) fn ranges_by_bytes(
    lens: impl IntoIterator<Item = usize>,
    target: usize,
) -> Vec<core::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut size, mut n) = (0, 0, 0);
    for (i, len) in lens.into_iter().enumerate() {
        if size > 0 && size + len > target {
            out.push(start..i);
            (start, size) = (i, 0);
        }
        size += len;
        n = i + 1;
    }
    if start < n {
        out.push(start..n);
    }
    out
}

/// `(a(), b())`, the two at once when possible.
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(feature = "parallel")]
    {
        rayon::join(a, b)
    }
    #[cfg(not(feature = "parallel"))]
    {
        (a(), b())
    }
}

/// Sorts by a key that is unique per element, so the order is total and
/// an unstable sort is deterministic.
pub(crate) fn sort_by_unique_key<T: Send, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K + Sync) {
    #[cfg(feature = "parallel")]
    {
        items.par_sort_unstable_by_key(key);
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.sort_unstable_by_key(key);
    }
}

/// How many threads the loops above can use now.
pub(crate) fn threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// The threads a deduper runs its parallel loops on: the current rayon
/// pool (the global one unless the caller is inside `ThreadPool::install`),
/// or a pool of its own when its configuration names a thread count.
/// Cloning shares the pool.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pool {
    /// The deduper's own pool; `None` runs on the current one.
    #[cfg(feature = "parallel")]
    own: Option<std::sync::Arc<rayon::ThreadPool>>,
}

// A panic inside `install` reaches the caller and leaves the pool usable
// (rayon catches it on the worker and resumes it here), so a deduper stays
// as unwind safe as it was before it had a pool.
impl std::panic::UnwindSafe for Pool {}
impl std::panic::RefUnwindSafe for Pool {}

impl Pool {
    /// The current pool for 0 threads, a new pool of `threads` otherwise
    /// (without the `parallel` feature, always the calling thread).
    pub(crate) fn new(threads: usize) -> Result<Pool, crate::ConfigError> {
        #[cfg(feature = "parallel")]
        {
            if threads == 0 {
                return Ok(Pool::default());
            }
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("textdedup-{i}"))
                .build()
                .map_err(|_| {
                    crate::ConfigError::new("threads", threads, "the threads could not be started")
                })?;
            Ok(Pool {
                own: Some(std::sync::Arc::new(pool)),
            })
        }
        #[cfg(not(feature = "parallel"))]
        {
            let _ = threads;
            Ok(Pool {})
        }
    }

    /// Runs `f` on this pool (on the calling thread when it is the current
    /// pool), so that the loops above use its threads.
    pub(crate) fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        #[cfg(feature = "parallel")]
        if let Some(pool) = &self.own {
            return pool.install(f);
        }
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::ranges_by_bytes;

    #[test]
    fn ranges_tile_the_items_within_the_target() {
        assert!(ranges_by_bytes([], 10).is_empty());
        let empty_items = ranges_by_bytes([0, 0], 10);
        assert_eq!((empty_items.len(), empty_items[0].clone()), (1, 0..2));
        assert_eq!(
            ranges_by_bytes([4, 4, 4, 25, 1, 9], 10),
            [0..2, 2..3, 3..4, 4..6]
        );
        assert_eq!(ranges_by_bytes([3, 3, 3], 1), [0..1, 1..2, 2..3]);
    }
}
