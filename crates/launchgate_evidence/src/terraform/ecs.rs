//! ECS task definitions and their container definitions, read from `jsonencode(...)` or a JSON
//! string / heredoc in `container_definitions`.
//!
//! Locations: containers written with `jsonencode` (directly or through a local) carry the
//! location of their own object and of each field; containers in a JSON string or heredoc
//! carry the location of the `container_definitions` value.

use super::value::TfValue;
use super::{Attr, Resource, Terraform};
use crate::Loc;

/// An `aws_ecs_task_definition`.
#[derive(Debug, Clone)]
pub struct EcsTaskDefinition {
    /// `aws_ecs_task_definition.app`.
    pub address: String,
    pub loc: Loc,
    /// Task-level `cpu` / `memory` (Fargate requires them), if set.
    pub cpu: Option<TfValue>,
    pub memory: Option<TfValue>,
    /// `container_definitions`, where it is written (the resource when it is missing).
    pub definitions_loc: Loc,
    /// The containers, when `container_definitions` could be read as a list.
    pub containers: Vec<EcsContainer>,
    /// Why the containers could not be read (`function \`templatefile\` is not evaluated`);
    /// `None` when they were.
    pub unknown: Option<String>,
}

/// One container definition.
#[derive(Debug, Clone)]
pub struct EcsContainer {
    /// The owning task definition's address.
    pub task_definition: String,
    /// Position in `container_definitions`.
    pub index: usize,
    /// The container object (see the module doc for which location this is).
    pub loc: Loc,
    pub name: Option<String>,
    /// `None` when the field is absent; a present but unresolved field is
    /// `Some(TfValue::Ref | TfValue::Unknown)`.
    pub image: Option<TfValue>,
    pub user: Option<TfValue>,
    pub readonly_root_filesystem: Option<TfValue>,
    pub privileged: Option<TfValue>,
    pub cpu: Option<TfValue>,
    pub memory: Option<TfValue>,
    pub memory_reservation: Option<TfValue>,
    pub essential: Option<TfValue>,
    pub environment: Vec<EcsEnv>,
    pub secrets: Vec<EcsSecret>,
    /// A non-null `healthCheck` is present.
    pub health_check: bool,
    pub port_mappings: Vec<EcsPortMapping>,
    /// The whole definition, for fields not listed here.
    pub definition: TfValue,
    field_locs: Vec<(String, Loc)>,
}

/// An `environment` entry: a literal value.
#[derive(Debug, Clone)]
pub struct EcsEnv {
    pub name: Option<String>,
    pub value: TfValue,
    pub loc: Loc,
}

/// A `secrets` entry: a reference to Secrets Manager or SSM.
#[derive(Debug, Clone)]
pub struct EcsSecret {
    pub name: Option<String>,
    pub value_from: TfValue,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct EcsPortMapping {
    pub container_port: Option<TfValue>,
    pub host_port: Option<TfValue>,
    pub protocol: Option<TfValue>,
    pub loc: Loc,
}

impl EcsContainer {
    /// `aws_ecs_task_definition.app container web` (or `container #1` without a name).
    pub fn resource(&self) -> String {
        match &self.name {
            Some(n) => format!("{} container {n}", self.task_definition),
            None => format!("{} container #{}", self.task_definition, self.index),
        }
    }

    /// Where a field (`privileged`, `readonlyRootFilesystem`) is written; the container's
    /// location when it is absent or not located.
    pub fn field_loc(&self, field: &str) -> &Loc {
        self.field_locs
            .iter()
            .find(|(k, _)| k == field)
            .map_or(&self.loc, |(_, l)| l)
    }
}

pub(super) fn task_definitions(tf: &Terraform) -> Vec<EcsTaskDefinition> {
    tf.resources_of("aws_ecs_task_definition")
        .map(task_definition)
        .collect()
}

fn task_definition(r: &Resource) -> EcsTaskDefinition {
    let address = r.address();
    let attr = r.attr("container_definitions");
    let mut td = EcsTaskDefinition {
        address: address.clone(),
        loc: r.loc.clone(),
        cpu: r.value("cpu").cloned(),
        memory: r.value("memory").cloned(),
        definitions_loc: attr.map_or_else(|| r.loc.clone(), |a| a.loc.clone()),
        containers: Vec::new(),
        unknown: None,
    };
    let Some(attr) = attr else {
        td.unknown = Some("container_definitions is not set".into());
        return td;
    };
    match attr.json_like() {
        Some(TfValue::List(items)) => {
            td.containers = items
                .iter()
                .enumerate()
                .map(|(i, def)| container(&address, attr, i, def))
                .collect();
        }
        Some(other) => {
            td.unknown = Some(format!("container_definitions is not a list: {other}"));
        }
        None => {
            td.unknown = Some(match &attr.value {
                TfValue::Unknown(reason) => reason.clone(),
                TfValue::Ref(r) => format!("container_definitions refers to `{r}`"),
                TfValue::String(_) => "container_definitions is not valid JSON".into(),
                other => format!("container_definitions is not a list: {other}"),
            });
        }
    }
    td
}

fn container(task: &str, attr: &Attr, index: usize, def: &TfValue) -> EcsContainer {
    let idx = index.to_string();
    let loc = attr.loc_at(&[&idx]).clone();
    let field = |k: &str| def.get(k).cloned();
    let mut field_locs = Vec::new();
    if let Some(o) = def.as_object() {
        for k in o.keys() {
            field_locs.push((k.clone(), attr.loc_at(&[&idx, k]).clone()));
        }
    }
    let entries = |k: &str| -> Vec<(usize, &TfValue)> {
        def.get(k)
            .and_then(TfValue::as_list)
            .map(|l| l.iter().enumerate().collect())
            .unwrap_or_default()
    };
    let at = |k: &str, i: usize| attr.loc_at(&[&idx, k, &i.to_string()]).clone();
    let text = |v: &TfValue, k: &str| v.get(k).and_then(TfValue::as_str).map(str::to_string);
    EcsContainer {
        task_definition: task.to_string(),
        index,
        name: def
            .get("name")
            .and_then(TfValue::as_str)
            .map(str::to_string),
        image: field("image"),
        user: field("user"),
        readonly_root_filesystem: field("readonlyRootFilesystem"),
        privileged: field("privileged"),
        cpu: field("cpu"),
        memory: field("memory"),
        memory_reservation: field("memoryReservation"),
        essential: field("essential"),
        environment: entries("environment")
            .into_iter()
            .map(|(i, e)| EcsEnv {
                name: text(e, "name"),
                value: e.get("value").cloned().unwrap_or(TfValue::Null),
                loc: at("environment", i),
            })
            .collect(),
        secrets: entries("secrets")
            .into_iter()
            .map(|(i, e)| EcsSecret {
                name: text(e, "name"),
                value_from: e.get("valueFrom").cloned().unwrap_or(TfValue::Null),
                loc: at("secrets", i),
            })
            .collect(),
        health_check: def.get("healthCheck").is_some_and(|h| !h.is_null()),
        port_mappings: entries("portMappings")
            .into_iter()
            .map(|(i, p)| EcsPortMapping {
                container_port: p.get("containerPort").cloned(),
                host_port: p.get("hostPort").cloned(),
                protocol: p.get("protocol").cloned(),
                loc: at("portMappings", i),
            })
            .collect(),
        definition: def.clone(),
        loc,
        field_locs,
    }
}
