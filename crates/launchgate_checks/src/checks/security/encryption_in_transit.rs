//! SEC-010 encryption-in-transit: Traffic is encrypted in transit.

use launchgate_core::{Finding, Outcome, Tier};
use launchgate_evidence::Loc;
use launchgate_evidence::k8s::{Ingress, Kubernetes, PeerAuthentication, Workload};
use launchgate_evidence::terraform::{Resource, Terraform, TfValue};

use crate::kit::claims::{Claim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::at;
use crate::kit::terraform::{TfField, field_str, tf_origin, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Traffic is encrypted in transit: TLS at the edge, and mutual TLS between services for
    /// tier 0. `claims.encryption_in_transit` is compared with the repository.
    ///
    /// - TLS at the edge: every Kubernetes Ingress has a `tls` entry covering each of its hosts
    ///   (and does not turn ingress-nginx's redirect off with `ssl-redirect: "false"`), or
    ///   the platform terminates TLS for it: a certificate annotation of the cloud's load
    ///   balancer (GKE `networking.gke.io/managed-certificates` or
    ///   `ingress.gcp.kubernetes.io/pre-shared-cert`, AWS
    ///   `alb.ingress.kubernetes.io/certificate-arn`, Azure
    ///   `appgw.ingress.kubernetes.io/appgw-ssl-certificate`), or a forced redirect to HTTPS
    ///   (ingress-nginx `force-ssl-redirect`, AWS and Azure `ssl-redirect`, a GKE FrontendConfig
    ///   with `redirectToHttps.enabled`). cert-manager annotations issue the certificate of a
    ///   `tls` entry, which is what is judged. Listeners of Gateway API Gateways
    ///   (`protocol: HTTPS` or `TLS`) and servers of Istio Gateways (with `tls`) are evidence
    ///   of TLS at the edge; their plain-HTTP listeners are not judged, since a route may
    ///   redirect them. Every
    ///   `aws_lb_listener` serves `HTTPS` or `TLS`, or, on `HTTP`, only redirects to HTTPS
    ///   (a fixed response is accepted; a listener rule that forwards plain HTTP fails); a
    ///   CloudFront distribution never uses `viewer_protocol_policy = "allow-all"`. A `TCP`
    ///   listener may pass TLS through to the targets, which the repository cannot show: it is
    ///   inconclusive unless `tls: true` is declared.
    /// - mTLS between services, required for tier 0: each workload (Jobs and CronJobs aside) is
    ///   covered by a `STRICT` Istio PeerAuthentication, the most specific one deciding as in
    ///   Istio (workload selector, then namespace, then mesh-wide in `istio-system`). A
    ///   `PERMISSIVE` or `DISABLE` mode fails, naming `claims.encryption_in_transit.mtls` too
    ///   when it says `true` (at any tier). A workload no PeerAuthentication covers is accepted
    ///   only on the claim `mtls: true` (attested: the mesh policy may live in a platform
    ///   repository). With no workload in the repository, a namespace- or mesh-wide
    ///   PeerAuthentication decides.
    ///
    /// With no Ingress, load balancer or mesh policy in the repository, the claims decide, as
    /// attested passes or failures when they are `false` or missing.
    ///
    /// Which tiers need mTLS between services is the policy's `mtls_tiers` (default `[0]`).
    ///
    /// ## Why it matters
    /// Plain HTTP exposes credentials, tokens and customer data to anyone on the path, including
    /// inside your own network: a compromised pod or a misrouted mirror port reads everything.
    /// For core services, TLS on the edge is not enough; mutual TLS also proves which service is
    /// calling, so a foothold in one workload cannot impersonate another.
    ///
    /// ## How to fix
    /// Terminate TLS on every ingress and load balancer (a `tls` section with every host, HTTPS
    /// listeners, port 80 only redirecting) and declare
    /// `claims: {encryption_in_transit: {tls: true}}`. For tier 0, turn on mTLS between services
    /// (a `PeerAuthentication` in `STRICT` mode for the namespace or the mesh, or certificates
    /// issued per workload) and add `mtls: true`.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/ingress.yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: api
    /// spec:
    ///   rules:
    ///     - host: api.example.com   # no tls entry: served over plain HTTP
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: api
    ///                 port:
    ///                   number: 80
    /// ```
    /// ```yaml passes path=deploy/ingress.yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: api
    /// spec:
    ///   tls:
    ///     - hosts: [api.example.com]
    ///       secretName: api-tls
    ///   rules:
    ///     - host: api.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: api
    ///                 port:
    ///                   number: 80
    /// ---
    /// apiVersion: security.istio.io/v1
    /// kind: PeerAuthentication
    /// metadata:
    ///   name: default
    ///   namespace: istio-system
    /// spec:
    ///   mtls:
    ///     mode: STRICT
    /// ```
    /// ```hcl fails path=infra/lb.tf
    /// resource "aws_lb_listener" "http" {
    ///   load_balancer_arn = aws_lb.api.arn
    ///   port              = 80
    ///   protocol          = "HTTP"   # forwards plain HTTP to the targets
    ///   default_action {
    ///     type             = "forward"
    ///     target_group_arn = aws_lb_target_group.api.arn
    ///   }
    /// }
    /// ```
    /// ```yaml fails
    /// tier: 0
    /// claims:
    ///   encryption_in_transit:
    ///     tls: true
    ///     mtls: false   # tier 0 services need mTLS between services
    /// ```
    /// ```yaml passes
    /// tier: 0
    /// claims:
    ///   encryption_in_transit:
    ///     tls: true
    ///     mtls: true
    /// ```
    ///
    /// ## References
    /// Seed 002, "TLS everywhere, mTLS between services"; seed 003, "Security: encryption in
    /// transit"; NIST SP 800-207 (zero trust architecture); Istio documentation on
    /// PeerAuthentication precedence; AWS Elastic Load Balancing documentation on HTTP to HTTPS
    /// redirects.
    pub struct EncryptionInTransit {
        id: "SEC-010", slug: "encryption-in-transit", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K T D", effort: 8,
    }
}

const TLS: &str = "/claims/encryption_in_transit/tls";
const MTLS: &str = "/claims/encryption_in_transit/mtls";

impl Evaluate for EncryptionInTransit {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        let transit = m.claims.encryption_in_transit.as_ref();
        let tls = transit.and_then(|t| t.tls);
        let mtls = transit.and_then(|t| t.mtls);

        let mut edge = Tally::default();
        ingresses(&cx.evidence.kubernetes, &mut edge);
        gateways(&cx.evidence.kubernetes, &mut edge);
        listeners(&cx.evidence.terraform, &mut edge);
        cloudfront(&cx.evidence.terraform, &mut edge);
        if tls == Some(true) {
            edge.failures = edge
                .failures
                .into_iter()
                .map(|f| contradicts(cx, f, TLS, "true"))
                .collect();
        }
        let mut tls_claim = match tls {
            Some(true) => Claim::Holds(vec![
                Finding::new(
                    "declared: traffic is encrypted with TLS (`claims.encryption_in_transit.tls: true`)",
                )
                .at(at(cx, TLS)),
            ]),
            Some(false) => Claim::Denied(vec![
                Finding::new(
                    "declared missing: TLS encryption of traffic (`claims.encryption_in_transit.tls: false`)",
                )
                .at(at(cx, TLS)),
            ]),
            None => Claim::Missing(vec![
                Finding::new(
                    "TLS is not declared (`claims.encryption_in_transit.tls`) and no evidence shows it",
                )
                .at(at(cx, TLS)),
            ]),
        };

        let mut mesh = mesh(cx, mtls);
        if mtls == Some(true) {
            mesh.failures = mesh
                .failures
                .into_iter()
                .map(|f| contradicts(cx, f, MTLS, "true"))
                .collect();
        }
        let mut parts = Vec::new();
        if cx.options.require_mtls {
            let mtls_claim = match mtls {
                Some(true) => Claim::Holds(vec![
                    Finding::new("declared: services authenticate each other with mTLS (`claims.encryption_in_transit.mtls: true`)")
                        .at(at(cx, MTLS)),
                ]),
                Some(false) => Claim::Denied(vec![
                    Finding::new(format!("declared missing: mTLS between services (`claims.encryption_in_transit.mtls: false`); tier {} requires it", m.tier))
                        .at(at(cx, MTLS)),
                ]),
                None => Claim::Missing(vec![
                    Finding::new(format!("mTLS between services is not declared (`claims.encryption_in_transit.mtls`); tier {} requires it", m.tier))
                        .at(at(cx, MTLS)),
                ]),
            };
            parts.push((edge, tls_claim));
            parts.push((mesh, mtls_claim));
        } else {
            // Where the policy does not require mTLS (by default below tier 0), only a mesh policy that contradicts a claimed
            // `mtls: true` counts against the service.
            if let Claim::Holds(declared) = &mut tls_claim {
                let state = match mtls {
                    Some(true) => "declared",
                    Some(false) => "declared off",
                    None => "not declared",
                };
                declared.push(
                    Finding::new(format!(
                        "mTLS between services is {state}; {} and this service is tier {}",
                        which_tiers_require(&cx.options.mtls_tiers),
                        m.tier
                    ))
                    .at(at(cx, MTLS)),
                );
            }
            parts.push((edge, tls_claim));
            if !mesh.failures.is_empty() && mtls == Some(true) {
                parts.push((
                    Tally {
                        failures: mesh.failures,
                        ..Tally::default()
                    },
                    Claim::Holds(Vec::new()),
                ));
            }
        }
        settle(cx, "K T", parts)
    }
}

