//! DAT-009 online-migrations: No migration takes a blocking lock or rewrites a table on
//! PostgreSQL.

use std::collections::BTreeSet;

use launchgate_core::{Finding, Location, Outcome};

use crate::kit::finish::{NOT_SCANNED, Tally};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// No migration takes a lock that blocks the table's reads or writes for as long as
    /// PostgreSQL scans, validates or rewrites it. SQL migrations (plain SQL directories,
    /// golang-migrate, goose, dbmate, Flyway, Liquibase formatted SQL, Prisma, Diesel) are read by
    /// [squawk](https://squawkhq.com) with its locking and table-rewrite rules only:
    ///
    /// - `require-concurrent-index-creation`, `require-concurrent-index-deletion`,
    ///   `require-concurrent-reindex`, `require-concurrent-partition-detach`: index builds,
    ///   drops and reindexes and partition detaches without `CONCURRENTLY` block writes (or
    ///   everything);
    /// - `constraint-missing-not-valid`, `adding-foreign-key-constraint`,
    ///   `disallowed-unique-constraint`, `adding-serial-primary-key-field`: constraints
    ///   validated, or their index built, while the table is locked;
    /// - `adding-not-nullable-field` (`SET NOT NULL` scans under an ACCESS EXCLUSIVE lock),
    ///   `adding-required-field` (`ADD COLUMN ... NOT NULL` without a default),
    ///   `adding-field-with-default` (a volatile default rewrites the table),
    ///   `changing-column-type` (rewrites the table), `prefer-repack` (`VACUUM FULL`, `CLUSTER`:
    ///   squawk reports them only from PostgreSQL 19; launchgate on every version, the lock is
    ///   the same), and `lock-table` (launchgate's: `LOCK TABLE` in SHARE mode or stronger, the
    ///   default being ACCESS EXCLUSIVE).
    ///
    /// squawk's other rules are left out on purpose: its type preferences (`prefer-text-field`,
    /// `prefer-bigint-over-int`, ...) and robustness rules (`prefer-robust-stmts`) are style,
    /// the timeout-setting rules (`require-timeout-settings`) are a separate concern, and the
    /// compatibility rules (`ban-drop-column`, `renaming-column`, ...) flag every drop and
    /// rename, including the contract step of an expand/contract change, which is the right way
    /// to make one; they would bury the locks. squawk reads each migration as one transaction,
    /// as the tools run them (and as PostgreSQL runs a file of several statements sent at
    /// once): a table the same migration creates is new and empty, so statements on it are not
    /// findings, and a `VALIDATE CONSTRAINT` in the transaction that added the constraint
    /// `NOT VALID` is. Down scripts are not judged.
    ///
    /// ORM migrations get the frameworks' equivalents: Alembic `op.create_index` without
    /// `postgresql_concurrently=True`, `op.alter_column(..., type_=...)`, `op.alter_column(...,
    /// nullable=False)` (`SET NOT NULL`), `op.add_column` of a `nullable=False` column
    /// without `server_default`, and `op.create_foreign_key` / `op.create_check_constraint`
    /// without `postgresql_not_valid=True` and `op.create_unique_constraint` /
    /// `op.create_primary_key` on a table the migration does not create; Django `AddIndex`,
    /// `RemoveIndex` (instead of `AddIndexConcurrently` / `RemoveIndexConcurrently`) and
    /// `AddConstraint` (instead of `AddConstraintNotValid`); Rails
    /// `add_index` without `algorithm: :concurrently`, `change_column`, `add_column ... null:
    /// false` without a default, `add_reference` without `index: false` or a concurrent index,
    /// `add_foreign_key` and `add_check_constraint` without `validate: false`, and
    /// `change_column_null ..., false`; Knex `index`, `unique`, `primary` and `foreign` in an
    /// `alterTable`/`table` builder of a table the migration does not create (Knex has no
    /// concurrent form: use `knex.raw`). SQL these
    /// migrations run as a string literal (Alembic `op.execute`, Django `RunSQL`, Rails
    /// `execute` with a string or heredoc, Knex `knex.raw`) is read by squawk too, and its
    /// findings point at the call; SQL built at run time (f-strings, names) is not read. Other
    /// framework operations (Django `AlterField`, Knex `.alter()`) are not judged.
    /// SQL squawk cannot read as PostgreSQL (another dialect, templating) makes the check
    /// inconclusive unless something else fails it. Findings name the file, line and squawk
    /// rule. Not applicable when the repository has no migrations launchgate recognises.
    ///
    /// ## Why it matters
    /// A `CREATE INDEX` on a busy table blocks every write to it until the index is built:
    /// minutes on a large table, during which requests queue, time out and retry. An `ALTER
    /// COLUMN TYPE` holds an ACCESS EXCLUSIVE lock while it rewrites the table, so even reads
    /// stop. The migration that did this passed on a small staging database.
    ///
    /// ## How to fix
    /// `CREATE INDEX CONCURRENTLY` (outside a transaction); add constraints `NOT VALID`, then
    /// `VALIDATE CONSTRAINT` in a later migration; add a column nullable or with a constant
    /// default, backfill in batches, then `SET NOT NULL` through a `CHECK (...) NOT VALID`
    /// constraint; change a type by adding a new column, backfilling and switching. Each
    /// finding carries squawk's advice.
    ///
    /// ## Example
    /// ```sql fails path=db/migrations/2_orders_customer.up.sql
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// ```
    /// ```sql passes path=db/migrations/2_orders_customer.up.sql
    /// CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
    /// ```
    ///
    /// ## References
    /// Seed 003, "Migrations: no table locks"; squawk rules documentation
    /// (<https://squawkhq.com/docs/rules>); PostgreSQL documentation, "Explicit Locking" and
    /// `CREATE INDEX CONCURRENTLY`.
    pub struct OnlineMigrations {
        id: "DAT-009", slug: "online-migrations", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "S", effort: 2,
    }
}

