//! Kustomizations (`kustomization.yaml`): the parts checks judge, namely the `namespace:` every
//! resource without one is put in, and the `images:` entries that override image versions.

use std::sync::Arc;

use super::{KubeFile, Kubernetes};
use crate::yaml::Node;
use crate::{Loc, Located, Source};

/// One kustomization file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kustomization {
    /// The file.
    pub path: Arc<str>,
    /// The start of the file.
    pub loc: Loc,
    /// `namespace:`, set on every resource it lists.
    pub namespace: Option<Located<String>>,
    /// The `name` of each `images:` entry, at its value: the images whose version, name or
    /// digest this kustomization overrides.
    pub images: Vec<Located<String>>,
    /// What it builds from: `resources:`, `bases:` and `components:` entries (files, folders
    /// or remote URLs), as written.
    pub resources: Vec<Located<String>>,
    /// The files its patches are read from (`patches[].path`, `patchesStrategicMerge`,
    /// `patchesJson6902[].path`): partial objects, not resources.
    pub patches: Vec<Located<String>>,
    /// The `images:` entries with what they set.
    pub image_sets: Vec<ImageSet>,
    /// The files whose objects this kustomization builds (its resources, through the
    /// kustomizations it includes), sorted: the workloads its `images:` entries apply to.
    pub reaches: Vec<Arc<str>>,
}

/// One `images:` entry of a kustomization: the image it matches (by name) and what it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSet {
    /// `name`, at its value.
    pub name: Located<String>,
    /// `newName`.
    pub new_name: Option<String>,
    /// `newTag`.
    pub new_tag: Option<String>,
    /// `digest`.
    pub digest: Option<String>,
}

impl ImageSet {
    /// The image a container that names `image` runs once this entry is applied, when the
    /// entry sets a version (`newTag` or `digest`); `None` when it leaves the version alone.
    pub fn applied(&self, image: &str) -> Option<String> {
        if self.new_tag.is_none() && self.digest.is_none() {
            return None;
        }
        let name = self
            .new_name
            .as_deref()
            .unwrap_or_else(|| image_name(image));
        Some(match (&self.new_tag, &self.digest) {
            (Some(t), Some(d)) => format!("{name}:{t}@{d}"),
            (_, Some(d)) => format!("{name}@{d}"),
            (Some(t), None) => format!("{name}:{t}"),
            (None, None) => name.to_string(),
        })
    }
}

impl Kustomization {
    /// The folder the kustomization governs (`deploy/overlays/prod`, `""` at the root).
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(d, _)| d)
    }

    /// The `images:` entry that names `image`, with what it sets.
    pub fn image_set(&self, image: &str) -> Option<&ImageSet> {
        let name = image_name(image);
        self.image_sets
            .iter()
            .find(|e| image_name(&e.name.value) == name)
    }

    /// The `images:` entry that names `image` (a reference with or without tag or digest):
    /// equal names, as kustomize compares them.
    pub fn image_entry(&self, image: &str) -> Option<&Located<String>> {
        let name = image_name(image);
        self.images.iter().find(|e| image_name(&e.value) == name)
    }
}

/// The name of an image reference without its tag or digest
/// (`registry:5000/team/api:1.2@sha256:...` gives `registry:5000/team/api`).
pub fn image_name(image: &str) -> &str {
    let image = image.trim();
    let image = image.split_once('@').map_or(image, |(n, _)| n);
    match image.rsplit_once(':') {
        Some((n, tag)) if !tag.contains('/') => n,
        _ => image,
    }
}

/// Kinds that live in no namespace, which a kustomization's `namespace:` leaves alone.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "GatewayClass",
];

