//! Raw (unevaluated) expressions: a small located copy of hcl-edit's expression tree, kept from
//! `parse` until `assemble` can resolve variables and locals across the files of a directory.

use std::fmt::Write as _;

use hcl_edit::Span;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};

use crate::source::{Loc, Source};

/// An expression with the location of its text.
#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub loc: Loc,
    pub kind: ExprKind,
}

#[derive(Debug, Clone)]
pub(crate) enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Expr>),
    Object(Vec<(Key, Expr)>),
    /// A quoted string with interpolations or directives, or a heredoc (with the number of
    /// leading spaces a `<<-` heredoc strips; 0 for `<<`).
    Template(Vec<Part>, Option<usize>),
    Traversal(Trav),
    Call {
        name: String,
        args: Vec<Expr>,
        expand_final: bool,
    },
    Unary {
        op: UnaryOperator,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOperator,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// Never evaluated (conditional, `for` expression); the children only feed references.
    Opaque {
        what: &'static str,
        children: Vec<Expr>,
    },
}

/// An object key: a bare name, or an expression (`"b" = 1`, `(var.k) = 1`).
#[derive(Debug, Clone)]
pub(crate) enum Key {
    Name(String),
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Lit(String),
    Interp(Expr),
    /// `%{ if }` / `%{ for }`: the template is unknown; the expressions feed references.
    Directive(Vec<Expr>),
}

/// A variable with attribute/index accesses: `aws_sqs_queue.dlq.arn`, `var.x[0]`.
#[derive(Debug, Clone)]
pub(crate) struct Trav {
    pub root: String,
    pub ops: Vec<TravOp>,
    /// Where each operator's text starts in `text`, so an unresolved tail can be re-attached.
    pub op_starts: Vec<usize>,
    /// The traversal as written, normalized (`aws_subnet.a[0].id`).
    pub text: String,
    /// The root is a `for` or `dynamic` iteration variable, not a reference.
    pub bound: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum TravOp {
    Attr(String),
    Index(Box<Expr>),
    Splat,
}

/// Converts hcl-edit expressions, tracking iteration variables in scope.
pub(crate) struct Converter<'s> {
    pub src: &'s Source,
    /// Added to every hcl-edit span (a byte-order mark stripped before parsing).
    pub base: usize,
    pub bound: Vec<String>,
}

