//! Cross-object links computed once after the scan: which Services, budgets, autoscalers,
//! policies, monitors, mesh rules, ingresses, canaries and RBAC bindings concern each workload.

use std::collections::BTreeMap;

use super::kinds::{MonitorKind, TargetRef};
use super::selector::{LabelSelector, same_namespace, same_namespace_exactly};
use super::{Kubernetes, Workload};

/// Indices, into the vectors of [`Kubernetes`], of the objects that concern one workload.
/// Each list is ascending (so in path/line order). Read them through the `*_for` methods of
/// [`Kubernetes`] (`kubernetes.pdbs_for(&workload)`).
///
/// Matching rules: namespaces match when equal or either is unset, except for
/// NetworkPolicies, which select pods of their own namespace only (equal, or both unset);
/// a kustomization's `namespace:` is applied first. Selectors match the pod
/// template labels (for a Rollout with `workloadRef` and no template, the referenced
/// workload's pod labels).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkloadLinks {
    /// Services whose selector matches the pod labels.
    pub services: Vec<usize>,
    /// PodDisruptionBudgets whose selector matches the pod labels.
    pub pdbs: Vec<usize>,
    /// HPAs whose `scaleTargetRef` names this workload (kind and name).
    pub hpas: Vec<usize>,
    /// KEDA ScaledObjects whose `scaleTargetRef` names this workload.
    pub scaled_objects: Vec<usize>,
    /// NetworkPolicies whose `podSelector` matches the pod labels.
    pub network_policies: Vec<usize>,
    /// PeerAuthentications that apply to the pods (selector, namespace, or mesh-wide).
    pub peer_authentications: Vec<usize>,
    /// ServiceMonitors selecting one of the linked Services, and PodMonitors selecting the
    /// pods.
    pub monitors: Vec<usize>,
    /// DestinationRules whose host names a linked Service (short name or FQDN).
    pub destination_rules: Vec<usize>,
    /// VirtualServices routing to a linked Service.
    pub virtual_services: Vec<usize>,
    /// Ingresses with a backend on a linked Service.
    pub ingresses: Vec<usize>,
    /// Flagger Canaries whose `targetRef` names this workload.
    pub canaries: Vec<usize>,
    /// The ServiceAccount the pods run as, when declared.
    pub service_account: Option<usize>,
    /// Role/ClusterRole bindings granting a role to that service account.
    pub role_bindings: Vec<usize>,
    /// The Roles/ClusterRoles those bindings grant.
    pub roles: Vec<usize>,
    /// The workload an Argo Rollout's `workloadRef` names.
    pub workload_ref: Option<usize>,
}

/// Whether an Istio host names Service `svc` in namespace `svc_ns`: `*`, a short name
/// (relative to the rule's namespace `host_ns`), `name.ns`, `name.ns.svc`,
/// `name.ns.svc.cluster.local`, or a wildcard `*.ns.svc.cluster.local`.
pub fn host_matches_service(
    host: &str,
    host_ns: Option<&str>,
    svc: &str,
    svc_ns: Option<&str>,
) -> bool {
    let Some((name, ns)) = host_parts(host, host_ns) else {
        return false;
    };
    (name == "*" || name == svc) && same_namespace(ns, svc_ns)
}

/// The service name and namespace an in-cluster host names; `None` for other hosts.
fn host_parts<'a>(host: &'a str, host_ns: Option<&'a str>) -> Option<(&'a str, Option<&'a str>)> {
    if host == "*" {
        return Some(("*", None));
    }
    let trimmed = host
        .strip_suffix(".svc.cluster.local")
        .or_else(|| host.strip_suffix(".svc"))
        .unwrap_or(host);
    match trimmed.split_once('.') {
        None => Some((trimmed, host_ns)),
        Some((name, ns)) if !ns.contains('.') => Some((name, Some(ns))),
        _ => None,
    }
}

/// What a selector-bearing item can match.
enum Selects<'a> {
    /// Nothing (a Service without selector, a PDB without selector).
    Never,
    /// Possibly every label set (no selector, or one without `matchLabels`).
    Any,
    Labels(&'a LabelSelector),
}

/// Selector-bearing items bucketed by one of their `matchLabels` pairs, so a label set is
/// only checked against the selectors that could match it.
struct SelectorIndex<'a> {
    by_label: BTreeMap<(&'a str, &'a str), Vec<usize>>,
    /// Items that must be checked against every label set.
    rest: Vec<usize>,
}

impl<'a> SelectorIndex<'a> {
    fn new<T>(items: &'a [T], selects: impl Fn(&'a T) -> Selects<'a>) -> SelectorIndex<'a> {
        let mut index = SelectorIndex {
            by_label: BTreeMap::new(),
            rest: Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            match selects(item) {
                Selects::Never => {}
                Selects::Labels(sel) => match sel.match_labels.iter().next() {
                    Some((k, v)) => index.by_label.entry((k, v)).or_default().push(i),
                    None => index.rest.push(i),
                },
                Selects::Any => index.rest.push(i),
            }
        }
        index
    }

