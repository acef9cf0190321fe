//! Evaluation of raw expressions within one directory (one Terraform module): literals,
//! literal-only templates, `var.*` from defaults, `local.*` (memoized, cycle-safe), `jsonencode`
//! and exact type conversions. Everything else stays a reference or unknown, never a guess.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hcl_edit::expr::{BinaryOperator, UnaryOperator};

use super::expr::{Expr, ExprKind, Key, Part, Trav, TravOp};
use super::value::{TfValue, from_json, looks_like_json, parse_json};
use crate::source::Loc;

/// How deep evaluation may recurse (expression nesting plus `local` -> `local` hops) before
/// giving up: guards the stack. Real configurations stay far below it.
const MAX_DEPTH: usize = 160;

/// Where each part of a value was written: the node's own location and its children's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LocTree {
    pub loc: Loc,
    pub kids: Kids,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kids {
    Leaf,
    List(Vec<LocTree>),
    Map(BTreeMap<String, LocTree>),
}

impl LocTree {
    pub fn leaf(loc: Loc) -> LocTree {
        LocTree {
            loc,
            kids: Kids::Leaf,
        }
    }

    /// The child at a key or index.
    pub fn child(&self, seg: &str) -> Option<&LocTree> {
        match &self.kids {
            Kids::Leaf => None,
            Kids::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)),
            Kids::Map(m) => m.get(seg),
        }
    }

    /// The location of the deepest node along `path` that has one.
    pub fn loc_at(&self, path: &[&str]) -> &Loc {
        let mut node = self;
        for seg in path {
            match node.child(seg) {
                Some(n) => node = n,
                None => break,
            }
        }
        &node.loc
    }
}

/// A value with the locations of its parts.
#[derive(Debug, Clone)]
pub(crate) struct Evaluated {
    pub value: TfValue,
    pub locs: LocTree,
}

impl Evaluated {
    fn leaf(value: TfValue, loc: &Loc) -> Evaluated {
        Evaluated {
            value,
            locs: LocTree::leaf(loc.clone()),
        }
    }
}

/// How many value nodes copies of locals and variables may add up to in one directory:
/// locals that use each other twice double at each step, and must not exhaust memory.
const COPY_BUDGET: usize = 500_000;

enum Slot {
    Busy,
    /// The value and its node count.
    Done(Evaluated, usize),
}

/// The names one directory defines, and the memo of what they evaluate to.
pub(crate) struct Scope<'a> {
    /// Variable name -> its `default` expression, if it has one.
    pub vars: BTreeMap<&'a str, Option<&'a Expr>>,
    pub locals: BTreeMap<&'a str, &'a Expr>,
    cache: BTreeMap<(bool, &'a str), Slot>,
    depth: usize,
    budget: usize,
}

