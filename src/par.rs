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
