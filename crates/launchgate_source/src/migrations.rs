//! Migration facts: which migration tool a file belongs to, each migration with its down step,
//! and the statements that take a blocking lock or rewrite a table on PostgreSQL.
//!
//! One file in ([`read`], in the scan's worker threads), facts out; [`assemble`] then pairs the
//! tools whose down step is a file of its own (golang-migrate, Flyway undo, Prisma `down.sql`,
//! plain SQL directories) with their up files. SQL is linted by squawk (`squawk-linter`) with its
//! locking and table-rewrite rules only ([`LOCKING_RULES`]); Alembic, Django and Rails
//! migrations get the obvious framework equivalents, read with small patterns. What a file does
//! not say stays unknown.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use squawk_linter::{Linter, Rule};

/// A migration tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// `.sql` files in a `migrations` directory without a tool's naming.
    PlainSql,
    GolangMigrate,
    Goose,
    Dbmate,
    Flyway,
    Liquibase,
    Alembic,
    Django,
    Rails,
    Knex,
    Prisma,
    Diesel,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::PlainSql => "plain SQL",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Goose => "goose",
            Tool::Dbmate => "dbmate",
            Tool::Flyway => "Flyway",
            Tool::Liquibase => "Liquibase",
            Tool::Alembic => "Alembic",
            Tool::Django => "Django",
            Tool::Rails => "Rails",
            Tool::Knex => "Knex",
            Tool::Prisma => "Prisma",
            Tool::Diesel => "Diesel",
        }
    }

    /// Whether the layer reads this tool's schema changes for locks (SQL with squawk, Alembic,
    /// Django and Rails with their framework equivalents).
    pub fn locks_judged(self) -> bool {
        true
    }
}

/// What one file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationFile {
    pub tool: Tool,
    pub role: Role,
    /// The migrations of the file whose down step is in the file itself ([`Role::Own`]): one
    /// for most tools, one per changeset for Liquibase.
    pub steps: Vec<Step>,
    /// Statements that lock or rewrite, in line order.
    pub locks: Vec<Lock>,
    /// Why (part of) the file could not be judged for locks: SQL squawk could not parse.
    pub unjudged: Option<Unjudged>,
}

/// How a file takes part in its tool's migrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "kebab-case")]
pub enum Role {
    /// Migrations whose down steps, if any, are in the same file.
    Own,
    /// An up migration whose down step is another file with the same key.
    Up { key: String },
    /// A down (undo, rollback) file.
    Down { key: String },
    /// A script that is run again whenever it changes and has no down step (Flyway `R__`).
    Repeatable,
}

/// A migration in a file, with its down step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The line of the migration's start (`def upgrade`, `--changeset`, line 1 of SQL).
    pub line: u32,
    pub down: Down,
}

/// The down step of a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Down {
    /// Written, at this line of this file (`path` is `None`) or of its down file.
    Present { path: Option<String>, line: u32 },
    /// Not written.
    Missing { why: String },
    /// Written, and it refuses (`raise ActiveRecord::IrreversibleMigration`), or an operation of
    /// the migration cannot be reversed (Django `RunPython` without `reverse_code`).
    Irreversible { line: u32, why: String },
}

/// A statement that takes a blocking lock or rewrites a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lock {
    pub line: u32,
    pub column: u32,
    /// The squawk rule (`require-concurrent-index-creation`) or the framework shape
    /// (`alembic-create-index`).
    pub rule: String,
    pub message: String,
    pub help: Option<String>,
}

/// Why a file's statements could not be judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unjudged {
    pub line: u32,
    pub why: String,
}

/// The squawk rules DAT-009 runs: each one is a statement that takes a lock which blocks reads
/// or writes for as long as it scans, validates or rewrites the table.
pub const LOCKING_RULES: [Rule; 13] = [
    Rule::RequireConcurrentIndexCreation,
    Rule::RequireConcurrentIndexDeletion,
    Rule::RequireConcurrentReindex,
    Rule::RequireConcurrentPartitionDetach,
    Rule::ConstraintMissingNotValid,
    Rule::AddingForeignKeyConstraint,
    Rule::DisallowedUniqueConstraint,
    Rule::AddingSerialPrimaryKeyField,
    Rule::AddingNotNullableField,
    Rule::AddingRequiredField,
    Rule::AddingFieldWithDefault,
    Rule::ChangingColumnType,
    Rule::PreferRepack,
];

/// Directories whose files are not the service's migrations.
const FOREIGN_DIRS: [&str; 13] = [
    "node_modules",
    "vendor",
    "third_party",
    "site-packages",
    ".venv",
    "venv",
    "dist",
    "build",
    "test",
    "tests",
    "testdata",
    "spec",
    "__tests__",
];

fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static GOLANG_MIGRATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"^(\d+)_[^/]+\.(up|down)\.sql$"));
static FLYWAY: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"^([VUvu])(\d+(?:[._]\d+)*)__[^/]*\.sql$"));
static DJANGO_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"^\d{4}_\w*\.py$"));
static KNEX_UP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(exports\.up\b|export\s+(async\s+)?function\s+up\b|export\s+const\s+up\b|^\s*(public\s+)?(async\s+)?up\s*\()",
    )
});
static KNEX_DOWN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(exports\.down\b|export\s+(async\s+)?function\s+down\b|export\s+const\s+down\b|^\s*(public\s+)?(async\s+)?down\s*\()",
    )
});

fn matches(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// The migration facts of one file, or `None` when it is not a migration the layer recognises.
pub fn read(path: &str, text: &str) -> Option<MigrationFile> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    // Most files of a repository are none of these: they cost a few comparisons.
    let ext = name.rsplit_once('.')?.1;
    let ext = ["sql", "py", "rb", "js", "ts", "mjs", "cjs"]
        .into_iter()
        .find(|k| ext.eq_ignore_ascii_case(k))?;
    let dirs: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    if dirs.iter().any(|d| FOREIGN_DIRS.contains(d)) {
        return None;
    }
    let in_dir = |n: &str| dirs.iter().any(|d| d.eq_ignore_ascii_case(n));
    match ext {
        "sql" => sql(dir, &dirs, name, text),
        "py" if in_dir("versions") && text.contains("def upgrade") => Some(alembic(text)),
        "py" if in_dir("migrations")
            && matches(&DJANGO_NAME, name)
            && text.contains("class Migration") =>
        {
            Some(django(text))
        }
        "rb" if path.contains("db/migrate/") && text.contains("ActiveRecord::Migration") => {
            Some(rails(text))
        }
        "js" | "ts" | "mjs" | "cjs"
            if (in_dir("migrations") || in_dir("migration"))
                && first_line(&KNEX_UP, text).is_some() =>
        {
            Some(knex(text))
        }
        _ => None,
    }
}

