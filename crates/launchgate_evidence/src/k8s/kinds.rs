//! The non-workload kinds the checks read: Service, Ingress, HPA, PDB, NetworkPolicy, RBAC,
//! ServiceAccount, Prometheus Operator monitors, Istio traffic and security resources, KEDA
//! ScaledObject, Flagger Canary and Velero Schedule.

use std::collections::BTreeMap;

use super::read::{FieldPath, Reader, present};
use super::selector::{LabelSelector, read_map_selector, read_selector, same_namespace};
use super::{Head, IntOrPercent, Located};
use crate::Loc;
use crate::yaml::{Entry, Node};

/// The Istio root namespace by default: a PeerAuthentication there without a selector
/// applies to the whole mesh.
pub const MESH_ROOT_NAMESPACE: &str = "istio-system";

/// A reference to another object by kind and name (`scaleTargetRef`, `targetRef`,
/// `workloadRef`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRef {
    pub api_version: Option<String>,
    /// `kind` (defaulted where the API has a default, e.g. KEDA's `Deployment`; empty when
    /// absent otherwise).
    pub kind: String,
    pub name: String,
    /// The reference's key.
    pub loc: Loc,
}

pub(super) fn read_target_ref(
    r: &mut Reader<'_>,
    e: &Entry,
    parent_path: &FieldPath<'_>,
    default_kind: Option<&str>,
) -> TargetRef {
    let p = parent_path.key(&e.key);
    let n = &e.value;
    TargetRef {
        api_version: r.text(n, "apiVersion", &p),
        kind: r
            .text(n, "kind", &p)
            .or_else(|| default_kind.map(str::to_string))
            .unwrap_or_default(),
        name: r.text(n, "name", &p).unwrap_or_default(),
        loc: e.key_loc.clone(),
    }
}

