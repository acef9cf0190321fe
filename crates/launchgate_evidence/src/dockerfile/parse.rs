//! The hand-written Dockerfile parser: parser directives, continuation lines, comments,
//! heredocs, exec versus shell form, and the arguments of the instructions checks read. One
//! pass over the lines; every fact keeps its source location.

use std::collections::BTreeMap;

use super::{
    Dockerfile, Expose, FromImage, Healthcheck, ImageRef, Instruction, Located, Stage, Var, VarKind,
};
use crate::{EvidenceError, FileKind, Loc, Source};

/// More errors than this in one file add nothing: it is probably not a Dockerfile.
const MAX_ERRORS: usize = 20;

/// Nesting of `${a:-${b:-...}}` we follow before giving up (adversarial input).
const MAX_SUBST_DEPTH: usize = 16;

const KNOWN: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

struct Ctx<'a> {
    src: &'a Source,
    /// Errors are held until the end: a file with no `FROM` at all gets one error, not one
    /// per line (it is a fragment, a template or not a Dockerfile).
    errors: Vec<EvidenceError>,
}

impl Ctx<'_> {
    fn error(&mut self, loc: Loc, message: String) {
        if self.errors.len() < MAX_ERRORS {
            self.errors
                .push(EvidenceError::new(loc, FileKind::Dockerfile, message));
        }
    }
}

/// One instruction's text with continuation lines joined, and a map from its byte offsets
/// back to the file.
#[derive(Default)]
struct Logical {
    text: String,
    /// `(offset in text, offset in file)` at the start of each joined piece.
    segs: Vec<(usize, usize)>,
}

impl Logical {
    fn push(&mut self, piece: &str, file_offset: usize) {
        self.segs.push((self.text.len(), file_offset));
        self.text.push_str(piece);
    }

    fn file_offset(&self, i: usize) -> usize {
        let k = self.segs.partition_point(|&(s, _)| s <= i);
        match k.checked_sub(1).and_then(|k| self.segs.get(k)) {
            Some(&(s, o)) => o + (i - s),
            None => 0,
        }
    }

    fn loc(&self, src: &Source, a: usize, b: usize) -> Loc {
        let s = self.file_offset(a);
        let e = self.file_offset(b).max(s);
        src.loc(s, e)
    }

    /// Like `loc`, for increasing offsets: a column on the same line as the previous one is
    /// counted from there, so many words on one long line stay linear.
    fn loc_after(&self, src: &Source, cursor: &mut Option<Loc>, a: usize, b: usize) -> Loc {
        let s = self.file_offset(a);
        let e = self.file_offset(b).max(s);
        if let Some(prev) = cursor.as_ref()
            && prev.start <= s
            && let Some(between) = src.text.get(prev.start..s)
            && !between.contains('\n')
            && src.text.is_char_boundary(e)
        {
            let column = prev
                .column
                .saturating_add(u32::try_from(between.chars().count()).unwrap_or(u32::MAX));
            let loc = Loc {
                path: src.path.clone(),
                line: prev.line,
                column,
                start: s,
                end: e.min(src.text.len()),
            };
            *cursor = Some(loc.clone());
            return loc;
        }
        let loc = src.loc(s, e);
        *cursor = Some(loc.clone());
        loc
    }
}

/// A whitespace-separated word of an instruction's arguments: unquoted text and its byte
/// range in the logical text.
struct Word {
    text: String,
    start: usize,
    end: usize,
}

/// What a file builds up while its instructions are read.
struct Builder {
    args: Vec<Var>,
    /// Global ARG values for `FROM` substitution: present = declared, `Some` = literal value.
    arg_values: BTreeMap<String, Option<String>>,
    stages: Vec<Stage>,
}

