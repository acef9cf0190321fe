//! SEC-001 no-hardcoded-secrets: No secret is committed to the repository.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::SkipReason;

use crate::kit::finish::NOT_SCANNED;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// No secret is committed to the repository: cloud credentials (AWS keys, GCP service-account
    /// keys and API keys, Azure account keys), private keys, GitHub (classic and fine-grained)
    /// / GitLab / Slack / Stripe (live and test mode) / Twilio / SendGrid / npm / PyPI tokens,
    /// each found by its own shape whatever name holds it, JWTs, passwords in URLs,
    /// Kubernetes Secrets with literal data, and generic `password: ...` / `api_key = "..."`
    /// assignments whose value looks random (an entropy test keeps `password: changeme` and `${DB_PASSWORD}` out). Every text file is
    /// scanned, whatever its kind. Findings are always redacted: the rule, the first characters
    /// and the length, never the value.
    ///
    /// ## Why it matters
    /// A secret in git is a secret in every clone, fork, CI cache and laptop backup, forever:
    /// deleting it in a later commit does not remove it from history. Leaked cloud keys are
    /// found and used by scanners within minutes of a push.
    ///
    /// ## How to fix
    /// Revoke and rotate the secret first (assume it is compromised), then move it to a secret
    /// manager and reference it (`secretKeyRef`, ECS `secrets`, `${ENV_VAR}`), and remove it
    /// from history if the repository is shared. A value that is not a secret (a test fixture,
    /// a public key) can be marked on its line, or on the comment line above it, with
    /// `launchgate:allow-secret <reason>`; the reason is required and shown in the review.
    ///
    /// ## Example
    /// ```yaml fails path=config/app.yaml
    /// database:
    ///   host: db.internal
    ///   password: "hV7#qL2pX9!mZ4wK"
    /// ```
    /// ```yaml passes path=config/app.yaml
    /// database:
    ///   host: db.internal
    ///   password: ${DATABASE_PASSWORD}
    /// ```
    ///
    /// ## References
    /// Seed 003, "Security: no secrets in code"; OWASP Secrets Management Cheat Sheet; the
    /// secret-scanning tools users compare launchgate with, whose false positives on
    /// placeholders are their most common complaint.
    pub struct NoHardcodedSecrets {
        id: "SEC-001", slug: "no-hardcoded-secrets", category: Security, severity: Blocker,
        tiers: [Required, Required, Required], evidence: "all files", effort: 4,
    }
}

impl Evaluate for NoHardcodedSecrets {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        if !ev.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let secrets = &ev.secrets;
        if !secrets.findings.is_empty() {
            return Outcome::fail(
                secrets
                    .findings
                    .iter()
                    .map(|f| {
                        Finding::new(format!("{} ({}): {}", f.description, f.rule, f.redacted))
                            .at(Some(f.loc.location()))
                    })
                    .collect(),
            );
        }
        let too_large = ev
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::TooLarge { .. }))
            .count();
        let mut evidence = vec![Finding::new(format!(
            "no secrets found in {} text file{}{}",
            ev.files.len(),
            if ev.files.len() == 1 { "" } else { "s" },
            if too_large > 0 {
                format!(
                    " ({too_large} file{} over the size limit not scanned; see the scan notes)",
                    if too_large == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        ))];
        evidence.extend(secrets.allowed.iter().map(|a| {
            Finding::new(format!("allowed ({}): {}", a.rule, a.reason)).at(Some(a.loc.location()))
        }));
        Outcome::proven(evidence)
    }
}