/// The 1-based line of the first match of a multi-line pattern.
fn first_line(re: &LazyLock<Option<Regex>>, text: &str) -> Option<u32> {
    let r = re.as_ref()?;
    text.lines()
        .position(|l| r.is_match(l))
        .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

fn own(tool: Tool, steps: Vec<Step>, locks: Vec<Lock>) -> MigrationFile {
    MigrationFile {
        tool,
        role: Role::Own,
        steps,
        locks,
        unjudged: None,
    }
}

fn sql(dir: &str, dirs: &[&str], name: &str, text: &str) -> Option<MigrationFile> {
    let lower = name.to_ascii_lowercase();
    let parent = dirs.last().copied().unwrap_or("");
    let grandparent = dirs.len().checked_sub(2).and_then(|i| dirs.get(i)).copied();
    let paired = |tool: Tool, role: Role, lint: bool| {
        let (locks, unjudged) = if lint {
            lint_sql(text)
        } else {
            (Vec::new(), None)
        };
        Some(MigrationFile {
            tool,
            role,
            steps: Vec::new(),
            locks,
            unjudged,
        })
    };
    // A folder per migration: Prisma's prisma/migrations/<name>/migration.sql (and the
    // down.sql `prisma migrate diff` writes beside it), Diesel's migrations/<name>/up.sql and
    // down.sql.
    if grandparent.is_some_and(|g| g == "migrations") {
        let key = dir.to_string();
        match lower.as_str() {
            "migration.sql" => return paired(Tool::Prisma, Role::Up { key }, true),
            "up.sql" => return paired(Tool::Diesel, Role::Up { key }, true),
            "down.sql" => return paired(Tool::Diesel, Role::Down { key }, false),
            _ => {}
        }
    }
    let head = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head
        .trim_start_matches('-')
        .trim()
        .starts_with("liquibase formatted sql")
    {
        return Some(liquibase(text));
    }
    if let Some(down) = marker_line(text, "-- +goose down") {
        return Some(inline(Tool::Goose, text, Some(down)));
    }
    if text.to_ascii_lowercase().contains("-- +goose up") {
        return Some(inline(Tool::Goose, text, None));
    }
    if let Some(down) = marker_line(text, "-- migrate:down") {
        return Some(inline(Tool::Dbmate, text, Some(down)));
    }
    if let Some(c) = FLYWAY.as_ref().and_then(|r| r.captures(name)) {
        // Flyway versions are global; the other keys are paths, so they cannot meet.
        let version = format!(
            "flyway:{}",
            c.get(2).map_or("", |m| m.as_str()).replace('_', ".")
        );
        let undo = c
            .get(1)
            .is_some_and(|m| m.as_str().eq_ignore_ascii_case("u"));
        return if undo {
            paired(Tool::Flyway, Role::Down { key: version }, false)
        } else {
            paired(Tool::Flyway, Role::Up { key: version }, true)
        };
    }
    if name.starts_with("R__") {
        return paired(Tool::Flyway, Role::Repeatable, true);
    }
    if let Some(c) = GOLANG_MIGRATE.as_ref().and_then(|r| r.captures(name)) {
        let key = format!("{dir}/{}", c.get(1).map_or("", |m| m.as_str()));
        return if c.get(2).is_some_and(|m| m.as_str() == "down") {
            paired(Tool::GolangMigrate, Role::Down { key }, false)
        } else {
            paired(Tool::GolangMigrate, Role::Up { key }, true)
        };
    }
    // Plain SQL: files in a migrations directory; a down file says so in its name
    // (`0002_add_index_down.sql`, `rollback`, `undo`, `revert`) or sits in a `down/` directory
    // beside `up/`.
    let migration_dir = dirs.iter().any(|d| {
        matches!(
            d.to_ascii_lowercase().as_str(),
            "migrations" | "migration" | "migrate"
        )
    });
    if !migration_dir {
        return None;
    }
    let stem = lower.trim_end_matches(".sql");
    let (base, is_down) = if matches!(parent, "up" | "down") {
        let base = dirs
            .get(..dirs.len() - 1)
            .map_or(String::new(), |d| d.join("/"));
        (format!("{base}/{stem}"), parent == "down")
    } else {
        let mut down = false;
        let words: Vec<&str> = stem
            .split(['.', '_', '-'])
            .filter(|w| match *w {
                "down" | "rollback" | "undo" | "revert" => {
                    down = true;
                    false
                }
                "up" => false,
                _ => true,
            })
            .collect();
        (format!("{dir}/{}", words.join("_")), down)
    };
    if is_down {
        paired(Tool::PlainSql, Role::Down { key: base }, false)
    } else {
        paired(Tool::PlainSql, Role::Up { key: base }, true)
    }
}

/// The 1-based line of a marker comment (compared without case), if the text has it.
fn marker_line(text: &str, marker: &str) -> Option<u32> {
    text.lines()
        .position(|l| l.trim().to_ascii_lowercase().starts_with(marker))
        .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

/// goose and dbmate: up and down in one file, the down part after its marker.
fn inline(tool: Tool, text: &str, down: Option<u32>) -> MigrationFile {
    let up_text = match down {
        Some(line) => text
            .lines()
            .take(line.saturating_sub(1) as usize)
            .collect::<Vec<_>>()
            .join("\n"),
        None => text.to_string(),
    };
    let body_after = |line: u32| text.lines().skip(line as usize).any(is_statement_line);
    let down = match down {
        Some(line) if body_after(line) => Down::Present { path: None, line },
        Some(line) => Down::Irreversible {
            line,
            why: "its down section is empty".to_string(),
        },
        None => Down::Missing {
            why: format!(
                "it has no `{}` section",
                if tool == Tool::Goose {
                    "-- +goose Down"
                } else {
                    "-- migrate:down"
                }
            ),
        },
    };
    let (locks, unjudged) = lint_sql(&up_text);
    MigrationFile {
        tool,
        role: Role::Own,
        steps: vec![Step { line: 1, down }],
        locks,
        unjudged,
    }
}

/// A line of SQL that is not blank and not only a comment.
fn is_statement_line(l: &str) -> bool {
    let t = l.trim();
    !t.is_empty() && !t.starts_with("--")
}

/// Liquibase formatted SQL: each `--changeset` with its `--rollback` lines.
fn liquibase(text: &str) -> MigrationFile {
    let mut steps: Vec<Step> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let t = l.trim().to_ascii_lowercase();
        let comment = t.trim_start_matches('-').trim_start();
        if !t.starts_with("--") {
            continue;
        }
        if comment.starts_with("changeset ") {
            steps.push(Step {
                line,
                down: Down::Missing {
                    why: "the changeset has no `--rollback` (Liquibase cannot roll back raw SQL by itself)".to_string(),
                },
            });
        } else if let Some(rest) = comment.strip_prefix("rollback")
            && let Some(step) = steps.last_mut()
            && matches!(step.down, Down::Missing { .. })
        {
            // A rollback that is only a comment is empty.
            step.down = if rest.split("--").next().unwrap_or("").trim().is_empty() {
                Down::Irreversible {
                    line,
                    why: "its `--rollback` is empty".to_string(),
                }
            } else {
                Down::Present { path: None, line }
            };
        }
    }
    let (locks, unjudged) = lint_sql(text);
    MigrationFile {
        tool: Tool::Liquibase,
        role: Role::Own,
        steps,
        locks,
        unjudged,
    }
}

/// Runs squawk's locking and rewrite rules over SQL. Each migration runs as one transaction (the
/// tools wrap it in one; PostgreSQL runs several statements sent at once as one), so squawk's
/// in-transaction setting is on: tables the same file creates are new and empty, and statements
/// on them are not findings.
fn lint_sql(text: &str) -> (Vec<Lock>, Option<Unjudged>) {
    let parse = squawk_syntax::SourceFile::parse(text);
    let mut linter = Linter::from(LOCKING_RULES);
    linter.settings.assume_in_transaction = true;
    let index = LineIndex::new(text);
    let locks = linter
        .lint(&parse, text)
        .into_iter()
        .filter(|v| LOCKING_RULES.contains(&v.code))
        .map(|v| {
            let (line, column) = index.at(u32::from(v.text_range.start()) as usize);
            Lock {
                line,
                column,
                rule: v.code.to_string(),
                message: v.message,
                help: v.help,
            }
        })
        .collect::<Vec<Lock>>();
    let mut locks = locks;
    for extra in table_locks(&parse, &index) {
        if !locks
            .iter()
            .any(|l| l.line == extra.line && l.rule == extra.rule)
        {
            locks.push(extra);
        }
    }
    locks.sort_by_key(|l| (l.line, l.column));
    let unjudged = parse.errors().first().map(|e| {
        let (line, _) = index.at(u32::from(e.range().start()) as usize);
        Unjudged {
            line,
            why: format!(
                "squawk could not read it as PostgreSQL from line {line} ({})",
                e.message()
            ),
        }
    });
    (locks, unjudged)
}

/// Statements that lock a whole table for their duration and that squawk's rules leave to other
/// settings: `CLUSTER` and `VACUUM FULL` rewrite the table under an ACCESS EXCLUSIVE lock (squawk's
/// `prefer-repack` reports them only from PostgreSQL 19, where `REPACK` is the way out; the lock
/// is the same before it), and `LOCK TABLE` in a mode that blocks writes (SHARE and stronger; the
/// default is ACCESS EXCLUSIVE).
fn table_locks(
    parse: &squawk_syntax::Parse<squawk_syntax::SourceFile>,
    index: &LineIndex<'_>,
) -> Vec<Lock> {
    use squawk_syntax::ast::{self, AstNode, LockMode};
    let mut out = Vec::new();
    for stmt in parse.tree().stmts() {
        let (message, help) = match &stmt {
            ast::Stmt::Cluster(_) => (
                "`CLUSTER` rewrites the table under an `ACCESS EXCLUSIVE` lock, which blocks reads and writes until it is done",
                "Use `pg_repack` (or `REPACK CONCURRENTLY` on PostgreSQL 19) outside the deploy's migrations.",
            ),
            ast::Stmt::Vacuum(v) if v.is_full() => (
                "`VACUUM FULL` rewrites the table under an `ACCESS EXCLUSIVE` lock, which blocks reads and writes until it is done",
                "Use `pg_repack` (or `REPACK CONCURRENTLY` on PostgreSQL 19) outside the deploy's migrations.",
            ),
            ast::Stmt::Lock(l) => {
                let mode = l.lock_mode_clause().and_then(|c| c.lock_mode());
                if matches!(
                    mode,
                    Some(
                        LockMode::AccessShare(_)
                            | LockMode::RowShare(_)
                            | LockMode::RowExclusive(_)
                            | LockMode::ShareUpdateExclusive(_)
                    )
                ) {
                    continue;
                }
                (
                    "`LOCK TABLE` in a mode that blocks writes (SHARE or stronger; ACCESS EXCLUSIVE when no mode is given) holds every writer of the table until the migration's transaction ends",
                    "Let each statement take the lock it needs, with a short `lock_timeout`, instead of locking the table for the whole migration.",
                )
            }
            _ => continue,
        };
        let rule = match &stmt {
            ast::Stmt::Lock(_) => "lock-table",
            _ => "prefer-repack",
        };
        let (line, column) = index.at(u32::from(stmt.syntax().text_range().start()) as usize);
        out.push(Lock {
            line,
            column,
            rule: rule.to_string(),
            message: message.to_string(),
            help: Some(help.to_string()),
        });
    }
    out
}

/// Byte offsets to 1-based lines and character columns.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    fn at(&self, offset: usize) -> (u32, u32) {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(i).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(0, |s| s.chars().count());
        (
            u32::try_from(i + 1).unwrap_or(u32::MAX),
            u32::try_from(col + 1).unwrap_or(u32::MAX),
        )
    }
}

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The lines of a Python or Ruby block that starts at line index `start`: the following lines
/// indented deeper (Python), or up to the `end` at the same indentation (Ruby).
fn block<'t>(lines: &[&'t str], start: usize, ruby: bool) -> Vec<(usize, &'t str)> {
    let base = lines.get(start).map_or(0, |l| indent(l));
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        if l.trim().is_empty() {
            continue;
        }
        if indent(l) <= base {
            if ruby && l.trim() != "end" {
                // A `rescue` or `ensure` at the def's level still belongs to it.
                if l.trim().starts_with("rescue") || l.trim().starts_with("ensure") {
                    continue;
                }
            }
            break;
        }
        out.push((i, *l));
    }
    out
}