/// Which tiers the policy requires mTLS for: `only tier 0 requires it`.
fn which_tiers_require(tiers: &[Tier]) -> String {
    let names: Vec<String> = tiers.iter().map(ToString::to_string).collect();
    match names.as_slice() {
        [] => "no tier requires it".to_string(),
        [one] => format!("only tier {one} requires it"),
        [init @ .., last] => format!("only tiers {} and {last} require it", init.join(", ")),
    }
}

/// How the platform terminates TLS for an Ingress without `spec.tls`: a certificate
/// annotation, a forced redirect to HTTPS, a GKE FrontendConfig redirect; what to say and where.
fn platform_tls(k: &Kubernetes, ing: &Ingress) -> Option<(String, Loc)> {
    let cert = ing.platform_certificate();
    let redirect = ing
        .https_redirect()
        .map(|(key, v)| (format!("`{key}: \"{}\"`", v.value.trim()), v.loc.clone()))
        .or_else(|| {
            k.frontend_config_redirect(ing)
                .map(|loc| ("a FrontendConfig with `redirectToHttps`".to_string(), loc))
        });
    match (cert, redirect) {
        (Some((key, v)), Some((r, _))) => {
            Some((format!("certificate `{key}` and {r}"), v.loc.clone()))
        }
        (Some((key, v)), None) => Some((format!("certificate `{key}`"), v.loc.clone())),
        (None, Some((r, loc))) => Some((format!("plain HTTP redirected by {r}"), loc)),
        (None, None) => None,
    }
}

