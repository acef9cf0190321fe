//! What the service deploys: the deploy sources (the manifest's `deploy:` section, else
//! `skaffold.yaml`, else Argo CD / Flux objects pointing into the repository, else every
//! Kubernetes file), which files belong to them, rendering them when the tools are on PATH,
//! and what is left out, with the rule, in [`crate::ScopeReport`].

mod render;
mod sources;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use globset::GlobBuilder;
use launchgate_manifest::HelmRelease;

use crate::k8s::{KubeFile, Kustomization};
use crate::{EvidenceError, Excluded, FileKind, Loc, Located, NotEvaluated, ScopeChoice};

pub use render::{Render, Tools};
pub(crate) use sources::{from_gitops, from_manifest, read_skaffold};

/// One thing that is deployed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SourceKind {
    /// A folder holding a `kustomization.yaml`.
    Kustomize(String),
    /// A Helm chart and its release settings.
    Helm(HelmRelease),
    /// Globs of plain or pre-rendered manifests.
    Files(Vec<String>),
}

/// A deploy source and why it was taken.
#[derive(Debug, Clone)]
pub(crate) struct DeploySource {
    pub kind: SourceKind,
    /// `manifest deploy.kustomize`, `skaffold.yaml manifests.rawYaml`, ...
    pub why: String,
}

impl DeploySource {
    fn describe(&self) -> String {
        match &self.kind {
            SourceKind::Kustomize(d) => format!("kustomize {}", folder(d)),
            SourceKind::Helm(h) => format!("helm {}", folder(&h.chart)),
            SourceKind::Files(g) => format!("files {}", g.join(", ")),
        }
    }
}

/// The deploy sources, where they came from, and whether to render them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub sources: Vec<DeploySource>,
    /// `manifest deploy`, `skaffold.yaml`, `Argo CD Application argocd/shop`.
    pub origin: String,
    pub render: bool,
    /// Files holding the objects that named the sources (Argo CD Applications, Flux
    /// Kustomizations): the controller's configuration, kept as evidence of how it deploys.
    pub config_files: BTreeSet<String>,
}

/// `dir/` (the root is `./`).
fn folder(d: &str) -> String {
    let d = d.trim_end_matches('/');
    if d.is_empty() || d == "." {
        "./".to_string()
    } else {
        format!("{d}/")
    }
}

/// `base` joined with the relative `rel`, `.` and `..` resolved; `None` when it leaves the
/// repository or is absolute.
pub(crate) fn join(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = base
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Whether a kustomization entry names a remote resource (a URL or a Git repository).
pub(crate) fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
}

fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty() || dir == "." || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// What a deploy source takes from the repository.
#[derive(Debug, Default)]
pub(crate) struct Members {
    /// Files whose objects are the source's (resources; kustomization files; chart files).
    pub files: BTreeSet<String>,
    /// Of those, the kustomizations' patch files (partial objects).
    pub patches: BTreeSet<String>,
    /// Remote entries of its kustomizations, with where they are written.
    pub remote: Vec<Located<String>>,
    /// Entries leading outside the repository.
    pub outside: Vec<Located<String>>,
}

/// The files a source takes, given every Kubernetes-letter file of the scan and the
/// kustomizations found.
pub(crate) fn members(
    source: &SourceKind,
    files: &BTreeSet<String>,
    kustomizations: &[Kustomization],
) -> Members {
    let mut m = Members::default();
    match source {
        SourceKind::Kustomize(dir) => {
            let mut seen = BTreeSet::new();
            walk_kustomization(
                dir.trim_end_matches('/'),
                files,
                kustomizations,
                &mut seen,
                &mut m,
            );
        }
        SourceKind::Helm(h) => {
            let chart = h.chart.trim_end_matches('/');
            m.files
                .extend(files.iter().filter(|f| under(f, chart)).cloned());
        }
        SourceKind::Files(globs) => {
            let matchers: Vec<_> = globs
                .iter()
                .filter_map(|g| {
                    GlobBuilder::new(g.trim_start_matches("./"))
                        .literal_separator(true)
                        .build()
                        .ok()
                        .map(|g| g.compile_matcher())
                })
                .collect();
            m.files.extend(
                files
                    .iter()
                    .filter(|f| matchers.iter().any(|g| g.is_match(f.as_str())))
                    .cloned(),
            );
        }
    }
    m
}

