//! CODEOWNERS: `pattern owner...` rules with comments, backslash escapes, and GitLab
//! sections (`[Section]`, `^[Optional]`, `[Section][2] @default-owner`). As on GitHub, a line
//! with an invalid owner is skipped whole (and reported).

use std::sync::Arc;
use std::sync::LazyLock;

use regex::Regex;

use super::normalize_owner;
use crate::{Loc, Source};

/// A CODEOWNERS file.
#[derive(Debug, Clone)]
pub struct CodeOwnersFile {
    pub path: Arc<str>,
    pub location: CodeOwnersLocation,
    /// The start of the file.
    pub loc: Loc,
    /// Valid rules, in file order (later rules take precedence).
    pub rules: Vec<CodeOwnersRule>,
    /// GitLab sections, in file order.
    pub sections: Vec<CodeOwnersSection>,
}

/// Where a CODEOWNERS file is, which decides which one is in effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeOwnersLocation {
    /// `.github/CODEOWNERS`
    GitHubDir,
    /// `CODEOWNERS` at the repository root
    Root,
    /// `docs/CODEOWNERS`
    Docs,
    /// `.gitlab/CODEOWNERS`
    GitLabDir,
}

impl CodeOwnersLocation {
    fn of(path: &str) -> CodeOwnersLocation {
        match path.rsplit_once('/').map(|(dir, _)| dir) {
            Some(".github") => CodeOwnersLocation::GitHubDir,
            Some("docs") => CodeOwnersLocation::Docs,
            Some(".gitlab") => CodeOwnersLocation::GitLabDir,
            _ => CodeOwnersLocation::Root,
        }
    }

    /// Lower wins: GitHub's order (`.github/`, root, `docs/`), then `.gitlab/`.
    pub fn precedence(self) -> u8 {
        match self {
            CodeOwnersLocation::GitHubDir => 0,
            CodeOwnersLocation::Root => 1,
            CodeOwnersLocation::Docs => 2,
            CodeOwnersLocation::GitLabDir => 3,
        }
    }
}

/// One `pattern owner...` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeOwnersRule {
    /// The path pattern, with escapes resolved (`\#a` -> `#a`).
    pub pattern: String,
    pub pattern_loc: Loc,
    /// The owners; empty when the rule un-assigns the matching paths.
    pub owners: Vec<Owner>,
    /// Whether `owners` are the GitLab section's default owners (the line named none).
    pub owners_from_section: bool,
    /// The GitLab section the rule is in.
    pub section: Option<String>,
    /// The whole line.
    pub loc: Loc,
}

impl CodeOwnersRule {
    /// Whether the pattern matches every path (`*`, `**`, `/`, `/**`, `**/*`, `/**/*`).
    pub fn is_catch_all(&self) -> bool {
        matches!(
            self.pattern.as_str(),
            "*" | "**" | "/" | "/**" | "**/*" | "/**/*"
        )
    }

    /// Whether the rule removes ownership from the paths it matches (no owners).
    pub fn unassigns(&self) -> bool {
        self.owners.is_empty()
    }
}

/// A GitLab section header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeOwnersSection {
    pub name: String,
    /// `^[Section]`: approval from this section is optional.
    pub optional: bool,
    /// `[Section][2]`: approvals required.
    pub approvals: Option<u32>,
    /// Owners for rules in the section that name none.
    pub default_owners: Vec<Owner>,
    pub loc: Loc,
}

/// An owner: a user, a team, an email address or a GitLab role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// As written (`@acme/payments-team`).
    pub raw: String,
    pub kind: OwnerKind,
    pub loc: Loc,
}

impl Owner {
    /// The owner as compared across sources (see [`normalize_owner`]).
    pub fn normalized(&self) -> String {
        normalize_owner(&self.raw)
    }
}

/// What kind of owner an [`Owner`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OwnerKind {
    /// `@user`
    User,
    /// `@org/team` (GitLab: `@group/subgroup`)
    Team,
    /// `user@example.com`
    Email,
    /// GitLab `@@developer`, `@@maintainer`, `@@owner`
    Role,
}

impl CodeOwnersFile {
    /// The last catch-all rule (see [`CodeOwnersRule::is_catch_all`]): the default owners of
    /// every path no later rule matches.
    pub fn default_rule(&self) -> Option<&CodeOwnersRule> {
        self.rules.iter().rev().find(|r| r.is_catch_all())
    }

    /// The owners of [`CodeOwnersFile::default_rule`]; empty when there is none or it
    /// un-assigns.
    pub fn default_owners(&self) -> &[Owner] {
        self.default_rule().map_or(&[], |r| r.owners.as_slice())
    }
}

