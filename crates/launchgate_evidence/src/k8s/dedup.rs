//! One judgement per resource: objects with the same kind, API group, namespace and name are
//! copies of one resource (a base, its overlays, a release folder). One copy is kept and
//! judged, with every other place it was found in [`Object::copies`]; the others leave the
//! model, so no check sees them twice.
//!
//! Two workloads with the same identity whose containers run unrelated images (no image
//! name, registry and tag aside, in common) are not copies: two services of a monorepo that
//! both call their Deployment `api` stay two resources.
//!
//! Which copy is judged: a renderer's output first (it is what deploys), then the copy in the
//! shallowest file (fewest folders), then the first by path and position. Copies whose content
//! differs are still copies (an overlay that patches a base is the same resource in another
//! environment); they are listed with `differs` so a reader knows the judged copy is one of
//! several variants.

use std::collections::BTreeMap;

use super::{Kubernetes, Object, ObjectCopy};
use crate::yaml::{Node, Value};

type Key = (String, String, String, String);

fn key(o: &Object) -> Option<Key> {
    let name = o.name();
    if name.is_empty() {
        return None;
    }
    Some((
        o.kind.clone(),
        o.group().unwrap_or_default().to_string(),
        o.namespace.clone().unwrap_or_default(),
        name.to_string(),
    ))
}

/// The order in which copies are preferred: the smallest is judged.
fn preference(o: &Object) -> (bool, usize, &str, usize) {
    (
        !o.rendered,
        o.loc.path.matches('/').count(),
        &o.loc.path,
        o.loc.start,
    )
}

pub(super) fn judge_once(k: &mut Kubernetes) {
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, o) in k.objects.iter().enumerate() {
        if let Some(key) = key(o) {
            groups.entry(key).or_default().push(i);
        }
    }
    let mut dropped = vec![false; k.objects.len()];
    let mut copies: Vec<(usize, Vec<ObjectCopy>)> = Vec::new();
    for idx in groups.into_values().filter(|g| g.len() > 1) {
        let Some(&keep) = idx
            .iter()
            .min_by(|a, b| preference(&k.objects[**a]).cmp(&preference(&k.objects[**b])))
        else {
            continue;
        };
        let kept_images = image_names(&k.objects[keep].doc);
        let mut list: Vec<ObjectCopy> = idx
            .iter()
            .filter(|&&i| i != keep)
            .filter(|&&i| {
                let theirs = image_names(&k.objects[i].doc);
                kept_images.is_empty()
                    || theirs.is_empty()
                    || theirs.iter().any(|n| kept_images.contains(n))
            })
            .map(|&i| {
                dropped[i] = true;
                ObjectCopy {
                    loc: k.objects[i].loc.clone(),
                    differs: !same(&k.objects[i].doc, &k.objects[keep].doc),
                }
            })
            .collect();
        list.sort();
        copies.push((keep, list));
    }
    if copies.is_empty() {
        return;
    }
    for (keep, list) in copies {
        k.objects[keep].copies = list;
    }
    let keep: Vec<bool> = dropped.iter().map(|d| !d).collect();
    k.drop_objects(&keep);
}

/// The last path segment of every container image of an object, without tag or digest
/// (`registry.example.com/shop/api:1.2` gives `api`): what stays the same when a release
/// folder or an overlay points a copy at another registry or version.
fn image_names(doc: &Node) -> Vec<String> {
    fn walk(n: &Node, out: &mut Vec<String>) {
        match &n.value {
            Value::Map(entries) => {
                for e in entries {
                    if matches!(e.key.as_str(), "containers" | "initContainers") {
                        for c in e.value.as_seq() {
                            if let Some(i) = c.get("image").and_then(Node::as_str) {
                                let name = super::image_name(i);
                                out.push(name.rsplit('/').next().unwrap_or(name).to_string());
                            }
                        }
                    } else {
                        walk(&e.value, out);
                    }
                }
            }
            Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out
}

/// Whether two trees hold the same content, locations and mapping order aside.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|e| b.get(&e.key).is_some_and(|v| same(&e.value, v)))
        }
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (p, q) => p == q,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::Source;
    use crate::k8s::{assemble, parse};
    use crate::yaml::load_all;

    fn file(path: &str, name: &str, image: &str) -> crate::k8s::KubeFile {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: {image}\n"
        );
        let src = Source::new(path, text);
        let docs = load_all(&src).unwrap();
        parse(&src, docs, &mut Vec::new()).unwrap()
    }

    #[test]
    fn copies_share_an_image_name_and_unrelated_workloads_do_not() {
        let k = assemble(vec![
            file(
                "billing/deploy/api.yaml",
                "api",
                "registry.example.com/billing-api:1.0",
            ),
            file(
                "shop/deploy/api.yaml",
                "api",
                "registry.example.com/shop-api:2.0",
            ),
            file(
                "release/shop.yaml",
                "api",
                "mirror.example.com/team/shop-api:2.1",
            ),
        ]);
        let got: Vec<(String, usize)> = k
            .objects
            .iter()
            .map(|o| (o.loc.path.to_string(), o.copies.len()))
            .collect();
        // The release copy of the shop's api is judged (the shallowest file) with the shop's
        // own file as its copy; billing's api is another resource.
        assert_eq!(
            got,
            [
                ("billing/deploy/api.yaml".to_string(), 0),
                ("release/shop.yaml".to_string(), 1),
            ]
        );
        assert_eq!(k.workloads.len(), 2);
        assert_eq!(
            k.objects[1].copies[0].loc.path.as_ref(),
            "shop/deploy/api.yaml"
        );
        assert!(k.objects[1].copies[0].differs);
    }
}
