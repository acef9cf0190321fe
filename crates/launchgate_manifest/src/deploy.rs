//! The manifest's `deploy:` section: what the service deploys (Kustomize overlays, Helm charts
//! with their values and release settings, plain or pre-rendered manifest files). When it is
//! present, only these sources are the service's Kubernetes evidence.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diag::{ConfigError, Located};

/// What the service deploys. Paths and globs are repository-relative, with `/`. When this
/// section is present, Kubernetes files outside it are left out of the review (except by the
/// secret scanner) and listed with the rule `deploy: not a deploy source`. Without it,
/// launchgate reads `skaffold.yaml`, then Argo CD `Application` and Flux `Kustomization`
/// objects that point into the repository, and otherwise takes every Kubernetes file, each
/// resource judged once.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploySection {
    /// Kustomize folders (overlays or bases) that are deployed, each holding a
    /// `kustomization.yaml`. Rendered with `kubectl kustomize` or `kustomize build` when one is
    /// on PATH; otherwise the files its `resources:` reach are read as they are.
    #[serde(default)]
    pub kustomize: Vec<String>,
    /// Helm charts that are deployed, with their values and release settings. Rendered with
    /// `helm template` when `helm` is on PATH; otherwise their templates are listed as not
    /// evaluated.
    #[serde(default)]
    pub helm: Vec<HelmRelease>,
    /// Globs of plain or pre-rendered manifest files that are deployed
    /// (`release/*.yaml`, `deploy/**/*.yaml`).
    #[serde(default)]
    pub files: Vec<String>,
    /// Run the renderers (`kubectl kustomize`, `helm template`) when they are on PATH. `false`
    /// reads the sources unrendered.
    #[serde(default = "yes")]
    pub render: bool,
}

fn yes() -> bool {
    true
}

/// One Helm release: a chart in the repository and how it is installed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelmRelease {
    /// The chart's folder (holding `Chart.yaml`).
    pub chart: String,
    /// Values files, in the order `helm template -f` takes them.
    #[serde(default)]
    pub values: Vec<String>,
    /// The release name (`helm template NAME`); defaults to the chart folder's name.
    #[serde(default)]
    pub release: Option<String>,
    /// The release namespace (`--namespace`).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Values set on the command line (`--set key=value`), by key.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}

impl DeploySection {
    /// Whether the section names no source at all.
    pub fn is_empty(&self) -> bool {
        self.kustomize.is_empty() && self.helm.is_empty() && self.files.is_empty()
    }
}

/// Why a repository path written in the manifest is refused, if it is.
fn bad_path(p: &str) -> Option<&'static str> {
    let t = p.trim();
    if t.is_empty() {
        Some("the path is empty")
    } else if t.starts_with('/') || t.contains('\\') || t.get(1..2) == Some(":") {
        Some("the path is not repository-relative")
    } else if t.split('/').any(|s| s == "..") {
        Some("the path leads outside the repository")
    } else {
        None
    }
}

pub(crate) fn validate(d: &DeploySection, at: &Located) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let mut check = |pointer: String, p: &str| {
        if let Some(why) = bad_path(p) {
            errors.push(
                at.error_at_value(&pointer, why)
                    .help("write a path inside the repository, relative to its root, with `/`"),
            );
        }
    };
    for (i, k) in d.kustomize.iter().enumerate() {
        check(format!("/deploy/kustomize/{i}"), k);
    }
    for (i, g) in d.files.iter().enumerate() {
        check(format!("/deploy/files/{i}"), g);
    }
    for (i, h) in d.helm.iter().enumerate() {
        check(format!("/deploy/helm/{i}/chart"), &h.chart);
        for (j, v) in h.values.iter().enumerate() {
            check(format!("/deploy/helm/{i}/values/{j}"), v);
        }
    }
    if d.is_empty() {
        errors.push(
            at.error_at("/deploy", "the `deploy` section names no source")
                .help("list `kustomize` folders, `helm` charts or manifest `files`, or remove the section"),
        );
    }
    errors
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::bad_path;
    use crate::{ServiceManifest, SourceFile};

    const HEAD: &str = "service: shop\ntier: 1\nexposure: public\ndata: persistent\n";

    #[test]
    fn a_deploy_section_reads_every_kind_of_source() {
        let text = format!(
            "{HEAD}deploy:\n  kustomize: [deploy/overlays/prod]\n  helm:\n    - chart: charts/api\n      values: [charts/api/values-prod.yaml]\n      release: api\n      namespace: shop\n      set: {{image.tag: '1.4.2'}}\n  files: ['release/*.yaml']\n"
        );
        let m = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap();
        let d = m.deploy.unwrap();
        assert_eq!(d.kustomize, ["deploy/overlays/prod"]);
        assert_eq!(d.files, ["release/*.yaml"]);
        assert!(d.render);
        let h = &d.helm[0];
        assert_eq!(
            (
                h.chart.as_str(),
                h.release.as_deref(),
                h.namespace.as_deref()
            ),
            ("charts/api", Some("api"), Some("shop"))
        );
        assert_eq!(h.values, ["charts/api/values-prod.yaml"]);
        assert_eq!(h.set.get("image.tag").map(String::as_str), Some("1.4.2"));
    }

    #[test]
    fn deploy_paths_outside_the_repository_and_empty_sections_are_refused() {
        let text = format!(
            "{HEAD}deploy:\n  kustomize: [../other/overlay]\n  helm:\n    - chart: /charts/api\n"
        );
        let e = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap_err();
        let got: Vec<&str> = e.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            got,
            [
                "launchgate.yaml:6:15: the path leads outside the repository",
                "launchgate.yaml:8:14: the path is not repository-relative",
            ]
        );
        let text = format!("{HEAD}deploy: {{}}\n");
        let e = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap_err();
        assert_eq!(
            e.errors[0].message,
            "launchgate.yaml:5:1: the `deploy` section names no source"
        );
    }

    #[test]
    fn manifest_paths_stay_inside_the_repository() {
        assert_eq!(bad_path("deploy/overlays/prod"), None);
        assert_eq!(bad_path("release/*.yaml"), None);
        assert_eq!(
            bad_path("../other"),
            Some("the path leads outside the repository")
        );
        assert_eq!(
            bad_path("a/../../b"),
            Some("the path leads outside the repository")
        );
        assert_eq!(
            bad_path("/etc"),
            Some("the path is not repository-relative")
        );
        assert_eq!(bad_path(" "), Some("the path is empty"));
    }
}
