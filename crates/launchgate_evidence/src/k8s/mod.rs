//! Kubernetes manifests: objects, workloads with their pod templates and containers, and the
//! links between them (which Service, PDB, HPA and NetworkPolicy select which workload).
//!
//! # Reading the model
//!
//! - [`Kubernetes::objects`] has every document (and every item of a `kind: List`) as an
//!   [`Object`] with its raw YAML tree, for kinds no typed reader covers (ConfigMap,
//!   PrometheusRule, Gateway, ...). Typed items point back at their object with `object`.
//! - [`Kubernetes::workloads`] are the pod-running kinds ([`WorkloadKind`]) with a
//!   [`PodSpec`] and [`Container`]s. Container security settings resolve container-over-pod
//!   with [`Container::effective_run_as_non_root`] and friends.
//! - The other typed kinds have their own vectors (`services`, `hpas`, `pdbs`, ...).
//! - Links are computed once in `assemble` and stored per workload in
//!   [`Workload::links`] as indices; read them with `kubernetes.services_for(&w)`,
//!   `pdbs_for`, `hpas_for`, ... (see [`WorkloadLinks`] for the matching rules).
//! - Every typed item has `loc` (its document), `name`, `namespace` and a `resource()`
//!   string for findings (`Deployment/checkout`; containers:
//!   `Deployment/checkout container server` via [`Container::resource`]).
//! - Everything is sorted by path, then by position in the file.
//!
//! Conventions: a missing key and an explicit `null` both read as absent (`None`); values
//! keep the location of the value, and objects (probes, security contexts, strategies) the
//! location of their key, so a finding about something missing can point at the enclosing
//! object (`spec_loc`, `loc`). Values of the wrong shape (a string where a mapping belongs)
//! are reported as evidence errors with the field path.

/// Calls `$apply!(workloads, services, ...)` with every typed item list of [`Kubernetes`]: the
/// one place that knows them all, for code that renumbers or fills every typed item (each has
/// `object` and `namespace`).
macro_rules! typed_lists {
    ($apply:ident) => {
        $apply!(
            workloads,
            services,
            ingresses,
            hpas,
            pdbs,
            network_policies,
            service_accounts,
            roles,
            role_bindings,
            monitors,
            destination_rules,
            peer_authentications,
            virtual_services,
            scaled_objects,
            canaries,
            velero_schedules,
            config_maps,
            limit_ranges
        )
    };
}

mod dedup;
mod edge;
mod image;
mod kinds;
pub(crate) mod kustomize;
mod links;
mod read;
mod selector;
#[cfg(test)]
mod tests;
mod workload;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::yaml::{Node, Value};
use crate::{EvidenceError, Loc, Source};

pub use edge::GatewayListener;
pub use image::ImageRef;
pub use kinds::{
    Canary, ConfigEntry, ConfigMap, DestinationRule, HTTPS_REDIRECT_ANNOTATIONS, Hpa, HpaMetric,
    HttpRoute, Ingress, IngressBackend, IngressTls, LimitRange, LimitRangeItem,
    MESH_ROOT_NAMESPACE, Monitor, MonitorEndpoint, MonitorKind, NamespaceSelector, NetworkPolicy,
    NetworkPolicyRule, PLATFORM_CERTIFICATE_ANNOTATIONS, Pdb, PeerAuthentication, PolicyRule,
    RATE_LIMIT_ANNOTATIONS, Retries, Role, RoleBinding, RoleRef, ScaledObject, Service,
    ServiceAccount, ServicePort, Subject, TargetRef, VeleroSchedule, VirtualService,
};
pub use kustomize::{ImageSet, Kustomization, image_name};
pub use links::{WorkloadLinks, host_matches_service};
pub use selector::{
    LabelSelector, SelectorOp, SelectorRequirement, same_namespace, same_namespace_exactly,
};
pub use workload::{
    Action, AntiAffinityTerm, Container, ContainerPort, EnvFrom, EnvFromSource, EnvValue, EnvVar,
    LifecycleHook, PodSecurityContext, PodSpec, Probe, ResourceList, Resources, RolloutKind,
    RolloutStrategy, SecurityContext, Strategy, TopologySpreadConstraint, Volume, VolumeMount,
    VolumeSource, Workload, WorkloadKind, ZONE_TOPOLOGY_KEYS,
};

