//! Findings accepted in the code: a comment on a fact's line, or on a comment line right above
//! it, that says the owner looked and accepts what a check would report there. launchgate's own
//! marker names its checks (`// launchgate:ignore SAF-002 -- only reachable inside the pod`);
//! gosec's and Bandit's `nosec` (`// #nosec G112`, `# nosec B113`) and Semgrep's `nosemgrep`
//! (`# nosemgrep: use-timeout`) name their rules, and the checks say which of those rules judge
//! what they judge. The layer only reads the markers; whether one applies is the check's
//! business.

use serde::Serialize;

/// A marker accepting findings at a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// Whose marker it is: `launchgate`, `nosec` (gosec, Bandit) or `nosemgrep`.
    pub marker: &'static str,
    /// The checks or rules it names; empty when it names none (all of that tool's).
    pub rules: Vec<String>,
    /// The comment from the marker on, at most [`MAX_TEXT`] characters.
    pub text: String,
}

/// The longest comment text kept.
const MAX_TEXT: usize = 120;

/// The markers, longest first where one starts another.
const MARKERS: [(&str, &str); 3] = [
    ("launchgate:ignore", "launchgate"),
    ("nosemgrep", "nosemgrep"),
    ("nosec", "nosec"),
];

/// The marker on the line of `text` holding byte `at`, or on the comment line right above it.
pub(crate) fn at(text: &str, at: usize) -> Option<Accepted> {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if let Some(a) = in_line(&text[start..end]) {
        return Some(a);
    }
    let above_end = start.checked_sub(1)?;
    let above_start = text[..above_end].rfind('\n').map_or(0, |i| i + 1);
    let above = &text[above_start..above_end];
    let trimmed = above.trim_start();
    (trimmed.starts_with("//") || trimmed.starts_with('#') || trimmed.starts_with("--"))
        .then(|| in_line(above))
        .flatten()
}

/// A marker in a comment of `line`: after `//`, `#` or `--` on it.
fn in_line(line: &str) -> Option<Accepted> {
    // Cheap tests first: a comment starts with `/`, `#` or `-`, and every marker holds `nos`
    // or `:ignore`.
    let bytes = line.as_bytes();
    if memchr::memchr3(b'/', b'#', b'-', bytes).is_none()
        || (memchr::memmem::find(bytes, b"nos").is_none()
            && memchr::memmem::find(bytes, b":ignore").is_none())
    {
        return None;
    }
    let comment = ["//", "#", "--"]
        .iter()
        .filter_map(|c| line.find(c))
        .min()?;
    let after = &line[comment..];
    let (i, marker, who) = MARKERS
        .iter()
        .filter_map(|(m, who)| after.find(m).map(|i| (i, *m, *who)))
        .min_by_key(|(i, _, _)| *i)?;
    let rest = &after[i + marker.len()..];
    // A word that only starts with the marker (`nosecure`) is not one.
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    // The rules run up to a justification (`--`, ` - `) or the end.
    let list = rest
        .split(" -- ")
        .next()
        .unwrap_or(rest)
        .split(" - ")
        .next()
        .unwrap_or(rest);
    let rules = list
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .take_while(|w| {
            w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map(str::to_string)
        .collect();
    let text: String = after[i..].trim().chars().take(MAX_TEXT).collect();
    Some(Accepted {
        marker: who,
        rules,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The marker for a fact on the last line of `text`.
    fn marker(text: &str) -> Option<(&'static str, Vec<String>)> {
        let last = text.rfind('\n').map_or(0, |i| i + 1);
        at(text, last).map(|a| (a.marker, a.rules))
    }

    #[test]
    fn markers_name_their_rules_up_to_the_justification() {
        assert_eq!(
            marker("hs: &http.Server{ // #nosec G112 - Not publicly exposed"),
            Some(("nosec", vec!["G112".to_string()]))
        );
        assert_eq!(
            marker("requests.get(u)  # nosec B113, B501"),
            Some(("nosec", vec!["B113".to_string(), "B501".to_string()]))
        );
        assert_eq!(
            marker("r = get(u)  # nosemgrep: python.requests.best-practice.use-timeout"),
            Some((
                "nosemgrep",
                vec!["python.requests.best-practice.use-timeout".to_string()]
            ))
        );
        assert_eq!(
            marker("// launchgate:ignore SAF-002 -- internal only\nsrv := &http.Server{}"),
            Some(("launchgate", vec!["SAF-002".to_string()]))
        );
        assert_eq!(marker("log.Println(x) // #nosec"), Some(("nosec", vec![])));
    }

    #[test]
    fn only_comments_on_the_line_or_right_above_count() {
        // In a string, a word that only starts with a marker, code with a marker above.
        assert_eq!(marker("log.info(\"nosec\")"), None);
        assert_eq!(marker("x = 1  # nosecure"), None);
        assert_eq!(marker("a := 1 // #nosec G112\nsrv := &http.Server{}"), None);
        assert_eq!(marker("// #nosec G112\n\nsrv := &http.Server{}"), None);
    }
}
