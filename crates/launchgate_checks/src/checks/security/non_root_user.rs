//! SEC-004 non-root-user: Every container runs as a non-root user, proven by the repository.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::compose::ComposeService;
use launchgate_evidence::dockerfile::{Dockerfile, ImageRef, user_is_root};
use launchgate_evidence::k8s::{Container, Workload};
use launchgate_evidence::terraform::{EcsContainer, TfValue};

use crate::kit::aws::unread_task_definitions;
use crate::kit::finish::{Tally, conclude_tally};
use crate::kit::terraform::unresolved_reason;
use crate::{CheckContext, Evaluate, declare_check};

const NOTHING_FOUND: &str = "no Kubernetes workloads, ECS task definitions or Dockerfiles found; point launchgate at the repository that builds and deploys the service";

declare_check! {
    /// ## What it checks
    /// Every container runs as a non-root user, proven by the repository.
    ///
    /// - Kubernetes: each container (init containers too, in every kind of workload) runs as
    ///   non-root when its effective `securityContext` (the container's, else the pod's) sets
    ///   `runAsUser` above 0 or `runAsNonRoot: true`. `runAsUser: 0` fails at the value.
    /// - ECS: a container definition's `user` of `0` or `root` (any group) fails; another user
    ///   passes.
    /// - When neither says, the image decides: if a Dockerfile in the repository builds the
    ///   container's image, the `USER` its final stage runs as (inherited along `FROM <stage>`
    ///   chains) must not be root. `USER root` fails at that line; no `USER` at all fails at the
    ///   final `FROM`, because the image then runs as root by default (base images tagged
    ///   `nonroot`, such as distroless, are the exception). A Dockerfile builds an image when
    ///   the image's last path component (`checkout` in `ghcr.io/acme/checkout:1.4`) is the
    ///   Dockerfile's folder name, its name suffix (`Dockerfile.checkout`,
    ///   `checkout.Dockerfile`), its final stage's `AS` name, or, for a Dockerfile at the
    ///   repository root, the service name; failing that, a repository with exactly one
    ///   Dockerfile and one workload that has one main container is taken to build that
    ///   container's image.
    /// - If no Dockerfile builds the image, nothing proves the container is non-root, and the
    ///   check fails at the container's `securityContext` (or the container): a blocker needs
    ///   proof, and images from elsewhere usually run as root.
    /// - Docker Compose: a service's `user` of `0` or `root` (any group) fails at the value;
    ///   another numeric or named user passes; a variable (`${UID}`) says nothing. Without a
    ///   `user`, the image decides: the Dockerfile its `build` names (`context` joined with
    ///   `dockerfile`, default `Dockerfile`, with `.env` variables interpolated), else one a
    ///   Dockerfile of the repository builds by the name rules above; else nothing proves it
    ///   and the check fails at the service.
    /// - A repository with Dockerfiles and no Kubernetes workloads or ECS task definitions has
    ///   each Dockerfile judged on its own.
    ///
    /// A `USER` or `user` given by a variable (`USER ${APP_UID}`, `user = var.uid` without a
    /// default) cannot be judged: the check is then inconclusive unless another container fails.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// A process running as root inside a container is one kernel or runtime bug away from
    /// root on the node, can write anywhere in its image, and makes every file-permission
    /// mistake exploitable. Most public base images run as root unless told otherwise, so
    /// "nobody set it" means root.
    ///
    /// ## How to fix
    /// Create an unprivileged user in the Dockerfile and switch to it with a numeric UID
    /// (`RUN useradd --uid 10001 app` then `USER 10001`), and enforce it in Kubernetes with
    /// `securityContext: {runAsNonRoot: true, runAsUser: 10001}` (a numeric `USER` lets the
    /// kubelet verify `runAsNonRoot`; a user name cannot be verified and the pod does not
    /// start). On ECS set `user = "10001"` in the container definition.
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
    ///           image: registry.example.com/api:1.4.2
    ///           securityContext:
    ///             runAsUser: 0
    /// ```
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   template:
    ///     spec:
    ///       securityContext:
    ///         runAsNonRoot: true
    ///         runAsUser: 10001
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2
    /// ```
    /// ```dockerfile fails path=Dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    /// ```dockerfile passes path=Dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 --no-create-home app
    /// COPY . /app
    /// USER 10001
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## References
    /// Seed 002, "containers run as non-root"; the Kubernetes Pod Security Standards
    /// (restricted profile: `runAsNonRoot`); the CIS Docker Benchmark item on creating a user
    /// for the container; Docker's Dockerfile best practices on `USER`; the AWS ECS container
    /// definition `user` parameter.
    pub struct NonRootUser {
        id: "SEC-004", slug: "non-root-user", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K F T", effort: 3,
    }
}