/// A Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub namespace: Option<String>,
    /// The Service's own labels (what ServiceMonitors select).
    pub labels: BTreeMap<String, String>,
    /// Annotations with value locations (scrape annotations, load balancer TLS settings).
    pub annotations: BTreeMap<String, Located<String>>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.type` (API default `ClusterIP`).
    pub service_type: Option<Located<String>>,
    /// `spec.selector`; absent or empty selects no pods (endpoints managed elsewhere).
    pub selector: Option<LabelSelector>,
    pub ports: Vec<ServicePort>,
    /// `spec.clusterIP` (`None` for headless Services).
    pub cluster_ip: Option<String>,
}

impl Service {
    /// Whether the Service sends traffic to pods with these labels (namespace aside).
    pub fn selects(&self, pod_labels: &BTreeMap<String, String>) -> bool {
        self.selector
            .as_ref()
            .is_some_and(|s| !s.is_empty() && s.matches(pod_labels))
    }

    /// `spec.type`, or `ClusterIP` when absent.
    pub fn type_or_default(&self) -> &str {
        self.service_type
            .as_ref()
            .map_or("ClusterIP", |t| t.value.as_str())
    }

    /// Whether the Service is exposed outside the cluster (`LoadBalancer` or `NodePort`).
    pub fn is_external(&self) -> bool {
        matches!(self.type_or_default(), "LoadBalancer" | "NodePort")
    }

    /// An annotation.
    pub fn annotation(&self, key: &str) -> Option<&Located<String>> {
        self.annotations.get(key)
    }
}

/// A Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    /// The list item.
    pub loc: Loc,
    pub name: Option<String>,
    pub port: Option<i64>,
    /// `targetPort` as written (number or name).
    pub target_port: Option<String>,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
}

pub(super) fn read_service(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>) -> Service {
    let root = head.path;
    let mut svc = Service {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        labels: head.labels.clone(),
        annotations: head.annotations.clone(),
        loc: head.loc.clone(),
        object: head.object,
        service_type: None,
        selector: None,
        ports: Vec::new(),
        cluster_ip: None,
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return svc;
    };
    let p = root.key("spec");
    svc.service_type = r.string(spec, "type", &p);
    svc.selector = read_map_selector(r, spec, "selector", &p);
    svc.cluster_ip = r.text(spec, "clusterIP", &p);
    let ports_path = p.key("ports");
    for (i, item) in r.seq(spec, "ports", &p).iter().enumerate() {
        let ip = ports_path.index(i);
        let Some(port) = r.item_map(item, &ip) else {
            continue;
        };
        svc.ports.push(ServicePort {
            loc: port.loc.clone(),
            name: r.text(port, "name", &ip),
            port: r.int(port, "port", &ip).map(|v| v.value),
            target_port: r.text(port, "targetPort", &ip),
            protocol: r.text(port, "protocol", &ip),
            app_protocol: r.text(port, "appProtocol", &ip),
        });
    }
    svc
}

/// Ingress annotations that rate limit requests (ingress-nginx, HAProxy / OpenShift router).
pub const RATE_LIMIT_ANNOTATIONS: &[&str] = &[
    "nginx.ingress.kubernetes.io/limit-rps",
    "nginx.ingress.kubernetes.io/limit-rpm",
    "nginx.ingress.kubernetes.io/limit-connections",
    "nginx.ingress.kubernetes.io/global-rate-limit",
    "haproxy.router.openshift.io/rate-limit-connections",
    "haproxy.org/rate-limit-requests",
];

/// An Ingress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingress {
    pub name: String,
    pub namespace: Option<String>,
    /// Annotations with value locations (`nginx.ingress.kubernetes.io/limit-rps`, ...).
    pub annotations: BTreeMap<String, Located<String>>,
    pub loc: Loc,
    pub object: usize,
    /// The `spec:` key (where a missing `tls` belongs); the document when there is no spec.
    pub spec_loc: Loc,
    /// `spec.ingressClassName`, else the `kubernetes.io/ingress.class` annotation.
    pub class: Option<Located<String>>,
    pub tls: Vec<IngressTls>,
    /// Hosts of the `rules`.
    pub hosts: Vec<Located<String>>,
    /// Backends: the default backend and every rule path's backend.
    pub backends: Vec<IngressBackend>,
}

impl Ingress {
    /// An annotation.
    pub fn annotation(&self, key: &str) -> Option<&Located<String>> {
        self.annotations.get(key)
    }

    /// Whether `spec.tls` has an entry.
    pub fn has_tls(&self) -> bool {
        !self.tls.is_empty()
    }

    /// The rate-limit annotations present (see [`RATE_LIMIT_ANNOTATIONS`]).
    pub fn rate_limits(&self) -> impl Iterator<Item = (&str, &Located<String>)> {
        RATE_LIMIT_ANNOTATIONS
            .iter()
            .filter_map(|k| self.annotations.get(*k).map(|v| (*k, v)))
    }

    /// The ingress-nginx `ssl-redirect` / `force-ssl-redirect` annotation, when set.
    pub fn ssl_redirect(&self) -> Option<&Located<String>> {
        self.annotation("nginx.ingress.kubernetes.io/force-ssl-redirect")
            .or_else(|| self.annotation("nginx.ingress.kubernetes.io/ssl-redirect"))
    }

    /// The annotation by which the platform's load balancer terminates TLS for every host
    /// with a certificate it holds (see [`PLATFORM_CERTIFICATE_ANNOTATIONS`]), when set to a
    /// non-empty value.
    pub fn platform_certificate(&self) -> Option<(&'static str, &Located<String>)> {
        PLATFORM_CERTIFICATE_ANNOTATIONS.iter().find_map(|k| {
            self.annotations
                .get(*k)
                .filter(|v| !v.value.trim().is_empty())
                .map(|v| (*k, v))
        })
    }

    /// The annotation that makes the controller answer plain HTTP with a redirect to HTTPS
    /// (see [`HTTPS_REDIRECT_ANNOTATIONS`]), when it is on: `"true"`, or a port as the AWS
    /// Load Balancer Controller writes it (`'443'`).
    pub fn https_redirect(&self) -> Option<(&'static str, &Located<String>)> {
        HTTPS_REDIRECT_ANNOTATIONS.iter().find_map(|k| {
            self.annotations
                .get(*k)
                .filter(|v| {
                    let v = v.value.trim();
                    v.eq_ignore_ascii_case("true")
                        || (!v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
                })
                .map(|v| (*k, v))
        })
    }

    /// The rule hosts no `tls` entry covers (an entry without hosts covers every host; a
    /// `*.example.com` entry covers one label below `example.com`).
    pub fn hosts_without_tls(&self) -> impl Iterator<Item = &Located<String>> {
        self.hosts.iter().filter(|h| {
            !self.tls.iter().any(|t| {
                t.hosts.is_empty() || t.hosts.iter().any(|th| tls_host_covers(th, &h.value))
            })
        })
    }
}

/// Ingress annotations by which a cloud load balancer terminates TLS with a certificate the
/// platform holds, for every host of the Ingress: GKE managed and pre-shared certificates,
/// the AWS Load Balancer Controller's ACM certificates, Azure Application Gateway's
/// certificates.
pub const PLATFORM_CERTIFICATE_ANNOTATIONS: &[&str] = &[
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "alb.ingress.kubernetes.io/certificate-arn",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
];

/// Ingress annotations that make the controller redirect plain HTTP to HTTPS even without a
/// `spec.tls` entry (TLS terminated by the platform or in front of the controller):
/// ingress-nginx `force-ssl-redirect`, the AWS Load Balancer Controller's `ssl-redirect`,
/// Azure Application Gateway's `ssl-redirect`, Traefik v1 and others' `ssl-redirect`.
pub const HTTPS_REDIRECT_ANNOTATIONS: &[&str] = &[
    "nginx.ingress.kubernetes.io/force-ssl-redirect",
    "alb.ingress.kubernetes.io/ssl-redirect",
    "appgw.ingress.kubernetes.io/ssl-redirect",
    "ingress.kubernetes.io/ssl-redirect",
];

/// Whether a TLS host (possibly `*.domain`) covers a rule host.
fn tls_host_covers(tls_host: &str, host: &str) -> bool {
    if tls_host.eq_ignore_ascii_case(host) {
        return true;
    }
    match tls_host.strip_prefix("*.") {
        Some(domain) => host
            .split_once('.')
            .is_some_and(|(label, rest)| label != "*" && rest.eq_ignore_ascii_case(domain)),
        None => false,
    }
}

/// An Ingress `tls` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressTls {
    /// The list item.
    pub loc: Loc,
    pub hosts: Vec<String>,
    pub secret_name: Option<String>,
}

/// An Ingress backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressBackend {
    /// The `backend:` / `defaultBackend:` key.
    pub loc: Loc,
    /// The Service name (empty for resource backends).
    pub service: String,
    /// Port number or name.
    pub port: Option<String>,
    /// The rule's host (none for the default backend or a host-less rule).
    pub host: Option<String>,
    pub path: Option<String>,
}

pub(super) fn read_ingress(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>) -> Ingress {
    let root = head.path;
    let mut ing = Ingress {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        annotations: head.annotations.clone(),
        loc: head.loc.clone(),
        object: head.object,
        spec_loc: head.loc.clone(),
        class: None,
        tls: Vec::new(),
        hosts: Vec::new(),
        backends: Vec::new(),
    };
    let class_annotation = head.annotations.get("kubernetes.io/ingress.class").cloned();
    let Some(spec_entry) = r.map_entry(doc, "spec", root) else {
        ing.class = class_annotation;
        return ing;
    };
    let spec = &spec_entry.value;
    ing.spec_loc = spec_entry.key_loc.clone();
    let p = root.key("spec");
    ing.class = r.string(spec, "ingressClassName", &p).or(class_annotation);
    let tls_path = p.key("tls");
    for (i, item) in r.seq(spec, "tls", &p).iter().enumerate() {
        let ip = tls_path.index(i);
        let Some(t) = r.item_map(item, &ip) else {
            continue;
        };
        ing.tls.push(IngressTls {
            loc: t.loc.clone(),
            hosts: r
                .strings(t, "hosts", &ip)
                .into_iter()
                .map(|h| h.value)
                .collect(),
            secret_name: r.text(t, "secretName", &ip),
        });
    }
    for key in ["defaultBackend", "backend"] {
        if let Some(b) = r.map_entry(spec, key, &p) {
            ing.backends.push(read_backend(r, b, &p, None, None));
        }
    }
    let rules_path = p.key("rules");
    for (i, item) in r.seq(spec, "rules", &p).iter().enumerate() {
        let rp = rules_path.index(i);
        let Some(rule) = r.item_map(item, &rp) else {
            continue;
        };
        let host = r.string(rule, "host", &rp);
        if let Some(h) = &host {
            ing.hosts.push(h.clone());
        }
        let Some(http) = r.map(rule, "http", &rp) else {
            continue;
        };
        let hp = rp.key("http");
        let paths_path = hp.key("paths");
        for (j, item) in r.seq(http, "paths", &hp).iter().enumerate() {
            let pp = paths_path.index(j);
            let Some(path) = r.item_map(item, &pp) else {
                continue;
            };
            let path_text = r.text(path, "path", &pp);
            if let Some(b) = r.map_entry(path, "backend", &pp) {
                let host = host.as_ref().map(|h| h.value.clone());
                ing.backends.push(read_backend(r, b, &pp, host, path_text));
            }
        }
    }
    ing
}

fn read_backend(
    r: &mut Reader<'_>,
    e: &Entry,
    parent_path: &FieldPath<'_>,
    host: Option<String>,
    path: Option<String>,
) -> IngressBackend {
    let p = parent_path.key(&e.key);
    let b = &e.value;
    // networking.k8s.io/v1: service.name / service.port.{number,name};
    // extensions/v1beta1: serviceName / servicePort.
    let (service, port) = if let Some(s) = r.map(b, "service", &p) {
        let sp = p.key("service");
        let port = r.map(s, "port", &sp).and_then(|port| {
            let pp = sp.key("port");
            r.text(port, "number", &pp)
                .or_else(|| r.text(port, "name", &pp))
        });
        (r.text(s, "name", &sp).unwrap_or_default(), port)
    } else {
        (
            r.text(b, "serviceName", &p).unwrap_or_default(),
            r.text(b, "servicePort", &p),
        )
    };
    IngressBackend {
        loc: e.key_loc.clone(),
        service,
        port,
        host,
        path,
    }
}

/// A HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hpa {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.scaleTargetRef`.
    pub target: Option<TargetRef>,
    /// `spec.minReplicas`; when absent, the API default 1 located at the `spec:` key (see
    /// `min_replicas_set`).
    pub min_replicas: Located<i64>,
    /// Whether `minReplicas` is written.
    pub min_replicas_set: bool,
    /// `spec.maxReplicas`.
    pub max_replicas: Option<Located<i64>>,
    /// Scaling metrics (`spec.metrics`, or v1 `targetCPUUtilizationPercentage`).
    pub metrics: Vec<HpaMetric>,
}