pub(super) fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Dockerfile {
    let lines: Vec<(usize, usize, &str)> = src.lines().collect();
    let mut cx = Ctx {
        src,
        errors: Vec::new(),
    };
    let mut escape = '\\';
    let mut i = 0;
    // Parser directives count only at the very top, before any comment, blank line or
    // instruction.
    while let Some(&(line, _, text)) = lines.get(i) {
        let Some((name, value)) = directive(text) else {
            break;
        };
        if name == "escape" {
            match value {
                "`" => escape = '`',
                "\\" => escape = '\\',
                _ => cx.error(
                    src.line_loc(line),
                    format!("invalid escape parser directive `{value}`: expected `\\` or `` ` ``"),
                ),
            }
        }
        i += 1;
    }
    let mut builder = Builder {
        args: Vec::new(),
        arg_values: BTreeMap::new(),
        stages: Vec::new(),
    };
    while let Some(&(line_no, off, text)) = lines.get(i) {
        i += 1;
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut logical = Logical::default();
        let mut last_line = line_no;
        let mut piece = trimmed;
        let mut piece_off = off + (text.len() - trimmed.len());
        loop {
            let Some(body) = strip_continuation(piece, escape) else {
                logical.push(piece, piece_off);
                break;
            };
            logical.push(body, piece_off);
            // Comment and blank lines inside a continuation are dropped, as BuildKit does.
            let mut next = None;
            while let Some(&(n, o, t)) = lines.get(i) {
                i += 1;
                let ts = t.trim_start();
                if !(ts.is_empty() || ts.starts_with('#')) {
                    next = Some((n, o, t));
                    break;
                }
            }
            let Some((n, o, t)) = next else { break };
            last_line = n;
            piece = t;
            piece_off = o;
        }
        let (mut ins, base) = instruction(src, &logical, line_no, last_line);
        if matches!(ins.keyword.as_str(), "RUN" | "COPY" | "ADD") && ins.exec_form.is_none() {
            for (term, strip_tabs) in heredoc_markers(&ins.args) {
                let mut closed = false;
                while let Some(&(n, _, t)) = lines.get(i) {
                    i += 1;
                    ins.last_line = u32::try_from(n).unwrap_or(u32::MAX);
                    let t = if strip_tabs {
                        t.trim_start_matches('\t')
                    } else {
                        t
                    };
                    if t.trim_end() == term {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    cx.error(
                        ins.loc.clone(),
                        format!("heredoc `<<{term}` is never closed: no line `{term}` follows"),
                    );
                }
                ins.heredocs.push(term);
            }
        }
        apply(&mut cx, &mut builder, &logical, ins, base, escape);
    }
    if builder.stages.is_empty() {
        cx.errors.clear();
        cx.error(
            src.file_start(),
            "no FROM instruction: a Dockerfile must start a build stage with FROM".to_string(),
        );
    }
    errors.append(&mut cx.errors);
    Dockerfile {
        path: src.path.to_string(),
        loc: src.file_start(),
        escape,
        args: builder.args,
        stages: builder.stages,
    }
}

/// `# name=value` for the parser directives BuildKit knows; anything else ends the directives.
fn directive(text: &str) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('#')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    matches!(name.as_str(), "escape" | "syntax" | "check").then(|| (name, value.trim()))
}

/// The line without its trailing escape character (and the blanks after it), if it continues.
fn strip_continuation(piece: &str, escape: char) -> Option<&str> {
    piece.trim_end_matches([' ', '\t']).strip_suffix(escape)
}

/// The instruction and the offset of its arguments in the logical text.
fn instruction(src: &Source, logical: &Logical, first: usize, last: usize) -> (Instruction, usize) {
    let text = logical.text.as_str();
    let kw_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let keyword = text.get(..kw_end).unwrap_or("").to_ascii_uppercase();
    let rest = text.get(kw_end..).unwrap_or("");
    let args_start = kw_end + (rest.len() - rest.trim_start().len());
    let args = text.get(args_start..).unwrap_or("").trim_end().to_string();
    let exec_form = if args.starts_with('[') {
        serde_json::from_str::<Vec<String>>(&args).ok()
    } else {
        None
    };
    let ins = Instruction {
        keyword,
        loc: logical.loc(src, 0, kw_end),
        args_loc: logical.loc(src, args_start, args_start + args.len()),
        exec_form,
        heredocs: Vec::new(),
        args,
        first_line: u32::try_from(first).unwrap_or(u32::MAX),
        last_line: u32::try_from(last).unwrap_or(u32::MAX),
    };
    (ins, args_start)
}

