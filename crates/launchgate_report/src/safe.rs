//! The way out: every renderer starts from [`redacted`] or [`for_people`], never from the
//! review it was given, so no format can print a secret or a raw control character, whatever
//! code path put the text into the review (a check message echoing a manifest URL, a parse
//! error quoting a line, a file name).
//!
//! Both walk every string of the review (through its JSON form, the same model every format
//! reads): [`redacted`] applies the redaction layer
//! ([`launchgate_evidence::secrets::redact_text`]); [`for_people`] also escapes control
//! characters ([`launchgate_core::text::escape_controls`]) and clips each string to 4096
//! characters for the formats people read (terminal, Markdown, HTML, JUnit, GitHub, GitLab).
//! JSON and SARIF keep control characters, which serde escapes, so that paths stay exact.

use std::borrow::Cow;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::Review;

/// The review with every secret in any of its strings redacted.
pub(crate) fn redacted(review: &Review) -> Cow<'_, Review> {
    rewrite(review, &|s| launchgate_evidence::secrets::redact_text(s))
}

/// Each distinct string's rewrite, made once: a review repeats many strings (paths, check IDs,
/// statuses). `None` for a string the rewrite leaves as it is.
#[derive(Default)]
struct Memo(FxHashMap<String, Option<String>>);

impl Memo {
    fn apply<'s>(&mut self, s: &'s str, f: &dyn Fn(&str) -> Cow<'_, str>) -> Cow<'s, str> {
        let known = match self.0.get(s) {
            Some(known) => known.clone(),
            None => {
                let out = match f(s) {
                    Cow::Borrowed(_) => None,
                    Cow::Owned(o) => Some(o),
                };
                self.0.insert(s.to_string(), out.clone());
                out
            }
        };
        known.map_or(Cow::Borrowed(s), Cow::Owned)
    }
}

/// The review as pretty JSON with every secret in any of its string values redacted: the same
/// text as serialising [`redacted`]'s review, written in one pass. Each string value is
/// collected as serde writes it, redacted (each distinct string once) and written escaped;
/// object keys, the schema's own names, pass through as [`walk`] leaves them.
pub(crate) fn redacted_json(review: &Review) -> String {
    let mut out = Vec::with_capacity(1 << 16);
    let formatter = Redacting {
        pretty: serde_json::ser::PrettyFormatter::new(),
        in_key: false,
        string: None,
        seen: Memo::default(),
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if serde::Serialize::serialize(review, &mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A pretty formatter that redacts string values (see [`redacted_json`]).
struct Redacting {
    pretty: serde_json::ser::PrettyFormatter<'static>,
    in_key: bool,
    /// The string value being written, unescaped, between `begin_string` and `end_string`.
    string: Option<String>,
    /// Each distinct string's redaction.
    seen: Memo,
}

impl serde_json::ser::Formatter for Redacting {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.in_key = true;
        self.pretty.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.in_key = false;
        self.pretty.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object_value(w)
    }
    fn begin_string<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.in_key {
            return self.pretty.begin_string(w);
        }
        self.string = Some(String::new());
        Ok(())
    }
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        match &mut self.string {
            Some(s) => {
                s.push_str(fragment);
                Ok(())
            }
            None => self.pretty.write_string_fragment(w, fragment),
        }
    }
    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        use serde_json::ser::CharEscape;
        let Some(s) = &mut self.string else {
            return self.pretty.write_char_escape(w, escape);
        };
        s.push(match escape {
            CharEscape::Quote => '"',
            CharEscape::ReverseSolidus => '\\',
            CharEscape::Solidus => '/',
            CharEscape::Backspace => '\u{8}',
            CharEscape::FormFeed => '\u{c}',
            CharEscape::LineFeed => '\n',
            CharEscape::CarriageReturn => '\r',
            CharEscape::Tab => '\t',
            CharEscape::AsciiControl(b) => char::from(b),
        });
        Ok(())
    }
    fn end_string<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        let Some(raw) = self.string.take() else {
            return self.pretty.end_string(w);
        };
        let redacted = self
            .seen
            .apply(&raw, &|s| launchgate_evidence::secrets::redact_text(s));
        serde_json::to_writer(&mut *w, &*redacted).map_err(std::io::Error::other)
    }
}

/// The longest string a human format shows, in characters: a parse error quoting a 10 MB line
/// shows its start.
const PEOPLE_WIDTH: usize = 4096;

/// The review redacted, with control characters escaped and every string clipped to
/// [`PEOPLE_WIDTH`] characters, for formats people read.
pub(crate) fn for_people(review: &Review) -> Cow<'_, Review> {
    rewrite(review, &|s| {
        let redacted = launchgate_evidence::secrets::redact_text(s);
        let escaped = launchgate_core::text::escape_controls(&redacted);
        let clipped = launchgate_core::text::clip(&escaped, PEOPLE_WIDTH);
        if *clipped == *s {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(clipped.into_owned())
        }
    })
}

