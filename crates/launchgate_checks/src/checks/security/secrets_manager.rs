//! SEC-003 secrets-manager: Secrets come from a secret manager and are rotated at least as often as
//! the policy requires.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::terraform::{Resource, Terraform};

use crate::kit::claims::{Claim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::at;
use crate::kit::terraform::{TfField, field_int, field_str, tf_origin, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Secrets come from a secret manager and are rotated at least as often as the policy
    /// requires. The policy default is at most 90 days (`secret_rotation_max_days`);
    /// `claims.secrets.manager` and `claims.secrets.rotation_days` are compared with the
    /// repository.
    ///
    /// - A manager is shown by Kubernetes `ExternalSecret`, `ClusterExternalSecret`,
    ///   `SecretProviderClass` or Vault Secrets Operator objects, pods annotated for the Vault
    ///   agent injector (`vault.hashicorp.com/agent-inject: "true"`), secrets declared in
    ///   Terraform (`aws_secretsmanager_secret`, Google Secret Manager, Azure Key Vault, Vault),
    ///   or ECS containers reading `secrets` from Secrets Manager or SSM.
    /// - Rotation is shown by `aws_secretsmanager_secret_rotation`: `rotation_rules {
    ///   automatically_after_days }` must be at most the policy maximum, and at most the claimed
    ///   `rotation_days` (a longer one fails naming both places); a `schedule_expression` of
    ///   `rate(N days)` is read exactly, a `cron(...)` by its longest gap when it can be told.
    ///   An `aws_secretsmanager_secret` with no rotation fails unless `rotation_days` declares
    ///   rotation (done outside Terraform), which makes the result attested.
    ///
    /// Each part the repository does not show is decided by its claim, as an attested pass or
    /// a failure when it is missing.
    ///
    /// ## Why it matters
    /// Secrets kept in config files, CI variables or someone's laptop cannot be audited, revoked
    /// in one place or rotated without a deploy. A secret that never rotates stays valid for as
    /// long as any copy of it exists: in an old image, a leaked log, a former employee's shell
    /// history.
    ///
    /// ## How to fix
    /// Store the service's secrets in a manager (AWS Secrets Manager, Vault, GCP Secret Manager,
    /// Azure Key Vault), have the workload read them at start-up or through External Secrets, and
    /// schedule rotation (`aws_secretsmanager_secret_rotation` with `rotation_rules {
    /// automatically_after_days = 30 }`). Declare both:
    /// `claims: {secrets: {manager: aws-secrets-manager, rotation_days: 30}}`.
    ///
    /// ## Example
    /// ```hcl fails path=infra/secrets.tf
    /// resource "aws_secretsmanager_secret" "api_key" {
    ///   name = "checkout/api-key"
    /// }
    ///
    /// resource "aws_secretsmanager_secret_rotation" "api_key" {
    ///   secret_id           = aws_secretsmanager_secret.api_key.id
    ///   rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
    ///   rotation_rules {
    ///     automatically_after_days = 365   # the policy allows at most 90
    ///   }
    /// }
    /// ```
    /// ```hcl passes path=infra/secrets.tf
    /// resource "aws_secretsmanager_secret" "api_key" {
    ///   name = "checkout/api-key"
    /// }
    ///
    /// resource "aws_secretsmanager_secret_rotation" "api_key" {
    ///   secret_id           = aws_secretsmanager_secret.api_key.id
    ///   rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
    ///   rotation_rules {
    ///     automatically_after_days = 30
    ///   }
    /// }
    /// ```
    /// ```yaml fails
    /// claims:
    ///   secrets:
    ///     manager: vault
    ///     rotation_days: 365   # the policy allows at most 90
    /// ```
    /// ```yaml passes
    /// claims:
    ///   secrets:
    ///     manager: vault
    ///     rotation_days: 30
    /// ```
    ///
    /// ## References
    /// Seed 002, "Secrets in a secret manager, rotated"; seed 003, "Security: secrets management";
    /// OWASP Secrets Management Cheat Sheet; AWS Secrets Manager documentation on rotation
    /// schedules; External Secrets Operator and Secrets Store CSI Driver documentation.
    pub struct SecretsManager {
        id: "SEC-003", slug: "secrets-manager", category: Security, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K T D", effort: 8,
    }
}

const MANAGER: &str = "/claims/secrets/manager";
const ROTATION: &str = "/claims/secrets/rotation_days";

/// Kubernetes kinds (with their API group) that fetch secrets from a manager.
const MANAGER_KINDS: &[(&str, &str)] = &[
    ("ExternalSecret", "external-secrets.io"),
    ("ClusterExternalSecret", "external-secrets.io"),
    ("SecretProviderClass", "secrets-store.csi.x-k8s.io"),
    ("VaultStaticSecret", "secrets.hashicorp.com"),
    ("VaultDynamicSecret", "secrets.hashicorp.com"),
    ("VaultPKISecret", "secrets.hashicorp.com"),
];

/// Terraform resources that store a secret in a manager.
const MANAGER_RESOURCES: &[&str] = &[
    "aws_secretsmanager_secret",
    "google_secret_manager_secret",
    "azurerm_key_vault_secret",
    "vault_kv_secret_v2",
    "vault_kv_secret",
    "vault_generic_secret",
];

impl Evaluate for SecretsManager {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let secrets = cx.manifest.claims.secrets.as_ref();
        let max = cx.options.secret_rotation_max_days;
        let manager_claim = match secrets
            .and_then(|s| s.manager.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(manager) => Claim::Holds(vec![
                Finding::new(format!("secrets are sourced from `{manager}`")).at(at(cx, MANAGER)),
            ]),
            None => Claim::Missing(vec![
                Finding::new("no secret manager is declared (`claims.secrets.manager`)")
                    .at(at(cx, MANAGER)),
            ]),
        };
        let claimed_days = secrets.and_then(|s| s.rotation_days);
        let rotation_claim = match claimed_days {
            None => Claim::Missing(vec![
                Finding::new(format!(
                    "no secret rotation is declared (`claims.secrets.rotation_days`); the policy asks for rotation at least every {max} days"
                ))
                .at(at(cx, ROTATION)),
            ]),
            Some(days) if days > max => Claim::Denied(vec![
                Finding::new(format!(
                    "secrets are rotated every {days} days, longer than the policy maximum of {max} days"
                ))
                .at(at(cx, ROTATION)),
            ]),
            Some(days) => Claim::Holds(vec![
                Finding::new(format!(
                    "secrets are rotated every {days} days (policy: at most {max} days)"
                ))
                .at(at(cx, ROTATION)),
            ]),
        };
        let promise = claimed_days.filter(|d| *d <= max);
        let manager = managers(cx);
        let rotation = rotations(cx, max, promise);
        settle(
            cx,
            "K T",
            vec![(manager, manager_claim), (rotation, rotation_claim)],
        )
    }
}