/// One HPA metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaMetric {
    pub loc: Loc,
    /// `Resource`, `ContainerResource`, `Pods`, `Object` or `External`.
    pub metric_type: String,
    /// The resource name (`cpu`) or metric name.
    pub name: Option<String>,
    /// The target as `Utilization 70`, `AverageValue 500m` or `Value 10`.
    pub target: Option<String>,
}

pub(super) fn read_hpa(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>) -> Hpa {
    let root = head.path;
    let mut hpa = Hpa {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        target: None,
        min_replicas: Located::new(1, head.loc.clone()),
        min_replicas_set: false,
        max_replicas: None,
        metrics: Vec::new(),
    };
    let Some(spec_entry) = r.map_entry(doc, "spec", root) else {
        return hpa;
    };
    let spec = &spec_entry.value;
    let p = root.key("spec");
    hpa.target = r
        .map_entry(spec, "scaleTargetRef", &p)
        .map(|e| read_target_ref(r, e, &p, None));
    match r.int(spec, "minReplicas", &p) {
        Some(m) => {
            hpa.min_replicas = m;
            hpa.min_replicas_set = true;
        }
        None => hpa.min_replicas = Located::new(1, spec_entry.key_loc.clone()),
    }
    hpa.max_replicas = r.int(spec, "maxReplicas", &p);
    if let Some(cpu) = r.int(spec, "targetCPUUtilizationPercentage", &p) {
        hpa.metrics.push(HpaMetric {
            loc: cpu.loc,
            metric_type: "Resource".to_string(),
            name: Some("cpu".to_string()),
            target: Some(format!("Utilization {}", cpu.value)),
        });
    }
    let mp = p.key("metrics");
    for (i, item) in r.seq(spec, "metrics", &p).iter().enumerate() {
        let ip = mp.index(i);
        let Some(m) = r.item_map(item, &ip) else {
            continue;
        };
        let metric_type = r.text(m, "type", &ip).unwrap_or_default();
        let (name, target) = read_hpa_metric_source(r, m, &metric_type, &ip);
        hpa.metrics.push(HpaMetric {
            loc: m.loc.clone(),
            metric_type,
            name,
            target,
        });
    }
    hpa
}