use read::{FieldPath, Reader};

pub use crate::source::Located;

/// An int-or-percent field (`maxUnavailable: 1`, `minAvailable: "50%"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrPercent {
    Int(i64),
    /// A percentage (`25%` is `Percent(25)`).
    Percent(i64),
}

impl IntOrPercent {
    /// Parses `3`, `"3"` or `"25%"`.
    pub fn parse(s: &str) -> Option<IntOrPercent> {
        let s = s.trim();
        match s.strip_suffix('%') {
            Some(p) => p.trim().parse().ok().map(IntOrPercent::Percent),
            None => s.parse().ok().map(IntOrPercent::Int),
        }
    }

    /// Whether the value is zero (`0` or `0%`).
    pub fn is_zero(self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }

    /// The absolute value for `total` pods, rounding percentages up or down as the API does
    /// for the field (Deployment `maxSurge` and PDB fields round up, Deployment
    /// `maxUnavailable` rounds down).
    pub fn resolve(self, total: i64, round_up: bool) -> i64 {
        match self {
            IntOrPercent::Int(i) => i,
            IntOrPercent::Percent(p) => {
                let x = p.saturating_mul(total);
                match (round_up, x >= 0) {
                    (true, true) => x.saturating_add(99) / 100,
                    (false, false) => x.saturating_sub(99) / 100,
                    _ => x / 100,
                }
            }
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(i) => write!(f, "{i}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// One Kubernetes object (a document, or an item of a `kind: List`), whatever its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// `apiVersion`.
    pub api_version: Option<String>,
    pub kind: String,
    /// The `kind:` value (the document for list items whose kind comes from a typed list).
    pub kind_loc: Loc,
    /// `metadata.name`.
    pub name: Option<Located<String>>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Annotations with value locations.
    pub annotations: BTreeMap<String, Located<String>>,
    /// The document (or list item).
    pub loc: Loc,
    /// The raw tree, for readers of kinds not typed here.
    pub doc: Node,
    /// Whether it comes from a renderer's output (`kubectl kustomize`, `helm template`); its
    /// locations are those of the source object it was made from.
    pub rendered: bool,
    /// The other places the same resource (kind, namespace, name) was found: it is judged
    /// once, here. See [`ObjectCopy`].
    pub copies: Vec<ObjectCopy>,
    /// The last line of the object in its file (for matching findings to it).
    pub end_line: u32,
}

/// Another place a resource was found: a copy in a base, an overlay or a release folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectCopy {
    /// The copy's document.
    pub loc: Loc,
    /// Whether its content differs from the copy that is judged.
    pub differs: bool,
}

impl Object {
    /// The name, or `""`.
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }

    /// The API group (`apps`, `""` for the core group); `None` without `apiVersion`.
    pub fn group(&self) -> Option<&str> {
        self.api_version.as_deref().map(api_group)
    }

    /// `Kind/name`, for findings.
    pub fn resource(&self) -> String {
        resource_string(&self.kind, self.name())
    }

    /// An annotation.
    pub fn annotation(&self, key: &str) -> Option<&Located<String>> {
        self.annotations.get(key)
    }
}

/// What every typed item offers, for code that handles several kinds alike.
pub trait KubeItem {
    /// The `kind`.
    fn kind(&self) -> &str;
    /// The name (`""` when absent).
    fn name(&self) -> &str;
    fn namespace(&self) -> Option<&str>;
    /// The document.
    fn loc(&self) -> &Loc;
    /// Index into [`Kubernetes::objects`].
    fn object_index(&self) -> usize;
    /// `Kind/name`.
    fn resource(&self) -> String {
        resource_string(self.kind(), self.name())
    }
}

macro_rules! kube_item {
    ($ty:ty, |$s:ident| $kind:expr) => {
        impl $ty {
            /// `Kind/name`, for findings.
            pub fn resource(&self) -> String {
                let $s = self;
                resource_string($kind, &$s.name)
            }
        }
        impl KubeItem for $ty {
            fn kind(&self) -> &str {
                let $s = self;
                $kind
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn namespace(&self) -> Option<&str> {
                self.namespace.as_deref()
            }
            fn loc(&self) -> &Loc {
                &self.loc
            }
            fn object_index(&self) -> usize {
                self.object
            }
        }
    };
}

kube_item!(Service, |_s| "Service");
kube_item!(Ingress, |_s| "Ingress");
kube_item!(Hpa, |_s| "HorizontalPodAutoscaler");
kube_item!(Pdb, |_s| "PodDisruptionBudget");
kube_item!(NetworkPolicy, |_s| "NetworkPolicy");
kube_item!(ServiceAccount, |_s| "ServiceAccount");
kube_item!(Role, |s| if s.cluster { "ClusterRole" } else { "Role" });
kube_item!(RoleBinding, |s| if s.cluster {
    "ClusterRoleBinding"
} else {
    "RoleBinding"
});
kube_item!(Monitor, |s| s.kind.as_str());
kube_item!(DestinationRule, |_s| "DestinationRule");
kube_item!(PeerAuthentication, |_s| "PeerAuthentication");
kube_item!(VirtualService, |_s| "VirtualService");
kube_item!(ScaledObject, |_s| "ScaledObject");
kube_item!(Canary, |_s| "Canary");
kube_item!(VeleroSchedule, |_s| "Schedule");
kube_item!(ConfigMap, |_s| "ConfigMap");
kube_item!(LimitRange, |_s| "LimitRange");

impl KubeItem for Workload {
    fn kind(&self) -> &str {
        self.kind.as_str()
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    fn loc(&self) -> &Loc {
        &self.loc
    }
    fn object_index(&self) -> usize {
        self.object
    }
}

fn resource_string(kind: &str, name: &str) -> String {
    if name.is_empty() {
        format!("{kind}/<unnamed>")
    } else {
        format!("{kind}/{name}")
    }
}

fn api_group(api_version: &str) -> &str {
    api_version.split_once('/').map_or("", |(g, _)| g)
}

/// Every Kubernetes object found, typed where the checks need it, with links. All vectors
/// are sorted by path, then position in the file.
#[derive(Debug, Clone, Default)]
pub struct Kubernetes {
    /// Every object, typed or not.
    pub objects: Vec<Object>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    pub hpas: Vec<Hpa>,
    pub pdbs: Vec<Pdb>,
    pub network_policies: Vec<NetworkPolicy>,
    pub service_accounts: Vec<ServiceAccount>,
    /// Roles and ClusterRoles.
    pub roles: Vec<Role>,
    /// RoleBindings and ClusterRoleBindings.
    pub role_bindings: Vec<RoleBinding>,
    /// ServiceMonitors and PodMonitors.
    pub monitors: Vec<Monitor>,
    pub destination_rules: Vec<DestinationRule>,
    pub peer_authentications: Vec<PeerAuthentication>,
    pub virtual_services: Vec<VirtualService>,
    pub scaled_objects: Vec<ScaledObject>,
    /// Flagger Canaries.
    pub canaries: Vec<Canary>,
    /// Velero backup Schedules.
    pub velero_schedules: Vec<VeleroSchedule>,
    pub config_maps: Vec<ConfigMap>,
    pub limit_ranges: Vec<LimitRange>,
    /// Kustomization files, by path.
    pub kustomizations: Vec<Kustomization>,
    /// Images the repository's own build produces and tags at deploy time
    /// (`skaffold.yaml` `build.artifacts[].image`), at their values.
    pub built_images: Vec<Located<String>>,
    /// The folder each built image is built from (`build.artifacts[].context`; empty for the
    /// repository root), by image.
    pub build_contexts: std::collections::BTreeMap<String, String>,
}

impl Kubernetes {
    /// Whether no Kubernetes object was found.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The object at `index` (an item's `object`).
    pub fn object(&self, index: usize) -> Option<&Object> {
        self.objects.get(index)
    }

    /// The object behind a typed item (for its raw tree, labels, annotations).
    pub fn object_of(&self, item: &impl KubeItem) -> Option<&Object> {
        self.objects.get(item.object_index())
    }

    /// Objects of a kind (`ConfigMap`, `PrometheusRule`).
    pub fn objects_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// The workload of this kind and name in namespace `namespace` (or unset).
    pub fn workload(
        &self,
        kind: WorkloadKind,
        name: &str,
        namespace: Option<&str>,
    ) -> Option<&Workload> {
        self.workloads.iter().find(|w| {
            w.kind == kind && w.name == name && same_namespace(w.namespace.as_deref(), namespace)
        })
    }

    /// Workloads whose links satisfy `f` (reverse lookups:
    /// `k.workloads_linked(|l| l.pdbs.contains(&i))`).
    pub fn workloads_linked<'a>(
        &'a self,
        f: impl Fn(&WorkloadLinks) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Workload> + 'a {
        self.workloads.iter().filter(move |w| f(&w.links))
    }

    /// The pod spec that runs: a Rollout's referenced workload's when it uses `workloadRef`
    /// without its own template, else the workload's own.
    pub fn effective_pod<'a>(&'a self, w: &'a Workload) -> &'a PodSpec {
        if w.workload_ref.is_some()
            && w.pod.containers.is_empty()
            && let Some(target) = self.referenced_workload(w)
        {
            return &target.pod;
        }
        &w.pod
    }

    /// The workload a Rollout's `workloadRef` names.
    pub fn referenced_workload(&self, w: &Workload) -> Option<&Workload> {
        w.links.workload_ref.and_then(|i| self.workloads.get(i))
    }

    /// Services selecting the workload's pods.
    pub fn services_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Service> + 'a {
        links::pick(&self.services, &w.links.services)
    }

    /// PodDisruptionBudgets covering the workload's pods.
    pub fn pdbs_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Pdb> + 'a {
        links::pick(&self.pdbs, &w.links.pdbs)
    }