/// Whether `dir` is `ancestor` or lies beneath it (`""` is the root).
fn under(dir: &str, ancestor: &str) -> bool {
    ancestor.is_empty()
        || dir == ancestor
        || dir
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The namespace a kustomization gives a file's resources that name none: the `namespace:`
/// of the nearest kustomization at or above the file's folder that sets one.
fn kustomized_namespace<'a>(kustomizations: &'a [Kustomization], path: &str) -> Option<&'a str> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    kustomizations
        .iter()
        .filter(|k| under(dir, k.dir()))
        .filter_map(|k| {
            k.namespace
                .as_ref()
                .map(|n| (k.dir().len(), n.value.as_str()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, ns)| ns)
}

/// Puts every namespaced resource that names no namespace in the namespace its kustomization
/// sets (see [`kustomized_namespace`]), on the object and on its typed item, so that every
/// comparison of namespaces sees where the resource is deployed.
pub(crate) fn apply_namespaces(k: &mut Kubernetes) {
    let mut set: Vec<Option<String>> = Vec::with_capacity(k.objects.len());
    for o in &mut k.objects {
        let ns = if o.namespace.is_none() && !CLUSTER_SCOPED.contains(&o.kind.as_str()) {
            kustomized_namespace(&k.kustomizations, &o.loc.path).map(str::to_string)
        } else {
            None
        };
        if ns.is_some() {
            o.namespace.clone_from(&ns);
        }
        set.push(ns);
    }
    macro_rules! fill {
        ($($field:ident),*) => {$(
            for item in &mut k.$field {
                if item.namespace.is_none()
                    && let Some(Some(ns)) = set.get(item.object)
                {
                    item.namespace = Some(ns.clone());
                }
            }
        )*};
    }
    typed_lists!(fill);
}

/// Fills each kustomization's [`Kustomization::reaches`] from the object files of `k`.
pub(crate) fn compute_reach(k: &mut Kubernetes) {
    let files: std::collections::BTreeSet<String> =
        k.objects.iter().map(|o| o.loc.path.to_string()).collect();
    let snapshot = k.kustomizations.clone();
    for kz in &mut k.kustomizations {
        let m = crate::deploy::members(
            &crate::deploy::SourceKind::Kustomize(kz.dir().to_string()),
            &files,
            &snapshot,
        );
        kz.reaches = m
            .files
            .into_iter()
            .filter(|f| !m.patches.contains(f))
            .map(Arc::from)
            .collect();
    }
}

/// Reads a kustomization file; `None` when it has no document.
pub(crate) fn parse(src: &Source, docs: &[Node]) -> Option<KubeFile> {
    let doc = docs.first()?;
    let namespace = doc.get("namespace").and_then(|n| {
        n.as_str()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Located {
                value: s.trim().to_string(),
                loc: n.loc.clone(),
            })
    });
    let images = doc
        .get("images")
        .map(|i| {
            i.as_seq()
                .iter()
                .filter_map(|e| {
                    let n = e.get("name")?;
                    Some(Located {
                        value: n.as_str()?.trim().to_string(),
                        loc: n.loc.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let resources = ["resources", "bases", "components"]
        .iter()
        .filter_map(|k| doc.get(k))
        .flat_map(|n| n.as_seq().iter())
        .filter_map(|e| {
            Some(Located {
                value: e.as_str()?.trim().to_string(),
                loc: e.loc.clone(),
            })
        })
        .collect();
    let text = |e: &Node, k: &str| {
        e.get(k)
            .and_then(Node::scalar_text)
            .map(|s| s.trim().to_string())
    };
    let image_sets = doc
        .get("images")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let n = e.get("name")?;
            Some(ImageSet {
                name: Located {
                    value: n.as_str()?.trim().to_string(),
                    loc: n.loc.clone(),
                },
                new_name: text(e, "newName"),
                new_tag: text(e, "newTag"),
                digest: text(e, "digest"),
            })
        })
        .collect();
    let mut patches = Vec::new();
    for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        for e in doc.get(key).map(Node::as_seq).unwrap_or_default() {
            // An entry is a path, or a mapping with `path:` (an inline `patch:` has none).
            let n = if e.as_str().is_some() {
                Some(e)
            } else {
                e.get("path")
            };
            if let Some(n) = n
                && let Some(v) = n.as_str()
                && !v.contains('\n')
            {
                patches.push(Located {
                    value: v.trim().to_string(),
                    loc: n.loc.clone(),
                });
            }
        }
    }
    let items = Kubernetes {
        kustomizations: vec![Kustomization {
            path: src.path.clone(),
            loc: src.file_start(),
            namespace,
            images,
            resources,
            patches,
            image_sets,
            reaches: Vec::new(),
        }],
        ..Kubernetes::default()
    };
    Some(KubeFile {
        path: src.path.clone(),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn image_names_drop_tag_and_digest_but_keep_a_registry_port() {
        assert_eq!(
            image_name("registry.example.com/api"),
            "registry.example.com/api"
        );
        assert_eq!(
            image_name("registry.example.com/api:1.4.2"),
            "registry.example.com/api"
        );
        assert_eq!(image_name("localhost:5000/api"), "localhost:5000/api");
        assert_eq!(
            image_name("localhost:5000/api:2@sha256:abc"),
            "localhost:5000/api"
        );
    }
}
