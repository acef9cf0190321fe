//! Migration facts: which files are migrations of which tool, their down steps once paired, and
//! the locking statements squawk and the framework shapes find.

use launchgate_source::migrations::{Down, Migration, Role, Tool, assemble, read};

fn tool_and_role(path: &str, text: &str) -> Option<(Tool, Role)> {
    read(path, text).map(|f| (f.tool, f.role))
}

fn up(key: &str) -> Role {
    Role::Up {
        key: key.to_string(),
    }
}

fn down(key: &str) -> Role {
    Role::Down {
        key: key.to_string(),
    }
}

#[test]
fn sql_files_are_recognised_by_their_tool_naming_and_directory() {
    let sql = "CREATE TABLE t (id int);\n";
    assert_eq!(
        tool_and_role("db/migrations/000001_init.up.sql", sql),
        Some((Tool::GolangMigrate, up("db/migrations/000001")))
    );
    assert_eq!(
        tool_and_role("db/migrations/000001_init.down.sql", sql),
        Some((Tool::GolangMigrate, down("db/migrations/000001")))
    );
    assert_eq!(
        tool_and_role("src/main/resources/db/migration/V1_2__x.sql", sql),
        Some((Tool::Flyway, up("flyway:1.2")))
    );
    assert_eq!(
        tool_and_role("db/undo/U1.2__x.sql", sql),
        Some((Tool::Flyway, down("flyway:1.2")))
    );
    assert_eq!(
        tool_and_role("db/migration/R__views.sql", sql),
        Some((Tool::Flyway, Role::Repeatable))
    );
    assert_eq!(
        tool_and_role("prisma/migrations/2026_init/migration.sql", sql),
        Some((Tool::Prisma, up("prisma/migrations/2026_init")))
    );
    assert_eq!(
        tool_and_role("migrations/2026-01-01-000000_orders/up.sql", sql),
        Some((Tool::Diesel, up("migrations/2026-01-01-000000_orders")))
    );
    assert_eq!(
        tool_and_role("prisma/migrations/2026_init/down.sql", sql),
        Some((Tool::Diesel, down("prisma/migrations/2026_init")))
    );
    assert_eq!(
        tool_and_role("migrations/002-orders.rollback.sql", sql),
        Some((Tool::PlainSql, down("migrations/002_orders")))
    );
    assert_eq!(
        tool_and_role("migrations/002-orders.sql", sql),
        Some((Tool::PlainSql, up("migrations/002_orders")))
    );
    assert_eq!(
        tool_and_role("db/changes.sql", "--liquibase formatted sql\n"),
        Some((Tool::Liquibase, Role::Own))
    );
    // Not migrations: SQL outside a migrations directory, vendored migrations, tests.
    assert_eq!(tool_and_role("sql/report.sql", sql), None);
    assert_eq!(tool_and_role("vendor/lib/migrations/1_x.up.sql", sql), None);
    assert_eq!(tool_and_role("tests/migrations/1_x.up.sql", sql), None);
}

#[test]
fn framework_migrations_need_their_shape() {
    assert_eq!(
        tool_and_role("alembic/versions/ab12_x.py", "def upgrade():\n    pass\n").map(|t| t.0),
        Some(Tool::Alembic)
    );
    assert_eq!(
        tool_and_role("app/versions/ab12_x.py", "VERSION = 2\n"),
        None
    );
    assert_eq!(
        tool_and_role(
            "shop/migrations/0001_initial.py",
            "class Migration(migrations.Migration):\n    operations = []\n"
        )
        .map(|t| t.0),
        Some(Tool::Django)
    );
    assert_eq!(tool_and_role("shop/migrations/__init__.py", ""), None);
    assert_eq!(
        tool_and_role(
            "db/migrate/20260101_x.rb",
            "class X < ActiveRecord::Migration[7.1]\n  def change\n  end\nend\n"
        )
        .map(|t| t.0),
        Some(Tool::Rails)
    );
    assert_eq!(
        tool_and_role("src/migrations/1_x.js", "exports.up = () => {};\n").map(|t| t.0),
        Some(Tool::Knex)
    );
    assert_eq!(
        tool_and_role("src/app.js", "exports.up = () => {};\n"),
        None
    );
}

fn assembled(files: &[(&str, &str)]) -> Vec<Migration> {
    assemble(
        files
            .iter()
            .filter_map(|(p, t)| read(p, t).map(|f| (p.to_string(), f)))
            .collect(),
    )
    .migrations
}

#[test]
fn down_files_are_paired_with_their_up_files() {
    let got = assembled(&[
        ("m/1_a.up.sql", "SELECT 1;"),
        ("m/1_a.down.sql", "SELECT 1;"),
        ("m/2_b.up.sql", "SELECT 1;"),
        ("m/3_c.down.sql", "SELECT 1;"),
    ]);
    let downs: Vec<(&str, &Down)> = got.iter().map(|m| (m.path.as_str(), &m.down)).collect();
    assert_eq!(
        downs,
        vec![
            (
                "m/1_a.up.sql",
                &Down::Present {
                    path: Some("m/1_a.down.sql".to_string()),
                    line: 1
                }
            ),
            (
                "m/2_b.up.sql",
                &Down::Missing {
                    why: "it has no `.down.sql` file with its version".to_string()
                }
            ),
        ]
    );
}