fn ingresses(k: &Kubernetes, shown: &mut Tally) {
    for ing in &k.ingresses {
        let before = shown.failures.len();
        let platform = if ing.has_tls() {
            None
        } else {
            platform_tls(k, ing)
        };
        let hosts = if platform.is_some() {
            Vec::new()
        } else {
            ing.hosts_without_tls().collect()
        };
        for host in hosts {
            shown.failures.push(
                Finding::new(format!(
                    "{} serves host `{}` without TLS: no `spec.tls` entry covers it",
                    ing.resource(),
                    host.value
                ))
                .at(Some(host.loc.location()))
                .resource(ing.resource()),
            );
        }
        if ing.tls.is_empty() && ing.hosts.is_empty() && platform.is_none() {
            shown.failures.push(
                Finding::new(format!(
                    "{} has no `tls` section: it serves plain HTTP",
                    ing.resource()
                ))
                .at(Some(ing.spec_loc.location()))
                .resource(ing.resource()),
            );
        }
        if let Some(a) = ing.ssl_redirect()
            && a.value.trim().eq_ignore_ascii_case("false")
            && ing.has_tls()
        {
            shown.failures.push(
                Finding::new(format!(
                    "{} also serves plain HTTP: the TLS redirect is turned off (`\"false\"`)",
                    ing.resource()
                ))
                .at(Some(a.loc.location()))
                .resource(ing.resource()),
            );
        }
        if shown.failures.len() == before {
            if let Some(t) = ing.tls.first() {
                shown.evidence.push(
                    Finding::new(format!("{} serves every host over TLS", ing.resource()))
                        .at(Some(t.loc.location()))
                        .resource(ing.resource()),
                );
            } else if let Some((what, loc)) = &platform {
                shown.evidence.push(
                    Finding::new(format!(
                        "{} serves every host over TLS set by the platform: {what}",
                        ing.resource()
                    ))
                    .at(Some(loc.location()))
                    .resource(ing.resource()),
                );
            }
        }
    }
}

