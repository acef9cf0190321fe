//! Monorepos: the workloads that are one service's (the manifest's `select:`), chosen after
//! the scan. Other workloads, and the objects that only concern them (Services, disruption
//! budgets, autoscalers, network policies, monitors, routes, service accounts and roles),
//! leave the evidence, and so do the Docker Compose services not chosen; what was taken and
//! what was left out is recorded in [`Evidence::scope`]. Source folders and Terraform roots
//! are applied during the scan (`ScanOptions::with_selection`).

use std::collections::{BTreeMap, BTreeSet};

use launchgate_manifest::Selection;

use crate::k8s::{Kubernetes, Workload, WorkloadLinks};
use crate::{Evidence, Excluded, ScopeChoice};

impl Evidence {
    /// The evidence of the service `selection` names: workloads matched by kind/name, labels
    /// or image, and what relates to them. Without workload, label or image entries the
    /// Kubernetes evidence is kept whole.
    #[must_use]
    pub fn select(mut self, selection: &Selection) -> Evidence {
        for (key, list) in [
            ("select.source", &selection.source),
            ("select.terraform", &selection.terraform),
        ] {
            for f in list {
                self.scope.choices.push(ScopeChoice {
                    subject: "service".to_string(),
                    chosen: f.clone(),
                    why: format!("manifest {key}"),
                });
            }
        }
        if selection.workloads.is_empty()
            && selection.labels.is_empty()
            && selection.images.is_empty()
        {
            return self;
        }
        let k = &self.kubernetes;
        let mut chosen: Vec<Option<String>> = k
            .workloads
            .iter()
            .map(|w| why_selected(w, k, selection))
            .collect();
        // A Rollout's `workloadRef` target comes with it.
        for i in 0..k.workloads.len() {
            if chosen[i].is_some()
                && let Some(t) = k.workloads[i].links.workload_ref
                && chosen.get(t).is_some_and(Option::is_none)
            {
                chosen[t] = Some(format!("the pod template of {}", k.workloads[i].resource()));
            }
        }
        let mut keep = vec![true; k.objects.len()];
        let mut kept_related = BTreeSet::new();
        let mut dropped_related = BTreeSet::new();
        for (w, why) in k.workloads.iter().zip(&chosen) {
            let related = related_objects(k, &w.links);
            if let Some(why) = why {
                kept_related.extend(related);
                let choice = ScopeChoice {
                    subject: "service".to_string(),
                    chosen: w.resource(),
                    why: why.clone(),
                };
                // Copies of one workload (a base and its overlays) are one choice.
                if !self.scope.choices.contains(&choice) {
                    self.scope.choices.push(choice);
                }
            } else {
                if let Some(slot) = keep.get_mut(w.object) {
                    *slot = false;
                }
                dropped_related.extend(related);
            }
        }
        for o in dropped_related.difference(&kept_related) {
            if let Some(slot) = keep.get_mut(*o) {
                *slot = false;
            }
        }
        // Docker Compose services are chosen by the same entries (`ComposeService/api`, a
        // service name, an image); the ones left out leave the evidence.
        let compose_chosen: Vec<Option<String>> = self
            .compose
            .services
            .iter()
            .map(|s| why_selected(&s.workload, k, selection))
            .collect();
        let mut compose_left: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (svc, why) in self.compose.services.iter().zip(&compose_chosen) {
            match why {
                Some(why) => self.scope.choices.push(ScopeChoice {
                    subject: "service".to_string(),
                    chosen: svc.workload.resource(),
                    why: why.clone(),
                }),
                None => compose_left
                    .entry(svc.workload.loc.path.to_string())
                    .or_default()
                    .push(svc.workload.resource()),
            }
        }
        self.scope
            .excluded
            .extend(compose_left.into_iter().map(|(path, gone)| Excluded {
                path,
                rule: format!("select: not this service's ({})", gone.join(", ")),
                files: 0,
            }));
        let mut kept = compose_chosen.iter().map(Option::is_some);
        self.compose
            .services
            .retain(|_| kept.next().unwrap_or(true));
        if chosen.iter().chain(&compose_chosen).all(Option::is_none) {
            self.scope.choices.push(ScopeChoice {
                subject: "service".to_string(),
                chosen: "no workload".to_string(),
                why: "no workload matches select.workloads, select.labels or select.images"
                    .to_string(),
            });
        }
        self.scope.excluded.extend(left_out(k, &keep));
        self.scope.excluded.sort();
        let gone: BTreeSet<String> = self
            .scope
            .excluded
            .iter()
            .filter(|e| e.files > 0)
            .map(|e| e.path.clone())
            .collect();
        self.files.retain(|f| !gone.contains(&*f.path));
        self.kubernetes.retain_objects(&keep);
        self
    }
}