impl<'a> Scope<'a> {
    pub fn new() -> Scope<'a> {
        Scope {
            vars: BTreeMap::new(),
            locals: BTreeMap::new(),
            cache: BTreeMap::new(),
            depth: 0,
            budget: COPY_BUDGET,
        }
    }

    /// The value of `local.NAME` or `var.NAME` (`is_local` chooses), evaluated once.
    fn named(&mut self, is_local: bool, name: &str, trav: &Trav, loc: &Loc) -> Evaluated {
        let def = if is_local {
            self.locals.get_key_value(name).map(|(k, e)| (*k, Some(*e)))
        } else {
            self.vars.get_key_value(name).map(|(k, e)| (*k, *e))
        };
        let Some((key, def)) = def else {
            let value = if is_local {
                TfValue::Unknown(format!("local.{name} is not defined in this directory"))
            } else {
                TfValue::Ref(trav.text.clone())
            };
            return Evaluated::leaf(value, loc);
        };
        let Some(def) = def else {
            // A variable without a default: its value comes from outside.
            return Evaluated::leaf(TfValue::Ref(format!("var.{name}")), loc);
        };
        match self.cache.get(&(is_local, key)) {
            Some(Slot::Done(ev, size)) => {
                if *size > self.budget {
                    return Evaluated::leaf(
                        TfValue::Unknown(format!("local.{name} is too large to evaluate")),
                        loc,
                    );
                }
                self.budget -= size;
                return ev.clone();
            }
            Some(Slot::Busy) => {
                return Evaluated::leaf(
                    TfValue::Unknown(format!("local.{name} refers to itself (a cycle)")),
                    loc,
                );
            }
            None => {}
        }
        self.cache.insert((is_local, key), Slot::Busy);
        let ev = self.eval(def);
        let size = node_count(&ev.value);
        if size > self.budget {
            let big = Evaluated::leaf(
                TfValue::Unknown(format!("local.{name} is too large to evaluate")),
                loc,
            );
            self.cache
                .insert((is_local, key), Slot::Done(big.clone(), 1));
            return big;
        }
        // The copy kept here counts too: every copy made is paid for.
        self.budget -= size;
        self.cache
            .insert((is_local, key), Slot::Done(ev.clone(), size));
        ev
    }

    pub fn eval(&mut self, e: &Expr) -> Evaluated {
        if self.depth >= MAX_DEPTH {
            return Evaluated::leaf(
                TfValue::Unknown("expressions and locals nested too deeply".into()),
                &e.loc,
            );
        }
        self.depth += 1;
        let ev = self.eval_inner(e);
        self.depth -= 1;
        ev
    }

    fn eval_inner(&mut self, e: &Expr) -> Evaluated {
        let leaf = |v: TfValue| Evaluated::leaf(v, &e.loc);
        match &e.kind {
            ExprKind::Null => leaf(TfValue::Null),
            ExprKind::Bool(b) => leaf(TfValue::Bool(*b)),
            ExprKind::Number(n) => leaf(TfValue::Number(*n)),
            ExprKind::Str(s) => leaf(TfValue::String(s.clone())),
            ExprKind::Array(items) => {
                let (values, locs) = items
                    .iter()
                    .map(|x| self.eval(x))
                    .map(|ev| (ev.value, ev.locs))
                    .unzip();
                Evaluated {
                    value: TfValue::List(values),
                    locs: LocTree {
                        loc: e.loc.clone(),
                        kids: Kids::List(locs),
                    },
                }
            }
            ExprKind::Object(entries) => {
                let mut values = BTreeMap::new();
                let mut locs = BTreeMap::new();
                for (k, v) in entries {
                    let key = match k {
                        Key::Name(n) => n.clone(),
                        Key::Expr(x) => {
                            let kv = self.eval(x).value;
                            kv.template_text().unwrap_or_else(|| format!("${{{kv}}}"))
                        }
                    };
                    let ev = self.eval(v);
                    values.insert(key.clone(), ev.value);
                    locs.insert(key, ev.locs);
                }
                Evaluated {
                    value: TfValue::Object(values),
                    locs: LocTree {
                        loc: e.loc.clone(),
                        kids: Kids::Map(locs),
                    },
                }
            }
            ExprKind::Template(parts, _) => leaf(self.template(parts)),
            ExprKind::Traversal(t) => self.traversal(t, &e.loc),
            ExprKind::Call {
                name,
                args,
                expand_final,
            } => {
                if *expand_final {
                    return leaf(TfValue::Unknown(format!(
                        "function `{name}` with expanded arguments is not evaluated"
                    )));
                }
                self.call(name, args, &e.loc)
            }
            ExprKind::Unary { op, expr } => {
                let v = self.eval(expr).value;
                leaf(match (op, &v) {
                    (UnaryOperator::Neg, TfValue::Number(n)) => TfValue::Number(-n),
                    (UnaryOperator::Not, _) if v.as_bool().is_some() => {
                        TfValue::Bool(!v.as_bool().unwrap_or_default())
                    }
                    _ => unresolved(&v, "an operation on a value that is not known"),
                })
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(lhs).value;
                let r = self.eval(rhs).value;
                leaf(binary(*op, &l, &r))
            }
            ExprKind::Opaque { what, .. } => {
                leaf(TfValue::Unknown(format!("{what} is not evaluated")))
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], loc: &Loc) -> Evaluated {
        let leaf = |v: TfValue| Evaluated::leaf(v, loc);
        let [arg] = args else {
            return leaf(TfValue::Unknown(format!(
                "function `{name}` is not evaluated"
            )));
        };
        match name {
            // The encoded JSON is the value itself: checks read container definitions,
            // policies and redrive policies as data.
            "jsonencode" => self.eval(arg),
            "jsondecode" => {
                let v = self.eval(arg).value;
                leaf(match &v {
                    TfValue::String(s) => parse_json(s).unwrap_or_else(|e| {
                        TfValue::Unknown(format!("jsondecode of invalid JSON: {e}"))
                    }),
                    _ => unresolved(&v, "jsondecode of a value that is not known"),
                })
            }
            "tolist" | "toset" => {
                let ev = self.eval(arg);
                match ev.value {
                    TfValue::List(_) | TfValue::Ref(_) | TfValue::Unknown(_) => ev,
                    _ => leaf(TfValue::Unknown(format!(
                        "`{name}` of a value that is not a list"
                    ))),
                }
            }
            "tomap" => {
                let ev = self.eval(arg);
                match ev.value {
                    TfValue::Object(_) | TfValue::Ref(_) | TfValue::Unknown(_) => ev,
                    _ => leaf(TfValue::Unknown(
                        "`tomap` of a value that is not a map".into(),
                    )),
                }
            }
            "tostring" => {
                let v = self.eval(arg).value;
                leaf(v.template_text().map_or_else(
                    || unresolved(&v, "`tostring` of a value that is not known"),
                    TfValue::String,
                ))
            }
            "tonumber" => {
                let v = self.eval(arg).value;
                leaf(v.as_f64().map_or_else(
                    || unresolved(&v, "`tonumber` of a value that is not a number"),
                    TfValue::Number,
                ))
            }
            "tobool" => {
                let v = self.eval(arg).value;
                leaf(v.as_bool().map_or_else(
                    || unresolved(&v, "`tobool` of a value that is not a bool"),
                    TfValue::Bool,
                ))
            }
            _ => leaf(TfValue::Unknown(format!(
                "function `{name}` is not evaluated"
            ))),
        }
    }

    fn traversal(&mut self, t: &Trav, loc: &Loc) -> Evaluated {
        if t.bound {
            return Evaluated::leaf(
                TfValue::Unknown(format!("iteration variable `{}`", t.text)),
                loc,
            );
        }
        let (is_local, name) = match (t.root.as_str(), t.ops.first()) {
            ("local", Some(TravOp::Attr(n))) => (true, n),
            ("var", Some(TravOp::Attr(n))) => (false, n),
            _ => return Evaluated::leaf(TfValue::Ref(t.text.clone()), loc),
        };
        let base = self.named(is_local, name, t, loc);
        self.apply_ops(base, t, 1, loc)
    }

    /// Applies the traversal's operators from `from` on to a resolved value.
    fn apply_ops(&mut self, mut cur: Evaluated, t: &Trav, from: usize, loc: &Loc) -> Evaluated {
        let mut i = from;
        while let Some(op) = t.ops.get(i) {
            match &cur.value {
                TfValue::Ref(r) => {
                    // `local.q.arn` where `local.q = aws_sqs_queue.dlq`: the reference grows.
                    let tail = t
                        .op_starts
                        .get(i)
                        .and_then(|&s| t.text.get(s..))
                        .unwrap_or_default();
                    return Evaluated::leaf(TfValue::Ref(format!("{r}{tail}")), loc);
                }
                TfValue::Unknown(_) => return Evaluated::leaf(cur.value.clone(), loc),
                _ => {}
            }
            cur = match op {
                TravOp::Attr(name) => child(&cur, name, loc, &t.text),
                TravOp::Index(ix) => {
                    let key = self.eval(ix).value;
                    match (&cur.value, &key) {
                        (TfValue::List(_), k) if k.as_i64().is_some() => {
                            let idx = k.as_i64().unwrap_or_default().to_string();
                            child(&cur, &idx, loc, &t.text)
                        }
                        (TfValue::Object(_), TfValue::String(k)) => child(&cur, k, loc, &t.text),
                        _ => Evaluated::leaf(
                            unresolved(&key, &format!("index into `{}` is not known", t.text)),
                            loc,
                        ),
                    }
                }
                TravOp::Splat => {
                    let items = match &cur.value {
                        TfValue::List(items) => items.clone(),
                        TfValue::Null => Vec::new(),
                        other => vec![other.clone()],
                    };
                    let locs = match &cur.locs.kids {
                        Kids::List(l) => l.clone(),
                        _ => Vec::new(),
                    };
                    let mut values = Vec::with_capacity(items.len());
                    let mut kid_locs = Vec::with_capacity(items.len());
                    for (n, v) in items.into_iter().enumerate() {
                        let l = locs.get(n).cloned().unwrap_or_else(|| cur.locs.clone());
                        let ev = self.apply_ops(Evaluated { value: v, locs: l }, t, i + 1, loc);
                        values.push(ev.value);
                        kid_locs.push(ev.locs);
                    }
                    return Evaluated {
                        value: TfValue::List(values),
                        locs: LocTree {
                            loc: cur.locs.loc.clone(),
                            kids: Kids::List(kid_locs),
                        },
                    };
                }
            };
            i += 1;
        }
        cur
    }

    /// A template's string: literal parts and interpolations of known scalars (and of
    /// `jsonencode` of known values, as JSON text).
    fn template(&mut self, parts: &[Part]) -> TfValue {
        let mut out = String::new();
        for p in parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Interp(e) => {
                    let v = self.eval(e).value;
                    match interpolation_text(e, &v) {
                        Some(s) => out.push_str(&s),
                        None => {
                            return unresolved(&v, "an interpolation of a value that is not known");
                        }
                    }
                }
                Part::Directive(_) => {
                    return TfValue::Unknown("a template directive is not evaluated".into());
                }
            }
        }
        TfValue::String(out)
    }

    /// JSON held in a template whose interpolations are not all known
    /// (`"deadLetterTargetArn": "${aws_sqs_queue.dlq.arn}"`): each unknown interpolation
    /// becomes a placeholder, and a JSON string that is exactly one placeholder becomes that
    /// interpolation's value (usually a [`TfValue::Ref`]).
    pub fn template_json(&mut self, parts: &[Part]) -> Option<TfValue> {
        // Only text that opens like JSON is worth evaluating again.
        match parts.first() {
            Some(Part::Lit(s)) if looks_like_json(s) => {}
            _ => return None,
        }
        let mut text = JsonText::default();
        let mut holes: Vec<TfValue> = Vec::new();
        for p in parts {
            match p {
                Part::Lit(s) => text.push_raw(s),
                Part::Interp(e) => {
                    let v = self.eval(e).value;
                    match interpolation_text(e, &v) {
                        Some(s) if text.in_string => {
                            // Known text inside a JSON string: escape it as JSON would.
                            let quoted = serde_json::to_string(&s).ok()?;
                            text.buf
                                .push_str(quoted.get(1..quoted.len().saturating_sub(1))?);
                        }
                        Some(s) => text.push_raw(&s),
                        None => {
                            let hole = format!("{HOLE_OPEN}{}{HOLE_CLOSE}", holes.len());
                            holes.push(v);
                            if text.in_string {
                                text.buf.push_str(&hole);
                            } else {
                                text.buf.push('"');
                                text.buf.push_str(&hole);
                                text.buf.push('"');
                            }
                        }
                    }
                }
                Part::Directive(_) => return None,
            }
        }
        if !looks_like_json(&text.buf) {
            return None;
        }
        let json: serde_json::Value = serde_json::from_str(&text.buf).ok()?;
        Some(fill_holes(&json, &holes))
    }
}

