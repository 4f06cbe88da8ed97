//! Streams of owned documents cut into bounded batches, the loop the
//! `*_stream` entry points share.

/// Gathers `docs` into batches holding at least `batch_bytes` bytes each
/// (the last one perhaps fewer; one document at least) and calls `each` on
/// every batch in order; a batch is dropped before the next is gathered.
/// Stops at the first error of `each`, reading no document after it.
pub(crate) fn in_batches<T, I, E>(
    docs: I,
    batch_bytes: usize,
    mut each: impl FnMut(&[T]) -> Result<(), E>,
) -> Result<(), E>
where
    T: AsRef<[u8]>,
    I: IntoIterator<Item = T>,
{
    let mut batch: Vec<T> = Vec::new();
    let mut docs = docs.into_iter().peekable();
    while docs.peek().is_some() {
        let mut bytes = 0;
        for doc in docs.by_ref() {
            bytes += doc.as_ref().len();
            batch.push(doc);
            if bytes >= batch_bytes {
                break;
            }
        }
        each(&batch)?;
        batch.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::in_batches;

    #[test]
    fn batches_reach_the_size_keep_the_order_and_stop_at_an_error() {
        let docs = ["ab", "", "cde", "f", "ghij", "k"];
        let mut seen: Vec<Vec<&str>> = Vec::new();
        in_batches(docs, 3, |b: &[&str]| {
            seen.push(b.to_vec());
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(seen, [vec!["ab", "", "cde"], vec!["f", "ghij"], vec!["k"]]);
        // Size 0: one document per batch.
        let mut count = 0;
        in_batches(docs, 0, |b: &[&str]| {
            assert_eq!(b.len(), 1);
            count += 1;
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(count, docs.len());
        // An error ends the stream: nothing after it is read.
        let mut read = 0;
        let lazy = docs.iter().inspect(|_| read += 1);
        let mut calls = 0;
        let result = in_batches(lazy, 2, |_: &[&&str]| {
            calls += 1;
            if calls == 2 {
                Err("stop")
            } else {
                Ok(())
            }
        });
        assert_eq!(result, Err("stop"));
        assert_eq!(read, 3, "the batches [ab] and [\"\", cde]");
        in_batches(Vec::<&str>::new(), 1, |_: &[&str]| -> Result<(), ()> {
            panic!("no batch for no documents")
        })
        .unwrap();
    }
}
