//! Docker Compose files (`compose.yaml`, `compose.*.yaml`, `docker-compose*.yml`): each service
//! is read as a workload of kind [`WorkloadKind::ComposeService`] with one container, filled
//! from the Compose fields that mean the same as their Kubernetes counterparts, so the
//! container checks judge Compose services with the code that judges pods.
//!
//! | Compose | model |
//! | --- | --- |
//! | `image` | [`Container::image`] |
//! | `environment` (list or map) | [`Container::env`] (a bare `NAME` passes the host's value: [`EnvValue::Other`] `host`) |
//! | `env_file` | [`ComposeService::env_files`] and [`Container::env_from`] (source `Other`) |
//! | `healthcheck.test` | liveness [`Probe`] (`exec`); `disable: true` or `NONE`: none |
//! | `deploy.resources.limits` / `reservations`, `mem_limit`, `cpus`, `mem_reservation` | [`Container::resources`] limits / requests |
//! | `deploy.replicas`, `scale` | [`Workload::replicas`] |
//! | `restart`, `deploy.restart_policy.condition` | [`Container::restart_policy`] |
//! | `user` | `runAsUser` (numeric), `runAsNonRoot` (a name other than `root`) |
//! | `read_only`, `privileged`, `cap_add`, `cap_drop`, `security_opt: no-new-privileges` | container [`crate::k8s::SecurityContext`] |
//! | `network_mode: host`, `pid: host`, `ipc: host` | `hostNetwork`, `hostPID`, `hostIPC` |
//! | `secrets` | [`ComposeService::secrets`] and secret volumes |
//! | `ports` | container ports (the container side) |
//! | `profiles` | [`ComposeService::profiles`] |
//!
//! `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` in `image`, `build.context` and
//! `build.dockerfile` are interpolated from the `.env` file of the Compose file's folder, as
//! Compose does; a variable it does not define keeps its default, else stays unresolved
//! (written as is, so the checks say it cannot be resolved). Environment values are kept as
//! written. [`ComposeService::dockerfile`] is the repository path of the Dockerfile that
//! builds the service's image (`build.context` joined with `build.dockerfile`, default
//! `Dockerfile`), when it resolves inside the repository.
//!
//! A service with neither `image` nor `build` cannot run on its own: it is an override of the
//! same-named service of another Compose file in the same folder (`compose.override.yaml`,
//! `compose.full.yaml` layered with `-f`). It is merged into that service (its environment
//! added, fields the base leaves unset taken), and dropped when there is none.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::k8s::{
    Action, Container, ContainerPort, EnvFrom, EnvFromSource, EnvValue, EnvVar, PodSpec, Probe,
    ResourceList, Resources, SecurityContext, Volume, VolumeSource, Workload, WorkloadKind,
    WorkloadLinks,
};
use crate::yaml::{Node, Value};
use crate::{EvidenceError, FileKind, Loc, Located, Source};

/// Every Compose service of the repository.
#[derive(Debug, Clone, Default)]
pub struct Compose {
    /// Services, sorted by file, then by position; overrides merged into their base.
    pub services: Vec<ComposeService>,
}

impl Compose {
    /// The services' workloads.
    pub fn workloads(&self) -> impl Iterator<Item = &Workload> {
        self.services.iter().map(|s| &s.workload)
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// The Compose service a `ComposeService` workload comes from.
    pub fn service_of(&self, w: &Workload) -> Option<&ComposeService> {
        if w.kind != WorkloadKind::ComposeService {
            return None;
        }
        self.services.iter().find(|s| s.workload.loc == w.loc)
    }
}

/// One Compose service.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeService {
    /// The service as a workload of kind `ComposeService` with one container named after it.
    pub workload: Workload,
    /// `profiles`: the service only starts when one of them is enabled.
    pub profiles: Vec<String>,
    /// `env_file` names, as written.
    pub env_files: Vec<Located<String>>,
    /// `secrets` names.
    pub secrets: Vec<Located<String>>,
    /// `build` (its `context`, or the string form), when the service builds its image.
    pub build_context: Option<Located<String>>,
    /// `build.dockerfile`.
    pub build_dockerfile: Option<Located<String>>,
    /// Files whose override of this service was merged in.
    pub overridden_by: Vec<Loc>,
    /// The repository path of the Dockerfile `build` names, when it resolves (no unresolved
    /// variable, inside the repository).
    pub dockerfile: Option<String>,
}

