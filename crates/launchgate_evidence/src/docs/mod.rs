//! Markdown documents: runbooks, rollback and escalation procedures, incident plans, review
//! templates.
//!
//! Every Markdown file becomes a [`Document`]: its headings (with GitHub's anchors), the
//! section under each heading, code blocks, links and the text of paragraphs, list items and
//! table rows, all located. [`classify`] says what a document is (a runbook, a rollback
//! procedure, an escalation path, an incident response plan, a post-incident review template)
//! and [`Docs::resolve`] follows a link (an alert's `runbook_url`, a path in a claim) to the
//! document and heading it names.

pub mod classify;
mod markdown;
mod resolve;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use markdown::slug;
pub use resolve::{Anchor, Resolution};

use crate::{EvidenceError, Loc, Located, Source};

/// Every Markdown document the scan found, by path.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub documents: Vec<Document>,
}

impl Docs {
    /// The document at a repository path.
    pub fn get(&self, path: &str) -> Option<&Document> {
        self.documents
            .binary_search_by(|d| (*d.path).cmp(path))
            .ok()
            .map(|i| &self.documents[i])
    }

    /// The first document, in path order, whose path equals `path` ignoring ASCII case.
    pub fn get_ignoring_case(&self, path: &str) -> Option<&Document> {
        self.documents
            .iter()
            .find(|d| d.path.eq_ignore_ascii_case(path))
    }
}

/// One Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub path: Arc<str>,
    /// The start of the file: where findings about the document as a whole point when it has
    /// no title.
    pub loc: Loc,
    /// The first level-1 heading.
    pub title: Option<Located<String>>,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// The section of each heading (`sections[i]` belongs to `headings[i]`).
    pub sections: Vec<Section>,
    /// Fenced and indented code blocks, in order.
    pub code_blocks: Vec<CodeBlock>,
    /// Links (inline, reference and autolinks; not images), in order.
    pub links: Vec<Link>,
    /// Images (`![alt](diagram.png)`), in order; their `text` is empty.
    pub images: Vec<Link>,
    /// The text of paragraphs, list items and table rows, in order.
    pub blocks: Vec<TextBlock>,
    /// Anchors defined in HTML (`<a name="x">`, `id="x"`).
    pub html_anchors: BTreeSet<String>,
}

/// A heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's text without markup.
    pub text: String,
    /// The anchor GitHub gives it (`step-1-assess-impact`, `diagnose-1` for the second
    /// `Diagnose`).
    pub anchor: String,
    /// The heading's line.
    pub loc: Loc,
}

/// The content under a heading: from the heading to the next heading of the same or a higher
/// level (byte range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Index into [`Document::headings`].
    pub heading: usize,
    pub start: usize,
    pub end: usize,
}

impl Section {
    /// Whether a location lies in the section.
    pub fn contains(&self, loc: &Loc) -> bool {
        loc.start >= self.start && loc.start < self.end
    }
}

/// A code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The fence's language (first word of the info string, lowercased); empty for indented
    /// blocks and bare fences.
    pub lang: String,
    /// Whether it is fenced (```` ``` ```` or `~~~`) rather than indented.
    pub fenced: bool,
    /// The content.
    pub text: String,
    /// The whole block, fence included.
    pub loc: Loc,
}

/// A link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written (`../runbooks/x.md#diagnose`, `https://...`).
    pub target: String,
    /// The link text.
    pub text: String,
    pub loc: Loc,
}

/// What kind of text a [`TextBlock`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Paragraph,
    /// An item of an ordered (`1.`) or bullet list.
    ListItem {
        ordered: bool,
    },
    /// A table row, cells joined with ` | `.
    TableRow {
        header: bool,
    },
}

/// A paragraph, list item or table row: its text without markup (inline code included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBlock {
    pub kind: TextKind,
    pub text: String,
    /// The block's first line.
    pub loc: Loc,
}

