//! Reading configurations from located YAML: Alertmanager's own format (snake_case, matcher
//! strings) and the prometheus-operator's `AlertmanagerConfig` (camelCase, matcher objects), and
//! finding configurations inside Kubernetes Secrets and ConfigMaps.

use std::collections::BTreeSet;

use super::matchers::{MatchOp, Matcher, parse_line};
use super::{Config, ConfigOrigin, Integration, Receiver, ReceiverClass, Route};
use crate::k8s::Kubernetes;
use crate::yaml::{self, Node, Value};
use crate::{EvidenceError, FileKind, Loc, Located, Source};

/// Which spelling the configuration uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Alertmanager's configuration file.
    Alertmanager,
    /// A prometheus-operator `AlertmanagerConfig` spec.
    Operator,
}

struct Reader<'e> {
    style: Style,
    /// Prepended to messages: where an embedded configuration came from.
    prefix: String,
    errors: &'e mut Vec<EvidenceError>,
}

impl Reader<'_> {
    fn error(&mut self, loc: &Loc, message: impl Into<String>) {
        let message = message.into();
        let message = if self.prefix.is_empty() {
            message
        } else {
            format!("{}: {message}", self.prefix)
        };
        self.errors.push(EvidenceError::new(
            loc.clone(),
            FileKind::Alertmanager,
            message,
        ));
    }

    fn route(&mut self, node: &Node, root: bool) -> Route {
        let mut route = Route {
            receiver: None,
            matchers: Vec::new(),
            continue_: false,
            routes: Vec::new(),
            loc: node.loc.clone(),
        };
        if !node.is_map() {
            self.error(&node.loc, "a route must be a mapping");
            return route;
        }
        route.receiver = node.get("receiver").and_then(|r| {
            r.scalar_text()
                .filter(|s| !s.is_empty())
                .map(|s| Located::new(s, r.loc.clone()))
        });
        match self.style {
            Style::Alertmanager => self.alertmanager_matchers(node, &mut route.matchers),
            Style::Operator => self.operator_matchers(node, &mut route.matchers),
        }
        if root && !route.matchers.is_empty() {
            self.error(
                &route.matchers[0].loc,
                "the root route must not have matchers: it receives every alert",
            );
            route.matchers.clear();
        }
        route.continue_ = node.get("continue").and_then(Node::as_bool) == Some(true);
        if let Some(children) = node.get("routes") {
            if !children.is_null() && !matches!(children.value, Value::Seq(_)) {
                self.error(&children.loc, "`routes` must be a list of routes");
            }
            for c in children.as_seq() {
                let child = self.route(c, false);
                route.routes.push(child);
            }
        }
        route
    }

    fn alertmanager_matchers(&mut self, node: &Node, out: &mut Vec<Matcher>) {
        if let Some(list) = node.get("matchers") {
            if !list.is_null() && !matches!(list.value, Value::Seq(_)) {
                self.error(&list.loc, "`matchers` must be a list of matcher strings");
            }
            for item in list.as_seq() {
                let Some(text) = item.scalar_text() else {
                    self.error(
                        &item.loc,
                        "a matcher must be a string such as `severity=\"page\"`",
                    );
                    continue;
                };
                match parse_line(&text) {
                    Ok(triples) => {
                        for (name, op, value) in triples {
                            self.push(out, &name, op, &value, &item.loc);
                        }
                    }
                    Err(e) => self.error(&item.loc, e),
                }
            }
        }
        for (key, op) in [("match", MatchOp::Equal), ("match_re", MatchOp::Re)] {
            let Some(map) = node.get(key) else { continue };
            if !map.is_null() && !map.is_map() {
                self.error(&map.loc, format!("`{key}` must map label names to values"));
            }
            for e in map.as_map() {
                let Some(value) = e.value.scalar_text() else {
                    self.error(
                        &e.value.loc,
                        format!("`{key}` value of `{}` must be a string", e.key),
                    );
                    continue;
                };
                self.push(out, &e.key, op, &value, &e.value.loc);
            }
        }
    }

    fn operator_matchers(&mut self, node: &Node, out: &mut Vec<Matcher>) {
        let Some(list) = node.get("matchers") else {
            return;
        };
        for item in list.as_seq() {
            let Some(name) = item.get("name").and_then(Node::scalar_text) else {
                self.error(&item.loc, "a matcher needs a `name`");
                continue;
            };
            let value = item
                .get("value")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let op = match item.get("matchType") {
                Some(t) => {
                    let text = t.scalar_text().unwrap_or_default();
                    let Some(op) = MatchOp::from_symbol(text.trim()) else {
                        self.error(
                            &t.loc,
                            format!("`matchType: {text}` is not one of `=`, `!=`, `=~`, `!~`"),
                        );
                        continue;
                    };
                    op
                }
                None if item.get("regex").and_then(Node::as_bool) == Some(true) => MatchOp::Re,
                None => MatchOp::Equal,
            };
            self.push(out, &name, op, &value, &item.loc);
        }
    }

    fn push(&mut self, out: &mut Vec<Matcher>, name: &str, op: MatchOp, value: &str, loc: &Loc) {
        match Matcher::new(name, op, value, loc.clone()) {
            Ok(m) => out.push(m),
            Err(e) => self.error(loc, format!("matcher on `{name}`: {e}")),
        }
    }

    fn receivers(&mut self, node: Option<&Node>) -> Vec<Receiver> {
        let mut out: Vec<Receiver> = Vec::new();
        let Some(list) = node else {
            return out;
        };
        if !list.is_null() && !matches!(list.value, Value::Seq(_)) {
            self.error(&list.loc, "`receivers` must be a list");
        }
        for item in list.as_seq() {
            let Some(name) = item.get("name").and_then(|n| {
                n.scalar_text()
                    .filter(|s| !s.is_empty())
                    .map(|s| Located::new(s, n.loc.clone()))
            }) else {
                self.error(&item.loc, "a receiver needs a `name`");
                continue;
            };
            if out.iter().any(|r| r.name.value == name.value) {
                self.error(
                    &name.loc,
                    format!("receiver `{}` is defined more than once", name.value),
                );
                continue;
            }
            let mut integrations = Vec::new();
            for e in item.as_map() {
                let Some(kind) = self.integration_kind(&e.key) else {
                    continue;
                };
                for cfg in e.value.as_seq() {
                    let (service, class) = classify(&kind, cfg);
                    integrations.push(Integration {
                        kind: format!("{kind}_configs"),
                        service,
                        class,
                        loc: cfg.loc.clone(),
                    });
                }
            }
            out.push(Receiver {
                name,
                integrations,
                loc: item.loc.clone(),
            });
        }
        out
    }

    /// `slack` for `slack_configs` (or `slackConfigs` in an `AlertmanagerConfig`).
    fn integration_kind(&self, key: &str) -> Option<String> {
        match self.style {
            Style::Alertmanager => key.strip_suffix("_configs").map(str::to_string),
            Style::Operator => key.strip_suffix("Configs").map(str::to_ascii_lowercase),
        }
    }

    /// Reports routes that name receivers the configuration does not define.
    fn check_references(&mut self, route: &Route, receivers: &[Receiver]) {
        let names: BTreeSet<&str> = receivers.iter().map(|r| r.name.value.as_str()).collect();
        for r in route.walk() {
            if let Some(n) = &r.receiver
                && !names.contains(n.value.as_str())
            {
                self.error(
                    &n.loc,
                    format!(
                        "route refers to receiver `{}`, which is not defined under `receivers`",
                        n.value
                    ),
                );
            }
        }
        if route.receiver.is_none() {
            self.error(
                &route.loc,
                "the root route names no `receiver`: Alertmanager needs one for alerts no child route takes",
            );
        }
    }
}