/// Why a workload is the service's, or `None`.
fn why_selected(w: &Workload, k: &Kubernetes, sel: &Selection) -> Option<String> {
    for entry in &sel.workloads {
        let hit = match entry.split_once('/') {
            Some((kind, name)) => kind.eq_ignore_ascii_case(w.kind.as_str()) && name == w.name,
            None => entry == &w.name,
        };
        if hit {
            return Some(format!("manifest select.workloads: {entry}"));
        }
    }
    for set in &sel.labels {
        let carries = |labels: &BTreeMap<String, String>| {
            set.iter().all(|(key, v)| labels.get(key) == Some(v))
        };
        if carries(&w.pod.labels) || carries(&w.labels) {
            let shown: Vec<String> = set.iter().map(|(key, v)| format!("{key}={v}")).collect();
            return Some(format!("manifest select.labels: {}", shown.join(",")));
        }
    }
    let pod = k.effective_pod(w);
    for img in &sel.images {
        let want = repository(img);
        let runs = pod
            .containers
            .iter()
            .chain(&pod.init_containers)
            .filter_map(|c| c.image.as_ref())
            .any(|i| {
                let have = repository(&i.value);
                have == want
                    || have
                        .strip_suffix(want)
                        .is_some_and(|head| head.ends_with('/'))
            });
        if runs {
            return Some(format!("manifest select.images: {img}"));
        }
    }
    None
}

/// An image reference without its digest and tag: `ghcr.io/acme/ad:1.2@sha256:..` →
/// `ghcr.io/acme/ad`.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rfind('/').map_or(0, |i| i + 1);
    match image[last..].find(':') {
        Some(c) => &image[..last + c],
        None => image,
    }
}

/// The objects that concern a workload through its links.
fn related_objects(k: &Kubernetes, l: &WorkloadLinks) -> Vec<usize> {
    let mut out = Vec::new();
    macro_rules! objects {
        ($($field:ident),*) => {$(
            out.extend(l.$field.iter().filter_map(|&i| k.$field.get(i)).map(|t| t.object));
        )*};
    }
    objects!(
        services,
        pdbs,
        hpas,
        scaled_objects,
        network_policies,
        peer_authentications,
        monitors,
        destination_rules,
        virtual_services,
        ingresses,
        canaries,
        role_bindings,
        roles
    );
    if let Some(sa) = l.service_account.and_then(|i| k.service_accounts.get(i)) {
        out.push(sa.object);
    }
    out
}

/// The files whose objects were left out: a whole file counts as one file left out; a file
/// that keeps some objects lists the ones it lost.
fn left_out(k: &Kubernetes, keep: &[bool]) -> Vec<Excluded> {
    let mut by_file: BTreeMap<&str, (Vec<String>, usize)> = BTreeMap::new();
    for (o, kept) in k.objects.iter().zip(keep) {
        let entry = by_file.entry(&o.loc.path).or_default();
        if *kept {
            entry.1 += 1;
        } else {
            let name = o.name.as_ref().map_or("", |n| n.value.as_str());
            entry.0.push(format!("{}/{name}", o.kind));
        }
    }
    by_file
        .into_iter()
        .filter(|(_, (gone, _))| !gone.is_empty())
        .map(|(path, (gone, kept))| Excluded {
            path: path.to_string(),
            rule: if kept == 0 {
                "select: not this service's".to_string()
            } else {
                format!("select: not this service's ({})", gone.join(", "))
            },
            files: usize::from(kept == 0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::repository;

    #[test]
    fn image_repositories_lose_tags_and_digests_but_keep_registry_ports() {
        assert_eq!(repository("adservice"), "adservice");
        assert_eq!(repository("adservice:v1"), "adservice");
        assert_eq!(
            repository("gcr.io/google-samples/adservice:v0.10.1@sha256:ab"),
            "gcr.io/google-samples/adservice"
        );
        assert_eq!(
            repository("localhost:5000/team/ad:1"),
            "localhost:5000/team/ad"
        );
    }
}
