//! What every mode's configuration shares: [`Scope`] and [`ConfigError`].

use core::fmt;

/// Which earlier text counts when deciding that a copy is a duplicate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// A copy anywhere earlier in the corpus counts: in an earlier document,
    /// or earlier in the same one. This is the default.
    #[default]
    Corpus,
    /// Each document is deduplicated on its own.
    Document,
}

/// An invalid configuration: names the field and the rejected value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The name of the setter whose value was rejected.
    field: &'static str,
    /// The rejected value, as text.
    value: String,
    /// What the value must satisfy.
    reason: &'static str,
}

impl ConfigError {
    pub(crate) fn new(field: &'static str, value: impl fmt::Display, reason: &'static str) -> Self {
        ConfigError {
            field,
            value: value.to_string(),
            reason,
        }
    }

    /// The configuration field that was rejected.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The rejected value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} = {}: {}",
            self.field, self.value, self.reason
        )
    }
}

impl std::error::Error for ConfigError {}
