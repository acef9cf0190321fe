//! Parsing only the statements of a declaration that can hold a fact.
//!
//! A declaration the cut chooses is usually a function with one call among its statements (a
//! step logged, a setting read, an error checked), and tree-sitter parses every byte of it.
//! A function, method or class is cut again, at the indentation of its body: its header (the
//! decorators or annotations and the signature, through the line that opens the body) and its
//! closing line are always kept, and of its body only the statements that hold a prefilter
//! hit, use a name the file's hit lines bind, or call a method named like a log level with
//! something sensitive in the call (a log call through a logger the prefilter cannot know, such
//! as a parameter, is read as the whole declaration would have it read); then, repeatedly, the
//! statements that mention a name those bind (`resp, err := client.Get(u)` then
//! `if err != nil {`) and the statements that bind a name a kept statement mentions
//! (`opts = {"timeout": 5}` before `requests.get(u, **opts)`). A kept statement that is itself
//! a declaration (a method of a class, a function defined in a function) is cut the same way;
//! any other compound statement (a loop, a `try`, an `if`) is kept whole, so a retry loop keeps
//! its sleep and a `try` its fallback.
//!
//! The cut is textual and conservative: a declaration whose header holds a hit (a route's
//! decorator, a client in a parameter's default), whose body leaves its indentation (a line of
//! a multi-line string at column 0, a label), or that has more than one block (`} else {`,
//! `except:`) is kept whole; the caller parses the whole file when the tree of the ranges has a
//! syntax error.

use super::{Chunk, Open, bound_names, mentions, open_after};
use crate::Language;

/// Declarations this many lines long or shorter are kept whole: cutting them saves little.
const SHORT: usize = 4;

/// How deep declarations are cut inside declarations (a method of a class in a module is 2).
const DEPTH: usize = 3;

/// Words that start a compound statement, not a declaration: such a statement is kept whole.
const CONTROL: [&str; 19] = [
    "if",
    "for",
    "while",
    "switch",
    "try",
    "catch",
    "else",
    "do",
    "with",
    "select",
    "go",
    "defer",
    "return",
    "await",
    "yield",
    "synchronized",
    "finally",
    "elif",
    "except",
];

/// One line of a declaration: its bytes, its 0-based row and its indentation in bytes.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    row: usize,
    indent: usize,
    blank: bool,
}

/// A statement of a body: lines `first..last` (inclusive) of the declaration.
#[derive(Debug, Clone, Copy)]
struct Unit {
    first: usize,
    last: usize,
}

/// The pieces of the chosen declaration `c` to parse, pushed onto `out`: `c` whole, or its
/// header, the statements of its body worth parsing and its closing line (see the module
/// documentation). `hits` are the prefilter's hits and `used` the uses of the names the file's
/// hit lines bind, sorted byte offsets.
pub(super) fn trim(
    language: Language,
    text: &str,
    c: Chunk,
    hits: &[usize],
    used: &[usize],
    out: &mut Vec<Chunk>,
) {
    trim_at(language, text, c, hits, used, 1, out);
}

