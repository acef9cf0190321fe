//! Parsing only the parts of a file that can hold a fact.
//!
//! A file the prefilter selects usually has one client and a few calls among many functions
//! that make none. Parsing costs in proportion to the bytes parsed, so the file is cut into its
//! top-level declarations (a line that starts at column 0 starts one; a Java file, which is one
//! type, into that type's members, with its header and closing brace always kept) and only these
//! are parsed: the declarations holding a prefilter hit (`hits`), the imports, and, repeatedly, the
//! declarations that use a name bound in a parsed line that holds a word or uses such a name
//! (`session = requests.Session()` at the top, `session.get(...)` in a function further down).
//! Of each declaration chosen, only the statements that can hold a fact are parsed, with its
//! signature and closing line (see [`trim`]). tree-sitter parses the chosen ranges as one
//! document and keeps the file's own positions. Lines that are only a comment are left out of
//! the ranges: no reader looks at comments.
//!
//! The cut is textual, so it can be wrong (a string or comment over several lines that the
//! tracking of such lines, [`open_after`], misreads): when the tree of the ranges has a syntax
//! error, the caller parses the whole file instead. When the ranges cover most of the file, the
//! whole file is parsed too.

use tree_sitter::{Point, Range};

mod trim;

use crate::Language;
use crate::hits::Hits;

/// One top-level declaration: a byte range of whole lines.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: usize,
    end: usize,
    /// The 0-based row of its first line.
    row: usize,
}

/// The share of a file above which it is parsed whole: cutting would save little.
const MOST: usize = 3; // out of 4

/// The ranges of `text` worth parsing, or `None` to parse it whole.
pub(crate) fn ranges(language: Language, text: &str, hits: &Hits) -> Option<Vec<Range>> {
    // A Java file is one class: its members are its declarations, between the header (package,
    // imports, the class line) and the closing brace, which are always parsed.
    let (chunks, forced) = if language == Language::Java {
        let chunks = java_chunks(text)?;
        let last = chunks.len() - 1;
        (chunks, vec![0, last])
    } else {
        (chunks(language, text), Vec::new())
    };
    if chunks.len() < 3 {
        return None;
    }
    let mut chosen = vec![false; chunks.len()];
    for i in forced {
        if let Some(c) = chosen.get_mut(i) {
            *c = true;
        }
    }
    let mut hit_lines: Vec<(usize, usize)> = Vec::new();
    for &at in &hits.primary {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        if hit_lines.last() != Some(&(start, end)) {
            hit_lines.push((start, end));
        }
        if let Some(i) = chunk_of(&chunks, at) {
            chosen[i] = true;
        }
    }
    // Log calls that can write a secret: their declarations, without following names.
    for &at in &hits.logs {
        if let Some(i) = chunk_of(&chunks, at) {
            chosen[i] = true;
        }
    }
    for (i, c) in chunks.iter().enumerate() {
        let chunk = &text[c.start..c.end];
        let first = chunk.lines().next().unwrap_or("");
        if header(first) || chunk.contains("require(") || guarded_import(language, chunk) {
            chosen[i] = true;
        }
    }
    // Names bound on the lines that hold a word, then on lines that use a bound name.
    let mut names: Vec<&str> = Vec::new();
    for (s, e) in &hit_lines {
        bound_names(&text[*s..*e], &mut names);
    }
    // Each name once, over the whole text: every use of it chooses its declaration, and what
    // the using line binds is followed in turn.
    let bytes = text.as_bytes();
    // Where a followed name is used: a statement there is kept like one holding a hit.
    let mut used: Vec<usize> = Vec::new();
    let mut next = 0;
    while let Some(&name) = names.get(next) {
        next += 1;
        if name.is_empty() {
            continue;
        }
        for at in memchr::memmem::find_iter(bytes, name.as_bytes()) {
            if !used_at(bytes, at, name.len()) {
                continue;
            }
            used.push(at);
            if let Some(i) = chunk_of(&chunks, at) {
                chosen[i] = true;
            }
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            bound_names(&text[start..end], &mut names);
        }
    }
    // Of each declaration chosen, the statements that can hold a fact (see `trim`).
    let mut every: Vec<usize> = hits.primary.iter().chain(&hits.logs).copied().collect();
    every.sort_unstable();
    used.sort_unstable();
    let mut pieces: Vec<Chunk> = Vec::new();
    for (c, _) in chunks.iter().zip(&chosen).filter(|(_, k)| **k) {
        trim::trim(language, text, *c, &every, &used, &mut pieces);
    }
    // Constants of the file the parsed code names (`const token = "anonymous"` at the top,
    // `log.Println(token)` below): the reader tells a constant from a secret by its
    // declaration, so the declaration is parsed with the code.
    let mut parsed: Option<String> = None;
    let mut constants: Vec<Chunk> = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        let declaration = &text[c.start..c.end];
        if chosen[i] || !constant_declaration(declaration) {
            continue;
        }
        let mut bound = Vec::new();
        for line in declaration.lines() {
            bound_names(line, &mut bound);
        }
        let parsed = parsed.get_or_insert_with(|| {
            pieces
                .iter()
                .map(|p| &text[p.start..p.end])
                .collect::<Vec<_>>()
                .join("\n")
        });
        if bound.iter().any(|n| mentions(parsed, n)) {
            constants.push(*c);
        }
    }
    if !constants.is_empty() {
        pieces.extend(constants);
        pieces.sort_by_key(|c| c.start);
    }
    let kept: usize = pieces.iter().map(|c| c.end - c.start).sum();
    if kept * 4 > text.len() * MOST {
        return None;
    }
    let mut out: Vec<Range> = Vec::new();
    for c in &pieces {
        for piece in without_comment_lines(language, text, *c) {
            match out.last_mut() {
                Some(last) if last.end_byte == piece.start => {
                    let (end, end_point) = end_of(text, &piece);
                    last.end_byte = end;
                    last.end_point = end_point;
                }
                _ => {
                    let (end, end_point) = end_of(text, &piece);
                    out.push(Range {
                        start_byte: piece.start,
                        end_byte: end,
                        start_point: Point::new(piece.row, 0),
                        end_point,
                    });
                }
            }
        }
    }
    Some(out)
}