fn managers(cx: &CheckContext<'_>) -> Tally {
    let mut shown = Tally::default();
    let k = &cx.evidence.kubernetes;
    for o in &k.objects {
        let fetches = MANAGER_KINDS
            .iter()
            .any(|(kind, group)| o.kind == *kind && o.group().is_none_or(|g| g == *group));
        if fetches {
            shown.evidence.push(
                Finding::new(format!(
                    "{} fetches secrets from a secret manager",
                    o.resource()
                ))
                .at(Some(o.kind_loc.location()))
                .resource(o.resource()),
            );
        }
    }
    for w in &k.workloads {
        if let Some(a) = w.pod.annotation("vault.hashicorp.com/agent-inject")
            && a.value.trim().eq_ignore_ascii_case("true")
        {
            shown.evidence.push(
                Finding::new(format!(
                    "{} gets its secrets from Vault through the agent injector",
                    w.resource()
                ))
                .at(Some(a.loc.location()))
                .resource(w.resource()),
            );
        }
    }
    let tf = &cx.evidence.terraform;
    for r in tf
        .resources
        .iter()
        .filter(|r| MANAGER_RESOURCES.contains(&r.rtype.as_str()))
    {
        shown.evidence.push(
            Finding::new(format!("{} is kept in a secret manager", r.address()))
                .at(Some(r.loc.location()))
                .resource(r.address()),
        );
    }
    for c in tf.ecs_containers() {
        if let Some(s) = c.secrets.first() {
            shown.evidence.push(
                Finding::new(format!(
                    "{} reads its secrets from Secrets Manager or SSM (`secrets`)",
                    c.resource()
                ))
                .at(Some(s.loc.location()))
                .resource(c.resource()),
            );
        }
    }
    shown
}

