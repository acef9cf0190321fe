//! What regorus leaves to evaluation, found at load: every call names a function that exists
//! (a built-in of the interpreter as launchgate builds it, `print`, or a function of the module)
//! and passes a number of arguments it takes. regorus finds an unknown function only when the
//! rule that calls it runs, and then the check would be inconclusive on every review; a policy
//! author should hear of it when the policy loads, with the place (exit 2).
//!
//! Undefined variables need no walk of ours: regorus's analyzer refuses them when the module is
//! prepared, which loading does (it evaluates `metadata`).
//!
//! Calls this cannot judge from one module are left to evaluation: through an import alias, to
//! another package under `data.`, and to a function a `with` modifier replaces.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{BUILTINS, Expr, Literal, Module, Query, Rule, RuleHead, Span};
use regorus::utils::get_path_string;

/// Namespaces of OPA built-ins launchgate's interpreter leaves out on purpose: a check is a pure
/// function of its input (no clock, network, randomness or cryptography).
const ABSENT_NAMESPACES: [&str; 8] = ["time", "http", "net", "uuid", "opa", "crypto", "io", "rand"];

/// Names of other languages for a Rego built-in: suggested without an edit distance.
const OTHER_NAMES: [(&str, &str); 5] = [
    ("len", "count"),
    ("length", "count"),
    ("lenght", "count"),
    ("size", "count"),
    ("print_r", "print"),
];

/// The first call of `module` (in source order) to a function that does not exist or with a
/// number of arguments the function does not take: regorus's message for the place (`--> file:
/// line:col`, the line, a caret and `error: ...`).
pub fn first_error(module: &Module) -> Option<String> {
    let Ok(package) = get_path_string(&module.package.refr, Some("data")) else {
        return None;
    };
    let mut functions: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut mocked: BTreeSet<String> = BTreeSet::new();
    for rule in &module.policy {
        let (refr, args) = match rule.as_ref() {
            Rule::Spec {
                head: RuleHead::Func { refr, args, .. },
                ..
            } => (refr, args.len()),
            Rule::Default { refr, args, .. } if !args.is_empty() => (refr, args.len()),
            _ => continue,
        };
        if let Ok(name) = get_path_string(refr, None) {
            functions.entry(name).or_default().insert(args);
        }
    }
    let aliases: BTreeSet<String> = module
        .imports
        .iter()
        .filter_map(|i| match &i.r#as {
            Some(a) => Some(a.text().to_string()),
            None => get_path_string(&i.refr, None)
                .ok()
                .and_then(|p| p.rsplit('.').next().map(str::to_string)),
        })
        .collect();
    let mut walker = Walker {
        package,
        functions,
        aliases,
        mocked: BTreeSet::new(),
        errors: Vec::new(),
    };
    // `with f as g` anywhere replaces `f` where it applies: such calls are left to evaluation.
    for rule in &module.policy {
        Walker::rule_with_targets(rule, &mut mocked);
    }
    walker.mocked = mocked;
    for rule in &module.policy {
        walker.rule(rule);
    }
    walker
        .errors
        .into_iter()
        .min_by_key(|(line, col, _)| (*line, *col))
        .map(|(_, _, m)| m)
}

struct Walker {
    /// `data.org.ingress_waf`.
    package: String,
    /// The module's functions by name (`f`, `lib.f`) with the argument counts they are
    /// declared with.
    functions: BTreeMap<String, BTreeSet<usize>>,
    aliases: BTreeSet<String>,
    mocked: BTreeSet<String>,
    errors: Vec<(u32, u32, String)>,
}

impl Walker {
    fn rule_with_targets(rule: &Rule, out: &mut BTreeSet<String>) {
        let Rule::Spec { bodies, .. } = rule else {
            return;
        };
        let mut stack: Vec<&Query> = bodies.iter().map(|b| b.query.as_ref()).collect();
        while let Some(q) = stack.pop() {
            for s in &q.stmts {
                for w in &s.with_mods {
                    if let Ok(p) = get_path_string(&w.refr, None) {
                        out.insert(p);
                    }
                }
                if let Literal::Every { query, .. } = &s.literal {
                    stack.push(query.as_ref());
                }
            }
        }
    }

    fn rule(&mut self, rule: &Rule) {
        match rule {
            Rule::Spec { head, bodies, .. } => {
                match head {
                    RuleHead::Compr { refr, assign, .. } => {
                        self.expr(refr);
                        if let Some(a) = assign {
                            self.expr(&a.value);
                        }
                    }
                    RuleHead::Set { refr, key, .. } => {
                        self.expr(refr);
                        if let Some(k) = key {
                            self.expr(k);
                        }
                    }
                    RuleHead::Func { assign, .. } => {
                        if let Some(a) = assign {
                            self.expr(&a.value);
                        }
                    }
                }
                for b in bodies {
                    if let Some(a) = &b.assign {
                        self.expr(&a.value);
                    }
                    self.query(&b.query);
                }
            }
            Rule::Default { value, .. } => self.expr(value),
        }
    }