fn walk_kustomization(
    dir: &str,
    files: &BTreeSet<String>,
    kustomizations: &[Kustomization],
    seen: &mut BTreeSet<String>,
    m: &mut Members,
) {
    if !seen.insert(dir.to_string()) {
        return;
    }
    let Some(k) = kustomizations.iter().find(|k| k.dir() == dir) else {
        return;
    };
    m.files.insert(k.path.to_string());
    for p in &k.patches {
        if let Some(p) = join(dir, &p.value)
            && files.contains(&p)
        {
            m.files.insert(p.clone());
            m.patches.insert(p);
        }
    }
    for r in &k.resources {
        if is_remote(&r.value) {
            m.remote.push(r.clone());
            continue;
        }
        let Some(p) = join(dir, &r.value) else {
            m.outside.push(r.clone());
            continue;
        };
        if kustomizations.iter().any(|k| k.dir() == p) {
            walk_kustomization(&p, files, kustomizations, seen, m);
        } else if files.contains(&p) {
            m.files.insert(p);
        }
    }
}

/// The files kustomizations apply as patches: partial objects, never resources of their own.
pub(crate) fn patch_files(kustomizations: &[Kustomization]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for k in kustomizations {
        for p in &k.patches {
            if let Some(path) = join(k.dir(), &p.value) {
                out.entry(path).or_insert_with(|| k.path.to_string());
            }
        }
    }
    out
}

/// The scan's Kubernetes results, before they are assembled: what `apply` narrows.
pub(crate) struct KubeInputs<'a> {
    pub root: &'a Path,
    pub kube: &'a mut Vec<KubeFile>,
    pub not_evaluated: &'a mut Vec<NotEvaluated>,
    pub errors: &'a mut Vec<EvidenceError>,
    /// Every file read, with its kind.
    pub kinds: &'a BTreeMap<String, FileKind>,
    pub render: &'a Render,
    /// The secrets found so far (rendered text adds those only it holds).
    pub secrets: &'a mut Vec<crate::secrets::SecretFinding>,
}

/// What the deploy step decided.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub excluded: Vec<Excluded>,
    pub choices: Vec<ScopeChoice>,
}