/// The statements of a Python block: without comments and docstrings.
fn python_statements<'t>(body: &[(usize, &'t str)]) -> Vec<(usize, &'t str)> {
    let mut out = Vec::new();
    let mut in_doc: Option<&str> = None;
    for &(i, l) in body {
        let t = l.trim();
        if let Some(q) = in_doc {
            if t.contains(q) {
                in_doc = None;
            }
            continue;
        }
        if t.starts_with('#') {
            continue;
        }
        if let Some(q) = ["\"\"\"", "'''"].into_iter().find(|q| t.starts_with(q)) {
            if !(t.len() >= 6 && t[3..].contains(q)) {
                in_doc = Some(q);
            }
            continue;
        }
        out.push((i, t));
    }
    out
}

/// Alembic: `def upgrade` and `def downgrade` in one revision file.
fn alembic(text: &str) -> MigrationFile {
    let lines: Vec<&str> = text.lines().collect();
    let def_line = |name: &str| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("def {name}(")))
    };
    let up = def_line("upgrade").unwrap_or(0);
    let down = match def_line("downgrade") {
        None => Down::Missing {
            why: "it has no `downgrade()`".to_string(),
        },
        Some(d) => {
            let body = block(&lines, d, false);
            let stmts = python_statements(&body);
            if stmts.iter().all(|(_, t)| *t == "pass" || *t == "...") {
                Down::Irreversible {
                    line: line_no(d),
                    why: "its `downgrade()` does nothing (only `pass`)".to_string(),
                }
            } else if let Some((i, _)) = stmts.iter().find(|(_, t)| t.starts_with("raise ")) {
                Down::Irreversible {
                    line: line_no(*i),
                    why: "its `downgrade()` raises".to_string(),
                }
            } else {
                Down::Present {
                    path: None,
                    line: line_no(d),
                }
            }
        }
    };
    let up_body: Vec<(usize, &str)> = block(&lines, up, false);
    let up_text: Vec<(usize, &str)> = up_body.clone();
    let created = created_tables(text, &CREATE_TABLE_PY);
    let mut locks = Vec::new();
    let mut unjudged = None;
    for (i, call, args) in calls(
        &lines,
        &up_text,
        &[
            "op.create_index(",
            "op.alter_column(",
            "op.add_column(",
            "op.execute(",
            "op.create_foreign_key(",
            "op.create_check_constraint(",
            "op.create_unique_constraint(",
            "op.create_primary_key(",
        ],
    ) {
        let a = Args::parse(&args);
        match call {
            "op.create_foreign_key("
            | "op.create_check_constraint("
            | "op.create_unique_constraint("
            | "op.create_primary_key(" => {
                let table = a
                    .keyword(if call == "op.create_foreign_key(" {
                        "source_table"
                    } else {
                        "table_name"
                    })
                    .or(a.positional(1))
                    .map(unquote);
                let new_table = table.is_some_and(|t| created.contains(&t.to_ascii_lowercase()));
                let not_valid = a
                    .keyword("postgresql_not_valid")
                    .is_some_and(|v| v == "True");
                if new_table || not_valid {
                    continue;
                }
                let (rule, message, help) = match call {
                    "op.create_foreign_key(" => (
                        "alembic-create-foreign-key",
                        "`op.create_foreign_key` adds the constraint without `NOT VALID`: it validates every row while it blocks writes to both tables",
                        "Pass `postgresql_not_valid=True` (or `op.execute` an `ADD CONSTRAINT ... NOT VALID`), then `VALIDATE CONSTRAINT` in a later migration.",
                    ),
                    "op.create_check_constraint(" => (
                        "alembic-create-check-constraint",
                        "`op.create_check_constraint` adds the constraint without `NOT VALID`: it scans every row under an ACCESS EXCLUSIVE lock",
                        "Pass `postgresql_not_valid=True` (or `op.execute` an `ADD CONSTRAINT ... NOT VALID`), then `VALIDATE CONSTRAINT` in a later migration.",
                    ),
                    _ => (
                        "alembic-create-unique-constraint",
                        "adding a unique or primary key constraint builds its index under an ACCESS EXCLUSIVE lock",
                        "Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the constraint `USING INDEX`.",
                    ),
                };
                locks.push(lock_at(&lines, i, call, rule, message, help));
            }
            "op.execute(" => {
                if let Some(sql) = a.positional(0).and_then(python_literal) {
                    embedded(&sql, &lines, i, "op.execute", &mut locks, &mut unjudged);
                }
            }
            "op.create_index(" => {
                let table = a.positional(1).map(unquote);
                let concurrently = a
                    .keyword("postgresql_concurrently")
                    .is_some_and(|v| v == "True");
                let new_table = table.is_some_and(|t| created.contains(&t.to_ascii_lowercase()));
                if !concurrently && !new_table {
                    locks.push(lock_at(&lines, i, call, "alembic-create-index",
                        "`op.create_index` without `postgresql_concurrently=True` builds the index with `CREATE INDEX`, which blocks writes to the table until it is built",
                        "Pass `postgresql_concurrently=True` and run it outside the migration's transaction (`with op.get_context().autocommit_block():`)."));
                }
            }
            "op.alter_column(" => {
                let new_table = a
                    .positional(0)
                    .map(unquote)
                    .is_some_and(|t| created.contains(&t.to_ascii_lowercase()));
                if a.keyword("nullable") == Some("False") && !new_table {
                    locks.push(lock_at(&lines, i, call, "alembic-set-not-null",
                        "`op.alter_column` with `nullable=False` runs `SET NOT NULL`, which scans the whole table under an ACCESS EXCLUSIVE lock",
                        "Add a `CHECK (column IS NOT NULL) NOT VALID` constraint, validate it in a later migration, then set NOT NULL (PostgreSQL 12+ skips the scan)."));
                }
                if a.keyword("type_").is_some() {
                    locks.push(lock_at(&lines, i, call, "alembic-alter-column-type",
                        "`op.alter_column` with `type_=` changes the column's type, which rewrites the table under an ACCESS EXCLUSIVE lock unless the types are binary compatible",
                        "Add a new column, backfill it in batches and switch reads to it."));
                }
            }
            _ => {
                if args.contains("nullable=False") && !args.contains("server_default") {
                    locks.push(lock_at(&lines, i, call, "alembic-add-required-column",
                        "`op.add_column` adds a NOT NULL column without a server default: it fails on a table with rows and blocks it while it tries",
                        "Add the column nullable (or with a `server_default`), backfill it, then set NOT NULL."));
                }
            }
        }
    }
    MigrationFile {
        unjudged,
        ..own(
            Tool::Alembic,
            vec![Step {
                line: line_no(up),
                down,
            }],
            locks,
        )
    }
}

