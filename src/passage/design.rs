//! How passage mode works, and why it finds every repeat: the text of
//! `docs/passage-design.md`.
#![doc = include_str!("../../docs/passage-design.md")]
