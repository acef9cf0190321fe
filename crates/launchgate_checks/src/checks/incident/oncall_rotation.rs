//! INC-002 oncall-rotation: An on-call rotation exists and the Day-1 primary is named.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::terraform::{Resource, Terraform, TfValue};

use crate::kit::claims::{Claim, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::{at, names_match};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// An on-call rotation exists and the Day-1 primary is named. The rotation is shown by
    /// paging configuration kept as code in Terraform (a `pagerduty_schedule` with a layer, a
    /// `pagerduty_escalation_policy` with a rule, an `opsgenie_schedule` with a rotation, an
    /// `opsgenie_escalation`), or declared in `claims.oncall.rotation`. The primary comes from
    /// `claims.oncall.primary`: the repository cannot say who is on call on Day 1, but when the
    /// primary is a member of a rotation in Terraform (a `pagerduty_user` or `opsgenie_user`
    /// whose email, username or name matches) that is confirmed too.
    ///
    /// The check passes proven when the repository shows the rotation and the primary in it,
    /// attested when a claim stands in for either, and fails when the primary is not named or
    /// neither the repository nor the manifest shows a rotation.
    ///
    /// ## Why it matters
    /// An alert that pages nobody is a log line. "Who is the primary on Day 1?" is the question
    /// every launch forgets until the first page goes unanswered.
    ///
    /// ## How to fix
    /// Create the rotation in your paging tool (ideally as code, with the PagerDuty or Opsgenie
    /// Terraform provider), put the service's alerts on it, and declare both the rotation and
    /// the first primary:
    /// `claims: {oncall: {rotation: payments-primary, primary: alice@example.com}}`.
    ///
    /// ## Example
    /// ```hcl fails path=infra/oncall.tf
    /// # A rotation exists, but nobody is named as the Day-1 primary in the manifest.
    /// resource "pagerduty_schedule" "primary" {
    ///   name      = "payments-primary"
    ///   time_zone = "Europe/Paris"
    ///   layer {
    ///     name                         = "weekly"
    ///     start                        = "2026-11-30T09:00:00+01:00"
    ///     rotation_virtual_start       = "2026-11-30T09:00:00+01:00"
    ///     rotation_turn_length_seconds = 604800
    ///     users                        = [pagerduty_user.alice.id]
    ///   }
    /// }
    /// ```
    /// ```yaml fails
    /// claims:
    ///   oncall:
    ///     rotation: payments-primary   # but who is on call on Day 1?
    /// ```
    /// ```yaml passes
    /// claims:
    ///   oncall:
    ///     rotation: payments-primary
    ///     primary: alice@example.com
    /// ```
    ///
    /// ## References
    /// Seed 002, "Oncall rotation defined; who is the primary on Day 1?"; seed 003, "Incident Response";
    /// PagerDuty and Opsgenie Terraform provider documentation on schedules and escalation
    /// policies.
    pub struct OncallRotation {
        id: "INC-002", slug: "oncall-rotation", category: Incident, severity: Blocker,
        tiers: [Required, Required, Skipped], evidence: "D T", effort: 4,
    }
}

const ROTATION: &str = "/claims/oncall/rotation";
const PRIMARY: &str = "/claims/oncall/primary";

