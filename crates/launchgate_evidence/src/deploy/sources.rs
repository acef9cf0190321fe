//! Where the deploy sources come from: the manifest's `deploy:` section, `skaffold.yaml`
//! (`manifests.rawYaml`, `manifests.kustomize.paths`, `manifests.helm.releases`, and the older
//! `deploy.kubectl`/`deploy.kustomize`/`deploy.helm` forms; profiles are ignored), or Argo CD
//! `Application` and Flux `Kustomization` objects whose path lies in the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use launchgate_manifest::{DeploySection, HelmRelease};

use super::{DeploySource, Plan, SourceKind, join};
use crate::k8s::{KubeFile, Kustomization};
use crate::read::{self, Decoded, Opened};
use crate::yaml::Node;
use crate::{Located, Source, yaml};

/// The plan the manifest's `deploy:` section gives.
pub(crate) fn from_manifest(d: &DeploySection) -> Plan {
    let mut sources = Vec::new();
    for k in &d.kustomize {
        sources.push(DeploySource {
            kind: SourceKind::Kustomize(clean(k)),
            why: "manifest deploy.kustomize".to_string(),
        });
    }
    for h in &d.helm {
        let mut h = h.clone();
        h.chart = clean(&h.chart);
        sources.push(DeploySource {
            kind: SourceKind::Helm(h),
            why: "manifest deploy.helm".to_string(),
        });
    }
    if !d.files.is_empty() {
        sources.push(DeploySource {
            kind: SourceKind::Files(d.files.iter().map(|g| clean(g)).collect()),
            why: "manifest deploy.files".to_string(),
        });
    }
    Plan {
        sources,
        origin: "the manifest".to_string(),
        render: d.render,
        config_files: BTreeSet::new(),
    }
}

fn clean(p: &str) -> String {
    p.trim()
        .trim_start_matches("./")
        .trim_end_matches('/')
        .to_string()
}

/// What `skaffold.yaml` says: the deploy sources and the images its build produces.
#[derive(Debug, Default)]
pub(crate) struct Skaffold {
    pub sources: Vec<DeploySource>,
    /// `build.artifacts[].image`, at their values.
    pub built_images: Vec<Located<String>>,
    /// The folder each of those images is built from (`build.artifacts[].context`, default
    /// the repository root), by image.
    pub build_contexts: BTreeMap<String, String>,
}

/// Reads `skaffold.yaml` (or `.yml`) at the repository root, if there is one.
pub(crate) fn read_skaffold(root: &Path, max: u64) -> Option<Skaffold> {
    let (name, text) = ["skaffold.yaml", "skaffold.yml"].iter().find_map(|n| {
        let Ok(Opened::File(f, len)) = read::open(&root.join(n)) else {
            return None;
        };
        if len > max {
            return None;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(f, max), &mut bytes).ok()?;
        match read::decode(bytes) {
            Decoded::Text(t) => Some((*n, t)),
            Decoded::Binary(_) => None,
        }
    })?;
    let src = Source::new(Arc::<str>::from(name), text);
    let docs = yaml::load_all(&src).ok()?;
    let mut out = Skaffold::default();
    for doc in &docs {
        if !doc
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|v| v.starts_with("skaffold/"))
        {
            continue;
        }
        for a in doc
            .at(&["build", "artifacts"])
            .map(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(i) = a.get("image")
                && let Some(s) = i.as_str()
            {
                let context = a
                    .get("context")
                    .and_then(Node::as_str)
                    .map_or_else(String::new, clean);
                out.build_contexts.insert(s.trim().to_string(), context);
                out.built_images
                    .push(Located::new(s.trim().to_string(), i.loc.clone()));
            }
        }
        let mut raw = Vec::new();
        for key in [["manifests", "rawYaml"], ["deploy", "kubectl"]] {
            let node = doc.at(&key);
            let list = if key[1] == "kubectl" {
                node.and_then(|n| n.get("manifests"))
            } else {
                node
            };
            raw.extend(strings(list).into_iter().map(|s| clean(&s)));
        }
        if !raw.is_empty() {
            out.sources.push(DeploySource {
                kind: SourceKind::Files(raw),
                why: format!("{name} manifests.rawYaml"),
            });
        }
        for key in [["manifests", "kustomize"], ["deploy", "kustomize"]] {
            let Some(k) = doc.at(&key) else { continue };
            let paths = strings(k.get("paths"));
            // Skaffold's default is the root folder.
            let paths = if paths.is_empty() {
                vec![".".to_string()]
            } else {
                paths
            };
            for p in paths {
                out.sources.push(DeploySource {
                    kind: SourceKind::Kustomize(clean(&p)),
                    why: format!("{name} {}.kustomize.paths", key[0]),
                });
            }
        }
        for key in [["manifests", "helm"], ["deploy", "helm"]] {
            for r in doc
                .at(&key)
                .and_then(|h| h.get("releases"))
                .map(Node::as_seq)
                .unwrap_or_default()
            {
                let Some(chart) = r.get("chartPath").and_then(Node::as_str) else {
                    continue;
                };
                let set = r
                    .get("setValues")
                    .map(|s| {
                        s.as_map()
                            .iter()
                            .filter_map(|e| Some((e.key.clone(), e.value.scalar_text()?)))
                            .collect::<BTreeMap<_, _>>()
                    })
                    .unwrap_or_default();
                out.sources.push(DeploySource {
                    kind: SourceKind::Helm(HelmRelease {
                        chart: clean(chart),
                        values: strings(r.get("valuesFiles"))
                            .iter()
                            .map(|v| clean(v))
                            .collect(),
                        release: r.get("name").and_then(Node::as_str).map(str::to_string),
                        namespace: r
                            .get("namespace")
                            .and_then(Node::as_str)
                            .map(str::to_string),
                        set,
                    }),
                    why: format!("{name} {}.helm.releases", key[0]),
                });
            }
        }
    }
    Some(out)
}

