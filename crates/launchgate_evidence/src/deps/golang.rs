//! `go.mod`: the module path and `require` directives (single lines and blocks), with
//! `// indirect` marks. Other directives (`replace`, `exclude`, `tool`, ...) are skipped.

use super::{Dep, DepManifest};
use crate::{DepFormat, Loc, Source};

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> DepManifest {
    let mut m = DepManifest::new(src, DepFormat::GoMod);
    // The directive of the open `( ... )` block and where it opened.
    let mut block: Option<(String, Loc)> = None;
    for (line_no, offset, line) in src.lines() {
        let (code, comment) = split_comment(line);
        let tokens = tokenize(code);
        let Some(first) = tokens.first() else {
            continue;
        };
        if let Some((directive, _)) = &block {
            if first.text == ")" && tokens.len() == 1 {
                block = None;
            } else {
                let directive = directive.clone();
                entry(src, &mut m, &directive, &tokens, offset, comment, err);
            }
            continue;
        }
        match tokens.as_slice() {
            [d, open] if open.text == "(" => {
                block = Some((d.text.to_string(), src.line_loc(line_no)));
            }
            [d, rest @ ..] => {
                let directive = d.text.to_string();
                entry(src, &mut m, &directive, rest, offset, comment, err);
            }
            [] => {}
        }
    }
    if let Some((directive, loc)) = block {
        err(
            loc,
            format!("unterminated `{directive} (` block: no closing `)`"),
        );
    }
    m.finish()
}

/// One directive's arguments (from a single line or a block line).
fn entry(
    src: &Source,
    m: &mut DepManifest,
    directive: &str,
    args: &[Token<'_>],
    offset: usize,
    comment: Option<&str>,
    err: &mut dyn FnMut(Loc, String),
) {
    match directive {
        "module" => {
            if let Some(p) = args.first() {
                m.name = Some(p.value());
            }
        }
        "require" => {
            let loc_of = |t: &Token<'_>| src.loc(offset + t.start, offset + t.start + t.text.len());
            let [path, version] = args else {
                let loc = args.first().map_or_else(|| src.loc(offset, offset), loc_of);
                let found: Vec<&str> = args.iter().map(|t| t.text).collect();
                err(
                    loc,
                    format!(
                        "expected `module/path version` in require, found `{}`",
                        found.join(" ")
                    ),
                );
                return;
            };
            let mut d = Dep::new(path.value(), loc_of(path));
            d.version = Some(version.value());
            d.indirect =
                comment.is_some_and(|c| c.split(';').any(|part| part.trim() == "indirect"));
            m.dependencies.push(d);
        }
        _ => {}
    }
}

/// A token of a go.mod line and its byte offset in the line.
#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
}

impl Token<'_> {
    /// The token without its quotes (`"path"` or `` `path` ``).
    fn value(&self) -> String {
        let t = self.text;
        if t.len() >= 2
            && ((t.starts_with('"') && t.ends_with('"'))
                || (t.starts_with('`') && t.ends_with('`')))
        {
            t[1..t.len() - 1].to_string()
        } else {
            t.to_string()
        }
    }
}

/// Splits the code from a `//` comment (outside quotes); returns the comment's text.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut prev_slash = false;
    for (i, c) in line.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == '"' || c == '`' {
            quote = Some(c);
        } else if c == '/' && prev_slash {
            return (&line[..i - 1], Some(&line[i + 1..]));
        }
        prev_slash = quote.is_none() && c == '/';
    }
    (line, None)
}

/// Whitespace-separated tokens, with quoted strings kept whole and `(` / `)` on their own.
fn tokenize(code: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    for (i, c) in code.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(s) = start.take() {
                out.push(Token {
                    text: &code[s..i],
                    start: s,
                });
            }
            if c != ' ' && !c.is_whitespace() {
                out.push(Token {
                    text: &code[i..=i],
                    start: i,
                });
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        if c == '"' || c == '`' {
            quote = Some(c);
        }
    }
    if let Some(s) = start {
        out.push(Token {
            text: &code[s..],
            start: s,
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SAMPLE: &str = "module github.com/acme/orders

go 1.22.3

toolchain go1.22.5

require github.com/prometheus/client_golang v1.20.4

require (
	go.uber.org/zap v1.27.0
	github.com/sony/gobreaker v1.0.0 // circuit breaker
	\"github.com/cenkalti/backoff/v4\" v4.3.0
	golang.org/x/time v0.6.0 // indirect
)

replace github.com/acme/lib => ../lib
";

    #[test]
    fn requires_with_versions_indirect_and_lines() {
        let src = Source::new("orders/go.mod", SAMPLE);
        let mut errs = Vec::new();
        let m = parse(&src, &mut |l, m| errs.push((l, m)));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.name.as_deref(), Some("github.com/acme/orders"));
        let got: Vec<(&str, &str, bool, u32, u32)> = m
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.version.as_deref().unwrap(),
                    d.indirect,
                    d.loc.line,
                    d.loc.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "github.com/prometheus/client_golang",
                    "v1.20.4",
                    false,
                    7,
                    9
                ),
                ("go.uber.org/zap", "v1.27.0", false, 10, 2),
                ("github.com/sony/gobreaker", "v1.0.0", false, 11, 2),
                ("github.com/cenkalti/backoff/v4", "v4.3.0", false, 12, 2),
                ("golang.org/x/time", "v0.6.0", true, 13, 2),
            ]
        );
    }

    #[test]
    fn malformed_requires_and_open_blocks_are_located() {
        let src = Source::new(
            "go.mod",
            "module x\n\nrequire (\n  a.b/c\n  d.e/f v1 extra\n",
        );
        let mut errs = Vec::new();
        let m = parse(&src, &mut |l, m| errs.push((l.line, l.column, m)));
        assert!(m.dependencies.is_empty());
        assert_eq!(
            errs,
            vec![
                (
                    4,
                    3,
                    "expected `module/path version` in require, found `a.b/c`".to_string()
                ),
                (
                    5,
                    3,
                    "expected `module/path version` in require, found `d.e/f v1 extra`".to_string()
                ),
                (
                    3,
                    1,
                    "unterminated `require (` block: no closing `)`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_module_without_requires_has_no_dependencies() {
        let src = Source::new("go.mod", "module example.com/tool\n\ngo 1.23\n");
        let m = parse(&src, &mut |_, _| {});
        assert!(m.dependencies.is_empty());
    }
}