impl Evaluate for OnlineMigrations {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let m = &cx.evidence.source.migrations;
        if m.is_empty() {
            return Outcome::not_applicable(
                "the repository has no database migrations launchgate recognises",
            );
        }
        let mut t = Tally::default();
        for l in &m.locks {
            let help = l
                .fact
                .help
                .as_deref()
                .map(|h| {
                    let h = h.trim();
                    let stop = if h.ends_with(['.', '!', '?']) {
                        ""
                    } else {
                        "."
                    };
                    format!(" {h}{stop}")
                })
                .unwrap_or_default();
            t.failures.push(
                Finding::new(format!(
                    "{} ({}).{help}",
                    l.fact.message.trim_end_matches('.'),
                    l.fact.rule
                ))
                .at(Some(Location::new(
                    l.path.clone(),
                    l.fact.line,
                    l.fact.column,
                ))),
            );
        }
        for u in &m.unjudged {
            t.unknowns.push(
                Finding::new(format!("not judged: {}", u.fact.why)).at(Some(Location::new(
                    u.path.clone(),
                    u.fact.line,
                    1,
                ))),
            );
        }
        let judged: BTreeSet<&str> = m
            .tools
            .iter()
            .filter(|t| t.locks_judged())
            .map(|t| t.name())
            .collect();
        let unjudged: Vec<&str> = m
            .tools
            .iter()
            .filter(|t| !t.locks_judged())
            .map(|t| t.name())
            .collect();
        if judged.is_empty() {
            for tool in m.tools.iter().filter(|t| !t.locks_judged()) {
                let first = m.migrations.iter().find(|x| x.tool == *tool);
                t.unknowns.push(
                    Finding::new(format!(
                        "the schema changes of {} migrations are not read: whether they lock is unknown",
                        tool.name()
                    ))
                    .at(first.map(|x| Location::new(x.path.clone(), x.line, 1))),
                );
            }
        } else {
            let files: BTreeSet<&str> = m.migrations.iter().map(|x| x.path.as_str()).collect();
            let n = files.len();
            t.evidence.push(Finding::new(format!(
                "{n} migration file{} ({}) read for locking and table-rewriting statements{}",
                if n == 1 { "" } else { "s" },
                judged.into_iter().collect::<Vec<_>>().join(", "),
                if unjudged.is_empty() {
                    String::new()
                } else {
                    format!("; {} migrations are not read", unjudged.join(" and "))
                }
            )));
        }
        t.conclude(cx, "S", "")
    }
}

#[cfg(test)]
mod tests {
    use crate::fixture::run;
    use launchgate_core::Outcome;

    #[test]
    fn a_blocking_index_build_names_the_squawk_rule_and_its_advice() {
        let Outcome::Fail { findings, .. } = run("DAT-009", "fail_sql_index_not_null_type_change")
        else {
            panic!("expected a failure");
        };
        assert_eq!(
            findings[0].message,
            "During normal index creation, table updates are blocked, but reads are still allowed (require-concurrent-index-creation). Use `concurrently` to avoid blocking writes."
        );
    }
}
