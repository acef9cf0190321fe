//! Safe text: untrusted strings (file names, alert names, messages quoting the repository) made
//! harmless for people's screens, and long strings cut to a width that cannot flood them.
//!
//! [`escape_controls`] is what every human format applies to repository text: a control
//! character can neither start a terminal escape sequence (OSC 52 clipboard writes, title
//! changes, screen clears) nor break a line, so a file name with a newline cannot inject lines
//! into Markdown, JUnit or GitHub workflow commands.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a screen raw: C0 controls (newline and tab included), DEL, C1
/// controls, line and paragraph separators, zero-width characters and bidirectional overrides
/// (which reorder what a reviewer sees, "Trojan Source").
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `s` with every [unsafe character](is_unsafe_char) written as a visible escape: `\n`, `\r`,
/// `\t`, `\x1b` for other ASCII controls and DEL, `\u{9b}` for the rest. Borrowed when there is
/// nothing to escape. The backslash itself is left alone: the result is for reading, not for
/// parsing back.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped if it is [unsafe](is_unsafe_char).
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_ascii_control() => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c if is_unsafe_char(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// `s` cut to at most `max` characters: the start is kept, and what is left out is said
/// (`… (1234 more characters)`). The cut never shows part of a word: a partial run of
/// non-whitespace at the cut is dropped too, so a token (perhaps a secret, which the redaction
/// layer recognises only whole) is shown whole or not at all.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    let total = s.chars().count();
    if total <= max {
        return Cow::Borrowed(s);
    }
    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
    let mut head = s.get(..end).unwrap_or_default();
    let cut_inside_word = s
        .get(end..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| !c.is_whitespace());
    if cut_inside_word {
        head = head.trim_end_matches(|c: char| !c.is_whitespace());
    }
    let head = head.trim_end();
    let left = total - head.chars().count();
    Cow::Owned(format!("{head}\u{2026} ({left} more characters)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(escape_controls("plain"), Cow::Borrowed("plain"));
        assert_eq!(
            escape_controls("a\nb\r\tc\u{1b}]52;c;x\u{7}\u{9b}2J\u{202e}"),
            "a\\nb\\r\\tc\\x1b]52;c;x\\x07\\u{9b}2J\\u{202e}"
        );
        assert_eq!(escape_controls("\u{7f}é"), "\\x7fé");
    }

    #[test]
    fn clip_keeps_short_text_and_never_shows_part_of_a_word() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("abc defghijkl", 6), "abc\u{2026} (10 more characters)");
        assert_eq!(clip("abc defghijkl", 4), "abc\u{2026} (10 more characters)");
        assert_eq!(clip("abcdefghijkl", 4), "\u{2026} (12 more characters)");
    }
}
