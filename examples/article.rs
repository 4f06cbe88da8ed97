//! The main job: remove the paragraphs pasted twice into a scraped article.
//!
//! ```text
//! cargo run --release --example article > cleaned.txt
//! ```
//!
//! Writes the cleaned article to stdout and a short report to stderr.
//! With a path argument it cleans that file instead of the bundled copy.

use std::io::Write;

use textdedup::Deduper;

const ARTICLE: &[u8] = include_bytes!("data/article.txt");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let owned;
    let text: &[u8] = match std::env::args_os().nth(1) {
        Some(path) => {
            owned = std::fs::read(&path)?;
            &owned
        }
        None => ARTICLE,
    };
    let report = Deduper::default().dedup(text);

    let mut stdout = std::io::stdout().lock();
    report.write_kept(&mut stdout)?;
    stdout.flush()?;

    let stats = report.stats();
    eprintln!(
        "{} paragraphs, {} removed: {} of {} bytes",
        stats.paragraphs.unwrap_or(0),
        stats.paragraphs_removed.unwrap_or(0),
        stats.bytes_removed,
        stats.bytes_in
    );
    for removal in report.removals() {
        let span = removal.span();
        let preview = String::from_utf8_lossy(&text[span]);
        let preview: String = preview
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(60)
            .collect();
        eprintln!(
            "  removed bytes {}..{} (copy of the text at byte {}): {preview}...",
            span.start,
            span.end,
            removal.first().start()
        );
    }
    Ok(())
}
