//! Alertmanager configuration: receivers (classified as pager, channel or null) and the routing
//! tree, with a simulation of where an alert's labels are routed.
//!
//! Configurations come from Alertmanager configuration files (`route:` and `receivers:` at the
//! top), from Kubernetes Secrets and ConfigMaps holding one (`alertmanager.yaml` key; Secret
//! `data` is base64-decoded) and from prometheus-operator `AlertmanagerConfig` resources.
//! Every route, matcher and receiver keeps its location. What Alertmanager would refuse (a
//! route naming an undefined receiver, a malformed matcher, an invalid regular expression) is
//! an [`EvidenceError`] at the place it is written, and the configuration holding it is left
//! out of [`Alertmanager::configs`]: Alertmanager would not load it, so it routes nothing, and
//! the checks that read routing are inconclusive on its errors rather than judging it.

mod matchers;
pub(crate) mod read;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use matchers::{MatchOp, Matcher, parse_line as parse_matchers};

use crate::k8s::Kubernetes;
use crate::yaml::Node;
use crate::{EvidenceError, Loc, Located, Source};

/// Every Alertmanager configuration the scan found.
#[derive(Debug, Clone, Default)]
pub struct Alertmanager {
    /// The configurations, by location.
    pub configs: Vec<Config>,
}

/// Where a configuration was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigOrigin {
    /// An Alertmanager configuration file.
    File,
    /// A Kubernetes Secret key holding a configuration file: the Secret's name and the key.
    Secret { name: String, key: String },
    /// A ConfigMap key holding a configuration file.
    ConfigMap { name: String, key: String },
    /// A prometheus-operator `AlertmanagerConfig` resource, by name.
    AlertmanagerConfig(String),
    /// Grafana unified-alerting provisioning: a notification policy tree with the contact
    /// points of every Grafana provisioning file.
    Grafana,
}

impl ConfigOrigin {
    /// How findings name the configuration's source, e.g. ``Secret `alertmanager-main` key
    /// `alertmanager.yaml` ``; empty for a plain file (its path says it).
    pub fn describe(&self) -> String {
        match self {
            ConfigOrigin::File => String::new(),
            ConfigOrigin::Secret { name, key } => format!("Secret `{name}` key `{key}`"),
            ConfigOrigin::ConfigMap { name, key } => format!("ConfigMap `{name}` key `{key}`"),
            ConfigOrigin::AlertmanagerConfig(name) => format!("AlertmanagerConfig `{name}`"),
            ConfigOrigin::Grafana => "Grafana notification policies".to_string(),
        }
    }
}

/// One Alertmanager configuration: its routing tree and its receivers.
#[derive(Debug, Clone)]
pub struct Config {
    pub origin: ConfigOrigin,
    /// The root route.
    pub route: Route,
    /// The receivers, in the order written.
    pub receivers: Vec<Receiver>,
    /// The document (or the Kubernetes object).
    pub loc: Loc,
}

/// A node of the routing tree.
#[derive(Debug, Clone)]
pub struct Route {
    /// The receiver named on this route, if any (children inherit their parent's).
    pub receiver: Option<Located<String>>,
    /// Every matcher: `matchers:`, `match:` and `match_re:` together.
    pub matchers: Vec<Matcher>,
    /// `continue: true`: later siblings are tried even when this route matched.
    pub continue_: bool,
    /// The child routes, in order.
    pub routes: Vec<Route>,
    /// The route's mapping (the `route:` value, or the list item of a child route).
    pub loc: Loc,
}

impl Route {
    /// The route's matchers as Alertmanager prints them, e.g. `{severity="page", team=~"pay.*"}`;
    /// `{}` for a route that matches everything.
    pub fn describe(&self) -> String {
        let mut s = String::from("{");
        for (i, m) in self.matchers.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{m}");
        }
        s.push('}');
        s
    }

    /// Whether every matcher matches the labels.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }

    /// Every route of the subtree, depth first (this one first).
    pub fn walk(&self) -> Vec<&Route> {
        let mut out = vec![self];
        for r in &self.routes {
            out.extend(r.walk());
        }
        out
    }
}

/// What a receiver's notifications reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReceiverClass {
    /// No integration at all: the alert is dropped.
    Null,
    /// A team channel: chat, email, a plain webhook, a message queue.
    Channel,
    /// A paging service that wakes someone up (PagerDuty, Opsgenie, VictorOps, a webhook into
    /// incident.io, Grafana OnCall, ...).
    Pager,
}

impl ReceiverClass {
    /// `pager`, `channel` or `null`.
    pub fn key(self) -> &'static str {
        match self {
            ReceiverClass::Null => "null",
            ReceiverClass::Channel => "channel",
            ReceiverClass::Pager => "pager",
        }
    }
}

/// One notification integration of a receiver (an item of `slack_configs:`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// The integration kind as the configuration file spells it: `slack_configs`,
    /// `pagerduty_configs`, `webhook_configs`, ... (`AlertmanagerConfig` resources' camelCase
    /// keys are normalised to these).
    pub kind: String,
    /// What it notifies, for messages: `Slack`, `email`, `PagerDuty`, `webhook to incident.io`.
    pub service: String,
    pub class: ReceiverClass,
    /// The list item.
    pub loc: Loc,
}

/// A receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub name: Located<String>,
    /// Its integrations, in the order written.
    pub integrations: Vec<Integration>,
    /// The receiver's list item.
    pub loc: Loc,
}

impl Receiver {
    /// Pager when any integration pages, channel when any notifies, null without integrations.
    pub fn class(&self) -> ReceiverClass {
        self.integrations
            .iter()
            .map(|i| i.class)
            .max()
            .unwrap_or(ReceiverClass::Null)
    }