impl Evaluate for OncallRotation {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let oncall = cx.manifest.claims.oncall.as_ref();
        let rotation = oncall
            .and_then(|o| o.rotation.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let primary = oncall
            .and_then(|o| o.primary.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let tf = &cx.evidence.terraform;
        let rotations = rotations(tf);

        let mut rotation_shown = Tally::default();
        for r in &rotations {
            let named = rotation.is_some_and(|n| {
                names_match(n, &r.name)
                    || r.value("name")
                        .and_then(TfValue::as_str)
                        .is_some_and(|x| names_match(n, x))
            });
            rotation_shown.evidence.push(
                Finding::new(format!(
                    "{} defines an on-call {}{}",
                    r.address(),
                    if r.rtype.ends_with("escalation_policy") || r.rtype.ends_with("escalation") {
                        "escalation"
                    } else {
                        "rotation"
                    },
                    if named {
                        format!(
                            " (the declared rotation `{}`)",
                            rotation.unwrap_or_default()
                        )
                    } else {
                        String::new()
                    }
                ))
                .at(Some(r.loc.location()))
                .resource(r.address()),
            );
        }
        let rotation_claim = match rotation {
            Some(r) => Claim::Holds(vec![
                Finding::new(format!("declared rotation `{r}`")).at(at(cx, ROTATION)),
            ]),
            None => Claim::Missing(vec![
                Finding::new("no on-call rotation is declared (`claims.oncall.rotation`)")
                    .at(at(cx, ROTATION)),
            ]),
        };

        let mut primary_shown = Tally::default();
        if let Some(p) = primary
            && let Some((schedule, user)) = rotations
                .iter()
                .find_map(|r| member(tf, r, p).map(|u| (r, u)))
        {
            primary_shown.evidence.push(
                Finding::new(format!(
                    "Day-1 primary `{p}` is {}, a member of {}",
                    user.address(),
                    schedule.address()
                ))
                .at(Some(user.loc.location()))
                .resource(user.address()),
            );
        }
        let primary_claim = match primary {
            Some(p) => Claim::Holds(vec![
                Finding::new(format!(
                    "Day-1 primary `{p}`{}",
                    rotation.map_or(String::new(), |r| format!(" on rotation `{r}`"))
                ))
                .at(at(cx, "/claims/oncall")),
            ]),
            None => Claim::Missing(vec![
                Finding::new("no Day-1 primary is named (`claims.oncall.primary`)")
                    .at(at(cx, PRIMARY)),
            ]),
        };
        settle(
            cx,
            "T",
            vec![
                (rotation_shown, rotation_claim),
                (primary_shown, primary_claim),
            ],
        )
    }
}

/// Paging resources that show a rotation: schedules with a layer or rotation, escalation
/// policies with a rule.
fn rotations(tf: &Terraform) -> Vec<&Resource> {
    tf.resources
        .iter()
        .filter(|r| match r.rtype.as_str() {
            "pagerduty_schedule" => r.body.blocks("layer").next().is_some(),
            "pagerduty_escalation_policy" | "opsgenie_escalation" => {
                r.body.blocks("rule").next().is_some()
            }
            "opsgenie_schedule" => tf.referrers(r).any(|x| {
                x.rtype == "opsgenie_schedule_rotation"
                    && x.attr("schedule_id")
                        .is_some_and(|a| a.addresses().contains(&r.address()))
            }),
            _ => false,
        })
        .collect()
}

/// The user resource of `primary` if it is a member of `rotation`: a PagerDuty layer's
/// `users`, or a participant of an Opsgenie rotation of the schedule.
fn member<'a>(tf: &'a Terraform, rotation: &'a Resource, primary: &str) -> Option<&'a Resource> {
    let mut user_addresses: Vec<String> = Vec::new();
    match rotation.rtype.as_str() {
        "pagerduty_schedule" => {
            for layer in rotation.body.blocks("layer") {
                if let Some(a) = layer.body.attr("users") {
                    user_addresses.extend(a.addresses());
                }
            }
        }
        "opsgenie_schedule" => {
            for r in tf
                .referrers(rotation)
                .filter(|x| x.rtype == "opsgenie_schedule_rotation")
            {
                for p in r.body.blocks("participant") {
                    if let Some(a) = p.body.attr("id") {
                        user_addresses.extend(a.addresses());
                    }
                }
            }
        }
        _ => {}
    }
    user_addresses
        .iter()
        .filter_map(|a| tf.resolve(rotation, a))
        .filter(|u| matches!(u.rtype.as_str(), "pagerduty_user" | "opsgenie_user"))
        .find(|u| {
            ["email", "username", "name", "full_name"].iter().any(|k| {
                u.value(k)
                    .and_then(TfValue::as_str)
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case(primary))
            })
        })
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::basis;

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in [
            "pass_repository_rotation_and_primary",
            "pass_opsgenie_rotation",
        ] {
            assert_eq!(basis("INC-002", case), Some(Basis::Proven), "{case}");
        }
        for case in [
            "pass_rotation_and_primary",
            "pass_primary_outside_repository",
        ] {
            assert_eq!(basis("INC-002", case), Some(Basis::Attested), "{case}");
        }
    }
}