/// A chunk without its lines that are only a comment (`// ...`, `# ...`, a `/* ... */` or
/// Javadoc block on lines of its own): the parser skips them as it skips the chunks not chosen,
/// and no reader looks at comments (a marker accepting a finding is read from the text).
/// Lexing a comment costs tree-sitter a step per character. A block comment that ends before
/// code on its last line is kept whole (the code needs no opening `/*` it cannot see).
fn without_comment_lines(language: Language, text: &str, c: Chunk) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut pos = c.start;
    let mut row = c.row;
    let mut block = false;
    let mut keep_from: Option<(usize, usize)> = None;
    while pos < c.end {
        let end = text[pos..c.end].find('\n').map_or(c.end, |i| pos + i + 1);
        let line = text[pos..end].trim();
        let comment = if block {
            match line.find("*/") {
                Some(i) => {
                    block = false;
                    if !line[i + 2..].trim().is_empty() {
                        // Code after the block's end: keep the whole chunk.
                        return vec![c];
                    }
                    true
                }
                None => true,
            }
        } else if language == Language::Python {
            line.starts_with('#')
        } else if line.starts_with("//") {
            true
        } else if let Some(rest) = line.strip_prefix("/*") {
            match rest.find("*/") {
                Some(i) => rest[i + 2..].trim().is_empty(),
                None => {
                    block = true;
                    true
                }
            }
        } else {
            false
        };
        if comment {
            if let Some((start, from_row)) = keep_from.take() {
                out.push(Chunk {
                    start,
                    end: pos,
                    row: from_row,
                });
            }
        } else if keep_from.is_none() {
            keep_from = Some((pos, row));
        }
        pos = end;
        row += 1;
    }
    if block {
        // A block comment that never closes in the chunk: the cut cannot tell what it hides.
        return vec![c];
    }
    if let Some((start, from_row)) = keep_from {
        out.push(Chunk {
            start,
            end: c.end,
            row: from_row,
        });
    }
    out
}

/// The end of a chunk as tree-sitter wants it: the byte and the point of its end.
fn end_of(text: &str, c: &Chunk) -> (usize, Point) {
    let body = &text[c.start..c.end];
    let newlines = body.bytes().filter(|b| *b == b'\n').count();
    let last_line_start = body.rfind('\n').map_or(0, |i| i + 1);
    (
        c.end,
        Point::new(c.row + newlines, body.len() - last_line_start),
    )
}