/// JSON text being assembled from template parts, tracking whether the end is inside a
/// JSON string (so a placeholder can be written as a string either way).
#[derive(Default)]
struct JsonText {
    buf: String,
    in_string: bool,
    escaped: bool,
}

impl JsonText {
    fn push_raw(&mut self, s: &str) {
        for c in s.chars() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if c == '\\' {
                    self.escaped = true;
                } else if c == '"' {
                    self.in_string = false;
                }
            } else if c == '"' {
                self.in_string = true;
            }
        }
        self.buf.push_str(s);
    }
}

/// The text an interpolation contributes, when it is known: a scalar's text, or the JSON of
/// `jsonencode(...)` of a fully known value.
fn interpolation_text(e: &Expr, v: &TfValue) -> Option<String> {
    if matches!(&e.kind, ExprKind::Call { name, .. } if name == "jsonencode") {
        return to_json(v).and_then(|j| serde_json::to_string(&j).ok());
    }
    v.template_text()
}

/// A fully known value as JSON.
fn to_json(v: &TfValue) -> Option<serde_json::Value> {
    Some(match v {
        TfValue::Null => serde_json::Value::Null,
        TfValue::Bool(b) => serde_json::Value::Bool(*b),
        TfValue::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                serde_json::Value::from(*n as i64)
            } else {
                serde_json::Value::from(*n)
            }
        }
        TfValue::String(s) => serde_json::Value::String(s.clone()),
        TfValue::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect::<Option<_>>()?),
        TfValue::Object(o) => serde_json::Value::Object(
            o.iter()
                .map(|(k, x)| Some((k.clone(), to_json(x)?)))
                .collect::<Option<_>>()?,
        ),
        TfValue::Ref(_) | TfValue::Unknown(_) => return None,
    })
}

