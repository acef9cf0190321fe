//! Audit tables that a database migration creates: a table whose name contains `audit`
//! (`audit_log`, `audit_events`, `payments_audit`), in SQL (`CREATE TABLE`), Alembic
//! (`op.create_table("audit_log", ...)`), Knex (`createTable('audit_log', ...)`), Rails
//! (`create_table :audit_logs`) and Django (`migrations.CreateModel(name="AuditLog", ...)`).
//! The text is read as written: a name the migration computes is not seen.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// A table a migration creates for audit records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditTable {
    /// 1-based line of the statement.
    pub line: u32,
    /// The table's name as written.
    pub table: String,
}

static TABLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)(?:create\s+table\s+(?:if\s+not\s+exists\s+)?(?:[`"\[]?\w+[`"\]]?\.)?[`"\[]?"#,
        r#"|(?:create_table|createTable)\(\s*[:'"]|create_table\s+:"#,
        r#"|CreateModel\(\s*name\s*=\s*['"])"#,
        r#"(\w*audit\w*)"#,
    ))
    .ok()
});

/// The audit tables the migration text creates, in line order.
pub fn tables(text: &str) -> Vec<AuditTable> {
    let Some(re) = TABLE.as_ref() else {
        return Vec::new();
    };
    // Most migrations create no audit table: one search without regard to case first.
    if !text.to_ascii_lowercase().contains("audit") {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|c| {
            let name = c.get(1)?;
            let line = text[..name.start()].matches('\n').count() + 1;
            Some(AuditTable {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                table: crate::short(name.as_str()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_tables_in_each_dialect() {
        let sql = "CREATE TABLE accounts (id int);\n\nCREATE TABLE IF NOT EXISTS public.\"audit_log\" (\n  id bigserial\n);\n";
        assert_eq!(
            tables(sql),
            [AuditTable {
                line: 3,
                table: "audit_log".to_string()
            }]
        );
        let alembic = "def upgrade():\n    op.create_table(\n        \"payments_audit\",\n    )\n";
        assert_eq!(tables(alembic).len(), 1);
        assert_eq!(tables(alembic)[0].line, 3);
        assert_eq!(
            tables("create_table :audit_events do |t|\n")[0].table,
            "audit_events"
        );
        assert_eq!(
            tables("migrations.CreateModel(name='AuditEntry', fields=[])")[0].table,
            "AuditEntry"
        );
        assert!(tables("CREATE TABLE auditors_view_x (id int)").len() == 1);
        assert!(tables("CREATE TABLE orders (audit_id int)").is_empty());
    }
}