fn read_hpa_metric_source(
    r: &mut Reader<'_>,
    m: &Node,
    metric_type: &str,
    path: &FieldPath<'_>,
) -> (Option<String>, Option<String>) {
    let key = match metric_type {
        "Resource" => "resource",
        "ContainerResource" => "containerResource",
        "Pods" => "pods",
        "Object" => "object",
        "External" => "external",
        _ => return (None, None),
    };
    let Some(src) = r.map(m, key, path) else {
        return (None, None);
    };
    let sp = path.key(key);
    // v2: `name` (resources) or `metric.name`; v2beta1: `metricName`.
    let name = r.text(src, "name", &sp).or_else(|| {
        r.map(src, "metric", &sp)
            .and_then(|metric| r.text(metric, "name", &sp.key("metric")))
    });
    let name = name.or_else(|| r.text(src, "metricName", &sp));
    let target = if let Some(t) = r.map(src, "target", &sp) {
        let tp = sp.key("target");
        let kind = r.text(t, "type", &tp).unwrap_or_default();
        let value = match kind.as_str() {
            "Utilization" => r.text(t, "averageUtilization", &tp),
            "AverageValue" => r.text(t, "averageValue", &tp),
            _ => r.text(t, "value", &tp),
        };
        value.map(|v| format!("{kind} {v}"))
    } else if let Some(u) = r.text(src, "targetAverageUtilization", &sp) {
        Some(format!("Utilization {u}"))
    } else {
        r.text(src, "targetAverageValue", &sp)
            .map(|v| format!("AverageValue {v}"))
    };
    (name, target)
}

/// A PodDisruptionBudget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdb {
    pub name: String,
    pub namespace: Option<String>,
    pub api_version: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.selector`.
    pub selector: Option<LabelSelector>,
    pub min_available: Option<Located<IntOrPercent>>,
    pub max_unavailable: Option<Located<IntOrPercent>>,
}

impl Pdb {
    /// Whether the budget covers pods with these labels (namespace aside). A missing selector
    /// selects nothing; an empty one selects every pod (`policy/v1`) or nothing
    /// (`policy/v1beta1`).
    pub fn selects(&self, pod_labels: &BTreeMap<String, String>) -> bool {
        match &self.selector {
            None => false,
            Some(s) if s.is_empty() => self.api_version.as_deref() != Some("policy/v1beta1"),
            Some(s) => s.matches(pod_labels),
        }
    }

    /// Whether at least one of `replicas` pods may be evicted voluntarily, as the
    /// disruption controller computes it (percentages rounded up). `None` when the budget
    /// sets neither field.
    pub fn allows_eviction(&self, replicas: i64) -> Option<bool> {
        if let Some(m) = &self.max_unavailable {
            return Some(m.value.resolve(replicas, true) > 0);
        }
        self.min_available
            .as_ref()
            .map(|m| m.value.resolve(replicas, true) < replicas)
    }
}

pub(super) fn read_pdb(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>) -> Pdb {
    let root = head.path;
    let mut pdb = Pdb {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        api_version: head.api_version.map(str::to_string),
        loc: head.loc.clone(),
        object: head.object,
        selector: None,
        min_available: None,
        max_unavailable: None,
    };
    if let Some(spec) = r.map(doc, "spec", root) {
        let p = root.key("spec");
        pdb.selector = read_selector(r, spec, "selector", &p);
        pdb.min_available = r.int_or_percent(spec, "minAvailable", &p);
        pdb.max_unavailable = r.int_or_percent(spec, "maxUnavailable", &p);
    }
    pdb
}

/// A NetworkPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.podSelector`; a missing one is the empty selector (every pod in the namespace).
    pub pod_selector: Option<LabelSelector>,
    /// `spec.policyTypes` as written.
    pub policy_types: Vec<Located<String>>,
    /// `spec.ingress` rules.
    pub ingress: Vec<NetworkPolicyRule>,
    /// `spec.egress` rules.
    pub egress: Vec<NetworkPolicyRule>,
}

/// One ingress or egress rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicyRule {
    /// The list item.
    pub loc: Loc,
    /// Number of `from` / `to` peers.
    pub peers: usize,
    /// Number of `ports`.
    pub ports: usize,
    /// Whether the rule admits every peer: no peers, or an `ipBlock` of `0.0.0.0/0` or
    /// `::/0` without exceptions.
    pub allows_all_peers: bool,
}

impl NetworkPolicyRule {
    /// Whether the rule allows all traffic (every peer, every port).
    pub fn allows_all(&self) -> bool {
        self.allows_all_peers && self.ports == 0
    }
}

impl NetworkPolicy {
    /// Whether the policy applies to pods with these labels (namespace aside).
    pub fn selects(&self, pod_labels: &BTreeMap<String, String>) -> bool {
        self.pod_selector
            .as_ref()
            .is_none_or(|s| s.matches(pod_labels))
    }

    /// Whether the policy isolates ingress: `policyTypes` has `Ingress`, or is unset (the
    /// API default always includes it).
    pub fn isolates_ingress(&self) -> bool {
        self.policy_types.is_empty() || self.policy_types.iter().any(|t| t.value == "Ingress")
    }

    /// Whether the policy isolates egress: `policyTypes` has `Egress`, or is unset and
    /// egress rules exist.
    pub fn isolates_egress(&self) -> bool {
        if self.policy_types.is_empty() {
            !self.egress.is_empty()
        } else {
            self.policy_types.iter().any(|t| t.value == "Egress")
        }
    }

    /// Whether some ingress rule allows all traffic.
    pub fn ingress_allows_all(&self) -> bool {
        self.ingress.iter().any(NetworkPolicyRule::allows_all)
    }

    /// Whether some egress rule allows all traffic.
    pub fn egress_allows_all(&self) -> bool {
        self.egress.iter().any(NetworkPolicyRule::allows_all)
    }

    /// Whether the policy restricts ingress to its pods: it isolates ingress and no rule
    /// allows all traffic.
    pub fn restricts_ingress(&self) -> bool {
        self.isolates_ingress() && !self.ingress_allows_all()
    }
}

pub(super) fn read_network_policy(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
) -> NetworkPolicy {
    let root = head.path;
    let mut np = NetworkPolicy {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        pod_selector: None,
        policy_types: Vec::new(),
        ingress: Vec::new(),
        egress: Vec::new(),
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return np;
    };
    let p = root.key("spec");
    np.pod_selector = read_selector(r, spec, "podSelector", &p);
    np.policy_types = r.strings(spec, "policyTypes", &p);
    np.ingress = read_np_rules(r, spec, "ingress", "from", &p);
    np.egress = read_np_rules(r, spec, "egress", "to", &p);
    np
}

