//! DAT-005 encryption-at-rest: The service's datastores and their backups are encrypted at rest.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::terraform::{Body, Resource, Terraform, TfValue};

use crate::kit::aws::{tf_databases, tf_is_replica};
use crate::kit::claims::{Claim, FlagClaim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::{at, no_durable_data};
use crate::kit::terraform::{TfField, field_bool, field_str, tf_origin, tf_sets, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service's datastores and their backups are encrypted at rest. The repository and
    /// `claims.encryption_at_rest` are compared, and backups declared unencrypted
    /// (`claims.backups.encrypted: false`) fail. In Terraform:
    ///
    /// - RDS, Aurora, DocumentDB and Neptune need `storage_encrypted = true` (the default is
    ///   false; a replica or a restore from a snapshot inherits its source's encryption, which
    ///   the repository cannot show, so it is inconclusive unless claimed).
    /// - EBS volumes need `encrypted = true`, or an `aws_ebs_encryption_by_default` in the
    ///   repository; EFS file systems need `encrypted = true`.
    /// - SQS queues pass with `kms_master_key_id` or SQS-managed encryption, which is on unless
    ///   `sqs_managed_sse_enabled = false` (AWS encrypts new queues by default since 2022).
    /// - DynamoDB tables always pass: DynamoDB encrypts every table, with an AWS owned key
    ///   unless `server_side_encryption` names a KMS key. The evidence recommends a customer
    ///   managed key, which lets you control and audit who can decrypt.
    /// - S3 buckets always pass: S3 encrypts every new object (SSE-S3) since January 2023, and
    ///   that cannot be turned off; an explicit `aws_s3_bucket_server_side_encryption_configuration`
    ///   or inline `server_side_encryption_configuration` is reported with its algorithm.
    ///
    /// An unencrypted datastore fails at the value (or at the resource when the setting is
    /// missing), naming the claim too when `claims.encryption_at_rest: true` says otherwise.
    /// With no datastore in the repository, the claims decide.
    ///
    /// ## Why it matters
    /// Disks are replaced, snapshots are shared by mistake and backup buckets are copied to other
    /// accounts. Encryption at rest makes each of those a non-event instead of a breach. Backups
    /// are the copy most often forgotten: an encrypted database whose dumps land unencrypted in a
    /// bucket has moved the problem, not solved it.
    ///
    /// ## How to fix
    /// Enable storage encryption with a managed key (RDS `storage_encrypted = true` with a
    /// `kms_key_id`, `encrypted = true` on EBS and EFS, a KMS key on queues and tables that hold
    /// sensitive data) and make sure backups use it too (snapshots of an encrypted database are
    /// encrypted; give backup buckets and vaults a KMS key). Declare both:
    /// `claims: {encryption_at_rest: true, backups: {encrypted: true}}`. Encryption cannot be
    /// turned on in place for an existing RDS instance: restore an encrypted copy of a snapshot.
    ///
    /// ## Example
    /// ```hcl fails path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   instance_class          = "db.t4g.medium"
    ///   backup_retention_period = 35
    ///   # storage_encrypted is not set: it defaults to false
    /// }
    /// ```
    /// ```hcl passes path=infra/db.tf
    /// resource "aws_kms_key" "data" {
    ///   enable_key_rotation = true
    /// }
    ///
    /// resource "aws_db_instance" "main" {
    ///   engine            = "postgres"
    ///   instance_class    = "db.t4g.medium"
    ///   storage_encrypted = true
    ///   kms_key_id        = aws_kms_key.data.arn
    /// }
    /// ```
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
    /// encryption documentation; Amazon S3 documentation on default encryption of new objects;
    /// Amazon SQS documentation on SSE-SQS by default; DynamoDB documentation on encryption at
    /// rest.
    pub struct EncryptionAtRest {
        id: "DAT-005", slug: "encryption-at-rest", category: Data, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "T D", effort: 6,
    }
}

const CLAIM: &str = "/claims/encryption_at_rest";
const BACKUPS_CLAIM: &str = "/claims/backups/encrypted";

impl Evaluate for EncryptionAtRest {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let m = cx.manifest;
        let tf = &cx.evidence.terraform;
        let mut store = Tally::default();
        let mut backups = Tally::default();
        databases(tf, &mut store, &mut backups);
        volumes(tf, &mut store);
        queues(tf, &mut store);
        always_encrypted(tf, &mut store);
        for vault in tf.resources_of("aws_backup_vault") {
            backups.evidence.push(
                Finding::new(format!(
                    "recovery points in {} are encrypted ({})",
                    vault.address(),
                    if tf_sets(&vault.body, "kms_key_arn") {
                        "with its `kms_key_arn`"
                    } else {
                        "with the AWS Backup default key"
                    }
                ))
                .at(Some(vault.loc.location()))
                .resource(vault.address()),
            );
        }
        if m.claims.encryption_at_rest == Some(true) {
            store.failures = store
                .failures
                .into_iter()
                .map(|f| contradicts(cx, f, CLAIM, "true"))
                .collect();
        }
        let mut parts = vec![(
            store,
            FlagClaim {
                value: m.claims.encryption_at_rest,
                pointer: CLAIM,
                holds: "datastores are encrypted at rest",
                lacking: "encryption at rest",
            }
            .side(cx),
        )];
        // Backup encryption is only judged when it is declared: an encrypted store's snapshots
        // are encrypted with it, so the store part already covers the usual case.
        match m.claims.backups.as_ref().and_then(|b| b.encrypted) {
            Some(true) => parts.push((
                backups,
                Claim::Holds(vec![
                    Finding::new(
                        "declared: backups are encrypted (`claims.backups.encrypted: true`)",
                    )
                    .at(at(cx, BACKUPS_CLAIM)),
                ]),
            )),
            Some(false) => parts.push((
                Tally::default(),
                Claim::Denied(vec![
                    Finding::new(
                        "declared missing: backup encryption (`claims.backups.encrypted: false`); backups copy the data out of the datastore unencrypted",
                    )
                    .at(at(cx, BACKUPS_CLAIM)),
                ]),
            )),
            None => {}
        }
        settle(cx, "T", parts)
    }
}

