//! SEC-007 pinned-images: Every container image names a fixed version.

use launchgate_core::{Finding, Location, Outcome, Tier};
use launchgate_evidence::dockerfile::{FromImage, ImageRef};
use launchgate_evidence::k8s::image_name;
use launchgate_evidence::terraform::TfValue;

use crate::kit::aws::unread_task_definitions;
use crate::kit::finish::{Tally, conclude_tally};
use crate::kit::terraform::unresolved_reason;
use crate::{CheckContext, Evaluate, declare_check};

const NOTHING_FOUND: &str = "no container images found (no Kubernetes workloads, ECS task definitions or Dockerfiles); point launchgate at the repository that builds and deploys the service";

declare_check! {
    /// ## What it checks
    /// Every container image names a fixed version: a tag other than `latest`, or a digest.
    ///
    /// - Kubernetes: the `image` of every container, init containers included, in every kind
    ///   of workload. For tier 0 the image must also carry a digest
    ///   (`registry.example.com/api:1.4.2@sha256:...`): the deployed artifact must be
    ///   immutable.
    /// - ECS: the `image` of every container definition, with the same tier 0 rule.
    /// - Dockerfiles: every `FROM` that pulls an image (not `scratch`, not an earlier stage),
    ///   with `ARG` defaults substituted. A tag is enough for every tier here: a digest in
    ///   `FROM` is good practice but the image that ships is pinned where it is deployed.
    ///
    /// A missing tag means `latest`. An image that cannot be resolved from the repository (a
    /// build argument without a default, `$(IMAGE)`, a Terraform reference) is not a pass: the
    /// check is inconclusive unless another image fails.
    ///
    /// Images the repository's own build produces are not bare third-party images:
    ///
    /// - An image that `skaffold.yaml` builds (`build.artifacts[].image`, matched by name as
    ///   skaffold matches them) is tagged by skaffold at deploy time (its `tagPolicy`, the
    ///   commit by default, with the digest when pushed): it passes, pointing at the artifact.
    /// - An image that an `images:` entry of a kustomization that builds the workload's file
    ///   (its `resources:`, through the kustomizations it includes) names by image name is
    ///   judged as that entry makes it (`newName`, `newTag`, `digest`), at the entry. An entry
    ///   that sets no version leaves the image as written. Kustomizations that do not build the
    ///   workload (another service's overlay, an unused component) change nothing. Rendered
    ///   overlays (`kubectl kustomize`) already carry the entries' effect.
    ///
    /// Which tiers need a digest, not only a tag, is the policy's `image_digest_tiers` (default
    /// `[0]`).
    ///
    /// Docker Compose services are judged on their `image`, with `${VAR}` references
    /// interpolated from the `.env` file of the Compose file's folder as Compose does; a
    /// variable that neither defines nor defaults cannot be resolved and makes the check
    /// inconclusive unless another image fails.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// `latest` is whatever was pushed last. Two pods of the same Deployment can run different
    /// code, a node restart can upgrade a service nobody deployed, and a rollback to "the
    /// previous version" redeploys the same broken `latest`. A base image without a tag changes
    /// under a rebuild of unchanged code. A tag is a name that can be moved; a digest is the
    /// content itself, which is why the most critical services deploy by digest.
    ///
    /// ## How to fix
    /// Tag images with an immutable version (a release number or the commit SHA) and deploy that
    /// tag; for tier 0 deploy by digest (`image: api:1.4.2@sha256:...`; most CI pipelines can
    /// print the digest after the push, and `kustomize edit set image` or Helm values can carry
    /// it). In Dockerfiles use versioned base images (`FROM python:3.12-slim`), and let
    /// Dependabot or Renovate bump them. Make ECR repositories immutable
    /// (`image_tag_mutability = "IMMUTABLE"`) so that a tag cannot be moved.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:latest
    /// ```
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2@sha256:3b0c4e8f9a1d2c7b6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d
    /// ```
    /// ```dockerfile fails path=Dockerfile
    /// FROM node
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    /// ```dockerfile passes path=Dockerfile
    /// ARG NODE_VERSION=20.11
    /// FROM node:${NODE_VERSION}-slim AS build
    /// COPY . /app
    /// FROM gcr.io/distroless/nodejs20-debian12:nonroot
    /// COPY --from=build /app /app
    /// CMD ["/app/server.js"]
    /// ```
    ///
    /// ## References
    /// Seed 002, "images pinned, no `latest`"; the Kubernetes configuration best practices on
    /// avoiding `:latest`; Docker's Dockerfile best practices on pinning base image versions
    /// and digests; supply-chain guidance (SLSA, OpenSSF Scorecard's pinned-dependencies idea)
    /// that deployed artifacts be referenced immutably.
    pub struct PinnedImages {
        id: "SEC-007", slug: "pinned-images", category: Security, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "K F T", effort: 2,
    }
}

/// How an image reference is pinned.
enum Pin {
    Digest,
    Tag(String),
    Latest,
    NoTag,
    /// Not a literal reference (a variable, a template).
    Unknown,
}

fn pin_of(image: &str) -> Pin {
    match ImageRef::parse(image) {
        None => Pin::Unknown,
        Some(r) if r.digest.is_some() => Pin::Digest,
        Some(r) => match r.tag {
            Some(t) if t == "latest" => Pin::Latest,
            Some(t) => Pin::Tag(t),
            None => Pin::NoTag,
        },
    }
}