    /// HPAs targeting the workload.
    pub fn hpas_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Hpa> + 'a {
        links::pick(&self.hpas, &w.links.hpas)
    }

    /// KEDA ScaledObjects targeting the workload.
    pub fn scaled_objects_for<'a>(
        &'a self,
        w: &'a Workload,
    ) -> impl Iterator<Item = &'a ScaledObject> + 'a {
        links::pick(&self.scaled_objects, &w.links.scaled_objects)
    }

    /// NetworkPolicies selecting the workload's pods.
    pub fn network_policies_for<'a>(
        &'a self,
        w: &'a Workload,
    ) -> impl Iterator<Item = &'a NetworkPolicy> + 'a {
        links::pick(&self.network_policies, &w.links.network_policies)
    }

    /// PeerAuthentications applying to the workload's pods.
    pub fn peer_authentications_for<'a>(
        &'a self,
        w: &'a Workload,
    ) -> impl Iterator<Item = &'a PeerAuthentication> + 'a {
        links::pick(&self.peer_authentications, &w.links.peer_authentications)
    }

    /// ServiceMonitors (through the workload's Services) and PodMonitors scraping it.
    pub fn monitors_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Monitor> + 'a {
        links::pick(&self.monitors, &w.links.monitors)
    }

    /// DestinationRules for the workload's Services.
    pub fn destination_rules_for<'a>(
        &'a self,
        w: &'a Workload,
    ) -> impl Iterator<Item = &'a DestinationRule> + 'a {
        links::pick(&self.destination_rules, &w.links.destination_rules)
    }

    /// VirtualServices routing to the workload's Services.
    pub fn virtual_services_for<'a>(
        &'a self,
        w: &'a Workload,
    ) -> impl Iterator<Item = &'a VirtualService> + 'a {
        links::pick(&self.virtual_services, &w.links.virtual_services)
    }

    /// Ingresses routing to the workload's Services.
    pub fn ingresses_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Ingress> + 'a {
        links::pick(&self.ingresses, &w.links.ingresses)
    }

    /// Flagger Canaries targeting the workload.
    pub fn canaries_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Canary> + 'a {
        links::pick(&self.canaries, &w.links.canaries)
    }

    /// The declared ServiceAccount the workload runs as.
    pub fn service_account_for(&self, w: &Workload) -> Option<&ServiceAccount> {
        w.links
            .service_account
            .and_then(|i| self.service_accounts.get(i))
    }

    /// Bindings granting roles to the workload's service account.
    pub fn role_bindings_for<'a>(
        &'a self,
        w: &'a Workload,
    ) -> impl Iterator<Item = &'a RoleBinding> + 'a {
        links::pick(&self.role_bindings, &w.links.role_bindings)
    }

    /// Roles and ClusterRoles granted to the workload's service account.
    pub fn roles_for<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Role> + 'a {
        links::pick(&self.roles, &w.links.roles)
    }

    /// Keeps only the objects whose `keep` entry is true (and the typed items of them),
    /// renumbering object indices and linking the workloads again.
    pub(crate) fn retain_objects(&mut self, keep: &[bool]) {
        self.drop_objects(keep);
        links::link(self);
    }

    /// Keeps only the objects whose `keep` entry is true (a missing entry keeps) and the typed
    /// items of them, renumbering object indices. Links are left to the caller.
    fn drop_objects(&mut self, keep: &[bool]) {
        let kept = |i: usize| keep.get(i).copied().unwrap_or(true);
        let mut new_index = Vec::with_capacity(self.objects.len());
        let mut next = 0;
        for i in 0..self.objects.len() {
            new_index.push(next);
            if kept(i) {
                next += 1;
            }
        }
        macro_rules! renumber {
            ($($field:ident),*) => {$(
                self.$field.retain(|item| kept(item.object));
                for item in &mut self.$field {
                    item.object = new_index[item.object];
                }
            )*};
        }
        typed_lists!(renumber);
        let mut i = 0;
        self.objects.retain(|_| {
            i += 1;
            kept(i - 1)
        });
    }

    /// Appends another file's items, shifting their object indices.
    fn absorb(&mut self, mut other: Kubernetes) {
        let offset = self.objects.len();
        macro_rules! shift {
            ($($field:ident),*) => {$(
                for item in &mut other.$field {
                    item.object += offset;
                }
                self.$field.append(&mut other.$field);
            )*};
        }
        typed_lists!(shift);
        self.objects.append(&mut other.objects);
        self.kustomizations.append(&mut other.kustomizations);
    }
}