static CREATE_TABLE_PY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r#"(?:op\.create_table|migrations\.CreateModel)\(\s*(?:name\s*=\s*)?['"](\w+)['"]"#)
});
static CREATE_TABLE_RB: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r#"create_table\s*\(?\s*[:'"](\w+)"#));

/// The tables (lower case) a migration file creates.
fn created_tables(text: &str, re: &LazyLock<Option<Regex>>) -> BTreeSet<String> {
    re.as_ref()
        .map(|r| {
            r.captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '"' || c == '\'' || c == ':')
}

fn lock_at(lines: &[&str], i: usize, call: &str, rule: &str, message: &str, help: &str) -> Lock {
    let column = lines
        .get(i)
        .and_then(|l| l.find(call.trim_end_matches('(')))
        .map_or(1, |c| c + 1);
    Lock {
        line: line_no(i),
        column: u32::try_from(column).unwrap_or(1),
        rule: rule.to_string(),
        message: message.to_string(),
        help: Some(help.to_string()),
    }
}

/// The calls to any of `names` (each ending in `(`) that start on the given lines, with their
/// argument text (up to the matching parenthesis, across lines).
fn calls<'n>(
    lines: &[&str],
    on: &[(usize, &str)],
    names: &[&'n str],
) -> Vec<(usize, &'n str, String)> {
    let mut out = Vec::new();
    for &(i, l) in on {
        for &name in names {
            let Some(at) = l.find(name) else { continue };
            let rest: String = std::iter::once(&l[at + name.len()..])
                .chain(lines.iter().skip(i + 1).take(40).copied())
                .collect::<Vec<_>>()
                .join("\n");
            out.push((i, name, balanced(&rest)));
        }
    }
    out
}

/// The text up to the parenthesis that closes one already open, quotes respected.
fn balanced(rest: &str) -> String {
    let mut depth = 1usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = ' ';
    for (i, c) in rest.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        match quote {
            Some(q) => {
                if c == q && prev != '\\' {
                    quote = None;
                }
            }
            None => match c {
                '#' => comment = true,
                '"' | '\'' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return rest[..i].to_string();
                    }
                }
                _ => {}
            },
        }
        prev = c;
    }
    rest.to_string()
}

