//! Untrusted migrations never panic the layer (squawk's parser included), and every fact points
//! inside the file.

use launchgate_source::migrations::{Down, read};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "CREATE ",
    "INDEX ",
    "CONCURRENTLY ",
    "TABLE ",
    "ALTER ",
    "ADD COLUMN ",
    "NOT NULL",
    "DEFAULT ",
    "TYPE ",
    "CONSTRAINT ",
    "FOREIGN KEY ",
    "REFERENCES ",
    "NOT VALID",
    "DROP ",
    "BEGIN;",
    "COMMIT;",
    "t ",
    "(",
    ")",
    ";",
    ",",
    "'",
    "\"",
    "`",
    "$$",
    "--",
    "/*",
    "*/",
    "-- +goose Down\n",
    "-- migrate:down\n",
    "--changeset a:1\n",
    "--rollback ",
    "def upgrade():\n    ",
    "def downgrade():\n    ",
    "pass",
    "op.create_index(",
    "migrations.RunPython(",
    "reverse_code=",
    "\n",
    "    ",
    "\u{e9}",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn any_token_soup_gives_facts_inside_the_file(text in text()) {
        let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
        let liquibase = format!("--liquibase formatted sql\n{text}");
        for (path, text) in [
            ("db/migrations/1_x.up.sql", text.as_str()),
            ("db/migrations/2_x.sql", text.as_str()),
            ("db/changelog.sql", liquibase.as_str()),
            ("alembic/versions/x.py", &format!("def upgrade():\n{text}")),
            ("app/migrations/0001_x.py", &format!("class Migration:\n{text}")),
        ] {
            let lines = lines + 1;
            if let Some(f) = read(path, text) {
                for l in &f.locks {
                    prop_assert!(l.line >= 1 && l.line <= lines, "{path}: {l:?}");
                }
                for s in &f.steps {
                    prop_assert!(s.line >= 1 && s.line <= lines, "{path}: {s:?}");
                    if let Down::Present { line, .. } | Down::Irreversible { line, .. } = &s.down {
                        prop_assert!(*line >= 1 && *line <= lines, "{path}: {s:?}");
                    }
                }
            }
        }
    }
}
