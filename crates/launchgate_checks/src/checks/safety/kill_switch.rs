use launchgate_core::Outcome;

use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// The new feature or a misbehaving dependency can be switched off without a deploy, as
    /// declared by `claims.kill_switch: true`.
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
    /// may flip it and the runbook says when to. Then declare it: `claims: {kill_switch: true}`.
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
    ///
    /// ## References
    /// Seed 003, "Feature flags / kill switch"; Martin Fowler, "Feature Toggles (aka Feature
    /// Flags)", ops toggles; OpenFeature specification.
    pub struct KillSwitch {
        id: "SAF-009", slug: "kill-switch", category: Safety, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "L D", effort: 4,
    }
}

impl Check for KillSwitch {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        flag_claim(
            cx,
            cx.manifest.claims.kill_switch,
            "/claims/kill_switch",
            "the feature can be switched off without a deploy",
            "a kill switch that turns the feature off without a deploy",
        )
    }
}
