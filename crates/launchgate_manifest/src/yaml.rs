//! Spanned YAML loading for launchgate's own files: a YAML document becomes a JSON value (for
//! typed deserialization) plus an index from JSON pointer to source span (for diagnostics).

use std::collections::BTreeMap;

use saphyr::{AnnotatedMapping, LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};

use crate::diag::{ConfigError, SourceFile};

/// A region of a source file: 1-based line and column of its start, byte offsets for snippets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
}

/// Where a node sits: the span of its value and, for mapping entries, of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpan {
    pub key: Option<Span>,
    pub value: Span,
}

/// JSON pointer (`/dependencies/0/timeout_ms`) to the node's spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanIndex {
    nodes: BTreeMap<String, NodeSpan>,
}

impl SpanIndex {
    pub fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        self.nodes.get(pointer)
    }

    /// The node at `pointer`, or its nearest existing ancestor (a missing key is reported
    /// where it should have been written).
    pub fn nearest(&self, pointer: &str) -> Option<(&str, &NodeSpan)> {
        let mut p = pointer;
        loop {
            if let Some((k, v)) = self.nodes.get_key_value(p) {
                return Some((k.as_str(), v));
            }
            if p.is_empty() {
                return None;
            }
            p = p.rfind('/').map_or("", |i| &p[..i]);
        }
    }
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Char-indexed to byte-indexed position conversion (saphyr counts characters).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// Byte offset of a 1-based line and 0-based character column.
    fn byte(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .nth(col)
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        let start = self.byte(s.start.line(), s.start.col());
        let end = self.byte(s.end.line(), s.end.col()).max(start);
        Span {
            line: u32::try_from(s.start.line()).unwrap_or(u32::MAX),
            column: u32::try_from(s.start.col() + 1).unwrap_or(u32::MAX),
            start,
            end,
        }
    }
}

/// Loads a single-document YAML file into a JSON value and its span index.
/// An empty file is an empty mapping.
pub fn load(file: &SourceFile) -> Result<(Value, SpanIndex), ConfigError> {
    let docs = MarkedYaml::load_from_str(&file.text).map_err(|e| {
        let m = e.marker();
        let idx = LineIndex::new(&file.text);
        let start = idx.byte(m.line(), m.col());
        ConfigError::at(
            file,
            Span {
                line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
                start,
                end: start,
            },
            format!("invalid YAML: {}", e.info()),
        )
        .help("check the indentation and quoting around this position")
    })?;
    if docs.len() > 1 {
        let idx = LineIndex::new(&file.text);
        return Err(ConfigError::at(
            file,
            idx.span(&docs[1].span),
            "expected a single YAML document, found several (`---` separators)",
        )
        .help("keep one document per file"));
    }
    let idx = LineIndex::new(&file.text);
    let mut spans = SpanIndex::default();
    let Some(doc) = docs.first() else {
        return Ok((Value::Object(Map::new()), spans));
    };
    let value = convert(doc, "", None, &idx, &mut spans, file)?;
    Ok((value, spans))
}

fn convert(
    node: &MarkedYaml<'_>,
    pointer: &str,
    key: Option<Span>,
    idx: &LineIndex<'_>,
    spans: &mut SpanIndex,
    file: &SourceFile,
) -> Result<Value, ConfigError> {
    let span = idx.span(&node.span);
    spans
        .nodes
        .insert(pointer.to_string(), NodeSpan { key, value: span });
    Ok(match &node.data {
        YamlData::Value(s) => scalar(s, span, file)?,
        YamlData::Representation(s, _, _) => Value::String(s.to_string()),
        YamlData::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert(
                    item,
                    &format!("{pointer}/{i}"),
                    None,
                    idx,
                    spans,
                    file,
                )?);
            }
            Value::Array(out)
        }
        YamlData::Mapping(map) => mapping(map, pointer, idx, spans, file)?,
        YamlData::Tagged(_, inner) => convert(inner, pointer, key, idx, spans, file)?,
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err(ConfigError::at(file, span, "unsupported YAML value here"));
        }
    })
}

fn mapping(
    map: &AnnotatedMapping<'_, MarkedYaml<'_>>,
    pointer: &str,
    idx: &LineIndex<'_>,
    spans: &mut SpanIndex,
    file: &SourceFile,
) -> Result<Value, ConfigError> {
    let mut out = Map::new();
    for (k, v) in map {
        let kspan = idx.span(&k.span);
        let name = match &k.data {
            YamlData::Value(Scalar::String(s)) => s.to_string(),
            YamlData::Value(Scalar::Integer(i)) => i.to_string(),
            YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
            YamlData::Value(Scalar::FloatingPoint(f)) => f.to_string(),
            _ => {
                return Err(ConfigError::at(
                    file,
                    kspan,
                    "mapping keys must be plain strings",
                ));
            }
        };
        let child = format!("{pointer}/{}", escape_segment(&name));
        let value = convert(v, &child, Some(kspan), idx, spans, file)?;
        out.insert(name, value);
    }
    Ok(Value::Object(out))
}

fn scalar(s: &Scalar<'_>, span: Span, file: &SourceFile) -> Result<Value, ConfigError> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => {
            Value::Number(Number::from_f64(f.into_inner()).ok_or_else(|| {
                ConfigError::at(file, span, "numbers must be finite (no .nan or .inf)")
            })?)
        }
        Scalar::String(s) => Value::String(s.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceFile {
        SourceFile::new("t.yaml", text)
    }

    #[test]
    fn records_key_and_value_spans_by_pointer() {
        let f = src("service: api\ndependencies:\n  - name: db\n    timeout_ms: 800\n");
        let (v, spans) = load(&f).unwrap();
        assert_eq!(v["dependencies"][0]["timeout_ms"], 800);
        let n = spans.get("/dependencies/0/timeout_ms").unwrap();
        assert_eq!((n.value.line, n.value.column), (4, 17));
        let k = n.key.unwrap();
        assert_eq!((k.line, k.column), (4, 5));
        assert_eq!(&f.text[k.start..k.start + 10], "timeout_ms");
    }

    #[test]
    fn byte_offsets_account_for_multibyte_characters() {
        let f = src("description: \"héllo wörld\"\ntier: 1\n");
        let (_, spans) = load(&f).unwrap();
        let k = spans.get("/tier").unwrap().key.unwrap();
        assert_eq!(&f.text[k.start..k.start + 4], "tier");
    }

    #[test]
    fn nearest_falls_back_to_the_closest_ancestor() {
        let f = src("claims:\n  backups:\n    automated: true\n");
        let (_, spans) = load(&f).unwrap();
        let (p, n) = spans.nearest("/claims/backups/retention_days").unwrap();
        assert_eq!(p, "/claims/backups");
        assert_eq!(n.key.unwrap().line, 2);
    }

    #[test]
    fn syntax_errors_and_multiple_documents_are_located() {
        let e = load(&src("a: [1, 2\nb: c\n")).unwrap_err();
        assert!(e.to_string().starts_with("t.yaml:"), "{e}");
        let e = load(&src("a: 1\n---\nb: 2\n")).unwrap_err();
        assert!(e.to_string().starts_with("t.yaml:3:1:"), "{e}");
    }

    #[test]
    fn empty_file_is_an_empty_mapping() {
        let (v, _) = load(&src("")).unwrap();
        assert_eq!(v, Value::Object(Map::new()));
    }
}