#[test]
fn alembic_downgrade_that_only_passes_is_no_down_step() {
    let text = "def upgrade():\n    op.add_column('t', sa.Column('c', sa.Text()))\n\n\ndef downgrade():\n    # nothing\n    pass\n";
    let f = read("a/versions/x.py", text).unwrap_or_else(|| panic!("not read"));
    assert_eq!(
        f.steps[0].down,
        Down::Irreversible {
            line: 5,
            why: "its `downgrade()` does nothing (only `pass`)".to_string()
        }
    );
    let text = "def upgrade():\n    pass\n\ndef downgrade():\n    \"\"\"Undo.\"\"\"\n    op.drop_column('t', 'c')\n";
    let f = read("a/versions/x.py", text).unwrap_or_else(|| panic!("not read"));
    assert_eq!(
        f.steps[0].down,
        Down::Present {
            path: None,
            line: 4
        }
    );
}

#[test]
fn django_run_python_needs_reverse_code_given_by_position_or_keyword() {
    let body = |op: &str| {
        format!(
            "class Migration(migrations.Migration):\n    operations = [\n        {op},\n    ]\n"
        )
    };
    let down = |op: &str| {
        read("x/migrations/0002_y.py", &body(op))
            .unwrap_or_else(|| panic!("not read"))
            .steps[0]
            .down
            .clone()
    };
    let irreversible = Down::Irreversible {
        line: 3,
        why: "`RunPython` has no `reverse_code`".to_string(),
    };
    assert_eq!(down("migrations.RunPython(forwards)"), irreversible);
    assert_eq!(
        down("migrations.RunPython(forwards, reverse_code=None)"),
        irreversible
    );
    assert!(matches!(
        down("migrations.RunPython(forwards, backwards)"),
        Down::Present { .. }
    ));
    assert!(matches!(
        down("migrations.RunPython(code=forwards, reverse_code=migrations.RunPython.noop)"),
        Down::Present { .. }
    ));
}

/// (line, rule) of the locks squawk finds in SQL.
fn sql_locks(text: &str) -> Vec<(u32, String)> {
    read("db/migrations/000009_x.up.sql", text)
        .unwrap_or_else(|| panic!("not read"))
        .locks
        .into_iter()
        .map(|l| (l.line, l.rule))
        .collect()
}

#[test]
fn squawk_finds_locking_statements_and_only_those() {
    let text = "\
CREATE INDEX i ON orders (customer_id);
ALTER TABLE orders ADD COLUMN c text NOT NULL;
ALTER TABLE orders ALTER COLUMN total TYPE numeric;
CREATE INDEX CONCURRENTLY j ON orders (total);
ALTER TABLE orders ADD COLUMN note varchar(20);
ALTER TABLE orders DROP COLUMN legacy;
ALTER TABLE orders RENAME COLUMN a TO b;
ALTER TABLE orders ADD COLUMN created_at timestamp DEFAULT now();
";
    assert_eq!(
        sql_locks(text),
        vec![
            (1, "require-concurrent-index-creation".to_string()),
            (2, "adding-required-field".to_string()),
            (3, "changing-column-type".to_string()),
        ]
    );
}

#[test]
fn statements_on_a_table_the_same_file_creates_are_not_locks() {
    let text = "CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint);\nCREATE INDEX refunds_order ON refunds (order_id);\nALTER TABLE refunds ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id);\n";
    assert_eq!(sql_locks(text), Vec::<(u32, String)>::new());
}

#[test]
fn sql_squawk_cannot_read_is_unjudged_at_its_line() {
    let f = read(
        "db/migrations/000001_x.up.sql",
        "SELECT 1;\nCREATE TABLE `t` (`id` int) ENGINE=InnoDB;\n",
    )
    .unwrap_or_else(|| panic!("not read"));
    assert_eq!(f.unjudged.map(|u| u.line), Some(2));
}

#[test]
fn goose_locks_are_read_from_the_up_section_only() {
    let text =
        "-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- +goose Down\nDROP INDEX i;\n";
    let f = read("db/migrations/1_x.sql", text).unwrap_or_else(|| panic!("not read"));
    assert_eq!(f.tool, Tool::Goose);
    assert!(f.locks.is_empty(), "{:?}", f.locks);
    assert_eq!(
        f.steps[0].down,
        Down::Present {
            path: None,
            line: 3
        }
    );
}

#[test]
fn sql_an_orm_migration_runs_is_linted_at_the_call() {
    let alembic = "def upgrade():\n    op.execute(  # raw\n        \"\"\"\n        CREATE INDEX i ON t (c)\n        \"\"\"\n    )\n    op.execute(f\"CREATE INDEX {name} ON t (c)\")\n";
    let f = read("a/versions/x.py", alembic).unwrap_or_else(|| panic!("not read"));
    let got: Vec<(u32, u32, &str)> = f
        .locks
        .iter()
        .map(|l| (l.line, l.column, l.rule.as_str()))
        .collect();
    assert_eq!(got, [(2, 5, "require-concurrent-index-creation")]);
    assert!(
        f.locks[0]
            .message
            .ends_with("(in the SQL `op.execute` runs)")
    );
    let rails = "class X < ActiveRecord::Migration[7.1]\n  def change\n    reversible do |dir|\n      dir.up { execute \"ALTER TABLE t ALTER COLUMN c TYPE text\" }\n    end\n  end\nend\n";
    let f = read("db/migrate/1_x.rb", rails).unwrap_or_else(|| panic!("not read"));
    let got: Vec<(u32, &str)> = f.locks.iter().map(|l| (l.line, l.rule.as_str())).collect();
    assert_eq!(got, [(4, "changing-column-type")]);
}

#[test]
fn validating_in_the_transaction_that_added_the_constraint_not_valid_is_a_lock() {
    let text = "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT positive;\n";
    assert_eq!(
        sql_locks(text),
        vec![(2, "constraint-missing-not-valid".to_string())]
    );
    assert_eq!(
        sql_locks("ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\n"),
        Vec::<(u32, String)>::new()
    );
}