/// Top-level arguments of a call: positional ones and `name=value` ones.
struct Args {
    positional: Vec<String>,
    keywords: BTreeMap<String, String>,
}

impl Args {
    fn parse(args: &str) -> Args {
        let mut parts = Vec::new();
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut cur = String::new();
        let mut comment = false;
        for c in args.chars() {
            if comment {
                comment = c != '\n';
                continue;
            }
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                    cur.push(c);
                }
                None => match c {
                    // A comment (Python, Ruby) to the end of its line.
                    '#' => comment = true,
                    '"' | '\'' => {
                        quote = Some(c);
                        cur.push(c);
                    }
                    '(' | '[' | '{' => {
                        depth += 1;
                        cur.push(c);
                    }
                    ')' | ']' | '}' => {
                        depth = depth.saturating_sub(1);
                        cur.push(c);
                    }
                    ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                },
            }
        }
        parts.push(cur);
        let mut out = Args {
            positional: Vec::new(),
            keywords: BTreeMap::new(),
        };
        for p in parts {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            match p.split_once('=') {
                Some((k, v))
                    if !k.trim().is_empty()
                        && k.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
                        && !v.starts_with('=') =>
                {
                    out.keywords
                        .insert(k.trim().to_string(), v.trim().to_string());
                }
                _ => out.positional.push(p.to_string()),
            }
        }
        out
    }

    fn positional(&self, i: usize) -> Option<&str> {
        self.positional.get(i).map(String::as_str)
    }

    fn keyword(&self, name: &str) -> Option<&str> {
        self.keywords.get(name).map(String::as_str)
    }
}