/// Days between rotations of a `schedule_expression`: exact for `rate(...)`, the longest gap
/// for a `cron(...)` that runs every month (`exact` is then false); `None` when it cannot be
/// told.
fn rotation_days(expr: &str) -> Option<(u32, bool)> {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|s| s.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(' ')?;
        let n: u32 = n.trim().parse().ok()?;
        return match unit.trim() {
            "day" | "days" => Some((n, true)),
            "hour" | "hours" => Some((n.div_ceil(24).max(1), true)),
            _ => None,
        };
    }
    let inner = expr.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [_, _, dom, month, dow, ..] = fields.as_slice() else {
        return None;
    };
    let any = |f: &str| f == "*" || f == "?";
    if !any(month) {
        return None;
    }
    Some(match (any(dom), any(dow)) {
        (true, true) => (1, false),
        (true, false) => (7, false),
        _ => (31, false),
    })
}

fn rotations(cx: &CheckContext<'_>, max: u32, promise: Option<u32>) -> Tally {
    let tf = &cx.evidence.terraform;
    let mut shown = Tally::default();
    for r in tf.resources_of("aws_secretsmanager_secret_rotation") {
        judge_rotation(cx, r, max, promise, &mut shown);
    }
    for secret in tf.resources_of("aws_secretsmanager_secret") {
        if rotated(tf, secret) {
            continue;
        }
        let name = secret.address();
        // Rotation done outside Terraform (by hand, by the owning service) is what the claim
        // declares: it stands in for the missing resource.
        if let Some(days) = promise {
            shown.unknowns.push(
                Finding::new(format!(
                    "{name} has no `aws_secretsmanager_secret_rotation`; its rotation every {days} days rests on `claims.secrets.rotation_days`"
                ))
                .at(Some(secret.loc.location()))
                .resource(name),
            );
        } else {
            shown.failures.push(
                Finding::new(format!(
                    "{name} has no `aws_secretsmanager_secret_rotation`: nothing rotates it, and no rotation is declared (`claims.secrets.rotation_days`)"
                ))
                .at(Some(secret.loc.location()))
                .resource(name),
            );
        }
    }
    shown
}

fn rotated(tf: &Terraform, secret: &Resource) -> bool {
    let address = secret.address();
    tf.referrers(secret).any(|r| {
        r.rtype == "aws_secretsmanager_secret_rotation"
            && r.attr("secret_id")
                .is_some_and(|a| a.addresses().contains(&address))
    })
}