    /// The integrations for messages, e.g. `Slack and email`, `PagerDuty`, `no integrations`.
    pub fn describe(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for i in &self.integrations {
            if !names.contains(&i.service.as_str()) {
                names.push(&i.service);
            }
        }
        match names.as_slice() {
            [] => "no integrations".to_string(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

/// Where one delivery of an alert goes: the route that handles it, the way there, and the
/// receiver.
#[derive(Debug, Clone)]
pub struct RouteMatch<'a> {
    /// The routes taken from the root to the handling route (both included).
    pub path: Vec<&'a Route>,
    /// The receiver name in effect (the handling route's own, or inherited), where written.
    pub receiver_name: Option<&'a Located<String>>,
    /// The receiver, when defined.
    pub receiver: Option<&'a Receiver>,
}

impl RouteMatch<'_> {
    /// The handling route.
    pub fn route(&self) -> Option<&Route> {
        self.path.last().copied()
    }

    /// The path for messages: `root → {team="payments"} → {severity="page"}`.
    pub fn describe_path(&self) -> String {
        let mut s = String::new();
        for (i, r) in self.path.iter().enumerate() {
            if i == 0 {
                s.push_str("root");
            } else {
                let _ = write!(s, " → {}", r.describe());
            }
        }
        s
    }

    /// The receiver's class; `None` when the receiver is undefined.
    pub fn class(&self) -> Option<ReceiverClass> {
        self.receiver.map(Receiver::class)
    }
}

impl Config {
    /// The receiver named `name`.
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name.value == name)
    }

    /// Routes an alert's labels as Alertmanager does: depth first from the root; a route
    /// matches when all its matchers match; among children the first match wins unless it has
    /// `continue: true`, in which case later siblings are tried too; a route none of whose
    /// children match handles the alert itself. Children without a receiver use their
    /// parent's. Returns one entry per delivery, in order; empty only when the root itself
    /// does not match (the implicit `namespace` matcher of an `AlertmanagerConfig`).
    pub fn route<'a>(&'a self, labels: &BTreeMap<String, String>) -> Vec<RouteMatch<'a>> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        if self.route.matches(labels) {
            self.visit(&self.route, None, labels, &mut path, &mut out);
        }
        out
    }

    fn visit<'a>(
        &'a self,
        route: &'a Route,
        inherited: Option<&'a Located<String>>,
        labels: &BTreeMap<String, String>,
        path: &mut Vec<&'a Route>,
        out: &mut Vec<RouteMatch<'a>>,
    ) {
        let receiver = route.receiver.as_ref().or(inherited);
        path.push(route);
        let before = out.len();
        for child in &route.routes {
            if !child.matches(labels) {
                continue;
            }
            self.visit(child, receiver, labels, path, out);
            if !child.continue_ {
                break;
            }
        }
        if out.len() == before {
            out.push(RouteMatch {
                path: path.clone(),
                receiver_name: receiver,
                receiver: receiver.and_then(|n| self.receiver(&n.value)),
            });
        }
        path.pop();
    }
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct AlertmanagerFile {
    configs: Vec<Config>,
    /// Grafana contact points of the file, joined with every Grafana policy tree.
    grafana_receivers: Vec<Receiver>,
    /// Grafana notification policy trees of the file.
    grafana_policies: Vec<Route>,
}

impl AlertmanagerFile {
    /// A Grafana provisioning file's contact points and policy trees.
    pub(crate) fn grafana(
        receivers: Vec<Receiver>,
        policies: Vec<Route>,
        _origin: ConfigOrigin,
    ) -> AlertmanagerFile {
        AlertmanagerFile {
            configs: Vec::new(),
            grafana_receivers: receivers,
            grafana_policies: policies,
        }
    }
}

/// Reads an Alertmanager configuration file.
pub fn parse(
    src: &Source,
    docs: &[Node],
    errors: &mut Vec<EvidenceError>,
) -> Vec<AlertmanagerFile> {
    let _ = src;
    let configs = docs
        .iter()
        .filter_map(|d| read::config(d, ConfigOrigin::File, errors))
        .collect();
    vec![AlertmanagerFile {
        configs,
        grafana_receivers: Vec::new(),
        grafana_policies: Vec::new(),
    }]
}

/// Joins the files with configurations inside Kubernetes objects (Secret or ConfigMap holding
/// `alertmanager.yaml`, `AlertmanagerConfig` resources).
pub fn assemble(
    files: Vec<AlertmanagerFile>,
    kube: &Kubernetes,
    errors: &mut Vec<EvidenceError>,
) -> Alertmanager {
    let mut configs: Vec<Config> = Vec::new();
    let mut grafana_receivers: Vec<Receiver> = Vec::new();
    let mut grafana_policies: Vec<Route> = Vec::new();
    for f in files {
        configs.extend(f.configs);
        grafana_receivers.extend(f.grafana_receivers);
        grafana_policies.extend(f.grafana_policies);
    }
    grafana_receivers.sort_by(|a, b| a.loc.cmp(&b.loc));
    grafana_policies.sort_by(|a, b| a.loc.cmp(&b.loc));
    for route in grafana_policies {
        configs.push(Config {
            origin: ConfigOrigin::Grafana,
            loc: route.loc.clone(),
            route,
            receivers: grafana_receivers.clone(),
        });
    }
    read::from_kubernetes(kube, &mut configs, errors);
    configs.sort_by(|a, b| a.loc.cmp(&b.loc).then_with(|| a.origin.cmp(&b.origin)));
    Alertmanager { configs }
}
