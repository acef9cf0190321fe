//! JSON Lines export and strict import of a ledger.
//!
//! One event per line in its canonical JSON ([`Event::canonical`]), each line ended by `\n`,
//! nothing else in the file. Parsing insists on exactly that form, so any changed, deleted or
//! inserted byte anywhere in an export is reported, either here or by [`crate::verify`].

use std::fmt;

use crate::event::Event;
use crate::verify::{VerifyError, VerifySummary, verify};

/// The JSON Lines text of `events`: one canonical event per line, `\n` after each.
pub fn export(events: &[Event]) -> String {
    let mut out = String::new();
    for event in events {
        out.push_str(&event.canonical());
        out.push('\n');
    }
    out
}

/// A line of a JSON Lines ledger that is not in the exact export form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// Why a JSON Lines ledger was rejected: it did not parse, or it parsed and did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonlError {
    /// The text is not in the export form.
    Parse(ParseError),
    /// The events do not form an intact chain (the event's position is its line number).
    Verify(VerifyError),
}

impl fmt::Display for JsonlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonlError::Parse(e) => e.fmt(f),
            JsonlError::Verify(e) => write!(f, "line {}: {e}", e.seq),
        }
    }
}

impl std::error::Error for JsonlError {}

/// Parses a JSON Lines ledger strictly: every line ends with `\n`, there are no blank lines,
/// and each line is byte-for-byte the canonical serialisation of the event it parses to. An
/// empty input is an empty ledger. This does not verify the chain; see [`verify_jsonl`].
pub fn parse_jsonl(input: impl AsRef<[u8]>) -> Result<Vec<Event>, ParseError> {
    let input = input.as_ref();
    let mut events = Vec::new();
    if input.is_empty() {
        return Ok(events);
    }
    let mut rest = input;
    let mut line = 0;
    while !rest.is_empty() {
        line += 1;
        let fail = |reason: String| ParseError { line, reason };
        let Some(end) = rest.iter().position(|b| *b == b'\n') else {
            return Err(fail(
                "does not end with a newline (the file was truncated or edited)".to_owned(),
            ));
        };
        let bytes = &rest[..end];
        rest = &rest[end + 1..];
        if bytes.is_empty() {
            return Err(fail("is empty (blank lines are not allowed)".to_owned()));
        }
        if bytes.last() == Some(&b'\r') {
            return Err(fail(
                "ends with a carriage return: the ledger uses LF line endings, not CRLF".to_owned(),
            ));
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Err(fail("is not valid UTF-8".to_owned()));
        };
        let event: Event =
            serde_json::from_str(text).map_err(|e| fail(format!("is not a ledger event: {e}")))?;
        if event.canonical() != text {
            return Err(fail(
                "is not in canonical form (keys sorted, no whitespace, every field present, serde_json escaping): it was edited by hand or by another tool"
                    .to_owned(),
            ));
        }
        events.push(event);
    }
    Ok(events)
}

/// [`parse_jsonl`] then [`verify`]: the check for an exported ledger file.
pub fn verify_jsonl(input: impl AsRef<[u8]>) -> Result<(Vec<Event>, VerifySummary), JsonlError> {
    let events = parse_jsonl(input).map_err(JsonlError::Parse)?;
    let summary = verify(&events).map_err(JsonlError::Verify)?;
    Ok((events, summary))
}
