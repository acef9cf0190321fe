//! Ownership: CODEOWNERS files (GitHub and GitLab syntax) and Backstage `catalog-info.yaml`
//! entities, and which CODEOWNERS file is in effect. Owners from the different sources are
//! compared through [`normalize_owner`].

mod catalog;
mod codeowners;

#[cfg(test)]
mod proptests;

pub use catalog::{Annotation, CatalogEntity, CatalogLink, annotations};
pub use codeowners::{
    CodeOwnersFile, CodeOwnersLocation, CodeOwnersRule, CodeOwnersSection, Owner, OwnerKind,
};

use crate::yaml::Node;
use crate::{EvidenceError, FileKind, Loc, Source};

/// Everything the scan learned about ownership.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    /// Every CODEOWNERS file found (root, `.github/`, `docs/`, `.gitlab/`), by path.
    pub codeowners: Vec<CodeOwnersFile>,
    /// The index in `codeowners` of the file in effect: GitHub reads `.github/CODEOWNERS`,
    /// then `CODEOWNERS`, then `docs/CODEOWNERS`, and uses only the first it finds;
    /// `.gitlab/CODEOWNERS` comes last.
    pub effective_codeowners: Option<usize>,
    /// Backstage catalog entities from every `catalog-info.yaml`, by path and line.
    pub catalog: Vec<CatalogEntity>,
}

/// A string value and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub loc: Loc,
}

/// What one file contributed; the scanner collects these and hands them to [`assemble`].
#[derive(Debug, Clone)]
pub enum OwnershipFile {
    CodeOwners(CodeOwnersFile),
    /// The entities of one `catalog-info.yaml`, in document order.
    Catalog(Vec<CatalogEntity>),
}

impl Ownership {
    /// The CODEOWNERS file in effect (see [`Ownership::effective_codeowners`]).
    pub fn codeowners_effective(&self) -> Option<&CodeOwnersFile> {
        self.effective_codeowners
            .and_then(|i| self.codeowners.get(i))
    }

    /// The owners of the effective file's catch-all rule (see
    /// [`CodeOwnersFile::default_rule`]); empty when there is none or it un-assigns.
    pub fn default_owners(&self) -> &[Owner] {
        self.codeowners_effective()
            .map_or(&[], CodeOwnersFile::default_owners)
    }

    /// Catalog entities of a kind (`Component`, `API`, `Group`, ...; case-insensitive).
    pub fn entities<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a CatalogEntity> {
        self.catalog
            .iter()
            .filter(move |e| e.kind.value.eq_ignore_ascii_case(kind))
    }

    /// Every `spec.owner` in the catalog, with its entity.
    pub fn catalog_owners(&self) -> impl Iterator<Item = (&CatalogEntity, &Text)> {
        self.catalog
            .iter()
            .filter_map(|e| e.owner.as_ref().map(|o| (e, o)))
    }
}

/// An owner reference reduced to a comparable team or user name: `@acme/payments-team`,
/// `group:default/payments-team`, `group:payments-team` and `Payments-Team` all become
/// `payments-team`. Strips surrounding whitespace, leading `@`, a Backstage `group:` or
/// `user:` kind, any namespace or organisation prefix (everything up to the last `/`), and
/// lowercases. Email addresses stay whole (lowercased).
pub fn normalize_owner(owner: &str) -> String {
    let s = owner.trim();
    let s = s.trim_start_matches('@');
    let s = match s.split_once(':') {
        Some((kind, rest))
            if kind.eq_ignore_ascii_case("group") || kind.eq_ignore_ascii_case("user") =>
        {
            rest
        }
        _ => s,
    };
    let s = s.rsplit('/').next().unwrap_or(s);
    s.trim().to_lowercase()
}

pub(crate) fn parse(
    src: &Source,
    kind: FileKind,
    docs: Vec<Node>,
    errors: &mut Vec<EvidenceError>,
) -> Option<OwnershipFile> {
    let mut err = |loc: Loc, message: String| errors.push(EvidenceError::new(loc, kind, message));
    match kind {
        FileKind::CodeOwners => Some(OwnershipFile::CodeOwners(codeowners::parse(src, &mut err))),
        FileKind::Catalog => Some(OwnershipFile::Catalog(catalog::parse(src, docs, &mut err))),
        _ => None,
    }
}

