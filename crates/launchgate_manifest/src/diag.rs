//! Diagnostics for launchgate's own input files: every error names `file:line:col`, says what is
//! wrong and what to write instead, and carries the source so miette can draw a snippet.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::DeserializeOwned;
use serde_json::Value;

use launchgate_core::text::clip;

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

    /// Reads a file; `display` is the path shown in diagnostics and findings. Every error names
    /// the file and a position (`launchgate.yaml:1:1` when the file as a whole is wrong): a
    /// path that is not a regular file (a directory, a FIFO, a device: never opened, so a
    /// FIFO cannot block), a file that cannot be read, text that is not UTF-8 (at the first bad
    /// byte).
    pub fn read(
        path: &std::path::Path,
        display: impl Into<String>,
    ) -> Result<SourceFile, ConfigError> {
        let display = display.into();
        let whole = |what: String| ConfigError::at_start(&display, what);
        let meta = std::fs::metadata(path).map_err(|e| whole(format!("cannot read: {e}")))?;
        if !meta.is_file() {
            return Err(whole(format!(
                "not a regular file ({}): launchgate reads its configuration from a file",
                file_type(meta.file_type())
            ))
            .help("point at the YAML file itself"));
        }
        let bytes = std::fs::read(path).map_err(|e| whole(format!("cannot read: {e}")))?;
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(display, text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let bad = bytes.get(at).copied().unwrap_or_default();
                let prefix = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                let file = SourceFile::new(display, String::from_utf8_lossy(bytes).into_owned());
                Err(ConfigError::at(
                    &file,
                    Span {
                        start: prefix.len(),
                        end: prefix.len(),
                        line: u32::try_from(line).unwrap_or(u32::MAX),
                        column: u32::try_from(column).unwrap_or(u32::MAX),
                    },
                    format!("not valid UTF-8: byte 0x{bad:02x} is not part of a UTF-8 character"),
                )
                .help("save the file as UTF-8"))
            }
        }
    }
}