/// `[Name]`, `^[Name]`, `[Name][2]`, each optionally followed by default owners.
static SECTION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(\^)?\[([^\]]+)\](?:\[(\d+)\])?(?:\s+(.*))?$").ok());

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> CodeOwnersFile {
    let mut file = CodeOwnersFile {
        path: src.path.clone(),
        location: CodeOwnersLocation::of(&src.path),
        loc: src.file_start(),
        rules: Vec::new(),
        sections: Vec::new(),
    };
    for (_, offset, line) in src.lines() {
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let line_loc = src.loc(offset + lead, offset + lead + body.len());
        if let Some(re) = SECTION.as_ref()
            && let Some(c) = re.captures(body)
        {
            let owners_at = c.get(4).map_or(body.len(), |m| m.start());
            let tokens = tokenize(&body[owners_at..]);
            let Some(default_owners) = owners(src, &tokens, offset + lead + owners_at, err) else {
                continue;
            };
            file.sections.push(CodeOwnersSection {
                name: c.get(2).map_or("", |m| m.as_str()).trim().to_string(),
                optional: c.get(1).is_some(),
                approvals: c.get(3).and_then(|m| m.as_str().parse().ok()),
                default_owners,
                loc: line_loc,
            });
            continue;
        }
        let tokens = tokenize(body);
        let Some((pattern, rest)) = tokens.split_first() else {
            continue;
        };
        let Some(mut rule_owners) = owners(src, rest, offset + lead, err) else {
            continue;
        };
        let section = file.sections.last();
        let mut from_section = false;
        if rule_owners.is_empty()
            && let Some(s) = section
            && !s.default_owners.is_empty()
        {
            rule_owners.clone_from(&s.default_owners);
            from_section = true;
        }
        file.rules.push(CodeOwnersRule {
            pattern: pattern.text.clone(),
            pattern_loc: src.loc(offset + lead + pattern.start, offset + lead + pattern.end),
            owners: rule_owners,
            owners_from_section: from_section,
            section: section.map(|s| s.name.clone()),
            loc: line_loc,
        });
    }
    file
}

/// Owners from tokens (stopping at a `#` comment); `None` (and an error) if any is invalid.
fn owners(
    src: &Source,
    tokens: &[Token],
    base: usize,
    err: &mut dyn FnMut(Loc, String),
) -> Option<Vec<Owner>> {
    let mut out = Vec::new();
    for t in tokens {
        if t.text.starts_with('#') && !t.escaped_hash {
            break;
        }
        let loc = src.loc(base + t.start, base + t.end);
        let Some(kind) = owner_kind(&t.text) else {
            err(
                loc,
                format!(
                    "invalid owner `{}`: expected @user, @org/team or an email address (the line is ignored)",
                    t.text
                ),
            );
            return None;
        };
        out.push(Owner {
            raw: t.text.clone(),
            kind,
            loc,
        });
    }
    Some(out)
}

fn owner_kind(token: &str) -> Option<OwnerKind> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if let Some(role) = token.strip_prefix("@@") {
        return name_ok(role).then_some(OwnerKind::Role);
    }
    if let Some(name) = token.strip_prefix('@') {
        let mut parts = name.split('/');
        let first = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        if !name_ok(first) || !rest.iter().all(|p| name_ok(p)) {
            return None;
        }
        return Some(if rest.is_empty() {
            OwnerKind::User
        } else {
            OwnerKind::Team
        });
    }
    let (local, domain) = token.split_once('@')?;
    let ok = !local.is_empty()
        && !local.contains(['/', '\\', '<', '>', '(', ')', ',', ';', ':'])
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
    ok.then_some(OwnerKind::Email)
}

/// A whitespace-separated token with escapes resolved, and its byte span in the text.
#[derive(Debug)]
struct Token {
    text: String,
    start: usize,
    end: usize,
    /// Starts with an escaped `\#`, so it is not a comment.
    escaped_hash: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cur: Option<Token> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            out.extend(cur.take());
            continue;
        }
        let t = cur.get_or_insert_with(|| Token {
            text: String::new(),
            start: i,
            end: i,
            escaped_hash: false,
        });
        if c == '\\'
            && let Some(&(j, n)) = chars.peek()
            && (n.is_whitespace() || n == '#' || n == '\\')
        {
            if n == '#' && t.text.is_empty() {
                t.escaped_hash = true;
            }
            t.text.push(n);
            t.end = j + n.len_utf8();
            chars.next();
            continue;
        }
        t.text.push(c);
        t.end = i + c.len_utf8();
    }
    out.extend(cur);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse_text(path: &str, text: &str) -> (CodeOwnersFile, Vec<(u32, u32, String)>) {
        let src = Source::new(path, text);
        let mut errs = Vec::new();
        let f = parse(&src, &mut |l, m| errs.push((l.line, l.column, m)));
        (f, errs)
    }

    const GITHUB: &str = "# Default owners
*       @acme/payments-team

