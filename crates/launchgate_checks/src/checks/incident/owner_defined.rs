//! INC-001 owner-defined: An owning team is named, and every place that names one agrees.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::ownership::{CatalogEntity, Owner, normalize_owner};

use crate::kit::finish::{conclude, conclude_with_claim, missing};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// An owning team is named, and every place that names one agrees:
    /// - the manifest's `owner` key;
    /// - the default owners of the CODEOWNERS file in effect (the last catch-all rule, `*`,
    ///   of `.github/CODEOWNERS`, else `CODEOWNERS`, else `docs/CODEOWNERS`, else
    ///   `.gitlab/CODEOWNERS`, as GitHub and GitLab choose);
    /// - `spec.owner` of the Backstage entities in `catalog-info.yaml` (the entities named
    ///   like the service when there are any, else all of them).
    ///
    /// Names are compared after normalization: `@acme/team-payments`,
    /// `group:default/team-payments` and `team-payments` are the same team. A CODEOWNERS rule
    /// with several owners agrees when one of them is the team. Any disagreement fails, with a
    /// finding at each place that names another team. An owner the repository confirms is
    /// proven; an owner named only in the manifest passes as attested; an owner named only by
    /// the repository (CODEOWNERS or the catalog) is proven. No owner anywhere fails.
    ///
    /// ## Why it matters
    /// Every other question in a review (who is on call, who fixes this finding, who approves
    /// the rollback) starts with "whose service is it?". A service without an owner gets paged
    /// to whoever touched it last, its alerts are muted instead of fixed, and its findings are
    /// nobody's backlog. When the manifest, CODEOWNERS and the service catalog name different
    /// teams, each of them is wrong for someone: reviews go to one team, pages to another.
    ///
    /// ## How to fix
    /// Name the team (not a person, who will change teams) that runs the service in production:
    /// `owner: team-payments` in the manifest, `* @acme/team-payments` as the catch-all rule of
    /// CODEOWNERS, and `spec.owner: group:default/team-payments` in `catalog-info.yaml`. When
    /// they disagree, decide which team owns the service and correct the others.
    ///
    /// ## Example
    /// ```yaml fails
    /// service: ledger-api
    /// description: double-entry ledger for customer balances
    /// ```
    /// ```yaml passes
    /// service: ledger-api
    /// owner: team-payments
    /// ```
    /// ```text passes path=.github/CODEOWNERS
    /// # The payments team owns everything; platform also reviews the deploy files.
    /// *          @acme/team-payments
    /// /deploy/   @acme/team-payments @acme/platform-sre
    /// ```
    /// ```yaml fails path=catalog-info.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: ledger-api
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:default/team-payments
    /// ---
    /// apiVersion: backstage.io/v1alpha1
    /// kind: API
    /// metadata:
    ///   name: ledger-api-v1
    /// spec:
    ///   type: openapi
    ///   lifecycle: production
    ///   owner: group:default/team-ledger   # another team
    ///   definition: {$text: ./openapi.yaml}
    /// ```
    ///
    /// ## References
    /// Seed 003, "Ownership: owning team defined"; Backstage Software Catalog, "Descriptor
    /// Format" (`spec.owner`); GitHub documentation, "About code owners" (file locations and
    /// precedence); GitLab documentation, "Code Owners".
    pub struct OwnerDefined {
        id: "INC-001", slug: "owner-defined", category: Incident, severity: Blocker,
        tiers: [Required, Required, Required], evidence: "D O", effort: 1,
    }
}

/// One place that names the owner.
struct Named {
    /// Where, for messages: ``the CODEOWNERS catch-all rule (`.github/CODEOWNERS:3`)``.
    place: String,
    /// The owners as written.
    raw: String,
    /// The owners as compared.
    names: Vec<String>,
    location: Option<Location>,
    resource: Option<String>,
}

impl Named {
    fn agrees_with(&self, other: &Named) -> bool {
        self.names.iter().any(|n| other.names.contains(n))
    }

    fn evidence(&self) -> Finding {
        let f =
            Finding::new(format!("{} names `{}`", self.place, self.raw)).at(self.location.clone());
        match &self.resource {
            Some(r) => f.resource(r.clone()),
            None => f,
        }
    }
}