/// What an integration notifies, and whether it pages.
pub(crate) fn classify(kind: &str, cfg: &Node) -> (String, ReceiverClass) {
    use ReceiverClass::{Channel, Pager};
    let (service, class) = match kind {
        "pagerduty" => ("PagerDuty", Pager),
        "opsgenie" => ("Opsgenie", Pager),
        "victorops" => ("VictorOps", Pager),
        "incidentio" => ("incident.io", Pager),
        "slack" => ("Slack", Channel),
        "email" => ("email", Channel),
        "msteams" | "msteamsv2" => ("Microsoft Teams", Channel),
        "telegram" => ("Telegram", Channel),
        "discord" => ("Discord", Channel),
        "webex" => ("Webex", Channel),
        "sns" => ("Amazon SNS", Channel),
        "pushover" => ("Pushover", Channel),
        "wechat" => ("WeChat", Channel),
        "rocketchat" => ("Rocket.Chat", Channel),
        "jira" => ("Jira", Channel),
        "webhook" => {
            let url = cfg.get("url").and_then(Node::as_str).unwrap_or_default();
            return match paging_service(url) {
                Some(s) => (format!("webhook to {s}"), Pager),
                None => ("webhook".to_string(), Channel),
            };
        }
        other => return (other.to_string(), Channel),
    };
    (service.to_string(), class)
}

