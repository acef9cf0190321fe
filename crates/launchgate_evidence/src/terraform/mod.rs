//! Terraform (HCL): the resources the catalog needs, with literal variables and locals resolved.
//!
//! `parse` (per file, in parallel) turns each `.tf` file into located raw blocks with
//! hcl-edit; `assemble` groups files by directory (one Terraform module), resolves `var.*`
//! from literal defaults and `local.*` across that directory's files, evaluates every
//! attribute into a [`TfValue`] (unknowns stay [`TfValue::Unknown`], references stay
//! [`TfValue::Ref`]), and derives the typed views checks need: ECS containers, IAM statements
//! and security-group ingress rules.
//!
//! Not evaluated: `.tf.json` files, `*.tfvars`, values passed into modules, and functions other
//! than `jsonencode`, `jsondecode` and the `to*` conversions (`templatefile(...)` and
//! `file(...)` stay unknown).

mod ecs;
mod eval;
mod expr;
mod iam;
mod network;
#[cfg(test)]
mod tests;
mod value;

use std::collections::BTreeMap;
use std::sync::Arc;

use hcl_edit::Span;

pub use ecs::{EcsContainer, EcsEnv, EcsPortMapping, EcsSecret, EcsTaskDefinition};
pub use iam::{IamEffect, IamStatement, UnreadPolicy};
pub use network::{IngressKind, IngressRule};
pub use value::{StrSet, TfValue, address_of};

use self::eval::{LocTree, Scope};
use self::expr::{Converter, Expr, ExprKind};
use self::value::{looks_like_json, parse_json};
use crate::{EvidenceError, FileKind, Loc, Source};

/// Attributes whose string value must be JSON: a literal that is not is reported.
const JSON_ATTRS: &[&str] = &[
    "container_definitions",
    "policy",
    "redrive_policy",
    "redrive_allow_policy",
    "assume_role_policy",
    "access_policies",
];

/// Everything the Terraform files of the repository declare, sorted by path and line.
#[derive(Debug, Clone, Default)]
pub struct Terraform {
    /// `resource` blocks.
    pub resources: Vec<Resource>,
    /// `data` blocks (their [`Resource::data`] is `true`).
    pub data: Vec<Resource>,
    /// `module` calls.
    pub modules: Vec<ModuleCall>,
    pub variables: Vec<Variable>,
    pub locals: Vec<Local>,
    pub outputs: Vec<Output>,
    task_definitions: Vec<EcsTaskDefinition>,
    iam: Vec<IamStatement>,
    iam_unread: Vec<UnreadPolicy>,
    ingress: Vec<IngressRule>,
    /// address -> entries with that address, in path order.
    by_address: BTreeMap<String, Vec<Handle>>,
    /// (dir, address) -> entries of that directory referring to the address.
    referrer_index: BTreeMap<(Arc<str>, String), Vec<Handle>>,
}

/// An entry of [`Terraform::resources`] (`false`) or [`Terraform::data`] (`true`).
type Handle = (bool, usize);

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct Resource {
    /// `aws_db_instance`.
    pub rtype: String,
    /// `main`.
    pub name: String,
    /// A `data` source rather than a managed resource.
    pub data: bool,
    /// The directory (Terraform module) of the file, `""` at the repository root.
    pub dir: Arc<str>,
    /// The whole block, starting at the `resource` keyword.
    pub loc: Loc,
    pub body: Body,
    /// Addresses this resource refers to, sorted.
    refs: Vec<String>,
}

/// Attributes and nested blocks of a block.
#[derive(Debug, Clone, Default)]
pub struct Body {
    attrs: Vec<Attr>,
    blocks: Vec<Block>,
}

/// An attribute: `name = value`.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    /// The evaluated value.
    pub value: TfValue,
    /// The value expression as written in this block.
    pub loc: Loc,
    /// The attribute name.
    pub key_loc: Loc,
    refs: Vec<String>,
    locs: LocTree,
    json: Option<TfValue>,
}

/// A nested block (`ingress { ... }`, `lifecycle { ... }`, `dynamic "ingress" { ... }`).
#[derive(Debug, Clone)]
pub struct Block {
    /// The block type: `ingress`, `dynamic`, `statement`.
    pub kind: String,
    pub labels: Vec<String>,
    pub loc: Loc,
    pub body: Body,
}

