//! OPS-008 architecture-docs: Architecture documentation with a diagram exists in the repository.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::docs::Document;

use crate::kit::finish::{Tally, missing};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The repository documents its architecture with a diagram: a Markdown document about the
    /// architecture (its file name or one of its headings says architecture, design, overview
    /// or system) holds a fenced code block in the language `mermaid`, `plantuml` or `puml`
    /// (or one starting `@startuml`), or shows an image (`![components](components.png)`).
    ///
    /// Diagrams kept as files of their own count too, recognised by name: PlantUML (`*.puml`,
    /// `*.plantuml`, `*.iuml`, `*.pu`), Mermaid (`*.mmd`, `*.mermaid`), Structurizr DSL (a
    /// `*.dsl` file named `workspace` or under a folder named `structurizr`, `architecture`,
    /// `c4` or `docs`), LikeC4 (`*.c4`, `*.likec4`) and draw.io (`*.drawio`, `*.drawio.svg`,
    /// `*.drawio.png`).
    ///
    /// A `scope: feature` review does not apply: a feature ships inside a service whose
    /// architecture is documented with that service.
    ///
    /// ## Why it matters
    /// The people who operate, review and inherit a service need to see its parts and how they
    /// talk before they can reason about failures: which dependency a timeout belongs to, where
    /// data is stored, what a queue backs up into. A diagram next to the code is reviewed and
    /// updated with it.
    ///
    /// ## How to fix
    /// Write `docs/architecture.md` with a short overview, a diagram of the components, their
    /// dependencies and data flows (a Mermaid block renders on GitHub and GitLab), and the main
    /// design decisions.
    ///
    /// ## Example
    /// ```markdown fails path=docs/architecture.md
    /// # Architecture
    ///
    /// The indexer reads events from Kafka and writes to Elasticsearch.
    /// ```
    /// ```markdown passes path=docs/architecture.md
    /// # Architecture
    ///
    /// ~~~mermaid
    /// flowchart LR
    ///   kafka[(Kafka)] --> indexer --> es[(Elasticsearch)]
    /// ~~~
    /// ```
    ///
    /// ## References
    /// Seed 004, "Architecture documentation with system diagrams"; the C4 model (c4model.com);
    /// arc42.
    pub struct ArchitectureDocs {
        id: "OPS-008", slug: "architecture-docs", category: Operations, severity: Minor,
        tiers: [Required, Recommended, Recommended], evidence: "M", effort: 3,
    }
}

const TOPICS: &[&str] = &["architecture", "design", "overview", "system"];

fn about_architecture(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    TOPICS.iter().any(|w| t.contains(w))
}

/// The diagrams of a document about the architecture: code blocks and images.
fn diagrams(d: &Document) -> Vec<Finding> {
    let file = d.path.rsplit('/').next().unwrap_or(&d.path);
    if !about_architecture(file) && !d.headings.iter().any(|h| about_architecture(&h.text)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for b in &d.code_blocks {
        let kind = match b.lang.as_str() {
            "mermaid" => Some("a Mermaid diagram"),
            "plantuml" | "puml" => Some("a PlantUML diagram"),
            _ if b.text.trim_start().starts_with("@startuml") => Some("a PlantUML diagram"),
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(
                Finding::new(format!("architecture document `{}` holds {kind}", d.path))
                    .at(Some(b.loc.location())),
            );
        }
    }
    for i in &d.images {
        out.push(
            Finding::new(format!(
                "architecture document `{}` shows the image `{}`",
                d.path, i.target
            ))
            .at(Some(i.loc.location())),
        );
    }
    out
}

/// What kind of diagram file `path` is, by its name, if it is one.
fn diagram_file(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let ext = |e: &str| name.ends_with(e) && name.len() > e.len();
    if [".puml", ".plantuml", ".iuml", ".pu"]
        .iter()
        .any(|e| ext(e))
    {
        return Some("a PlantUML diagram");
    }
    if ext(".mmd") || ext(".mermaid") {
        return Some("a Mermaid diagram");
    }
    if ext(".c4") || ext(".likec4") {
        return Some("a LikeC4 model");
    }
    if ext(".drawio") || ext(".drawio.svg") || ext(".drawio.png") {
        return Some("a draw.io diagram");
    }
    let dsl_home = dirs
        .split('/')
        .any(|d| ["structurizr", "architecture", "c4", "docs"].contains(&d));
    if ext(".dsl") && (name == "workspace.dsl" || dsl_home) {
        return Some("a Structurizr workspace");
    }
    None
}

impl Evaluate for ArchitectureDocs {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if cx.manifest.scope == launchgate_manifest::Scope::Feature {
            return Outcome::not_applicable(
                "scope: feature: a feature ships inside a service whose architecture is documented with that service",
            );
        }
        let mut evidence: Vec<Finding> = cx
            .evidence
            .docs
            .documents
            .iter()
            .flat_map(diagrams)
            .collect();
        evidence.extend(cx.evidence.files.iter().filter_map(|f| {
            diagram_file(&f.path).map(|kind| {
                Finding::new(format!("`{}` is {kind} of the architecture", f.path))
                    .at(Some(launchgate_core::Location::new(&*f.path, 1, 1)))
            })
        }));
        if evidence.is_empty() {
            return missing(
                cx,
                "M",
                Finding::new(
                    "no architecture document with a diagram: no Markdown file about the architecture (architecture, design, overview, system) holds a Mermaid or PlantUML block or an image, and no diagram file (PlantUML, Mermaid, Structurizr, LikeC4, draw.io) is in the repository",
                )
                .at(at(cx, "/service")),
            );
        }
        Tally::judged(Vec::new(), Vec::new(), evidence).conclude(cx, "M", "")
    }
}