/// Django: operations are reversible except `RunPython` without `reverse_code` and `RunSQL`
/// without `reverse_sql`.
fn django(text: &str) -> MigrationFile {
    let lines: Vec<&str> = text.lines().collect();
    let class = lines
        .iter()
        .position(|l| l.trim_start().starts_with("class Migration"))
        .unwrap_or(0);
    let all: Vec<(usize, &str)> = lines.iter().copied().enumerate().collect();
    let created = created_tables(text, &CREATE_TABLE_PY);
    let mut down = Down::Present {
        path: None,
        line: line_no(class),
    };
    let mut locks = Vec::new();
    let names = [
        "migrations.RunPython(",
        "migrations.RunSQL(",
        "migrations.AddIndex(",
        "migrations.RemoveIndex(",
        "migrations.AddConstraint(",
    ];
    let mut unjudged = None;
    for (i, call, args) in calls(&lines, &all, &names) {
        let a = Args::parse(&args);
        if call == "migrations.RunSQL("
            && let Some(sql) = a
                .keyword("sql")
                .or(a.positional(0))
                .and_then(python_literal)
        {
            embedded(&sql, &lines, i, "RunSQL", &mut locks, &mut unjudged);
        }
        let given =
            |kw: &str| a.positional(1).is_some() || a.keyword(kw).is_some_and(|v| v != "None");
        match call {
            "migrations.RunPython("
                if !given("reverse_code") && !matches!(down, Down::Irreversible { .. }) =>
            {
                down = Down::Irreversible {
                    line: line_no(i),
                    why: "`RunPython` has no `reverse_code`".to_string(),
                };
            }
            "migrations.RunSQL("
                if !given("reverse_sql") && !matches!(down, Down::Irreversible { .. }) =>
            {
                down = Down::Irreversible {
                    line: line_no(i),
                    why: "`RunSQL` has no `reverse_sql`".to_string(),
                };
            }
            "migrations.AddIndex(" => {
                let model = a.keyword("model_name").or(a.positional(0)).map(unquote);
                if !model.is_some_and(|m| created.contains(&m.to_ascii_lowercase())) {
                    locks.push(lock_at(&lines, i, call, "django-add-index",
                        "`AddIndex` builds the index with `CREATE INDEX`, which blocks writes to the table until it is built",
                        "Use `django.contrib.postgres.operations.AddIndexConcurrently` in a migration with `atomic = False`."));
                }
            }
            "migrations.AddConstraint(" => {
                let model = a.keyword("model_name").or(a.positional(0)).map(unquote);
                if !model.is_some_and(|m| created.contains(&m.to_ascii_lowercase())) {
                    locks.push(lock_at(&lines, i, call, "django-add-constraint",
                        "`AddConstraint` adds the constraint validated (a check scans every row, a unique constraint builds its index) while the table is locked",
                        "For a check, use `django.contrib.postgres.operations.AddConstraintNotValid` and `ValidateConstraint` in a later migration; for a unique constraint, build the index concurrently first."));
                }
            }
            "migrations.RemoveIndex(" => {
                locks.push(lock_at(&lines, i, call, "django-remove-index",
                    "`RemoveIndex` drops the index with `DROP INDEX`, which takes an ACCESS EXCLUSIVE lock on the table",
                    "Use `django.contrib.postgres.operations.RemoveIndexConcurrently` in a migration with `atomic = False`."));
            }
            _ => {}
        }
    }
    MigrationFile {
        unjudged,
        ..own(
            Tool::Django,
            vec![Step {
                line: line_no(class),
                down,
            }],
            locks,
        )
    }
}

/// Rails: `def change` is reversible (except `execute`, `change_column` and a `remove_column`
/// without its type, outside a `reversible` block); `def up` needs a `def down`; `raise
/// ActiveRecord::IrreversibleMigration` is no down step.
fn rails(text: &str) -> MigrationFile {
    let lines: Vec<&str> = text.lines().collect();
    let def_line = |name: &str| {
        lines.iter().position(|l| {
            let t = l.trim_start();
            t == format!("def {name}")
                || t.starts_with(&format!("def {name} "))
                || t.starts_with(&format!("def {name}("))
        })
    };
    let change = def_line("change");
    let up = def_line("up");
    let down_def = def_line("down");
    let start = change.or(up).unwrap_or(0);
    let raise = lines
        .iter()
        .position(|l| l.contains("ActiveRecord::IrreversibleMigration"));
    let mut down = match (change, up, down_def) {
        _ if raise.is_some() => Down::Irreversible {
            line: line_no(raise.unwrap_or(0)),
            why: "it raises `ActiveRecord::IrreversibleMigration`".to_string(),
        },
        (_, _, Some(d)) => Down::Present {
            path: None,
            line: line_no(d),
        },
        (Some(c), _, None) => Down::Present {
            path: None,
            line: line_no(c),
        },
        (None, _, None) => Down::Missing {
            why: "it has `def up` and no `def down`".to_string(),
        },
    };
    let body: Vec<(usize, &str)> = block(&lines, start, true);
    if let Some(c) = change
        && down_def.is_none()
        && !matches!(down, Down::Irreversible { .. })
    {
        let mut guarded_until = 0usize;
        for &(i, l) in &block(&lines, c, true) {
            let t = l.trim_start();
            if t.starts_with("reversible do") || t.starts_with("up_only") {
                guarded_until = block(&lines, i, true).last().map_or(i, |(j, _)| *j);
                continue;
            }
            if i <= guarded_until {
                continue;
            }
            let why = if t.starts_with("execute") {
                Some("`execute` in `change` cannot be reversed")
            } else if t.starts_with("change_column ") || t.starts_with("change_column(") {
                Some("`change_column` in `change` cannot be reversed")
            } else if (t.starts_with("remove_column ") || t.starts_with("remove_column("))
                && Args::parse(
                    t.trim_start_matches("remove_column")
                        .trim_start_matches('('),
                )
                .positional
                .len()
                    < 3
            {
                Some("`remove_column` without the column's type cannot be reversed")
            } else {
                None
            };
            if let Some(why) = why {
                down = Down::Irreversible {
                    line: line_no(i),
                    why: why.to_string(),
                };
                break;
            }
        }
    }
    let created = created_tables(text, &CREATE_TABLE_RB);
    let mut locks = Vec::new();
    let mut unjudged = None;
    for &(i, l) in &body {
        let t = l.trim_start();
        if let Some(sql) = ruby_execute_sql(&lines, i) {
            embedded(&sql, &lines, i, "execute", &mut locks, &mut unjudged);
            continue;
        }
        let first_arg = || {
            t.split_whitespace().nth(1).map(|s| {
                unquote(s.trim_start_matches('(').trim_end_matches(',')).to_ascii_lowercase()
            })
        };
        if t.starts_with("add_index") {
            if !t.contains("algorithm: :concurrently")
                && !first_arg().is_some_and(|tb| created.contains(&tb))
            {
                locks.push(lock_at(&lines, i, "add_index", "rails-add-index",
                    "`add_index` without `algorithm: :concurrently` builds the index with `CREATE INDEX`, which blocks writes to the table until it is built",
                    "Add `algorithm: :concurrently` and `disable_ddl_transaction!` to the migration."));
            }
        } else if t.starts_with("change_column ") || t.starts_with("change_column(") {
            locks.push(lock_at(&lines, i, "change_column", "rails-change-column",
                "`change_column` changes the column's type, which rewrites the table under an ACCESS EXCLUSIVE lock unless the types are binary compatible",
                "Add a new column, backfill it in batches and switch reads to it."));
        } else if t.starts_with("add_column")
            && t.contains("null: false")
            && !t.contains("default:")
        {
            locks.push(lock_at(&lines, i, "add_column", "rails-add-required-column",
                "`add_column` adds a NOT NULL column without a default: it fails on a table with rows and blocks it while it tries",
                "Add the column nullable (or with a default), backfill it, then add the NOT NULL constraint."));
        } else if t.starts_with("add_reference")
            && !t.contains("index: false")
            && !t.contains("algorithm: :concurrently")
            && !first_arg().is_some_and(|tb| created.contains(&tb))
        {
            locks.push(lock_at(&lines, i, "add_reference", "rails-add-reference",
                "`add_reference` builds its index with `CREATE INDEX` (Rails adds one unless `index: false`), which blocks writes to the table until it is built",
                "Pass `index: {algorithm: :concurrently}` and add `disable_ddl_transaction!` to the migration."));
        } else if t.starts_with("add_check_constraint") && !t.contains("validate: false") {
            locks.push(lock_at(&lines, i, "add_check_constraint", "rails-add-check-constraint",
                "`add_check_constraint` validates every row while it blocks writes to the table",
                "Add it with `validate: false`, then `validate_check_constraint` in a later migration."));
        } else if t.starts_with("change_column_null") && t.contains("false") {
            locks.push(lock_at(&lines, i, "change_column_null", "rails-set-not-null",
                "`change_column_null ..., false` sets NOT NULL, which scans the table under an ACCESS EXCLUSIVE lock",
                "Add a `CHECK (column IS NOT NULL)` constraint with `validate: false`, validate it in a later migration, then set NOT NULL."));
        } else if t.starts_with("add_foreign_key") && !t.contains("validate: false") {
            locks.push(lock_at(
                &lines,
                i,
                "add_foreign_key",
                "rails-add-foreign-key",
                "`add_foreign_key` validates every row while it holds locks on both tables",
                "Add it with `validate: false`, then `validate_foreign_key` in a later migration.",
            ));
        }
    }
    MigrationFile {
        unjudged,
        ..own(
            Tool::Rails,
            vec![Step {
                line: line_no(start),
                down,
            }],
            locks,
        )
    }
}