fn apply(
    cx: &mut Ctx<'_>,
    b: &mut Builder,
    logical: &Logical,
    ins: Instruction,
    base: usize,
    escape: char,
) {
    let kw = ins.keyword.as_str();
    if !KNOWN.contains(&kw) {
        // The word is shown only up to `=` (a misplaced `NAME=value` line must not print its
        // value, perhaps a secret) and only if it is short: a cut word could be part of a
        // secret that the redaction layer no longer recognises.
        let name = kw.split(['=', ':']).next().unwrap_or_default();
        let message = if name.chars().count() <= 40 && !name.is_empty() {
            format!("unknown instruction `{name}`")
        } else {
            format!(
                "unknown instruction (a word of {} characters)",
                kw.chars().count()
            )
        };
        cx.error(ins.loc.clone(), message);
        return;
    }
    let end = base + ins.args.len();
    if kw == "FROM" {
        from(cx, b, logical, ins, base, end, escape);
        return;
    }
    let Some(stage) = b.stages.last_mut() else {
        if kw == "ARG" {
            for v in vars(cx.src, logical, base, end, escape, VarKind::Arg) {
                let resolved = v
                    .value
                    .as_deref()
                    .and_then(|val| substitute(val, &b.arg_values, escape, 0));
                b.arg_values.insert(v.name.clone(), resolved);
                b.args.push(v);
            }
        } else {
            cx.error(
                ins.loc.clone(),
                format!("{kw} before the first FROM: only ARG may come before FROM"),
            );
        }
        return;
    };
    match kw {
        "ARG" => stage
            .args
            .extend(vars(cx.src, logical, base, end, escape, VarKind::Arg)),
        "ENV" => {
            for v in vars(cx.src, logical, base, end, escape, VarKind::Env) {
                if v.value.is_none() {
                    cx.error(
                        v.loc.clone(),
                        format!("ENV `{}` has no value: expected name=value", v.name),
                    );
                }
                stage.env.push(v);
            }
        }
        "USER" => {
            if ins.args.is_empty() {
                cx.error(
                    ins.loc.clone(),
                    "USER without a user name or uid".to_string(),
                );
            } else {
                stage.user = Some(Located::new(ins.args.clone(), ins.args_loc.clone()));
            }
        }
        "STOPSIGNAL" if !ins.args.is_empty() => {
            stage.stopsignal = Some(Located::new(ins.args.clone(), ins.args_loc.clone()));
        }
        "EXPOSE" => {
            let mut cursor = None;
            for w in words(&logical.text, base, end, escape) {
                let (port, protocol) = match w.text.split_once('/') {
                    Some((p, proto)) => (p, Some(proto.to_ascii_lowercase())),
                    None => (w.text.as_str(), None),
                };
                let first = port.split_once('-').map_or(port, |(a, _)| a);
                stage.exposes.push(Expose {
                    port: first.parse().ok(),
                    protocol,
                    loc: logical.loc_after(cx.src, &mut cursor, w.start, w.end),
                    raw: w.text,
                });
            }
        }
        "HEALTHCHECK" => match healthcheck(logical, &ins, base, end, escape) {
            Some(h) => stage.healthcheck = Some(h),
            None => cx.error(
                ins.loc.clone(),
                "HEALTHCHECK expects `NONE` or `[OPTIONS] CMD command`".to_string(),
            ),
        },
        _ => {}
    }
    stage.instructions.push(ins);
}