    /// The items that could select `labels` and satisfy `keep`, ascending.
    fn matching<T>(
        &self,
        items: &[T],
        labels: &BTreeMap<String, String>,
        keep: impl Fn(&T) -> bool,
    ) -> Vec<usize> {
        let mut out = self.rest.clone();
        for (k, v) in labels {
            if let Some(ix) = self.by_label.get(&(k.as_str(), v.as_str())) {
                out.extend(ix);
            }
        }
        out.retain(|&i| items.get(i).is_some_and(&keep));
        sorted(out)
    }
}

/// Name-keyed buckets.
fn by_name<'a, T>(
    items: &'a [T],
    keys: impl Fn(&'a T) -> Vec<&'a str>,
) -> BTreeMap<&'a str, Vec<usize>> {
    let mut map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        for key in keys(item) {
            map.entry(key).or_default().push(i);
        }
    }
    for v in map.values_mut() {
        v.dedup();
    }
    map
}

fn target_key(t: Option<&TargetRef>) -> Option<(&str, &str)> {
    t.map(|t| (t.kind.as_str(), t.name.as_str()))
}

fn by_target<'a, T>(
    items: &'a [T],
    target: impl Fn(&'a T) -> Option<&'a TargetRef>,
) -> BTreeMap<(&'a str, &'a str), Vec<usize>> {
    let mut map: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(key) = target_key(target(item)) {
            map.entry(key).or_default().push(i);
        }
    }
    map
}

/// The items of `map[(kind, name)]` of the workload, in its namespace.
fn targeting<T>(
    map: &BTreeMap<(&str, &str), Vec<usize>>,
    items: &[T],
    ns_of: impl Fn(&T) -> Option<&str>,
    w: &Workload,
) -> Vec<usize> {
    map.get(&(w.kind.as_str(), w.name.as_str()))
        .into_iter()
        .flatten()
        .copied()
        .filter(|&i| {
            items
                .get(i)
                .is_some_and(|t| same_namespace(ns_of(t), w.namespace.as_deref()))
        })
        .collect()
}

pub(super) fn link(k: &mut Kubernetes) {
    let links: Vec<WorkloadLinks> = {
        let k: &Kubernetes = k;
        let ix = Indexes::new(k);
        (0..k.workloads.len())
            .map(|wi| ix.links_of(k, wi))
            .collect()
    };
    for (w, l) in k.workloads.iter_mut().zip(links) {
        w.links = l;
    }
}

/// Lookup structures built once per assembly.
struct Indexes<'a> {
    hpas: BTreeMap<(&'a str, &'a str), Vec<usize>>,
    scaled_objects: BTreeMap<(&'a str, &'a str), Vec<usize>>,
    canaries: BTreeMap<(&'a str, &'a str), Vec<usize>>,
    workloads: BTreeMap<(&'a str, &'a str), Vec<usize>>,
    destination_rules: BTreeMap<&'a str, Vec<usize>>,
    virtual_services: BTreeMap<&'a str, Vec<usize>>,
    ingresses: BTreeMap<&'a str, Vec<usize>>,
    service_accounts: BTreeMap<&'a str, Vec<usize>>,
    /// Bindings by ServiceAccount subject name; group subjects under `""`.
    role_bindings: BTreeMap<&'a str, Vec<usize>>,
    roles: BTreeMap<&'a str, Vec<usize>>,
    services: SelectorIndex<'a>,
    pdbs: SelectorIndex<'a>,
    network_policies: SelectorIndex<'a>,
    peer_authentications: SelectorIndex<'a>,
    pod_monitors: SelectorIndex<'a>,
    /// For each Service, the ServiceMonitors selecting it.
    service_monitors: Vec<Vec<usize>>,
}

