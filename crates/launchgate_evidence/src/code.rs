//! The service's source code as evidence: the facts the source layer (`launchgate_source`) read
//! from each in-scope source file, kept without the file's text or tree, and the service's
//! database migrations (`launchgate_source::migrations`).

use std::sync::Arc;

pub use launchgate_source::audit::AuditTable;
pub use launchgate_source::migrations::{
    Down, Located, Lock, Migration, MigrationFile, Migrations, Tool, Unjudged,
};
pub use launchgate_source::{
    Audit, Call, Client, Fact, FactKind, FileFacts, Guard, Language, Log, Middleware, Role, Route,
    Scope, Server, Shutdown, Stop, Timeout, is_service_source,
};

use crate::source::Source;

/// The source files of the service and their facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Code {
    /// Every source file of a language the layer reads, sorted by path; files the prefilter
    /// did not select are here too, without facts.
    pub files: Vec<CodeFile>,
    /// The database migrations of the service, their down steps and their locking statements.
    pub migrations: Migrations,
    /// The audit tables the migrations create, in path and line order.
    pub audit_tables: Vec<Located<AuditTable>>,
}

/// One source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFile {
    pub path: Arc<str>,
    pub facts: FileFacts,
}

impl Code {
    /// Every fact with the path of its file, in path and line order.
    pub fn facts(&self) -> impl Iterator<Item = (&Arc<str>, &Fact)> {
        self.files
            .iter()
            .flat_map(|f| f.facts.facts.iter().map(move |x| (&f.path, x)))
    }
}

/// The facts of one scanned file, if it is the service's source, and its migration facts, if it
/// is a migration.
pub(crate) fn parse(
    src: &Source,
    code: &mut Vec<CodeFile>,
    migrations: &mut Vec<(String, MigrationFile)>,
    audit_tables: &mut Vec<Located<AuditTable>>,
) {
    code.extend(
        launchgate_source::analyze(&src.path, &src.text).map(|facts| CodeFile {
            path: src.path.clone(),
            facts,
        }),
    );
    if let Some(m) = launchgate_source::migrations::read(&src.path, &src.text) {
        audit_tables.extend(
            launchgate_source::audit::tables(&src.text)
                .into_iter()
                .map(|fact| Located {
                    path: src.path.to_string(),
                    fact,
                }),
        );
        migrations.push((src.path.to_string(), m));
    }
}

pub(crate) fn assemble(
    mut files: Vec<CodeFile>,
    migrations: Vec<(String, MigrationFile)>,
    mut audit_tables: Vec<Located<AuditTable>>,
) -> Code {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    audit_tables.sort_by(|a, b| (&a.path, a.fact.line).cmp(&(&b.path, b.fact.line)));
    Code {
        files,
        migrations: launchgate_source::migrations::assemble(migrations),
        audit_tables,
    }
}