/// What one file produced.
#[derive(Debug, Clone)]
pub struct KubeFile {
    path: Arc<str>,
    items: Kubernetes,
}

impl KubeFile {
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn objects(&self) -> &[Object] {
        &self.items.objects
    }

    pub(crate) fn kustomizations(&self) -> &[Kustomization] {
        &self.items.kustomizations
    }

    /// Marks every object as a renderer's output.
    pub(crate) fn mark_rendered(&mut self) {
        for o in &mut self.items.objects {
            o.rendered = true;
        }
    }
}

/// The identity of one object, handed to the typed readers.
#[derive(Debug)]
pub(super) struct Head<'a> {
    api_version: Option<&'a str>,
    name: String,
    namespace: Option<String>,
    labels: &'a BTreeMap<String, String>,
    annotations: &'a BTreeMap<String, Located<String>>,
    loc: Loc,
    kind_loc: Loc,
    object: usize,
    /// The object's path in the file (`items[2]` inside a List).
    path: &'a FieldPath<'a>,
}

/// `kind` and `apiVersion` inherited by the items of a typed list (`DeploymentList`).
#[derive(Debug, Clone, Default)]
struct ListDefaults {
    kind: Option<String>,
    api_version: Option<String>,
}

/// Lists nested deeper than this are ignored (a List of Lists is already unusual).
const MAX_LIST_DEPTH: usize = 4;

