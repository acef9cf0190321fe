//! Backstage `catalog-info.yaml`: one entity per YAML document (Component, API, System,
//! Group, Resource, ...), with metadata (name, annotations, links, tags) and the spec fields
//! readiness checks use (owner, lifecycle, system, type).

use std::sync::Arc;

use super::Text;
use crate::yaml::{Node, Value};
use crate::{Loc, Source};

/// Well-known annotation keys.
pub mod annotations {
    pub const PAGERDUTY_SERVICE_ID: &str = "pagerduty.com/service-id";
    pub const PAGERDUTY_INTEGRATION_KEY: &str = "pagerduty.com/integration-key";
    pub const OPSGENIE_TEAM: &str = "opsgenie.com/team";
    pub const OPSGENIE_COMPONENT_SELECTOR: &str = "opsgenie.com/component-selector";
    pub const TECHDOCS_REF: &str = "backstage.io/techdocs-ref";
    pub const GITHUB_PROJECT_SLUG: &str = "github.com/project-slug";
    pub const GITHUB_TEAM_SLUG: &str = "github.com/team-slug";
    pub const SOURCE_LOCATION: &str = "backstage.io/source-location";
    pub const KUBERNETES_ID: &str = "backstage.io/kubernetes-id";
    pub const GRAFANA_DASHBOARD_SELECTOR: &str = "grafana/dashboard-selector";
    pub const SONARQUBE_PROJECT_KEY: &str = "sonarqube.org/project-key";
}

/// A catalog entity (one YAML document).
#[derive(Debug, Clone)]
pub struct CatalogEntity {
    pub path: Arc<str>,
    /// The document.
    pub loc: Loc,
    pub api_version: Option<Text>,
    /// `Component`, `API`, `System`, `Group`, `Resource`, `Domain`, `User`, `Location`, ...
    pub kind: Text,
    pub name: Option<Text>,
    pub namespace: Option<Text>,
    pub title: Option<Text>,
    pub description: Option<Text>,
    /// `metadata.annotations`, in file order.
    pub annotations: Vec<Annotation>,
    /// `metadata.links`.
    pub links: Vec<CatalogLink>,
    /// `metadata.tags`.
    pub tags: Vec<Text>,
    /// Where `spec` is, or the document when there is none: where a missing spec field belongs.
    pub spec_loc: Loc,
    /// `spec.owner` as written (`team-a`, `group:default/team-a`).
    pub owner: Option<Text>,
    /// `spec.lifecycle` (`production`, `experimental`, `deprecated`).
    pub lifecycle: Option<Text>,
    pub system: Option<Text>,
    /// `spec.type` (`service`, `website`, `library`, `openapi`, `team`, ...).
    pub entity_type: Option<Text>,
    /// `spec.domain` (of a System).
    pub domain: Option<Text>,
}

impl CatalogEntity {
    /// An annotation by key.
    pub fn annotation(&self, key: &str) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.key == key)
    }

    /// Whether the entity is of this kind (case-insensitive).
    pub fn is_kind(&self, kind: &str) -> bool {
        self.kind.value.eq_ignore_ascii_case(kind)
    }
}

/// One `metadata.annotations` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub key: String,
    pub key_loc: Loc,
    pub value: String,
    pub loc: Loc,
}

/// One `metadata.links` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogLink {
    pub url: String,
    pub title: Option<String>,
    /// `type` (`runbook`, `dashboard`, ...), when given.
    pub link_type: Option<String>,
    pub icon: Option<String>,
    /// The list item.
    pub loc: Loc,
}

pub(super) fn parse(
    src: &Source,
    docs: Vec<Node>,
    err: &mut dyn FnMut(Loc, String),
) -> Vec<CatalogEntity> {
    docs.into_iter()
        .filter_map(|d| entity(src, &d, err))
        .collect()
}

fn type_name(n: &Node) -> &'static str {
    match n.value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a sequence",
        Value::Map(_) => "a mapping",
    }
}

/// A scalar field as text; `None` when absent or null; an error for a collection.
fn text(node: &Node, key: &str, what: &str, err: &mut dyn FnMut(Loc, String)) -> Option<Text> {
    let v = node.get(key)?;
    if v.is_null() {
        return None;
    }
    let value = v.scalar_text();
    if value.is_none() {
        err(
            v.loc.clone(),
            format!("expected a string for {what}, found {}", type_name(v)),
        );
    }
    value.map(|value| Text {
        value,
        loc: v.loc.clone(),
    })
}

