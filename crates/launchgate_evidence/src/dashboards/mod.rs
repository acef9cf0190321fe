//! Dashboards: Grafana dashboard JSON models found in the repository, as files, inside
//! ConfigMaps labelled for the Grafana sidecar (`grafana_dashboard`), and as grafana-operator
//! `GrafanaDashboard` resources. Each keeps its title, uid, panel count and the PromQL queries
//! of its panels, with locations. Malformed JSON is an [`EvidenceError`] at the place the JSON
//! parser stopped.

use crate::k8s::{Kubernetes, Object};
use crate::yaml::{self, Entry, Node, Value};
use crate::yaml::{embedded_loc, relocate};
use crate::{EvidenceError, FileKind, Loc, Located, Source};

/// Every dashboard the scan found.
#[derive(Debug, Clone, Default)]
pub struct Dashboards {
    /// The dashboards, by location.
    pub dashboards: Vec<Dashboard>,
}

/// Where a dashboard was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DashboardOrigin {
    /// A dashboard JSON file.
    File,
    /// A ConfigMap key (the ConfigMap carries the `grafana_dashboard` sidecar label).
    ConfigMap { name: String, key: String },
    /// A grafana-operator `GrafanaDashboard` resource, by name.
    GrafanaDashboard(String),
}

/// One dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub origin: DashboardOrigin,
    /// `title`, when the model is in the repository.
    pub title: Option<Located<String>>,
    /// `uid`.
    pub uid: Option<String>,
    /// Panels, not counting row panels (panels inside rows count).
    pub panels: usize,
    /// The PromQL `expr` of every panel target, in order.
    pub exprs: Vec<Located<String>>,
    /// Where the model is not in the repository but fetched (a `GrafanaDashboard`'s `url`,
    /// `grafanaCom` or `configMapRef`): what it names.
    pub external: Option<String>,
    /// The dashboard: the JSON object, the ConfigMap key, the resource.
    pub loc: Loc,
}

impl Dashboard {
    /// How findings name the dashboard: its title, else its uid, else where it comes from.
    pub fn name(&self) -> String {
        if let Some(t) = &self.title {
            return format!("`{}`", t.value);
        }
        if let Some(u) = &self.uid {
            return format!("uid `{u}`");
        }
        match &self.origin {
            DashboardOrigin::File => "an untitled dashboard".to_string(),
            DashboardOrigin::ConfigMap { name, key } => format!("ConfigMap `{name}` key `{key}`"),
            DashboardOrigin::GrafanaDashboard(n) => format!("GrafanaDashboard `{n}`"),
        }
    }
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct DashboardFile {
    dashboards: Vec<Dashboard>,
}

/// Reads a Grafana dashboard JSON model (also the `{"dashboard": {...}}` shape of Grafana's
/// API).
pub fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Vec<DashboardFile> {
    let place = |l: &Loc| l.clone();
    let dashboards = read_json(
        src,
        src.file_start(),
        &DashboardOrigin::File,
        "",
        &place,
        errors,
    )
    .into_iter()
    .collect();
    vec![DashboardFile { dashboards }]
}

/// Reads JSON text: `anchor` is where the dashboard is as a whole, `place` maps locations in
/// `src` to the repository file, `prefix` names an embedding for messages.
fn read_json(
    src: &Source,
    anchor: Loc,
    origin: &DashboardOrigin,
    prefix: &str,
    place: &dyn Fn(&Loc) -> Loc,
    errors: &mut Vec<EvidenceError>,
) -> Option<Dashboard> {
    let value: serde_json::Value = match serde_json::from_str(&src.text) {
        Ok(v) => v,
        Err(e) => {
            let loc = place(&src.loc_at_char(e.line(), e.column().saturating_sub(1)));
            // The location says where; serde's own "at line L column C" would be relative to
            // an embedded text.
            let text = e.to_string();
            let why = text
                .rfind(" at line ")
                .map_or(text.as_str(), |i| &text[..i]);
            errors.push(EvidenceError::new(
                loc,
                FileKind::Dashboard,
                format!("{prefix}invalid JSON: {why}"),
            ));
            return None;
        }
    };
    // Locations come from the YAML reader (JSON is YAML); should it refuse what JSON accepts,
    // the values are still read, located at the dashboard.
    let node = match yaml::load_all(src).ok().and_then(|d| d.into_iter().next()) {
        Some(n) => relocate(&n, place),
        None => from_json(&value, &anchor),
    };
    let model = node
        .get("dashboard")
        .filter(|d| d.is_map())
        .unwrap_or(&node);
    if !model.is_map() {
        errors.push(EvidenceError::new(
            anchor,
            FileKind::Dashboard,
            format!("{prefix}a Grafana dashboard must be a JSON object"),
        ));
        return None;
    }
    let mut d = Dashboard {
        origin: origin.clone(),
        title: model.get("title").and_then(|t| {
            t.scalar_text()
                .filter(|s| !s.is_empty())
                .map(|s| Located::new(s, t.loc.clone()))
        }),
        uid: model.get("uid").and_then(Node::scalar_text),
        panels: 0,
        exprs: Vec::new(),
        external: None,
        loc: if origin == &DashboardOrigin::File {
            model.loc.clone()
        } else {
            anchor
        },
    };
    panels(model.get("panels"), &mut d);
    // Schema versions before 16 kept panels in rows.
    if let Some(rows) = model.get("rows") {
        for row in rows.as_seq() {
            panels(row.get("panels"), &mut d);
        }
    }
    Some(d)
}

fn panels(list: Option<&Node>, d: &mut Dashboard) {
    for p in list.map(Node::as_seq).unwrap_or_default() {
        if p.get("type").and_then(Node::as_str) == Some("row") {
            // A collapsed row holds its panels.
            panels(p.get("panels"), d);
            continue;
        }
        d.panels += 1;
        for t in p.get("targets").map(Node::as_seq).unwrap_or_default() {
            if let Some(e) = t.get("expr")
                && let Some(text) = e.as_str().filter(|s| !s.trim().is_empty())
            {
                d.exprs.push(Located::new(text.to_string(), e.loc.clone()));
            }
        }
    }
}

/// A JSON value as a tree located entirely at `loc`.
fn from_json(v: &serde_json::Value, loc: &Loc) -> Node {
    let value = match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or_default()), Value::Int),
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(items) => {
            Value::Seq(items.iter().map(|i| from_json(i, loc)).collect())
        }
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_loc: loc.clone(),
                    value: from_json(v, loc),
                })
                .collect(),
        ),
    };
    Node {
        loc: loc.clone(),
        value,
    }
}

