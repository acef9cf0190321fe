//! Alertmanager label matchers: the `matchers:` syntax (`severity="page"`, `team=~"pay.*"`,
//! `env!=dev`, several per line separated by commas, optionally in braces), the deprecated
//! `match:` / `match_re:` maps, and how a matcher tests a label set.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;

use crate::Loc;

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchOp {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `=~` (a fully anchored regular expression)
    Re,
    /// `!~`
    NotRe,
}

impl MatchOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Re => "=~",
            MatchOp::NotRe => "!~",
        }
    }

    /// The operator of its written form (`=`, `!=`, `=~`, `!~`).
    pub fn from_symbol(s: &str) -> Option<MatchOp> {
        Some(match s {
            "=" => MatchOp::Equal,
            "!=" => MatchOp::NotEqual,
            "=~" => MatchOp::Re,
            "!~" => MatchOp::NotRe,
            _ => return None,
        })
    }

    fn is_regex(self) -> bool {
        matches!(self, MatchOp::Re | MatchOp::NotRe)
    }
}

/// One label matcher of a route.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// The label name.
    pub name: String,
    pub op: MatchOp,
    /// The value (the regular expression's text for `=~` and `!~`).
    pub value: String,
    /// Added by the prometheus-operator rather than written (the `namespace` matcher of an
    /// `AlertmanagerConfig` resource).
    pub implicit: bool,
    /// Where it is written (the `matchers:` list item, the `match:` value, ...).
    pub loc: Loc,
    /// The compiled, fully anchored expression, for `=~` and `!~`.
    regex: Option<Regex>,
}

impl Matcher {
    /// A matcher; the value of a regex matcher is compiled fully anchored, as Alertmanager does.
    pub fn new(name: &str, op: MatchOp, value: &str, loc: Loc) -> Result<Matcher, String> {
        let regex = if op.is_regex() {
            // The value alone first, so that the message quotes what the user wrote.
            let invalid = |e: regex::Error| {
                format!(
                    "invalid regular expression `{value}`: {}",
                    reason(&e.to_string())
                )
            };
            Regex::new(value).map_err(invalid)?;
            Some(Regex::new(&format!("^(?:{value})$")).map_err(invalid)?)
        } else {
            None
        };
        Ok(Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
            implicit: false,
            loc,
            regex,
        })
    }

    /// Whether the label set satisfies the matcher (a missing label has the empty value).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.name).map_or("", String::as_str);
        match self.op {
            MatchOp::Equal => v == self.value,
            MatchOp::NotEqual => v != self.value,
            MatchOp::Re => self.regex.as_ref().is_some_and(|r| r.is_match(v)),
            MatchOp::NotRe => !self.regex.as_ref().is_some_and(|r| r.is_match(v)),
        }
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:?}", self.name, self.op.symbol(), self.value)
    }
}

/// The `error: ...` line of a regex parse error (the rest repeats the pattern with a caret).
fn reason(s: &str) -> String {
    s.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map_or_else(|| s.lines().collect::<Vec<_>>().join(" "), str::to_string)
}

/// Parses one `matchers:` line: one or more matchers separated by commas, optionally in
/// braces (`{a="b", c=~"d"}`). Values may be double-quoted (with `\"`, `\\` and `\n` escapes)
/// or bare. Returns `(name, op, value)` triples.
pub fn parse_line(line: &str) -> Result<Vec<(String, MatchOp, String)>, String> {
    let mut text = line.trim();
    if let Some(inner) = text.strip_prefix('{') {
        text = inner
            .strip_suffix('}')
            .ok_or_else(|| format!("matcher `{line}` opens `{{` but does not close it"))?
            .trim();
    }
    if text.is_empty() {
        return Err("empty matcher".to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        skip_ws(&chars, &mut i);
        // A trailing comma is accepted, as Alertmanager's parser does.
        if i >= chars.len() && !out.is_empty() {
            break;
        }
        let name = if chars.get(i) == Some(&'"') {
            quoted(&chars, &mut i, line)?
        } else {
            let start = i;
            while i < chars.len()
                && !matches!(chars[i], '=' | '!' | '~' | ',' | '"')
                && !chars[i].is_whitespace()
            {
                i += 1;
            }
            chars[start..i].iter().collect()
        };
        if name.is_empty() {
            return Err(format!("matcher `{line}` has no label name"));
        }
        skip_ws(&chars, &mut i);
        let op = match (chars.get(i), chars.get(i + 1)) {
            (Some('='), Some('~')) => MatchOp::Re,
            (Some('!'), Some('~')) => MatchOp::NotRe,
            (Some('!'), Some('=')) => MatchOp::NotEqual,
            (Some('='), _) => MatchOp::Equal,
            _ => {
                return Err(format!(
                    "matcher `{line}`: expected `=`, `!=`, `=~` or `!~` after label `{name}`"
                ));
            }
        };
        i += op.symbol().len();
        skip_ws(&chars, &mut i);
        let value = if chars.get(i) == Some(&'"') {
            quoted(&chars, &mut i, line)?
        } else {
            let start = i;
            while i < chars.len() && chars[i] != ',' {
                i += 1;
            }
            let v: String = chars[start..i].iter().collect();
            let v = v.trim().to_string();
            if v.contains('"') {
                return Err(format!(
                    "matcher `{line}`: unbalanced quote in the value of `{name}`"
                ));
            }
            v
        };
        out.push((name, op, value));
        skip_ws(&chars, &mut i);
        match chars.get(i) {
            None => break,
            Some(',') => i += 1,
            Some(c) => {
                return Err(format!(
                    "matcher `{line}`: unexpected `{c}` after `{}`",
                    out.last()
                        .map_or(String::new(), |(n, o, v)| format!("{n}{}{v:?}", o.symbol()))
                ));
            }
        }
    }
    Ok(out)
}

fn skip_ws(chars: &[char], i: &mut usize) {
    while *i < chars.len() && chars[*i].is_whitespace() {
        *i += 1;
    }
}

/// A double-quoted string starting at `chars[*i]`.
fn quoted(chars: &[char], i: &mut usize, line: &str) -> Result<String, String> {
    let mut out = String::new();
    *i += 1;
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        match c {
            '"' => return Ok(out),
            '\\' => {
                let Some(&e) = chars.get(*i) else { break };
                *i += 1;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '"' | '\\' => out.push(e),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    Err(format!("matcher `{line}`: unterminated quoted string"))
}