const HOLE_OPEN: char = '\u{E000}';
const HOLE_CLOSE: char = '\u{E001}';

/// Converts JSON with placeholders back, putting the interpolated values in.
fn fill_holes(v: &serde_json::Value, holes: &[TfValue]) -> TfValue {
    let hole_text = |s: &str| -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(open) = rest.find(HOLE_OPEN) {
            out.push_str(rest.get(..open).unwrap_or_default());
            let after = rest.get(open + HOLE_OPEN.len_utf8()..).unwrap_or_default();
            let close = after.find(HOLE_CLOSE).unwrap_or(after.len());
            let idx = after.get(..close).and_then(|n| n.parse::<usize>().ok());
            let shown = idx
                .and_then(|i| holes.get(i))
                .map_or_else(|| "?".to_string(), ToString::to_string);
            let _ = write!(out, "${{{shown}}}");
            rest = after
                .get(close + HOLE_CLOSE.len_utf8()..)
                .unwrap_or_default();
        }
        out.push_str(rest);
        out
    };
    match v {
        serde_json::Value::String(s) if s.contains(HOLE_OPEN) => {
            let whole = s
                .strip_prefix(HOLE_OPEN)
                .and_then(|r| r.strip_suffix(HOLE_CLOSE))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| holes.get(i));
            match whole {
                Some(h) => h.clone(),
                None => TfValue::Unknown(format!(
                    "string with an unresolved interpolation: {}",
                    hole_text(s)
                )),
            }
        }
        serde_json::Value::Array(a) => {
            TfValue::List(a.iter().map(|x| fill_holes(x, holes)).collect())
        }
        serde_json::Value::Object(o) => TfValue::Object(
            o.iter()
                .map(|(k, x)| {
                    let key = if k.contains(HOLE_OPEN) {
                        hole_text(k)
                    } else {
                        k.clone()
                    };
                    (key, fill_holes(x, holes))
                })
                .collect(),
        ),
        other => from_json(other),
    }
}

