//! The check engine: the [`Check`] trait, the [`declare_check!`] macro, the ID-ordered registry of
//! built-in checks, and a [`Registry`] that library users extend with their own checks.
//!
//! Layout: this file holds the trait, the context, the macro and the registry;
//! `checks/mod.rs` the one ID-ordered table of built-in checks; `checks/<category>/<slug>.rs`
//! one check each and nothing else; `kit/<job>.rs` the code checks share, one module per job
//! (finishing an outcome, claims, Terraform, workloads, alerts, ...); `fixture.rs` the fixture
//! runner of the unit tests and of `tests/`. `CONTRIBUTING.md` says how to add a check.
//!
//! Checks are pure: a function of the manifest, the evidence, the policy's check options and the
//! review date. No I/O, no clock, no environment.

// Check docs carry `path=FILE` in their example fences (for the doc-example tests); rustdoc
// does not know that attribute syntax.
#![allow(rustdoc::invalid_codeblock_attributes)]

use std::fmt;

pub use launchgate_core::{
    Basis, Category, CheckMeta, Effort, Finding, Location, Outcome, Requirement, Severity,
    TierMatrix,
};
use launchgate_evidence::Evidence;
use launchgate_manifest::{CheckOptions, ServiceManifest};
pub use launchgate_manifest::{GateContext, GateThresholds, Justification, RecordedGate};

extern crate self as launchgate_checks;

mod checks;
#[cfg(test)]
mod fixture;
mod kit;

/// Everything a check may read.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    pub manifest: &'a ServiceManifest,
    pub evidence: &'a Evidence,
    pub options: &'a CheckOptions,
    /// The review date (`--today`), for "within N days" rules.
    pub today: jiff::civil::Date,
    /// The quality gate now, and as an earlier review recorded it (OPS-010).
    pub gate: &'a GateContext,
}

/// A readiness check. Implementations must be pure and deterministic.
///
/// A check declared with [`declare_check!`] gets this trait from the macro and implements
/// [`Evaluate`] only; a check whose metadata is only known at run time implements it whole.
pub trait Check: Send + Sync + fmt::Debug {
    fn meta(&self) -> &CheckMeta;
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome;
}

/// The evaluation of a check declared with [`declare_check!`]: the one part of [`Check`] the
/// macro cannot write. Implementations must be pure and deterministic.
pub trait Evaluate {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome;
}

/// Declares a check: a unit struct whose doc comment is its user documentation, a `META`
/// constant with its ID, slug, category, severity, tier matrix, evidence letters and effort,
/// and its [`Check`] implementation, which answers `meta()` with `META` and evaluates with the
/// struct's [`Evaluate`] implementation.
///
/// ```
/// use launchgate_checks::{declare_check, Check, CheckContext, Evaluate, Outcome};
///
/// declare_check! {
///     /// ## What it checks
///     /// The service has a name.
///     pub struct HasName {
///         id: "ACME-001", slug: "has-name", category: Operations, severity: Minor,
///         tiers: [Required, Required, Recommended], evidence: "D", effort: 1,
///     }
/// }
///
/// impl Evaluate for HasName {
///     fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
///         Outcome::attested(vec![])
///     }
/// }
/// assert_eq!(HasName::META.slug, "has-name");
/// assert_eq!(Check::meta(&HasName).id, "ACME-001");
/// ```
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            id: $id:literal,
            slug: $slug:literal,
            category: $cat:ident,
            severity: $sev:ident,
            tiers: [$t0:ident, $t1:ident, $t2:ident],
            evidence: $ev:literal,
            effort: $effort:literal
            $(, version: $ver:literal)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            /// This check's metadata.
            pub const META: $crate::CheckMeta = $crate::CheckMeta {
                id: $id,
                slug: $slug,
                category: $crate::Category::$cat,
                severity: $crate::Severity::$sev,
                tiers: $crate::TierMatrix([
                    $crate::Requirement::$t0,
                    $crate::Requirement::$t1,
                    $crate::Requirement::$t2,
                ]),
                evidence: $ev,
                effort: $crate::Effort($effort),
                version: $crate::declare_check!(@version $($ver)?),
                docs: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::Check for $name {
            fn meta(&self) -> &$crate::CheckMeta {
                &Self::META
            }

            fn evaluate(&self, cx: &$crate::CheckContext<'_>) -> $crate::Outcome {
                if let Some(reason) = $crate::scope_not_applicable(&Self::META, cx) {
                    return $crate::Outcome::NotApplicable { reason };
                }
                <Self as $crate::Evaluate>::evaluate(self, cx)
            }
        }
    };
    (@version) => { 1 };
    (@version $v:literal) => { $v };
}

