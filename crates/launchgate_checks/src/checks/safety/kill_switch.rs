//! SAF-009 kill-switch: The new feature or a misbehaving dependency can be switched off without a
//! deploy.

use launchgate_core::Outcome;
use launchgate_evidence::deps::Capability;

use crate::kit::claims::{FlagClaim, RepoShows};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The new feature or a misbehaving dependency can be switched off without a deploy: a
    /// feature-flag SDK ships among the service's dependencies (OpenFeature, LaunchDarkly,
    /// Unleash, Flagsmith, GrowthBook, ConfigCat, Split, Togglz, FF4J, ...), or
    /// `claims.kill_switch: true` declares it (for a switch read from configuration at run
    /// time). A flag SDK in use proves it without a claim; a claim with no SDK in the
    /// repository passes as attested. `claims.kill_switch: false` fails even when a flag SDK
    /// is present (the SDK is there, but nothing behind it switches this feature off), and
    /// the finding names the SDK.
    ///
    /// ## Why it matters
    /// A deploy takes minutes to hours: build, review, canary, rollout. A flag takes seconds.
    /// When a launch misbehaves, or a non-essential dependency drags the service down, turning
    /// it off at once is the difference between a blip and an incident, and it does not depend
    /// on the deploy pipeline working that day.
    ///
    /// ## How to fix
    /// Put the feature and calls to optional dependencies behind a runtime flag (OpenFeature,
    /// LaunchDarkly, Unleash, Flagsmith, or a config value read at run time), make sure on-call
    /// may flip it and the runbook says when to. When the switch is not a flag SDK among the
    /// dependencies, declare it: `claims: {kill_switch: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   kill_switch: false   # turning the feature off needs a deploy
    /// ```
    /// ```yaml passes
    /// claims:
    ///   kill_switch: true
    /// ```
    /// ```text passes path=go.mod
    /// module example.com/reorder
    ///
    /// go 1.23
    ///
    /// require (
    ///     github.com/open-feature/go-sdk v1.14.1
    ///     github.com/prometheus/client_golang v1.20.5
    /// )
    /// ```
    ///
    /// ## References
    /// Seed 003, "Feature flags / kill switch"; Martin Fowler, "Feature Toggles (aka Feature
    /// Flags)", ops toggles; OpenFeature specification.
    pub struct KillSwitch {
        id: "SAF-009", slug: "kill-switch", category: Safety, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "L D", effort: 4,
    }
}

impl Evaluate for KillSwitch {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let libs = shipped_libraries(cx, Capability::FeatureFlags);
        FlagClaim {
            value: cx.manifest.claims.kill_switch,
            pointer: "/claims/kill_switch",
            holds: "the feature can be switched off without a deploy",
            lacking: "a kill switch that turns the feature off without a deploy",
        }
        .meets(
            cx,
            RepoShows {
                letters: "L",
                findings: library_findings(&libs, "a feature-flag SDK is in use"),
                summary: library_list(&libs),
                false_hint: "the flag SDK is there; put the feature behind a flag, declare what it can switch off, then set the claim to true",
            },
        )
    }
}
