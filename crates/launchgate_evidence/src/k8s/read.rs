//! Typed, located reads of manifest fields: a missing key and an explicit `null` both mean
//! "absent", and a value of the wrong shape becomes an [`EvidenceError`] naming the field path
//! (`expected a mapping for spec.template, found a string`).

use std::collections::BTreeMap;
use std::fmt;

use super::{IntOrPercent, Located};
use crate::yaml::{Entry, Node, Value};
use crate::{EvidenceError, FileKind, Loc};

/// One step of a field path.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A field path such as `spec.template.spec.containers[0]`, built on the stack and only
/// formatted when an error is reported.
#[derive(Debug, Clone, Copy)]
pub(super) struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    seg: Option<Seg<'a>>,
}

impl<'a> FieldPath<'a> {
    /// The document itself.
    pub(super) const ROOT: FieldPath<'static> = FieldPath {
        parent: None,
        seg: None,
    };

    pub(super) fn key(&'a self, key: &'a str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            seg: Some(Seg::Key(key)),
        }
    }

    pub(super) fn index(&'a self, index: usize) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            seg: Some(Seg::Index(index)),
        }
    }

    fn is_root(&self) -> bool {
        self.seg.is_none() && self.parent.is_none_or(FieldPath::is_root)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parent_written = match self.parent {
            Some(p) if !p.is_root() => {
                p.fmt(f)?;
                true
            }
            _ => false,
        };
        match self.seg {
            Some(Seg::Key(k)) if parent_written => write!(f, ".{k}"),
            Some(Seg::Key(k)) => f.write_str(k),
            Some(Seg::Index(i)) => write!(f, "[{i}]"),
            None if parent_written => Ok(()),
            None => f.write_str("the document"),
        }
    }
}

/// What a node is, for error messages.
pub(super) fn describe(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// The entry for `key` unless it is missing or `null`.
pub(super) fn present<'n>(parent: &'n Node, key: &str) -> Option<&'n Entry> {
    parent.entry(key).filter(|e| !e.value.is_null())
}

/// Reads fields and collects the errors of one file.
#[derive(Debug)]
pub(super) struct Reader<'e> {
    errors: &'e mut Vec<EvidenceError>,
}

impl<'e> Reader<'e> {
    pub(super) fn new(errors: &'e mut Vec<EvidenceError>) -> Reader<'e> {
        Reader { errors }
    }

    pub(super) fn error(&mut self, loc: &Loc, message: String) {
        self.errors.push(EvidenceError::new(
            loc.clone(),
            FileKind::Kubernetes,
            message,
        ));
    }

    /// Reports that `node` (at `path`) is not `expected`.
    pub(super) fn wrong(&mut self, node: &Node, expected: &str, path: &FieldPath<'_>) {
        let message = format!("expected {expected} for {path}, found {}", describe(node));
        self.error(&node.loc, message);
    }

    /// The mapping entry `parent[key]`.
    pub(super) fn map_entry<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<&'n Entry> {
        let e = present(parent, key)?;
        if e.value.is_map() {
            Some(e)
        } else {
            self.wrong(&e.value, "a mapping", &path.key(key));
            None
        }
    }