fn read_np_rules(
    r: &mut Reader<'_>,
    spec: &Node,
    key: &str,
    peers_key: &str,
    path: &FieldPath<'_>,
) -> Vec<NetworkPolicyRule> {
    let list_path = path.key(key);
    let items = r.seq(spec, key, path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ip = list_path.index(i);
        // `- {}` and a bare `-` both mean "everything".
        if item.is_null() {
            out.push(NetworkPolicyRule {
                loc: item.loc.clone(),
                peers: 0,
                ports: 0,
                allows_all_peers: true,
            });
            continue;
        }
        let Some(rule) = r.item_map(item, &ip) else {
            continue;
        };
        let peers = r.seq(rule, peers_key, &ip);
        let peers_path = ip.key(peers_key);
        let mut open_block = false;
        for (j, peer) in peers.iter().enumerate() {
            let pp = peers_path.index(j);
            let Some(peer) = r.item_map(peer, &pp) else {
                continue;
            };
            if let Some(block) = r.map(peer, "ipBlock", &pp) {
                let bp = pp.key("ipBlock");
                let cidr = r.text(block, "cidr", &bp);
                let no_except = r.seq(block, "except", &bp).is_empty();
                open_block |= no_except && matches!(cidr.as_deref(), Some("0.0.0.0/0" | "::/0"));
            }
        }
        out.push(NetworkPolicyRule {
            loc: rule.loc.clone(),
            peers: peers.len(),
            ports: r.seq(rule, "ports", &ip).len(),
            allows_all_peers: peers.is_empty() || open_block,
        });
    }
    out
}

/// A ServiceAccount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `automountServiceAccountToken` (top level).
    pub automount_service_account_token: Option<Located<bool>>,
}

pub(super) fn read_service_account(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
) -> ServiceAccount {
    ServiceAccount {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        automount_service_account_token: r.boolean(doc, "automountServiceAccountToken", head.path),
    }
}

/// A Role or ClusterRole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// Whether it is a ClusterRole.
    pub cluster: bool,
    pub rules: Vec<PolicyRule>,
    /// Whether the ClusterRole aggregates others (`aggregationRule`): its rules are filled in
    /// by the controller.
    pub aggregated: bool,
}

/// One RBAC rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    /// The list item.
    pub loc: Loc,
    pub api_groups: Vec<Located<String>>,
    pub resources: Vec<Located<String>>,
    pub verbs: Vec<Located<String>>,
    pub resource_names: Vec<Located<String>>,
    pub non_resource_urls: Vec<Located<String>>,
}

impl PolicyRule {
    /// The `*` entries among api groups, resources and verbs (with their locations).
    pub fn wildcards(&self) -> impl Iterator<Item = &Located<String>> {
        self.api_groups
            .iter()
            .chain(&self.resources)
            .chain(&self.verbs)
            .filter(|v| v.value == "*")
    }

    /// Whether a verb or resource is `*`.
    pub fn has_wildcard(&self) -> bool {
        self.wildcards().next().is_some()
    }
}

pub(super) fn read_role(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>, cluster: bool) -> Role {
    let root = head.path;
    let rules_path = root.key("rules");
    let mut rules = Vec::new();
    for (i, item) in r.seq(doc, "rules", root).iter().enumerate() {
        let ip = rules_path.index(i);
        let Some(rule) = r.item_map(item, &ip) else {
            continue;
        };
        rules.push(PolicyRule {
            loc: rule.loc.clone(),
            api_groups: r.strings(rule, "apiGroups", &ip),
            resources: r.strings(rule, "resources", &ip),
            verbs: r.strings(rule, "verbs", &ip),
            resource_names: r.strings(rule, "resourceNames", &ip),
            non_resource_urls: r.strings(rule, "nonResourceURLs", &ip),
        });
    }
    Role {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        cluster,
        rules,
        aggregated: present(doc, "aggregationRule").is_some(),
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleBinding {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// Whether it is a ClusterRoleBinding.
    pub cluster: bool,
    pub role_ref: Option<RoleRef>,
    pub subjects: Vec<Subject>,
}

/// A binding's `roleRef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRef {
    /// `Role` or `ClusterRole`.
    pub kind: String,
    pub name: String,
    pub loc: Loc,
}

/// A binding subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `ServiceAccount`, `User` or `Group`.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
}

impl RoleBinding {
    /// Whether the binding grants its role to the service account `name` in namespace `ns`:
    /// as a `ServiceAccount` subject (its namespace defaulting to the binding's), or through
    /// the `system:serviceaccounts[:ns]` and `system:authenticated` groups.
    pub fn binds_service_account(&self, name: &str, ns: Option<&str>) -> bool {
        self.subjects.iter().any(|s| match s.kind.as_str() {
            "ServiceAccount" => {
                s.name == name
                    && same_namespace(s.namespace.as_deref().or(self.namespace.as_deref()), ns)
            }
            "Group" => match s.name.strip_prefix("system:serviceaccounts:") {
                Some(group_ns) => same_namespace(Some(group_ns), ns),
                None => s.name == "system:serviceaccounts" || s.name == "system:authenticated",
            },
            _ => false,
        })
    }
}