/// The paging service a webhook URL points at, if it points at one.
pub(super) fn paging_service(url: &str) -> Option<&'static str> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .split(':')
        .next()
        .unwrap_or_default();
    let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    let services: [(&[&str], &'static str); 7] = [
        (&["pagerduty.com"], "PagerDuty"),
        (&["opsgenie.com"], "Opsgenie"),
        (
            &["victorops.com", "splunkoncall.com"],
            "VictorOps (Splunk On-Call)",
        ),
        (&["incident.io"], "incident.io"),
        (&["firehydrant.io", "firehydrant.com"], "FireHydrant"),
        (&["squadcast.com"], "Squadcast"),
        (&["rootly.com"], "Rootly"),
    ];
    for (domains, name) in services {
        if domains.iter().any(|d| under(d)) {
            return Some(name);
        }
    }
    if (under("grafana.net") && (host.starts_with("oncall") || path.starts_with("oncall/")))
        || path.contains("integrations/v1/alertmanager/")
    {
        return Some("Grafana OnCall");
    }
    None
}

/// A configuration file's document.
pub(super) fn config(
    doc: &Node,
    origin: ConfigOrigin,
    errors: &mut Vec<EvidenceError>,
) -> Option<Config> {
    let prefix = origin.describe();
    let before = errors.len();
    let mut r = Reader {
        style: Style::Alertmanager,
        prefix,
        errors,
    };
    if !doc.is_map() {
        r.error(&doc.loc, "an Alertmanager configuration must be a mapping");
        return None;
    }
    let Some(route_node) = doc.get("route") else {
        r.error(
            &doc.loc,
            "no `route`: Alertmanager needs a root route to deliver any alert",
        );
        return None;
    };
    let route = r.route(route_node, true);
    let receivers = r.receivers(doc.get("receivers"));
    r.check_references(&route, &receivers);
    // Alertmanager refuses a configuration with any error: it routes nothing.
    if r.errors.len() > before {
        return None;
    }
    Some(Config {
        origin,
        route,
        receivers,
        loc: doc.loc.clone(),
    })
}

/// An `AlertmanagerConfig` resource's spec; the operator adds a `namespace` matcher for the
/// resource's namespace to its top route.
fn operator_config(o: &crate::k8s::Object, errors: &mut Vec<EvidenceError>) -> Option<Config> {
    let spec = o.doc.get("spec")?;
    // A resource with receivers (or inhibition rules) only routes nothing.
    let route_node = spec.get("route")?;
    let origin = ConfigOrigin::AlertmanagerConfig(o.name().to_string());
    let before = errors.len();
    let mut r = Reader {
        style: Style::Operator,
        prefix: origin.describe(),
        errors,
    };
    let mut route = r.route(route_node, false);
    let receivers = r.receivers(spec.get("receivers"));
    r.check_references(&route, &receivers);
    // The operator refuses a resource with any error: it routes nothing.
    if r.errors.len() > before {
        return None;
    }
    if let Some(ns) = o.doc.at(&["metadata", "namespace"])
        && let Some(text) = ns.scalar_text()
        && let Ok(mut m) = Matcher::new("namespace", MatchOp::Equal, &text, ns.loc.clone())
    {
        m.implicit = true;
        route.matchers.insert(0, m);
    }
    Some(Config {
        origin,
        route,
        receivers,
        loc: o.loc.clone(),
    })
}