fn databases(tf: &Terraform, store: &mut Tally, backups: &mut Tally) {
    for db in tf_databases(tf) {
        let name = db.address();
        match field_bool(&db.body, "storage_encrypted") {
            TfField::Known(true, a) => {
                let key = if tf_sets(&db.body, "kms_key_id") {
                    "with its `kms_key_id`"
                } else {
                    "with the AWS managed RDS key"
                };
                store.evidence.push(
                    Finding::new(format!("{name} encrypts its storage {key}"))
                        .at(Some(a.loc.location())).related(tf_origin(a))
                        .resource(name.clone()),
                );
                backups.evidence.push(
                    Finding::new(format!(
                        "the snapshots and automated backups of {name} are encrypted with its storage key"
                    ))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(name),
                );
            }
            TfField::Known(false, a) => store.failures.push(
                Finding::new(format!(
                    "{name} stores its data unencrypted (`storage_encrypted = false`), and so are its snapshots and backups"
                ))
                .at(Some(a.loc.location())).related(tf_origin(a))
                .resource(name),
            ),
            TfField::Unresolved(a) => {
                store
                    .unknowns
                    .push(tf_unresolved(db, a, "storage encryption"));
            }
            TfField::Absent => {
                if matches!(field_str(&db.body, "engine_mode"), TfField::Known("serverless", _)) {
                    store.evidence.push(
                        Finding::new(format!(
                            "{name} is Aurora Serverless v1, whose storage is always encrypted"
                        ))
                        .at(Some(db.loc.location()))
                        .resource(name),
                    );
                } else if inherits_encryption(db) {
                    store.unknowns.push(
                        Finding::new(format!(
                            "{name} does not write `storage_encrypted` and copies another database or snapshot, whose encryption it inherits: the repository does not show it"
                        ))
                        .at(Some(db.loc.location()))
                        .resource(name),
                    );
                } else {
                    store.failures.push(
                        Finding::new(format!(
                            "{name} does not set `storage_encrypted`, which defaults to false: its storage, snapshots and backups are unencrypted"
                        ))
                        .at(Some(db.loc.location()))
                        .resource(name),
                    );
                }
            }
        }
    }
}

/// Whether a database copies its data (and encryption) from a source.
fn inherits_encryption(db: &Resource) -> bool {
    tf_is_replica(db)
        || tf_sets(&db.body, "snapshot_identifier")
        || db.body.block("restore_to_point_in_time").is_some()
}

fn volumes(tf: &Terraform, store: &mut Tally) {
    let account_default = tf
        .resources_of("aws_ebs_encryption_by_default")
        .find(|r| !matches!(field_bool(&r.body, "enabled"), TfField::Known(false, _)));
    for (rtype, what) in [
        ("aws_ebs_volume", "EBS volume"),
        ("aws_efs_file_system", "EFS file system"),
    ] {
        for v in tf.resources_of(rtype) {
            let name = v.address();
            match field_bool(&v.body, "encrypted") {
                TfField::Known(true, a) => store.evidence.push(
                    Finding::new(format!("{name} is an encrypted {what}"))
                        .at(Some(a.loc.location())).related(tf_origin(a))
                        .resource(name),
                ),
                TfField::Known(false, a) => store.failures.push(
                    Finding::new(format!(
                        "{name} is an unencrypted {what} (`encrypted = false`)"
                    ))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(name),
                ),
                TfField::Unresolved(a) => {
                    store.unknowns.push(tf_unresolved(v, a, "encryption"));
                }
                TfField::Absent => match account_default {
                    Some(d) if rtype == "aws_ebs_volume" => store.evidence.push(
                        Finding::new(format!(
                            "{name} is encrypted by the account's EBS encryption by default ({})",
                            d.address()
                        ))
                        .at(Some(v.loc.location()))
                        .resource(name),
                    ),
                    _ if rtype == "aws_ebs_volume" && tf_sets(&v.body, "snapshot_id") => {
                        store.unknowns.push(
                            Finding::new(format!(
                                "{name} does not write `encrypted` and is created from a snapshot, whose encryption it inherits: the repository does not show it"
                            ))
                            .at(Some(v.loc.location()))
                            .resource(name),
                        );
                    }
                    _ => store.failures.push(
                        Finding::new(format!(
                            "{name} does not set `encrypted`, which defaults to false{}",
                            if rtype == "aws_ebs_volume" {
                                " unless the account encrypts EBS by default; set `encrypted = true` (or manage `aws_ebs_encryption_by_default` here)"
                            } else {
                                ""
                            }
                        ))
                        .at(Some(v.loc.location()))
                        .resource(name),
                    ),
                },
            }
        }
    }
}