pub(super) fn read_role_binding(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
    cluster: bool,
) -> RoleBinding {
    let root = head.path;
    let role_ref = r.map_entry(doc, "roleRef", root).map(|e| {
        let p = root.key("roleRef");
        RoleRef {
            kind: r.text(&e.value, "kind", &p).unwrap_or_default(),
            name: r.text(&e.value, "name", &p).unwrap_or_default(),
            loc: e.key_loc.clone(),
        }
    });
    let subjects_path = root.key("subjects");
    let mut subjects = Vec::new();
    for (i, item) in r.seq(doc, "subjects", root).iter().enumerate() {
        let ip = subjects_path.index(i);
        let Some(s) = r.item_map(item, &ip) else {
            continue;
        };
        subjects.push(Subject {
            kind: r.text(s, "kind", &ip).unwrap_or_default(),
            name: r.text(s, "name", &ip).unwrap_or_default(),
            namespace: r.text(s, "namespace", &ip),
            loc: s.loc.clone(),
        });
    }
    RoleBinding {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        cluster,
        role_ref,
        subjects,
    }
}

/// A Prometheus Operator monitor kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MonitorKind {
    ServiceMonitor,
    PodMonitor,
}

impl MonitorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MonitorKind::ServiceMonitor => "ServiceMonitor",
            MonitorKind::PodMonitor => "PodMonitor",
        }
    }
}

/// A ServiceMonitor or PodMonitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitor {
    pub kind: MonitorKind,
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.selector` (of Services or pods); missing or empty selects all.
    pub selector: Option<LabelSelector>,
    /// `spec.namespaceSelector`; absent means the monitor's own namespace.
    pub namespace_selector: Option<NamespaceSelector>,
    /// `endpoints` (ServiceMonitor) or `podMetricsEndpoints` (PodMonitor).
    pub endpoints: Vec<MonitorEndpoint>,
}

/// A monitor's `namespaceSelector`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceSelector {
    pub any: bool,
    pub match_names: Vec<String>,
}

/// A scrape endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorEndpoint {
    pub loc: Loc,
    pub port: Option<String>,
    pub target_port: Option<String>,
    pub path: Option<String>,
    pub interval: Option<String>,
}

impl Monitor {
    /// Whether the monitor's selector matches these labels (Service labels for a
    /// ServiceMonitor, pod labels for a PodMonitor).
    pub fn selects(&self, labels: &BTreeMap<String, String>) -> bool {
        self.selector.as_ref().is_none_or(|s| s.matches(labels))
    }

    /// Whether the monitor looks in namespace `ns`.
    pub fn watches_namespace(&self, ns: Option<&str>) -> bool {
        match &self.namespace_selector {
            Some(sel) if sel.any => true,
            Some(sel) if !sel.match_names.is_empty() => {
                ns.is_none_or(|ns| sel.match_names.iter().any(|m| m == ns))
            }
            _ => same_namespace(self.namespace.as_deref(), ns),
        }
    }
}

pub(super) fn read_monitor(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
    kind: MonitorKind,
) -> Monitor {
    let root = head.path;
    let mut m = Monitor {
        kind,
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        selector: None,
        namespace_selector: None,
        endpoints: Vec::new(),
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return m;
    };
    let p = root.key("spec");
    m.selector = read_selector(r, spec, "selector", &p);
    m.namespace_selector = r.map(spec, "namespaceSelector", &p).map(|ns| {
        let np = p.key("namespaceSelector");
        NamespaceSelector {
            any: r.boolean(ns, "any", &np).is_some_and(|b| b.value),
            match_names: r
                .strings(ns, "matchNames", &np)
                .into_iter()
                .map(|s| s.value)
                .collect(),
        }
    });
    let key = match kind {
        MonitorKind::ServiceMonitor => "endpoints",
        MonitorKind::PodMonitor => "podMetricsEndpoints",
    };
    let ep_path = p.key(key);
    for (i, item) in r.seq(spec, key, &p).iter().enumerate() {
        let ip = ep_path.index(i);
        let Some(ep) = r.item_map(item, &ip) else {
            continue;
        };
        m.endpoints.push(MonitorEndpoint {
            loc: ep.loc.clone(),
            port: r.text(ep, "port", &ip),
            target_port: r.text(ep, "targetPort", &ip),
            path: r.text(ep, "path", &ip),
            interval: r.text(ep, "interval", &ip),
        });
    }
    m
}

/// An Istio DestinationRule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationRule {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.host`.
    pub host: Option<Located<String>>,
    /// The first `outlierDetection:` key (traffic policy, port-level settings or a subset's
    /// traffic policy): Istio's circuit breaker.
    pub outlier_detection: Option<Loc>,
    /// The first `connectionPool:` key.
    pub connection_pool: Option<Loc>,
    /// `trafficPolicy.tls.mode` (`ISTIO_MUTUAL`, `MUTUAL`, `SIMPLE`, `DISABLE`).
    pub tls_mode: Option<Located<String>>,
}

pub(super) fn read_destination_rule(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
) -> DestinationRule {
    let root = head.path;
    let mut dr = DestinationRule {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        host: None,
        outlier_detection: None,
        connection_pool: None,
        tls_mode: None,
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return dr;
    };
    let p = root.key("spec");
    dr.host = r.string(spec, "host", &p);
    let mut policies: Vec<&Node> = Vec::new();
    if let Some(tp) = r.map(spec, "trafficPolicy", &p) {
        policies.push(tp);
        let tpp = p.key("trafficPolicy");
        if let Some(tls) = r.map(tp, "tls", &tpp) {
            dr.tls_mode = r.string(tls, "mode", &tpp.key("tls"));
        }
        policies.extend(r.seq(tp, "portLevelSettings", &tpp).iter());
    }
    let subsets_path = p.key("subsets");
    for (i, s) in r.seq(spec, "subsets", &p).iter().enumerate() {
        if let Some(tp) = r
            .item_map(s, &subsets_path.index(i))
            .and_then(|s| s.get("trafficPolicy"))
        {
            policies.push(tp);
        }
    }
    for policy in policies {
        if dr.outlier_detection.is_none() {
            dr.outlier_detection = present(policy, "outlierDetection").map(|e| e.key_loc.clone());
        }
        if dr.connection_pool.is_none() {
            dr.connection_pool = present(policy, "connectionPool").map(|e| e.key_loc.clone());
        }
    }
    dr
}

