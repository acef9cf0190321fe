//! DAT-008 reversible-migrations: A migration tool is in use and every migration has a down or
//! rollback step.

use std::collections::BTreeMap;

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::code::Down;

use crate::kit::finish::{NOT_SCANNED, Tally};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every database migration in the repository has a down (rollback, undo) step, written
    /// the way its tool writes one.
    ///
    /// - **golang-migrate**: each `N_name.up.sql` has its `N_name.down.sql`.
    /// - **goose** and **dbmate**: the file has a `-- +goose Down` / `-- migrate:down` section
    ///   with a statement in it.
    /// - **Flyway**: each versioned script `V<version>__name.sql` has an undo script
    ///   `U<version>__name.sql`. Flyway Community does not run undo scripts, but this check
    ///   still asks for them: a reviewed script is what a person runs (with `psql`) when a
    ///   release must be rolled back. A team that rolls forward only records that decision
    ///   as an override in the ledger. Repeatable scripts (`R__name.sql`) need none.
    /// - **Liquibase** formatted SQL: each `--changeset` has a non-empty `--rollback` (Liquibase
    ///   cannot roll back raw SQL by itself). XML, YAML and JSON changelogs are not read.
    /// - **Alembic** (`versions/*.py`): `downgrade()` does something; a `downgrade()` that is
    ///   only `pass`, or is missing, is no down step, and one that raises is irreversible.
    /// - **Django** (`migrations/0001_*.py`): its operations are reversible, except `RunPython`
    ///   without `reverse_code` and `RunSQL` without `reverse_sql`.
    /// - **Rails** (`db/migrate/*.rb`): `def change` is reversible, except `execute`,
    ///   `change_column` and `remove_column` without the column's type outside a `reversible`
    ///   block; `def up` needs a `def down`; `raise ActiveRecord::IrreversibleMigration` is no
    ///   down step.
    /// - **Knex** (and TypeORM-shaped classes) in a `migrations` directory: an exported `down`.
    /// - **Prisma** (`prisma/migrations/*/migration.sql`): Prisma Migrate has no down
    ///   migrations, so each migration needs the `down.sql` that `prisma migrate diff` writes
    ///   beside it.
    /// - **Diesel** (`migrations/<name>/up.sql`): the `down.sql` beside it.
    /// - **Plain SQL** in a `migrations`, `migration` or `migrate` directory: each script has a
    ///   down script, named like it with `down`, `rollback`, `undo` or `revert`
    ///   (`0002_orders_down.sql`), or in a `down/` directory beside `up/`.
    ///
    /// Findings name the migration file and the line of the migration (the `--changeset`,
    /// `def upgrade`, the operation that cannot be reversed). Not applicable when the repository
    /// has no migrations launchgate recognises.
    ///
    /// ## Why it matters
    /// A release whose schema change goes wrong has to be rolled back, often during an incident.
    /// Without a down step written and reviewed with the change, the rollback is an ad-hoc SQL
    /// session against production, written under pressure, or a restore from backup that loses
    /// every write since.
    ///
    /// ## How to fix
    /// Write the down step with the migration: `N_name.down.sql`, `def downgrade()` that undoes
    /// `upgrade()`, `RunPython(forwards, backwards)` (or `RunPython.noop` when there is nothing
    /// to undo), `def down` or `reversible do` in Rails, `--rollback` lines for each changeset,
    /// a `U` script for Flyway, `prisma migrate diff --from-schema-datamodel ... --script >
    /// down.sql` for Prisma.
    ///
    /// ## Example
    /// ```python fails path=migrations/versions/1a2b_add_orders.py
    /// from alembic import op
    ///
    /// def upgrade():
    ///     op.add_column("orders", sa.Column("note", sa.Text()))
    ///
    /// def downgrade():
    ///     pass
    /// ```
    /// ```python passes path=migrations/versions/1a2b_add_orders.py
    /// from alembic import op
    ///
    /// def upgrade():
    ///     op.add_column("orders", sa.Column("note", sa.Text()))
    ///
    /// def downgrade():
    ///     op.drop_column("orders", "note")
    /// ```
    /// ```sql fails path=db/migrations/1_orders.up.sql
    /// CREATE TABLE orders (id bigint PRIMARY KEY);
    /// ```
    /// ```sql passes path=db/migrations/1_orders.up.sql
    /// CREATE TABLE orders (id bigint PRIMARY KEY);
    /// ```
    /// ```sql with path=db/migrations/1_orders.down.sql
    /// DROP TABLE orders;
    /// ```
    ///
    /// ## References
    /// Seed 003, "Migrations: reversible"; golang-migrate, Flyway (undo), Liquibase (rollback),
    /// Alembic, Django and Rails migration documentation; Prisma, "Generating down migrations".
    pub struct ReversibleMigrations {
        id: "DAT-008", slug: "reversible-migrations", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "S L", effort: 2,
    }
}

impl Evaluate for ReversibleMigrations {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let m = &cx.evidence.source.migrations;
        if m.migrations.is_empty() {
            return Outcome::not_applicable(
                "the repository has no database migrations launchgate recognises",
            );
        }
        let mut t = Tally::default();
        // Migrations with down steps, counted per tool: one line of evidence each.
        let mut reversible: BTreeMap<&str, usize> = BTreeMap::new();
        for mig in &m.migrations {
            let tool = mig.tool.name();
            match &mig.down {
                Down::Present { .. } => *reversible.entry(tool).or_default() += 1,
                Down::Missing { why } => t.failures.push(
                    Finding::new(format!("the {tool} migration has no down step: {why}"))
                        .at(Some(Location::new(mig.path.clone(), mig.line, 1))),
                ),
                Down::Irreversible { line, why } => t.failures.push(
                    Finding::new(format!("the {tool} migration cannot be rolled back: {why}"))
                        .at(Some(Location::new(mig.path.clone(), *line, 1))),
                ),
            }
        }
        for (tool, n) in reversible {
            t.evidence.push(Finding::new(format!(
                "{n} {tool} migration{} {} a down step",
                if n == 1 { "" } else { "s" },
                if n == 1 { "has" } else { "have" }
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
    fn a_missing_down_file_names_the_up_file() {
        let Outcome::Fail { findings, .. } = run("DAT-008", "fail_golang_migrate_missing_down")
        else {
            panic!("expected a failure");
        };
        assert_eq!(
            findings[0].message,
            "the golang-migrate migration has no down step: it has no `.down.sql` file with its version"
        );
    }
}
