//! Node kinds and fields without tree-sitter's string conversions.
//!
//! `Node::kind` turns the grammar's C string into a `&str` on every call (a `strlen` and a UTF-8
//! check), and `Node::child_by_field_name` looks the field's name up among every field of the
//! grammar on every call. The readers ask both millions of times on a large repository, and the
//! two took a tenth of the source layer's instructions. [`Syntax`] answers the same questions from
//! tables: a node's kind is its numeric id looked up in the grammar's list of names (built once),
//! and a field's id is looked up once per call site and thread.

use std::cell::{Cell, RefCell};
use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use tree_sitter::{Language, Node};

/// Node kind names by numeric id, for each grammar the layer parses with.
static KINDS: LazyLock<Vec<(Language, Vec<&'static str>)>> = LazyLock::new(|| {
    [
        crate::Language::TypeScript,
        crate::Language::Tsx,
        crate::Language::JavaScript,
        crate::Language::Python,
        crate::Language::Go,
        crate::Language::Java,
    ]
    .into_iter()
    .map(|l| {
        let language = l.grammar();
        let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
        let kinds = (0..count)
            .map(|id| language.node_kind_for_id(id).unwrap_or(""))
            .collect();
        (language, kinds)
    })
    .collect()
});

/// Field ids of one grammar by the address and length of the name asked for, filled as names
/// are asked for; `None` for a name the grammar lacks.
struct Fields {
    language: Language,
    ids: FxHashMap<(usize, usize), Option<u16>>,
}

thread_local! {
    static FIELDS: RefCell<Vec<Fields>> = const { RefCell::new(Vec::new()) };
    /// The position in [`KINDS`] of the grammar asked about last: a file's nodes, asked about
    /// millions of times, share one grammar.
    static LAST_GRAMMAR: Cell<usize> = const { Cell::new(0) };
}

/// The id of field `name` in `node`'s grammar.
fn field_id(node: &Node<'_>, name: &'static str) -> Option<u16> {
    let language = node.language();
    // Call sites pass literals: the map is keyed by where the literal lives.
    let key = (name.as_ptr() as usize, name.len());
    FIELDS.with(|f| {
        let mut grammars = f.borrow_mut();
        let at = match grammars.iter().position(|g| g.language == *language) {
            Some(i) => i,
            None => {
                grammars.push(Fields {
                    language: (*language).clone(),
                    ids: FxHashMap::default(),
                });
                grammars.len() - 1
            }
        };
        let fields = grammars.get_mut(at)?;
        *fields
            .ids
            .entry(key)
            .or_insert_with(|| language.field_id_for_name(name).map(u16::from))
    })
}

/// What the readers ask of a node, answered from per-grammar tables.
pub(crate) trait Syntax<'t>: Sized {
    /// The node's kind, as `Node::kind` says it.
    fn ty(&self) -> &'static str;
    /// The child in field `name`, as `Node::child_by_field_name` finds it.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> Syntax<'t> for Node<'t> {
    fn ty(&self) -> &'static str {
        let language = self.language();
        let grammars = &*KINDS;
        let last = LAST_GRAMMAR.with(Cell::get);
        let grammar = match grammars.get(last) {
            Some(g) if g.0 == *language => Some(g),
            _ => grammars
                .iter()
                .position(|(l, _)| *l == *language)
                .and_then(|i| {
                    LAST_GRAMMAR.with(|c| c.set(i));
                    grammars.get(i)
                }),
        };
        let kind = grammar.and_then(|(_, kinds)| kinds.get(usize::from(self.kind_id())).copied());
        match kind {
            Some(k) if !k.is_empty() => k,
            _ => self.kind(),
        }
    }

    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        field_id(self, name).and_then(|id| self.child_by_field_id(id))
    }
}

#[cfg(test)]
mod tests {
    use super::Syntax;
    use crate::Language;
    use tree_sitter::{Node, Parser};

    fn all<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
        out.push(node);
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            all(child, out);
        }
    }

    /// Every node of a file in each grammar: the tables say what tree-sitter says.
    #[test]
    fn kinds_and_fields_agree_with_tree_sitter() {
        let cases = [
            (
                Language::TypeScript,
                "const a = axios.get(url, { timeout: 5 }) as any;\n",
            ),
            (
                Language::Tsx,
                "export const A = () => <div onClick={() => f(1)} />;\n",
            ),
            (
                Language::JavaScript,
                "app.get('/x', auth, (req, res) => res.send(1));\n",
            ),
            (
                Language::Python,
                "def f(x):\n    return requests.get(x, timeout=None)\n",
            ),
            (
                Language::Go,
                "package m\nfunc f() { c := &http.Client{Timeout: 1}; c.Get(u) }\n",
            ),
            (
                Language::Java,
                "class A { void f() { client.send(req, h); } }\n",
            ),
        ];
        let fields = [
            "function",
            "arguments",
            "name",
            "body",
            "value",
            "left",
            "right",
            "object",
            "property",
            "type",
            "operand",
            "field",
            "key",
            "declarator",
            "no_such_field",
        ];
        for (language, text) in cases {
            let mut parser = Parser::new();
            assert!(parser.set_language(&language.grammar()).is_ok());
            let tree = parser.parse(text, None);
            assert!(tree.is_some(), "{language:?}");
            let Some(tree) = tree else { continue };
            let mut nodes = Vec::new();
            all(tree.root_node(), &mut nodes);
            assert!(nodes.len() > 5, "{language:?}");
            for node in nodes {
                assert_eq!(node.ty(), node.kind(), "{language:?}");
                for f in fields {
                    assert_eq!(
                        node.field(f),
                        node.child_by_field_name(f),
                        "{language:?} {f}"
                    );
                }
            }
        }
    }
}