/// An Istio PeerAuthentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAuthentication {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.selector` (`matchLabels`); absent applies to the whole namespace (the whole
    /// mesh in [`MESH_ROOT_NAMESPACE`]).
    pub selector: Option<LabelSelector>,
    /// `spec.mtls.mode` (`STRICT`, `PERMISSIVE`, `DISABLE`, `UNSET`).
    pub mtls_mode: Option<Located<String>>,
    /// `spec.portLevelMtls`: port and mode.
    pub port_level_mtls: Vec<(String, Located<String>)>,
}

impl PeerAuthentication {
    /// Whether the mode is `STRICT`.
    pub fn is_strict(&self) -> bool {
        self.mtls_mode.as_ref().is_some_and(|m| m.value == "STRICT")
    }

    /// Whether it applies mesh-wide (root namespace, no selector).
    pub fn is_mesh_wide(&self) -> bool {
        self.selector.is_none() && self.namespace.as_deref() == Some(MESH_ROOT_NAMESPACE)
    }

    /// Whether it applies to pods with these labels in namespace `ns`.
    pub fn applies_to(&self, pod_labels: &BTreeMap<String, String>, ns: Option<&str>) -> bool {
        self.is_mesh_wide()
            || (same_namespace(self.namespace.as_deref(), ns)
                && self.selector.as_ref().is_none_or(|s| s.matches(pod_labels)))
    }
}

pub(super) fn read_peer_authentication(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
) -> PeerAuthentication {
    let root = head.path;
    let mut pa = PeerAuthentication {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        selector: None,
        mtls_mode: None,
        port_level_mtls: Vec::new(),
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return pa;
    };
    let p = root.key("spec");
    pa.selector = read_selector(r, spec, "selector", &p);
    if let Some(mtls) = r.map(spec, "mtls", &p) {
        pa.mtls_mode = r.string(mtls, "mode", &p.key("mtls"));
    }
    if let Some(ports) = r.map(spec, "portLevelMtls", &p) {
        let pp = p.key("portLevelMtls");
        for e in ports.as_map() {
            let ep = pp.key(&e.key);
            if let Some(mode) = r
                .item_map(&e.value, &ep)
                .and_then(|m| r.string(m, "mode", &ep))
            {
                pa.port_level_mtls.push((e.key.clone(), mode));
            }
        }
    }
    pa
}

/// An Istio VirtualService.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualService {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    pub hosts: Vec<Located<String>>,
    pub gateways: Vec<String>,
    /// `spec.http` routes.
    pub http: Vec<HttpRoute>,
}

/// A VirtualService HTTP route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRoute {
    /// The list item.
    pub loc: Loc,
    pub name: Option<String>,
    /// `timeout` (`5s`).
    pub timeout: Option<Located<String>>,
    pub retries: Option<Retries>,
    /// Route destination hosts.
    pub destinations: Vec<Located<String>>,
    /// `fault` injection: which faults (`delay`, `abort`), located at the `fault:` key.
    pub fault: Option<Located<Vec<String>>>,
}

/// A route's `retries`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retries {
    /// The `retries:` key.
    pub loc: Loc,
    pub attempts: Option<Located<i64>>,
    pub per_try_timeout: Option<Located<String>>,
    pub retry_on: Option<Located<String>>,
}

pub(super) fn read_virtual_service(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
) -> VirtualService {
    let root = head.path;
    let mut vs = VirtualService {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        hosts: Vec::new(),
        gateways: Vec::new(),
        http: Vec::new(),
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return vs;
    };
    let p = root.key("spec");
    vs.hosts = r.strings(spec, "hosts", &p);
    vs.gateways = r
        .strings(spec, "gateways", &p)
        .into_iter()
        .map(|g| g.value)
        .collect();
    let http_path = p.key("http");
    for (i, item) in r.seq(spec, "http", &p).iter().enumerate() {
        let ip = http_path.index(i);
        let Some(route) = r.item_map(item, &ip) else {
            continue;
        };
        let retries = r.map_entry(route, "retries", &ip).map(|e| {
            let rp = ip.key("retries");
            Retries {
                loc: e.key_loc.clone(),
                attempts: r.int(&e.value, "attempts", &rp),
                per_try_timeout: r.string(&e.value, "perTryTimeout", &rp),
                retry_on: r.string(&e.value, "retryOn", &rp),
            }
        });
        let mut destinations = Vec::new();
        let route_path = ip.key("route");
        for (j, dest) in r.seq(route, "route", &ip).iter().enumerate() {
            let dp = route_path.index(j);
            let Some(dest) = r.item_map(dest, &dp) else {
                continue;
            };
            if let Some(d) = r.map(dest, "destination", &dp)
                && let Some(h) = r.string(d, "host", &dp.key("destination"))
            {
                destinations.push(h);
            }
        }
        let fault = r.map_entry(route, "fault", &ip).map(|e| {
            let kinds = ["delay", "abort"]
                .into_iter()
                .filter(|k| super::read::present(&e.value, k).is_some())
                .map(str::to_string)
                .collect();
            Located::new(kinds, e.key_loc.clone())
        });
        vs.http.push(HttpRoute {
            loc: route.loc.clone(),
            name: r.text(route, "name", &ip),
            timeout: r.string(route, "timeout", &ip),
            retries,
            destinations,
            fault,
        });
    }
    vs
}

/// A KEDA ScaledObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledObject {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.scaleTargetRef` (kind defaults to `Deployment`).
    pub target: Option<TargetRef>,
    /// `spec.minReplicaCount` (KEDA default 0).
    pub min_replica_count: Option<Located<i64>>,
    /// `spec.maxReplicaCount` (KEDA default 100).
    pub max_replica_count: Option<Located<i64>>,
    /// Trigger types (`prometheus`, `kafka`, `cpu`).
    pub triggers: Vec<Located<String>>,
}