fn chunk_of(chunks: &[Chunk], at: usize) -> Option<usize> {
    let i = chunks.partition_point(|c| c.end <= at);
    (i < chunks.len()).then_some(i)
}

/// Whether a top-level line imports or names the package: always parsed, readers resolve
/// library names through it.
fn header(line: &str) -> bool {
    [
        "import",
        "from ",
        "package ",
        "export * from",
        "'use strict'",
        "\"use strict\"",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// Whether a top-level Python block imports what the code uses under a name of its choice
/// (`try:` / `import urllib2` / `except ImportError:` / `import urllib.request as urllib2`, or
/// `if sys.version_info ...:`): parsed like the imports, readers resolve library names through
/// it.
fn guarded_import(language: Language, chunk: &str) -> bool {
    language == Language::Python
        && (chunk.starts_with("try:") || chunk.starts_with("if "))
        && chunk.lines().skip(1).any(|l| {
            let l = l.trim_start();
            l.starts_with("import ") || (l.starts_with("from ") && l.contains(" import "))
        })
}

/// Top-level declarations: a line starting at column 0 starts one, unless it continues the
/// one before (a closing bracket, a string's end, a chained call, Python's `else`/`except`, or
/// the declaration a decorator line stands before).
fn chunks(language: Language, text: &str) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut pos = 0;
    let mut row = 0;
    let mut after_decorator = false;
    let mut open: Open = None;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        // A line inside a string or a comment over several lines continues what it is in.
        let inside = open.is_some();
        open = open_after(language, line, open);
        let continues = inside
            || after_decorator
            || line
                .bytes()
                .next()
                .is_none_or(|b| b" \t\r\n})].*\"'`,;+-|&?:=".contains(&b))
            || (language == Language::Python
                && ["else", "elif", "except", "finally"]
                    .iter()
                    .any(|k| line.starts_with(k)));
        let starts = !continues;
        if starts || out.is_empty() {
            out.push(Chunk {
                start: pos,
                end,
                row,
            });
        } else if let Some(last) = out.last_mut() {
            last.end = end;
        }
        if !line.trim().is_empty() {
            after_decorator = line.starts_with('@');
        }
        pos = end;
        row += 1;
    }
    out
}

/// A Java file cut into its one top-level type's members: the first chunk runs from the start
/// through the line that opens the type's body, then each member (a line at the members'
/// indentation starts one, unless it continues the one before or follows an annotation line),
/// and the last chunk is the closing brace and what follows. `None` when the file is not one
/// type whose body closes on the last line at column 0.
fn java_chunks(text: &str) -> Option<Vec<Chunk>> {
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        lines.push((pos, end));
        pos = end;
    }
    let line = |i: usize| lines.get(i).map_or("", |&(s, e)| &text[s..e]);
    // The type's line: the first at column 0 that opens a block and is no import or package.
    let open = (0..lines.len()).find(|&i| {
        let l = line(i);
        l.starts_with(|c: char| c.is_ascii_alphabetic())
            && !header(l)
            && l.trim_end().ends_with('{')
    })?;
    // Its body closes at the last line starting with `}` at column 0; none may come before.
    let close = (0..lines.len()).rev().find(|&i| line(i).starts_with('}'))?;
    if close <= open || (open + 1..close).any(|i| line(i).starts_with('}')) {
        return None;
    }
    let indent = (open + 1..close)
        .map(line)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())?;
    if indent == 0 {
        return None;
    }
    let mut out = vec![Chunk {
        start: 0,
        end: lines[open].1,
        row: 0,
    }];
    let mut after_annotation = false;
    // Whether each line starts inside a text block or a block comment.
    let mut state: Open = None;
    let inside: Vec<bool> = (0..lines.len())
        .map(|i| {
            let was = state.is_some();
            state = open_after(Language::Java, line(i), state);
            was
        })
        .collect();
    for (i, &(start, end)) in lines.iter().enumerate().take(close).skip(open + 1) {
        let l = text.get(start..end).unwrap_or("");
        let rest = l.get(indent..).unwrap_or("");
        let at_indent =
            l.len() - l.trim_start().len() == indent && !rest.trim().is_empty() && !inside[i];
        let starts = at_indent
            && rest
                .bytes()
                .next()
                .is_some_and(|b| !b"})].*\"'`,;+-|&?:=/".contains(&b))
            && !after_annotation;
        if starts || out.len() == 1 {
            out.push(Chunk { start, end, row: i });
        } else if let Some(last) = out.last_mut() {
            last.end = end;
        }
        if at_indent {
            after_annotation = rest.starts_with('@') && !rest.trim_end().ends_with(';');
        }
    }
    out.push(Chunk {
        start: lines[close].0,
        end: text.len(),
        row: close,
    });
    Some(out)
}

