//! `Deduper(mode=..., **options)`: the command line's options, with
//! underscores for dashes, checked and turned into a mode's engine.

use std::fmt::Write as _;
use std::sync::Arc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};
use textdedup::passage::Snap;
use textdedup::{chunk, paragraph, passage, ConfigError, Normalize, Scope, Split};

use crate::engine::{DynEngine, Typed};

/// The three modes, as `mode=` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Whole paragraphs.
    Paragraph,
    /// Exact repeated substrings.
    Passage,
    /// Content-defined chunks.
    Chunk,
}

impl Mode {
    /// The name `mode=` takes.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Mode::Paragraph => "paragraph",
            Mode::Passage => "passage",
            Mode::Chunk => "chunk",
        }
    }

    /// The options this mode takes besides `scope`, `seed` and `threads`.
    fn own_options(self) -> &'static [&'static str] {
        match self {
            Mode::Paragraph => &["split", "normalize", "min_len"],
            Mode::Passage => &["min_len", "snap"],
            Mode::Chunk => &["avg_size", "min_size", "max_size"],
        }
    }
}

/// Every option name, in the order error messages list them.
const OPTIONS: &[&str] = &[
    "scope",
    "split",
    "normalize",
    "min_len",
    "snap",
    "avg_size",
    "min_size",
    "max_size",
    "seed",
    "threads",
];

/// Checked settings of a deduper: what was given, `None` for a default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Which engine.
    pub(crate) mode: Mode,
    /// `scope`.
    pub(crate) scope: Scope,
    /// `split` (paragraph mode).
    split: Option<Split>,
    /// `normalize` (paragraph mode).
    normalize: Option<Normalize>,
    /// `min_len` (paragraph and passage mode).
    min_len: Option<usize>,
    /// `snap` (passage mode).
    snap: Option<Snap>,
    /// `avg_size` (chunk mode).
    avg_size: Option<usize>,
    /// `min_size` (chunk mode).
    min_size: Option<usize>,
    /// `max_size` (chunk mode).
    max_size: Option<usize>,
    /// `seed`.
    seed: Option<u64>,
    /// `threads`; `None` for one per core.
    pub(crate) threads: Option<usize>,
}

impl Settings {
    /// Every default of `mode`.
    pub(crate) fn new(mode: Mode) -> Settings {
        Settings {
            mode,
            scope: Scope::Corpus,
            split: None,
            normalize: None,
            min_len: None,
            snap: None,
            avg_size: None,
            min_size: None,
            max_size: None,
            seed: None,
            threads: None,
        }
    }