/// A `variable` block.
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub dir: Arc<str>,
    pub loc: Loc,
    /// The evaluated `default`, if there is one.
    pub default: Option<TfValue>,
    pub body: Body,
}

/// One entry of a `locals` block.
#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub dir: Arc<str>,
    pub attr: Attr,
}

/// A `module` block.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub dir: Arc<str>,
    pub loc: Loc,
    /// The literal `source`, if known.
    pub source: Option<String>,
    pub body: Body,
}

/// An `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub dir: Arc<str>,
    pub loc: Loc,
    pub body: Body,
}

/// A value found by [`Body::find_path`], with where it was written.
#[derive(Debug, Clone)]
pub struct PathHit<'a> {
    pub value: &'a TfValue,
    pub loc: Loc,
    /// The attribute the value belongs to.
    pub attr: &'a Attr,
}

impl Terraform {
    /// Whether no Terraform block was found.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
            && self.data.is_empty()
            && self.modules.is_empty()
            && self.variables.is_empty()
            && self.locals.is_empty()
            && self.outputs.is_empty()
    }

    /// Managed resources of one type (`aws_db_instance`).
    pub fn resources_of<'a>(&'a self, rtype: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.rtype == rtype)
    }

    /// Data sources of one type (`aws_iam_policy_document`).
    pub fn data_of<'a>(&'a self, rtype: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.data.iter().filter(move |r| r.rtype == rtype)
    }

    /// The first resource or data source with this address (`aws_sqs_queue.dlq`,
    /// `data.aws_iam_policy_document.x`), in path order.
    pub fn find(&self, address: &str) -> Option<&Resource> {
        self.by_address
            .get(address)?
            .iter()
            .find_map(|h| self.entry(*h))
    }

    fn entry(&self, (data, i): Handle) -> Option<&Resource> {
        if data {
            self.data.get(i)
        } else {
            self.resources.get(i)
        }
    }

    /// The resource an address names as seen from `from`: in `from`'s directory first.
    pub fn resolve(&self, from: &Resource, address: &str) -> Option<&Resource> {
        let handles = self.by_address.get(address)?;
        let mut found = handles.iter().filter_map(|h| self.entry(*h));
        found
            .clone()
            .find(|r| r.dir == from.dir)
            .or_else(|| found.next())
    }

    /// Resources and data sources in the same directory that refer to `target` (the backup
    /// selection of a database, the autoscaling target of a service, the SSE configuration
    /// of a bucket).
    pub fn referrers<'a>(
        &'a self,
        target: &'a Resource,
    ) -> impl Iterator<Item = &'a Resource> + 'a {
        self.referrer_index
            .get(&(target.dir.clone(), target.address()))
            .into_iter()
            .flatten()
            .filter_map(|h| self.entry(*h))
    }

    /// Resources, then data sources.
    pub fn all(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().chain(self.data.iter())
    }

    /// A variable of a directory.
    pub fn variable(&self, dir: &str, name: &str) -> Option<&Variable> {
        self.variables
            .iter()
            .find(|v| &*v.dir == dir && v.name == name)
    }

    /// `aws_ecs_task_definition` resources with their containers.
    pub fn ecs_task_definitions(&self) -> &[EcsTaskDefinition] {
        &self.task_definitions
    }

    /// Every container of every ECS task definition whose definitions could be read.
    pub fn ecs_containers(&self) -> impl Iterator<Item = &EcsContainer> {
        self.task_definitions
            .iter()
            .flat_map(|t| t.containers.iter())
    }

    /// IAM policy statements from `aws_iam_policy`, `aws_iam_role_policy`,
    /// `aws_iam_user_policy`, `aws_iam_group_policy`, `aws_iam_role` `inline_policy` blocks and
    /// `data "aws_iam_policy_document"` `statement` blocks.
    pub fn iam_statements(&self) -> &[IamStatement] {
        &self.iam
    }

    /// Policies of those resources whose statements could not be read (a `file(...)`, a
    /// module output, malformed JSON).
    pub fn iam_unread_policies(&self) -> &[UnreadPolicy] {
        &self.iam_unread
    }

    /// Ingress rules from `aws_security_group` (and `aws_default_security_group`) `ingress`
    /// blocks, `aws_security_group_rule` with `type = "ingress"` and
    /// `aws_vpc_security_group_ingress_rule`.
    pub fn security_group_ingress(&self) -> &[IngressRule] {
        &self.ingress
    }
}