fn node_count(v: &TfValue) -> usize {
    match v {
        TfValue::List(l) => 1 + l.iter().map(node_count).sum::<usize>(),
        TfValue::Object(o) => 1 + o.values().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

/// The child of a resolved value at an attribute name or index.
fn child(cur: &Evaluated, seg: &str, loc: &Loc, text: &str) -> Evaluated {
    let value = match &cur.value {
        TfValue::Object(o) => o.get(seg).cloned(),
        TfValue::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)).cloned(),
        _ => None,
    };
    match value {
        Some(value) => Evaluated {
            value,
            locs: cur
                .locs
                .child(seg)
                .cloned()
                .unwrap_or_else(|| LocTree::leaf(cur.locs.loc.clone())),
        },
        None => Evaluated::leaf(
            TfValue::Unknown(format!("`{text}`: `{seg}` not found in the value")),
            loc,
        ),
    }
}

/// What an operation on a value that is not known gives: the reference itself stays a
/// reference only when it is the whole value; anything computed from it is unknown.
fn unresolved(v: &TfValue, reason: &str) -> TfValue {
    match v {
        TfValue::Unknown(r) => TfValue::Unknown(r.clone()),
        TfValue::Ref(r) => TfValue::Unknown(format!("{reason}: `{r}`")),
        _ => TfValue::Unknown(reason.to_string()),
    }
}

fn binary(op: BinaryOperator, l: &TfValue, r: &TfValue) -> TfValue {
    use BinaryOperator as B;
    if !l.is_fully_known() {
        return unresolved(l, "an operation on a value that is not known");
    }
    if !r.is_fully_known() {
        return unresolved(r, "an operation on a value that is not known");
    }
    let nums = l.as_f64().zip(r.as_f64());
    let bools = l.as_bool().zip(r.as_bool());
    let out = match op {
        B::Eq => Some(TfValue::Bool(l == r)),
        B::NotEq => Some(TfValue::Bool(l != r)),
        B::And => bools.map(|(a, b)| TfValue::Bool(a && b)),
        B::Or => bools.map(|(a, b)| TfValue::Bool(a || b)),
        B::Less => nums.map(|(a, b)| TfValue::Bool(a < b)),
        B::LessEq => nums.map(|(a, b)| TfValue::Bool(a <= b)),
        B::Greater => nums.map(|(a, b)| TfValue::Bool(a > b)),
        B::GreaterEq => nums.map(|(a, b)| TfValue::Bool(a >= b)),
        B::Plus => nums.map(|(a, b)| TfValue::Number(a + b)),
        B::Minus => nums.map(|(a, b)| TfValue::Number(a - b)),
        B::Mul => nums.map(|(a, b)| TfValue::Number(a * b)),
        B::Div => nums
            .filter(|&(_, b)| b != 0.0)
            .map(|(a, b)| TfValue::Number(a / b)),
        B::Mod => nums
            .filter(|&(_, b)| b != 0.0)
            .map(|(a, b)| TfValue::Number(a % b)),
    };
    out.unwrap_or_else(|| {
        TfValue::Unknown(format!(
            "operator `{}` on these operands is not evaluated",
            op.as_str()
        ))
    })
}
