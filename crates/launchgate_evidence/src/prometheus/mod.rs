//! Prometheus alerting and recording rules (rule files, PrometheusRule resources, rules inside
//! ConfigMaps), what their PromQL means, and SLO specs (OpenSLO, Sloth, Pyrra).
//!
//! Every rule keeps its expression text with the location of the `expr:` value (the PromQL
//! parser keeps no positions) and the parsed expression. An expression the parser rejects is an
//! [`EvidenceError`] at its `expr:` line, and the rule's [`Rule::query`] holds the message.
//!
//! Prometheus loads a rule file whole or not at all: a file with any error (an expression that
//! does not parse, a group without a name, a rule without `expr`) contributes no rule to
//! [`Prometheus::rules`] or [`Prometheus::groups`], so no check counts its alerts as written;
//! its rules are kept apart in [`Prometheus::rejected`], and its errors make the checks that
//! read rules inconclusive.

pub mod burn_rate;
mod rules;
mod signals;
mod slo;

use std::collections::BTreeMap;

pub use promql_parser::parser::Expr;
pub use rules::{duration_seconds, vector_selectors, visit};
pub use signals::{
    QueueRef, Signal, is_availability, is_backup_health, is_backup_name, is_dead_letter_depth,
    is_dlq_name, is_error_name, is_error_rate, is_grpc_error_matcher, is_http_error_matcher,
    is_latency, is_latency_name, is_observation_count, is_queue_depth, is_queue_name,
    is_saturation, is_saturation_name, is_traffic, metric_name, name_words, queue_names,
    queue_refs, queue_refs_resolved, selects_errors, signals, signals_resolved,
};
pub use slo::{SLOTH_DEFAULT_WINDOW, SloSpec, SloTool, openslo_duration_seconds, sli_kind};

use crate::k8s::Kubernetes;
use crate::yaml::Node;
use crate::{EvidenceError, FileKind, Loc, Located, Source};
use launchgate_manifest::AlertSelection;

/// Every rule and SLO spec the scan found.
#[derive(Debug, Clone, Default)]
pub struct Prometheus {
    /// Every rule, by file and position.
    pub rules: Vec<Rule>,
    /// Rule groups, by file and position.
    pub groups: Vec<RuleGroup>,
    /// SLO specs (Sloth, OpenSLO, Pyrra), by file and position.
    pub slo_specs: Vec<SloSpec>,
    /// The rules of files Prometheus would reject (see the module documentation), by file and
    /// position: they alert and record nothing. Only the check that says why a file is
    /// rejected (OBS-007) reads them.
    pub rejected: Vec<Rule>,
}

/// Whether a rule alerts or records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleKind {
    Alert,
    Record,
}

/// Where a rule was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleOrigin {
    /// A Prometheus rule file (`groups:` at the top).
    File,
    /// A `monitoring.coreos.com` PrometheusRule resource, by name.
    PrometheusRule(String),
    /// A ConfigMap data key holding a rule file: the ConfigMap's name and the key.
    ConfigMap { name: String, key: String },
    /// A Grafana unified-alerting provisioning file (see [`crate::grafana`]).
    Grafana,
}

/// A rule group.
#[derive(Debug, Clone)]
pub struct RuleGroup {
    pub name: Located<String>,
    /// `interval:` as written.
    pub interval: Option<Located<String>>,
    pub origin: RuleOrigin,
    /// The group's list item.
    pub loc: Loc,
}

/// One alerting or recording rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: RuleKind,
    /// The `alert:` or `record:` value.
    pub name: Located<String>,
    /// The name of the group the rule is in.
    pub group: String,
    pub origin: RuleOrigin,
    /// The `expr:` text, at the `expr:` value.
    pub expr: Located<String>,
    /// The parsed expression, or the parser's message when Prometheus would reject it.
    pub query: Result<Expr, String>,
    /// `for:` as written (alerts).
    pub for_: Option<Located<String>>,
    /// `keep_firing_for:` as written (alerts).
    pub keep_firing_for: Option<Located<String>>,
    /// `labels:`, with value locations.
    pub labels: BTreeMap<String, Located<String>>,
    /// `annotations:`, with value locations (alerts).
    pub annotations: BTreeMap<String, Located<String>>,
    /// The rule's list item: where findings about the rule as a whole point.
    pub loc: Loc,
}

impl Rule {
    pub fn is_alert(&self) -> bool {
        self.kind == RuleKind::Alert
    }