impl Resource {
    /// `aws_db_instance.main`, or `data.aws_iam_policy_document.x`.
    pub fn address(&self) -> String {
        if self.data {
            format!("data.{}.{}", self.rtype, self.name)
        } else {
            format!("{}.{}", self.rtype, self.name)
        }
    }

    /// The resource as findings name it: its address.
    pub fn resource(&self) -> String {
        self.address()
    }

    /// The addresses of resources, data sources and modules this resource refers to anywhere
    /// in its body, also through locals and interpolations that could not be evaluated
    /// (`"service/${aws_ecs_cluster.x.name}/${aws_ecs_service.y.name}"`), sorted.
    pub fn references(&self) -> &[String] {
        &self.refs
    }

    /// Whether this resource refers to `address`.
    pub fn refers_to(&self, address: &str) -> bool {
        self.refs.iter().any(|r| r == address)
    }

    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.body.attr(name)
    }

    pub fn value(&self, name: &str) -> Option<&TfValue> {
        self.body.value(name)
    }
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The value of attribute `name`.
    pub fn value(&self, name: &str) -> Option<&TfValue> {
        self.attr(name).map(|a| &a.value)
    }

    pub fn attrs(&self) -> impl Iterator<Item = &Attr> {
        self.attrs.iter()
    }

    /// Nested blocks of a type, in order.
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// The first nested block of a type.
    pub fn block(&self, kind: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.kind == kind)
    }

    /// Every nested block.
    pub fn all_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter()
    }

    /// `dynamic "kind" { ... }` blocks; their generated content is in the `content` block.
    pub fn dynamic<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks("dynamic")
            .filter(move |b| b.labels.first().is_some_and(|l| l == kind))
    }

    /// Follows nested blocks and object keys / list indices:
    /// `["rule", "apply_server_side_encryption_by_default", "sse_algorithm"]`. Takes the first
    /// match where blocks repeat.
    pub fn get_path(&self, path: &[&str]) -> Option<&TfValue> {
        self.find_path(path).map(|h| h.value)
    }

    /// Like [`Body::get_path`], with the location of the value.
    pub fn find_path(&self, path: &[&str]) -> Option<PathHit<'_>> {
        let mut out = Vec::new();
        self.walk(path, &mut out, true);
        out.into_iter().next()
    }

    /// Every match of a path, through all repeated blocks and list elements.
    pub fn find_path_all(&self, path: &[&str]) -> Vec<PathHit<'_>> {
        let mut out = Vec::new();
        self.walk(path, &mut out, false);
        out
    }

    fn walk<'a>(&'a self, path: &[&str], out: &mut Vec<PathHit<'a>>, first: bool) {
        let Some((seg, rest)) = path.split_first() else {
            return;
        };
        if let Some(attr) = self.attr(seg) {
            let mut trail = Vec::new();
            walk_value(attr, &attr.value, rest, &mut trail, out, first);
        }
        for b in self.blocks.iter().filter(|b| b.kind == *seg) {
            if first && !out.is_empty() {
                return;
            }
            b.body.walk(rest, out, first);
        }
    }
}

/// Walks a value along `path`, fanning out over list elements when the segment is a key.
fn walk_value<'a>(
    attr: &'a Attr,
    v: &'a TfValue,
    path: &[&str],
    trail: &mut Vec<String>,
    out: &mut Vec<PathHit<'a>>,
    first: bool,
) {
    if first && !out.is_empty() {
        return;
    }
    let Some((seg, rest)) = path.split_first() else {
        let segs: Vec<&str> = trail.iter().map(String::as_str).collect();
        out.push(PathHit {
            value: v,
            loc: attr.loc_at(&segs).clone(),
            attr,
        });
        return;
    };
    match v {
        TfValue::Object(o) => {
            if let Some(x) = o.get(*seg) {
                trail.push((*seg).to_string());
                walk_value(attr, x, rest, trail, out, first);
                trail.pop();
            }
        }
        TfValue::List(l) => {
            if let Ok(i) = seg.parse::<usize>() {
                if let Some(x) = l.get(i) {
                    trail.push(i.to_string());
                    walk_value(attr, x, rest, trail, out, first);
                    trail.pop();
                }
            } else {
                for (i, x) in l.iter().enumerate() {
                    trail.push(i.to_string());
                    walk_value(attr, x, path, trail, out, first);
                    trail.pop();
                }
            }
        }
        _ => {}
    }
}