static RUBY_EXECUTE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r#"\bexecute[\s(]+(?:<<[~-]?['"]?(\w+)['"]?|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"#)
});

/// The SQL a Rails `execute` on line `i` runs, when it is a literal or a heredoc.
fn ruby_execute_sql(lines: &[&str], i: usize) -> Option<String> {
    let c = RUBY_EXECUTE.as_ref()?.captures(lines.get(i)?)?;
    if let Some(id) = c.get(1) {
        let body: Vec<&str> = lines
            .iter()
            .skip(i + 1)
            .take_while(|l| l.trim() != id.as_str())
            .copied()
            .collect();
        return Some(body.join("\n"));
    }
    c.get(2).or(c.get(3)).map(|m| m.as_str().to_string())
}

/// The text of a Python string literal argument (`"..."`, `"""..."""`, `r"..."`, or one
/// wrapped in `sa.text(...)`); `None` for anything computed (f-strings, names, concatenation).
fn python_literal(arg: &str) -> Option<String> {
    let mut a = arg.trim();
    for wrapper in ["sa.text(", "sqlalchemy.text(", "text("] {
        if let Some(inner) = a.strip_prefix(wrapper) {
            a = inner.strip_suffix(')')?.trim();
        }
    }
    let a = a.strip_prefix(['r', 'R', 'u', 'U']).unwrap_or(a);
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = a.strip_prefix(q).and_then(|x| x.strip_suffix(q))
            && !inner.contains(q)
        {
            return Some(inner.to_string());
        }
    }
    None
}

/// squawk's findings in SQL an ORM migration runs (`op.execute`, `RunSQL`, Rails `execute`),
/// at the line of the call.
fn embedded(
    sql: &str,
    lines: &[&str],
    i: usize,
    via: &str,
    locks: &mut Vec<Lock>,
    unjudged: &mut Option<Unjudged>,
) {
    let (found, not_read) = lint_sql(sql);
    let column = lines
        .get(i)
        .and_then(|l| l.find(via))
        .map_or(1, |c| u32::try_from(c + 1).unwrap_or(1));
    locks.extend(found.into_iter().map(|l| Lock {
        line: line_no(i),
        column,
        rule: l.rule,
        message: format!(
            "{} (in the SQL `{via}` runs)",
            l.message.trim_end_matches('.')
        ),
        help: l.help,
    }));
    if not_read.is_some() && unjudged.is_none() {
        *unjudged = Some(Unjudged {
            line: line_no(i),
            why: format!("squawk could not read the SQL `{via}` runs as PostgreSQL"),
        });
    }
}

/// Knex (and migrations of the same shape): an exported `up` and `down`.
fn knex(text: &str) -> MigrationFile {
    let up = first_line(&KNEX_UP, text).unwrap_or(1);
    let down = match first_line(&KNEX_DOWN, text) {
        Some(line) => Down::Present { path: None, line },
        None => Down::Missing {
            why: "it exports `up` and no `down`".to_string(),
        },
    };
    let end = match &down {
        Down::Present { line, .. } if *line > up => *line,
        _ => u32::MAX,
    };
    let (locks, unjudged) = knex_locks(text, up, end);
    MigrationFile {
        unjudged,
        ..own(Tool::Knex, vec![Step { line: up, down }], locks)
    }
}

