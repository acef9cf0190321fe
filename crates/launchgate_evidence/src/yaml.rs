//! A located YAML tree for repository files: every node and every mapping key keeps its
//! [`Loc`]. Multi-document streams load as one tree per document; aliases are expanded (within a
//! budget) and `<<` merge keys are applied (GitLab CI and many Kubernetes files rely on them).
//!
//! What is accepted is what kubectl (go-yaml, itself a port of libyaml), GitHub Actions and
//! PyYAML accept: the events come from `libyaml-safer`, a safe Rust port of libyaml, so a flow
//! sequence closed at its key's indentation, a quoted scalar continued at any indentation, or
//! a tab after an indicator read as they do there. The tree keeps one schema, chosen for what
//! the platform means (the rules are in `docs/scanning.md`, "How YAML is read"):
//!
//! - plain `true`/`false` (any of the three capitalizations) are booleans; the YAML 1.1
//!   spellings `yes`/`no`/`on`/`off` stay strings (GitHub's `on:` key, an environment value
//!   `"yes"`), and [`Node::as_bool`] reads them as booleans where a field is one, as
//!   kubectl does for a boolean field;
//! - integers are decimal, `0x` hexadecimal, `0o` or leading-zero octal (`defaultMode: 0644`
//!   is 420, as kubectl and PyYAML read it) and `0b` binary, with `_` separators; floats are
//!   YAML 1.2's (`1e3`, `.5`, `.inf`, `.nan`); `~`, `null` and an empty value are null;
//!   timestamps and sexagesimal numbers (`1:30`) stay strings; quoted scalars are strings;
//! - a duplicate key keeps its first position and takes the last value (PyYAML and go-yaml);
//! - tags are ignored except the core ones (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`),
//!   so CloudFormation's `!Ref` or GitLab's `!reference` do not make a file unreadable.

use std::collections::HashMap;

use libyaml_safer::{Event, EventData, Parser, ScalarStyle};

use crate::source::{Loc, Source};

/// A YAML node with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub loc: Loc,
    pub value: Value,
}

/// One mapping entry: the key's text and location, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_loc: Loc,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

impl Node {
    /// The value of mapping key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The mapping entry for `key` (with the key's location).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The string value, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Any scalar as text (`3`, `true`, `0.5`, `web`); `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean, also from the YAML 1.1 spellings Kubernetes tooling accepts in strings.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.as_str() {
                "true" | "True" | "TRUE" | "yes" | "Yes" | "on" | "On" => Some(true),
                "false" | "False" | "FALSE" | "no" | "No" | "off" | "Off" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// A YAML syntax error: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub loc: Loc,
    pub message: String,
}

/// Loads every document of a YAML stream. Empty documents are dropped.
pub fn load_all(src: &Source) -> Result<Vec<Node>, YamlError> {
    // libyaml-safer 0.3 panics on a block scalar that ends the input without a line break: the
    // line break is added here.
    let terminated;
    let text: &str = if src.text.is_empty() || src.text.ends_with(['\n', '\r']) {
        &src.text
    } else {
        terminated = format!("{}\n", src.text);
        &terminated
    };
    if let Some(parsed) = quietly(|| parse(src, text, &[])) {
        return parsed;
    }
    // It also panics on a tag followed directly by `,` in a flow collection (`[!!str, b]`),
    // which libyaml, go-yaml and PyYAML read as an empty tagged scalar: the text is read again
    // with a space before each such comma (same meaning), locations mapped back to the file.
    let inserted = tag_commas(text);
    if !inserted.is_empty() {
        let mut spaced = String::with_capacity(text.len() + inserted.len());
        let mut from = 0;
        for (n, &at) in inserted.iter().enumerate() {
            let original = at - n;
            spaced.push_str(&text[from..original]);
            spaced.push(' ');
            from = original;
        }
        spaced.push_str(&text[from..]);
        if let Some(parsed) = quietly(|| parse(src, &spaced, &inserted)) {
            return parsed;
        }
    }
    // A panic left in the port becomes a syntax error of the file instead of ending the scan.
    Err(YamlError {
        loc: src.file_start(),
        message: "invalid YAML: the YAML parser cannot read this file".to_string(),
    })
}