/// Narrows the Kubernetes evidence to what `plan` deploys (rendering what can be rendered),
/// and leaves kustomize patch files out in any case.
pub(crate) fn apply(plan: Option<&Plan>, inp: &mut KubeInputs<'_>) -> Outcome {
    let mut out = Outcome::default();
    let kustomizations: Vec<Kustomization> = inp
        .kube
        .iter()
        .flat_map(|f| f.kustomizations().iter().cloned())
        .collect();
    let k_files: BTreeSet<String> = inp
        .kinds
        .iter()
        .filter(|(_, k)| k.letter() == Some('K'))
        .map(|(p, _)| p.clone())
        .collect();
    let mut left_out: BTreeMap<String, String> = BTreeMap::new();

    if let Some(plan) = plan {
        let mut taken: BTreeSet<String> = plan.config_files.clone();
        let mut rendered: Vec<KubeFile> = Vec::new();
        let mut replaced: BTreeSet<String> = BTreeSet::new();
        for s in &plan.sources {
            let m = members(&s.kind, &k_files, &kustomizations);
            out.choices.push(ScopeChoice {
                subject: "deploy".to_string(),
                chosen: s.describe(),
                why: s.why.clone(),
            });
            for r in m.remote.iter().chain(&m.outside) {
                let outside = m.outside.contains(r);
                inp.not_evaluated.push(NotEvaluated {
                    loc: r.loc.clone(),
                    kind: FileKind::Kustomization,
                    reason: format!(
                        "`{}` in {} {}: its resources were not evaluated",
                        r.value,
                        r.loc.path,
                        if outside {
                            "leads outside the repository and was not followed"
                        } else {
                            "is a remote base and was not fetched"
                        }
                    ),
                    covered_by: None,
                });
            }
            let blocked = !m.remote.is_empty() || !m.outside.is_empty();
            if plan.render && !matches!(s.kind, SourceKind::Files(_)) {
                match render::render(&s.kind, &m, blocked, inp) {
                    render::Rendered::Done {
                        files,
                        tool,
                        secrets,
                    } => {
                        for f in secrets {
                            let known = inp
                                .secrets
                                .iter()
                                .any(|k| k.rule == f.rule && k.redacted == f.redacted);
                            if !known {
                                inp.secrets.push(f);
                            }
                        }
                        out.choices.push(ScopeChoice {
                            subject: "render".to_string(),
                            chosen: s.describe(),
                            why: format!("rendered with {tool}"),
                        });
                        // The rendered objects replace the resources read as they are; the
                        // kustomizations stay (their `images:` entries are evidence).
                        for f in &m.files {
                            if inp.kinds.get(f) != Some(&FileKind::Kustomization) {
                                replaced.insert(f.clone());
                            }
                        }
                        rendered.extend(files);
                    }
                    render::Rendered::Not(why) => out.choices.push(ScopeChoice {
                        subject: "render".to_string(),
                        chosen: s.describe(),
                        why: format!("not rendered, read as written: {why}"),
                    }),
                }
            }
            taken.extend(m.files);
        }
        for f in &k_files {
            // The tool configuration that named the sources is not itself a resource.
            let config = matches!(f.as_str(), "skaffold.yaml" | "skaffold.yml");
            if !config && !taken.contains(f) && !left_out.contains_key(f) {
                left_out.insert(
                    f.clone(),
                    format!(
                        "deploy: not a deploy source ({} deploys {})",
                        plan.origin,
                        plan.sources
                            .iter()
                            .map(DeploySource::describe)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        // Patches of what deploys are never resources of their own (a rendered source
        // applied them).
        for (path, by) in patch_files(&kustomizations) {
            if k_files.contains(&path) && taken.contains(&path) {
                left_out.insert(path, format!("kustomize patch (applied by {by})"));
            }
        }
        inp.kube.retain(|f| !replaced.contains(f.path()));
        inp.not_evaluated
            .retain(|n| !replaced.contains(&*n.loc.path));
        inp.kube.extend(rendered);
    } else {
        // Patches are never resources, whatever is deployed.
        for (path, by) in patch_files(&kustomizations) {
            if k_files.contains(&path) {
                left_out.insert(path, format!("kustomize patch (applied by {by})"));
            }
        }
    }

    // Skaffold's own configuration (`kind: Config`) is no resource of the cluster.
    inp.kube.retain(|f| {
        !left_out.contains_key(f.path()) && !matches!(f.path(), "skaffold.yaml" | "skaffold.yml")
    });
    inp.not_evaluated
        .retain(|n| !left_out.contains_key(&*n.loc.path));
    inp.errors
        .retain(|e| e.kind.letter() != Some('K') || !left_out.contains_key(&*e.loc.path));
    out.excluded = group_excluded(&left_out, &k_files);
    out
}

/// Left-out files grouped: the highest folder (below the root) all of whose Kubernetes files
/// are left out by the same rule is listed once (`release/`, with its count); a file alone.
fn group_excluded(
    left_out: &BTreeMap<String, String>,
    k_files: &BTreeSet<String>,
) -> Vec<Excluded> {
    let uniform = |dir: &str, rule: &str| {
        k_files
            .iter()
            .filter(|f| under(f, dir))
            .all(|f| left_out.get(f).is_some_and(|r| r == rule))
    };
    let mut out: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (path, rule) in left_out {
        let segs: Vec<&str> = path.split('/').collect();
        let top = (1..segs.len())
            .map(|n| segs[..n].join("/"))
            .find(|d| uniform(d, rule));
        let key = match top {
            Some(d) if k_files.iter().filter(|f| under(f, &d)).count() > 1 => folder(&d),
            _ => path.clone(),
        };
        out.entry(key).or_insert_with(|| (rule.clone(), 0)).1 += 1;
    }
    out.into_iter()
        .map(|(path, (rule, files))| Excluded { path, rule, files })
        .collect()
}

/// The Helm templates that other sources cover: every object a template declares (its literal
/// `kind:`, and its `name:` as written, through the chart's `values.yaml` for a plain
/// `{{ .Values.a.b }}`, else the file's stem) exists among the objects evaluated from other
/// files. Covered templates stay listed, but no longer make checks inconclusive.
pub(crate) fn cover_helm_templates(
    not_evaluated: &mut [NotEvaluated],
    helm: &[HelmTemplateFacts],
    values: &BTreeMap<String, crate::yaml::Node>,
    k: &crate::k8s::Kubernetes,
) {
    for n in not_evaluated
        .iter_mut()
        .filter(|n| n.kind == FileKind::HelmTemplate)
    {
        let Some(facts) = helm.iter().find(|h| h.path == n.loc.path) else {
            continue;
        };
        if facts.objects.is_empty() {
            continue;
        }
        let chart_values =
            chart_dir(&facts.path).and_then(|c| values.get(&format!("{c}values.yaml")));
        let stem = facts
            .path
            .rsplit('/')
            .next()
            .and_then(|f| f.split('.').next())
            .unwrap_or_default();
        let mut found = Vec::new();
        let all = facts.objects.iter().all(|(kind, name)| {
            let name = resolve_name(name, chart_values).unwrap_or_else(|| stem.to_string());
            let hit = k
                .objects
                .iter()
                .find(|o| o.kind == *kind && o.name() == name && o.loc.path != n.loc.path);
            if let Some(o) = hit {
                found.push(format!("{} ({})", o.resource(), o.loc.path));
            }
            hit.is_some()
        });
        if all {
            found.sort();
            found.dedup();
            n.covered_by = Some(found.join(", "));
        }
    }
}

/// `chart/` for `chart/templates/x.yaml`.
fn chart_dir(template: &str) -> Option<String> {
    let i = template.find("templates/")?;
    Some(template[..i].to_string())
}

/// A template's `name:` as written: a literal, or one plain `{{ .Values.a.b }}` looked up in
/// the chart's values.
fn resolve_name(written: &str, values: Option<&crate::yaml::Node>) -> Option<String> {
    let w = written.trim().trim_matches('"').trim_matches('\'');
    if !w.contains("{{") {
        return (!w.is_empty()).then(|| w.to_string());
    }
    let inner = w.strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.trim_matches('-').trim();
    let path = inner.strip_prefix(".Values.")?;
    if !path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return None;
    }
    let keys: Vec<&str> = path.split('.').collect();
    values?.at(&keys)?.scalar_text()
}

/// What a Helm template declares, read from its text without rendering it: the `kind:` and
/// `metadata.name:` of each document, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HelmTemplateFacts {
    pub path: Arc<str>,
    pub objects: Vec<(String, String)>,
}

/// Reads the top-level `kind:` and the `name:` under a top-level `metadata:` of each
/// `---`-separated document of a template.
pub(crate) fn helm_facts(path: &Arc<str>, text: &str) -> HelmTemplateFacts {
    let mut objects = Vec::new();
    for doc in text.split("\n---") {
        let mut kind = None;
        let mut name = None;
        let mut in_meta = false;
        for line in doc.lines() {
            if let Some(k) = line.strip_prefix("kind:") {
                kind = Some(k.trim().to_string());
            }
            if line.starts_with("metadata:") {
                in_meta = true;
                continue;
            }
            if in_meta {
                if !line.starts_with(' ')
                    && !line.trim().is_empty()
                    && !line.trim_start().starts_with("{{")
                {
                    in_meta = false;
                } else if let Some(n) = line.strip_prefix("  name:") {
                    name.get_or_insert_with(|| n.trim().to_string());
                }
            }
        }
        if let (Some(k), Some(n)) = (kind, name)
            && !k.contains("{{")
        {
            objects.push((k, n));
        }
    }
    HelmTemplateFacts {
        path: path.clone(),
        objects,
    }
}

/// Where a loc sits, for the rendered objects' sake.
pub(crate) fn file_start(path: &str) -> Loc {
    Loc::file_start(&Arc::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_inside_the_repository_only() {
        assert_eq!(
            join("deploy/overlays/prod", "../../base").as_deref(),
            Some("deploy/base")
        );
        assert_eq!(
            join("", "./kubernetes-manifests").as_deref(),
            Some("kubernetes-manifests")
        );
        assert_eq!(join("a", "../../etc"), None);
        assert_eq!(join("a", "/etc"), None);
    }

    #[test]
    fn template_names_resolve_through_plain_values_only() {
        let src = crate::Source::new("c/values.yaml", "adService:\n  name: adservice\n");
        let v = crate::yaml::load_all(&src).unwrap_or_default();
        let v = v.first();
        assert_eq!(
            resolve_name("{{ .Values.adService.name }}", v).as_deref(),
            Some("adservice")
        );
        assert_eq!(
            resolve_name("{{- .Values.adService.name -}}", v).as_deref(),
            Some("adservice")
        );
        assert_eq!(resolve_name("web", v).as_deref(), Some("web"));
        assert_eq!(resolve_name("{{ include \"x\" . }}", v), None);
        assert_eq!(resolve_name("{{ .Values.nothing }}", v), None);
    }

    #[test]
    fn template_facts_are_the_literal_kinds_and_written_names() {
        let t = "{{- if .Values.x }}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.a.name }}\n  namespace: x\n---\n{{- end }}\nkind: Deployment\nmetadata:\n  labels:\n    name: nope\n  name: web\nspec: {}\n";
        let f = helm_facts(&Arc::from("c/templates/a.yaml"), t);
        assert_eq!(
            f.objects,
            vec![
                (
                    "ServiceAccount".to_string(),
                    "{{ .Values.a.name }}".to_string()
                ),
                ("Deployment".to_string(), "web".to_string())
            ]
        );
    }
}