fn queues(tf: &Terraform, store: &mut Tally) {
    for q in tf.resources_of("aws_sqs_queue") {
        let name = q.address();
        if let Some(a) = q.attr("kms_master_key_id").filter(|a| !a.value.is_null()) {
            store.evidence.push(
                Finding::new(format!("{name} is encrypted with a KMS key"))
                    .at(Some(a.loc.location()))
                    .related(tf_origin(a))
                    .resource(name),
            );
            continue;
        }
        match field_bool(&q.body, "sqs_managed_sse_enabled") {
            TfField::Known(false, a) => store.failures.push(
                Finding::new(format!(
                    "{name} turns SQS-managed encryption off (`sqs_managed_sse_enabled = false`) and sets no `kms_master_key_id`: its messages are stored unencrypted"
                ))
                .at(Some(a.loc.location())).related(tf_origin(a))
                .resource(name),
            ),
            TfField::Unresolved(a) => {
                store.unknowns.push(tf_unresolved(q, a, "encryption"));
            }
            TfField::Known(true, a) => store.evidence.push(
                Finding::new(format!("{name} is encrypted with SQS-managed keys"))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(name),
            ),
            TfField::Absent => store.evidence.push(
                Finding::new(format!(
                    "{name} is encrypted with SQS-managed keys (on by default for new queues)"
                ))
                .at(Some(q.loc.location()))
                .resource(name),
            ),
        }
    }
}

/// DynamoDB tables and S3 buckets: AWS encrypts them whatever the configuration says.
fn always_encrypted(tf: &Terraform, store: &mut Tally) {
    for t in tf.resources_of("aws_dynamodb_table") {
        let name = t.address();
        let sse = t.body.block("server_side_encryption");
        let cmk = sse.is_some_and(|b| {
            matches!(field_bool(&b.body, "enabled"), TfField::Known(true, _))
                && tf_sets(&b.body, "kms_key_arn")
        });
        let aws_managed =
            sse.is_some_and(|b| matches!(field_bool(&b.body, "enabled"), TfField::Known(true, _)));
        let message = if cmk {
            format!("{name} is encrypted with a customer managed KMS key")
        } else if aws_managed {
            format!(
                "{name} is encrypted with the AWS managed DynamoDB key; a customer managed KMS key (`kms_key_arn`) would let you control and audit who can decrypt"
            )
        } else {
            format!(
                "{name} is encrypted with an AWS owned key (DynamoDB encrypts every table); a customer managed KMS key (`server_side_encryption {{ enabled = true, kms_key_arn = ... }}`) would let you control and audit who can decrypt"
            )
        };
        store.evidence.push(
            Finding::new(message)
                .at(Some(sse.map_or(&t.loc, |b| &b.loc).location()))
                .resource(name),
        );
    }
    for b in tf.resources_of("aws_s3_bucket") {
        let name = b.address();
        let separate = tf
            .referrers(b)
            .find(|r| r.rtype == "aws_s3_bucket_server_side_encryption_configuration");
        let (algorithm, loc) = if let Some(c) = separate {
            (sse_algorithm(&c.body), &c.loc)
        } else if let Some(inline) = b.body.block("server_side_encryption_configuration") {
            (sse_algorithm(&inline.body), &inline.loc)
        } else {
            store.evidence.push(
                Finding::new(format!(
                    "{name} encrypts new objects with SSE-S3, which S3 applies to every bucket since January 2023"
                ))
                .at(Some(b.loc.location()))
                .resource(name),
            );
            continue;
        };
        let algorithm = algorithm.unwrap_or_else(|| "a configured algorithm".to_string());
        store.evidence.push(
            Finding::new(format!(
                "{name} encrypts objects by default with {algorithm}"
            ))
            .at(Some(loc.location()))
            .resource(name),
        );
    }
}

/// `rule { apply_server_side_encryption_by_default { sse_algorithm } }`, when known.
fn sse_algorithm(config: &Body) -> Option<String> {
    config
        .get_path(&[
            "rule",
            "apply_server_side_encryption_by_default",
            "sse_algorithm",
        ])
        .and_then(TfValue::as_str)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::{basis, contradicts};

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in ["pass_everything_encrypted", "pass_claim_proven"] {
            assert_eq!(basis("DAT-005", case), Some(Basis::Proven), "{case}");
        }
        for case in ["pass_store_and_backups", "pass_store_only"] {
            assert_eq!(basis("DAT-005", case), Some(Basis::Attested), "{case}");
        }
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "DAT-005",
            "fail_claim_contradicted",
            "claims.encryption_at_rest"
        ));
    }
}
