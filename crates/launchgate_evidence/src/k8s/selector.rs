//! Label selectors with the API server's semantics (`matchLabels` and `matchExpressions`) and
//! the namespace rule used for linking objects.

use std::collections::BTreeMap;

use super::read::{FieldPath, Reader};
use crate::Loc;
use crate::yaml::Node;

/// A label selector (`matchLabels` + `matchExpressions`, or the plain map of a Service or
/// ReplicationController). An empty selector matches every label set: whether an empty or
/// missing selector selects everything or nothing depends on the kind, so the kinds' own
/// `selects` methods apply that rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSelector {
    /// `matchLabels` (or the plain map).
    pub match_labels: BTreeMap<String, String>,
    /// `matchExpressions`.
    pub match_expressions: Vec<SelectorRequirement>,
    /// Where the selector is written (its key).
    pub loc: Loc,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorRequirement {
    pub key: String,
    pub operator: SelectorOp,
    pub values: Vec<String>,
    pub loc: Loc,
}

/// A `matchExpressions` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SelectorOp {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl SelectorOp {
    fn parse(s: &str) -> Option<SelectorOp> {
        Some(match s {
            "In" => SelectorOp::In,
            "NotIn" => SelectorOp::NotIn,
            "Exists" => SelectorOp::Exists,
            "DoesNotExist" => SelectorOp::DoesNotExist,
            _ => return None,
        })
    }
}

impl SelectorRequirement {
    /// Whether a label set satisfies this requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            SelectorOp::In => value.is_some_and(|v| self.values.contains(v)),
            SelectorOp::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            SelectorOp::Exists => value.is_some(),
            SelectorOp::DoesNotExist => value.is_none(),
        }
    }
}

impl LabelSelector {
    /// A selector from a plain label map (Service, ReplicationController).
    pub fn from_labels(labels: BTreeMap<String, String>, loc: Loc) -> LabelSelector {
        LabelSelector {
            match_labels: labels,
            match_expressions: Vec::new(),
            loc,
        }
    }

    /// Whether the selector has no terms at all (`{}`).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether a label set satisfies every term. An empty selector matches everything.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }
}

/// Whether two objects are in the same namespace: equal namespaces, or either unset (an
/// object without a namespace is applied to whatever namespace the deploy targets).
pub fn same_namespace(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Whether two resources are in the same namespace when the answer decides isolation: the
/// same namespace written (after a kustomization's `namespace:` is applied), or neither
/// naming one (both land in the namespace they are applied to). One naming a namespace and
/// the other none are not known to meet, unlike [`same_namespace`].
pub fn same_namespace_exactly(a: Option<&str>, b: Option<&str>) -> bool {
    a == b
}

/// Reads a `metav1.LabelSelector` at `parent[key]`; `None` when absent or `null`.
pub(super) fn read_selector(
    r: &mut Reader<'_>,
    parent: &Node,
    key: &str,
    path: &FieldPath<'_>,
) -> Option<LabelSelector> {
    let entry = r.map_entry(parent, key, path)?;
    let node = &entry.value;
    let sel_path = path.key(key);
    let match_labels = r.string_map(node, "matchLabels", &sel_path);
    let mut match_expressions = Vec::new();
    let exprs_path = sel_path.key("matchExpressions");
    for (i, item) in r
        .seq(node, "matchExpressions", &sel_path)
        .iter()
        .enumerate()
    {
        let item_path = exprs_path.index(i);
        let Some(item) = r.item_map(item, &item_path) else {
            continue;
        };
        let Some(key) = r.text(item, "key", &item_path) else {
            r.error(&item.loc, format!("{item_path} has no key"));
            continue;
        };
        let Some(op_text) = r.string(item, "operator", &item_path) else {
            r.error(&item.loc, format!("{item_path} has no operator"));
            continue;
        };
        let Some(operator) = SelectorOp::parse(&op_text.value) else {
            r.error(
                &op_text.loc,
                format!(
                    "unknown selector operator `{}` at {item_path} (expected In, NotIn, Exists or DoesNotExist)",
                    op_text.value
                ),
            );
            continue;
        };
        let values = r
            .strings(item, "values", &item_path)
            .into_iter()
            .map(|v| v.value)
            .collect();
        match_expressions.push(SelectorRequirement {
            key,
            operator,
            values,
            loc: item.loc.clone(),
        });
    }
    Some(LabelSelector {
        match_labels,
        match_expressions,
        loc: entry.key_loc.clone(),
    })
}

/// Reads a plain label map selector (Service `spec.selector`); `None` when absent or `null`.
pub(super) fn read_map_selector(
    r: &mut Reader<'_>,
    parent: &Node,
    key: &str,
    path: &FieldPath<'_>,
) -> Option<LabelSelector> {
    let entry = r.map_entry(parent, key, path)?;
    let labels = r.string_map(parent, key, path);
    Some(LabelSelector::from_labels(labels, entry.key_loc.clone()))
}