/// One deployed image (Kubernetes or ECS) to judge.
struct Deployed<'a> {
    resource: String,
    image: &'a str,
    at: Location,
}

impl Evaluate for PinnedImages {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        // The tier whose policy requires a digest (`image_digest_tiers`), for messages.
        let digest_for = cx.options.require_image_digest.then_some(cx.manifest.tier);
        // The `images:` entry that sets the version of `image` in `path`, from the
        // kustomizations (first by path) that build that file.
        let set_by = |image: &str, path: &str| {
            ev.kubernetes
                .kustomizations
                .iter()
                .filter(|k| k.reaches.iter().any(|p| &**p == path))
                .find_map(|k| {
                    let e = k.image_set(image)?;
                    Some((e.applied(image)?, e.name.loc.location()))
                })
        };
        let built = |image: &str| {
            ev.kubernetes
                .built_images
                .iter()
                .find(|b| image_name(&b.value) == image_name(image))
        };
        let mut t = Tally {
            unknowns: unread_task_definitions(cx),
            ..Tally::default()
        };

        for w in ev.container_workloads() {
            for c in w.containers() {
                let Some(image) = &c.image else { continue };
                let resource = c.resource(w);
                if let Some(b) = built(&image.value) {
                    t.evidence.push(
                        Finding::new(format!(
                            "{resource} deploys `{}`, which the repository builds and skaffold tags at deploy time ({}:{})",
                            image.value, b.loc.path, b.loc.line
                        ))
                        .at(Some(image.loc.location()))
                        .resource(resource),
                    );
                    continue;
                }
                let (value, at) = match set_by(&image.value, &w.loc.path) {
                    Some((applied, at)) => (applied, at),
                    None => (image.value.clone(), image.loc.location()),
                };
                let d = Deployed {
                    resource,
                    image: &value,
                    at,
                };
                judge_deployed(&d, digest_for, &mut t);
            }
        }
        for c in ev.terraform.ecs_containers() {
            let resource = c.resource();
            let at = c.field_loc("image").location();
            match &c.image {
                None | Some(TfValue::Null) => {}
                Some(TfValue::String(s)) => {
                    let d = Deployed {
                        resource,
                        image: s,
                        at,
                    };
                    judge_deployed(&d, digest_for, &mut t);
                }
                Some(v) => t.unknowns.push(
                    Finding::new(format!(
                        "the image of {resource} cannot be resolved without running Terraform: {}",
                        unresolved_reason(v)
                    ))
                    .at(Some(at))
                    .resource(resource),
                ),
            }
        }
        for df in &ev.dockerfiles {
            for from in df.external_froms() {
                judge_from(&df.path, from, &mut t);
            }
        }
        conclude_tally(cx, ev.gaps("K F T"), t, NOTHING_FOUND)
    }
}

fn judge_deployed(d: &Deployed<'_>, digest_for: Option<Tier>, t: &mut Tally) {
    let (res, image) = (&d.resource, d.image);
    let finding = |msg: String| {
        Finding::new(msg)
            .at(Some(d.at.clone()))
            .resource(res.clone())
    };
    let problem = match pin_of(image) {
        Pin::Digest => {
            t.evidence.push(finding(format!(
                "{res} deploys `{image}`, pinned by digest"
            )));
            return;
        }
        Pin::Tag(tag) => {
            let Some(tier) = digest_for else {
                t.evidence
                    .push(finding(format!("{res} deploys `{image}` (tag `{tag}`)")));
                return;
            };
            format!(
                "{res} deploys `{image}` by tag `{tag}` without a digest; tier {tier} services deploy by digest (`@sha256:...`), since a tag can be moved to different content"
            )
        }
        Pin::Latest => format!(
            "{res} deploys `{image}`: `latest` is whatever was pushed last, so pods and rollbacks run unknown code"
        ),
        Pin::NoTag => format!(
            "{res} deploys `{image}` without a tag, which pulls `latest`: pods and rollbacks run whatever was pushed last"
        ),
        Pin::Unknown => {
            t.unknowns.push(finding(format!(
                "the image of {res} (`{image}`) is not a literal image reference and cannot be judged from the repository"
            )));
            return;
        }
    };
    t.failures.push(finding(problem));
}

fn judge_from(path: &str, from: &FromImage, t: &mut Tally) {
    let res = format!("Dockerfile {path}");
    let written = &from.image.value;
    let via = match &from.resolved {
        Some(r) if r != written => format!("`{written}` (`{r}`)"),
        _ => format!("`{written}`"),
    };
    let finding = |msg: String| {
        Finding::new(msg)
            .at(Some(from.image.loc.location()))
            .resource(res.clone())
    };
    let Some(resolved) = &from.resolved else {
        t.unknowns.push(finding(format!(
            "{path}: FROM {via} depends on a build argument without a default; its version cannot be judged from the repository"
        )));
        return;
    };
    match pin_of(resolved) {
        Pin::Digest | Pin::Tag(_) => {
            t.evidence.push(finding(format!("{path}: FROM {via} is pinned")));
        }
        Pin::Latest => t.failures.push(finding(format!(
            "{path}: FROM {via} uses `latest`; a rebuild of unchanged code can pull a different base image"
        ))),
        Pin::NoTag => t.failures.push(finding(format!(
            "{path}: FROM {via} has no tag and pulls `latest`; a rebuild of unchanged code can pull a different base image"
        ))),
        Pin::Unknown => t.unknowns.push(finding(format!(
            "{path}: FROM {via} is not a literal image reference and cannot be judged from the repository"
        ))),
    }
}
