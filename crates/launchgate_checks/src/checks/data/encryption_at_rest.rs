use launchgate_core::{Finding, Outcome};

use crate::support;
use crate::support::{at, flag_claim};
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// The service's datastores are encrypted at rest (`claims.encryption_at_rest: true`) and its
    /// backups are not declared unencrypted (`claims.backups.encrypted: false` fails).
    ///
    /// ## Why it matters
    /// Disks are replaced, snapshots are shared by mistake and backup buckets are copied to other
    /// accounts. Encryption at rest makes each of those a non-event instead of a breach. Backups
    /// are the copy most often forgotten: an encrypted database whose dumps land unencrypted in a
    /// bucket has moved the problem, not solved it.
    ///
    /// ## How to fix
    /// Enable storage encryption with a managed key (RDS `storage_encrypted = true` with a KMS key,
    /// S3 default encryption, encrypted EBS volumes) and make sure backups use it too (encrypted
    /// snapshots, SSE on the backup bucket). Declare both:
    /// `claims: {encryption_at_rest: true, backups: {encrypted: true}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: personal
    /// claims:
    ///   encryption_at_rest: true
    ///   backups:
    ///     automated: true
    ///     encrypted: false   # nightly dumps go to a plain bucket
    /// ```
    /// ```yaml passes
    /// data: personal
    /// claims:
    ///   encryption_at_rest: true
    ///   backups:
    ///     automated: true
    ///     encrypted: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Data: encryption at rest for datastores and backups"; AWS KMS and RDS
    /// encryption documentation.
    pub struct EncryptionAtRest {
        id: "DAT-005", slug: "encryption-at-rest", category: Data, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "T D", effort: 6,
    }
}

impl Check for EncryptionAtRest {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = support::no_durable_data(cx) {
            return na;
        }
        let store = flag_claim(
            cx,
            m.claims.encryption_at_rest,
            "/claims/encryption_at_rest",
            "datastores are encrypted at rest",
            "encryption at rest",
        );
        let pointer = "/claims/backups/encrypted";
        let backups = m.claims.backups.as_ref().and_then(|b| b.encrypted);
        match (store, backups) {
            (
                Outcome::Pass {
                    basis,
                    mut evidence,
                },
                Some(true),
            ) => {
                evidence.push(
                    Finding::new(
                        "declared: backups are encrypted (`claims.backups.encrypted: true`)",
                    )
                    .at(at(cx, pointer)),
                );
                Outcome::Pass { basis, evidence }
            }
            (Outcome::Pass { .. }, Some(false)) => Outcome::fail(vec![backups_unencrypted(cx)]),
            (Outcome::Fail { mut findings }, Some(false)) => {
                findings.push(backups_unencrypted(cx));
                Outcome::fail(findings)
            }
            (other, _) => other,
        }
    }
}

fn backups_unencrypted(cx: &CheckContext<'_>) -> Finding {
    Finding::new(
        "declared missing: backup encryption (`claims.backups.encrypted: false`); backups copy the data out of the datastore unencrypted",
    )
    .at(at(cx, "/claims/backups/encrypted"))
}
