//! Libraries in use as evidence: which ship in the service and how messages name them.

use launchgate_core::Finding;
use launchgate_evidence::deps::{Capability, LibraryUse};

use crate::CheckContext;

/// The libraries providing `capability` that ship in the service (not dev, test or build
/// dependencies, not Go `// indirect` requirements), by manifest path and line.
pub fn shipped_libraries<'a>(cx: &CheckContext<'a>, capability: Capability) -> Vec<&'a LibraryUse> {
    cx.evidence.dependencies.uses(capability).collect()
}

/// A library use as users read it: `pino in package.json:12`, or
/// ``OpenTelemetry (`@opentelemetry/api`) in package.json:10`` when the library's display
/// name does not start with the dependency's name.
pub fn library_ref(u: &LibraryUse) -> String {
    let same = u
        .library
        .get(..u.dep.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(&u.dep));
    if same {
        format!("{} in {}:{}", u.library, u.manifest, u.loc.line)
    } else {
        format!(
            "{} (`{}`) in {}:{}",
            u.library, u.dep, u.manifest, u.loc.line
        )
    }
}

/// Up to three library uses, then how many more: for messages.
pub fn library_list(uses: &[&LibraryUse]) -> String {
    let mut parts: Vec<String> = uses.iter().take(3).map(|u| library_ref(u)).collect();
    if uses.len() > 3 {
        parts.push(format!("{} more", uses.len() - 3));
    }
    parts.join(", ")
}

/// One piece of evidence per library use, at the dependency's line: `{what}: pino in
/// package.json:12`.
pub fn library_findings(uses: &[&LibraryUse], what: &str) -> Vec<Finding> {
    uses.iter()
        .map(|u| Finding::new(format!("{what}: {}", library_ref(u))).at(Some(u.loc.location())))
        .collect()
}
