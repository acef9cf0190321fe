//! What every language reader needs from a syntax tree: node text, locations, a pre-order walk,
//! the names bound to values in the file, and the enclosing function of a node.

use crate::syntax::Syntax;
use std::collections::BTreeMap;

use tree_sitter::Node;

use crate::{Fact, FactKind};

/// A parsed file: its text and the root of its tree.
pub struct File<'t> {
    pub text: &'t str,
    pub root: Node<'t>,
    /// Every named node, in pre-order: listed once, read by every reader.
    nodes: Vec<Node<'t>>,
    /// The kind of each node of `nodes`, looked up once: the readers filter the list by kind
    /// dozens of times.
    kinds: Vec<&'static str>,
}

impl<'t> File<'t> {
    pub fn new(text: &'t str, root: Node<'t>) -> File<'t> {
        let nodes = named_nodes(root);
        let kinds = nodes.iter().map(Syntax::ty).collect();
        File {
            text,
            root,
            nodes,
            kinds,
        }
    }

    /// The nodes of kind `kind`, in pre-order.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Node<'t>> + 'a {
        self.typed()
            .filter(move |(_, k)| *k == kind)
            .map(|(n, _)| n)
    }

    /// Every node with its kind, in pre-order.
    pub fn typed(&self) -> impl Iterator<Item = (&Node<'t>, &'static str)> {
        self.nodes.iter().zip(self.kinds.iter().copied())
    }

    /// The text of a node.
    pub fn text(&self, node: Node<'_>) -> &'t str {
        self.text
            .get(node.start_byte()..node.end_byte())
            .unwrap_or("")
    }

    /// Every node of the tree, named ones only, in pre-order.
    pub fn nodes(&self) -> &[Node<'t>] {
        &self.nodes
    }

    /// A fact at a node, inside the function `function` names.
    pub fn fact(&self, node: Node<'_>, function: Option<String>, kind: FactKind) -> Fact {
        let p = node.start_position();
        let line_start = node.start_byte() - p.column.min(node.start_byte());
        let column = self
            .text
            .get(line_start..node.start_byte())
            .map_or(p.column, |s| s.chars().count());
        Fact {
            line: u32::try_from(p.row + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            function,
            kind,
            accepted: crate::accepted::at(self.text, node.start_byte()),
        }
    }

    /// The 1-based line of a node.
    pub fn line(node: Node<'_>) -> u32 {
        u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
    }

    /// The name of the nearest enclosing node for which `name_of` gives a name.
    pub fn enclosing(
        &self,
        node: Node<'t>,
        name_of: impl Fn(&File<'t>, Node<'t>) -> Option<String>,
    ) -> Option<String> {
        self.ancestors(node)
            .into_iter()
            .rev()
            .find_map(|n| name_of(self, n))
    }

    /// The ancestors of a node, the root first.
    pub fn ancestors(&self, node: Node<'t>) -> Vec<Node<'t>> {
        // Found in one walk down from the root: `Node::parent` walks down from the root on
        // every call, which made the walk up quadratic in the depth.
        let mut ancestors = Vec::new();
        let mut at = self.root;
        while at != node {
            ancestors.push(at);
            match at.child_with_descendant(node) {
                Some(child) if child != at => at = child,
                _ => break,
            }
        }
        if at != node {
            // Not in this tree: walk up as tree-sitter links it.
            ancestors.clear();
            let mut up = node.parent();
            while let Some(n) = up {
                ancestors.push(n);
                up = n.parent();
            }
            ancestors.reverse();
        }
        ancestors
    }
}

/// Every named node under `root`, in pre-order.
fn named_nodes(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_named() {
            out.push(node);
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Names bound to values in a file: `name = value` in whatever form the language writes it, the
/// name as written (`client`, `self.session`, `this.http`). Every binding of a name is kept, in
/// source order.
#[derive(Default)]
pub struct Bindings<'t> {
    map: BTreeMap<String, Vec<Node<'t>>>,
}

impl<'t> Bindings<'t> {
    pub fn bind(&mut self, name: &str, value: Node<'t>) {
        self.bind_owned(name.split_whitespace().collect(), value);
    }

    pub fn bind_owned(&mut self, name: String, value: Node<'t>) {
        self.map.entry(name).or_default().push(value);
    }

    /// The values bound to `name`.
    pub fn values(&self, name: &str) -> &[Node<'t>] {
        self.map
            .get(name.split_whitespace().collect::<String>().as_str())
            .map_or(&[], Vec::as_slice)
    }

    /// The members of `name` assigned in the file (`payload.password = ...`,
    /// `data["token"] = ...`): each member's key as written after the name (`.password`,
    /// `["token"]`) and its values, in key order.
    pub fn members<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a [Node<'t>])> {
        self.map
            .range::<str, _>((std::ops::Bound::Excluded(name), std::ops::Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(name))
            .filter_map(move |(k, v)| {
                let rest = &k[name.len()..];
                (rest.starts_with('.') || rest.starts_with('[')).then_some((rest, v.as_slice()))
            })
    }

    /// The value bound to `name` that a use of the name at `at` sees, for which `pick` gives
    /// something: a binding inside another function is not seen (`client` in one function is not
    /// `client` in the next); of the bindings seen, the innermost function's first, and in one
    /// function the last one written before the use first. A member name (`self.session`,
    /// `this.http`) is bound in one method and used in another: every binding of it is seen.
    pub fn find<T>(
        &self,
        name: &str,
        at: Node<'t>,
        mut pick: impl FnMut(Node<'t>) -> Option<T>,
    ) -> Option<T> {
        let values = self.values(name);
        if name.contains('.') || values.len() <= 1 && values.iter().all(|v| in_scope(*v, at)) {
            return values.iter().find_map(|v| pick(*v));
        }
        let mut seen: Vec<(usize, bool, usize, Node<'t>)> = values
            .iter()
            .filter(|v| in_scope(**v, at))
            .map(|v| {
                let depth = function_of(*v).map_or(0, |f| depth(f));
                let before = v.start_byte() <= at.start_byte();
                (depth, before, v.start_byte(), *v)
            })
            .collect();
        // Innermost scope first; bindings before the use, the nearest first; then after.
        seen.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(if a.1 { b.2.cmp(&a.2) } else { a.2.cmp(&b.2) })
        });
        seen.into_iter().find_map(|(_, _, _, v)| pick(v))
    }
}

/// Whether a node is a function, method or lambda of one of the languages read.
fn is_function(n: Node<'_>) -> bool {
    matches!(
        n.ty(),
        "function_definition"
            | "lambda"
            | "function_declaration"
            | "method_declaration"
            | "func_literal"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "generator_function"
            | "constructor_declaration"
            | "lambda_expression"
    )
}

/// The innermost function, method or lambda around a node.
pub fn function_of(n: Node<'_>) -> Option<Node<'_>> {
    let mut at = n.parent();
    while let Some(p) = at {
        if is_function(p) {
            return Some(p);
        }
        at = p.parent();
    }
    None
}

/// Whether something written at `binding` (a value bound to a name, an assignment to a field)
/// is seen at `at`: it is at the top level of the file, or `at` is inside its function.
pub fn in_scope(binding: Node<'_>, at: Node<'_>) -> bool {
    function_of(binding)
        .is_none_or(|f| f.start_byte() <= at.start_byte() && at.end_byte() <= f.end_byte())
}

fn depth(mut n: Node<'_>) -> usize {
    let mut d = 0;
    while let Some(p) = n.parent() {
        d += 1;
        n = p;
    }
    d
}

/// Text without whitespace, to compare callees written over several lines: `app.get`,
/// `requests.Session().get`.
pub(crate) fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

/// A node's named children, comments left out.
pub(crate) fn named_children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| c.ty() != "comment")
        .collect()
}

/// The arguments of a call, comments left out.
pub(crate) fn args(call: Node<'_>) -> Vec<Node<'_>> {
    call.field("arguments")
        .map(named_children)
        .unwrap_or_default()
}
