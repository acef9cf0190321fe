//! A located YAML tree for repository files: every node and every mapping key keeps its
//! [`Loc`]. Multi-document streams load as one tree per document; `<<` merge keys are expanded
//! (GitLab CI and many Kubernetes files rely on them, and saphyr follows YAML 1.2, which has none).

use saphyr::{AnnotatedMapping, LoadableYamlNode, MarkedYaml, Scalar, YamlData};

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
    let docs = MarkedYaml::load_from_str(&src.text).map_err(|e| {
        let m = e.marker();
        YamlError {
            loc: src.loc_at_char(m.line(), m.col()),
            message: format!("invalid YAML: {}", e.info()),
        }
    })?;
    let mut out = Vec::with_capacity(docs.len());
    for doc in &docs {
        let node = convert(doc, src, 0)?;
        if !node.is_null() {
            out.push(node);
        }
    }
    Ok(out)
}

const MAX_DEPTH: usize = 256;

fn loc_of(node: &MarkedYaml<'_>, src: &Source) -> Loc {
    let s = src.byte_of(node.span.start.line(), node.span.start.col());
    let e = src.byte_of(node.span.end.line(), node.span.end.col());
    src.loc(s, e.max(s))
}

fn convert(node: &MarkedYaml<'_>, src: &Source, depth: usize) -> Result<Node, YamlError> {
    let loc = loc_of(node, src);
    if depth > MAX_DEPTH {
        return Err(YamlError {
            loc,
            message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
        });
    }
    let value = match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(s, _, _) => Value::Str(s.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|i| convert(i, src, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => Value::Map(mapping(map, src, depth)?),
        YamlData::Tagged(_, inner) => return convert(inner, src, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Ok(Node { loc, value })
}

fn mapping(
    map: &AnnotatedMapping<'_, MarkedYaml<'_>>,
    src: &Source,
    depth: usize,
) -> Result<Vec<Entry>, YamlError> {
    let mut out: Vec<Entry> = Vec::with_capacity(map.len());
    let mut merged: Vec<Entry> = Vec::new();
    for (k, v) in map {
        let key_loc = loc_of(k, src);
        let key = match &k.data {
            YamlData::Value(s) => match scalar(s) {
                Value::Str(s) => s,
                Value::Int(i) => i.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Float(f) => f.to_string(),
                _ => "null".to_string(),
            },
            YamlData::Representation(s, _, _) => s.to_string(),
            // Complex keys never carry meaning in the files we read.
            _ => continue,
        };
        let value = convert(v, src, depth + 1)?;
        if key == "<<" {
            match value.value {
                Value::Map(entries) => merged.extend(entries),
                Value::Seq(items) => {
                    for item in items {
                        if let Value::Map(entries) = item.value {
                            for e in entries {
                                if !merged_has(&merged, &e.key) {
                                    merged.push(e);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        out.push(Entry {
            key,
            key_loc,
            value,
        });
    }
    // Explicit keys win over merged ones; the first merge source wins among merges.
    for e in merged {
        if !out.iter().any(|o| o.key == e.key) {
            out.push(e);
        }
    }
    Ok(out)
}

fn merged_has(merged: &[Entry], key: &str) -> bool {
    merged.iter().any(|e| e.key == key)
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
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
    fn empty_documents_are_dropped() {
        assert!(load("---\n---\n").is_empty());
        assert_eq!(load("# only a comment\n---\na: 1\n").len(), 1);
    }
}
