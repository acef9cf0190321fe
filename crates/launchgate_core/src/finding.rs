//! Where evidence was found, what a check observed, and the outcome a check returns.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A place in the repository: a repo-relative path with `/` separators, 1-based line and column.
///
/// The location findings carry and reviews serialize. Evidence readers keep a richer one
/// (`launchgate_evidence::Loc`: a shared path and the byte span) and convert with
/// `Loc::location()`; the reason for two is written there.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(path: impl Into<String>, line: u32, column: u32) -> Location {
        Location {
            path: path.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// One thing a check observed: a defect (in a failure) or a piece of evidence (in a pass).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub message: String,
    /// Where it was observed, or where the missing thing belongs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The resource it is about (`dependency postgres`, `Deployment/checkout container server`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Other places that matter, e.g. the claim that the repository contradicts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Location>,
    /// The comment in the code that accepts this finding (`nosec B113 -- loopback only`): it
    /// is evidence, not a failure (see the policy's `accept_in_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

impl Finding {
    pub fn new(message: impl Into<String>) -> Finding {
        Finding {
            message: message.into(),
            location: None,
            resource: None,
            related: Vec::new(),
            accepted: None,
        }
    }

    #[must_use]
    pub fn at(mut self, location: Option<Location>) -> Finding {
        self.location = location;
        self
    }

    #[must_use]
    pub fn resource(mut self, resource: impl Into<String>) -> Finding {
        self.resource = Some(resource.into());
        self
    }

    #[must_use]
    pub fn related(mut self, location: Option<Location>) -> Finding {
        self.related.extend(location);
        self
    }
}

/// What a passing check rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The repository shows it.
    Proven,
    /// Only the manifest says so; nothing in the repository confirms or contradicts it.
    Attested,
}

/// The result of one check, before the policy applies tiers, severities and evidence rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The requirement is met.
    Pass {
        basis: Basis,
        evidence: Vec<Finding>,
    },
    /// The requirement is not met; each finding says where and why. `accepted` lists what the
    /// code accepted with a comment (see `accept_in_code`), shown beside the failures so that
    /// nothing accepted goes unseen while the check fails for other reasons.
    Fail {
        findings: Vec<Finding>,
        accepted: Vec<Finding>,
    },
    /// The check does not apply to this service (no queues, internal exposure, no data...).
    NotApplicable { reason: String },
    /// Evidence was missing or could not be parsed: never a pass. `accepted` as for `Fail`.
    Inconclusive {
        reason: String,
        findings: Vec<Finding>,
        accepted: Vec<Finding>,
    },
}

impl Outcome {
    pub fn proven(evidence: Vec<Finding>) -> Outcome {
        Outcome::Pass {
            basis: Basis::Proven,
            evidence,
        }
    }

    pub fn attested(evidence: Vec<Finding>) -> Outcome {
        Outcome::Pass {
            basis: Basis::Attested,
            evidence,
        }
    }

    pub fn fail(findings: Vec<Finding>) -> Outcome {
        Outcome::Fail {
            findings,
            accepted: Vec::new(),
        }
    }

    /// A failure that also lists the findings the code accepted.
    pub fn fail_accepting(findings: Vec<Finding>, accepted: Vec<Finding>) -> Outcome {
        Outcome::Fail { findings, accepted }
    }

    pub fn not_applicable(reason: impl Into<String>) -> Outcome {
        Outcome::NotApplicable {
            reason: reason.into(),
        }
    }

    pub fn inconclusive(reason: impl Into<String>) -> Outcome {
        Outcome::inconclusive_with(reason, Vec::new())
    }

    /// Inconclusive, with the findings that say what could not be judged.
    pub fn inconclusive_with(reason: impl Into<String>, findings: Vec<Finding>) -> Outcome {
        Outcome::Inconclusive {
            reason: reason.into(),
            findings,
            accepted: Vec::new(),
        }
    }
}