impl Document {
    /// Where findings about the whole document point: its title, else the file start.
    pub fn title_loc(&self) -> &Loc {
        self.title.as_ref().map_or(&self.loc, |t| &t.loc)
    }

    /// The heading of a section.
    pub fn heading_of(&self, section: &Section) -> &Heading {
        &self.headings[section.heading]
    }

    /// The heading with an anchor (case-insensitive), and its section.
    pub fn anchor(&self, anchor: &str) -> Option<(&Heading, &Section)> {
        let i = self
            .headings
            .iter()
            .position(|h| h.anchor.eq_ignore_ascii_case(anchor))?;
        Some((&self.headings[i], &self.sections[i]))
    }

    /// The code blocks in a section (its subsections included).
    pub fn code_blocks_in<'a>(
        &'a self,
        section: &'a Section,
    ) -> impl Iterator<Item = &'a CodeBlock> + 'a {
        self.code_blocks
            .iter()
            .filter(move |c| section.contains(&c.loc))
    }

    /// The text blocks in a section.
    pub fn blocks_in<'a>(&'a self, section: &'a Section) -> impl Iterator<Item = &'a TextBlock> {
        self.blocks.iter().filter(move |b| section.contains(&b.loc))
    }

    /// The links in a section.
    pub fn links_in<'a>(&'a self, section: &'a Section) -> impl Iterator<Item = &'a Link> {
        self.links.iter().filter(move |l| section.contains(&l.loc))
    }

    /// The code blocks that look like commands to copy and paste (see
    /// [`CodeBlock::is_command`]).
    pub fn command_blocks(&self) -> impl Iterator<Item = &CodeBlock> {
        self.code_blocks.iter().filter(|c| c.is_command())
    }

    /// The first heading or text block that mentions `phrase` as whole words
    /// (case-insensitive; `-`, `_` and spaces in the phrase match each other), with its
    /// location.
    pub fn mentions(&self, phrase: &str) -> Option<&Loc> {
        let want = classify::words(phrase);
        let first = want.first()?;
        // Words are lowercased whole; the substring test rules most texts out cheaply
        // (non-ASCII first words skip it).
        let hit = |text: &str| {
            (!first.is_ascii() || classify::contains_ignore_case(text, first))
                && classify::contains_words(&classify::words(text), &want)
        };
        self.headings
            .iter()
            .filter(|h| hit(&h.text))
            .map(|h| &h.loc)
            .chain(self.blocks.iter().filter(|b| hit(&b.text)).map(|b| &b.loc))
            .min_by_key(|l| l.start)
    }
}

/// Languages whose code blocks are commands to run.
const COMMAND_LANGUAGES: [&str; 22] = [
    "sh",
    "bash",
    "shell",
    "zsh",
    "fish",
    "console",
    "shell-session",
    "shellsession",
    "terminal",
    "powershell",
    "pwsh",
    "ps1",
    "bat",
    "cmd",
    "kubectl",
    "aws",
    "helm",
    "psql",
    "sql",
    "mysql",
    "redis",
    "gcloud",
];

/// Programs whose name starting a line of an unlabelled block makes it a command.
const COMMANDS: [&str; 48] = [
    "kubectl",
    "k",
    "helm",
    "aws",
    "gcloud",
    "az",
    "terraform",
    "docker",
    "podman",
    "psql",
    "mysql",
    "redis-cli",
    "mongosh",
    "curl",
    "wget",
    "ssh",
    "scp",
    "systemctl",
    "journalctl",
    "git",
    "make",
    "argocd",
    "flux",
    "kustomize",
    "stern",
    "jq",
    "grep",
    "tail",
    "cat",
    "ls",
    "ps",
    "sudo",
    "export",
    "cd",
    "watch",
    "nomad",
    "consul",
    "vault",
    "eksctl",
    "ecs-cli",
    "pg_dump",
    "pg_restore",
    "promtool",
    "amtool",
    "kafka-topics",
    "kafka-consumer-groups",
    "sqlcmd",
    "bq",
];