/// Where a space goes before a `,` that directly follows a tag (`!x` or `!!x` starting a
/// token): offsets in the spaced text, ascending (the n-th entry is the original offset + n).
/// Used only after the parser panicked, so a quoted `"!a,"` it also finds costs nothing on
/// files that read.
fn tag_commas(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let token_start = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b','
            );
        if token_start && matches!(bytes[i], b'"' | b'\'' | b'#') {
            // A quoted scalar or a comment: its text is not scanned for tags.
            i = skip_quoted_or_comment(bytes, i);
        } else if bytes[i] == b'!' && token_start {
            let mut j = i + 1;
            while j < bytes.len()
                && !matches!(
                    bytes[j],
                    b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
                )
            {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b',' {
                found.push(j + found.len());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

/// The offset after the quoted scalar or comment that starts at `at`.
fn skip_quoted_or_comment(bytes: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    match bytes[at] {
        b'"' => {
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
        }
        b'\'' => loop {
            // `''` is a quote inside the scalar.
            while i < bytes.len() && bytes[i] != b'\'' {
                i += 1;
            }
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                break;
            }
        },
        _ => {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        }
    }
    i.saturating_add(1).min(bytes.len())
}

thread_local! {
    /// Set while this thread runs the YAML parser: its panics are caught and reported as a
    /// syntax error of the file, so the panic hook stays silent for them.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without the panic message on stderr: a process-wide
/// hook, installed once, stays silent for panics of a thread inside `quietly` and hands every
/// other panic to the hook that was there before.
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(f);
    QUIET.with(|q| q.set(false));
    result.ok()
}

fn parse(src: &Source, text: &str, inserted: &[usize]) -> Result<Vec<Node>, YamlError> {
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut b = Builder {
        src,
        inserted,
        stack: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        direct: 0,
        expanded: 0,
    };
    loop {
        let event = parser
            .parse()
            .map_err(|e| syntax_error(src, &e, inserted))?;
        if matches!(event.data, EventData::StreamEnd) {
            break;
        }
        b.event(event)?;
    }
    Ok(b.docs)
}

/// An offset of the text given to the parser, as an offset of the file: spaces `load_all`
/// inserted before it are taken off.
fn original_offset(inserted: &[usize], at: usize) -> usize {
    at - inserted.partition_point(|&i| i < at)
}

/// Where a block scalar's text starts: the first non-blank line after its `|` or `>` header,
/// past the indentation (findings inside it point at the text, not at the header).
fn block_content_start(text: &str, header: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(nl) = text.get(header..).and_then(|t| t.find('\n')) else {
        return header;
    };
    let mut i = header + nl + 1;
    loop {
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'\r' | b'\n') => {
                i = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
            }
            Some(_) => return i,
            None => return header,
        }
    }
}

const MAX_DEPTH: usize = 256;

/// Nodes that aliases may copy beyond ten times the nodes written: real files (GitLab CI
/// templates, Helm values) stay far below it; a "billion laughs" stream stops with an error.
const ALIAS_BUDGET: usize = 100_000;

fn syntax_error(src: &Source, e: &libyaml_safer::Error, inserted: &[usize]) -> YamlError {
    let at = e
        .problem_mark()
        .map_or(0, |m| original_offset(inserted, index_of(&m)))
        // An error at the end of the input (an unclosed `[`) points at the last line written.
        .min(src.text.trim_end().len());
    let message = match (e.context(), e.context_mark()) {
        (Some(context), Some(mark)) => format!(
            "invalid YAML: {} ({context} that starts at line {})",
            e.problem(),
            mark.line.saturating_add(1)
        ),
        _ => format!("invalid YAML: {}", e.problem()),
    };
    YamlError {
        loc: src.loc(at, at),
        message,
    }
}

/// A mapping key waiting for its value.
enum Key {
    Text(String, Loc),
    /// A plain `<<`: the value's entries are merged in.
    Merge,
    /// A collection used as a key: never meaningful in the files we read.
    Skip,
}

enum Kind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        /// Key to position in `entries`, built once a mapping is large enough to need it.
        index: Option<HashMap<String, usize>>,
        merged: Vec<Entry>,
        key: Option<Key>,
    },
}

/// A collection being built.
struct Frame {
    start: usize,
    anchor: Option<String>,
    /// Nodes in this subtree so far (the alias budget counts copies by it).
    size: usize,
    kind: Kind,
}

struct Builder<'s> {
    src: &'s Source,
    /// Spaces `load_all` inserted (see [`original_offset`]); empty for almost every file.
    inserted: &'s [usize],
    stack: Vec<Frame>,
    anchors: HashMap<String, (Node, usize)>,
    docs: Vec<Node>,
    direct: usize,
    expanded: usize,
}