impl Converter<'_> {
    /// The location of an hcl-edit span, or `fallback` when the parser gave none.
    pub fn loc_of(&self, span: Option<std::ops::Range<usize>>, fallback: &Loc) -> Loc {
        span.map_or_else(
            || fallback.clone(),
            |r| self.src.loc(r.start + self.base, r.end + self.base),
        )
    }

    fn text_of(&self, span: Option<std::ops::Range<usize>>) -> Option<&str> {
        let r = span?;
        self.src.text.get(r.start + self.base..r.end + self.base)
    }

    pub fn expr(&mut self, e: &Expression, fallback: &Loc) -> Expr {
        let loc = self.loc_of(e.span(), fallback);
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or_else(
                || ExprKind::Opaque {
                    what: "a number out of range",
                    children: Vec::new(),
                },
                ExprKind::Number,
            ),
            Expression::String(s) => ExprKind::Str(s.value().clone()),
            Expression::Array(a) => ExprKind::Array(a.iter().map(|x| self.expr(x, &loc)).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(id) => Key::Name(id.as_str().to_string()),
                            ObjectKey::Expression(x) => match x {
                                Expression::String(s) => Key::Name(s.value().clone()),
                                Expression::Variable(v) => Key::Name(v.as_str().to_string()),
                                _ => Key::Expr(self.expr(x, &loc)),
                            },
                        };
                        (key, self.expr(v.expr(), &loc))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => ExprKind::Template(self.template(t, &loc), None),
            Expression::HeredocTemplate(h) => ExprKind::Template(
                self.template(&h.template, &loc),
                Some(h.indent().unwrap_or(0)),
            ),
            Expression::Parenthesis(p) => return self.expr(p.inner(), &loc),
            Expression::Variable(v) => {
                let root = v.as_str().to_string();
                ExprKind::Traversal(Trav {
                    bound: self.bound.contains(&root),
                    text: root.clone(),
                    root,
                    ops: Vec::new(),
                    op_starts: Vec::new(),
                })
            }
            Expression::Traversal(t) => self.traversal(t, &loc),
            Expression::FuncCall(c) => {
                let mut name = String::new();
                for ns in &c.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(c.name.name.as_str());
                ExprKind::Call {
                    name,
                    args: c.args.iter().map(|x| self.expr(x, &loc)).collect(),
                    expand_final: c.args.expand_final(),
                }
            }
            Expression::UnaryOp(u) => ExprKind::Unary {
                op: *u.operator.value(),
                expr: Box::new(self.expr(&u.expr, &loc)),
            },
            Expression::BinaryOp(b) => ExprKind::Binary {
                op: *b.operator.value(),
                lhs: Box::new(self.expr(&b.lhs_expr, &loc)),
                rhs: Box::new(self.expr(&b.rhs_expr, &loc)),
            },
            Expression::Conditional(c) => ExprKind::Opaque {
                what: "a conditional expression",
                children: vec![
                    self.expr(&c.cond_expr, &loc),
                    self.expr(&c.true_expr, &loc),
                    self.expr(&c.false_expr, &loc),
                ],
            },
            Expression::ForExpr(f) => {
                let collection = self.expr(&f.intro.collection_expr, &loc);
                let pushed = self.bind(
                    f.intro.key_var.as_ref().map(|k| k.as_str()),
                    f.intro.value_var.as_str(),
                );
                let mut children = vec![collection];
                if let Some(k) = &f.key_expr {
                    children.push(self.expr(k, &loc));
                }
                children.push(self.expr(&f.value_expr, &loc));
                if let Some(c) = &f.cond {
                    children.push(self.expr(&c.expr, &loc));
                }
                self.bound.truncate(self.bound.len() - pushed);
                ExprKind::Opaque {
                    what: "a `for` expression",
                    children,
                }
            }
        };
        Expr { loc, kind }
    }

    /// Puts iteration variables in scope; returns how many were pushed.
    fn bind(&mut self, key: Option<&str>, value: &str) -> usize {
        let mut n = 1;
        if let Some(k) = key {
            self.bound.push(k.to_string());
            n += 1;
        }
        self.bound.push(value.to_string());
        n
    }

    fn traversal(&mut self, t: &hcl_edit::expr::Traversal, loc: &Loc) -> ExprKind {
        let inner = self.expr(&t.expr, loc);
        let ExprKind::Traversal(mut trav) = inner.kind else {
            // An access on something that is not a name (a call, a literal): unknown.
            let mut children = vec![inner];
            for op in &t.operators {
                if let TraversalOperator::Index(x) = op.value() {
                    children.push(self.expr(x, loc));
                }
            }
            return ExprKind::Opaque {
                what: "an attribute access on a computed value",
                children,
            };
        };
        for op in &t.operators {
            trav.op_starts.push(trav.text.len());
            match op.value() {
                TraversalOperator::GetAttr(id) => {
                    trav.text.push('.');
                    trav.text.push_str(id.as_str());
                    trav.ops.push(TravOp::Attr(id.as_str().to_string()));
                }
                TraversalOperator::Index(x) => {
                    let ix = self.expr(x, loc);
                    match &ix.kind {
                        ExprKind::Number(n) => {
                            let _ = write!(trav.text, "[{}]", super::value::number_text(*n));
                        }
                        ExprKind::Str(s) => {
                            let _ = write!(trav.text, "[{s:?}]");
                        }
                        _ => {
                            let raw = self.text_of(x.span()).unwrap_or("?").trim();
                            let _ = write!(trav.text, "[{raw}]");
                        }
                    }
                    trav.ops.push(TravOp::Index(Box::new(ix)));
                }
                TraversalOperator::LegacyIndex(i) => {
                    let _ = write!(trav.text, ".{}", i.value());
                    let ix = Expr {
                        loc: loc.clone(),
                        kind: ExprKind::Number(*i.value() as f64),
                    };
                    trav.ops.push(TravOp::Index(Box::new(ix)));
                }
                TraversalOperator::AttrSplat(_) => {
                    trav.text.push_str(".*");
                    trav.ops.push(TravOp::Splat);
                }
                TraversalOperator::FullSplat(_) => {
                    trav.text.push_str("[*]");
                    trav.ops.push(TravOp::Splat);
                }
            }
        }
        ExprKind::Traversal(trav)
    }

    fn template(&mut self, t: &Template, loc: &Loc) -> Vec<Part> {
        let mut parts = Vec::new();
        for el in t {
            match el {
                Element::Literal(s) => parts.push(Part::Lit(s.value().clone())),
                Element::Interpolation(i) => parts.push(Part::Interp(self.expr(&i.expr, loc))),
                Element::Directive(d) => {
                    let mut exprs = Vec::new();
                    self.directive(d, loc, &mut exprs);
                    parts.push(Part::Directive(exprs));
                }
            }
        }
        parts
    }

    /// Collects the expressions of a directive (for references only).
    fn directive(&mut self, d: &Directive, loc: &Loc, out: &mut Vec<Expr>) {
        let flatten = |this: &mut Self, t: &Template, out: &mut Vec<Expr>| {
            for part in this.template(t, loc) {
                match part {
                    Part::Lit(_) => {}
                    Part::Interp(e) => out.push(e),
                    Part::Directive(es) => out.extend(es),
                }
            }
        };
        match d {
            Directive::If(i) => {
                out.push(self.expr(&i.if_expr.cond_expr, loc));
                flatten(self, &i.if_expr.template, out);
                if let Some(e) = &i.else_expr {
                    flatten(self, &e.template, out);
                }
            }
            Directive::For(f) => {
                out.push(self.expr(&f.for_expr.collection_expr, loc));
                let pushed = self.bind(
                    f.for_expr.key_var.as_ref().map(|k| k.as_str()),
                    f.for_expr.value_var.as_str(),
                );
                flatten(self, &f.for_expr.template, out);
                self.bound.truncate(self.bound.len() - pushed);
            }
        }
    }
}

