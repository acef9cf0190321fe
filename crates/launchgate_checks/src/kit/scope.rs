//! Which checks apply, by the manifest's `scope` and the kinds of evidence present: a
//! database or infrastructure module that runs no workload is not judged by the checks of
//! containers and pods. Applied to every declared check before it runs (`declare_check!`).

use launchgate_manifest::Scope;

use crate::{CheckContext, CheckMeta};

/// The checks that judge containers and pods (their limits, probes, replicas, users, images,
/// environment, shutdown): without a workload they have nothing to judge.
pub const CONTAINER_CHECKS: &[&str] = &[
    "CAP-001", "CAP-003", "CAP-004", "CAP-006", "SAF-006", "SEC-002", "SEC-004", "SEC-005",
    "SEC-006", "SEC-007",
];

/// Why the check does not apply to this review, or `None` when it does.
///
/// The rule: with `scope: database` or `scope: infrastructure`, when the repository was
/// scanned and deploys no workload (no Kubernetes or Compose file, Dockerfile, ECS task definition or
/// ECS service), the [`CONTAINER_CHECKS`] are not applicable. A `service` or `feature` with no
/// workload is still judged (the review was likely pointed at the wrong repository), and a
/// database module that does run containers is judged like any other.
pub fn not_applicable(meta: &CheckMeta, cx: &CheckContext<'_>) -> Option<String> {
    let scope = match cx.manifest.scope {
        Scope::Database => "database",
        Scope::Infrastructure => "infrastructure",
        Scope::Service | Scope::Feature => return None,
    };
    if !CONTAINER_CHECKS.contains(&meta.id) || !deploys_no_workload(cx) {
        return None;
    }
    Some(format!(
        "`scope: {scope}` and the repository deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): there are no containers for this check to judge"
    ))
}

fn deploys_no_workload(cx: &CheckContext<'_>) -> bool {
    let e = cx.evidence;
    e.scanned
        && !e.has_letter('K')
        && !e.has_letter('F')
        && e.terraform.ecs_task_definitions().is_empty()
        && crate::kit::aws::ecs_replica_services(&e.terraform)
            .next()
            .is_none()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use launchgate_core::Outcome;

    use crate::fixture;

    #[test]
    fn a_terraform_only_database_module_skips_the_container_checks_and_says_why() {
        for id in ["CAP-001", "CAP-006", "SEC-004"] {
            let out = fixture::run(id, "na_database_scope_terraform_only");
            assert_eq!(
                out,
                Outcome::NotApplicable {
                    reason: "`scope: database` and the repository deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): there are no containers for this check to judge".to_string()
                },
                "{id}"
            );
        }
    }

    #[test]
    fn only_container_checks_are_listed_and_each_exists() {
        let ids: Vec<&str> = crate::builtin().iter().map(|c| c.meta().id).collect();
        for id in super::CONTAINER_CHECKS {
            assert!(ids.contains(id), "{id}");
        }
    }
}