# Docs are owned by the writers, inline comment follows
/docs/  @acme/tech-writers docs@acme.example # writers
*.tf    @acme/platform @jdoe
/generated/
/path\\ with\\ spaces/ @acme/sre
\\#notes.md @jdoe
";

    #[test]
    fn github_rules_owners_and_locations() {
        let (f, errs) = parse_text(".github/CODEOWNERS", GITHUB);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(f.location, CodeOwnersLocation::GitHubDir);
        let rules: Vec<(&str, Vec<&str>, u32, u32)> = f
            .rules
            .iter()
            .map(|r| {
                (
                    r.pattern.as_str(),
                    r.owners.iter().map(|o| o.raw.as_str()).collect(),
                    r.pattern_loc.line,
                    r.pattern_loc.column,
                )
            })
            .collect();
        assert_eq!(
            rules,
            vec![
                ("*", vec!["@acme/payments-team"], 2, 1),
                (
                    "/docs/",
                    vec!["@acme/tech-writers", "docs@acme.example"],
                    5,
                    1
                ),
                ("*.tf", vec!["@acme/platform", "@jdoe"], 6, 1),
                ("/generated/", vec![], 7, 1),
                ("/path with spaces/", vec!["@acme/sre"], 8, 1),
                ("#notes.md", vec!["@jdoe"], 9, 1),
            ]
        );
        let docs = &f.rules[1].owners;
        assert_eq!(
            docs.iter()
                .map(|o| (o.kind, o.loc.line, o.loc.column))
                .collect::<Vec<_>>(),
            vec![(OwnerKind::Team, 5, 9), (OwnerKind::Email, 5, 28)]
        );
        assert_eq!(f.rules[4].owners[0].loc.column, 22);
        assert!(f.rules[3].unassigns());
        assert_eq!(f.default_rule().map(|r| r.loc.line), Some(2));
        assert_eq!(f.default_owners()[0].normalized(), "payments-team");
    }

    #[test]
    fn the_last_catch_all_wins_and_may_unassign() {
        let (f, _) = parse_text("CODEOWNERS", "* @a\n/src/ @b\n** @c @d\n");
        let owners: Vec<&str> = f.default_owners().iter().map(|o| o.raw.as_str()).collect();
        assert_eq!(owners, vec!["@c", "@d"]);
        let (f, _) = parse_text("CODEOWNERS", "* @a\n*\n");
        assert_eq!(f.default_rule().map(|r| r.loc.line), Some(2));
        assert!(f.default_owners().is_empty());
        let (f, _) = parse_text("CODEOWNERS", "/src/ @a\n/* @b\n");
        assert!(f.default_rule().is_none());
    }

    #[test]
    fn invalid_owners_skip_the_line_with_a_located_error() {
        let (f, errs) = parse_text(
            "CODEOWNERS",
            "* @acme/team\n/api/ payments-team @ok\n/web/ @bad!name\n/x/ @a/\n",
        );
        assert_eq!(f.rules.len(), 1);
        assert_eq!(
            errs,
            vec![
                (2, 7, "invalid owner `payments-team`: expected @user, @org/team or an email address (the line is ignored)".to_string()),
                (3, 7, "invalid owner `@bad!name`: expected @user, @org/team or an email address (the line is ignored)".to_string()),
                (4, 5, "invalid owner `@a/`: expected @user, @org/team or an email address (the line is ignored)".to_string()),
            ]
        );
    }

    #[test]
    fn gitlab_sections_with_default_owners() {
        let text = "[Backend][2] @acme/backend\n/api/\n/db/ @dba\n\n^[Docs] @@maintainer\n*.md\n[Frontend]\n/web/\n";
        let (f, errs) = parse_text(".gitlab/CODEOWNERS", text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(f.location, CodeOwnersLocation::GitLabDir);
        let sections: Vec<(&str, bool, Option<u32>, usize, u32)> = f
            .sections
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.optional,
                    s.approvals,
                    s.default_owners.len(),
                    s.loc.line,
                )
            })
            .collect();
        assert_eq!(
            sections,
            vec![
                ("Backend", false, Some(2), 1, 1),
                ("Docs", true, None, 1, 5),
                ("Frontend", false, None, 0, 7)
            ]
        );
        let rules: Vec<(&str, Vec<&str>, bool, Option<&str>)> = f
            .rules
            .iter()
            .map(|r| {
                (
                    r.pattern.as_str(),
                    r.owners.iter().map(|o| o.raw.as_str()).collect(),
                    r.owners_from_section,
                    r.section.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            rules,
            vec![
                ("/api/", vec!["@acme/backend"], true, Some("Backend")),
                ("/db/", vec!["@dba"], false, Some("Backend")),
                ("*.md", vec!["@@maintainer"], true, Some("Docs")),
                ("/web/", vec![], false, Some("Frontend")),
            ]
        );
        assert_eq!(f.rules[2].owners[0].kind, OwnerKind::Role);
        assert_eq!(f.sections[0].default_owners[0].loc.column, 14);
    }

    #[test]
    fn owner_kinds() {
        assert_eq!(owner_kind("@jdoe"), Some(OwnerKind::User));
        assert_eq!(owner_kind("@acme/sre-team"), Some(OwnerKind::Team));
        assert_eq!(owner_kind("@acme/platform/sre"), Some(OwnerKind::Team));
        assert_eq!(owner_kind("ops@acme.example"), Some(OwnerKind::Email));
        assert_eq!(owner_kind("@@developer"), Some(OwnerKind::Role));
        assert_eq!(owner_kind("@"), None);
        assert_eq!(owner_kind("ops@localhost"), None);
        assert_eq!(owner_kind("team"), None);
    }
}