impl Expr {
    /// The traversals this expression refers to (not iteration variables), as written.
    pub fn collect_refs(&self, out: &mut Vec<String>) {
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_) => {}
            ExprKind::Array(items) => items.iter().for_each(|e| e.collect_refs(out)),
            ExprKind::Object(entries) => {
                for (k, v) in entries {
                    if let Key::Expr(k) = k {
                        k.collect_refs(out);
                    }
                    v.collect_refs(out);
                }
            }
            ExprKind::Template(parts, _) => {
                for p in parts {
                    match p {
                        Part::Lit(_) => {}
                        Part::Interp(e) => e.collect_refs(out),
                        Part::Directive(es) => es.iter().for_each(|e| e.collect_refs(out)),
                    }
                }
            }
            ExprKind::Traversal(t) => {
                if !t.bound {
                    out.push(t.text.clone());
                }
                for op in &t.ops {
                    if let TravOp::Index(ix) = op {
                        ix.collect_refs(out);
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.collect_refs(out)),
            ExprKind::Unary { expr, .. } => expr.collect_refs(out),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.collect_refs(out);
                rhs.collect_refs(out);
            }
            ExprKind::Opaque { children, .. } => children.iter().for_each(|e| e.collect_refs(out)),
        }
    }

    /// The text of a literal string (a quoted string, or a template or heredoc with no
    /// interpolation).
    pub fn literal_str(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Str(s) => Some(s.clone()),
            ExprKind::Template(parts, _) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        Part::Lit(s) => out.push_str(s),
                        _ => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }
}