/// The services of one file, before overrides are merged.
#[derive(Debug, Clone, Default)]
pub struct ComposeFile {
    services: Vec<ComposeService>,
    /// Services with neither `image` nor `build`: overrides of another file's.
    fragments: Vec<ComposeService>,
    /// A `.env` file: its folder and variables.
    env: Option<(String, BTreeMap<String, String>)>,
}

/// Reads a `.env` file: `NAME=value` lines (`export ` prefixes, quotes and comments as Compose
/// reads them).
pub fn parse_env(src: &Source) -> ComposeFile {
    let mut vars = BTreeMap::new();
    for line in src.text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(" #").next().unwrap_or(value).trim_end(),
        };
        vars.insert(name.trim().to_string(), value.to_string());
    }
    ComposeFile {
        env: Some((folder(&src.path).to_string(), vars)),
        ..ComposeFile::default()
    }
}

/// Interpolates `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` from `vars`; a
/// variable that is not defined and has no default is left as written.
pub fn interpolate(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(inner) = after.strip_prefix('{')
            && let Some(end) = inner.find('}')
        {
            let expr = &inner[..end];
            let (name, default) = match expr.find([':', '-', '?', '+']) {
                Some(j) => {
                    let (n, d) = expr.split_at(j);
                    let d = d.trim_start_matches(':');
                    (n, d.strip_prefix('-'))
                }
                None => (expr, None),
            };
            match vars
                .get(name)
                .filter(|v| !v.is_empty())
                .map(String::as_str)
                .or(default)
            {
                Some(v) => out.push_str(v),
                None => {
                    out.push_str("${");
                    out.push_str(expr);
                    out.push('}');
                }
            }
            rest = &inner[end + 1..];
            continue;
        }
        if let Some(stripped) = after.strip_prefix('$') {
            out.push('$');
            rest = stripped;
            continue;
        }
        let n = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        match vars.get(&after[..n]) {
            Some(v) if n > 0 => out.push_str(v),
            _ => {
                out.push('$');
                out.push_str(&after[..n]);
            }
        }
        rest = &after[n..];
    }
    out.push_str(rest);
    out
}