fn trim_at(
    language: Language,
    text: &str,
    c: Chunk,
    hits: &[usize],
    used: &[usize],
    depth: usize,
    out: &mut Vec<Chunk>,
) {
    let lines = lines_of(text, c);
    let Some((header_end, body, closing)) = shape(language, text, &lines) else {
        out.push(c);
        return;
    };
    let span = |first: usize, last: usize| (lines[first].start, lines[last].end);
    let within = |at: &[usize], (s, e): (usize, usize)| {
        let i = at.partition_point(|&h| h < s);
        at.get(i).is_some_and(|&h| h < e)
    };
    let holds_hit = |span: (usize, usize)| within(hits, span) || within(used, span);
    // A hit or a followed name in the header or the closing line: the declaration is about
    // its signature (a route's decorator, a client as a parameter's default); keep it whole.
    let header = span(0, header_end);
    let tail = closing.map(|i| span(i, lines.len() - 1));
    let outside = [Some(header), tail].into_iter().flatten().any(holds_hit);
    if outside {
        out.push(c);
        return;
    }
    let units = units(language, text, &lines, body);
    if units.is_empty() {
        out.push(c);
        return;
    }
    let texts: Vec<&str> = units
        .iter()
        .map(|u| {
            let (s, e) = span(u.first, u.last);
            &text[s..e]
        })
        .collect();
    let mut chosen: Vec<bool> = texts
        .iter()
        .zip(&units)
        .map(|(t, u)| {
            holds_hit(span(u.first, u.last)) || (calls_a_level(t) && crate::hits::worth_reading(t))
        })
        .collect();
    if !chosen.contains(&true) {
        out.push(c);
        return;
    }
    // What each statement binds. A function or type declared in the body binds its own
    // locals, which are no concern of the other statements (two methods' `resp`), and the
    // members it assigns, which are (`self.timeout = 5` in `__init__`).
    let binds: Vec<Vec<&str>> = texts
        .iter()
        .map(|t| {
            let mut b = Vec::new();
            let mut string: Open = None;
            for line in t.lines() {
                let inside = string.is_some();
                string = open_after(language, line, string);
                if !inside {
                    bound_names(line, &mut b);
                }
            }
            if declares(language, t) {
                b.retain(|n| n.contains('.'));
            }
            b
        })
        .collect();
    // Forward: what the kept statements bind, wherever it is mentioned; each statement kept
    // is compared once with each one not kept.
    let mut queue: Vec<usize> = (0..units.len()).filter(|&i| chosen[i]).collect();
    while let Some(i) = queue.pop() {
        if binds[i].is_empty() {
            continue;
        }
        for j in 0..units.len() {
            if !chosen[j] && binds[i].iter().any(|n| mentions(texts[j], n)) {
                chosen[j] = true;
                queue.push(j);
            }
        }
    }
    // Backward: the statements that bind a name a kept statement mentions, or assign a member
    // of one (`payload.password = pw` before `log(payload)`; not `self.` or `this.`, which
    // every method mentions).
    let needs = |text: &str, bound: &str| {
        mentions(text, bound)
            || bound.split_once('.').is_some_and(|(root, _)| {
                !matches!(root, "self" | "this" | "cls") && mentions(text, root)
            })
    };
    let mut queue: Vec<usize> = (0..units.len()).filter(|&i| chosen[i]).collect();
    while let Some(i) = queue.pop() {
        for j in 0..units.len() {
            if !chosen[j] && binds[j].iter().any(|n| needs(texts[i], n)) {
                chosen[j] = true;
                queue.push(j);
            }
        }
    }
    push(out, c.start, lines[header_end].end, lines[0].row);
    for (u, keep) in units.iter().zip(&chosen) {
        if !*keep {
            continue;
        }
        let (s, e) = span(u.first, u.last);
        let unit = Chunk {
            start: s,
            end: e,
            row: lines[u.first].row,
        };
        if depth < DEPTH && u.last - u.first >= SHORT {
            let mut inner = Vec::new();
            trim_at(language, text, unit, hits, used, depth + 1, &mut inner);
            for p in inner {
                push(out, p.start, p.end, p.row);
            }
        } else {
            push(out, s, e, unit.row);
        }
    }
    if let Some(i) = closing {
        push(out, lines[i].start, c.end, lines[i].row);
    }
}

/// Log levels and writes, lowercased, as the readers of log calls name them in any language
/// (Go's without their `f`, `w`, `ln` or `Context` suffix).
const LEVELS: [&str; 19] = [
    "trace",
    "debug",
    "info",
    "warn",
    "warning",
    "error",
    "fatal",
    "panic",
    "dpanic",
    "print",
    "log",
    "output",
    "exception",
    "critical",
    "msg",
    "severe",
    "fine",
    "finer",
    "finest",
];