fn index_of(m: &libyaml_safer::Mark) -> usize {
    usize::try_from(m.index).unwrap_or(usize::MAX)
}

impl Builder<'_> {
    fn event(&mut self, event: Event) -> Result<(), YamlError> {
        let start = original_offset(self.inserted, index_of(&event.start_mark));
        let end = original_offset(self.inserted, index_of(&event.end_mark));
        match event.data {
            EventData::DocumentStart { .. } => self.anchors.clear(),
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                self.direct += 1;
                let plain = style == ScalarStyle::Plain;
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let mut value = value;
                if block && end > self.src.text.len() && !self.src.text.ends_with('\n') {
                    // The newline `load_all` added is not the file's.
                    if value.ends_with('\n') {
                        value.pop();
                    }
                }
                let start = if block {
                    block_content_start(&self.src.text, start)
                } else {
                    start
                };
                let node = Node {
                    loc: self.src.loc(start, end),
                    value: resolve(&value, plain, tag.as_deref()),
                };
                let merge = plain && tag.is_none() && value == "<<";
                self.deliver(node, 1, anchor, Some(value), merge);
            }
            EventData::Alias { anchor } => {
                let Some((node, size)) = self.anchors.get(&anchor) else {
                    return Err(YamlError {
                        loc: self.src.loc(start, end),
                        message: format!("invalid YAML: found undefined alias `{anchor}`"),
                    });
                };
                self.expanded = self.expanded.saturating_add(*size);
                if self.expanded > ALIAS_BUDGET.saturating_add(self.direct.saturating_mul(10)) {
                    return Err(YamlError {
                        loc: self.src.loc(start, end),
                        message: format!(
                            "YAML aliases expand to more than {ALIAS_BUDGET} nodes beyond ten times the nodes written"
                        ),
                    });
                }
                let (node, size) = (node.clone(), *size);
                let text = node.scalar_text();
                self.deliver(node, size, None, text, false);
            }
            EventData::SequenceStart { anchor, .. } => {
                self.open(start, end, anchor, Kind::Seq(Vec::new()))?;
            }
            EventData::MappingStart { anchor, .. } => {
                let kind = Kind::Map {
                    entries: Vec::new(),
                    index: None,
                    merged: Vec::new(),
                    key: None,
                };
                self.open(start, end, anchor, kind)?;
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let value = match frame.kind {
                        Kind::Seq(items) => Value::Seq(items),
                        Kind::Map {
                            mut entries,
                            merged,
                            ..
                        } => {
                            // Explicit keys win over merged ones; the first merge source wins
                            // among merges.
                            for e in merged {
                                if !entries.iter().any(|o| o.key == e.key) {
                                    entries.push(e);
                                }
                            }
                            Value::Map(entries)
                        }
                    };
                    let node = Node {
                        loc: self.src.loc(frame.start, end.max(frame.start)),
                        value,
                    };
                    self.deliver(node, frame.size, frame.anchor, None, false);
                }
            }
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentEnd { .. } => {}
        }
        Ok(())
    }

    fn open(
        &mut self,
        start: usize,
        end: usize,
        anchor: Option<String>,
        kind: Kind,
    ) -> Result<(), YamlError> {
        self.direct += 1;
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                loc: self.src.loc(start, end),
                message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
            });
        }
        self.stack.push(Frame {
            start,
            anchor,
            size: 1,
            kind,
        });
        Ok(())
    }

    /// Hands a finished node to its parent (or, at the top, to the document list).
    /// `text` is a scalar's text as written, which a mapping key keeps.
    fn deliver(
        &mut self,
        node: Node,
        size: usize,
        anchor: Option<String>,
        text: Option<String>,
        merge: bool,
    ) {
        if let Some(name) = anchor {
            self.anchors.insert(name, (node.clone(), size));
        }
        let Some(frame) = self.stack.last_mut() else {
            if !node.is_null() {
                self.docs.push(node);
            }
            return;
        };
        frame.size = frame.size.saturating_add(size);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map {
                entries,
                index,
                merged,
                key,
            } => match key.take() {
                None => {
                    *key = Some(if merge {
                        Key::Merge
                    } else if let Some(t) = text {
                        Key::Text(t, node.loc)
                    } else {
                        Key::Skip
                    });
                }
                Some(Key::Text(k, key_loc)) => insert(entries, index, k, key_loc, node),
                Some(Key::Merge) => match node.value {
                    Value::Map(more) => merged.extend(more),
                    Value::Seq(items) => {
                        for item in items {
                            if let Value::Map(more) = item.value {
                                for e in more {
                                    if !merged.iter().any(|m| m.key == e.key) {
                                        merged.push(e);
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                },
                Some(Key::Skip) => {}
            },
        }
    }
}

/// Adds an entry; a duplicate key keeps its first position and takes the last value.
fn insert(
    entries: &mut Vec<Entry>,
    index: &mut Option<HashMap<String, usize>>,
    key: String,
    key_loc: Loc,
    value: Node,
) {
    const INDEX_FROM: usize = 32;
    if index.is_none() && entries.len() >= INDEX_FROM {
        let mut map = HashMap::with_capacity(entries.len() * 2);
        for (i, e) in entries.iter().enumerate() {
            map.entry(e.key.clone()).or_insert(i);
        }
        *index = Some(map);
    }
    let found = match index {
        Some(map) => map.get(&key).copied(),
        None => entries.iter().position(|e| e.key == key),
    };
    if let Some(i) = found {
        if let Some(e) = entries.get_mut(i) {
            e.key_loc = key_loc;
            e.value = value;
        }
        return;
    }
    if let Some(map) = index {
        map.insert(key.clone(), entries.len());
    }
    entries.push(Entry {
        key,
        key_loc,
        value,
    });
}

const CORE: &str = "tag:yaml.org,2002:";

/// A scalar's value: plain scalars by the schema in the module doc, quoted ones as strings,
/// core tags as they say.
fn resolve(text: &str, plain: bool, tag: Option<&str>) -> Value {
    let Some(tag) = tag else {
        return if plain {
            implicit(text)
        } else {
            Value::Str(text.to_string())
        };
    };
    let str_value = || Value::Str(text.to_string());
    match tag.strip_prefix(CORE) {
        Some("str" | "binary" | "timestamp") => str_value(),
        Some("null") => Value::Null,
        Some("bool") => match implicit(text) {
            b @ Value::Bool(_) => b,
            _ => match text {
                "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => Value::Bool(true),
                "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => Value::Bool(false),
                _ => str_value(),
            },
        },
        Some("int") => int(text).map_or_else(str_value, Value::Int),
        Some("float") => match implicit(text) {
            Value::Int(i) => Value::Float(i as f64),
            f @ Value::Float(_) => f,
            _ => str_value(),
        },
        // `!` (non-specific) forces a string; any other tag is a label we do not interpret.
        _ if tag == "!" => str_value(),
        _ if plain => implicit(text),
        _ => str_value(),
    }
}

/// A plain scalar's value.
fn implicit(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        _ => {
            let first = s.as_bytes()[0];
            if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
                return Value::Str(s.to_string());
            }
            if let Some(i) = int(s) {
                return Value::Int(i);
            }
            float(s).map_or_else(|| Value::Str(s.to_string()), Value::Float)
        }
    }
}

/// An integer: decimal, `0x`, `0o`, leading-zero octal, `0b`, with `_` separators.
fn int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if !body.as_bytes().first()?.is_ascii_digit() || body.ends_with('_') {
        return None;
    }
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || digits.starts_with('_') {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&clean, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// A float in YAML 1.2's notation (`1.5`, `.5`, `1.`, `1e3`, `-2.5E-3`), with `_` separators.
fn float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let mut digits = 0;
    let mut seen_dot = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => digits += 1,
            b'_' if digits > 0 => {}
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'-' | b'+') = b.get(i) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.replace('_', "").parse().ok()
}