fn from(
    cx: &mut Ctx<'_>,
    b: &mut Builder,
    logical: &Logical,
    ins: Instruction,
    base: usize,
    end: usize,
    escape: char,
) {
    let ws = words(&logical.text, base, end, escape);
    let mut idx = 0;
    let mut platform = None;
    while let Some(w) = ws.get(idx).filter(|w| w.text.starts_with("--")) {
        if let Some(p) = w.text.strip_prefix("--platform=") {
            platform = Some(p.to_string());
        }
        idx += 1;
    }
    let image = ws.get(idx);
    let name = match ws.get(idx + 1..).unwrap_or(&[]) {
        [] => None,
        [as_kw, name] if as_kw.text.eq_ignore_ascii_case("as") => Some(Located::new(
            name.text.clone(),
            logical.loc(cx.src, name.start, name.end),
        )),
        _ => {
            cx.error(
                ins.args_loc.clone(),
                "FROM expects `FROM [--platform=...] image [AS name]`".to_string(),
            );
            None
        }
    };
    if image.is_none() {
        cx.error(ins.loc.clone(), "FROM without an image".to_string());
    }
    let (raw, image_loc) = match image {
        Some(w) => (
            logical.text.get(w.start..w.end).unwrap_or("").to_string(),
            logical.loc(cx.src, w.start, w.end),
        ),
        None => (String::new(), ins.loc.clone()),
    };
    let resolved = if raw.is_empty() {
        None
    } else {
        substitute(&raw, &b.arg_values, escape, 0)
    };
    let refers_to_stage = resolved.as_deref().and_then(|r| {
        b.stages
            .iter()
            .rev()
            .find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(r))
            })
            .map(|s| s.index)
    });
    let is_scratch = refers_to_stage.is_none()
        && resolved
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("scratch"));
    let reference = if refers_to_stage.is_some() {
        None
    } else {
        resolved.as_deref().and_then(ImageRef::parse)
    };
    let index = b.stages.len();
    b.stages.push(Stage {
        index,
        name,
        from: FromImage {
            image: Located::new(raw, image_loc),
            resolved,
            reference,
            is_scratch,
            refers_to_stage,
            platform,
            loc: ins.loc.clone(),
        },
        instructions: vec![ins],
        user: None,
        healthcheck: None,
        exposes: Vec::new(),
        env: Vec::new(),
        args: Vec::new(),
        stopsignal: None,
    });
}

fn healthcheck(
    logical: &Logical,
    ins: &Instruction,
    base: usize,
    end: usize,
    escape: char,
) -> Option<Healthcheck> {
    let ws = words(&logical.text, base, end, escape);
    let first = ws.first()?;
    if first.text.eq_ignore_ascii_case("none") {
        return Some(Healthcheck {
            none: true,
            cmd: None,
            options: Vec::new(),
            loc: ins.loc.clone(),
        });
    }
    let options: Vec<String> = ws
        .iter()
        .take_while(|w| w.text.starts_with("--"))
        .map(|w| w.text.clone())
        .collect();
    let cmd_word = ws.get(options.len())?;
    if !cmd_word.text.eq_ignore_ascii_case("cmd") {
        return None;
    }
    let cmd = logical
        .text
        .get(cmd_word.end..end)
        .unwrap_or("")
        .trim()
        .to_string();
    Some(Healthcheck {
        none: false,
        cmd: (!cmd.is_empty()).then_some(cmd),
        options,
        loc: ins.loc.clone(),
    })
}