impl Evaluate for NonRootUser {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        let workloads: Vec<&Workload> = ev
            .container_workloads()
            .filter(|w| has_own_pod(w))
            .collect();
        let tasks = ev.terraform.ecs_task_definitions();
        let mut t = Tally {
            unknowns: unread_task_definitions(cx),
            ..Tally::default()
        };
        let images = Images {
            cx,
            single: single_container(&workloads, tasks.len()),
        };

        for w in &workloads {
            for c in w.containers() {
                judge_k8s(&images, w, c, &mut t);
            }
        }
        for c in ev.terraform.ecs_containers() {
            judge_ecs(&images, c, &mut t);
        }
        if workloads.is_empty() && tasks.is_empty() {
            for df in &ev.dockerfiles {
                let resource = format!("Dockerfile {}", df.path);
                judge_image(df, &resource, None, &mut t);
            }
        }
        conclude_tally(cx, ev.gaps("K F T"), t, NOTHING_FOUND)
    }
}

/// A workload with its own pod template: a Rollout that borrows a Deployment's template
/// (`workloadRef`) is judged through that Deployment.
fn has_own_pod(w: &Workload) -> bool {
    !(w.workload_ref.is_some() && w.pod.containers.is_empty())
}

/// The only workload, when the repository has exactly one (Kubernetes or ECS): a Dockerfile
/// that is the only one then builds its only main container's image.
fn single_container(workloads: &[&Workload], tasks: usize) -> Option<Single> {
    match (workloads, tasks) {
        ([w], 0) if w.pod.containers.len() == 1 => Some(Single::K8s(w.loc.clone())),
        ([], 1) => Some(Single::Ecs),
        _ => None,
    }
}

#[derive(Debug)]
enum Single {
    /// The workload (by its document) whose only main container it is.
    K8s(launchgate_evidence::Loc),
    /// The only ECS task definition; it counts when it has one container.
    Ecs,
}

/// Finds the Dockerfile that builds an image.
struct Images<'a> {
    cx: &'a CheckContext<'a>,
    single: Option<Single>,
}

impl<'a> Images<'a> {
    /// The Dockerfile that builds `image`, by name, else by the one-Dockerfile-one-container
    /// rule when `sole` says this container is the only one.
    fn builder(&self, image: Option<&str>, sole: bool) -> Option<&'a Dockerfile> {
        let files = &self.cx.evidence.dockerfiles;
        if let Some(name) = image.and_then(image_name)
            && let Some(df) = files
                .iter()
                .find(|df| dockerfile_names(df, &self.cx.manifest.service).contains(&name))
        {
            return Some(df);
        }
        match (files.files.as_slice(), sole) {
            ([only], true) => Some(only),
            _ => None,
        }
    }
}

/// The last path component of an image's repository, lowercased (`checkout` for
/// `ghcr.io/acme/checkout:1.4`); `None` when the reference is not literal.
fn image_name(image: &str) -> Option<String> {
    let r = ImageRef::parse(image)?;
    r.repository.rsplit('/').next().map(str::to_ascii_lowercase)
}