    fn query(&mut self, q: &Query) {
        for s in &q.stmts {
            match &s.literal {
                Literal::SomeVars { .. } => {}
                Literal::SomeIn {
                    key,
                    value,
                    collection,
                    ..
                } => {
                    if let Some(k) = key {
                        self.expr(k);
                    }
                    self.expr(value);
                    self.expr(collection);
                }
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => self.expr(expr),
                Literal::Every { domain, query, .. } => {
                    self.expr(domain);
                    self.query(query);
                }
            }
            for w in &s.with_mods {
                self.expr(&w.r#as);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::String { .. }
            | Expr::RawString { .. }
            | Expr::Number { .. }
            | Expr::Bool { .. }
            | Expr::Null { .. }
            | Expr::Var { .. } => {}
            Expr::Array { items, .. } | Expr::Set { items, .. } => {
                for i in items {
                    self.expr(i);
                }
            }
            Expr::Object { fields, .. } => {
                for (_, k, v) in fields {
                    self.expr(k);
                    self.expr(v);
                }
            }
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                self.expr(term);
                self.query(query);
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                self.expr(key);
                self.expr(value);
                self.query(query);
            }
            Expr::Call { fcn, params, .. } => {
                // The place of the function's name, not of its `(`.
                self.call(start(fcn), fcn, params.len());
                for p in params {
                    self.expr(p);
                }
            }
            Expr::UnaryExpr { expr, .. } => self.expr(expr),
            Expr::RefDot { refr, .. } => self.expr(refr),
            Expr::RefBrack { refr, index, .. } => {
                self.expr(refr);
                self.expr(index);
            }
            Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::ArithExpr { lhs, rhs, .. }
            | Expr::AssignExpr { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            Expr::Membership {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(k) = key {
                    self.expr(k);
                }
                self.expr(value);
                self.expr(collection);
            }
        }
    }

    fn call(&mut self, span: &Span, fcn: &Expr, given: usize) {
        let Ok(path) = get_path_string(fcn, None) else {
            return;
        };
        if path == "print" || self.mocked.contains(&path) {
            return;
        }
        let own = format!("{}.", self.package);
        let name = if path.starts_with("data.") {
            match path.strip_prefix(&own) {
                Some(rest) => rest.to_string(),
                // Another package: not in this module.
                None => return,
            }
        } else {
            path.clone()
        };
        let first = name.split('.').next().unwrap_or_default();
        if self.aliases.contains(first) {
            return;
        }
        // The module's functions come first, as regorus looks them up.
        let arities: Vec<usize> = match self.functions.get(&name) {
            Some(a) => a.iter().copied().collect(),
            None => match BUILTINS.get(path.as_str()) {
                Some((_, n)) => vec![usize::from(*n)],
                None => {
                    let message = unknown(&path, self.functions.keys().map(String::as_str));
                    self.errors
                        .push((span.line, span.col, span.message("error", &message)));
                    return;
                }
            },
        };
        // `f(x, out)`: a function's result may be bound by one more argument.
        if arities.iter().any(|&n| given == n || given == n + 1) {
            return;
        }
        let takes = arities
            .iter()
            .map(|n| format!("{n} argument{}", if *n == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(" or ");
        let message = format!("`{path}` takes {takes}, got {given}");
        self.errors
            .push((span.line, span.col, span.message("error", &message)));
    }
}

/// Where a reference starts: `time` of `time.now_ns`.
fn start(e: &Expr) -> &Span {
    match e {
        Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => start(refr),
        _ => e.span(),
    }
}

/// `unknown function `lenght` (did you mean `count`?)`: a suggestion only when one name is
/// plainly meant (a name of another language, or the one nearest known name).
fn unknown<'a>(path: &str, own: impl Iterator<Item = &'a str>) -> String {
    let message = format!("unknown function `{path}`");
    let namespace = path.split('.').next().unwrap_or_default();
    if path.contains('.')
        && ABSENT_NAMESPACES.contains(&namespace)
        && !BUILTINS
            .keys()
            .any(|k| k.split('.').next() == Some(namespace))
    {
        return format!(
            "{message}: launchgate's Rego has no `{namespace}.*` built-ins (a check is a pure function of its input; compare dates with `input.today`)"
        );
    }
    match suggestion(path, own) {
        Some(s) => format!("{message} (did you mean `{s}`?)"),
        None => message,
    }
}

fn suggestion<'a>(path: &str, own: impl Iterator<Item = &'a str>) -> Option<String> {
    if let Some((_, s)) = OTHER_NAMES.iter().find(|(n, _)| *n == path) {
        return Some((*s).to_string());
    }
    let candidates: BTreeSet<String> = BUILTINS
        .keys()
        .map(|k| (*k).to_string())
        .chain(own.map(str::to_string))
        .collect();
    let limit = (path.chars().count() / 3).max(1);
    let mut best: Vec<(usize, String)> = candidates
        .into_iter()
        .map(|c| (launchgate_core::edit_distance(path, &c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    best.sort_unstable();
    match best.as_slice() {
        [] => None,
        // Two names as near as each other: no guess.
        [(d, _), (e, _), ..] if d == e => None,
        [(_, c), ..] => Some(c.clone()),
    }
}