fn entity(src: &Source, doc: &Node, err: &mut dyn FnMut(Loc, String)) -> Option<CatalogEntity> {
    if !doc.is_map() {
        err(
            doc.loc.clone(),
            format!(
                "expected a mapping for a catalog entity, found {}",
                type_name(doc)
            ),
        );
        return None;
    }
    let Some(kind) = text(doc, "kind", "kind", err) else {
        if doc.get("kind").is_none_or(Node::is_null) {
            err(doc.loc.clone(), "catalog entity without `kind`".to_string());
        }
        return None;
    };
    let mut e = CatalogEntity {
        path: src.path.clone(),
        loc: doc.loc.clone(),
        api_version: text(doc, "apiVersion", "apiVersion", err),
        kind,
        name: None,
        namespace: None,
        title: None,
        description: None,
        annotations: Vec::new(),
        links: Vec::new(),
        tags: Vec::new(),
        spec_loc: doc.loc.clone(),
        owner: None,
        lifecycle: None,
        system: None,
        entity_type: None,
        domain: None,
    };
    match doc.get("metadata") {
        Some(meta) if meta.is_map() => metadata(&mut e, meta, err),
        Some(meta) if !meta.is_null() => err(
            meta.loc.clone(),
            format!("expected a mapping for metadata, found {}", type_name(meta)),
        ),
        _ => {}
    }
    if e.name.is_none() {
        err(
            doc.loc.clone(),
            format!("{} entity without `metadata.name`", e.kind.value),
        );
    }
    match doc.get("spec") {
        Some(spec) if spec.is_map() => {
            e.spec_loc = spec.loc.clone();
            e.owner = text(spec, "owner", "spec.owner", err);
            e.lifecycle = text(spec, "lifecycle", "spec.lifecycle", err);
            e.system = text(spec, "system", "spec.system", err);
            e.entity_type = text(spec, "type", "spec.type", err);
            e.domain = text(spec, "domain", "spec.domain", err);
        }
        Some(spec) if !spec.is_null() => err(
            spec.loc.clone(),
            format!("expected a mapping for spec, found {}", type_name(spec)),
        ),
        _ => {}
    }
    Some(e)
}

