//! Rendering deploy sources with the platform's own tools, when they are on PATH:
//! `kubectl kustomize` or `kustomize build`, and `helm template`. Repository content is
//! untrusted: no plugins, no `--enable-helm`, no remote bases (refused before the tool runs,
//! and the network is pointed at a closed port besides), no path out of the repository (the
//! root-only load restrictor, and every file checked against the canonical root), a clean
//! environment and a timeout. A tool that fails leaves the source read as written, with the
//! reason. Rendered objects get the locations of the source objects they come from.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{KubeInputs, Members, SourceKind, file_start};
use crate::k8s::{self, KubeFile, Object};
use crate::secrets::SecretFinding;
use crate::yaml::{self, Entry, Node, Value};
use crate::{Loc, Source};

/// Which renderers the scan may run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Render {
    /// Those found on PATH (`kubectl`, `kustomize`, `helm`).
    #[default]
    Auto,
    /// None: every source is read as written.
    Off,
    /// These programs (tests, or a pinned toolchain).
    With(Tools),
}

/// Renderer programs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tools {
    pub kubectl: Option<PathBuf>,
    pub kustomize: Option<PathBuf>,
    pub helm: Option<PathBuf>,
}

impl Render {
    fn tools(&self) -> Tools {
        match self {
            Render::Off => Tools::default(),
            Render::With(t) => t.clone(),
            Render::Auto => Tools {
                kubectl: on_path("kubectl"),
                kustomize: on_path("kustomize"),
                helm: on_path("helm"),
            },
        }
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// How long a renderer may run.
const TIMEOUT: Duration = Duration::from_mins(1);
/// The most output a renderer may produce.
const MAX_OUTPUT: u64 = 64 * 1024 * 1024;

pub(crate) enum Rendered {
    Done {
        files: Vec<KubeFile>,
        tool: String,
        /// Secrets in the rendered text (values a generator or a values file put there), at
        /// the source the render came from.
        secrets: Vec<SecretFinding>,
    },
    Not(String),
}

pub(crate) fn render(
    source: &SourceKind,
    m: &Members,
    blocked: bool,
    inp: &KubeInputs<'_>,
) -> Rendered {
    let tools = inp.render.tools();
    let (program, args, tool, origin) = match source {
        SourceKind::Files(_) => return Rendered::Not("plain files need no rendering".into()),
        SourceKind::Kustomize(dir) => {
            if blocked {
                return Rendered::Not(
                    "it names a remote base or a path outside the repository".into(),
                );
            }
            let abs = inp.root.join(dir);
            let restrictor = "--load-restrictor=LoadRestrictionsRootOnly".to_string();
            let target = abs.to_string_lossy().to_string();
            let (program, args, tool) = if let Some(k) = &tools.kubectl {
                (
                    k.clone(),
                    vec!["kustomize".to_string(), target, restrictor],
                    "kubectl kustomize",
                )
            } else if let Some(k) = &tools.kustomize {
                (
                    k.clone(),
                    vec!["build".to_string(), target, restrictor],
                    "kustomize build",
                )
            } else {
                return Rendered::Not("neither kubectl nor kustomize is on PATH".into());
            };
            let origin = Origin::Kustomize(kustomization_path(dir, m));
            (program, args, tool, origin)
        }
        SourceKind::Helm(h) => {
            let Some(helm) = &tools.helm else {
                return Rendered::Not("helm is not on PATH".into());
            };
            let chart = h.chart.trim_end_matches('/');
            let release = h
                .release
                .clone()
                .unwrap_or_else(|| chart.rsplit('/').next().unwrap_or("release").to_string());
            let mut args = vec![
                "template".to_string(),
                release,
                inp.root.join(chart).to_string_lossy().to_string(),
            ];
            if let Some(ns) = &h.namespace {
                args.extend(["--namespace".to_string(), ns.clone()]);
            }
            for v in &h.values {
                let Some(p) = super::join("", v) else {
                    return Rendered::Not(format!("values file `{v}` is outside the repository"));
                };
                args.extend([
                    "--values".to_string(),
                    inp.root.join(p).to_string_lossy().to_string(),
                ]);
            }
            for (k, v) in &h.set {
                args.extend(["--set".to_string(), format!("{k}={v}")]);
            }
            (
                helm.clone(),
                args,
                "helm template",
                Origin::Helm(chart.to_string()),
            )
        }
    };
    if let Some(p) = escaping(inp.root, m) {
        return Rendered::Not(format!("{p} leads outside the repository"));
    }
    let text = match run(&program, &args, inp.root) {
        Ok(t) => t,
        Err(why) => return Rendered::Not(format!("{tool} failed: {why}")),
    };
    let src = Source::new(Arc::<str>::from(origin.path()), text);
    let docs = match yaml::load_all(&src) {
        Ok(d) => d,
        Err(e) => {
            return Rendered::Not(format!(
                "{tool} printed YAML that could not be read: {}",
                e.message
            ));
        }
    };
    // The rendered text is repository text too: the same secret scanner reads it, and what it
    // finds is placed at the file the render came from.
    let at = file_start(&origin.path());
    let secrets = crate::secrets::scan(&src, Some(&docs))
        .into_iter()
        .map(|f| SecretFinding::new(f.rule, f.description, at.clone(), f.redacted))
        .collect();
    let sources: Vec<&Object> = inp
        .kube
        .iter()
        .filter(|f| m.files.contains(f.path()) && !m.patches.contains(f.path()))
        .flat_map(KubeFile::objects)
        .collect();
    let mut by_file: BTreeMap<Arc<str>, Vec<Node>> = BTreeMap::new();
    for doc in docs {
        let placed = match &origin {
            Origin::Kustomize(kpath) => place_kustomized(&doc, &sources, kpath),
            Origin::Helm(chart) => place_helm(&doc, &src, chart),
        };
        by_file
            .entry(placed.loc.path.clone())
            .or_default()
            .push(placed);
    }
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for (path, mut docs) in by_file {
        docs.sort_by_key(|d| d.loc.start);
        let src = Source::new(path, String::new());
        if let Some(mut f) = k8s::parse(&src, docs, &mut errors) {
            f.mark_rendered();
            files.push(f);
        }
    }
    if !errors.is_empty() {
        return Rendered::Not(format!(
            "{tool} printed objects that could not be read: {}",
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Rendered::Done {
        files,
        tool: tool.to_string(),
        secrets,
    }
}

enum Origin {
    /// The kustomization file of the rendered folder.
    Kustomize(String),
    /// The chart folder.
    Helm(String),
}

impl Origin {
    fn path(&self) -> String {
        match self {
            Origin::Kustomize(p) => p.clone(),
            Origin::Helm(c) => format!("{c}/Chart.yaml"),
        }
    }
}

fn kustomization_path(dir: &str, m: &Members) -> String {
    m.files
        .iter()
        .find(|f| {
            f.strip_prefix(dir)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|n| {
                    !n.contains('/') && n.to_ascii_lowercase().starts_with("kustomization")
                })
        })
        .cloned()
        .unwrap_or_else(|| format!("{dir}/kustomization.yaml"))
}

/// The first member path that resolves (through links) outside the repository.
fn escaping(root: &Path, m: &Members) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    m.files.iter().find_map(|f| {
        let real = std::fs::canonicalize(root.join(f)).ok()?;
        (!real.starts_with(&root)).then(|| f.clone())
    })
}

/// Runs a renderer with a clean environment, no network, no input, and a timeout; its
/// standard output, or why it failed (the first lines of its standard error).
fn run(program: &Path, args: &[String], root: &Path) -> Result<String, String> {
    let closed = "http://127.0.0.1:9";
    let mut child = Command::new(program)
        .args(args)
        .current_dir(root)
        .env_clear()
        // No `git` to fetch with, no kubeconfig, no home to read plugins or caches from.
        .env("PATH", "")
        .env("HOME", "/nonexistent")
        .env("KUBECONFIG", "/dev/null")
        .env("HELM_CACHE_HOME", "/nonexistent")
        .env("HELM_CONFIG_HOME", "/nonexistent")
        .env("HELM_DATA_HOME", "/nonexistent")
        .env("HTTP_PROXY", closed)
        .env("HTTPS_PROXY", closed)
        .env("http_proxy", closed)
        .env("https_proxy", closed)
        .env("GIT_ALLOW_PROTOCOL", "")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let mut out = child.stdout.take().ok_or("no output")?;
    let mut err = child.stderr.take().ok_or("no output")?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.by_ref().take(MAX_OUTPUT + 1).read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.by_ref().take(64 * 1024).read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {} seconds", TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&stderr);
        let first: Vec<&str> = msg
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(2)
            .collect();
        let mut why = first
            .join(" ")
            .replace(&root.to_string_lossy().to_string(), ".");
        if why.chars().count() > 300 {
            why = why.chars().take(300).collect::<String>() + "...";
        }
        return Err(if why.is_empty() {
            status.to_string()
        } else {
            why
        });
    }
    if stdout.len() as u64 > MAX_OUTPUT {
        return Err(format!("more than {MAX_OUTPUT} bytes of output"));
    }
    String::from_utf8(stdout).map_err(|_| "output is not UTF-8".to_string())
}

/// A rendered object with the locations of the source object it was made from: the object of
/// the same kind whose name is the rendered name without a prefix or suffix a kustomization
/// added (the longest such), field by field where the source has the field, else at the
/// nearest enclosing field the source has; with no such object, at the kustomization.
fn place_kustomized(doc: &Node, sources: &[&Object], kustomization: &str) -> Node {
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or_default();
    let name = doc
        .at(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or_default();
    let found = sources
        .iter()
        .filter(|o| o.kind == kind && !o.name().is_empty() && name.contains(o.name()))
        .max_by_key(|o| (o.name() == name, o.name().len()));
    match found {
        Some(o) => graft(doc, Some(&o.doc), &o.loc),
        None => {
            let at = file_start(kustomization);
            yaml::relocate(doc, &|_| at.clone())
        }
    }
}

/// `doc` with each node at the location of the node on the same path of `src` (list items by
/// their `name`, else position), or at `fallback`, the nearest enclosing one.
fn graft(doc: &Node, src: Option<&Node>, fallback: &Loc) -> Node {
    let loc = src.map_or_else(|| fallback.clone(), |s| s.loc.clone());
    let value = match &doc.value {
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| {
                    let se = src.and_then(|s| s.entry(&e.key));
                    Entry {
                        key: e.key.clone(),
                        key_loc: se.map_or_else(|| loc.clone(), |x| x.key_loc.clone()),
                        value: graft(&e.value, se.map(|x| &x.value), &loc),
                    }
                })
                .collect(),
        ),
        Value::Seq(items) => Value::Seq(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let theirs = src.map(Node::as_seq).unwrap_or_default();
                    let by_name = item.get("name").and_then(Node::as_str).and_then(|n| {
                        theirs
                            .iter()
                            .find(|t| t.get("name").and_then(Node::as_str) == Some(n))
                    });
                    let s = if item.get("name").is_some() {
                        by_name
                    } else {
                        theirs.get(i)
                    };
                    graft(item, s, &loc)
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Node { loc, value }
}

/// A document `helm template` printed, placed at the template its `# Source:` comment names
/// (`chart/templates/x.yaml` for `# Source: name/templates/x.yaml`), else at `Chart.yaml`.
fn place_helm(doc: &Node, src: &Source, chart: &str) -> Node {
    let before = &src.text[..doc.loc.start.min(src.text.len())];
    let named = before
        .rfind("# Source: ")
        .map(|i| before[i + 10..].lines().next().unwrap_or_default().trim())
        .and_then(|s| s.split_once('/').map(|(_, rest)| rest.to_string()))
        .and_then(|rest| super::join(chart, &rest));
    let at = file_start(&named.unwrap_or_else(|| format!("{chart}/Chart.yaml")));
    yaml::relocate(doc, &|_| at.clone())
}