/// Gateway API and Istio Gateways: each listener that serves TLS, or redirects to it, is
/// evidence of TLS at the edge. Plain-HTTP listeners are not judged: their redirect may be
/// set by a route (an HTTPRoute `RequestRedirect` filter, a VirtualService `redirect`).
fn gateways(k: &Kubernetes, shown: &mut Tally) {
    for l in k.gateway_listeners() {
        let what = if l.tls {
            format!(
                "serves {} with TLS",
                if l.protocol.is_empty() {
                    "TLS"
                } else {
                    &l.protocol
                }
            )
        } else if l.https_redirect {
            "redirects plain HTTP to HTTPS (`tls.httpsRedirect`)".to_string()
        } else {
            continue;
        };
        shown.evidence.push(
            Finding::new(format!("{}: a listener {what}", l.resource))
                .at(Some(l.loc.location()))
                .resource(l.resource.clone()),
        );
    }
}

/// Listener protocol as AWS applies it: written, else the load balancer's default.
fn listener_protocol<'a>(tf: &'a Terraform, l: &'a Resource) -> TfField<'a, String> {
    match field_str(&l.body, "protocol") {
        TfField::Known(p, a) => TfField::Known(p.to_ascii_uppercase(), a),
        TfField::Unresolved(a) => TfField::Unresolved(a),
        TfField::Absent => {
            let lb_type = l
                .attr("load_balancer_arn")
                .and_then(|a| a.addresses().into_iter().find_map(|x| tf.resolve(l, &x)))
                .and_then(|lb| lb.value("load_balancer_type"))
                .and_then(TfValue::as_str);
            // Application load balancers default to HTTP; network ones to TCP.
            let p = match lb_type {
                Some("network") => "TCP",
                Some("gateway") => "GENEVE",
                _ => "HTTP",
            };
            match l.attr("port") {
                Some(a) => TfField::Known(p.to_string(), a),
                None => TfField::Absent,
            }
        }
    }
}

fn listeners(tf: &Terraform, shown: &mut Tally) {
    let all = tf
        .resources_of("aws_lb_listener")
        .chain(tf.resources_of("aws_alb_listener"));
    for l in all {
        let name = l.address();
        let (protocol, loc) = match listener_protocol(tf, l) {
            TfField::Known(p, a) => (p, a.loc.clone()),
            TfField::Absent => ("HTTP".to_string(), l.loc.clone()),
            TfField::Unresolved(a) => {
                shown
                    .unknowns
                    .push(tf_unresolved(l, a, "the listener's encryption"));
                continue;
            }
        };
        match protocol.as_str() {
            "HTTPS" | "TLS" => shown.evidence.push(
                Finding::new(format!("{name} terminates {protocol}"))
                    .at(Some(loc.location()))
                    .resource(name),
            ),
            "HTTP" => http_listener(tf, l, &loc, shown),
            "TCP" | "TCP_UDP" => shown.unknowns.push(
                Finding::new(format!(
                    "{name} passes {protocol} through: whether the targets terminate TLS cannot be seen in the repository"
                ))
                .at(Some(loc.location()))
                .resource(name),
            ),
            // UDP and GENEVE carry no TLS traffic to judge.
            _ => {}
        }
    }
}

/// How an action treats a plain HTTP request: `Some(true)` when it never reaches the targets
/// in plaintext (a redirect to HTTPS, a fixed response), `None` when unknown.
fn action_is_safe(action: &launchgate_evidence::terraform::Body) -> Option<bool> {
    match field_str(action, "type") {
        TfField::Known("redirect", _) => {
            let protocol = action
                .block("redirect")
                .map_or(TfField::Absent, |r| field_str(&r.body, "protocol"));
            match protocol {
                TfField::Known(p, _) => Some(p.eq_ignore_ascii_case("HTTPS")),
                // The redirect keeps the request's protocol by default (`#{protocol}`).
                TfField::Absent => Some(false),
                TfField::Unresolved(_) => None,
            }
        }
        TfField::Known("fixed-response", _) => Some(true),
        TfField::Known(..) => Some(false),
        TfField::Absent | TfField::Unresolved(_) => None,
    }
}