impl ScaledObject {
    /// The minimum replica count with KEDA's default (0).
    pub fn min(&self) -> i64 {
        self.min_replica_count.as_ref().map_or(0, |m| m.value)
    }

    /// The maximum replica count with KEDA's default (100).
    pub fn max(&self) -> i64 {
        self.max_replica_count.as_ref().map_or(100, |m| m.value)
    }
}

pub(super) fn read_scaled_object(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>) -> ScaledObject {
    let root = head.path;
    let mut so = ScaledObject {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        target: None,
        min_replica_count: None,
        max_replica_count: None,
        triggers: Vec::new(),
    };
    let Some(spec) = r.map(doc, "spec", root) else {
        return so;
    };
    let p = root.key("spec");
    so.target = r
        .map_entry(spec, "scaleTargetRef", &p)
        .map(|e| read_target_ref(r, e, &p, Some("Deployment")));
    so.min_replica_count = r.int(spec, "minReplicaCount", &p);
    so.max_replica_count = r.int(spec, "maxReplicaCount", &p);
    let tp = p.key("triggers");
    for (i, item) in r.seq(spec, "triggers", &p).iter().enumerate() {
        let ip = tp.index(i);
        if let Some(t) = r.item_map(item, &ip).and_then(|t| r.string(t, "type", &ip)) {
            so.triggers.push(t);
        }
    }
    so
}

/// A Flagger Canary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canary {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.targetRef`.
    pub target: Option<TargetRef>,
    /// `spec.analysis` (or the older `spec.canaryAnalysis`) key.
    pub analysis: Option<Loc>,
}

pub(super) fn read_canary(r: &mut Reader<'_>, doc: &Node, head: &Head<'_>) -> Canary {
    let root = head.path;
    let mut c = Canary {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        target: None,
        analysis: None,
    };
    if let Some(spec) = r.map(doc, "spec", root) {
        let p = root.key("spec");
        c.target = r
            .map_entry(spec, "targetRef", &p)
            .map(|e| read_target_ref(r, e, &p, None));
        c.analysis = present(spec, "analysis")
            .or_else(|| present(spec, "canaryAnalysis"))
            .map(|e| e.key_loc.clone());
    }
    c
}

/// A Velero backup Schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VeleroSchedule {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.schedule` (cron).
    pub schedule: Option<Located<String>>,
    /// `spec.template.ttl` (retention, `720h0m0s`).
    pub ttl: Option<Located<String>>,
    /// `spec.template.includedNamespaces` (empty: all).
    pub included_namespaces: Vec<String>,
    /// `spec.paused`.
    pub paused: Option<Located<bool>>,
}

pub(super) fn read_velero_schedule(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
) -> VeleroSchedule {
    let root = head.path;
    let mut s = VeleroSchedule {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        schedule: None,
        ttl: None,
        included_namespaces: Vec::new(),
        paused: None,
    };
    if let Some(spec) = r.map(doc, "spec", root) {
        let p = root.key("spec");
        s.schedule = r.string(spec, "schedule", &p);
        s.paused = r.boolean(spec, "paused", &p);
        if let Some(t) = r.map(spec, "template", &p) {
            let tp = p.key("template");
            s.ttl = r.string(t, "ttl", &tp);
            s.included_namespaces = r
                .strings(t, "includedNamespaces", &tp)
                .into_iter()
                .map(|n| n.value)
                .collect();
        }
    }
    s
}

/// A ConfigMap and its `data` entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMap {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    /// The `kind` key.
    pub kind_loc: Loc,
    pub object: usize,
    /// `data`, in written order; `None` when it is not written, empty when it is not a map.
    pub data: Option<Vec<ConfigEntry>>,
}

/// One key of a ConfigMap's `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub key: String,
    pub key_loc: Loc,
    /// The value's text, when it is a scalar.
    pub text: Option<String>,
}

/// Reads a ConfigMap. Its values are free-form, so nothing in it is a reading error.
pub(super) fn read_config_map(doc: &Node, head: &Head<'_>) -> ConfigMap {
    ConfigMap {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        kind_loc: head.kind_loc.clone(),
        object: head.object,
        data: doc.get("data").map(|d| {
            d.as_map()
                .iter()
                .map(|e| ConfigEntry {
                    key: e.key.clone(),
                    key_loc: e.key_loc.clone(),
                    text: e.value.scalar_text(),
                })
                .collect()
        }),
    }
}

/// A LimitRange: the defaults and bounds it sets for the containers of its namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitRange {
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    pub object: usize,
    /// `spec.limits`.
    pub limits: Vec<LimitRangeItem>,
}

/// One item of a LimitRange's `spec.limits`: resource name to quantity text, for the
/// quantities written as scalars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitRangeItem {
    /// `type` (`Container`, `Pod`, `PersistentVolumeClaim`).
    pub limit_type: Option<String>,
    /// `default`: the limit a container without one gets.
    pub default: BTreeMap<String, String>,
    /// `defaultRequest`: the request a container without one gets.
    pub default_request: BTreeMap<String, String>,
    pub max: BTreeMap<String, String>,
    pub min: BTreeMap<String, String>,
}

/// Reads a LimitRange the way the API server defaults from it; what it cannot use is skipped,
/// not reported.
pub(super) fn read_limit_range(doc: &Node, head: &Head<'_>) -> LimitRange {
    let quantities = |item: &Node, key: &str| -> BTreeMap<String, String> {
        item.get(key)
            .map(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.value.scalar_text().map(|q| (e.key.clone(), q)))
            .collect()
    };
    let limits = doc
        .at(&["spec", "limits"])
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|item| LimitRangeItem {
            limit_type: item.get("type").and_then(Node::as_str).map(str::to_string),
            default: quantities(item, "default"),
            default_request: quantities(item, "defaultRequest"),
            max: quantities(item, "max"),
            min: quantities(item, "min"),
        })
        .collect();
    LimitRange {
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        loc: head.loc.clone(),
        object: head.object,
        limits,
    }
}