/// `ARG a=1 b` / `ENV a=1 b="x y"` / legacy `ENV name value with spaces`.
fn vars(
    src: &Source,
    logical: &Logical,
    base: usize,
    end: usize,
    escape: char,
    kind: VarKind,
) -> Vec<Var> {
    let text = logical.text.as_str();
    let ws = words(text, base, end, escape);
    let legacy = kind == VarKind::Env
        && ws
            .first()
            .is_some_and(|w| !text.get(w.start..w.end).unwrap_or("").contains('='));
    if legacy {
        let Some(first) = ws.first() else {
            return Vec::new();
        };
        let rest = text.get(first.end..end).unwrap_or("");
        let vstart = first.end + (rest.len() - rest.trim_start().len());
        let value = rest.trim();
        return vec![Var {
            kind,
            name: first.text.clone(),
            value: Some(value.to_string()),
            loc: logical.loc(src, first.start, first.end),
            value_loc: (!value.is_empty()).then(|| logical.loc(src, vstart, vstart + value.len())),
        }];
    }
    let mut out = Vec::with_capacity(ws.len());
    let mut cursor = None;
    for w in ws {
        let raw = text.get(w.start..w.end).unwrap_or("");
        match (w.text.split_once('='), raw.find('=')) {
            (Some((name, value)), Some(eq)) => out.push(Var {
                kind,
                name: name.to_string(),
                value: Some(value.to_string()),
                loc: logical.loc_after(src, &mut cursor, w.start, w.start + eq),
                value_loc: Some(logical.loc_after(src, &mut cursor, w.start + eq + 1, w.end)),
            }),
            _ => out.push(Var {
                kind,
                name: w.text.clone(),
                value: None,
                loc: logical.loc_after(src, &mut cursor, w.start, w.end),
                value_loc: None,
            }),
        }
    }
    out
}

