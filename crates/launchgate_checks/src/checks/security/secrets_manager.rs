use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Secrets come from a secret manager (`claims.secrets.manager`) and are rotated at least as
    /// often as the policy requires (`claims.secrets.rotation_days`, default at most 90 days,
    /// `secret_rotation_max_days`).
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
    /// schedule rotation. Declare both:
    /// `claims: {secrets: {manager: aws-secrets-manager, rotation_days: 30}}`.
    ///
    /// ## Example
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
    /// OWASP Secrets Management Cheat Sheet.
    pub struct SecretsManager {
        id: "SEC-003", slug: "secrets-manager", category: Security, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K T D", effort: 8,
    }
}

impl Check for SecretsManager {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let secrets = cx.manifest.claims.secrets.as_ref();
        let max = cx.options.secret_rotation_max_days;
        let manager_ptr = "/claims/secrets/manager";
        let rotation_ptr = "/claims/secrets/rotation_days";
        let mut findings = Vec::new();
        let mut evidence = Vec::new();

        match secrets
            .and_then(|s| s.manager.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(manager) => evidence.push(
                Finding::new(format!("secrets are sourced from `{manager}`"))
                    .at(at(cx, manager_ptr)),
            ),
            None => findings.push(
                Finding::new("no secret manager is declared (`claims.secrets.manager`)")
                    .at(at(cx, manager_ptr)),
            ),
        }

        match secrets.and_then(|s| s.rotation_days) {
            None => findings.push(
                Finding::new(format!(
                    "no secret rotation is declared (`claims.secrets.rotation_days`); the policy asks for rotation at least every {max} days"
                ))
                .at(at(cx, rotation_ptr)),
            ),
            Some(days) if days > max => findings.push(
                Finding::new(format!(
                    "secrets are rotated every {days} days, longer than the policy maximum of {max} days"
                ))
                .at(at(cx, rotation_ptr)),
            ),
            Some(days) => evidence.push(
                Finding::new(format!(
                    "secrets are rotated every {days} days (policy: at most {max} days)"
                ))
                .at(at(cx, rotation_ptr)),
            ),
        }

        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