/// What a line leaves open for the next one: a string or a comment spanning lines, by the
/// delimiter that closes it.
type Open = Option<&'static str>;

/// What is open after `line`, given what was open before it (`open`): a Python triple-quoted
/// string, a script's template literal, a Go raw string, a Java text block, or a block comment
/// (outside Python). A line that starts inside one of these starts no declaration and no
/// statement: its column says nothing about the code's structure. Ordinary strings end on their
/// line; as far as a line tells, escapes included.
fn open_after(language: Language, line: &str, mut open: Open) -> Open {
    let bytes = line.as_bytes();
    let python = language == Language::Python;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(close) = open {
            match line.get(i..).and_then(|rest| rest.find(close)) {
                Some(k) => {
                    i += k + close.len();
                    open = None;
                    continue;
                }
                None => return open,
            }
        }
        // To the next byte that can open or end something.
        match bytes[i..]
            .iter()
            .position(|b| matches!(b, b'"' | b'\'' | b'`' | b'#' | b'/'))
        {
            Some(k) => i += k,
            None => return None,
        }
        let rest = &bytes[i..];
        let b = bytes[i];
        if python && b == b'#' || !python && rest.starts_with(b"//") {
            return None;
        }
        if !python && rest.starts_with(b"/*") {
            open = Some("*/");
            i += 2;
            continue;
        }
        if (python || language == Language::Java)
            && (rest.starts_with(b"\"\"\"") || python && rest.starts_with(b"'''"))
        {
            open = Some(if b == b'"' { "\"\"\"" } else { "'''" });
            i += 3;
            continue;
        }
        if b == b'`' && language != Language::Python && language != Language::Java {
            open = Some("`");
            i += 1;
            continue;
        }
        if b == b'"' || b == b'\'' {
            // An ordinary string: to its closing quote or the line's end.
            i += 1;
            while i < bytes.len() && bytes[i] != b {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
        }
        i += 1;
    }
    open
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Whether the `len` bytes at `at` are a name used as an object or a function: `name.`,
/// `name[` or `name(` (a function imported by name, `from requests import get`) after a
/// character that cannot be part of a name (so `self.session.get` uses `session`,
/// `sessions.get` does not).
fn used_at(bytes: &[u8], at: usize, len: usize) -> bool {
    at.checked_sub(1).is_none_or(|j| !is_ident(bytes[j]))
        && matches!(bytes.get(at + len), Some(b'.' | b'[' | b'('))
}

/// Whether `text` holds `name` as a word of its own.
fn mentions(text: &str, name: &str) -> bool {
    occurs(
        text,
        name,
        |b| !is_ident(b) && b != b'.',
        |a| a.is_none_or(|b| !is_ident(b)),
    )
}

/// Whether `text` holds `name` where the byte before it (if any) passes `before` and the byte
/// after it passes `after`.
fn occurs(
    text: &str,
    name: &str,
    before: impl Fn(u8) -> bool,
    after: impl Fn(Option<u8>) -> bool,
) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(name).any(|(i, _)| {
        i.checked_sub(1).is_none_or(|j| before(bytes[j]))
            && after(bytes.get(i + name.len()).copied())
    })
}

/// Whether a top-level declaration binds constants: Go's `const` (one or a block),
/// `const NAME = ` in scripts, or a name given a string or a number (`TOKEN = "dev"`).
fn constant_declaration(declaration: &str) -> bool {
    if declaration.len() > 4096 {
        return false;
    }
    let first = declaration.lines().next().unwrap_or("");
    if first.starts_with("const (") || first.starts_with("const(") {
        return true;
    }
    let rest = ["const ", "export const ", "var ", "let "]
        .iter()
        .find_map(|k| first.strip_prefix(k))
        .unwrap_or(first);
    let Some((name, value)) = rest.split_once('=') else {
        return false;
    };
    let name = name.trim_end_matches([' ', ':']);
    let name = name.split_whitespace().next().unwrap_or("");
    !name.is_empty()
        && name.bytes().all(is_ident)
        && value
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '"' | '\'' | '`'))
}