/// Whether a statement calls a method named like a log level (`.info(`, `.Infof(`,
/// `.warning(`): a log call, whatever its receiver.
fn calls_a_level(statement: &str) -> bool {
    let bytes = statement.as_bytes();
    let mut from = 0;
    while let Some(dot) = bytes.get(from..).and_then(|b| memchr::memchr(b'.', b)) {
        let start = from + dot + 1;
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        from = start;
        if bytes.get(start + len) != Some(&b'(') || len == 0 || len > 16 {
            continue;
        }
        let mut name = [0u8; 16];
        for (d, s) in name.iter_mut().zip(&bytes[start..start + len]) {
            *d = s.to_ascii_lowercase();
        }
        let name = std::str::from_utf8(&name[..len]).unwrap_or("");
        let name = name.strip_suffix("context").unwrap_or(name);
        let bare = ["ln", "f", "w"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|n| LEVELS.contains(n)));
        if LEVELS.contains(&name) || bare.is_some() {
            return true;
        }
    }
    false
}

/// Appends a piece, joined to the last one when they touch.
fn push(out: &mut Vec<Chunk>, start: usize, end: usize, row: usize) {
    match out.last_mut() {
        Some(last) if last.end == start => last.end = end,
        _ => out.push(Chunk { start, end, row }),
    }
}

fn lines_of(text: &str, c: Chunk) -> Vec<Line> {
    let mut out = Vec::new();
    let mut pos = c.start;
    let mut row = c.row;
    while pos < c.end {
        let end = text[pos..c.end].find('\n').map_or(c.end, |i| pos + i + 1);
        let line = &text[pos..end];
        let code = line.trim_start_matches([' ', '\t']);
        out.push(Line {
            start: pos,
            end,
            row,
            indent: line.len() - code.len(),
            blank: code.trim().is_empty(),
        });
        pos = end;
        row += 1;
    }
    out
}

/// Where a declaration's header ends, the range of its body's lines and its closing line (none
/// in Python); `None` when it is not a declaration with one indented body to cut.
fn shape(
    language: Language,
    text: &str,
    lines: &[Line],
) -> Option<(usize, std::ops::Range<usize>, Option<usize>)> {
    if lines.len() <= SHORT {
        return None;
    }
    let line = |i: usize| text[lines[i].start..lines[i].end].trim();
    let python = language == Language::Python;
    // The first line that is no decorator or annotation says what is declared.
    let first = (0..lines.len())
        .find(|&i| !lines[i].blank && !line(i).starts_with('@') && !comment(language, line(i)))?;
    let opening = line(first);
    let word = opening
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    if python {
        let declares = ["def ", "async def ", "class "]
            .iter()
            .any(|k| opening.starts_with(k));
        if !declares {
            return None;
        }
    } else {
        let class = [
            "class ",
            "interface ",
            "enum ",
            "record ",
            "abstract class ",
        ]
        .iter()
        .any(|k| opening.contains(k));
        // A top-level declaration or a method; an object literal (`= {`) or a call's block is
        // no declaration.
        if CONTROL.contains(&word) || !(class || opening.contains('(')) {
            return None;
        }
    }
    // The header runs through the line that opens the body, outside any bracket.
    let mut open = 0i32;
    let mut header_end = None;
    for i in 0..lines.len() {
        let l = without_comment(language, line(i));
        open += brackets(l);
        if i >= first && open <= 0 {
            let opens = if python {
                l.ends_with(':')
            } else {
                l.ends_with('{') && opens_body(l)
            };
            if opens {
                header_end = Some(i);
                break;
            }
        }
    }
    let header_end = header_end?;
    let indent = lines[first].indent;
    // The closing line: the last that is no comment (a Java member's chunk ends with the next
    // member's Javadoc).
    let last = (0..lines.len())
        .rev()
        .find(|&i| !lines[i].blank && !comment(language, line(i)))?;
    let closing = if python {
        None
    } else {
        (line(last).starts_with('}') && lines[last].indent == indent).then_some(last)
    };
    let body_end = match closing {
        Some(i) => i,
        None if python => lines.len(),
        None => return None,
    };
    let body = header_end + 1..body_end;
    let body_indent = body
        .clone()
        .find(|&i| !lines[i].blank)
        .map(|i| lines[i].indent)?;
    // Every line of the body at its indentation or deeper, but for lines inside a string or a
    // comment over several lines (a query at column 0).
    let mut string: Open = None;
    let outdented = body.clone().any(|i| {
        let inside = string.is_some();
        string = open_after(language, line(i), string);
        !inside && !lines[i].blank && lines[i].indent < body_indent
    });
    if body_indent <= indent || outdented || string.is_some() {
        return None;
    }
    Some((header_end, body, closing))
}

