//! Shared wording and places of findings about the service's code (source-layer facts).

use launchgate_core::Location;
use launchgate_evidence::code::Fact;

/// Where a fact of the file at `path` is: its line and column.
pub fn at(path: &str, fact: &Fact) -> Location {
    Location::new(path.to_string(), fact.line, fact.column)
}

/// ` in `function`` for a fact inside a named function or method; empty otherwise.
pub fn inside(fact: &Fact) -> String {
    fact.function
        .as_deref()
        .map(|f| format!(" in `{f}`"))
        .unwrap_or_default()
}