/// The names an image built by `df` may go by: its folder, its name suffix or prefix, its
/// final stage's name, and for a root Dockerfile the service's name.
fn dockerfile_names(df: &Dockerfile, service: &str) -> Vec<String> {
    let mut names = Vec::new();
    let (dir, file) = match df.path.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, df.path.as_str()),
    };
    match dir {
        Some(d) => names.extend(d.rsplit('/').next().map(str::to_string)),
        None => names.push(service.to_string()),
    }
    let lower = file.to_ascii_lowercase();
    if let Some(s) = lower.strip_prefix("dockerfile.") {
        names.push(s.to_string());
    }
    if let Some(s) = lower.strip_suffix(".dockerfile") {
        names.push(s.to_string());
    }
    if let Some(n) = df.final_stage().and_then(|s| s.name.as_ref()) {
        names.push(n.value.clone());
    }
    names
        .into_iter()
        .map(|n| n.to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect()
}

fn judge_k8s(images: &Images<'_>, w: &Workload, c: &Container, t: &mut Tally) {
    let res = c.resource(w);
    let pod = &w.pod;
    let compose = images.cx.evidence.compose.service_of(w);
    if compose.is_some() {
        return judge_compose(images, compose, w, c, t);
    }
    match c.runs_as_non_root(pod) {
        Some(false) => {
            let at = c
                .effective_run_as_user(pod)
                .map_or_else(|| c.security_loc().location(), |u| u.loc.location());
            t.failures.push(
                Finding::new(format!("{res} runs as root (`runAsUser: 0`)"))
                    .at(Some(at))
                    .resource(res),
            );
        }
        Some(true) => {
            let (what, loc) = match (
                c.effective_run_as_user(pod),
                c.effective_run_as_non_root(pod),
            ) {
                (Some(u), _) => (format!("`runAsUser: {}`", u.value), &u.loc),
                (None, Some(n)) => ("`runAsNonRoot: true`".to_string(), &n.loc),
                (None, None) => ("its securityContext".to_string(), c.security_loc()),
            };
            t.evidence.push(
                Finding::new(format!("{res} runs as non-root ({what})"))
                    .at(Some(loc.location()))
                    .resource(res),
            );
        }
        None => {
            let sole =
                matches!(&images.single, Some(Single::K8s(loc)) if *loc == w.loc) && !c.is_init;
            let image = c.image.as_ref().map(|i| i.value.as_str());
            match images.builder(image, sole) {
                Some(df) => judge_image(df, &res, Some(&c.security_loc().location()), t),
                None => t.failures.push(
                    Finding::new(format!(
                        "nothing proves {res} runs as non-root: its securityContext sets neither `runAsNonRoot: true` nor `runAsUser`, and its image{} is not built by a Dockerfile in this repository",
                        image.map_or(String::new(), |i| format!(" `{i}`"))
                    ))
                    .at(Some(c.security_loc().location()))
                    .resource(res),
                ),
            }
        }
    }
}

/// A Docker Compose service: its `user`, else the image its `build` names (or, by name, one
/// a Dockerfile of the repository builds).
fn judge_compose(
    images: &Images<'_>,
    service: Option<&ComposeService>,
    w: &Workload,
    c: &Container,
    t: &mut Tally,
) {
    let res = c.resource(w);
    let user = c.security_context.run_as_user.as_ref();
    let named = c.security_context.run_as_non_root.as_ref();
    match (user, named) {
        (Some(u), _) if u.value == 0 => t.failures.push(
            Finding::new(format!("{res} runs as root (`user`)"))
                .at(Some(u.loc.location()))
                .resource(res),
        ),
        (Some(u), _) => t.evidence.push(
            Finding::new(format!("{res} runs as non-root (`user: {}`)", u.value))
                .at(Some(u.loc.location()))
                .resource(res),
        ),
        (None, Some(n)) => t.evidence.push(
            Finding::new(format!("{res} runs as a named non-root user (`user`)"))
                .at(Some(n.loc.location()))
                .resource(res),
        ),
        (None, None) => {
            let built = service
                .and_then(|s| s.dockerfile.as_deref())
                .and_then(|p| images.cx.evidence.dockerfiles.iter().find(|d| d.path == p));
            let image = c.image.as_ref().map(|i| i.value.as_str());
            match built.or_else(|| images.builder(image, false)) {
                Some(df) => judge_image(df, &res, Some(&c.loc.location()), t),
                None => t.failures.push(
                    Finding::new(format!(
                        "nothing proves {res} runs as non-root: it sets no `user`, and its image{} is not built by a Dockerfile in this repository",
                        image.map_or(String::new(), |i| format!(" `{i}`"))
                    ))
                    .at(Some(c.loc.location()))
                    .resource(res),
                ),
            }
        }
    }
}