/// Splits `text[from..to]` into words at unquoted blanks, removing quotes and escapes.
fn words(text: &str, from: usize, to: usize, escape: char) -> Vec<Word> {
    let mut out = Vec::new();
    let Some(slice) = text.get(from..to) else {
        return out;
    };
    let mut cur: Option<Word> = None;
    let mut quote: Option<char> = None;
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = from + i;
        if quote.is_none() && c.is_whitespace() {
            if let Some(w) = cur.take() {
                out.push(w);
            }
            continue;
        }
        let w = cur.get_or_insert_with(|| Word {
            text: String::new(),
            start: at,
            end: at,
        });
        w.end = at + c.len_utf8();
        match quote {
            Some(q) if c == q => quote = None,
            Some('\'') => w.text.push(c),
            _ if c == escape => {
                if let Some((j, n)) = chars.next() {
                    w.end = from + j + n.len_utf8();
                    if quote == Some('"') && !matches!(n, '"' | '$') && n != escape {
                        w.text.push(c);
                    }
                    w.text.push(n);
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            _ => w.text.push(c),
        }
    }
    out.extend(cur);
    out
}

/// Heredoc openers (`<<EOF`, `<<-EOF`, `<<"EOF"`) outside quotes, in order, with whether
/// leading tabs are stripped from the body.
fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let bytes = args.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            None if c == b'"' || c == b'\'' => {
                quote = Some(c);
                i += 1;
                continue;
            }
            None => {}
        }
        let opens = c == b'<'
            && bytes.get(i + 1) == Some(&b'<')
            && bytes.get(i + 2) != Some(&b'<')
            && (i == 0 || bytes.get(i - 1) != Some(&b'<'));
        if !opens {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        let strip_tabs = bytes.get(j) == Some(&b'-');
        if strip_tabs {
            j += 1;
        }
        let q = bytes.get(j).copied().filter(|&b| b == b'"' || b == b'\'');
        if q.is_some() {
            j += 1;
        }
        let start = j;
        while bytes
            .get(j)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' || *b == b'.')
        {
            j += 1;
        }
        let word = args.get(start..j).unwrap_or("");
        let closed = match q {
            Some(q) => bytes.get(j) == Some(&q),
            None => true,
        };
        if !word.is_empty() && closed {
            out.push((word.to_string(), strip_tabs));
            j += usize::from(q.is_some());
        }
        i = j.max(i + 2);
    }
    out
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}` and
/// `${VAR+word}` from global ARG values. `None` when a value is not known literally.
fn substitute(
    text: &str,
    vars: &BTreeMap<String, Option<String>>,
    escape: char,
    depth: usize,
) -> Option<String> {
    if depth > MAX_SUBST_DEPTH {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == escape && rest[c.len_utf8()..].starts_with('$') {
            out.push('$');
            rest = &rest[c.len_utf8() + 1..];
            continue;
        }
        if c != '$' {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let after = &rest[1..];
        if let Some(inner_start) = after.strip_prefix('{') {
            let close = matching_brace(inner_start)?;
            let inner = &inner_start[..close];
            rest = &inner_start[close + 1..];
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, op) = inner.split_at(name_len);
            let value = vars.get(name);
            let (colon, op) = match op.strip_prefix(':') {
                Some(o) => (true, o),
                None => (false, op),
            };
            if op.is_empty() && !colon {
                out.push_str(value?.as_deref()?);
            } else if let Some(word) = op.strip_prefix('-') {
                match value {
                    Some(Some(v)) if !(colon && v.is_empty()) => out.push_str(v),
                    _ => out.push_str(&substitute(word, vars, escape, depth + 1)?),
                }
            } else if let Some(word) = op.strip_prefix('+') {
                match value {
                    Some(Some(v)) if !(colon && v.is_empty()) => {
                        out.push_str(&substitute(word, vars, escape, depth + 1)?);
                    }
                    Some(Some(_)) | None => {}
                    Some(None) => return None,
                }
            } else {
                return None;
            }
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if name_len == 0 || after.starts_with(|c: char| c.is_ascii_digit()) {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(vars.get(&after[..name_len])?.as_deref()?);
            rest = &after[name_len..];
        }
    }
    Some(out)
}

/// The offset of the `}` closing a `${` whose inside starts `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod unit {
    use super::*;

    fn vars(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.map(str::to_string)))
            .collect()
    }

    #[test]
    fn substitution_uses_literal_defaults_only() {
        let v = vars(&[("V", Some("1.2")), ("E", Some("")), ("N", None)]);
        let s = |t: &str| substitute(t, &v, '\\', 0);
        assert_eq!(s("node:${V}").as_deref(), Some("node:1.2"));
        assert_eq!(s("node:$V-alpine").as_deref(), Some("node:1.2-alpine"));
        assert_eq!(s("node:${N:-20}").as_deref(), Some("node:20"));
        assert_eq!(s("node:${U:-${V}}").as_deref(), Some("node:1.2"));
        assert_eq!(s("node:${E:-9}").as_deref(), Some("node:9"));
        assert_eq!(s("node:${E-9}").as_deref(), Some("node:"));
        assert_eq!(s("a${V:+-x}").as_deref(), Some("a-x"));
        assert_eq!(s("a${U:+x}").as_deref(), Some("a"));
        assert_eq!(s("node:${N}"), None);
        assert_eq!(s("node:$U"), None);
        assert_eq!(s("node:${V:?err}"), None);
        assert_eq!(s("node:${V"), None);
        assert_eq!(s("a\\$V").as_deref(), Some("a$V"));
        assert_eq!(s("cost$").as_deref(), Some("cost$"));
    }

    #[test]
    fn heredoc_markers_outside_quotes() {
        assert_eq!(
            heredoc_markers("cat <<EOF > /a && cat <<-'END' >/b"),
            vec![("EOF".to_string(), false), ("END".to_string(), true)]
        );
        assert!(heredoc_markers("echo \"<<EOF\" '<<X' && cat <<<here").is_empty());
        assert_eq!(heredoc_markers("<<\"A\" x"), vec![("A".to_string(), false)]);
    }

    #[test]
    fn words_unquote_and_keep_ranges() {
        let t = "A=\"x y\" B=a\\ b C='$z'";
        let w = words(t, 0, t.len(), '\\');
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["A=x y", "B=a b", "C=$z"]);
        assert_eq!((w[1].start, w[1].end), (8, 14));
    }
}
