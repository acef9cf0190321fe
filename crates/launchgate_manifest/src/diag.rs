//! Diagnostics for launchgate's own input files: every error names `file:line:col`, says what is
//! wrong and what to write instead, and carries the source so miette can draw a snippet.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::yaml::{Span, SpanIndex};

/// A file launchgate read: its display path (repo-relative where possible) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// Reads a file; `display` is the path shown in diagnostics and findings.
    pub fn read(
        path: &std::path::Path,
        display: impl Into<String>,
    ) -> Result<SourceFile, ConfigError> {
        let display = display.into();
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(SourceFile::new(display, text)),
            Err(e) => Err(ConfigError::plain(format!("cannot read {display}: {e}"))),
        }
    }
}

/// One error in a manifest or policy file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct ConfigError {
    /// `file:line:col: what is wrong` (or just what is wrong when there is no file).
    pub message: String,
    #[help]
    pub help: Option<String>,
    #[source_code]
    src: Option<NamedSource<Arc<str>>>,
    #[label("here")]
    span: Option<SourceSpan>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl ConfigError {
    /// An error not tied to a place in a file (e.g. a file that cannot be read).
    pub fn plain(message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            help: None,
            src: None,
            span: None,
            line: None,
            column: None,
        }
    }

    pub fn at(file: &SourceFile, span: Span, what: impl fmt::Display) -> ConfigError {
        ConfigError {
            message: format!("{}:{}:{}: {what}", file.path, span.line, span.column),
            help: None,
            src: Some(NamedSource::new(file.path.clone(), file.text.clone()).with_language("yaml")),
            span: Some(SourceSpan::new(span.start.into(), span.end - span.start)),
            line: Some(span.line),
            column: Some(span.column),
        }
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> ConfigError {
        self.help = Some(help.into());
        self
    }
}

/// All errors found in one pass over the configuration, in file order.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{}", summary(.errors))]
pub struct ConfigErrors {
    #[related]
    pub errors: Vec<ConfigError>,
}

fn summary(errors: &[ConfigError]) -> String {
    match errors {
        [one] => one.message.clone(),
        many => format!("{} errors in the configuration", many.len()),
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors { errors: vec![e] }
    }
}

/// A parsed file: its source, JSON value and span index, for typed deserialization and for
/// locating semantic errors after it.
#[derive(Debug, Clone)]
pub struct Located {
    pub file: SourceFile,
    pub spans: SpanIndex,
}

impl Located {
    /// An error at the node `pointer` (its key if it has one), or the nearest existing ancestor.
    pub fn error_at(&self, pointer: &str, what: impl fmt::Display) -> ConfigError {
        match self.spans.nearest(pointer) {
            Some((_, n)) => ConfigError::at(&self.file, n.key.unwrap_or(n.value), what),
            None => ConfigError::plain(format!("{}: {what}", self.file.path)),
        }
    }

    /// An error at the value of the node `pointer`.
    pub fn error_at_value(&self, pointer: &str, what: impl fmt::Display) -> ConfigError {
        match self.spans.nearest(pointer) {
            Some((_, n)) => ConfigError::at(&self.file, n.value, what),
            None => ConfigError::plain(format!("{}: {what}", self.file.path)),
        }
    }

    /// 1-based line and column of the node at `pointer` (key if present), or of its nearest ancestor.
    pub fn line_col(&self, pointer: &str) -> Option<(u32, u32)> {
        self.spans.nearest(pointer).map(|(_, n)| {
            let s = n.key.unwrap_or(n.value);
            (s.line, s.column)
        })
    }
}

/// Deserializes `value` into `T`; a serde error becomes a located diagnostic that names the
/// offending key or value and suggests the nearest allowed word.
pub fn deserialize<T: DeserializeOwned>(value: Value, at: &Located) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = String::new();
        for seg in e.path() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                }
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&crate::yaml::escape_segment(key));
                }
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        let raw = e.inner().to_string();
        explain(&raw, &pointer, at)
    })
}

/// Turns serde's message into ours: location, plain words, allowed values and a suggestion.
fn explain(raw: &str, pointer: &str, at: &Located) -> ConfigError {
    let ticks: Vec<&str> = raw.split('`').skip(1).step_by(2).collect();
    let field_name = |p: &str| p.rsplit('/').next().unwrap_or_default().to_string();
    if raw.starts_with("unknown field") {
        let unknown = ticks.first().copied().unwrap_or_default();
        let allowed = &ticks[1.min(ticks.len())..];
        let mut err = at.error_at(pointer, format!("unknown key `{unknown}`"));
        let list = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        err = match launchgate_core::nearest(unknown, allowed.iter().copied()) {
            Some(s) => err.help(format!("did you mean `{s}`? allowed keys here: {list}")),
            None => err.help(format!("allowed keys here: {list}")),
        };
        return err;
    }
    if raw.starts_with("unknown variant") {
        let bad = ticks.first().copied().unwrap_or_default();
        let allowed = &ticks[1.min(ticks.len())..];
        let list = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let err = at.error_at_value(
            pointer,
            format!("`{bad}` is not a valid value for `{}`", field_name(pointer)),
        );
        return match launchgate_core::nearest(bad, allowed.iter().copied()) {
            Some(s) => err.help(format!("did you mean `{s}`? allowed values: {list}")),
            None => err.help(format!("allowed values: {list}")),
        };
    }
    if raw.starts_with("missing field") {
        let missing = ticks.first().copied().unwrap_or_default();
        let place = if pointer.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
        };
        return at
            .error_at(
                pointer,
                format!("missing required key `{missing}` in {place}"),
            )
            .help(format!("add `{missing}:` here"));
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        return at
            .error_at_value(
                pointer,
                format!("wrong type for `{}`: found {found}", field_name(pointer)),
            )
            .help(format!("expected {}", plain_expected(expected)));
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another value"));
        return at
            .error_at_value(
                pointer,
                format!("invalid value for `{}`: {found}", field_name(pointer)),
            )
            .help(format!("expected {}", plain_expected(expected)));
    }
    // Messages from our own `try_from` conversions are already written for people.
    at.error_at_value(pointer, raw)
}

fn plain_expected(expected: &str) -> String {
    match expected {
        "u32" | "u64" | "u16" | "u8" | "usize" => "a whole number (0 or more)".into(),
        "f64" | "f32" => "a number".into(),
        "a boolean" => "`true` or `false`".into(),
        "a string" => "a string (quote it if it looks like a number or a date)".into(),
        other => other.to_string(),
    }
}
