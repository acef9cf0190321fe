//! DAT-007 audit-log: Data mutations are written to an append-only audit log.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::code::{FactKind, Topic};

use crate::kit::claims::{FlagClaim, RepoShows};
use crate::kit::code;
use crate::kit::manifest::no_durable_data;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Data mutations are written to an append-only audit log: `claims.audit_log: true`.
    ///
    /// The service's code (see [the source layer](../scanning.md#the-services-source-code))
    /// proves it: a database migration that creates a table whose name contains `audit`
    /// (`audit_log`, `payments_audit`; SQL `CREATE TABLE`, Alembic and Knex `create_table`,
    /// Rails `create_table :audit_events`, Django `CreateModel(name="AuditLog")`), or a call or construction
    /// whose callee names an audit log (`audit.log(...)`, `auditLogger.info(...)`, `this.auditService.record(...)`, `new AuditEvent(...)`,
    /// `AuditEvent.create(...)`) is evidence with its location, with or without the claim.
    /// `claims.audit_log: false` fails even then (the claim says mutations are not covered),
    /// and the finding names the table or the call. With neither evidence nor a claim, a source
    /// file whose audit writes could not be read (the parser gave up on it, or syntax errors
    /// cover them) makes the check inconclusive instead of failing.
    ///
    /// ## Why it matters
    /// "Who changed this balance, and when?" comes up in every incident review, every support
    /// escalation and every audit. Application logs rotate and can be edited; without an
    /// append-only record of writes, the answer is a guess, and a malicious change leaves no trace.
    ///
    /// ## How to fix
    /// Record each create, update and delete with who made it, when, and the before/after values,
    /// in a store the service can append to but not rewrite (an audit table without `UPDATE` or
    /// `DELETE` grants, an event stream, a write-once bucket). Then declare
    /// `claims: {audit_log: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: financial
    /// claims:
    ///   audit_log: false
    /// ```
    /// ```yaml passes
    /// data: financial
    /// claims:
    ///   audit_log: true
    /// ```
    ///
    /// ```python passes path=app/accounts.py
    /// from app.audit import audit
    ///
    /// def close_account(db, actor, account_id):
    ///     db.execute("UPDATE accounts SET closed = true WHERE id = %s", (account_id,))
    ///     audit.record(actor=actor, action="account.close", target=account_id)
    /// ```
    ///
    /// ## References
    /// Seed 003, "Data: audit logging of mutations"; OWASP Logging Cheat Sheet.
    pub struct AuditLog {
        id: "DAT-007", slug: "audit-log", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D S", effort: 16,
    }
}

impl Evaluate for AuditLog {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let mut findings = Vec::new();
        let mut summary = String::new();
        for t in &cx.evidence.source.audit_tables {
            if summary.is_empty() {
                summary = format!("the `{}` table at {}:{}", t.fact.table, t.path, t.fact.line);
            }
            findings.push(
                Finding::new(format!(
                    "a migration creates the audit table `{}`",
                    t.fact.table
                ))
                .at(Some(Location::new(t.path.clone(), t.fact.line, 1))),
            );
        }
        for (path, fact) in cx.evidence.source.facts() {
            let FactKind::Audit(a) = &fact.kind else {
                continue;
            };
            let inside = code::inside(fact);
            if summary.is_empty() {
                summary = format!("`{}` at {path}:{}", a.text, fact.line);
            }
            findings.push(
                Finding::new(format!("`{}`{inside} writes to an audit log", a.text)).at(Some(
                    Location::new(path.to_string(), fact.line, fact.column),
                )),
            );
        }
        if m.claims.audit_log.is_none()
            && let Some(unseen) = code::unseen(cx, &[Topic::Audit], &findings)
        {
            return unseen;
        }
        FlagClaim {
            value: m.claims.audit_log,
            pointer: "/claims/audit_log",
            holds: "data mutations go to an append-only audit log",
            lacking: "an audit log of data mutations",
        }
        .meets(
            cx,
            RepoShows {
                letters: "S",
                findings,
                summary,
                false_hint: "if it records every data mutation append-only, set the claim to true",
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Outcome};

    use crate::fixture::{basis, run};

    #[test]
    fn audit_tables_and_writes_prove_it() {
        for case in ["pass_audit_writes_in_code", "pass_audit_table_migration"] {
            assert_eq!(basis("DAT-007", case), Some(Basis::Proven), "{case}");
        }
        let Outcome::Pass { evidence, .. } = run("DAT-007", "pass_audit_table_migration") else {
            panic!("passes");
        };
        assert_eq!(
            evidence[0].message,
            "a migration creates the audit table `audit_log`"
        );
        let Outcome::Fail { findings, .. } = run("DAT-007", "fail_declared_false_audit_in_code")
        else {
            panic!("fails");
        };
        assert_eq!(
            findings[0].message,
            "declared missing: an audit log of data mutations (`claims.audit_log: false`); the repository shows `auditLog.append(...)` at src/Transfers.java:7: if it records every data mutation append-only, set the claim to true"
        );
    }
}
