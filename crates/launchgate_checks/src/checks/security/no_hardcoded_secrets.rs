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
    /// assignments whose value looks random (an entropy test keeps `password: changeme` and
    /// `${DB_PASSWORD}` out).
    ///
    /// Where a literal is certainly the credential a system will use, it is reported however
    /// weak it is (`changeit`, `admin`: weak is worse, not better):
    /// - a SQL statement that sets a password: PostgreSQL `CREATE|ALTER USER|ROLE ... PASSWORD
    ///   '...'`, SQL Server `CREATE|ALTER LOGIN ... WITH PASSWORD = '...'`, MySQL/MariaDB
    ///   `IDENTIFIED [WITH plugin] BY '...'` and `SET PASSWORD ... = '...'`, Oracle
    ///   `IDENTIFIED BY word`, in `.sql` files and in code or scripts that hold the statement;
    ///   not a commented-out statement, a psql variable (`:'pw'`), a stored hash
    ///   (`IDENTIFIED BY PASSWORD '*...'`, `BY VALUES`) or a string built in code;
    /// - a password variable (`*PASSWORD*`, `*PWD*`, `*_PASS`) in a dotenv file that tools load
    ///   as it is (`.env`, `.env.production`, `prod.env`), not in its documented templates
    ///   (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`) and not commented out.
    ///
    /// Masked and self-declared fake values are never reported by any rule: empty, one
    /// character repeated, `****`, `xxxx`, `###` (`xoxp-...-####`), `...`, `<redacted>`,
    /// `masked`, `your-...`, `example`, `sample`, `dummy`, `fake`, and references (`${VAR}`,
    /// `$VAR`, `{{ .Values.x }}`, `%s`). A commented-out setting (`;name = value`,
    /// `# name: value`) in a file that documents its settings that way (ten or more such
    /// lines: a sample configuration such as `grafana.ini`, whose values are the application's
    /// public defaults) is not read by the generic rule; a token of a known format is reported
    /// on any line, and a commented-out secret in any other file is reported. A name that only
    /// mentions a secret (`token_url`, `secret_name`, `url_file`, a receiver called
    /// `token-rotation-team`) holds none.
    ///
    /// Every text file is scanned, whatever its kind: UTF-16 text is
    /// decoded, files over the size limit are read in a streaming pass, and binary files are
    /// scanned for the printable text they hold. A file that could not be scanned at all
    /// (unreadable, or a FIFO, socket or device where a file should be) makes the check
    /// inconclusive, naming the files: never a pass. Findings are always redacted: the rule, the
    /// first characters and the length, never the value.
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
        // A file the scanner could not see is not a file without secrets.
        let unseen: Vec<Finding> = ev
            .unseen()
            .map(|s| {
                Finding::new(format!("{}: {}", s.path, s.reason)).at((!s.path.is_empty())
                    .then(|| launchgate_core::Location::new(s.path.clone(), 1, 1)))
            })
            .collect();
        if !unseen.is_empty() {
            let n = unseen.len();
            return Outcome::inconclusive_with(
                format!(
                    "no secrets found in the files read, but {n} file{} could not be scanned",
                    if n == 1 { "" } else { "s" }
                ),
                unseen,
            );
        }
        let streamed = ev
            .skipped
            .iter()
            .filter(|s| {
                matches!(
                    s.reason,
                    SkipReason::TooLarge {
                        secrets_scanned: true,
                        ..
                    }
                )
            })
            .count();
        // Out-of-scope files and other services' parts are read for secrets all the same.
        let out_of_scope: usize = ev.scope.excluded.iter().map(|e| e.files).sum();
        let read = ev.files.len() + out_of_scope;
        let mut evidence = vec![Finding::new(format!(
            "no secrets found in {read} text file{}{}{}",
            if read == 1 { "" } else { "s" },
            if out_of_scope > 0 {
                format!(" ({out_of_scope} of them out of scope, read for secrets only)")
            } else {
                String::new()
            },
            if streamed > 0 {
                format!(
                    " (and {streamed} file{} over the size limit, scanned for secrets only)",
                    if streamed == 1 { "" } else { "s" }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use launchgate_core::Outcome;
    use launchgate_evidence::{Evidence, SkipReason, Skipped};
    use launchgate_manifest::{Policy, ServiceManifest, SourceFile};

    use crate::{Check, CheckContext};

    fn evaluate(skipped: Vec<Skipped>) -> Outcome {
        let manifest = ServiceManifest::parse(SourceFile::new(
            "launchgate.yaml",
            "service: shop\ntier: 1\nexposure: public\ndata: persistent\n",
        ))
        .expect("parses");
        let mut evidence = Evidence::none();
        evidence.scanned = true;
        evidence.skipped = skipped;
        let ids: Vec<&str> = crate::builtin().iter().map(|c| c.meta().id).collect();
        let layers: Vec<_> = manifest.policy_layer().into_iter().collect();
        let policy = Policy::resolve(&layers, &ids).expect("policy");
        let cx = CheckContext {
            manifest: &manifest,
            evidence: &evidence,
            options: &policy.options,
            today: jiff::civil::date(2026, 11, 22),
            gate: &policy.gate(None),
        };
        super::NoHardcodedSecrets.evaluate(&cx)
    }

    /// Tests run as root in CI, where no file is unreadable: the scan's skip is planted here
    /// (the CLI test `an_unreadable_file_makes_sec_001_inconclusive` builds it for real when
    /// not root).
    #[test]
    fn a_file_the_scanner_could_not_see_is_not_a_pass() {
        let unreadable = Skipped {
            path: "config/secret.env".to_string(),
            reason: SkipReason::Unreadable {
                error: "Permission denied (os error 13)".to_string(),
            },
        };
        let fifo = Skipped {
            path: "deploy/app.yaml".to_string(),
            reason: SkipReason::Special {
                kind: "FIFO".to_string(),
            },
        };
        let Outcome::Inconclusive {
            reason, findings, ..
        } = evaluate(vec![unreadable, fifo])
        else {
            panic!("not inconclusive")
        };
        assert_eq!(
            reason,
            "no secrets found in the files read, but 2 files could not be scanned"
        );
        let named: Vec<String> = findings.iter().map(|f| f.message.clone()).collect();
        assert_eq!(
            named,
            [
                "config/secret.env: unreadable: Permission denied (os error 13)",
                "deploy/app.yaml: FIFO: special file, never opened"
            ]
        );
        // Links out of the repository, binary and oversized files hide nothing: a pass.
        let fine = [
            SkipReason::OutsideRepository,
            SkipReason::Binary {
                secrets_scanned: true,
            },
            SkipReason::TooLarge {
                size: 9,
                limit: 8,
                secrets_scanned: true,
            },
        ]
        .map(|reason| Skipped {
            path: "x".to_string(),
            reason,
        });
        assert!(matches!(evaluate(fine.to_vec()), Outcome::Pass { .. }));
    }
}