fn http_listener(tf: &Terraform, l: &Resource, loc: &launchgate_evidence::Loc, shown: &mut Tally) {
    let name = l.address();
    let actions: Vec<_> = l.body.blocks("default_action").collect();
    let verdicts: Vec<Option<bool>> = actions.iter().map(|a| action_is_safe(&a.body)).collect();
    if actions.is_empty() || verdicts.contains(&Some(false)) {
        shown.failures.push(
            Finding::new(format!(
                "{name} serves plain HTTP: its default action does not redirect to HTTPS"
            ))
            .at(Some(loc.location()))
            .resource(name),
        );
        return;
    }
    if verdicts.contains(&None) {
        shown.unknowns.push(
            Finding::new(format!(
                "{name} listens on HTTP and its default action cannot be read, so whether it redirects to HTTPS cannot be verified"
            ))
            .at(Some(loc.location()))
            .resource(name),
        );
        return;
    }
    let mut forwarded = false;
    for rule in tf.referrers(l).filter(|r| {
        matches!(
            r.rtype.as_str(),
            "aws_lb_listener_rule" | "aws_alb_listener_rule"
        ) && r
            .attr("listener_arn")
            .is_some_and(|a| a.addresses().contains(&name))
    }) {
        for action in rule.body.blocks("action") {
            if action_is_safe(&action.body) == Some(false) {
                forwarded = true;
                let at_loc = action.body.attr("type").map_or(&action.loc, |t| &t.loc);
                shown.failures.push(
                    Finding::new(format!(
                        "{} sends plain HTTP from {name} to the targets: its action does not redirect to HTTPS",
                        rule.address()
                    ))
                    .at(Some(at_loc.location()))
                    .resource(rule.address()),
                );
            }
        }
    }
    if !forwarded {
        shown.evidence.push(
            Finding::new(format!("{name} listens on HTTP only to redirect to HTTPS"))
                .at(Some(loc.location()))
                .resource(name),
        );
    }
}

fn cloudfront(tf: &Terraform, shown: &mut Tally) {
    for d in tf.resources_of("aws_cloudfront_distribution") {
        let name = d.address();
        let mut ok = true;
        for b in d
            .body
            .blocks("default_cache_behavior")
            .chain(d.body.blocks("ordered_cache_behavior"))
        {
            match field_str(&b.body, "viewer_protocol_policy") {
                TfField::Known("allow-all", a) => {
                    ok = false;
                    shown.failures.push(
                        Finding::new(format!(
                            "{name} serves viewers over plain HTTP (`viewer_protocol_policy = \"allow-all\"`)"
                        ))
                        .at(Some(a.loc.location())).related(tf_origin(a))
                        .resource(name.clone()),
                    );
                }
                TfField::Unresolved(a) => {
                    ok = false;
                    shown
                        .unknowns
                        .push(tf_unresolved(d, a, "the viewer protocol policy"));
                }
                _ => {}
            }
        }
        if ok {
            shown.evidence.push(
                Finding::new(format!("{name} serves viewers over HTTPS only"))
                    .at(Some(d.loc.location()))
                    .resource(name),
            );
        }
    }
}

/// The mode a PeerAuthentication sets, when it sets one (`UNSET` inherits).
fn mode(pa: &PeerAuthentication) -> Option<&launchgate_evidence::k8s::Located<String>> {
    pa.mtls_mode
        .as_ref()
        .filter(|m| !m.value.trim().eq_ignore_ascii_case("UNSET"))
}

/// The PeerAuthentication that decides a workload's mode: the most specific one with a mode.
fn deciding<'a>(k: &'a Kubernetes, w: &'a Workload) -> Option<&'a PeerAuthentication> {
    let applying: Vec<&PeerAuthentication> = k.peer_authentications_for(w).collect();
    let level = |pa: &PeerAuthentication| {
        if pa.selector.is_some() && !pa.is_mesh_wide() {
            0
        } else if pa.is_mesh_wide() {
            2
        } else {
            1
        }
    };
    (0..3).find_map(|l| {
        applying
            .iter()
            .copied()
            .find(|pa| level(pa) == l && mode(pa).is_some())
    })
}