impl<'a> Indexes<'a> {
    fn new(k: &'a Kubernetes) -> Indexes<'a> {
        let service_monitor_index = SelectorIndex::new(&k.monitors, |m| {
            if m.kind == MonitorKind::ServiceMonitor {
                m.selector.as_ref().map_or(Selects::Any, Selects::Labels)
            } else {
                Selects::Never
            }
        });
        // ServiceMonitors select Services by the Services' own labels.
        let service_monitors = k
            .services
            .iter()
            .map(|s| {
                service_monitor_index.matching(&k.monitors, &s.labels, |m| {
                    m.kind == MonitorKind::ServiceMonitor
                        && m.watches_namespace(s.namespace.as_deref())
                        && m.selects(&s.labels)
                })
            })
            .collect();
        Indexes {
            hpas: by_target(&k.hpas, |h| h.target.as_ref()),
            scaled_objects: by_target(&k.scaled_objects, |s| s.target.as_ref()),
            canaries: by_target(&k.canaries, |c| c.target.as_ref()),
            workloads: {
                let mut map: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
                for (i, w) in k.workloads.iter().enumerate() {
                    map.entry((w.kind.as_str(), &w.name)).or_default().push(i);
                }
                map
            },
            destination_rules: by_name(&k.destination_rules, |d| {
                d.host
                    .iter()
                    .filter_map(|h| host_parts(&h.value, d.namespace.as_deref()))
                    .map(|(name, _)| name)
                    .collect()
            }),
            virtual_services: by_name(&k.virtual_services, |v| {
                v.http
                    .iter()
                    .flat_map(|r| &r.destinations)
                    .filter_map(|d| host_parts(&d.value, v.namespace.as_deref()))
                    .map(|(name, _)| name)
                    .collect()
            }),
            ingresses: by_name(&k.ingresses, |i| {
                i.backends.iter().map(|b| b.service.as_str()).collect()
            }),
            service_accounts: by_name(&k.service_accounts, |s| vec![s.name.as_str()]),
            role_bindings: by_name(&k.role_bindings, |b| {
                b.subjects
                    .iter()
                    .filter_map(|s| match s.kind.as_str() {
                        "ServiceAccount" => Some(s.name.as_str()),
                        "Group" => Some(""),
                        _ => None,
                    })
                    .collect()
            }),
            roles: by_name(&k.roles, |r| vec![r.name.as_str()]),
            services: SelectorIndex::new(&k.services, |s| match &s.selector {
                Some(sel) if !sel.is_empty() => Selects::Labels(sel),
                _ => Selects::Never,
            }),
            pdbs: SelectorIndex::new(&k.pdbs, |p| {
                p.selector.as_ref().map_or(Selects::Never, Selects::Labels)
            }),
            network_policies: SelectorIndex::new(&k.network_policies, |n| {
                n.pod_selector
                    .as_ref()
                    .map_or(Selects::Any, Selects::Labels)
            }),
            peer_authentications: SelectorIndex::new(&k.peer_authentications, |p| {
                match (&p.selector, p.is_mesh_wide()) {
                    (Some(sel), false) => Selects::Labels(sel),
                    _ => Selects::Any,
                }
            }),
            pod_monitors: SelectorIndex::new(&k.monitors, |m| {
                if m.kind == MonitorKind::PodMonitor {
                    m.selector.as_ref().map_or(Selects::Any, Selects::Labels)
                } else {
                    Selects::Never
                }
            }),
            service_monitors,
        }
    }

    fn links_of(&self, k: &Kubernetes, wi: usize) -> WorkloadLinks {
        let Some(w) = k.workloads.get(wi) else {
            return WorkloadLinks::default();
        };
        let ns = w.namespace.as_deref();
        let workload_ref = w.workload_ref.as_ref().and_then(|t| {
            self.workloads
                .get(&(t.kind.as_str(), t.name.as_str()))
                .into_iter()
                .flatten()
                .copied()
                .find(|&i| {
                    k.workloads
                        .get(i)
                        .is_some_and(|o| same_namespace(o.namespace.as_deref(), ns))
                })
        });
        let target = workload_ref.and_then(|i| k.workloads.get(i));
        let labels = match target {
            Some(t) if w.pod.labels.is_empty() => &t.pod.labels,
            _ => &w.pod.labels,
        };
        let same_ns = |other: Option<&String>| same_namespace(other.map(String::as_str), ns);

        let mut l = WorkloadLinks {
            workload_ref,
            ..WorkloadLinks::default()
        };
        l.services = self.services.matching(&k.services, labels, |s| {
            same_ns(s.namespace.as_ref()) && s.selects(labels)
        });
        l.pdbs = self.pdbs.matching(&k.pdbs, labels, |p| {
            same_ns(p.namespace.as_ref()) && p.selects(labels)
        });
        l.network_policies = self
            .network_policies
            .matching(&k.network_policies, labels, |p| {
                same_namespace_exactly(p.namespace.as_deref(), ns) && p.selects(labels)
            });
        l.peer_authentications =
            self.peer_authentications
                .matching(&k.peer_authentications, labels, |p| {
                    p.applies_to(labels, ns)
                });
        l.hpas = targeting(&self.hpas, &k.hpas, |h| h.namespace.as_deref(), w);
        l.scaled_objects = targeting(
            &self.scaled_objects,
            &k.scaled_objects,
            |s| s.namespace.as_deref(),
            w,
        );
        l.canaries = targeting(&self.canaries, &k.canaries, |c| c.namespace.as_deref(), w);

        let mut monitors = self.pod_monitors.matching(&k.monitors, labels, |m| {
            m.kind == MonitorKind::PodMonitor && m.watches_namespace(ns) && m.selects(labels)
        });
        let mut drs = Vec::new();
        let mut vss = Vec::new();
        let mut ingresses = Vec::new();
        for &si in &l.services {
            let Some(svc) = k.services.get(si) else {
                continue;
            };
            let svc_ns = svc.namespace.as_deref();
            monitors.extend(self.service_monitors.get(si).into_iter().flatten().copied());
            for name in [svc.name.as_str(), "*"] {
                for &di in self.destination_rules.get(name).into_iter().flatten() {
                    if k.destination_rules.get(di).is_some_and(|dr| {
                        dr.host.as_ref().is_some_and(|h| {
                            host_matches_service(
                                &h.value,
                                dr.namespace.as_deref(),
                                &svc.name,
                                svc_ns,
                            )
                        })
                    }) {
                        drs.push(di);
                    }
                }
                for &vi in self.virtual_services.get(name).into_iter().flatten() {
                    if k.virtual_services.get(vi).is_some_and(|vs| {
                        vs.http.iter().flat_map(|r| &r.destinations).any(|d| {
                            host_matches_service(
                                &d.value,
                                vs.namespace.as_deref(),
                                &svc.name,
                                svc_ns,
                            )
                        })
                    }) {
                        vss.push(vi);
                    }
                }
            }
            for &ii in self.ingresses.get(svc.name.as_str()).into_iter().flatten() {
                if k.ingresses
                    .get(ii)
                    .is_some_and(|ing| same_namespace(ing.namespace.as_deref(), svc_ns))
                {
                    ingresses.push(ii);
                }
            }
        }
        l.monitors = sorted(monitors);
        l.destination_rules = sorted(drs);
        l.virtual_services = sorted(vss);
        l.ingresses = sorted(ingresses);

        let sa_name = match target {
            Some(t) if w.pod.service_account_name.is_none() => t.pod.service_account(),
            _ => w.pod.service_account(),
        };
        l.service_account = self
            .service_accounts
            .get(sa_name)
            .into_iter()
            .flatten()
            .copied()
            .find(|&i| {
                k.service_accounts
                    .get(i)
                    .is_some_and(|s| same_ns(s.namespace.as_ref()))
            });
        let bindings = [sa_name, ""]
            .iter()
            .filter_map(|n| self.role_bindings.get(n))
            .flatten()
            .copied()
            .filter(|&i| {
                k.role_bindings
                    .get(i)
                    .is_some_and(|b| b.binds_service_account(sa_name, ns))
            })
            .collect();
        l.role_bindings = sorted(bindings);
        let mut roles = Vec::new();
        for &bi in &l.role_bindings {
            let Some(b) = k.role_bindings.get(bi) else {
                continue;
            };
            let Some(rr) = &b.role_ref else {
                continue;
            };
            let cluster = rr.kind == "ClusterRole";
            roles.extend(
                self.roles
                    .get(rr.name.as_str())
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&i| {
                        k.roles.get(i).is_some_and(|r| {
                            r.cluster == cluster
                                && (cluster
                                    || same_namespace(
                                        r.namespace.as_deref(),
                                        b.namespace.as_deref(),
                                    ))
                        })
                    }),
            );
        }
        l.roles = sorted(roles);
        l
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Resolves link indices into items.
pub(super) fn pick<'a, T>(items: &'a [T], idx: &'a [usize]) -> impl Iterator<Item = &'a T> + 'a {
    idx.iter().filter_map(|&i| items.get(i))
}

#[cfg(test)]
mod tests {
    use super::host_matches_service;

    #[test]
    fn istio_hosts_match_services_by_short_name_and_fqdn() {
        assert!(host_matches_service(
            "api",
            Some("prod"),
            "api",
            Some("prod")
        ));
        assert!(!host_matches_service(
            "api",
            Some("prod"),
            "api",
            Some("dev")
        ));
        assert!(host_matches_service("api", None, "api", Some("dev")));
        assert!(host_matches_service(
            "api.prod.svc.cluster.local",
            Some("mesh"),
            "api",
            Some("prod")
        ));
        assert!(host_matches_service(
            "api.prod.svc",
            None,
            "api",
            Some("prod")
        ));
        assert!(host_matches_service("api.prod", None, "api", None));
        assert!(!host_matches_service(
            "api.prod.svc.cluster.local",
            None,
            "api",
            Some("dev")
        ));
        assert!(host_matches_service(
            "*.prod.svc.cluster.local",
            None,
            "web",
            Some("prod")
        ));
        assert!(host_matches_service("*", Some("x"), "web", Some("prod")));
        assert!(!host_matches_service("api.example.com", None, "api", None));
        assert!(!host_matches_service("web", None, "api", None));
    }
}