/// A repository path from `dir` and a relative `path` (`./`, `..` resolved); `None` when it
/// leaves the repository or is absolute.
fn join(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('$') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in path.split('/') {
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

/// Resolves a service's image and build paths with its folder's `.env` variables.
fn resolve(s: &mut ComposeService, vars: Option<&BTreeMap<String, String>>) {
    let empty = BTreeMap::new();
    let vars = vars.unwrap_or(&empty);
    let dir = folder(&s.workload.loc.path).to_string();
    if let Some(img) = s
        .workload
        .pod
        .containers
        .first_mut()
        .and_then(|c| c.image.as_mut())
    {
        img.value = interpolate(&img.value, vars);
    }
    for f in [&mut s.build_context, &mut s.build_dockerfile]
        .into_iter()
        .flatten()
    {
        f.value = interpolate(&f.value, vars);
    }
    let Some(ctx) = &s.build_context else {
        return;
    };
    // Remote contexts (Git URLs) build outside the repository.
    if ctx.value.contains("://") || ctx.value.starts_with("git@") {
        return;
    }
    let Some(context) = join(&dir, &ctx.value) else {
        return;
    };
    let file = s
        .build_dockerfile
        .as_ref()
        .map_or("Dockerfile", |d| d.value.as_str());
    s.dockerfile = join(&context, file);
}

/// Reads a Compose file's YAML documents (the first is the file).
pub fn parse(src: &Source, docs: &[Node], errors: &mut Vec<EvidenceError>) -> ComposeFile {
    let mut out = ComposeFile::default();
    let Some(doc) = docs.first() else {
        return out;
    };
    let Some(services) = doc.entry("services") else {
        return out;
    };
    if services.value.is_null() {
        return out;
    }
    if !services.value.is_map() {
        errors.push(EvidenceError::new(
            services.key_loc.clone(),
            FileKind::Compose,
            "`services` is not a mapping of service names to services",
        ));
        return out;
    }
    for e in services.value.as_map() {
        if !e.value.is_map() {
            if !e.value.is_null() {
                errors.push(EvidenceError::new(
                    e.key_loc.clone(),
                    FileKind::Compose,
                    format!("service `{}` is not a mapping", e.key),
                ));
            }
            continue;
        }
        let s = read_service(src, &e.key, &e.key_loc, &e.value);
        let runnable = e.value.get("image").is_some() || e.value.get("build").is_some();
        if runnable {
            out.services.push(s);
        } else {
            out.fragments.push(s);
        }
    }
    out
}

/// All files' services, overrides merged into the same-named service of the same folder.
pub fn assemble(files: Vec<ComposeFile>) -> Compose {
    let mut services = Vec::new();
    let mut fragments = Vec::new();
    let mut envs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files {
        services.extend(f.services);
        fragments.extend(f.fragments);
        if let Some((dir, vars)) = f.env {
            envs.insert(dir, vars);
        }
    }
    for s in services.iter_mut().chain(fragments.iter_mut()) {
        let dir = folder(&s.workload.loc.path).to_string();
        resolve(s, envs.get(&dir));
    }
    services.sort_by(|a: &ComposeService, b| a.workload.loc.cmp(&b.workload.loc));
    fragments.sort_by(|a: &ComposeService, b| a.workload.loc.cmp(&b.workload.loc));
    for frag in fragments {
        let dir = folder(&frag.workload.loc.path);
        if let Some(base) = services
            .iter_mut()
            .find(|s| s.workload.name == frag.workload.name && folder(&s.workload.loc.path) == dir)
        {
            merge(base, frag);
        }
    }
    Compose { services }
}

fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Adds an override's settings to its base: environment appended (the override's values win,
/// as the last variable of a name does), anything the base leaves unset taken.
fn merge(base: &mut ComposeService, frag: ComposeService) {
    base.overridden_by.push(frag.workload.loc.clone());
    base.profiles.extend(frag.profiles);
    base.env_files.extend(frag.env_files);
    base.secrets.extend(frag.secrets);
    let w = &mut base.workload;
    let fw = frag.workload;
    if w.replicas.is_none() {
        w.replicas = fw.replicas;
    }
    w.pod.volumes.extend(fw.pod.volumes);
    for flag in [
        (&mut w.pod.host_network, fw.pod.host_network),
        (&mut w.pod.host_pid, fw.pod.host_pid),
        (&mut w.pod.host_ipc, fw.pod.host_ipc),
    ] {
        if flag.0.is_none() {
            *flag.0 = flag.1;
        }
    }
    let (Some(c), Some(fc)) = (
        w.pod.containers.first_mut(),
        fw.pod.containers.into_iter().next(),
    ) else {
        return;
    };
    c.env.extend(fc.env);
    c.env_from.extend(fc.env_from);
    c.ports.extend(fc.ports);
    take(&mut c.restart_policy, fc.restart_policy);
    take(&mut c.readiness_probe, fc.readiness_probe);
    take(&mut c.liveness_probe, fc.liveness_probe);
    if c.resources.loc.is_none() && fc.resources.loc.is_some() {
        c.resources = fc.resources;
    }
    let (sc, fsc) = (&mut c.security_context, fc.security_context);
    take(&mut sc.loc, fsc.loc);
    take(&mut sc.run_as_user, fsc.run_as_user);
    take(&mut sc.run_as_non_root, fsc.run_as_non_root);
    take(
        &mut sc.read_only_root_filesystem,
        fsc.read_only_root_filesystem,
    );
    take(&mut sc.privileged, fsc.privileged);
    take(
        &mut sc.allow_privilege_escalation,
        fsc.allow_privilege_escalation,
    );
    sc.capabilities_add.extend(fsc.capabilities_add);
    sc.capabilities_drop.extend(fsc.capabilities_drop);
}

fn take<T>(slot: &mut Option<T>, other: Option<T>) {
    if slot.is_none() {
        *slot = other;
    }
}

fn located_text(n: &Node) -> Option<Located<String>> {
    n.scalar_text().map(|t| Located::new(t, n.loc.clone()))
}

fn read_service(src: &Source, name: &str, key_loc: &Loc, svc: &Node) -> ComposeService {
    let _ = src;
    let mut pod = PodSpec::empty(key_loc.clone());
    let mut c = Container {
        name: name.to_string(),
        loc: key_loc.clone(),
        is_init: false,
        restart_policy: None,
        image: svc.get("image").and_then(located_text),
        image_pull_policy: svc.get("pull_policy").and_then(located_text),
        command: words(svc.get("command")),
        args: Vec::new(),
        resources: Resources::default(),
        readiness_probe: None,
        liveness_probe: None,
        startup_probe: None,
        pre_stop: None,
        post_start: None,
        env: Vec::new(),
        env_from: Vec::new(),
        security_context: SecurityContext::default(),
        ports: Vec::new(),
        volume_mounts: Vec::new(),
    };

    // Environment: `- NAME=value`, `- NAME`, or `NAME: value`.
    if let Some(env) = svc.get("environment") {
        for item in env.as_seq() {
            let Some(text) = item.scalar_text() else {
                continue;
            };
            let (n, v) = match text.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (text.clone(), None),
            };
            c.env.push(env_var(n, v, &item.loc, &item.loc));
        }
        for e in env.as_map() {
            let v = match &e.value.value {
                Value::Null => None,
                _ => e.value.scalar_text(),
            };
            c.env
                .push(env_var(e.key.clone(), v, &e.key_loc, &e.value.loc));
        }
    }
    let mut env_files = Vec::new();
    if let Some(f) = svc.get("env_file") {
        let mut push = |n: &Node| {
            let path = n.get("path").unwrap_or(n);
            if let Some(t) = located_text(path) {
                env_files.push(t);
            }
        };
        match &f.value {
            Value::Seq(items) => items.iter().for_each(&mut push),
            _ => push(f),
        }
    }
    for f in &env_files {
        c.env_from.push(EnvFrom {
            loc: f.loc.clone(),
            source: EnvFromSource::Other,
            name: Some(f.value.clone()),
            prefix: None,
        });
    }

    // Healthcheck: an exec probe the engine runs to mark the container unhealthy (Swarm
    // restarts it; `depends_on: condition: service_healthy` waits for it). No load balancer
    // routes by it, so it is a liveness probe only.
    if let Some(h) = svc.entry("healthcheck") {
        let disabled = h.value.get("disable").and_then(Node::as_bool) == Some(true);
        let test = words(h.value.get("test"));
        let none = test.first().is_some_and(|t| t == "NONE");
        if !disabled && !none && !test.is_empty() {
            let command = match test.first().map(String::as_str) {
                Some("CMD" | "CMD-SHELL") => test[1..].to_vec(),
                _ => test,
            };
            let probe = Probe {
                loc: h.key_loc.clone(),
                action: Action::Exec { command },
                initial_delay_seconds: None,
                period_seconds: None,
                timeout_seconds: None,
                failure_threshold: h.value.get("retries").and_then(located_int),
                success_threshold: None,
            };
            c.liveness_probe = Some(probe);
        }
    }

    // Resources: `deploy.resources`, else the legacy service-level keys.
    let mut replicas = svc.get("scale").and_then(located_int);
    if let Some(deploy) = svc.get("deploy") {
        if let Some(r) = deploy.get("replicas").and_then(located_int) {
            replicas = Some(r);
        }
        if let Some(res) = deploy.entry("resources") {
            c.resources.loc = Some(res.key_loc.clone());
            if let Some(l) = res.value.entry("limits") {
                c.resources.limits = resource_list(l.key_loc.clone(), &l.value);
            }
            if let Some(r) = res.value.entry("reservations") {
                c.resources.requests = resource_list(r.key_loc.clone(), &r.value);
            }
        }
        if let Some(cond) = deploy
            .at(&["restart_policy", "condition"])
            .and_then(located_text)
        {
            c.restart_policy = Some(cond);
        }
    }
    for (key, limit, cpu) in [
        ("mem_limit", true, false),
        ("cpus", true, true),
        ("mem_reservation", false, false),
    ] {
        let Some(e) = svc.entry(key) else { continue };
        let Some(v) = located_text(&e.value) else {
            continue;
        };
        if c.resources.loc.is_none() {
            c.resources.loc = Some(e.key_loc.clone());
        }
        let list = if limit {
            &mut c.resources.limits
        } else {
            &mut c.resources.requests
        };
        take(&mut list.loc, Some(e.key_loc.clone()));
        let slot = if cpu { &mut list.cpu } else { &mut list.memory };
        take(slot, Some(v));
    }
    if let Some(r) = svc.get("restart").and_then(located_text) {
        c.restart_policy = Some(r);
    }

    // Security settings.
    let sc = &mut c.security_context;
    let mut touched = None::<Loc>;
    if let Some(u) = svc.entry("user") {
        touched.get_or_insert(u.key_loc.clone());
        if let Some(text) = u.value.scalar_text() {
            let who = text.split(':').next().unwrap_or("").trim();
            match who.parse::<i64>() {
                Ok(uid) => sc.run_as_user = Some(Located::new(uid, u.value.loc.clone())),
                Err(_) if who == "root" => {
                    sc.run_as_user = Some(Located::new(0, u.value.loc.clone()));
                }
                // A name resolved in the image (`nobody`, `app`): not root by name; a
                // variable (`${UID}`) says nothing.
                Err(_) if !who.is_empty() && !who.contains('$') => {
                    sc.run_as_non_root = Some(Located::new(true, u.value.loc.clone()));
                }
                Err(_) => {}
            }
        }
    }
    if let Some(e) = svc.entry("read_only") {
        touched.get_or_insert(e.key_loc.clone());
        sc.read_only_root_filesystem = e
            .value
            .as_bool()
            .map(|b| Located::new(b, e.value.loc.clone()));
    }
    if let Some(e) = svc.entry("privileged") {
        touched.get_or_insert(e.key_loc.clone());
        sc.privileged = e
            .value
            .as_bool()
            .map(|b| Located::new(b, e.value.loc.clone()));
    }
    for (key, list) in [
        ("cap_add", &mut sc.capabilities_add),
        ("cap_drop", &mut sc.capabilities_drop),
    ] {
        if let Some(e) = svc.entry(key) {
            touched.get_or_insert(e.key_loc.clone());
            list.extend(e.value.as_seq().iter().filter_map(located_text));
        }
    }
    if let Some(e) = svc.entry("security_opt") {
        for o in e.value.as_seq() {
            if let Some(t) = o.as_str() {
                let t = t.replace(['=', ':'], " ");
                let mut parts = t.split_whitespace();
                if parts.next() == Some("no-new-privileges") {
                    let on = parts.next().is_none_or(|v| v == "true");
                    touched.get_or_insert(e.key_loc.clone());
                    sc.allow_privilege_escalation = Some(Located::new(!on, o.loc.clone()));
                }
            }
        }
    }
    sc.loc = touched;

    for (key, slot) in [
        ("network_mode", &mut pod.host_network),
        ("pid", &mut pod.host_pid),
        ("ipc", &mut pod.host_ipc),
    ] {
        if let Some(v) = svc.get(key)
            && let Some(t) = v.as_str()
        {
            *slot = Some(Located::new(t == "host", v.loc.clone()));
        }
    }

    for p in svc.get("ports").map(Node::as_seq).unwrap_or_default() {
        let target = match p.get("target") {
            Some(t) => t.as_i64(),
            None => p.scalar_text().and_then(|t| container_port(&t)),
        };
        c.ports.push(ContainerPort {
            loc: p.loc.clone(),
            name: p.get("name").and_then(Node::scalar_text),
            container_port: target.map(|t| Located::new(t, p.loc.clone())),
            protocol: p.get("protocol").and_then(Node::scalar_text),
        });
    }

    let mut secrets = Vec::new();
    for s in svc.get("secrets").map(Node::as_seq).unwrap_or_default() {
        let n = s.get("source").unwrap_or(s);
        if let Some(name) = located_text(n) {
            pod.volumes.push(Volume {
                name: name.value.clone(),
                loc: s.loc.clone(),
                source: VolumeSource::Secret {
                    secret_name: Some(name.value.clone()),
                },
            });
            secrets.push(name);
        }
    }

    let profiles = svc
        .get("profiles")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect();
    let (build_context, build_dockerfile) = match svc.get("build") {
        Some(b) if b.is_map() => (
            b.get("context").and_then(located_text),
            b.get("dockerfile").and_then(located_text),
        ),
        Some(b) => (located_text(b), None),
        None => (None, None),
    };

    let mut labels = BTreeMap::new();
    for e in svc.get("labels").map(Node::as_map).unwrap_or_default() {
        if let Some(v) = e.value.scalar_text() {
            labels.insert(e.key.clone(), v);
        }
    }
    pod.labels = labels.clone();
    pod.containers.push(c);
    ComposeService {
        workload: Workload {
            kind: WorkloadKind::ComposeService,
            name: name.to_string(),
            namespace: None,
            labels,
            loc: key_loc.clone(),
            kind_loc: key_loc.clone(),
            object: usize::MAX,
            spec_loc: key_loc.clone(),
            replicas,
            selector: None,
            strategy: None,
            rollout: None,
            workload_ref: None,
            schedule: None,
            suspend: None,
            pod,
            links: WorkloadLinks::default(),
        },
        profiles,
        env_files,
        secrets,
        build_context,
        build_dockerfile,
        overridden_by: Vec::new(),
        dockerfile: None,
    }
}

fn env_var(name: String, value: Option<String>, name_loc: &Loc, value_loc: &Loc) -> EnvVar {
    EnvVar {
        name,
        name_loc: name_loc.clone(),
        loc: name_loc.clone(),
        value: match value {
            Some(v) => EnvValue::Literal(Located::new(v, value_loc.clone())),
            // `- NAME` passes the variable from the shell or `.env` file that runs Compose.
            None => EnvValue::Other {
                source: "host".to_string(),
                loc: value_loc.clone(),
            },
        },
    }
}

fn located_int(n: &Node) -> Option<Located<i64>> {
    n.as_i64().map(|i| Located::new(i, n.loc.clone()))
}

/// A command as words: a list as written, a string split on whitespace.
fn words(n: Option<&Node>) -> Vec<String> {
    match n {
        Some(n) if !n.as_seq().is_empty() => {
            n.as_seq().iter().filter_map(Node::scalar_text).collect()
        }
        Some(n) => n
            .scalar_text()
            .map(|t| t.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

fn resource_list(loc: Loc, n: &Node) -> ResourceList {
    ResourceList {
        loc: Some(loc),
        cpu: n.get("cpus").and_then(located_text),
        memory: n.get("memory").and_then(located_text),
        other: BTreeMap::new(),
    }
}

/// The container side of a short port syntax (`8080`, `"80:8080"`, `127.0.0.1:80:8080/tcp`).
fn container_port(text: &str) -> Option<i64> {
    let t = text.split('/').next().unwrap_or(text);
    let last = t.rsplit(':').next().unwrap_or(t);
    let first = last.split('-').next().unwrap_or(last);
    first.trim().parse().ok()
}