/// Whether a statement declares a function, a method or a type, going by its first line that
/// is no decorator, annotation or comment: Python's `def` or `class`; elsewhere a line that opens
/// a body after a signature (`async get(id: string): Promise<T> {`, `public T get() {`) and
/// assigns nothing (`handler := func(...) {` binds `handler`).
fn declares(language: Language, statement: &str) -> bool {
    let Some(first) = statement
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('@') && !comment(language, l))
    else {
        return false;
    };
    if language == Language::Python {
        return ["def ", "async def ", "class "]
            .iter()
            .any(|k| first.starts_with(k));
    }
    let line = without_comment(language, first);
    let word = line
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let paren = line.find('(');
    !CONTROL.contains(&word)
        && paren.is_some_and(|p| !line[..p].contains('='))
        && line.ends_with('{')
        && opens_body(line)
}

/// Whether a trimmed line is only a comment, or the rest of a block comment.
fn comment(language: Language, line: &str) -> bool {
    if language == Language::Python {
        line.starts_with('#')
    } else {
        ["//", "/*", "*"].iter().any(|p| line.starts_with(p))
    }
}

/// A trimmed line without a comment at its end (`def f(x):  # noqa`, `func f() { // why`),
/// as far as a line tells: a comment marker inside a string cuts it too, which only keeps a
/// declaration whole.
fn without_comment(language: Language, line: &str) -> &str {
    let marker = if language == Language::Python {
        "#"
    } else {
        "//"
    };
    line.find(marker).map_or(line, |i| line[..i].trim_end())
}

/// Whether a line ending in `{` opens a function's or a type's body: the `{` follows the
/// signature's `)`, an arrow, a return type or a type's name, not `=`, `(`, `,` or `:` (an
/// object literal).
fn opens_body(line: &str) -> bool {
    let before = line[..line.len() - 1].trim_end();
    before.bytes().last().is_some_and(|b| {
        b == b')' || b == b'>' || b == b']' || b.is_ascii_alphanumeric() || b == b'_'
    })
}

/// The parentheses and square brackets a line opens less those it closes (braces are blocks,
/// told by indentation), counted outside string literals as far as one line tells.
fn brackets(line: &str) -> i32 {
    crate::text::code_bytes(line.as_bytes(), 0)
        .map(|(_, b)| match b {
            b'(' | b'[' => 1,
            b')' | b']' => -1,
            _ => 0,
        })
        .sum()
}