pub(crate) fn assemble(files: Vec<OwnershipFile>) -> Ownership {
    let mut out = Ownership::default();
    for f in files {
        match f {
            OwnershipFile::CodeOwners(c) => out.codeowners.push(c),
            OwnershipFile::Catalog(entities) => out.catalog.extend(entities),
        }
    }
    out.codeowners.sort_by(|a, b| a.path.cmp(&b.path));
    out.catalog
        .sort_by(|a, b| (&a.path, a.loc.start).cmp(&(&b.path, b.loc.start)));
    out.effective_codeowners = out
        .codeowners
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| c.location.precedence())
        .map(|(i, _)| i);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{classify, yaml};

    fn scan(files: &[(&str, &str)]) -> (Ownership, Vec<EvidenceError>) {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        for (path, text) in files {
            let kind = classify(path, text);
            let src = Source::new(*path, *text);
            let docs = if kind.is_yaml() {
                yaml::load_all(&src).unwrap()
            } else {
                Vec::new()
            };
            out.extend(parse(&src, kind, docs, &mut errors));
        }
        (assemble(out), errors)
    }

    #[test]
    fn owner_normalization_table() {
        let table = [
            ("@acme/payments-team", "payments-team"),
            ("group:payments-team", "payments-team"),
            ("group:default/payments-team", "payments-team"),
            ("Group:Default/Payments-Team", "payments-team"),
            ("payments-team", "payments-team"),
            ("  @Payments-Team ", "payments-team"),
            ("@jdoe", "jdoe"),
            ("user:default/jdoe", "jdoe"),
            ("@acme/platform/sre", "sre"),
            ("team-a@acme.example", "team-a@acme.example"),
            ("Team-A@Acme.Example", "team-a@acme.example"),
            ("component:default/x", "x"),
            ("", ""),
        ];
        for (input, want) in table {
            assert_eq!(normalize_owner(input), want, "{input:?}");
        }
    }

    #[test]
    fn github_precedence_picks_the_dot_github_file() {
        let (o, errs) = scan(&[
            ("CODEOWNERS", "* @acme/root-team\n"),
            ("docs/CODEOWNERS", "* @acme/docs-team\n"),
            (
                ".github/CODEOWNERS",
                "# owners\n*.md @acme/writers\n* @acme/payments-team @jdoe\n/deploy/ @acme/sre\n",
            ),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let paths: Vec<&str> = o.codeowners.iter().map(|c| c.path.as_ref()).collect();
        assert_eq!(
            paths,
            vec![".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]
        );
        let eff = o.codeowners_effective().unwrap();
        assert_eq!(eff.path.as_ref(), ".github/CODEOWNERS");
        assert_eq!(eff.location, CodeOwnersLocation::GitHubDir);
        let owners: Vec<(&str, u32, u32)> = o
            .default_owners()
            .iter()
            .map(|w| (w.raw.as_str(), w.loc.line, w.loc.column))
            .collect();
        assert_eq!(
            owners,
            vec![("@acme/payments-team", 3, 3), ("@jdoe", 3, 23)]
        );
    }

    #[test]
    fn root_before_docs_and_gitlab() {
        let (o, _) = scan(&[
            ("docs/CODEOWNERS", "* @docs\n"),
            (".gitlab/CODEOWNERS", "* @gl\n"),
            ("CODEOWNERS", "* @root\n"),
        ]);
        assert_eq!(
            o.codeowners_effective().unwrap().path.as_ref(),
            "CODEOWNERS"
        );
        let (o, _) = scan(&[
            (".gitlab/CODEOWNERS", "* @gl\n"),
            ("docs/CODEOWNERS", "* @docs\n"),
        ]);
        assert_eq!(
            o.codeowners_effective().unwrap().path.as_ref(),
            "docs/CODEOWNERS"
        );
        let (o, _) = scan(&[]);
        assert!(o.codeowners_effective().is_none());
        assert!(o.default_owners().is_empty());
    }

    #[test]
    fn manifest_codeowners_and_catalog_owners_compare_equal() {
        let (o, errs) = scan(&[
            ("CODEOWNERS", "* @acme/payments-team\n"),
            (
                "catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  owner: group:default/payments-team\n  lifecycle: production\n",
            ),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let from_codeowners = normalize_owner(&o.default_owners()[0].raw);
        let (entity, owner) = o.catalog_owners().next().unwrap();
        assert_eq!(entity.name.as_ref().unwrap().value, "payments");
        assert_eq!((owner.loc.line, owner.loc.column), (7, 10));
        assert_eq!(from_codeowners, normalize_owner(&owner.value));
        assert_eq!(from_codeowners, normalize_owner("payments-team"));
        assert_eq!(o.entities("component").count(), 1);
    }
}