fn judge_ecs(images: &Images<'_>, c: &EcsContainer, t: &mut Tally) {
    let res = c.resource();
    let at = Some(c.field_loc("user").location());
    match &c.user {
        Some(v) if !v.is_null() => {
            let text = match v {
                TfValue::String(s) => Some(s.clone()),
                TfValue::Number(_) => v.as_i64().map(|n| n.to_string()),
                _ => None,
            };
            match text.as_deref().and_then(user_is_root) {
                Some(true) => t.failures.push(
                    Finding::new(format!(
                        "{res} runs as root (`user = \"{}\"`)",
                        text.unwrap_or_default()
                    ))
                    .at(at)
                    .resource(res),
                ),
                Some(false) => t.evidence.push(
                    Finding::new(format!("{res} runs as user `{}`", text.unwrap_or_default()))
                        .at(at)
                        .resource(res),
                ),
                None => t.unknowns.push(
                    Finding::new(format!(
                        "the `user` of {res} cannot be resolved without running Terraform: {}",
                        unresolved_reason(v)
                    ))
                    .at(at)
                    .resource(res),
                ),
            }
        }
        _ => {
            let sole = matches!(images.single, Some(Single::Ecs))
                && images
                    .cx
                    .evidence
                    .terraform
                    .ecs_task_definitions()
                    .iter()
                    .all(|td| td.containers.len() == 1);
            let image = c.image.as_ref().and_then(TfValue::as_str);
            match images.builder(image, sole) {
                Some(df) => judge_image(df, &res, Some(&c.loc.location()), t),
                None => t.failures.push(
                    Finding::new(format!(
                        "nothing proves {res} runs as non-root: it sets no `user`, and its image{} is not built by a Dockerfile in this repository",
                        image.map_or(String::new(), |i| format!(" `{i}`"))
                    ))
                    .at(Some(c.loc.location()))
                    .resource(res),
                ),
            }
        }
    }
}

/// Judges the user an image built by `df` runs as, for `resource` (a container, or the
/// Dockerfile itself). `container` is where the container is declared, shown as related.
fn judge_image(df: &Dockerfile, resource: &str, container: Option<&Location>, t: &mut Tally) {
    let finding = |msg: String, at: Location| {
        Finding::new(msg)
            .at(Some(at))
            .resource(resource)
            .related(container.cloned())
    };
    let built = if resource.starts_with("Dockerfile ") {
        format!("the image built by {}", df.path)
    } else {
        format!("{resource} uses the image built by {}, which", df.path)
    };
    if let Some(user) = df.effective_user() {
        match user_is_root(&user.value) {
            Some(true) => t.failures.push(finding(
                format!("{built} runs as root (`USER {}`)", user.value),
                user.loc.location(),
            )),
            Some(false) => t.evidence.push(finding(
                format!("{built} runs as `USER {}`", user.value),
                user.loc.location(),
            )),
            None => t.unknowns.push(finding(
                format!(
                    "{built} runs as `USER {}`, a build argument that cannot be judged from the repository",
                    user.value
                ),
                user.loc.location(),
            )),
        }
        return;
    }
    let Some(last) = df.final_stage() else {
        // A file without stages is a parse error, reported with the evidence gaps.
        return;
    };
    let nonroot_base = df
        .runtime_base()
        .and_then(|b| b.tag())
        .is_some_and(|tag| tag.contains("nonroot"));
    if nonroot_base {
        let base = df.runtime_base().map_or("", |b| b.image.value.as_str());
        t.evidence.push(finding(
            format!("{built} has no USER, and its base image `{base}` runs as nonroot"),
            last.from.loc.location(),
        ));
    } else {
        t.failures.push(finding(
            format!("{built} has no USER instruction: the image runs as root by default"),
            last.from.loc.location(),
        ));
    }
}