    /// Reads `mode` and the keyword options.
    ///
    /// # Errors
    ///
    /// `ValueError` naming an unknown mode or option, an option the mode
    /// does not take, or a bad value.
    pub(crate) fn parse(mode: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<Settings> {
        let mode = match mode {
            "paragraph" => Mode::Paragraph,
            "passage" => Mode::Passage,
            "chunk" => Mode::Chunk,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown mode '{other}': expected 'paragraph', 'passage' or 'chunk'"
                )))
            }
        };
        let mut settings = Settings::new(mode);
        let Some(options) = options else {
            return Ok(settings);
        };
        for (key, value) in options.iter() {
            let key = key.cast::<PyString>()?.to_cow()?;
            let name = key.as_ref();
            if !OPTIONS.contains(&name) {
                return Err(PyValueError::new_err(format!(
                    "unknown option '{name}': the options are {}",
                    OPTIONS.join(", ")
                )));
            }
            if value.is_none() {
                continue;
            }
            let shared = matches!(name, "scope" | "seed" | "threads");
            if !shared && !mode.own_options().contains(&name) {
                return Err(PyValueError::new_err(format!(
                    "option '{name}' does not apply to mode '{}' (its options: {}, scope, seed, threads)",
                    mode.name(),
                    mode.own_options().join(", ")
                )));
            }
            settings.set(name, &value)?;
        }
        Ok(settings)
    }

    /// Sets option `name` (known, and taken by the mode) from `value`.
    fn set(&mut self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        match name {
            "scope" => {
                self.scope = choice(
                    name,
                    value,
                    &[("corpus", Scope::Corpus), ("document", Scope::Document)],
                )?
            }
            "split" => {
                self.split = Some(choice(
                    name,
                    value,
                    &[("lines", Split::Lines), ("blank-lines", Split::BlankLines)],
                )?)
            }
            "normalize" => {
                self.normalize = Some(choice(
                    name,
                    value,
                    &[
                        ("exact", Normalize::Exact),
                        ("whitespace", Normalize::Whitespace),
                        ("loose", Normalize::Loose),
                    ],
                )?)
            }
            "snap" => {
                self.snap = Some(choice(
                    name,
                    value,
                    &[
                        ("byte", Snap::Byte),
                        ("char", Snap::Char),
                        ("word", Snap::Word),
                        ("line", Snap::Line),
                    ],
                )?)
            }
            "min_len" => self.min_len = Some(integer(name, value, 0, usize::MAX as u64)? as usize),
            "avg_size" => {
                self.avg_size = Some(integer(name, value, 0, usize::MAX as u64)? as usize)
            }
            "min_size" => {
                self.min_size = Some(integer(name, value, 0, usize::MAX as u64)? as usize)
            }
            "max_size" => {
                self.max_size = Some(integer(name, value, 0, usize::MAX as u64)? as usize)
            }
            "seed" => self.seed = Some(integer(name, value, 0, u64::MAX)?),
            "threads" => self.threads = Some(integer(name, value, 1, u16::MAX.into())? as usize),
            _ => unreachable!("option names are checked before they are set"),
        }
        Ok(())
    }

    /// The paragraph mode deduper of these settings (whatever their mode:
    /// the options of other modes are left out).
    ///
    /// # Errors
    ///
    /// `ValueError` naming the option whose value the library rejects.
    pub(crate) fn paragraph(&self) -> PyResult<paragraph::Deduper> {
        let mut config = paragraph::Config::new()
            .scope(self.scope)
            .split(self.split.unwrap_or(Split::Lines))
            .normalize(self.normalize.unwrap_or(Normalize::Exact));
        if let Some(min_len) = self.min_len {
            config = config.min_len(min_len);
        }
        if let Some(seed) = self.seed {
            config = config.seed(seed);
        }
        config.build().map_err(rejected)
    }

    /// The chunk mode deduper of these settings (whatever their mode: the
    /// options of other modes are left out).
    ///
    /// # Errors
    ///
    /// `ValueError` naming the option whose value the library rejects.
    pub(crate) fn chunk(&self) -> PyResult<chunk::Deduper> {
        let mut config = chunk::Config::new().scope(self.scope);
        if let Some(avg) = self.avg_size {
            config = config.avg(avg);
        }
        if let Some(min) = self.min_size {
            config = config.min(min);
        }
        if let Some(max) = self.max_size {
            config = config.max(max);
        }
        if let Some(seed) = self.seed {
            config = config.seed(seed);
        }
        config.build().map_err(rejected)
    }

    /// The passage mode deduper of these settings (a `snap` not given is
    /// `word`).
    ///
    /// # Errors
    ///
    /// `ValueError` naming the option whose value the library rejects.
    pub(crate) fn passage(&self) -> PyResult<passage::Deduper> {
        let mut config = passage::Config::new()
            .scope(self.scope)
            .snap(self.snap.unwrap_or(Snap::Word));
        if let Some(min_len) = self.min_len {
            config = config.min_len(min_len);
        }
        if let Some(seed) = self.seed {
            config = config.seed(seed);
        }
        config.build().map_err(rejected)
    }

    /// Builds the mode's engine. Its own loops run on the current rayon
    /// pool: the caller installs the deduper's pool around every call.
    ///
    /// # Errors
    ///
    /// `ValueError` naming the option whose value the library rejects.
    pub(crate) fn engine(&self) -> PyResult<Arc<dyn DynEngine>> {
        let engine: Arc<dyn DynEngine> = match self.mode {
            Mode::Paragraph => Arc::new(Typed::new(self.paragraph()?)),
            Mode::Passage => Arc::new(Typed::new(self.passage()?)),
            Mode::Chunk => Arc::new(Typed::new(self.chunk()?)),
        };
        Ok(engine)
    }

    /// The settings as `Deduper(...)` would take them back: the mode and
    /// every option that was given.
    pub(crate) fn repr(&self) -> String {
        let mut out = format!("Deduper(mode='{}'", self.mode.name());
        let scope = match self.scope {
            Scope::Document => Some("document"),
            _ => None,
        };
        let texts = [
            ("scope", scope),
            (
                "split",
                self.split.map(|s| match s {
                    Split::BlankLines => "blank-lines",
                    _ => "lines",
                }),
            ),
            (
                "normalize",
                self.normalize.map(|n| match n {
                    Normalize::Whitespace => "whitespace",
                    Normalize::Loose => "loose",
                    _ => "exact",
                }),
            ),
            (
                "snap",
                self.snap.map(|s| match s {
                    Snap::Byte => "byte",
                    Snap::Char => "char",
                    Snap::Line => "line",
                    _ => "word",
                }),
            ),
        ];
        for (name, value) in texts {
            if let Some(value) = value {
                let _ = write!(out, ", {name}='{value}'");
            }
        }
        let numbers = [
            ("min_len", self.min_len.map(|n| n as u64)),
            ("avg_size", self.avg_size.map(|n| n as u64)),
            ("min_size", self.min_size.map(|n| n as u64)),
            ("max_size", self.max_size.map(|n| n as u64)),
            ("seed", self.seed),
            ("threads", self.threads.map(|n| n as u64)),
        ];
        for (name, value) in numbers {
            if let Some(value) = value {
                let _ = write!(out, ", {name}={value}");
            }
        }
        out.push(')');
        out
    }
}