fn judge_rotation(
    cx: &CheckContext<'_>,
    r: &Resource,
    max: u32,
    promise: Option<u32>,
    shown: &mut Tally,
) {
    let name = r.address();
    let Some(rules) = r.body.block("rotation_rules") else {
        shown.failures.push(
            Finding::new(format!(
                "{name} has no `rotation_rules`: it sets no schedule"
            ))
            .at(Some(r.loc.location()))
            .resource(name),
        );
        return;
    };
    let (days, exact, attr) = match field_int(&rules.body, "automatically_after_days") {
        TfField::Known(days, a) => (u32::try_from(days).ok(), true, a),
        TfField::Unresolved(a) => {
            shown
                .unknowns
                .push(tf_unresolved(r, a, "the rotation interval"));
            return;
        }
        TfField::Absent => match field_str(&rules.body, "schedule_expression") {
            TfField::Known(expr, a) => {
                let Some((days, exact)) = rotation_days(expr) else {
                    shown.unknowns.push(
                        Finding::new(format!(
                            "{name}: the rotation schedule `{expr}` does not say how many days pass between rotations"
                        ))
                        .at(Some(a.loc.location())).related(tf_origin(a))
                        .resource(name),
                    );
                    return;
                };
                (Some(days), exact, a)
            }
            TfField::Unresolved(a) => {
                shown
                    .unknowns
                    .push(tf_unresolved(r, a, "the rotation schedule"));
                return;
            }
            TfField::Absent => {
                shown.failures.push(
                    Finding::new(format!(
                        "the `rotation_rules` of {name} set neither `automatically_after_days` nor `schedule_expression`"
                    ))
                    .at(Some(rules.loc.location()))
                    .resource(name),
                );
                return;
            }
        },
    };
    let Some(days) = days.filter(|d| *d > 0) else {
        shown.failures.push(
            Finding::new(format!("{name} sets no positive rotation interval"))
                .at(Some(attr.loc.location()))
                .related(tf_origin(attr))
                .resource(name),
        );
        return;
    };
    if !exact && promise.unwrap_or(max).min(max) < days {
        shown.unknowns.push(
            Finding::new(format!(
                "{name}: the rotation schedule may leave up to {days} days between rotations, more than the {} days allowed; write `automatically_after_days` or a `rate(...)` to make it checkable",
                promise.unwrap_or(max).min(max)
            ))
            .at(Some(attr.loc.location())).related(tf_origin(attr))
            .resource(name),
        );
    } else if days > max {
        let mut f = Finding::new(format!(
            "{name} rotates the secret every {days} days, longer than the policy maximum of {max} days"
        ))
        .at(Some(attr.loc.location())).related(tf_origin(attr))
        .resource(name.clone());
        if let Some(c) = promise {
            f = contradicts(cx, f, ROTATION, &c.to_string());
        }
        shown.failures.push(f);
    } else if let Some(c) = promise.filter(|c| days > *c) {
        shown.failures.push(contradicts(
            cx,
            Finding::new(format!(
                "{name} rotates the secret every {days} days, less often than declared"
            ))
            .at(Some(attr.loc.location()))
            .related(tf_origin(attr))
            .resource(name),
            ROTATION,
            &c.to_string(),
        ));
    } else {
        shown.evidence.push(
            Finding::new(format!(
                "{name} rotates the secret at least every {days} days (policy: at most {max} days)"
            ))
            .at(Some(attr.loc.location()))
            .related(tf_origin(attr))
            .resource(name),
        );
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::{basis, contradicts};

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in ["pass_repository_rotation", "pass_claim_proven"] {
            assert_eq!(basis("SEC-003", case), Some(Basis::Proven), "{case}");
        }
        for case in [
            "pass_manager_and_rotation",
            "pass_claim_covers_manual_rotation",
        ] {
            assert_eq!(basis("SEC-003", case), Some(Basis::Attested), "{case}");
        }
    }

    #[test]
    fn schedules_are_read_exactly_or_as_an_upper_bound() {
        assert_eq!(super::rotation_days("rate(30 days)"), Some((30, true)));
        assert_eq!(super::rotation_days("rate(1 day)"), Some((1, true)));
        assert_eq!(super::rotation_days("rate(36 hours)"), Some((2, true)));
        assert_eq!(super::rotation_days("cron(0 8 1 * ? *)"), Some((31, false)));
        assert_eq!(
            super::rotation_days("cron(0 8 ? * MON *)"),
            Some((7, false))
        );
        assert_eq!(super::rotation_days("cron(0 8 1 1,7 ? *)"), None);
        assert_eq!(super::rotation_days("rate(2 weeks)"), None);
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "SEC-003",
            "fail_claim_contradicted",
            "claims.secrets.rotation_days"
        ));
    }
}