static KNEX_TABLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r#"\.(createTable|createTableIfNotExists|createTableLike|alterTable|table)\s*\(\s*['"`]([\w.]+)"#,
    )
});

/// The schema changes of a Knex `up` (lines `up..end`, 1-based) that lock: an index, a unique
/// or primary key, or a foreign key added in `alterTable`/`table` to a table the migration does
/// not create (Knex builds them with `CREATE INDEX` and `ADD CONSTRAINT` without `NOT VALID`;
/// there is no concurrent form), and squawk's findings in the SQL `knex.raw` runs.
fn knex_locks(text: &str, up: u32, end: u32) -> (Vec<Lock>, Option<Unjudged>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut locks = Vec::new();
    let mut unjudged = None;
    let mut created: BTreeSet<String> = BTreeSet::new();
    // The table the builder callback being read belongs to, and whether it is an existing one.
    let mut existing = false;
    for (i, l) in lines.iter().enumerate() {
        let n = line_no(i);
        if n < up || n >= end {
            continue;
        }
        if let Some(c) = KNEX_TABLE.as_ref().and_then(|r| r.captures(l)) {
            let table = c.get(2).map_or("", |m| m.as_str()).to_ascii_lowercase();
            let kind = c.get(1).map_or("", |m| m.as_str());
            if kind.starts_with("createTable") {
                created.insert(table);
                existing = false;
            } else {
                existing = !created.contains(&table);
            }
        }
        if let Some(at) = l.find(".raw(") {
            let rest = l[at + 5..].trim_start();
            if let Some(q) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '\'' | '"' | '`'))
                && let Some(close) = rest[1..].find(q)
            {
                embedded(
                    &rest[1..=close],
                    &lines,
                    i,
                    ".raw",
                    &mut locks,
                    &mut unjudged,
                );
            }
        }
        if !existing {
            continue;
        }
        for (call, rule, message) in [
            (
                ".index(",
                "knex-index",
                "`index` on an existing table builds it with `CREATE INDEX`, which blocks writes to the table until it is built",
            ),
            (
                ".unique(",
                "knex-unique",
                "`unique` on an existing table builds a unique index with `CREATE UNIQUE INDEX`, which blocks writes to the table until it is built",
            ),
            (
                ".primary(",
                "knex-primary",
                "`primary` on an existing table builds the key's index under an ACCESS EXCLUSIVE lock",
            ),
            (
                ".foreign(",
                "knex-foreign",
                "`foreign` on an existing table adds the constraint without `NOT VALID`: it validates every row while it blocks writes to both tables",
            ),
        ] {
            if l.contains(call) {
                locks.push(lock_at(&lines, i, call, rule, message,
                    "Use `knex.raw` with `CREATE INDEX CONCURRENTLY` (or `ADD CONSTRAINT ... NOT VALID` and a later `VALIDATE CONSTRAINT`) in a migration with `config = { transaction: false }`."));
            }
        }
    }
    (locks, unjudged)
}

/// The migrations of a repository: every file's facts, down files paired with their up files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Migrations {
    /// Every migration, in path and line order.
    pub migrations: Vec<Migration>,
    /// Statements that lock or rewrite, in path and line order.
    pub locks: Vec<Located<Lock>>,
    /// Files whose statements could not be judged, in path order.
    pub unjudged: Vec<Located<Unjudged>>,
    /// The tools in use, sorted.
    pub tools: Vec<Tool>,
}

/// One migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    pub path: String,
    pub line: u32,
    pub tool: Tool,
    pub down: Down,
}

/// A fact with the path of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub path: String,
    pub fact: T,
}

impl Migrations {
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }
}

/// Pairs up and down files and sorts everything (by path, then line).
pub fn assemble(mut files: Vec<(String, MigrationFile)>) -> Migrations {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // Down files are paired by key alone: a `down.sql` beside a Prisma `migration.sql` or a
    // Diesel `up.sql` is the same file.
    let downs: BTreeMap<&str, &str> = files
        .iter()
        .filter_map(|(p, f)| match &f.role {
            Role::Down { key } => Some((key.as_str(), p.as_str())),
            _ => None,
        })
        .collect();
    let mut out = Migrations::default();
    let mut tools = BTreeSet::new();
    for (path, f) in &files {
        if !matches!(f.role, Role::Down { .. }) {
            tools.insert(f.tool);
        }
        match &f.role {
            Role::Own => out.migrations.extend(f.steps.iter().map(|s| Migration {
                path: path.clone(),
                line: s.line,
                tool: f.tool,
                down: s.down.clone(),
            })),
            Role::Up { key } => {
                let down = match downs.get(key.as_str()) {
                    Some(d) => Down::Present {
                        path: Some((*d).to_string()),
                        line: 1,
                    },
                    None => Down::Missing {
                        why: missing_file(f.tool).to_string(),
                    },
                };
                out.migrations.push(Migration {
                    path: path.clone(),
                    line: 1,
                    tool: f.tool,
                    down,
                });
            }
            Role::Down { .. } | Role::Repeatable => {}
        }
        out.locks.extend(f.locks.iter().map(|l| Located {
            path: path.clone(),
            fact: l.clone(),
        }));
        out.unjudged.extend(f.unjudged.iter().map(|u| Located {
            path: path.clone(),
            fact: u.clone(),
        }));
    }
    out.migrations
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out.tools = tools.into_iter().collect();
    out
}

/// Why an up file of a tool with separate down files has none.
fn missing_file(tool: Tool) -> &'static str {
    match tool {
        Tool::GolangMigrate => "it has no `.down.sql` file with its version",
        Tool::Flyway => "it has no undo script (`U<version>__*.sql`) with its version",
        Tool::Prisma => {
            "Prisma Migrate has no down migrations and there is no `down.sql` beside it"
        }
        Tool::Diesel => "there is no `down.sql` beside it",
        _ => {
            "there is no down script for it (a file named like it with `down`, `rollback`, `undo` or `revert`, or in a `down/` directory)"
        }
    }
}