impl Attr {
    /// The traversals the value refers to, as written (`aws_sqs_queue.dlq.arn`, `var.x`),
    /// including those reached through locals. Iteration variables are left out.
    pub fn refs(&self) -> &[String] {
        &self.refs
    }

    /// The resource, data source and module addresses the value refers to, sorted.
    pub fn addresses(&self) -> Vec<String> {
        let mut out: Vec<String> = self.refs.iter().filter_map(|r| address_of(r)).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Where a part of the value was written: `["1", "privileged"]` inside
    /// `jsonencode([...])`. Falls back to the deepest known part, and to [`Attr::loc`] when
    /// the value has no located parts (a JSON string).
    pub fn loc_at(&self, path: &[&str]) -> &Loc {
        if path.is_empty()
            || self
                .locs
                .child(path.first().copied().unwrap_or_default())
                .is_none()
        {
            return &self.loc;
        }
        self.locs.loc_at(path)
    }

    /// Where the value itself was written: the expression here, or the variable default or
    /// local it came from.
    pub fn origin(&self) -> &Loc {
        &self.locs.loc
    }

    /// The value as JSON-like data: the value when it is a list or object
    /// (`jsonencode(...)`), or the parsed JSON of a string or heredoc (with unresolved
    /// interpolations as [`TfValue::Ref`] / [`TfValue::Unknown`] leaves).
    pub fn json_like(&self) -> Option<&TfValue> {
        match &self.value {
            TfValue::List(_) | TfValue::Object(_) => Some(&self.value),
            _ => self.json.as_ref(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing: one file into raw blocks.

/// One parsed `.tf` file: its blocks with unevaluated expressions.
#[derive(Debug, Clone)]
pub struct TfFile {
    path: Arc<str>,
    dir: Arc<str>,
    items: Vec<RawItem>,
}

#[derive(Debug, Clone)]
enum RawItem {
    Resource {
        data: bool,
        rtype: String,
        name: String,
        loc: Loc,
        body: RawBody,
    },
    Variable {
        name: String,
        loc: Loc,
        body: RawBody,
    },
    Locals(Vec<RawAttr>),
    Module {
        name: String,
        loc: Loc,
        body: RawBody,
    },
    Output {
        name: String,
        loc: Loc,
        body: RawBody,
    },
}

#[derive(Debug, Clone, Default)]
struct RawBody {
    attrs: Vec<RawAttr>,
    blocks: Vec<RawBlock>,
}

#[derive(Debug, Clone)]
struct RawAttr {
    name: String,
    key_loc: Loc,
    expr: Expr,
    refs: Vec<String>,
}

#[derive(Debug, Clone)]
struct RawBlock {
    kind: String,
    labels: Vec<String>,
    loc: Loc,
    body: RawBody,
}

pub(crate) fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Option<TfFile> {
    let (base, text) = match src.text.strip_prefix('\u{feff}') {
        Some(rest) => ('\u{feff}'.len_utf8(), rest),
        None => (0, src.text.as_str()),
    };
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(b) => b,
        Err(e) => {
            let at = e.location();
            let byte = src.byte_of(
                at.line(),
                at.column().saturating_sub(1) + usize::from(base > 0 && at.line() == 1),
            );
            errors.push(EvidenceError::new(
                src.loc(byte, byte),
                FileKind::Terraform,
                format!("invalid HCL: {}", e.message()),
            ));
            return None;
        }
    };
    let mut cx = Converter {
        src,
        base,
        bound: Vec::new(),
    };
    let file_loc = src.file_start();
    let mut items = Vec::new();
    for block in body.blocks() {
        let loc = cx.loc_of(block.span(), &file_loc);
        let labels: Vec<&str> = block
            .labels
            .iter()
            .map(hcl_edit::structure::BlockLabel::as_str)
            .collect();
        let kind = block.ident.as_str();
        let mut want = |n: usize| {
            if labels.len() == n {
                true
            } else {
                errors.push(EvidenceError::new(
                    loc.clone(),
                    FileKind::Terraform,
                    format!(
                        "a `{kind}` block needs {n} label{}, found {}",
                        if n == 1 { "" } else { "s" },
                        labels.len()
                    ),
                ));
                false
            }
        };
        match (kind, labels.as_slice()) {
            ("resource" | "data", _) => {
                if let (true, [rtype, name]) = (want(2), labels.as_slice()) {
                    let body = top_body(&mut cx, &block.body, &loc, errors);
                    items.push(RawItem::Resource {
                        data: kind == "data",
                        rtype: (*rtype).to_string(),
                        name: (*name).to_string(),
                        loc,
                        body,
                    });
                }
            }
            ("variable" | "module" | "output", _) => {
                if let (true, [name]) = (want(1), labels.as_slice()) {
                    let body = top_body(&mut cx, &block.body, &loc, errors);
                    let name = (*name).to_string();
                    items.push(match kind {
                        "variable" => RawItem::Variable { name, loc, body },
                        "module" => RawItem::Module { name, loc, body },
                        _ => RawItem::Output { name, loc, body },
                    });
                }
            }
            ("locals", _) => {
                let body = raw_body(&mut cx, &block.body, &loc, errors);
                items.push(RawItem::Locals(body.attrs));
            }
            _ => {}
        }
    }
    let dir: Arc<str> = Arc::from(src.path.rsplit_once('/').map_or("", |(d, _)| d));
    Some(TfFile {
        path: src.path.clone(),
        dir,
        items,
    })
}

/// Meta-arguments whose traversals name providers, not resources (`provider = aws.west`).
const PROVIDER_ATTRS: &[&str] = &["provider", "providers"];

/// A top-level block's body: like [`raw_body`], without provider meta-arguments' references.
fn top_body(
    cx: &mut Converter<'_>,
    body: &hcl_edit::structure::Body,
    parent: &Loc,
    errors: &mut Vec<EvidenceError>,
) -> RawBody {
    let mut out = raw_body(cx, body, parent, errors);
    for a in &mut out.attrs {
        if PROVIDER_ATTRS.contains(&a.name.as_str()) {
            a.refs.clear();
        }
    }
    out
}

fn raw_body(
    cx: &mut Converter<'_>,
    body: &hcl_edit::structure::Body,
    parent: &Loc,
    errors: &mut Vec<EvidenceError>,
) -> RawBody {
    let mut out = RawBody::default();
    for a in body.attributes() {
        let key_loc = cx.loc_of(a.key.span(), parent);
        let expr = cx.expr(&a.value, &key_loc);
        if JSON_ATTRS.contains(&a.key.as_str()) {
            check_json(cx.src, a.key.as_str(), &expr, errors);
        }
        let mut refs = Vec::new();
        expr.collect_refs(&mut refs);
        out.attrs.push(RawAttr {
            name: a.key.as_str().to_string(),
            key_loc,
            expr,
            refs,
        });
    }
    for b in body.blocks() {
        let loc = cx.loc_of(b.span(), parent);
        let labels: Vec<String> = b.labels.iter().map(|l| l.as_str().to_string()).collect();
        let kind = b.ident.as_str().to_string();
        // Inside `dynamic "x"`, `x.value` (or the `iterator` name) is the element, not a
        // resource reference.
        let iterator = (kind == "dynamic").then(|| {
            b.body
                .get_attribute("iterator")
                .and_then(|a| a.value.as_variable().map(|v| v.as_str().to_string()))
                .or_else(|| labels.first().cloned())
        });
        let pushed = match iterator.flatten() {
            Some(name) => {
                cx.bound.push(name);
                1
            }
            None => 0,
        };
        let body = raw_body(cx, &b.body, &loc, errors);
        cx.bound.truncate(cx.bound.len() - pushed);
        out.blocks.push(RawBlock {
            kind,
            labels,
            loc,
            body,
        });
    }
    out
}

/// Reports a literal string that should hold JSON but does not parse.
fn check_json(src: &Source, name: &str, expr: &Expr, errors: &mut Vec<EvidenceError>) {
    let Some(text) = expr.literal_str() else {
        return;
    };
    if !looks_like_json(&text) {
        return;
    }
    let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) else {
        return;
    };
    // A heredoc's text starts on the line after `<<EOT`, shifted left by its indent; a quoted
    // string's escapes make positions inexact, so it is reported at its start.
    let loc = match &expr.kind {
        ExprKind::Template(_, Some(indent)) => {
            let line = expr.loc.line as usize + e.line();
            let byte = src.byte_of(line, e.column().saturating_sub(1) + indent);
            src.loc(byte, byte)
        }
        _ => expr.loc.clone(),
    };
    // serde_json's own position counts within the string; the location already says where.
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    errors.push(EvidenceError::new(
        loc,
        FileKind::Terraform,
        format!("`{name}` is not valid JSON: {message}"),
    ));
}

// ---------------------------------------------------------------------------------------------
// Assembly: resolve per directory, evaluate, derive typed views.

pub(crate) fn assemble(mut files: Vec<TfFile>) -> Terraform {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut by_dir: BTreeMap<Arc<str>, Vec<&TfFile>> = BTreeMap::new();
    for f in &files {
        by_dir.entry(f.dir.clone()).or_default().push(f);
    }
    let mut tf = Terraform::default();
    for (dir, dir_files) in by_dir {
        assemble_dir(&dir, &dir_files, &mut tf);
    }
    let by_loc = |a: &Loc, b: &Loc| (&a.path, a.start).cmp(&(&b.path, b.start));
    tf.resources.sort_by(|a, b| by_loc(&a.loc, &b.loc));
    tf.data.sort_by(|a, b| by_loc(&a.loc, &b.loc));
    tf.modules.sort_by(|a, b| by_loc(&a.loc, &b.loc));
    tf.variables.sort_by(|a, b| by_loc(&a.loc, &b.loc));
    tf.locals
        .sort_by(|a, b| by_loc(&a.attr.key_loc, &b.attr.key_loc));
    tf.outputs.sort_by(|a, b| by_loc(&a.loc, &b.loc));
    tf.index();
    tf.task_definitions = ecs::task_definitions(&tf);
    (tf.iam, tf.iam_unread) = iam::statements(&tf);
    tf.ingress = network::ingress_rules(&tf);
    tf
}

impl Terraform {
    /// Builds the address and referrer indexes (after sorting).
    fn index(&mut self) {
        let mut by_address: BTreeMap<String, Vec<Handle>> = BTreeMap::new();
        let mut referrers: BTreeMap<(Arc<str>, String), Vec<Handle>> = BTreeMap::new();
        let entries = self
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| ((false, i), r));
        let data = self.data.iter().enumerate().map(|(i, r)| ((true, i), r));
        for (h, r) in entries.chain(data) {
            by_address.entry(r.address()).or_default().push(h);
            for a in &r.refs {
                referrers
                    .entry((r.dir.clone(), a.clone()))
                    .or_default()
                    .push(h);
            }
        }
        self.by_address = by_address;
        self.referrer_index = referrers;
    }
}

fn assemble_dir(dir: &Arc<str>, files: &[&TfFile], tf: &mut Terraform) {
    let mut scope = Scope::new();
    let mut local_attrs: Vec<&RawAttr> = Vec::new();
    for f in files {
        for item in &f.items {
            match item {
                RawItem::Variable { name, body, .. } => {
                    let default = body
                        .attrs
                        .iter()
                        .find(|a| a.name == "default")
                        .map(|a| &a.expr);
                    scope.vars.entry(name.as_str()).or_insert(default);
                }
                RawItem::Locals(attrs) => {
                    for a in attrs {
                        if !scope.locals.contains_key(a.name.as_str()) {
                            scope.locals.insert(a.name.as_str(), &a.expr);
                            local_attrs.push(a);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let local_refs = local_refs(&local_attrs);
    let mut cx = DirCx { scope, local_refs };
    for f in files {
        for item in &f.items {
            match item {
                RawItem::Resource {
                    data,
                    rtype,
                    name,
                    loc,
                    body,
                } => {
                    let body = cx.body(body);
                    let mut refs = Vec::new();
                    collect_addresses(&body, &mut refs);
                    refs.sort();
                    refs.dedup();
                    let r = Resource {
                        rtype: rtype.clone(),
                        name: name.clone(),
                        data: *data,
                        dir: dir.clone(),
                        loc: loc.clone(),
                        body,
                        refs,
                    };
                    if *data {
                        tf.data.push(r);
                    } else {
                        tf.resources.push(r);
                    }
                }
                RawItem::Variable { name, loc, body } => {
                    let body = cx.body(body);
                    tf.variables.push(Variable {
                        name: name.clone(),
                        dir: dir.clone(),
                        loc: loc.clone(),
                        default: body.value("default").cloned(),
                        body,
                    });
                }
                RawItem::Locals(attrs) => {
                    for a in attrs {
                        tf.locals.push(Local {
                            name: a.name.clone(),
                            dir: dir.clone(),
                            attr: cx.attr(a),
                        });
                    }
                }
                RawItem::Module { name, loc, body } => {
                    let body = cx.body(body);
                    tf.modules.push(ModuleCall {
                        name: name.clone(),
                        dir: dir.clone(),
                        loc: loc.clone(),
                        source: body
                            .value("source")
                            .and_then(TfValue::as_str)
                            .map(str::to_string),
                        body,
                    });
                }
                RawItem::Output { name, loc, body } => {
                    tf.outputs.push(Output {
                        name: name.clone(),
                        dir: dir.clone(),
                        loc: loc.clone(),
                        body: cx.body(body),
                    });
                }
            }
        }
    }
}

/// The references of each local, following other locals (cycle-safe).
fn local_refs(attrs: &[&RawAttr]) -> BTreeMap<String, Vec<String>> {
    let direct: BTreeMap<&str, &[String]> = attrs
        .iter()
        .map(|a| (a.name.as_str(), a.refs.as_slice()))
        .collect();
    let mut out = BTreeMap::new();
    for name in direct.keys() {
        let mut seen: Vec<&str> = vec![name];
        let mut stack: Vec<&str> = vec![name];
        let mut refs: Vec<String> = Vec::new();
        while let Some(n) = stack.pop() {
            for r in direct.get(n).copied().unwrap_or_default() {
                refs.push(r.clone());
                if let Some(other) = local_name(r)
                    && !seen.contains(&other)
                    && direct.contains_key(other)
                {
                    seen.push(other);
                    stack.push(other);
                }
            }
        }
        refs.sort();
        refs.dedup();
        out.insert((*name).to_string(), refs);
    }
    out
}

/// `local.x.y` -> `x`.
fn local_name(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("local.")?;
    rest.split(['.', '[']).next()
}

struct DirCx<'a> {
    scope: Scope<'a>,
    local_refs: BTreeMap<String, Vec<String>>,
}

impl DirCx<'_> {
    fn body(&mut self, raw: &RawBody) -> Body {
        Body {
            attrs: raw.attrs.iter().map(|a| self.attr(a)).collect(),
            blocks: raw
                .blocks
                .iter()
                .map(|b| Block {
                    kind: b.kind.clone(),
                    labels: b.labels.clone(),
                    loc: b.loc.clone(),
                    body: self.body(&b.body),
                })
                .collect(),
        }
    }

    fn attr(&mut self, raw: &RawAttr) -> Attr {
        let ev = self.scope.eval(&raw.expr);
        let json = match (&ev.value, &raw.expr.kind) {
            (TfValue::String(s), _) if looks_like_json(s) => parse_json(s).ok(),
            (TfValue::Unknown(_), ExprKind::Template(parts, _)) => self.scope.template_json(parts),
            _ => None,
        };
        let mut refs = raw.refs.clone();
        for r in &raw.refs {
            if let Some(more) = local_name(r).and_then(|n| self.local_refs.get(n)) {
                refs.extend(more.iter().cloned());
            }
        }
        refs.sort();
        refs.dedup();
        Attr {
            name: raw.name.clone(),
            value: ev.value,
            loc: raw.expr.loc.clone(),
            key_loc: raw.key_loc.clone(),
            refs,
            locs: ev.locs,
            json,
        }
    }
}

fn collect_addresses(body: &Body, out: &mut Vec<String>) {
    for a in &body.attrs {
        out.extend(a.refs.iter().filter_map(|r| address_of(r)));
    }
    for b in &body.blocks {
        collect_addresses(&b.body, out);
    }
}