    /// A label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(|l| l.value.as_str())
    }

    /// An annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(|l| l.value.as_str())
    }

    /// `for:` in seconds; `None` when absent or unreadable.
    pub fn for_seconds(&self) -> Option<u64> {
        self.for_.as_ref().and_then(|f| duration_seconds(&f.value))
    }

    /// The parsed expression, when it parsed.
    pub fn parsed(&self) -> Option<&Expr> {
        self.query.as_ref().ok()
    }

    /// Whether the rule belongs to the service described by `selection`: every label of one
    /// selector set is carried by the rule's labels, or matched by an equality (or a fully
    /// matching regex) selector in its expression. Without selectors every rule belongs.
    pub fn selected_by(&self, selection: &AlertSelection) -> bool {
        if selection.selectors.is_empty() {
            return true;
        }
        let selectors = self.parsed().map(vector_selectors).unwrap_or_default();
        selection.selectors.iter().any(|set| {
            !set.is_empty()
                && set.iter().all(|(k, v)| {
                    self.label(k) == Some(v.as_str())
                        || selectors.iter().any(|vs| rules::selects(vs, k, v))
                })
        })
    }
}

impl Prometheus {
    /// Every alerting rule.
    pub fn alerts(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.is_alert())
    }

    /// Every recording rule.
    pub fn recording_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| !r.is_alert())
    }

    /// The alerting rules that belong to the service (see [`Rule::selected_by`]).
    pub fn service_alerts<'a>(&'a self, selection: &'a AlertSelection) -> Vec<&'a Rule> {
        self.alerts().filter(|r| r.selected_by(selection)).collect()
    }

    /// The recording rules that belong to the service.
    pub fn service_recording_rules<'a>(&'a self, selection: &'a AlertSelection) -> Vec<&'a Rule> {
        self.recording_rules()
            .filter(|r| r.selected_by(selection))
            .collect()
    }
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct RuleFile {
    groups: Vec<RuleGroup>,
    rules: Vec<Rule>,
    slo_specs: Vec<SloSpec>,
}

impl RuleFile {
    /// A file's groups and rules, read by another module (Grafana provisioning).
    pub(crate) fn new(groups: Vec<RuleGroup>, rules: Vec<Rule>) -> RuleFile {
        RuleFile {
            groups,
            rules,
            slo_specs: Vec::new(),
        }
    }
}

/// Reads a rule file or a Sloth spec file.
pub fn parse(
    src: &Source,
    kind: FileKind,
    docs: &[Node],
    errors: &mut Vec<EvidenceError>,
) -> Vec<RuleFile> {
    let _ = src;
    match kind {
        FileKind::PrometheusRules => {
            let mut out = RuleFile {
                groups: Vec::new(),
                rules: Vec::new(),
                slo_specs: Vec::new(),
            };
            for doc in docs {
                rules::read_groups(
                    doc,
                    &RuleOrigin::File,
                    &mut out.groups,
                    &mut out.rules,
                    errors,
                );
            }
            vec![out]
        }
        FileKind::SloSpec => {
            let mut out = RuleFile {
                groups: Vec::new(),
                rules: Vec::new(),
                slo_specs: Vec::new(),
            };
            for doc in docs {
                out.slo_specs.extend(slo::read_sloth(doc, errors));
            }
            vec![out]
        }
        _ => Vec::new(),
    }
}

/// Joins the files' rules with those inside Kubernetes objects (PrometheusRule, ConfigMap) and
/// the SLO resources (OpenSLO, Pyrra, Sloth).
pub fn assemble(
    files: Vec<RuleFile>,
    kube: &Kubernetes,
    errors: &mut Vec<EvidenceError>,
) -> Prometheus {
    let mut p = Prometheus::default();
    for f in files {
        p.groups.extend(f.groups);
        p.rules.extend(f.rules);
        p.slo_specs.extend(f.slo_specs);
    }
    rules::from_kubernetes(kube, &mut p.groups, &mut p.rules, errors);
    reject(&mut p, errors);
    p.slo_specs.extend(slo::from_kubernetes(kube, errors));
    p.slo_specs.sort_by(|a, b| a.loc.cmp(&b.loc));
    p.groups.sort_by(|a, b| a.loc.cmp(&b.loc));
    p.rules.sort_by(|a, b| a.loc.cmp(&b.loc));
    p.rejected.sort_by(|a, b| a.loc.cmp(&b.loc));
    p
}

/// Moves the rules and groups of every file with a rule error out of the evidence: Prometheus
/// would not load that file (a PrometheusRule resource is refused whole in the same way; the
/// unit here is the file that holds it).
fn reject(p: &mut Prometheus, errors: &[EvidenceError]) {
    let bad: std::collections::BTreeSet<&str> = errors
        .iter()
        .filter(|e| e.kind == FileKind::PrometheusRules)
        .map(|e| &*e.loc.path)
        .collect();
    if bad.is_empty() {
        return;
    }
    let (rejected, kept): (Vec<Rule>, Vec<Rule>) = std::mem::take(&mut p.rules)
        .into_iter()
        .partition(|r| bad.contains(&*r.loc.path));
    p.rules = kept;
    p.rejected = rejected;
    p.groups.retain(|g| !bad.contains(&*g.loc.path));
}