/// The label the Grafana sidecar (kube-prometheus-stack, the Grafana Helm chart) looks for.
pub const SIDECAR_LABEL: &str = "grafana_dashboard";

/// Joins the files with dashboards inside Kubernetes objects (ConfigMaps labelled for the
/// Grafana sidecar, `GrafanaDashboard` resources).
pub fn assemble(
    files: &[DashboardFile],
    kube: &Kubernetes,
    errors: &mut Vec<EvidenceError>,
) -> Dashboards {
    let mut out: Vec<Dashboard> = files
        .iter()
        .flat_map(|f| f.dashboards.iter().cloned())
        .collect();
    for o in &kube.objects {
        match o.kind.as_str() {
            "ConfigMap" if o.labels.contains_key(SIDECAR_LABEL) => {
                for e in o.doc.get("data").map(Node::as_map).unwrap_or_default() {
                    let Some(text) = e.value.as_str() else {
                        continue;
                    };
                    if !e.key.to_ascii_lowercase().ends_with(".json") {
                        continue;
                    }
                    let origin = DashboardOrigin::ConfigMap {
                        name: o.name().to_string(),
                        key: e.key.clone(),
                    };
                    let prefix = format!("ConfigMap `{}` key `{}`: ", o.name(), e.key);
                    out.extend(embedded(e, text, &e.key_loc, &origin, &prefix, errors));
                }
            }
            "GrafanaDashboard" => out.extend(grafana_dashboard(o, errors)),
            _ => {}
        }
    }
    out.sort_by(|a, b| a.loc.cmp(&b.loc).then_with(|| a.origin.cmp(&b.origin)));
    Dashboards { dashboards: out }
}

/// A JSON model in a string value (`e`): a block scalar's lines map back into the file.
fn embedded(
    e: &Entry,
    text: &str,
    anchor: &Loc,
    origin: &DashboardOrigin,
    prefix: &str,
    errors: &mut Vec<EvidenceError>,
) -> Option<Dashboard> {
    let inner = Source::new(e.value.loc.path.clone(), text);
    let (key, value) = (e.key_loc.clone(), e.value.loc.clone());
    let place = move |l: &Loc| embedded_loc(l, &key, &value);
    read_json(&inner, anchor.clone(), origin, prefix, &place, errors)
}

fn grafana_dashboard(o: &Object, errors: &mut Vec<EvidenceError>) -> Option<Dashboard> {
    let spec = o.doc.get("spec")?;
    let origin = DashboardOrigin::GrafanaDashboard(o.name().to_string());
    if let Some(e) = spec.entry("json")
        && let Some(text) = e.value.as_str()
    {
        let prefix = format!("GrafanaDashboard `{}` `spec.json`: ", o.name());
        return embedded(e, text, &o.loc, &origin, &prefix, errors);
    }
    let external = if let Some(url) = spec.get("url").and_then(Node::as_str) {
        format!("fetched from {url}")
    } else if let Some(id) = spec.at(&["grafanaCom", "id"]).and_then(Node::scalar_text) {
        format!("grafana.com dashboard {id}")
    } else if let Some(cm) = spec.at(&["configMapRef", "name"]).and_then(Node::as_str) {
        format!("from ConfigMap `{cm}`")
    } else if spec.get("gzipJson").is_some() {
        "compressed JSON (`gzipJson`)".to_string()
    } else if spec.get("jsonnet").is_some() || spec.get("jsonnetLib").is_some() {
        "built from Jsonnet".to_string()
    } else {
        return None;
    };
    Some(Dashboard {
        origin,
        title: None,
        uid: spec.get("uid").and_then(Node::scalar_text),
        panels: 0,
        exprs: Vec::new(),
        external: Some(external),
        loc: o.loc.clone(),
    })
}

#[cfg(test)]
mod tests;