/// The names a line binds: what stands left of `=` or `:=` (its last name, `this.http` in
/// `private this.http: Client =`), a `key:` of an object or struct literal, and Python's
/// `... as name`.
fn bound_names<'t>(line: &'t str, out: &mut Vec<&'t str>) {
    let mut push = |name: &'t str| {
        // Without what cannot be part of a name around it, nor dots at its ends.
        let b = name.as_bytes();
        let ok = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$');
        let start = b.iter().position(ok).unwrap_or(b.len());
        let end = b.iter().rposition(ok).map_or(start, |i| i + 1);
        let name = &name[start..end.max(start)];
        if !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && !out.contains(&name)
        {
            out.push(name);
        }
    };
    let bytes = line.as_bytes();
    if let Some(eq) = (0..bytes.len()).find(|&i| {
        bytes[i] == b'='
            && bytes.get(i + 1).is_none_or(|b| !b"=>".contains(b))
            && (i == 0 || !b"=!<>".contains(&bytes[i - 1]))
    }) {
        let left = line[..eq].trim_end_matches(':');
        // `const { a, b } =`, `resp, err :=`, `name: Type =`.
        let left = left.split(':').next().unwrap_or(left);
        for part in left.split([',', '{', '}', '(', ')', '[', ']']) {
            if let Some(last) = part.split_whitespace().last() {
                push(last);
            }
        }
    }
    let trimmed = line.trim_start();
    if let Some((key, _)) = trimmed.split_once(':')
        && !key.is_empty()
        && key.bytes().all(|b| is_ident(b) || b == b'"' || b == b'\'')
    {
        push(key);
    }
    if let Some(i) = line.rfind(" as ") {
        push(line[i + 4..].trim_end_matches([':', ' ', '\r', '\n']));
    }
    // `from requests import get, post`.
    if trimmed.starts_with("from ")
        && let Some((_, names)) = trimmed.split_once(" import ")
        && !names.contains(" as ")
    {
        for name in names.split(',') {
            push(name.trim());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_bound_by_a_line() {
        let mut v = Vec::new();
        for line in [
            "session = requests.Session()",
            "\tresp, err := client.Get(u)",
            "  private readonly http: AxiosInstance = axios.create({})",
            "    async with aiohttp.ClientSession() as s:",
            "\t\tclient: &http.Client{Timeout: t},",
            "if a == b {",
            "const f = (x) => x",
        ] {
            bound_names(line, &mut v);
        }
        assert_eq!(v, ["session", "resp", "err", "http", "s", "client", "f"]);
    }

    fn uses(text: &str, name: &str) -> bool {
        text.match_indices(name)
            .any(|(i, _)| used_at(text.as_bytes(), i, name.len()))
    }

    #[test]
    fn a_name_is_used_as_an_object_only() {
        assert!(uses("  r = self.session.get(u)", "session"));
        assert!(uses("api.get('/x')", "api"));
        assert!(!uses("sessions.get(u)", "session"));
        assert!(!uses("my_session.get(u)", "session"));
        assert!(!uses("log(session)", "session"));
    }

    fn pieces(language: Language, text: &str) -> Vec<&str> {
        let whole = Chunk {
            start: 0,
            end: text.len(),
            row: 0,
        };
        without_comment_lines(language, text, whole)
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn lines_that_are_only_a_comment_are_not_parsed() {
        let js = "function a() {\n  // why\n  b();\n  /* one */\n  /**\n   * doc\n   */\n  c(); // kept\n}\n";
        assert_eq!(
            pieces(Language::JavaScript, js),
            ["function a() {\n", "  b();\n", "  c(); // kept\n}\n"]
        );
        assert_eq!(
            pieces(Language::Python, "def a():\n    # why\n    b()  # kept\n"),
            ["def a():\n", "    b()  # kept\n"]
        );
        // Code after a block comment's end, or a block that does not end: the chunk whole.
        let after = "void a() {\n  /* x\n  */ b();\n}\n";
        assert_eq!(pieces(Language::Java, after), [after]);
        let open = "void a() {\n  /* x\n  b();\n";
        assert_eq!(pieces(Language::Java, open), [open]);
        // `#` is no comment outside Python, `//` none in it.
        assert_eq!(pieces(Language::Go, "#x\n"), ["#x\n"]);
        assert_eq!(
            pieces(Language::Python, "x = (1\n// 2)\n"),
            ["x = (1\n// 2)\n"]
        );
    }

    #[test]
    fn a_line_inside_a_string_or_a_comment_over_several_lines_starts_no_declaration() {
        let py =
            "WARNING = \"\"\"A key was exported.\n\nKeep it safe.\n\"\"\"\ndef a():\n    pass\n";
        let c = chunks(Language::Python, py);
        let firsts: Vec<&str> = c
            .iter()
            .map(|c| py[c.start..c.end].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(firsts, ["WARNING = \"\"\"A key was exported.", "def a():"]);
        let go = "var q = `\nselect 1\n`\n/*\nold code\n*/\nfunc a() {}\n";
        let c = chunks(Language::Go, go);
        let firsts: Vec<&str> = c
            .iter()
            .map(|c| go[c.start..c.end].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(firsts, ["var q = `", "/*", "func a() {}"]);
        // What each line leaves open.
        assert_eq!(
            open_after(Language::Python, "x = '\"\"\"'  # '''", None),
            None
        );
        assert_eq!(open_after(Language::Python, "s = '''a", None), Some("'''"));
        assert_eq!(
            open_after(Language::Python, "b''' + f(\"\"\"", Some("'''")),
            Some("\"\"\"")
        );
        assert_eq!(
            open_after(Language::Java, "String s = \"\"\"", None),
            Some("\"\"\"")
        );
        assert_eq!(
            open_after(Language::Java, "int a; /* b */ int c; /* d", None),
            Some("*/")
        );
        assert_eq!(
            open_after(Language::JavaScript, "const a = '`' + \"//\"; // `", None),
            None
        );
        assert_eq!(open_after(Language::Go, "`a` + `b", None), Some("`"));
    }

    #[test]
    fn declarations_start_at_column_zero() {
        let text = "import os\n\n@app.get('/')\ndef a():\n    pass\n\nif x:\n    y()\nelse:\n    z()\nclass B:\n    '''doc\n'''\n";
        let c = chunks(Language::Python, text);
        let firsts: Vec<&str> = c
            .iter()
            .map(|c| text[c.start..c.end].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(firsts, ["import os", "@app.get('/')", "if x:", "class B:"]);
        assert_eq!(c[1].row, 2);
    }

    const JAVA: &str = "package a;\n\nimport java.net.http.HttpClient;\n\n@Service\npublic class A {\n    private final HttpClient client = HttpClient.newHttpClient();\n\n    /** Not a fact. */\n    @Override\n    public String toString() {\n        return \"a\";\n    }\n\n    int size(\n        int x) {\n        return x;\n    }\n\n    void call() {\n        client.send(req, h);\n    }\n}\n";

    #[test]
    fn a_java_type_is_cut_into_its_members() {
        let c = java_chunks(JAVA);
        let firsts: Vec<&str> = c
            .iter()
            .flatten()
            .map(|c| JAVA[c.start..c.end].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(
            firsts,
            [
                "package a;",
                "    private final HttpClient client = HttpClient.newHttpClient();",
                "    @Override",
                "    int size(",
                "    void call() {",
                "}",
            ]
        );
        // Two types, or a body that does not close at column 0: parsed whole.
        assert!(java_chunks("class A {\n    int a;\n}\nclass B {\n    int b;\n}\n").is_none());
        assert!(java_chunks("class A {\n    int a;\n  }").is_none());
    }

    #[test]
    fn a_java_file_parses_its_header_the_members_with_hits_and_the_closing_brace() {
        let at = JAVA.find("HttpClient client").unwrap_or(0);
        let hits = Hits {
            primary: vec![at],
            logs: Vec::new(),
        };
        let r = ranges(Language::Java, JAVA, &hits);
        let parsed: Vec<&str> = r
            .iter()
            .flatten()
            .map(|r| &JAVA[r.start_byte..r.end_byte])
            .collect();
        let call_start = JAVA.find("    void call").unwrap_or(0);
        assert_eq!(
            parsed,
            [
                &JAVA[..JAVA.find("    /** Not a fact").unwrap_or(0)],
                &JAVA[call_start..]
            ],
            "the header with the field (it binds `client`; the comment after it, a line of its \
             own, is not parsed), then `call` (it uses `client`) with the closing brace"
        );
        assert!(call_start > 0);
    }
}