fn metadata(e: &mut CatalogEntity, meta: &Node, err: &mut dyn FnMut(Loc, String)) {
    e.name = text(meta, "name", "metadata.name", err);
    e.namespace = text(meta, "namespace", "metadata.namespace", err);
    e.title = text(meta, "title", "metadata.title", err);
    e.description = text(meta, "description", "metadata.description", err);
    match meta.get("annotations") {
        Some(a) if a.is_map() => {
            for entry in a.as_map() {
                if entry.value.is_null() {
                    continue;
                }
                match entry.value.scalar_text() {
                    Some(value) => e.annotations.push(Annotation {
                        key: entry.key.clone(),
                        key_loc: entry.key_loc.clone(),
                        value,
                        loc: entry.value.loc.clone(),
                    }),
                    None => err(
                        entry.value.loc.clone(),
                        format!(
                            "expected a string for annotation `{}`, found {}",
                            entry.key,
                            type_name(&entry.value)
                        ),
                    ),
                }
            }
        }
        Some(a) if !a.is_null() => err(
            a.loc.clone(),
            format!(
                "expected a mapping for metadata.annotations, found {}",
                type_name(a)
            ),
        ),
        _ => {}
    }
    match meta.get("links") {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => {
            for item in items {
                let url = text(item, "url", "a link's url", err);
                match url {
                    Some(url) if item.is_map() => e.links.push(CatalogLink {
                        url: url.value,
                        title: item.get("title").and_then(Node::scalar_text),
                        link_type: item.get("type").and_then(Node::scalar_text),
                        icon: item.get("icon").and_then(Node::scalar_text),
                        loc: item.loc.clone(),
                    }),
                    _ => err(item.loc.clone(), "expected a link with a `url`".to_string()),
                }
            }
        }
        Some(l) if !l.is_null() => err(
            l.loc.clone(),
            format!(
                "expected a sequence for metadata.links, found {}",
                type_name(l)
            ),
        ),
        _ => {}
    }
    match meta.get("tags") {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => e.tags.extend(items.iter().filter_map(|t| {
            t.scalar_text().map(|value| Text {
                value,
                loc: t.loc.clone(),
            })
        })),
        Some(t) if !t.is_null() => err(
            t.loc.clone(),
            format!(
                "expected a sequence for metadata.tags, found {}",
                type_name(t)
            ),
        ),
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::yaml;

    fn parse_text(text: &str) -> (Vec<CatalogEntity>, Vec<(u32, u32, String)>) {
        let src = Source::new("catalog-info.yaml", text);
        let docs = yaml::load_all(&src).unwrap();
        let mut errs = Vec::new();
        let e = parse(&src, docs, &mut |l, m| errs.push((l.line, l.column, m)));
        (e, errs)
    }

    const CATALOG: &str = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  title: Payments API
  annotations:
    pagerduty.com/service-id: PX1Y2Z3
    opsgenie.com/team: payments
    backstage.io/techdocs-ref: dir:.
    github.com/project-slug: acme/payments
  links:
    - url: https://runbooks.acme.example/payments
      title: Runbook
      type: runbook
    - url: https://grafana.acme.example/d/payments
      title: Dashboard
  tags: [java, payments]
spec:
  type: service
  lifecycle: production
  owner: group:default/payments-team
  system: billing
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments-team
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: billing
spec:
  owner: payments-team
  domain: finance
";

    #[test]
    fn multi_document_entities_with_annotations_links_and_spec() {
        let (entities, errs) = parse_text(CATALOG);
        assert!(errs.is_empty(), "{errs:?}");
        let heads: Vec<(&str, &str, u32)> = entities
            .iter()
            .map(|e| {
                (
                    e.kind.value.as_str(),
                    e.name.as_ref().unwrap().value.as_str(),
                    e.loc.line,
                )
            })
            .collect();
        assert_eq!(
            heads,
            vec![
                ("Component", "payments-api", 1),
                ("Group", "payments-team", 24),
                ("System", "billing", 32)
            ]
        );
        let c = &entities[0];
        assert_eq!(c.title.as_ref().unwrap().value, "Payments API");
        let pd = c.annotation(annotations::PAGERDUTY_SERVICE_ID).unwrap();
        assert_eq!(
            (
                pd.value.as_str(),
                pd.loc.line,
                pd.loc.column,
                pd.key_loc.column
            ),
            ("PX1Y2Z3", 7, 31, 5)
        );
        assert_eq!(
            c.annotation(annotations::OPSGENIE_TEAM).unwrap().value,
            "payments"
        );
        assert_eq!(
            c.annotation(annotations::TECHDOCS_REF).unwrap().value,
            "dir:."
        );
        assert_eq!(
            c.annotation(annotations::GITHUB_PROJECT_SLUG)
                .unwrap()
                .loc
                .line,
            10
        );
        assert!(
            c.annotation(annotations::PAGERDUTY_INTEGRATION_KEY)
                .is_none()
        );
        let links: Vec<(&str, Option<&str>, Option<&str>, u32)> = c
            .links
            .iter()
            .map(|l| {
                (
                    l.url.as_str(),
                    l.title.as_deref(),
                    l.link_type.as_deref(),
                    l.loc.line,
                )
            })
            .collect();
        assert_eq!(
            links,
            vec![
                (
                    "https://runbooks.acme.example/payments",
                    Some("Runbook"),
                    Some("runbook"),
                    12
                ),
                (
                    "https://grafana.acme.example/d/payments",
                    Some("Dashboard"),
                    None,
                    15
                ),
            ]
        );
        assert_eq!(
            c.tags.iter().map(|t| t.value.as_str()).collect::<Vec<_>>(),
            vec!["java", "payments"]
        );
        let owner = c.owner.as_ref().unwrap();
        assert_eq!(
            (owner.value.as_str(), owner.loc.line, owner.loc.column),
            ("group:default/payments-team", 21, 10)
        );
        assert_eq!(c.lifecycle.as_ref().unwrap().value, "production");
        assert_eq!(c.system.as_ref().unwrap().value, "billing");
        assert_eq!(c.entity_type.as_ref().unwrap().value, "service");
        assert_eq!(c.spec_loc.line, 19);
        assert!(entities[1].is_kind("group"));
        assert_eq!(entities[1].entity_type.as_ref().unwrap().value, "team");
        assert!(entities[1].owner.is_none());
        assert_eq!(entities[2].domain.as_ref().unwrap().value, "finance");
    }

    #[test]
    fn malformed_entities_are_located_errors() {
        let (entities, errs) = parse_text(
            "- a list\n---\nmetadata: {name: x}\n---\nkind: Component\nmetadata:\n  annotations: [a]\n  links:\n    - title: no url\nspec:\n  owner: [a, b]\n",
        );
        assert_eq!(entities.len(), 1);
        assert!(entities[0].owner.is_none());
        assert_eq!(
            errs,
            vec![
                (
                    1,
                    1,
                    "expected a mapping for a catalog entity, found a sequence".to_string()
                ),
                (3, 1, "catalog entity without `kind`".to_string()),
                (
                    7,
                    16,
                    "expected a mapping for metadata.annotations, found a sequence".to_string()
                ),
                (9, 7, "expected a link with a `url`".to_string()),
                (5, 1, "Component entity without `metadata.name`".to_string()),
                (
                    11,
                    10,
                    "expected a string for spec.owner, found a sequence".to_string()
                ),
            ]
        );
    }
}
