//! Service tiers, what a check means for each tier, and the four statuses a review shows.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How critical a service is: 0 is core revenue, 1 important, 2 nice to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Tier {
    T0,
    T1,
    T2,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::T0, Tier::T1, Tier::T2];

    pub fn index(self) -> usize {
        match self {
            Tier::T0 => 0,
            Tier::T1 => 1,
            Tier::T2 => 2,
        }
    }
}

impl TryFrom<u8> for Tier {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        match v {
            0 => Ok(Tier::T0),
            1 => Ok(Tier::T1),
            2 => Ok(Tier::T2),
            _ => Err(format!(
                "tier {v} does not exist; allowed: 0 (core revenue), 1 (important), 2 (nice to have)"
            )),
        }
    }
}

impl From<Tier> for u8 {
    fn from(t: Tier) -> u8 {
        t.index() as u8
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.index())
    }
}

impl JsonSchema for Tier {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Tier".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Criticality: 0 = core revenue, 1 = important, 2 = nice to have.",
            "type": "integer",
            "enum": [0, 1, 2]
        })
    }
}

/// What a check means for one tier: `R` required, `W` recommended, `-` skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Requirement {
    /// Not met is a FAIL.
    #[serde(rename = "R")]
    Required,
    /// Not met is a WARN.
    #[serde(rename = "W")]
    Recommended,
    /// The check is skipped for this tier.
    #[serde(rename = "-")]
    Skipped,
}

impl Requirement {
    pub fn letter(self) -> char {
        match self {
            Requirement::Required => 'R',
            Requirement::Recommended => 'W',
            Requirement::Skipped => '-',
        }
    }
}

/// The requirement of a check for tiers 0, 1 and 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct TierMatrix(pub [Requirement; 3]);

impl TierMatrix {
    pub fn for_tier(&self, tier: Tier) -> Requirement {
        self.0[tier.index()]
    }
}

impl fmt::Display for TierMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.0;
        write!(f, "{} {} {}", a.letter(), b.letter(), c.letter())
    }
}

/// The status of one check in a review, after the policy applied tier and evidence rules.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    Warn,
    /// A failure (or warning) a valid, unexpired manifest waiver accepts: never a pass, never
    /// hidden; excluded from the score, and its presence holds the decision at CONDITIONAL_GO.
    Waived,
    Pass,
    Skip,
}

impl Status {
    /// PASS, WARN and FAIL count towards the score and the pass rate; SKIP and WAIVED do not.
    pub fn is_scored(self) -> bool {
        matches!(self, Status::Pass | Status::Warn | Status::Fail)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
            Status::Waived => "WAIVED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