impl CodeBlock {
    /// Whether the block looks like commands to copy and paste: a shell or CLI language
    /// (`bash`, `sh`, `console`, `kubectl`, `psql`, `sql`...), or lines starting with a `$ `
    /// prompt, or an unlabelled (or `text`) block whose first line starts with a known command
    /// (`kubectl`, `aws`, `helm`, `curl`...). Configuration (`yaml`, `json`) and program code
    /// are not commands; neither is an empty block.
    pub fn is_command(&self) -> bool {
        let lines: Vec<&str> = self
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return false;
        }
        if COMMAND_LANGUAGES.contains(&self.lang.as_str()) {
            return true;
        }
        if lines.iter().any(|l| l.starts_with("$ ")) {
            return true;
        }
        let unlabelled = matches!(
            self.lang.as_str(),
            "" | "text" | "txt" | "plain" | "plaintext" | "none"
        );
        unlabelled
            && lines
                .iter()
                .find(|l| !l.starts_with('#') && !l.starts_with("//"))
                .and_then(|l| l.split_whitespace().next())
                .is_some_and(|w| COMMANDS.contains(&w) || w.starts_with("./"))
    }
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct DocFile {
    document: Document,
}

/// Reads a Markdown document. Markdown has no syntax errors, so nothing is reported.
pub fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Vec<DocFile> {
    let _ = errors;
    vec![DocFile {
        document: markdown::read(src),
    }]
}

/// Every document, sorted by path.
pub fn assemble(files: &[DocFile]) -> Docs {
    let mut documents: Vec<Document> = files.iter().map(|f| f.document.clone()).collect();
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    Docs { documents }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn block(lang: &str, text: &str) -> CodeBlock {
        let src = Source::new("x.md", "");
        CodeBlock {
            lang: lang.to_string(),
            fenced: true,
            text: text.to_string(),
            loc: src.file_start(),
        }
    }

    #[test]
    fn command_blocks_are_shell_languages_prompts_or_known_commands() {
        assert!(block("bash", "kubectl rollout undo deployment/api\n").is_command());
        assert!(block("console", "$ aws sqs get-queue-attributes\n").is_command());
        assert!(block("psql", "SELECT 1;\n").is_command());
        assert!(block("", "# undo the release\nhelm rollback payments 41\n").is_command());
        assert!(block("text", "$ curl -s localhost:8080/health\n").is_command());
        assert!(block("", "./scripts/drain.sh\n").is_command());
        // Expected output, configuration and code are not commands.
        assert!(!block("", "45 StripeTimeoutError\n12 DatabaseConnectionError\n").is_command());
        assert!(!block("yaml", "replicas: 3\n").is_command());
        assert!(!block("python", "print('kubectl')\n").is_command());
        assert!(!block("bash", "\n  \n").is_command());
    }

    #[test]
    fn documents_are_found_by_path_and_mentions_are_whole_words() {
        let files: Vec<DocFile> = [
            ("docs/b.md", "# B\n\nThe orders-db pool is exhausted.\n"),
            ("docs/a.md", "# A\n"),
        ]
        .iter()
        .flat_map(|(p, t)| parse(&Source::new(*p, *t), &mut Vec::new()))
        .collect();
        let docs = assemble(&files);
        let paths: Vec<&str> = docs.documents.iter().map(|d| &*d.path).collect();
        assert_eq!(paths, vec!["docs/a.md", "docs/b.md"]);
        let b = docs.get("docs/b.md").unwrap();
        assert_eq!(b.mentions("orders_db").map(|l| l.line), Some(3));
        assert_eq!(b.mentions("pool exhausted"), None);
        assert_eq!(b.mentions("orders"), b.mentions("ORDERS"));
        assert_eq!(b.mentions("order"), None);
        assert!(docs.get("docs/c.md").is_none());
    }
}