fn mesh(cx: &CheckContext<'_>, mtls: Option<bool>) -> Tally {
    let k = &cx.evidence.kubernetes;
    let mut shown = Tally::default();
    let workloads: Vec<&Workload> = k.workloads.iter().filter(|w| !w.kind.is_batch()).collect();
    if workloads.is_empty() {
        // No workload here: namespace- and mesh-wide policies still say what the mesh does.
        for pa in k
            .peer_authentications
            .iter()
            .filter(|p| p.selector.is_none())
        {
            judge_mode(pa, None, &mut shown);
        }
        return shown;
    }
    for w in workloads {
        let Some(pa) = deciding(k, w) else {
            let base = format!(
                "no PeerAuthentication in the repository applies to {}, so the mesh default (PERMISSIVE: plaintext accepted) is all the repository shows",
                w.resource()
            );
            // Only a service whose tier requires mTLS needs it; a claimed `mtls: true` may rest
            // on a mesh policy kept in a platform repository.
            if cx.options.require_mtls && mtls.is_none() {
                shown.failures.push(
                    Finding::new(format!(
                        "{base}; tier {} requires mTLS between services and `claims.encryption_in_transit.mtls` does not declare it",
                        cx.manifest.tier
                    ))
                    .at(Some(w.kind_loc.location()))
                    .resource(w.resource()),
                );
            } else {
                shown.unknowns.push(
                    Finding::new(base)
                        .at(Some(w.kind_loc.location()))
                        .resource(w.resource()),
                );
            }
            continue;
        };
        judge_mode(pa, Some(w), &mut shown);
        for (port, m) in &pa.port_level_mtls {
            if !m.value.eq_ignore_ascii_case("STRICT") && !m.value.eq_ignore_ascii_case("UNSET") {
                shown.failures.push(
                    Finding::new(format!(
                        "{} sets mTLS to {} on port {port} of {}: that port accepts plaintext",
                        pa.resource(),
                        m.value,
                        w.resource()
                    ))
                    .at(Some(m.loc.location()))
                    .resource(w.resource()),
                );
            }
        }
    }
    shown
}

fn judge_mode(pa: &PeerAuthentication, w: Option<&Workload>, shown: &mut Tally) {
    let Some(m) = mode(pa) else {
        return;
    };
    let target = w.map_or_else(
        || {
            if pa.is_mesh_wide() {
                "the whole mesh".to_string()
            } else {
                format!(
                    "namespace `{}`",
                    pa.namespace.as_deref().unwrap_or("default")
                )
            }
        },
        Workload::resource,
    );
    let resource = w.map_or_else(|| pa.resource(), Workload::resource);
    if m.value.trim().eq_ignore_ascii_case("STRICT") {
        shown.evidence.push(
            Finding::new(format!(
                "{target} only accepts mutual TLS ({} is STRICT)",
                pa.resource()
            ))
            .at(Some(m.loc.location()))
            .resource(resource),
        );
    } else {
        shown.failures.push(
            Finding::new(format!(
                "{} sets mTLS to {} for {target}: it accepts plaintext from other services",
                pa.resource(),
                m.value
            ))
            .at(Some(m.loc.location()))
            .resource(resource),
        );
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Tier};

    use crate::fixture::{basis, contradicts};

    #[test]
    fn messages_name_the_tiers_the_policy_requires_mtls_for() {
        let say = super::which_tiers_require;
        assert_eq!(say(&[]), "no tier requires it");
        assert_eq!(say(&[Tier::T0]), "only tier 0 requires it");
        assert_eq!(
            say(&[Tier::T0, Tier::T1, Tier::T2]),
            "only tiers 0, 1 and 2 require it"
        );
    }

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in ["pass_repository_tls_and_mtls", "pass_claim_proven"] {
            assert_eq!(basis("SEC-010", case), Some(Basis::Proven), "{case}");
        }
        for case in [
            "pass_tier0_mtls",
            "pass_tier1_tls_only",
            "pass_claim_covers_mesh",
        ] {
            assert_eq!(basis("SEC-010", case), Some(Basis::Attested), "{case}");
        }
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "SEC-010",
            "fail_claim_contradicted",
            "claims.encryption_in_transit.mtls"
        ));
    }
}