    /// The mapping `parent[key]`.
    pub(super) fn map<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<&'n Node> {
        self.map_entry(parent, key, path).map(|e| &e.value)
    }

    /// The list `parent[key]` (empty when absent or not a list).
    pub(super) fn seq<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> &'n [Node] {
        let Some(e) = present(parent, key) else {
            return &[];
        };
        if let Value::Seq(items) = &e.value.value {
            items
        } else {
            self.wrong(&e.value, "a list", &path.key(key));
            &[]
        }
    }

    /// A list item that must be a mapping; `null` items are skipped silently.
    pub(super) fn item_map<'n>(
        &mut self,
        item: &'n Node,
        path: &FieldPath<'_>,
    ) -> Option<&'n Node> {
        match item.value {
            Value::Map(_) => Some(item),
            Value::Null => None,
            _ => {
                self.wrong(item, "a mapping", path);
                None
            }
        }
    }

    /// A scalar read as text (`8080` reads as `"8080"`).
    pub(super) fn string(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<Located<String>> {
        let e = present(parent, key)?;
        self.scalar_text(&e.value, &path.key(key))
    }

    /// A scalar node as text.
    pub(super) fn scalar_text(
        &mut self,
        node: &Node,
        path: &FieldPath<'_>,
    ) -> Option<Located<String>> {
        if let Some(text) = node.scalar_text() {
            Some(Located::new(text, node.loc.clone()))
        } else {
            if !node.is_null() {
                self.wrong(node, "a string", path);
            }
            None
        }
    }

    /// The text of a scalar, without location.
    pub(super) fn text(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<String> {
        self.string(parent, key, path).map(|l| l.value)
    }

    /// An integer; quoted integers (`"3"`) are accepted.
    pub(super) fn int(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<Located<i64>> {
        let e = present(parent, key)?;
        if let Some(i) = e.value.as_i64() {
            Some(Located::new(i, e.value.loc.clone()))
        } else {
            self.wrong(&e.value, "an integer", &path.key(key));
            None
        }
    }

    /// A boolean; the YAML 1.1 spellings in strings (`"yes"`) are accepted.
    pub(super) fn boolean(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<Located<bool>> {
        let e = present(parent, key)?;
        if let Some(b) = e.value.as_bool() {
            Some(Located::new(b, e.value.loc.clone()))
        } else {
            self.wrong(&e.value, "a boolean", &path.key(key));
            None
        }
    }

    /// An integer or a percentage (`1`, `"25%"`).
    pub(super) fn int_or_percent(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Option<Located<IntOrPercent>> {
        let e = present(parent, key)?;
        let parsed = match &e.value.value {
            Value::Int(i) => Some(IntOrPercent::Int(*i)),
            Value::Str(s) => IntOrPercent::parse(s),
            _ => None,
        };
        if let Some(v) = parsed {
            Some(Located::new(v, e.value.loc.clone()))
        } else {
            self.wrong(&e.value, "an integer or a percentage", &path.key(key));
            None
        }
    }

    /// A list of scalars.
    pub(super) fn strings(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> Vec<Located<String>> {
        let items = self.seq(parent, key, path);
        let list_path = path.key(key);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(s) = self.scalar_text(item, &list_path.index(i)) {
                out.push(s);
            }
        }
        out
    }

    /// A mapping of scalars (labels, node selectors), values as text.
    pub(super) fn string_map(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> BTreeMap<String, String> {
        self.located_map(parent, key, path)
            .into_iter()
            .map(|(k, v)| (k, v.value))
            .collect()
    }

    /// A mapping of scalars with the location of each value (annotations).
    pub(super) fn located_map(
        &mut self,
        parent: &Node,
        key: &str,
        path: &FieldPath<'_>,
    ) -> BTreeMap<String, Located<String>> {
        let mut out = BTreeMap::new();
        let Some(map) = self.map(parent, key, path) else {
            return out;
        };
        let map_path = path.key(key);
        for e in map.as_map() {
            if e.value.is_null() {
                // `key:` with no value is an empty string to the API server.
                out.insert(
                    e.key.clone(),
                    Located::new(String::new(), e.value.loc.clone()),
                );
            } else if let Some(v) = self.scalar_text(&e.value, &map_path.key(&e.key)) {
                out.insert(e.key.clone(), v);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_format_keys_and_indices() {
        let root = FieldPath::ROOT;
        let spec = root.key("spec");
        let cs = spec.key("containers");
        let c0 = cs.index(0);
        let img = c0.key("image");
        assert_eq!(img.to_string(), "spec.containers[0].image");
        assert_eq!(root.to_string(), "the document");
        let items = root.key("items");
        let i2 = items.index(2);
        assert_eq!(i2.to_string(), "items[2]");
    }
}
