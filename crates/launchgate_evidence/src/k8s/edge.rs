//! TLS at the edge set by the platform rather than by an Ingress's `spec.tls`: GKE
//! FrontendConfig redirects, and the listeners of Gateway API and Istio Gateways.

use super::selector::same_namespace;
use super::{Ingress, Kubernetes, Object};
use crate::Loc;
use crate::yaml::Node;

/// The annotation by which a GKE Ingress names its FrontendConfig.
const FRONTEND_CONFIG_ANNOTATIONS: [&str; 2] = [
    "networking.gke.io/v1beta1.FrontendConfig",
    "networking.gke.io/frontend-config",
];

/// One listener of a Gateway API `Gateway` (`spec.listeners[]`) or one server of an Istio
/// `Gateway` (`spec.servers[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayListener {
    /// `Gateway/name`.
    pub resource: String,
    /// The protocol, upper case (`HTTPS`, `TLS`, `HTTP`); empty when unset.
    pub protocol: String,
    /// Whether the listener terminates or passes through TLS: Gateway API `HTTPS` or `TLS`;
    /// an Istio server with a `tls` section other than a bare redirect, or `HTTPS`/`TLS`.
    pub tls: bool,
    /// An Istio server that answers plain HTTP with a redirect (`tls.httpsRedirect: true`).
    pub https_redirect: bool,
    /// The list item.
    pub loc: Loc,
}

impl Kubernetes {
    /// Where the GKE FrontendConfig that `ing` names turns on the redirect to HTTPS
    /// (`spec.redirectToHttps.enabled: true`, at that value); `None` when it names none, the
    /// FrontendConfig is not in the repository, or it does not redirect.
    pub fn frontend_config_redirect(&self, ing: &Ingress) -> Option<Loc> {
        let name = FRONTEND_CONFIG_ANNOTATIONS
            .iter()
            .find_map(|k| ing.annotation(k))?;
        self.objects_of_kind("FrontendConfig")
            .filter(|o| {
                o.name() == name.value.trim()
                    && same_namespace(o.namespace.as_deref(), ing.namespace.as_deref())
            })
            .find_map(|o| {
                let enabled = o.doc.at(&["spec", "redirectToHttps", "enabled"])?;
                enabled
                    .as_bool()
                    .filter(|b| *b)
                    .map(|_| enabled.loc.clone())
            })
    }

    /// The listeners of every Gateway API `Gateway` and the servers of every Istio `Gateway`.
    pub fn gateway_listeners(&self) -> Vec<GatewayListener> {
        let mut out = Vec::new();
        for o in self.objects_of_kind("Gateway") {
            match o.group() {
                Some("gateway.networking.k8s.io") => gateway_api(o, &mut out),
                Some("networking.istio.io") => istio(o, &mut out),
                _ => {}
            }
        }
        out
    }
}

fn gateway_api(o: &Object, out: &mut Vec<GatewayListener>) {
    let Some(listeners) = o.doc.at(&["spec", "listeners"]) else {
        return;
    };
    for l in listeners.as_seq() {
        let protocol = l
            .get("protocol")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        out.push(GatewayListener {
            resource: o.resource(),
            tls: matches!(protocol.as_str(), "HTTPS" | "TLS"),
            protocol,
            https_redirect: false,
            loc: l.loc.clone(),
        });
    }
}

fn istio(o: &Object, out: &mut Vec<GatewayListener>) {
    let Some(servers) = o.doc.at(&["spec", "servers"]) else {
        return;
    };
    for s in servers.as_seq() {
        let protocol = s
            .at(&["port", "protocol"])
            .and_then(Node::as_str)
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        let tls = s.get("tls");
        let https_redirect = tls
            .and_then(|t| t.get("httpsRedirect"))
            .and_then(Node::as_bool)
            .unwrap_or(false);
        let terminates = tls.is_some_and(|t| {
            t.get("mode").is_some()
                || t.get("credentialName").is_some()
                || t.get("serverCertificate").is_some()
        });
        out.push(GatewayListener {
            resource: o.resource(),
            tls: terminates || matches!(protocol.as_str(), "HTTPS" | "TLS"),
            protocol,
            https_redirect,
            loc: s.loc.clone(),
        });
    }
}