/// The statements of a body: a line at the body's indentation starts one unless it continues
/// the one before (a closing bracket, a chained call, an operator, Python's `else`, a line after
/// a decorator or an annotation, any line while a bracket is open, or a line inside a string
/// or a comment over several lines, a docstring's `Args:` among them).
fn units(
    language: Language,
    text: &str,
    lines: &[Line],
    body: std::ops::Range<usize>,
) -> Vec<Unit> {
    let body_indent = body
        .clone()
        .find(|&i| !lines[i].blank)
        .map_or(0, |i| lines[i].indent);
    let mut out: Vec<Unit> = Vec::new();
    let mut open = 0i32;
    let mut after_decorator = false;
    let mut string: Open = None;
    for i in body {
        let l = &lines[i];
        let code = text[l.start..l.end].trim();
        // A line inside a multi-line string or block comment continues what it is in.
        let inside = string.is_some();
        string = open_after(language, code, string);
        let starts = !inside
            && !l.blank
            && l.indent == body_indent
            && open <= 0
            && !after_decorator
            && code
                .bytes()
                .next()
                .is_some_and(|b| !b"})].*\"'`,;+-|&?:=".contains(&b))
            && !(language == Language::Python
                && ["else", "elif", "except", "finally"]
                    .iter()
                    .any(|k| code.starts_with(k)));
        match out.last_mut() {
            Some(last) if !starts => last.last = i,
            _ => out.push(Unit { first: i, last: i }),
        }
        if !l.blank && !inside {
            open = (open + brackets(code)).max(0);
            if l.indent == body_indent {
                after_decorator = code.starts_with('@') && !code.ends_with(';');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces `trim` keeps of `text` as one declaration, the hits at each `needle`.
    fn kept<'t>(
        language: Language,
        text: &'t str,
        needles: &[&str],
        names: &[&str],
    ) -> Vec<&'t str> {
        let hits: Vec<usize> = needles.iter().filter_map(|n| text.find(n)).collect();
        assert_eq!(hits.len(), needles.len(), "a needle is missing");
        let whole = Chunk {
            start: 0,
            end: text.len(),
            row: 0,
        };
        // Where the names are used, as the cut finds them.
        let mut used: Vec<usize> = names
            .iter()
            .flat_map(|n| {
                text.match_indices(n)
                    .map(|(at, _)| at)
                    .filter(|&at| super::super::used_at(text.as_bytes(), at, n.len()))
            })
            .collect();
        used.sort_unstable();
        let mut out = Vec::new();
        trim(language, text, whole, &hits, &used, &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn a_function_keeps_its_signature_the_statements_with_a_fact_and_its_closing_line() {
        let go = "func get(ctx context.Context, id string) error {\n\tv := os.Getenv(\"BASE\")\n\tslog.Info(\"step\", \"n\", 1)\n\tresp, err := client.Get(v + id)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer resp.Body.Close()\n\treturn do(id)\n}\n\n";
        assert_eq!(
            kept(Language::Go, go, &["client.Get"], &[]),
            [
                // The header, then `v` (the call mentions it), the call and what uses what it binds.
                "func get(ctx context.Context, id string) error {\n\tv := os.Getenv(\"BASE\")\n",
                "\tresp, err := client.Get(v + id)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer resp.Body.Close()\n",
                "}\n\n",
            ]
        );
        // A member assigned before the object is logged.
        let js = "function login(req) {\n  const payload = {};\n  audit();\n  payload.password = req.body.password;\n  count();\n  console.log(payload);\n}\n";
        assert_eq!(
            kept(Language::JavaScript, js, &["console.log"], &[]),
            [
                "function login(req) {\n  const payload = {};\n",
                "  payload.password = req.body.password;\n",
                "  console.log(payload);\n}\n",
            ]
        );
        let py = "def get(id):\n    \"\"\"Fetch.\"\"\"\n    log.info(\"step\")\n    opts = {\"timeout\": 5}\n    r = requests.get(URL + id, **opts)\n    r.raise_for_status()\n    return r.json()\n";
        assert_eq!(
            kept(Language::Python, py, &["requests.get"], &[]),
            [
                "def get(id):\n",
                "    opts = {\"timeout\": 5}\n    r = requests.get(URL + id, **opts)\n    r.raise_for_status()\n    return r.json()\n",
            ]
        );
        // A statement using a name the file's hit lines bound, and a log call through a logger
        // the prefilter cannot know (a parameter) that names something sensitive.
        let ts = "export async function save(l: Logger, token: string): Promise<void> {\n  const n = count();\n  l.info('saving', token);\n  await api.post('/x', { n });\n  done();\n  return;\n}\n";
        assert_eq!(
            kept(Language::TypeScript, ts, &[], &["api"]),
            [
                "export async function save(l: Logger, token: string): Promise<void> {\n  const n = count();\n  l.info('saving', token);\n  await api.post('/x', { n });\n",
                "}\n",
            ]
        );
    }

    #[test]
    fn a_class_keeps_the_methods_with_a_fact_cut_the_same_way() {
        let py = "class Client:\n    def __init__(self):\n        self.s = requests.Session()\n\n    def other(self):\n        a = 1\n        b = 2\n        c = 3\n        return a + b + c\n\n    def get(self, u):\n        a = 1\n        b = 2\n        r = self.s.get(u, timeout=5)\n        return r\n";
        assert_eq!(
            kept(
                Language::Python,
                py,
                &["requests.Session", "get(u"],
                &["self.s"]
            ),
            [
                "class Client:\n    def __init__(self):\n        self.s = requests.Session()\n\n",
                "    def get(self, u):\n",
                "        r = self.s.get(u, timeout=5)\n        return r\n",
            ]
        );
    }

    #[test]
    fn a_member_a_method_assigns_keeps_the_method_that_assigns_it() {
        let py = "class Client:\n    def __init__(self):\n        self.timeout = 5\n        self.n = 0\n\n    def get(self, u):\n        a = 1\n        b = 2\n        c = 3\n        return requests.get(u, timeout=self.timeout)\n";
        assert_eq!(
            kept(Language::Python, py, &["requests.get"], &[]),
            [
                "class Client:\n    def __init__(self):\n        self.timeout = 5\n        self.n = 0\n\n    def get(self, u):\n",
                "        return requests.get(u, timeout=self.timeout)\n",
            ]
        );
    }

    #[test]
    fn a_line_inside_a_string_over_several_lines_starts_no_statement() {
        // A docstring's `Args:` binds nothing, and a query at column 0 leaves no body.
        let py = "def export(path, key):\n    \"\"\"Export a key.\n\n    Args:\n      path: where.\n    \"\"\"\n    q = \"\"\"\nselect 1\n\"\"\"\n    n = 1\n    log.warning(WARNING.format(path))\n";
        assert_eq!(
            kept(Language::Python, py, &["log.warning"], &[]),
            [
                "def export(path, key):\n",
                "    log.warning(WARNING.format(path))\n"
            ]
        );
        let ts = "export function f(): string {\n  const q = `\nselect 1\n`;\n  const n = 1;\n  /*\nnot code\n  */\n  return axios.get(u);\n}\n";
        assert_eq!(
            kept(Language::TypeScript, ts, &["axios.get"], &[]),
            [
                "export function f(): string {\n",
                "  return axios.get(u);\n}\n"
            ]
        );
    }

    #[test]
    fn what_cannot_be_cut_by_indentation_is_kept_whole() {
        let cases: [(Language, &str, &[&str]); 6] = [
            // A hit in the header: a route's decorator.
            (
                Language::Python,
                "@app.get(\"/x\")\ndef x():\n    a = 1\n    b = 2\n    c = 3\n    return a\n",
                &["app.get"],
            ),
            // Two blocks at the declaration's indentation.
            (
                Language::Python,
                "if ready:\n    a = 1\n    r = requests.get(u)\n    c = 3\nelse:\n    d = 4\n",
                &["requests.get"],
            ),
            // A line at column 0 that is code (a label).
            (
                Language::Go,
                "func x() {\n\ta := 1\nretry:\n\tr, err := client.Get(u)\n\tgoto retry\n}\n",
                &["client.Get"],
            ),
            // An object literal, not a declaration.
            (
                Language::TypeScript,
                "export const config = {\n  a: 1,\n  b: 2,\n  client: axios.create(),\n  c: 3,\n};\n",
                &["axios.create"],
            ),
            // A loop: its sleep stays with its call.
            (
                Language::Go,
                "for i := 0; i < 3; i++ {\n\tresp, err := client.Do(req)\n\tif err == nil {\n\t\treturn resp\n\t}\n\ttime.Sleep(time.Second)\n}\n",
                &["client.Do"],
            ),
            // A short declaration.
            (
                Language::Go,
                "func f() {\n\tclient.Get(u)\n\ta()\n}\n",
                &["client.Get"],
            ),
        ];
        for (language, text, needles) in cases {
            assert_eq!(kept(language, text, needles, &[]), [text], "{text}");
        }
    }

    #[test]
    fn log_levels_are_called_methods() {
        for yes in [
            "l.Info(\"x\")",
            "self.log.warning(x)",
            "logger.Infof(\"%s\", t)",
            "e.ErrorContext(ctx, m)",
            "LOG.severe(m)",
        ] {
            assert!(calls_a_level(yes), "{yes}");
        }
        for no in [
            "info(x)",
            "a.information(x)",
            "x.info",
            "a.b.c()",
            "fmt.Sprintf(\"%s\", t)",
        ] {
            assert!(!calls_a_level(no), "{no}");
        }
    }
}