/// Maps a location inside a block scalar back to the enclosing file: the text starts on the
/// line after the key (the value's own line, if the parser put the value there), indented two
/// columns past its key. Byte spans point at the whole value.
pub fn embedded_loc(inner: &Loc, key: &Loc, value: &Loc) -> Loc {
    let first = if value.line > key.line {
        value.line
    } else {
        key.line.saturating_add(1)
    };
    Loc {
        path: value.path.clone(),
        line: first.saturating_add(inner.line).saturating_sub(1),
        column: inner.column.saturating_add(key.column).saturating_add(1),
        start: value.start,
        end: value.end,
    }
}

/// A copy of a tree with every location mapped by `place`.
pub fn relocate(n: &Node, place: &dyn Fn(&Loc) -> Loc) -> Node {
    let value = match &n.value {
        Value::Seq(items) => Value::Seq(items.iter().map(|i| relocate(i, place)).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_loc: place(&e.key_loc),
                    value: relocate(&e.value, place),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        loc: place(&n.loc),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Vec<Node> {
        load_all(&Source::new("t.yaml", text)).unwrap()
    }

    #[test]
    fn documents_keys_and_values_carry_locations() {
        let docs = load("a: 1\n---\nkind: Service\nmetadata:\n  name: web\n");
        assert_eq!(docs.len(), 2);
        let name = docs[1].at(&["metadata", "name"]).unwrap();
        assert_eq!((name.loc.line, name.loc.column), (5, 9));
        let e = docs[1].get("metadata").unwrap().entry("name").unwrap();
        assert_eq!((e.key_loc.line, e.key_loc.column), (5, 3));
        assert_eq!(docs[1].get("kind").unwrap().as_str(), Some("Service"));
    }

    #[test]
    fn merge_keys_are_expanded_and_explicit_keys_win() {
        let docs = load(".base: &b\n  image: a\n  stage: test\njob:\n  <<: *b\n  stage: deploy\n");
        let job = docs[0].get("job").unwrap();
        assert_eq!(job.get("image").unwrap().as_str(), Some("a"));
        assert_eq!(job.get("stage").unwrap().as_str(), Some("deploy"));
        assert!(job.get("<<").is_none());
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = load_all(&Source::new("t.yaml", "a: [1, 2\nb: c\n")).unwrap_err();
        assert_eq!(e.loc.path.as_ref(), "t.yaml");
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any text loads or fails with a location inside the file; never a panic.
        #[test]
        fn arbitrary_text_never_panics(text in "(?s).{0,200}") {
            let src = Source::new("p.yaml", text.clone());
            if let Err(e) = load_all(&src) {
                proptest::prop_assert!(e.loc.line >= 1 && e.loc.start <= text.len());
            }
        }

        /// YAML-shaped noise (indentation, dashes, colons, anchors, merges) too.
        #[test]
        fn yaml_shaped_noise_never_panics(parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("a: 1\n"), proptest::strategy::Just("- x\n"),
                proptest::strategy::Just("  b: &x {c: d}\n"), proptest::strategy::Just("<<: *x\n"),
                proptest::strategy::Just("---\n"), proptest::strategy::Just("k: [1, {\n"),
                proptest::strategy::Just("\t"), proptest::strategy::Just("? q\n"),
                proptest::strategy::Just("e: \"\\u00e9\"\n"), proptest::strategy::Just("<<: [*x, *y]\n"),
            ], 0..24)) {
            let text: String = parts.concat();
            let src = Source::new("p.yaml", text.clone());
            if let Err(e) = load_all(&src) {
                proptest::prop_assert!(e.loc.line >= 1 && e.loc.start <= text.len());
            }
        }
    }

    #[test]
    fn hostile_inputs_fail_cleanly() {
        use std::fmt::Write as _;
        // Deep nesting and an alias bomb: errors with a location, no stack overflow.
        let deep = "[".repeat(100_000);
        assert!(load_all(&Source::new("d.yaml", deep)).is_err());
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            let _ = writeln!(bomb, "a{i}: &a{i} [{items}]");
        }
        assert!(load_all(&Source::new("b.yaml", bomb)).is_err());
    }

    #[test]
    fn a_tag_directly_before_a_comma_reads_with_locations_of_the_file() {
        // libyaml-safer panics on `!!str,` in a flow collection; the file is read again with a
        // space before the comma, and every location is the file's own.
        let docs = load("a: [!!str, \"!x,\", b]\nc: {d: !!str, e: f}\n");
        let a = docs[0].get("a").unwrap();
        let Value::Seq(items) = &a.value else {
            panic!("{a:?}")
        };
        let texts: Vec<_> = items.iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(texts, ["", "!x,", "b"]);
        assert_eq!((items[2].loc.line, items[2].loc.column), (1, 19));
        let e = docs[0].at(&["c", "e"]).unwrap();
        assert_eq!((e.as_str(), e.loc.line, e.loc.column), (Some("f"), 2, 18));
        let key = &docs[0].entry("c").unwrap().key_loc;
        assert_eq!((key.line, key.column), (2, 1));
        // A syntax error after such a comma points into the file, not into the spaced text.
        let err = load_all(&Source::new("t.yaml", "a: [!!str, b]\nc: [x, y\n")).unwrap_err();
        assert_eq!(err.loc.line, 2, "{}", err.message);
    }

    #[test]
    fn empty_documents_are_dropped() {
        assert!(load("---\n---\n").is_empty());
        assert_eq!(load("# only a comment\n---\na: 1\n").len(), 1);
    }
}