/// JSON text with the characters serde writes raw but a terminal may obey escaped as `\uXXXX`:
/// DEL, the C1 controls (U+0080 to U+009F; U+009B is a one-byte CSI) and the line and
/// paragraph separators. They can only occur inside strings, where the escape means the same.
pub(crate) fn json_escape_c1(json: String) -> String {
    // In UTF-8 each of them starts with byte 0x7F, 0xC2 or 0xE2: a text without those (nearly
    // every review) is returned after one vectorised search instead of a decode of every char.
    if memchr::memchr3(0x7f, 0xc2, 0xe2, json.as_bytes()).is_none() {
        return json;
    }
    let unsafe_in_json = |c: char| matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}');
    if !json.chars().any(unsafe_in_json) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_in_json(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn rewrite<'r>(review: &'r Review, f: &dyn Fn(&str) -> Cow<'_, str>) -> Cow<'r, Review> {
    let Ok(mut value) = serde_json::to_value(review) else {
        return Cow::Owned(placeholder(review));
    };
    let seen = std::cell::RefCell::new(Memo::default());
    let memo: &dyn Fn(&str) -> Cow<'_, str> = &|s| seen.borrow_mut().apply(s, f);
    if !walk(&mut value, memo) {
        return Cow::Borrowed(review);
    }
    match serde_json::from_value(value) {
        Ok(r) => Cow::Owned(r),
        Err(_) => Cow::Owned(placeholder(review)),
    }
}

/// Rewrites every string value (not object keys, which are the schema's own names) and says
/// whether anything changed.
fn walk(v: &mut Value, f: &dyn Fn(&str) -> Cow<'_, str>) -> bool {
    match v {
        Value::String(s) => match f(s) {
            Cow::Borrowed(_) => false,
            Cow::Owned(o) => {
                *s = o;
                true
            }
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| walk(item, f) | changed),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |changed, item| walk(item, f) | changed),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// What is printed if the review could not be rewritten (it always round-trips through its
/// JSON; this is the fail-closed branch): the decision and counts, no repository text.
fn placeholder(review: &Review) -> Review {
    let mut r = review.clone();
    r.service = "(not shown: the review could not be redacted)".to_string();
    r.owner = None;
    r.checks.clear();
    r.blockers.clear();
    r.warnings.clear();
    r.action_items.clear();
    r.notices.clear();
    r.trace.clear();
    r.scan = None;
    r.waivers.clear();
    r.overrides.clear();
    r.signoffs.clear();
    r.history.clear();
    r
}

#[cfg(test)]
mod tests {
    use super::json_escape_c1;
    use launchgate_core::{Finding, Location, Status};

    /// The one-pass JSON is the pretty JSON of the review redacted through its JSON value, byte
    /// for byte, for strings that need escaping, repeat, and hold a secret in a value, a path
    /// and an optional field.
    #[test]
    fn redacted_json_is_the_redacted_review_serialised() {
        use crate::html::sample::{check, review};
        use launchgate_policy::Verdict;
        // Built at run time: no secret-looking literal in the source.
        let secret = format!("{}_{}", "ghp", "Zq8Kx3Lm0Np7Rt2Vw5Yb9Cd4Fg6Hj1Sk0Qe7u");
        let mut bad = check("SEC-001", Status::Fail, &format!("token {secret} found"));
        bad.findings = vec![
            Finding::new(format!("quote \" back \\ tab \t nl \n bell \u{7} {secret}")).at(Some(
                Location::new(format!("deploy/{secret}/a\u{1b}.yaml"), 3, 1),
            )),
            Finding::new("repeated \u{e9}\u{2028} text"),
            Finding::new("repeated \u{e9}\u{2028} text"),
        ];
        let r = review(
            "payments",
            1,
            Some(&format!("team {secret}")),
            Verdict::NoGo,
            0.5,
            "2026-12-07",
            vec![bad, check("OBS-001", Status::Pass, "ok")],
        );
        let expected = serde_json::to_string_pretty(&*super::redacted(&r)).unwrap_or_default();
        let got = super::redacted_json(&r);
        assert!(!got.contains(&secret[4..]), "{got}");
        assert!(
            expected.contains("tab \\t nl \\n bell \\u0007"),
            "{expected}"
        );
        assert_eq!(got, expected);
    }

    #[test]
    fn only_del_c1_controls_and_separators_are_escaped() {
        // Bytes 0xC2 and 0xE2 also start characters that stay as they are: NBSP, the euro sign.
        let kept = "{\"a\": \"caf\u{e9} \u{a0}10 \u{20ac} \u{2027}\"}".to_string();
        assert_eq!(json_escape_c1(kept.clone()), kept);
        assert_eq!(
            json_escape_c1("\"\u{7f}\u{85}\u{9b}[2J\u{2028}\u{2029}\u{a0}\"".to_string()),
            "\"\\u007f\\u0085\\u009b[2J\\u2028\\u2029\u{a0}\""
        );
        assert_eq!(json_escape_c1(String::new()), "");
    }
}