fn strings(n: Option<&Node>) -> Vec<String> {
    n.map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// The plan that Argo CD `Application` and Flux `Kustomization` objects give: each one whose
/// path is a folder of the repository.
pub(crate) fn from_gitops(
    kube: &[KubeFile],
    kustomizations: &[Kustomization],
    files: &BTreeSet<String>,
) -> Option<Plan> {
    let mut sources: Vec<DeploySource> = Vec::new();
    let mut origins = Vec::new();
    let mut config_files = BTreeSet::new();
    for o in kube.iter().flat_map(KubeFile::objects) {
        let group = o.group().unwrap_or_default();
        let paths: Vec<String> = match (o.kind.as_str(), group) {
            ("Application", "argoproj.io") => {
                let spec = o.doc.get("spec");
                let mut p: Vec<String> = spec
                    .and_then(|s| s.at(&["source", "path"]))
                    .and_then(Node::as_str)
                    .map(str::to_string)
                    .into_iter()
                    .collect();
                for s in spec
                    .and_then(|s| s.get("sources"))
                    .map(Node::as_seq)
                    .unwrap_or_default()
                {
                    p.extend(s.get("path").and_then(Node::as_str).map(str::to_string));
                }
                p
            }
            ("Kustomization", "kustomize.toolkit.fluxcd.io") => o
                .doc
                .at(&["spec", "path"])
                .and_then(Node::as_str)
                .map(str::to_string)
                .into_iter()
                .collect(),
            _ => continue,
        };
        for p in paths {
            let Some(dir) = join("", &p) else { continue };
            let in_repo = |f: &String| super::under(f, &dir) && !dir.is_empty();
            if !files.iter().any(in_repo) {
                continue;
            }
            let why = format!("{} {} ({})", o.kind, o.name(), o.loc.path);
            let kind = if kustomizations.iter().any(|k| k.dir() == dir) {
                SourceKind::Kustomize(dir.clone())
            } else if files.contains(&format!("{dir}/Chart.yaml")) {
                SourceKind::Helm(HelmRelease {
                    chart: dir.clone(),
                    ..HelmRelease::default()
                })
            } else {
                SourceKind::Files(vec![format!("{dir}/**")])
            };
            config_files.insert(o.loc.path.to_string());
            if !sources.iter().any(|s| s.kind == kind) {
                origins.push(why.clone());
                sources.push(DeploySource { kind, why });
            }
        }
    }
    (!sources.is_empty()).then(|| Plan {
        sources,
        origin: origins.join(", "),
        render: true,
        config_files,
    })
}