fn entity_resource(e: &CatalogEntity) -> String {
    format!(
        "{}/{}",
        e.kind.value,
        e.name.as_ref().map_or("<unnamed>", |n| n.value.as_str())
    )
}

/// The owners the repository names: the effective CODEOWNERS catch-all rule, then catalog
/// entities (those named like the service when there are any).
fn repository_owners(cx: &CheckContext<'_>) -> Vec<Named> {
    let o = &cx.evidence.ownership;
    let mut out = Vec::new();
    if let Some(file) = o.codeowners_effective()
        && let Some(rule) = file.default_rule().filter(|r| !r.owners.is_empty())
    {
        out.push(Named {
            place: format!(
                "the CODEOWNERS catch-all rule (`{}` at {}:{})",
                rule.pattern, file.path, rule.loc.line
            ),
            raw: rule
                .owners
                .iter()
                .map(|w| w.raw.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            names: rule.owners.iter().map(Owner::normalized).collect(),
            location: Some(rule.loc.location()),
            resource: None,
        });
    }
    let owned: Vec<&CatalogEntity> = o
        .catalog
        .iter()
        .filter(|e| e.owner.as_ref().is_some_and(|w| !w.value.trim().is_empty()))
        .collect();
    let named_like_service: Vec<&CatalogEntity> = owned
        .iter()
        .copied()
        .filter(|e| {
            e.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(&cx.manifest.service))
        })
        .collect();
    let entities = if named_like_service.is_empty() {
        owned
    } else {
        named_like_service
    };
    for e in entities {
        if let Some(w) = &e.owner {
            out.push(Named {
                place: format!(
                    "{} `spec.owner` ({}:{})",
                    entity_resource(e),
                    w.loc.path,
                    w.loc.line
                ),
                raw: w.value.clone(),
                names: vec![normalize_owner(&w.value)],
                location: Some(w.loc.location()),
                resource: Some(entity_resource(e)),
            });
        }
    }
    out
}

impl Evaluate for OwnerDefined {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let manifest_owner = cx
            .manifest
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|o| Named {
                place: "the manifest's `owner`".to_string(),
                raw: o.to_string(),
                names: vec![normalize_owner(o)],
                location: at(cx, "/owner"),
                resource: None,
            });
        let repo = repository_owners(cx);

        // The reference every other place is compared with: the manifest, else the first
        // place in the repository.
        let (reference, others): (Option<&Named>, &[Named]) = match &manifest_owner {
            Some(m) => (Some(m), &repo),
            None => (repo.first(), repo.get(1..).unwrap_or(&[])),
        };
        let Some(reference) = reference else {
            let codeowners_note = cx
                .evidence
                .ownership
                .codeowners_effective()
                .map_or_else(String::new, |f| {
                    format!(", {} has no catch-all rule (`*`) with owners", f.path)
                });
            return missing(
                cx,
                "O",
                Finding::new(format!(
                    "no owning team is named for `{}`: no `owner` in the manifest{codeowners_note}, and no `spec.owner` in a catalog-info.yaml",
                    cx.manifest.service
                ))
                .at(at(cx, "/owner")),
            );
        };

        let failures: Vec<Finding> = others
            .iter()
            .filter(|o| !o.agrees_with(reference))
            .map(|o| {
                let f = Finding::new(format!(
                    "{} names `{}`, but {} names `{}`: they must name the same team",
                    o.place, o.raw, reference.place, reference.raw
                ))
                .at(o.location.clone())
                .related(reference.location.clone());
                match &o.resource {
                    Some(r) => f.resource(r.clone()),
                    None => f,
                }
            })
            .collect();
        if !failures.is_empty() {
            return Outcome::fail(failures);
        }

        let repo_evidence: Vec<Finding> = repo.iter().map(Named::evidence).collect();
        match manifest_owner {
            Some(m) => conclude_with_claim(cx, "O", repo_evidence, vec![m.evidence()], true),
            None => conclude(cx, "O", Vec::new(), repo_evidence, ""),
        }
    }
}