pub(crate) fn parse(
    src: &Source,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Option<KubeFile> {
    let mut r = Reader::new(errors);
    let mut items = Kubernetes::default();
    let defaults = ListDefaults::default();
    for doc in docs {
        read_document(&mut r, doc, &defaults, &FieldPath::ROOT, &mut items, 0);
    }
    if items.objects.is_empty() {
        None
    } else {
        Some(KubeFile {
            path: src.path.clone(),
            items,
        })
    }
}

fn read_document(
    r: &mut Reader<'_>,
    doc: Node,
    defaults: &ListDefaults,
    path: &FieldPath<'_>,
    out: &mut Kubernetes,
    depth: usize,
) {
    if !doc.is_map() {
        return;
    }
    let (kind, kind_loc) = if let Some(e) = read::present(&doc, "kind") {
        let Some(k) = e.value.as_str() else {
            r.wrong(&e.value, "a string", &path.key("kind"));
            return;
        };
        (k.to_string(), e.value.loc.clone())
    } else {
        let Some(k) = &defaults.kind else {
            return;
        };
        (k.clone(), doc.loc.clone())
    };
    let api_version = match read::present(&doc, "apiVersion") {
        Some(e) => {
            if let Some(v) = e.value.as_str() {
                Some(v.to_string())
            } else {
                r.wrong(&e.value, "a string", &path.key("apiVersion"));
                None
            }
        }
        None => defaults.api_version.clone(),
    };

    let is_list = kind == "List" || (kind.ends_with("List") && doc.get("items").is_some());
    if is_list {
        if depth < MAX_LIST_DEPTH {
            let item_defaults = ListDefaults {
                kind: kind
                    .strip_suffix("List")
                    .filter(|k| !k.is_empty())
                    .map(str::to_string),
                api_version,
            };
            read_list(r, doc, &item_defaults, path, out, depth);
        }
        return;
    }

    let meta_path = path.key("metadata");
    let (name, namespace, labels, annotations) = match r.map(&doc, "metadata", path) {
        Some(meta) => (
            r.string(meta, "name", &meta_path),
            r.text(meta, "namespace", &meta_path)
                .filter(|n| !n.is_empty()),
            r.string_map(meta, "labels", &meta_path),
            r.located_map(meta, "annotations", &meta_path),
        ),
        None => (None, None, BTreeMap::new(), BTreeMap::new()),
    };

    let head = Head {
        api_version: api_version.as_deref(),
        name: name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
        namespace: namespace.clone(),
        labels: &labels,
        annotations: &annotations,
        loc: doc.loc.clone(),
        kind_loc: kind_loc.clone(),
        object: out.objects.len(),
        path,
    };
    read_typed(r, &doc, &kind, &head, out);
    out.objects.push(Object {
        kind_loc,
        loc: doc.loc.clone(),
        api_version,
        kind,
        name,
        namespace,
        labels,
        annotations,
        end_line: last_line(&doc),
        doc,
        rendered: false,
        copies: Vec::new(),
    });
}

/// The last line any node of `n` starts on.
fn last_line(n: &Node) -> u32 {
    let inner = match &n.value {
        Value::Seq(items) => items.iter().map(last_line).max(),
        Value::Map(entries) => entries.iter().map(|e| last_line(&e.value)).max(),
        _ => None,
    };
    inner.unwrap_or(n.loc.line).max(n.loc.line)
}

fn read_list(
    r: &mut Reader<'_>,
    doc: Node,
    defaults: &ListDefaults,
    path: &FieldPath<'_>,
    out: &mut Kubernetes,
    depth: usize,
) {
    let Value::Map(entries) = doc.value else {
        return;
    };
    let Some(items) = entries.into_iter().find(|e| e.key == "items") else {
        return;
    };
    let items_path = path.key("items");
    match items.value.value {
        Value::Seq(nodes) => {
            for (i, item) in nodes.into_iter().enumerate() {
                read_document(r, item, defaults, &items_path.index(i), out, depth + 1);
            }
        }
        Value::Null => {}
        _ => r.wrong(&items.value, "a list", &items_path),
    }
}

/// Reads the typed view of an object of a kind the checks need.
fn read_typed(r: &mut Reader<'_>, doc: &Node, kind: &str, head: &Head<'_>, out: &mut Kubernetes) {
    let group = head.api_version.map(api_group);
    let in_group = |wanted: &[&str]| group.is_none_or(|g| wanted.contains(&g));
    if let Some(wk) = WorkloadKind::from_kind(kind, group) {
        if let Some(w) = workload::read_workload(r, doc, head, wk) {
            out.workloads.push(w);
        }
        return;
    }
    match kind {
        "Service" if in_group(&[""]) => out.services.push(kinds::read_service(r, doc, head)),
        "Ingress" if in_group(&["networking.k8s.io", "extensions"]) => {
            out.ingresses.push(kinds::read_ingress(r, doc, head));
        }
        "HorizontalPodAutoscaler" if in_group(&["autoscaling"]) => {
            out.hpas.push(kinds::read_hpa(r, doc, head));
        }
        "PodDisruptionBudget" if in_group(&["policy"]) => {
            out.pdbs.push(kinds::read_pdb(r, doc, head));
        }
        "NetworkPolicy" if in_group(&["networking.k8s.io", "extensions"]) => {
            out.network_policies
                .push(kinds::read_network_policy(r, doc, head));
        }
        "ServiceAccount" if in_group(&[""]) => {
            out.service_accounts
                .push(kinds::read_service_account(r, doc, head));
        }
        "Role" | "ClusterRole" if in_group(&["rbac.authorization.k8s.io"]) => {
            out.roles
                .push(kinds::read_role(r, doc, head, kind == "ClusterRole"));
        }
        "RoleBinding" | "ClusterRoleBinding" if in_group(&["rbac.authorization.k8s.io"]) => {
            out.role_bindings.push(kinds::read_role_binding(
                r,
                doc,
                head,
                kind == "ClusterRoleBinding",
            ));
        }
        "ServiceMonitor" if in_group(&["monitoring.coreos.com"]) => {
            out.monitors.push(kinds::read_monitor(
                r,
                doc,
                head,
                MonitorKind::ServiceMonitor,
            ));
        }
        "PodMonitor" if in_group(&["monitoring.coreos.com"]) => {
            out.monitors
                .push(kinds::read_monitor(r, doc, head, MonitorKind::PodMonitor));
        }
        "DestinationRule" if in_group(&["networking.istio.io"]) => {
            out.destination_rules
                .push(kinds::read_destination_rule(r, doc, head));
        }
        "VirtualService" if in_group(&["networking.istio.io"]) => {
            out.virtual_services
                .push(kinds::read_virtual_service(r, doc, head));
        }
        "PeerAuthentication" if in_group(&["security.istio.io"]) => {
            out.peer_authentications
                .push(kinds::read_peer_authentication(r, doc, head));
        }
        "ScaledObject" if in_group(&["keda.sh"]) => {
            out.scaled_objects
                .push(kinds::read_scaled_object(r, doc, head));
        }
        "Canary" if in_group(&["flagger.app"]) => {
            out.canaries.push(kinds::read_canary(r, doc, head));
        }
        "Schedule" if in_group(&["velero.io"]) => {
            out.velero_schedules
                .push(kinds::read_velero_schedule(r, doc, head));
        }
        // Any group, as checks read them: ConfigMap and LimitRange exist only in the core one.
        "ConfigMap" => out.config_maps.push(kinds::read_config_map(doc, head)),
        "LimitRange" => out.limit_ranges.push(kinds::read_limit_range(doc, head)),
        _ => {}
    }
}

pub(crate) fn assemble(mut files: Vec<KubeFile>) -> Kubernetes {
    // Items inside a file are already in document order, so sorting files by path sorts
    // everything by path, then position.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut k = Kubernetes::default();
    for f in files {
        k.absorb(f.items);
    }
    kustomize::apply_namespaces(&mut k);
    dedup::judge_once(&mut k);
    kustomize::compute_reach(&mut k);
    links::link(&mut k);
    k
}