/// A library error as a `ValueError` that names the Python option.
fn rejected(error: ConfigError) -> PyErr {
    let option = match error.field() {
        "avg" => "avg_size",
        "min" => "min_size",
        "max" => "max_size",
        other => other,
    };
    let message = error.to_string().replacen(
        &format!("invalid {} = ", error.field()),
        &format!("invalid {option}="),
        1,
    );
    PyValueError::new_err(message)
}

/// One of `choices`, by name; `-` and `_` are the same.
fn choice<T: Copy>(name: &str, value: &Bound<'_, PyAny>, choices: &[(&str, T)]) -> PyResult<T> {
    let listed = || {
        choices
            .iter()
            .map(|(text, _)| format!("'{text}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Ok(text) = value.cast::<PyString>() else {
        return Err(PyValueError::new_err(format!(
            "option '{name}' takes a str ({}), not {}",
            listed(),
            type_name(value)
        )));
    };
    let text = text.to_cow()?.replace('_', "-");
    choices
        .iter()
        .find(|(known, _)| *known == text)
        .map(|&(_, v)| v)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "invalid {name}='{text}': expected one of {}",
                listed()
            ))
        })
}

/// An integer from `low` to `high`; `bool` is refused.
fn integer(name: &str, value: &Bound<'_, PyAny>, low: u64, high: u64) -> PyResult<u64> {
    let wrong = || {
        PyValueError::new_err(format!(
            "option '{name}' takes an int from {low} to {high}, not {}",
            type_name(value)
        ))
    };
    if value.is_instance_of::<PyBool>() {
        return Err(wrong());
    }
    let Ok(number) = value.extract::<i128>() else {
        return Err(wrong());
    };
    if number < i128::from(low) || number > i128::from(high) {
        return Err(PyValueError::new_err(format!(
            "invalid {name}={number}: must be from {low} to {high}"
        )));
    }
    Ok(number as u64)
}

/// The name of a value's type, for messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "an unknown type".to_owned(), |n| n.to_string())
}