/// Why a declared check does not apply to this review by the manifest's `scope` and the kinds
/// of evidence present (see `kit::scope`), or `None`. `declare_check!` asks it before
/// evaluating.
pub fn scope_not_applicable(meta: &CheckMeta, cx: &CheckContext<'_>) -> Option<String> {
    kit::scope::not_applicable(meta, cx)
}

/// The built-in checks, in ID order.
pub fn builtin() -> &'static [&'static dyn Check] {
    checks::CHECKS
}

/// Why a check could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("check ID `{0}` is not of the form PREFIX-NNN (2-8 capital letters, a dash, 3 digits)")]
    InvalidId(String),
    #[error("check ID `{0}` is registered twice")]
    Duplicate(String),
}

/// The set of checks a review runs: the built-ins plus any registered at run time, ID-ordered.
#[derive(Debug)]
pub struct Registry {
    checks: Vec<Box<dyn CheckRef>>,
}

/// A registered check, owned or static.
trait CheckRef: Send + Sync + fmt::Debug {
    fn get(&self) -> &dyn Check;
}

impl CheckRef for &'static dyn Check {
    fn get(&self) -> &dyn Check {
        *self
    }
}

#[derive(Debug)]
struct Owned(Box<dyn Check>);

impl CheckRef for Owned {
    fn get(&self) -> &dyn Check {
        self.0.as_ref()
    }
}

impl Registry {
    /// An empty registry (a review of it is refused by the minimum-check rule).
    pub fn empty() -> Registry {
        Registry { checks: Vec::new() }
    }

    /// The built-in checks.
    pub fn builtin() -> Registry {
        let mut checks: Vec<Box<dyn CheckRef>> = Vec::new();
        for c in builtin() {
            checks.push(Box::new(*c));
        }
        Registry { checks }
    }

    /// Adds a check. Its ID must be well-formed and not already registered.
    pub fn register(&mut self, check: Box<dyn Check>) -> Result<(), RegistryError> {
        let id = check.meta().id;
        if !launchgate_core::is_valid_check_id(id) {
            return Err(RegistryError::InvalidId(id.to_string()));
        }
        if self.get(id).is_some() {
            return Err(RegistryError::Duplicate(id.to_string()));
        }
        let pos = self.checks.partition_point(|c| c.get().meta().id < id);
        self.checks.insert(pos, Box::new(Owned(check)));
        Ok(())
    }

    /// The checks in ID order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Check> {
        self.checks.iter().map(|c| c.get())
    }

    pub fn get(&self, id: &str) -> Option<&dyn Check> {
        self.iter().find(|c| c.meta().id == id)
    }

    pub fn ids(&self) -> Vec<&'static str> {
        self.iter().map(|c| c.meta().id).collect()
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }
}

/// Looks a check up by ID or slug, case-insensitively.
pub fn find_builtin(key: &str) -> Option<&'static dyn Check> {
    builtin()
        .iter()
        .copied()
        .find(|c| c.meta().id.eq_ignore_ascii_case(key) || c.meta().slug.eq_ignore_ascii_case(key))
}