/// The kind of a file that is not a regular file, in words.
fn file_type(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a file"
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
    src: Option<NamedSource<Snippet>>,
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

    /// An error about a file as a whole (it cannot be read, or is not a file): located at
    /// `path:1:1`, with no snippet.
    pub fn at_start(path: &str, what: impl fmt::Display) -> ConfigError {
        ConfigError {
            message: format!("{path}:1:1: {what}"),
            help: None,
            src: None,
            span: None,
            line: Some(1),
            column: Some(1),
        }
    }

    pub fn at(file: &SourceFile, span: Span, what: impl fmt::Display) -> ConfigError {
        ConfigError {
            message: format!("{}:{}:{}: {what}", file.path, span.line, span.column),
            help: None,
            src: Some(
                NamedSource::new(
                    file.path.clone(),
                    Snippet {
                        text: file.text.clone(),
                        primary: None,
                    },
                )
                .with_language("yaml"),
            ),
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

    /// The error as it may be printed: every secret that `find` reports replaced (in the
    /// message, the help and the snippet), control characters escaped, the message clipped,
    /// and the snippet cut to the lines miette shows (the error's line and one on each side),
    /// each at most [`SNIPPET_WIDTH`] characters around the error, so an error on a 10 MB line
    /// prints a line, not 10 MB. Line numbers in the snippet stay right.
    ///
    /// `find` is the redaction layer (`launchgate_evidence::secrets::find_secrets`, which this
    /// crate cannot depend on): byte ranges of secrets in a text, sorted and disjoint, each with
    /// what to print instead.
    #[must_use]
    pub fn for_display(&self, find: &Finder<'_>) -> ConfigError {
        let message = clip(&clean(&self.message, find, false), MESSAGE_WIDTH).into_owned();
        let help = self
            .help
            .as_deref()
            .map(|h| clip(&clean(h, find, true), HELP_WIDTH).into_owned());
        let (src, span) = match (&self.src, self.span) {
            (Some(src), Some(span)) => {
                let (text, span, cut) = snippet(&src.inner().text, span, find);
                // miette's header counts the column in the cut line: give it the file's.
                let primary = self
                    .column
                    .filter(|_| cut)
                    .and_then(|c| usize::try_from(c).ok())
                    .map(|c| (span, c.saturating_sub(1)));
                let snippet = Snippet {
                    text: Arc::from(text),
                    primary,
                };
                (
                    Some(NamedSource::new(src.name(), snippet).with_language("yaml")),
                    Some(span),
                )
            }
            _ => (None, None),
        };
        ConfigError {
            message,
            help,
            src,
            span,
            line: self.line,
            column: self.column,
        }
    }
}

/// The text miette draws a snippet from; `primary` is the error's span in it and the 0-based
/// column the file gives its start (a cut line starts mid-line, so miette's own count is off).
#[derive(Debug, Clone)]
struct Snippet {
    text: Arc<str>,
    primary: Option<(SourceSpan, usize)>,
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.text.read_span(span, before, after)?;
        let column = match self.primary {
            Some((primary, column)) if primary == *span && before == 0 && after == 0 => column,
            _ => contents.column(),
        };
        Ok(Box::new(miette::MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// Finds the secrets in a text: byte ranges, sorted and disjoint, and their replacements.
pub type Finder<'a> = dyn Fn(&str) -> Vec<(std::ops::Range<usize>, String)> + 'a;

/// The widest snippet line [`ConfigError::for_display`] prints, in characters.
pub const SNIPPET_WIDTH: usize = 200;
const MESSAGE_WIDTH: usize = 400;
const HELP_WIDTH: usize = 1000;

/// `text` with secrets replaced and control characters escaped (newlines kept if `lines`).
fn clean(text: &str, find: &Finder<'_>, lines: bool) -> String {
    let (out, _) = rewrite(text, find, None, lines);
    out
}

/// Rewrites `text`: secrets replaced, control characters escaped (`\n` kept when `lines`), and
/// the byte range `span` of `text` mapped to its range in the result (a span end inside a
/// secret ends after its replacement).
fn rewrite(
    text: &str,
    find: &Finder<'_>,
    span: Option<(usize, usize)>,
    lines: bool,
) -> (String, (usize, usize)) {
    let mut secrets = find(text).into_iter().peekable();
    let mut out = String::with_capacity(text.len());
    let (old_s, old_e) = span.unwrap_or((0, 0));
    let (mut new_s, mut new_e) = (None, None);
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|t| t.chars().next()) {
        if new_s.is_none() && i >= old_s {
            new_s = Some(out.len());
        }
        if new_e.is_none() && i >= old_e {
            new_e = Some(out.len());
        }
        if let Some((range, replacement)) = secrets.next_if(|(r, _)| r.start <= i) {
            if range.end > i && text.is_char_boundary(range.end) {
                if new_s.is_none() && old_s < range.end {
                    new_s = Some(out.len());
                }
                out.push_str(&replacement);
                if new_e.is_none() && old_e < range.end {
                    new_e = Some(out.len());
                }
                i = range.end;
            }
            continue;
        }
        if lines && c == '\n' {
            out.push(c);
        } else {
            launchgate_core::text::push_escaped(&mut out, c);
        }
        i += c.len_utf8();
    }
    let new_s = new_s.unwrap_or(out.len());
    let new_e = new_e.unwrap_or(out.len()).max(new_s);
    (out, (new_s, new_e))
}

/// The lines around `span` in `text`, cut, redacted and escaped, with every other line left
/// empty (so miette numbers lines as in the file), and the span's place in the result.
fn snippet(text: &str, span: SourceSpan, find: &Finder<'_>) -> (String, SourceSpan, bool) {
    let start = span.offset().min(text.len());
    let end = (span.offset() + span.len()).clamp(start, text.len());
    let line_start = |at: usize| {
        text.get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
    };
    let line_end = |at: usize| {
        text.get(at..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| at + i)
    };
    let first = line_start(start);
    let first_end = line_end(start);
    // A span over several lines is shown by its first line.
    let end = end.min(first_end);
    let before = if first == 0 { 0 } else { line_start(first - 1) };
    let after_end = if first_end >= text.len() {
        first_end
    } else {
        line_end(first_end + 1)
    };
    let mut out = "\n".repeat(text.get(..before).map_or(0, |t| t.matches('\n').count()));
    let mut mapped = (out.len(), out.len());
    let mut cut_before_span = false;
    let mut at = before;
    while at <= after_end {
        let e = line_end(at);
        let line = text.get(at..e).unwrap_or_default();
        // CRLF files: miette ends lines at `\r\n` too; the `\r` is no character to show.
        let line = line.strip_suffix('\r').unwrap_or(line);
        let local = (at == first).then(|| (start - at, end - at));
        let (shown, range, cut_start) = cut(line, local, find);
        if let Some((s, len)) = range {
            mapped = (out.len() + s, len);
            cut_before_span = cut_start;
        }
        out.push_str(&shown);
        if e >= text.len() {
            break;
        }
        out.push('\n');
        at = e + 1;
        if at > after_end {
            break;
        }
    }
    (
        out,
        SourceSpan::new(mapped.0.into(), mapped.1),
        cut_before_span,
    )
}

/// One line, cut to [`SNIPPET_WIDTH`] characters around `span` (start and end in `line`),
/// without partial words at the cuts, then redacted and escaped; the span's start and length
/// in the result.
fn cut(
    line: &str,
    span: Option<(usize, usize)>,
    find: &Finder<'_>,
) -> (String, Option<(usize, usize)>, bool) {
    let char_start = |b: usize| line.get(..b).map_or(0, |t| t.chars().count());
    let byte_at = |c: usize| line.char_indices().nth(c).map_or(line.len(), |(i, _)| i);
    let total = line.chars().count();
    let (mut ws, mut we) = (0, line.len());
    if total > SNIPPET_WIDTH {
        let from = span.map_or(0, |(s, _)| char_start(s).saturating_sub(SNIPPET_WIDTH / 4));
        ws = byte_at(from);
        we = byte_at(from + SNIPPET_WIDTH);
        // Never part of a word at a cut: a token is shown whole or not at all.
        let word = |c: char| !c.is_whitespace();
        if ws > 0
            && line
                .get(..ws)
                .and_then(|t| t.chars().next_back())
                .is_some_and(word)
        {
            let rest = line.get(ws..we).unwrap_or_default();
            ws += rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        }
        if we < line.len()
            && line
                .get(we..)
                .and_then(|t| t.chars().next())
                .is_some_and(word)
        {
            let head = line.get(ws..we).unwrap_or_default();
            we = ws + head.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
        }
    }
    let window = line.get(ws..we).unwrap_or_default();
    let local = span.map(|(s, e)| (s.clamp(ws, we) - ws, e.clamp(ws, we) - ws));
    let (body, (s, e)) = rewrite(window, find, local, false);
    let mut shown = String::new();
    if ws > 0 {
        shown.push('\u{2026}');
    }
    let offset = shown.len();
    shown.push_str(&body);
    if we < line.len() {
        shown.push('\u{2026}');
    }
    (shown, local.map(|_| (offset + s, e - s)), ws > 0)
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
            None => ConfigError::at_start(&self.file.path, what),
        }
    }

    /// An error at the value of the node `pointer`.
    pub fn error_at_value(&self, pointer: &str, what: impl fmt::Display) -> ConfigError {
        match self.spans.nearest(pointer) {
            Some((_, n)) => ConfigError::at(&self.file, n.value, what),
            None => ConfigError::at_start(&self.file.path, what),
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
/// offending key or value and suggests the nearest allowed word. Required keys missing from a
/// mapping are reported all at once, one diagnostic each, rather than one per run.
pub fn deserialize<T: DeserializeOwned>(value: Value, at: &Located) -> Result<T, ConfigErrors> {
    let e = match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let pointer = pointer_of(e.path());
    let raw = e.inner().to_string();
    if raw.starts_with("missing field") {
        let keys = missing_keys::<T>(value, &pointer, first_tick(&raw));
        return Err(ConfigErrors {
            errors: keys
                .iter()
                .map(|(k, words)| missing(k, words.as_deref(), &pointer, at))
                .collect(),
        });
    }
    Err(explain(&raw, &pointer, at).into())
}

/// The JSON pointer of a serde path.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for seg in path {
        match seg {
            serde_path_to_error::Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            serde_path_to_error::Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&crate::yaml::escape_segment(key));
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}

/// The first `quoted` word of a serde message.
fn first_tick(raw: &str) -> String {
    raw.split('`').nth(1).unwrap_or_default().to_string()
}

/// Every required key missing from the mapping at `pointer`, `first` first: serde names one per
/// run, so each missing key is filled with a stand-in value of a type it accepts and the rest
/// is deserialized again, until serde stops at something other than another missing key of
/// the same mapping. In the order serde reports them (the declaration order), each with the
/// words it takes when serde names them (`` `public`, `internal` ``).
fn missing_keys<T: DeserializeOwned>(
    mut value: Value,
    pointer: &str,
    first: String,
) -> Vec<(String, Option<String>)> {
    let mut keys: Vec<(String, Option<String>)> = vec![(first, None)];
    // A mapping has a bounded number of keys; the bound only guards against a loop.
    'keys: for _ in 0..64 {
        let Some(key) = keys.last().map(|(k, _)| k.clone()) else {
            break;
        };
        let own = format!("{pointer}/{}", crate::yaml::escape_segment(&key));
        // The types keys take; a date for dated keys (`expires`), and, for a key that takes
        // one of some words, the first word serde names.
        let mut stand_ins = std::collections::VecDeque::from([
            Value::Null,
            Value::String(String::new()),
            Value::from(0),
            Value::Bool(false),
            Value::Object(serde_json::Map::new()),
            Value::Array(Vec::new()),
            Value::String("2000-01-01".to_string()),
        ]);
        let mut named = false;
        while let Some(stand_in) = stand_ins.pop_front() {
            let Some(map) = value.pointer_mut(pointer).and_then(Value::as_object_mut) else {
                break 'keys;
            };
            map.insert(key.clone(), stand_in);
            let Err(e) = serde_path_to_error::deserialize::<_, T>(&value) else {
                break 'keys;
            };
            let at = pointer_of(e.path());
            let raw = e.inner().to_string();
            if at == own || at.starts_with(&format!("{own}/")) {
                // The stand-in is not of the key's type: try the next.
                if !named
                    && at == own
                    && raw.starts_with("unknown variant")
                    && let Some(word) = raw.split('`').nth(3)
                {
                    named = true;
                    stand_ins.push_front(Value::String(word.to_string()));
                    let list: Vec<String> = raw
                        .split('`')
                        .skip(3)
                        .step_by(2)
                        .map(|w| format!("`{w}`"))
                        .collect();
                    if let Some(last) = keys.last_mut() {
                        last.1 = Some(list.join(", "));
                    }
                }
                continue;
            }
            let next = first_tick(&raw);
            if raw.starts_with("missing field")
                && at == pointer
                && !keys.iter().any(|(k, _)| *k == next)
            {
                keys.push((next, None));
                continue 'keys;
            }
            break 'keys;
        }
        break;
    }
    keys
}

/// A required key missing from the mapping at `pointer`; `words`: the values it takes, when
/// it takes one of some words.
fn missing(key: &str, words: Option<&str>, pointer: &str, at: &Located) -> ConfigError {
    let place = if pointer.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
    };
    let help = match words {
        Some(words) => format!("add `{key}:` here, with one of {words}"),
        None => format!("add `{key}:` here"),
    };
    at.error_at(pointer, format!("missing required key `{key}` in {place}"))
        .help(help)
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
        return missing(
            ticks.first().copied().unwrap_or_default(),
            None,
            pointer,
            at,
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the redaction layer: every `SECRETxyz` word is a secret.
    fn find(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
        text.match_indices("SECRET")
            .map(|(i, _)| {
                let len = text
                    .get(i..)
                    .unwrap_or_default()
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(text.len() - i);
                (i..i + len, "<redacted>".to_string())
            })
            .collect()
    }

    fn rendered(e: &ConfigError) -> String {
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(120)
            .render_report(&mut out, e)
            .unwrap_or_default();
        out
    }

    fn error_at(text: &str, needle: &str) -> ConfigError {
        let file = SourceFile::new("launchgate.yaml", text);
        let start = text.find(needle).unwrap_or_default();
        let before = text.get(..start).unwrap_or_default();
        let line = u32::try_from(before.matches('\n').count() + 1).unwrap_or(0);
        let column =
            u32::try_from(start - before.rfind('\n').map_or(0, |i| i + 1) + 1).unwrap_or(0);
        ConfigError::at(
            &file,
            Span {
                start,
                end: start + needle.len(),
                line,
                column,
            },
            format!("unknown key `{needle}`"),
        )
    }

    #[test]
    fn an_ordinary_error_is_drawn_as_before() {
        let text =
            "service: api\ntier: 1\nstatus_pgae: https://status.acme.io\nowner: x\nmore: y\n";
        let e = error_at(text, "status_pgae");
        assert_eq!(rendered(&e.for_display(&find)), rendered(&e));
    }

    #[test]
    fn crlf_and_non_ascii_errors_are_drawn_as_before() {
        let text = "service: api\r\nowner: \u{e9}qu\u{ee}pe\r\nstatus_pgae: x\r\ntier: 1\r\n";
        let e = error_at(text, "status_pgae");
        assert_eq!(rendered(&e.for_display(&find)), rendered(&e));
        let e = error_at("description: caf\u{e9} status_pgae\n", "status_pgae");
        assert_eq!(rendered(&e.for_display(&find)), rendered(&e));
    }

    #[test]
    fn secrets_and_control_characters_never_reach_the_snippet_or_message() {
        let text =
            "service: api\nstatus_pgae: https://ops:SECRETpass@status.acme.io \u{1b}]52;c;x\u{7}\n";
        let e = error_at(text, "https://ops:SECRETpass@status.acme.io");
        let out = rendered(&e.for_display(&find));
        assert!(!out.contains("SECRETpass"), "{out}");
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
        assert!(
            out.contains("<redacted>") && out.contains("launchgate.yaml:2:14"),
            "{out}"
        );
    }

    #[test]
    fn a_huge_line_prints_a_window_around_the_error() {
        let long = "word ".repeat(2_000_000);
        let text = format!("service: api\nnote: {long}status_pgae {long}\ntier: 1\n");
        let e = error_at(&text, "status_pgae");
        let out = rendered(&e.for_display(&find));
        assert!(out.len() < 4 * SNIPPET_WIDTH + 1000, "{} bytes", out.len());
        assert!(
            out.contains("status_pgae") && out.contains("launchgate.yaml:2:"),
            "{out}"
        );
    }

    fn messages(text: &str) -> Vec<(String, Option<String>)> {
        let e = crate::ServiceManifest::parse(SourceFile::new("launchgate.yaml", text))
            .err()
            .map(|e| e.errors)
            .unwrap_or_default();
        e.into_iter().map(|e| (e.message, e.help)).collect()
    }

    #[test]
    fn every_missing_required_key_is_reported_at_once() {
        let got = messages(
            "service: api
owner: team-api
",
        );
        let want: Vec<(String, Option<String>)> = [
            ("tier", "add `tier:` here"),
            ("exposure", "add `exposure:` here, with one of `public`, `internal`"),
            (
                "data",
                "add `data:` here, with one of `none`, `ephemeral`, `persistent`, `personal`, `financial`",
            ),
        ]
        .iter()
        .map(|(k, help)| {
            (
                format!("launchgate.yaml:1:1: missing required key `{k}` in the top level"),
                Some((*help).to_string()),
            )
        })
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn missing_keys_of_a_nested_mapping_are_reported_together_and_stop_at_other_errors() {
        let head = "service: api\ntier: 1\nexposure: internal\ndata: persistent\nwaivers:\n";
        let got = messages(&format!("{head}  - check: OPS-006\n"));
        let keys: Vec<&str> = got
            .iter()
            .map(|(m, _)| m.split('`').nth(1).unwrap_or_default())
            .collect();
        assert_eq!(keys, ["reason", "kind", "expires"], "{got:?}");
        assert!(
            got.iter().all(
                |(m, _)| m.starts_with("launchgate.yaml:6:5: missing required key `")
                    && m.ends_with("` in `waivers.0`")
            ),
            "{got:?}"
        );
        // One key missing is one diagnostic, as before.
        assert_eq!(
            messages("tier: 1\nexposure: public\ndata: persistent\n"),
            [(
                "launchgate.yaml:1:1: missing required key `service` in the top level".to_string(),
                Some("add `service:` here".to_string())
            )]
        );
    }
}