/// Whether a key holds an Alertmanager configuration: its well-known names, or a text with
/// top-level `route:` and `receivers:` keys.
fn config_key(key: &str, text: &str) -> bool {
    matches!(key, "alertmanager.yaml" | "alertmanager.yml")
        || (text.lines().any(|l| l.starts_with("route:"))
            && text.lines().any(|l| l.starts_with("receivers:")))
}

/// Configurations inside Kubernetes objects.
pub(super) fn from_kubernetes(
    kube: &Kubernetes,
    configs: &mut Vec<Config>,
    errors: &mut Vec<EvidenceError>,
) {
    for o in &kube.objects {
        match (o.kind.as_str(), o.group()) {
            ("AlertmanagerConfig", Some("monitoring.coreos.com") | None) => {
                configs.extend(operator_config(o, errors));
            }
            ("Secret" | "ConfigMap", Some("") | None) => {
                let secret = o.kind == "Secret";
                let plain = if secret { "stringData" } else { "data" };
                for e in o.doc.get(plain).map(Node::as_map).unwrap_or_default() {
                    let Some(text) = e.value.as_str() else {
                        continue;
                    };
                    if !config_key(&e.key, text) {
                        continue;
                    }
                    let origin = origin_of(secret, o.name(), &e.key);
                    let (key_loc, value_loc) = (e.key_loc.clone(), e.value.loc.clone());
                    embedded(
                        text,
                        &origin,
                        &|l| yaml::embedded_loc(l, &key_loc, &value_loc),
                        configs,
                        errors,
                    );
                }
                if !secret {
                    continue;
                }
                for e in o.doc.get("data").map(Node::as_map).unwrap_or_default() {
                    let Some(encoded) = e.value.as_str() else {
                        continue;
                    };
                    let known = config_key(&e.key, "");
                    let origin = origin_of(true, o.name(), &e.key);
                    let Some(Ok(text)) = crate::encoded::base64(encoded).map(String::from_utf8)
                    else {
                        if known {
                            errors.push(EvidenceError::new(
                                e.value.loc.clone(),
                                FileKind::Alertmanager,
                                format!(
                                    "{}: the value is not base64-encoded UTF-8 text",
                                    origin.describe()
                                ),
                            ));
                        }
                        continue;
                    };
                    if !config_key(&e.key, &text) {
                        continue;
                    }
                    // Decoded text has no place in the file: everything points at the value.
                    let value_loc = e.value.loc.clone();
                    embedded(&text, &origin, &|_| value_loc.clone(), configs, errors);
                }
            }
            _ => {}
        }
    }
}

fn origin_of(secret: bool, name: &str, key: &str) -> ConfigOrigin {
    let (name, key) = (name.to_string(), key.to_string());
    if secret {
        ConfigOrigin::Secret { name, key }
    } else {
        ConfigOrigin::ConfigMap { name, key }
    }
}

/// Reads a configuration embedded in a string value; `place` maps locations inside the text
/// to the enclosing file.
fn embedded(
    text: &str,
    origin: &ConfigOrigin,
    place: &dyn Fn(&Loc) -> Loc,
    configs: &mut Vec<Config>,
    errors: &mut Vec<EvidenceError>,
) {
    // Only the location's path and the mapping matter: the inner source's path is never shown.
    let inner = Source::new("embedded", text);
    match yaml::load_all(&inner) {
        Ok(docs) => {
            for d in &docs {
                let d = yaml::relocate(d, place);
                configs.extend(config(&d, origin.clone(), errors));
            }
        }
        Err(err) => errors.push(EvidenceError::new(
            place(&err.loc),
            FileKind::Alertmanager,
            format!("{}: {}", origin.describe(), err.message),
        )),
    }
}
