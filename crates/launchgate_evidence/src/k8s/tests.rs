//! Tests of the Kubernetes evidence model: parsing, links, error reporting, robustness, and a
//! run over a real manifest corpus when it is present.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::{EvidenceError, Source, yaml};

const SHOP: &str = include_str!("testdata/shop.yaml");

/// Parses files (path, text) and assembles them, returning the model and every error.
fn load(files: &[(&str, &str)]) -> (Kubernetes, Vec<EvidenceError>) {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (path, text) in files {
        let src = Source::new(*path, *text);
        let docs = yaml::load_all(&src).unwrap();
        parsed.extend(parse(&src, docs, &mut errors));
    }
    (assemble(parsed), errors)
}

fn load_ok(text: &str) -> Kubernetes {
    let (k, errors) = load(&[("deploy/app.yaml", text)]);
    assert!(errors.is_empty(), "unexpected errors: {errors:?}");
    k
}

fn at(loc: &Loc) -> (u32, u32) {
    (loc.line, loc.column)
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn shop_fixture_objects_and_workload() {
    let k = load_ok(SHOP);
    let kinds: Vec<&str> = k.objects.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "ServiceMonitor",
            "Ingress",
            "ServiceAccount",
            "Role",
            "RoleBinding"
        ]
    );
    let o = &k.objects[0];
    assert_eq!(o.api_version.as_deref(), Some("apps/v1"));
    assert_eq!(o.group(), Some("apps"));
    assert_eq!(o.name(), "checkout");
    assert_eq!(o.namespace.as_deref(), Some("shop"));
    assert_eq!(o.labels, labels(&[("app", "checkout")]));
    assert_eq!(at(&o.loc), (2, 1));
    assert_eq!(at(&o.kind_loc), (3, 7));
    assert_eq!(at(&o.name.as_ref().unwrap().loc), (5, 9));
    assert_eq!(
        o.doc.at(&["spec", "replicas"]).and_then(yaml::Node::as_i64),
        Some(3)
    );
    assert_eq!(o.resource(), "Deployment/checkout");
    assert_eq!(k.objects[1].group(), Some(""));

    assert_eq!(k.workloads.len(), 1);
    let w = &k.workloads[0];
    assert_eq!(w.kind, WorkloadKind::Deployment);
    assert_eq!(w.resource(), "Deployment/checkout");
    assert_eq!(w.object, 0);
    assert_eq!(at(&w.loc), (2, 1));
    assert_eq!(at(&w.spec_loc), (9, 1));
    let replicas = w.replicas.as_ref().unwrap();
    assert_eq!((replicas.value, at(&replicas.loc)), (3, (10, 13)));
    assert_eq!(at(w.replicas_loc()), (10, 13));
    let sel = w.selector.as_ref().unwrap();
    assert_eq!(sel.match_labels, labels(&[("app", "checkout")]));
    assert_eq!(at(&sel.loc), (11, 3));
    let st = w.strategy.as_ref().unwrap();
    assert_eq!(at(&st.loc), (14, 3));
    assert_eq!(st.strategy_type.as_ref().unwrap().value, "RollingUpdate");
    let mu = st.max_unavailable.as_ref().unwrap();
    assert_eq!((mu.value, at(&mu.loc)), (IntOrPercent::Int(0), (17, 23)));
    assert_eq!(
        st.max_surge.as_ref().unwrap().value,
        IntOrPercent::Percent(25)
    );
    assert_eq!(w.strategy_type_or_default(), Some("RollingUpdate"));
    assert!(w.rollout.is_none());

    let pod = &w.pod;
    assert_eq!(at(&pod.loc), (26, 5));
    assert_eq!(
        pod.labels,
        labels(&[("app", "checkout"), ("tier", "backend")])
    );
    let scrape = pod.annotation("prometheus.io/scrape").unwrap();
    assert_eq!((scrape.value.as_str(), at(&scrape.loc)), ("true", (25, 31)));
    assert_eq!(pod.service_account(), "checkout");
    assert_eq!(
        pod.automount_service_account_token
            .as_ref()
            .map(|b| (b.value, b.loc.line)),
        Some((false, 28))
    );
    assert_eq!(
        pod.termination_grace_period_seconds.as_ref().unwrap().value,
        45
    );
    assert_eq!(at(pod.security_context.loc.as_ref().unwrap()), (30, 7));
    assert_eq!(
        pod.security_context.run_as_user.as_ref().unwrap().value,
        10001
    );
    assert_eq!(
        pod.security_context.seccomp_profile.as_ref().unwrap().value,
        "RuntimeDefault"
    );
    assert_eq!(pod.topology_spread_constraints.len(), 1);
    let tsc = &pod.topology_spread_constraints[0];
    assert!(tsc.is_zone());
    assert_eq!(at(&tsc.loc), (36, 11));
    assert_eq!(
        tsc.when_unsatisfiable.as_ref().unwrap().value,
        "DoNotSchedule"
    );
    assert_eq!(pod.zone_spread().map(at), Some((36, 11)));
    assert!(pod.init_containers.is_empty());
}

#[test]
fn shop_fixture_container() {
    let k = load_ok(SHOP);
    let w = &k.workloads[0];
    let c = &w.pod.containers[0];
    assert_eq!(c.name, "server");
    assert!(!c.is_init);
    assert_eq!(at(&c.loc), (43, 11));
    assert_eq!(c.resource(w), "Deployment/checkout container server");
    let image = c.image.as_ref().unwrap();
    assert_eq!(
        (image.value.as_str(), at(&image.loc)),
        ("registry.example.com/shop/checkout:1.4.2", (44, 18))
    );
    assert_eq!(c.tag(), Some("1.4.2"));
    assert_eq!(c.digest(), None);
    assert!(c.is_pinned());
    assert_eq!(
        c.image_ref().unwrap().registry,
        Some("registry.example.com")
    );

    assert_eq!(c.ports.len(), 1);
    assert_eq!(c.ports[0].name.as_deref(), Some("http"));
    assert_eq!(c.ports[0].container_port.as_ref().unwrap().value, 8080);

    let names: Vec<&str> = c.env.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["DB_PASSWORD", "OTEL_EXPORTER_OTLP_ENDPOINT", "API_TOKEN"]
    );
    assert_eq!(at(&c.env[0].name_loc), (49, 21));
    assert!(c.env[0].is_secret_ref());
    match &c.env[0].value {
        EnvValue::SecretKeyRef { name, key, loc } => {
            assert_eq!(
                (name.as_deref(), key.as_deref()),
                (Some("checkout-db"), Some("password"))
            );
            assert_eq!(at(loc), (51, 17));
        }
        other => panic!("expected a secretKeyRef, got {other:?}"),
    }
    let token = c.env_var("API_TOKEN").unwrap().literal().unwrap();
    assert_eq!(
        (token.value.as_str(), at(&token.loc)),
        ("hunter2", (57, 22))
    );
    assert_eq!(
        c.env_var("OTEL_EXPORTER_OTLP_ENDPOINT")
            .unwrap()
            .literal()
            .unwrap()
            .value,
        "http://otel-collector:4317"
    );
    let otel: Vec<&str> = c
        .env_with_prefix("OTEL_")
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(otel, ["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    assert_eq!(c.env_from.len(), 1);
    assert_eq!(c.env_from[0].source, EnvFromSource::ConfigMap);
    assert_eq!(c.env_from[0].name.as_deref(), Some("checkout-config"));

    let res = &c.resources;
    assert_eq!(res.loc.as_ref().map(|l| l.line), Some(61));
    let cpu = res.requests.cpu.as_ref().unwrap();
    assert_eq!((cpu.value.as_str(), at(&cpu.loc)), ("250m", (63, 20)));
    assert_eq!(res.requests.memory.as_ref().unwrap().value, "256Mi");
    assert_eq!(res.limits.memory.as_ref().unwrap().loc.line, 66);
    assert!(res.limits.cpu.is_none());
    assert_eq!(res.limits.loc.as_ref().map(|l| l.line), Some(65));

    let ready = c.readiness_probe.as_ref().unwrap();
    let live = c.liveness_probe.as_ref().unwrap();
    assert_eq!(at(&ready.loc), (67, 11));
    assert_eq!(ready.description(), "http GET http://:http/ready");
    assert_eq!(ready.action.kind(), "http");
    assert_eq!(ready.period_seconds.as_ref().unwrap().value, 5);
    // A path without a leading slash is normalized.
    assert_eq!(live.description(), "http GET http://:http/healthz");
    assert_eq!(live.initial_delay_seconds.as_ref().unwrap().value, 10);
    assert!(!ready.same_action(live));
    assert!(c.startup_probe.is_none());
    let probes: Vec<&str> = c.probes().map(|(k, _)| k).collect();
    assert_eq!(probes, ["readiness", "liveness"]);

    let pre_stop = c.pre_stop.as_ref().unwrap();
    assert_eq!(at(&pre_stop.loc), (78, 13));
    assert_eq!(pre_stop.action.description(), "exec sh -c sleep 10");

    let sc = &c.security_context;
    assert_eq!(at(c.security_loc()), (81, 11));
    assert_eq!(
        sc.allow_privilege_escalation
            .as_ref()
            .map(|b| (b.value, b.loc.line)),
        Some((false, 82))
    );
    assert_eq!(
        sc.read_only_root_filesystem
            .as_ref()
            .map(|b| (b.value, b.loc.line)),
        Some((true, 83))
    );
    assert!(sc.privileged.is_none());
    assert!(c.drops_all_capabilities());
    assert_eq!(at(&sc.capabilities_drop[0].loc), (85, 22));
    // Pod-level settings apply where the container says nothing.
    assert_eq!(
        c.effective_run_as_non_root(&w.pod).map(|b| b.loc.line),
        Some(31)
    );
    assert_eq!(
        c.effective_run_as_user(&w.pod).map(|u| u.value),
        Some(10001)
    );
    assert_eq!(c.runs_as_non_root(&w.pod), Some(true));
    assert_eq!(
        c.effective_seccomp_profile(&w.pod)
            .map(|s| s.value.as_str()),
        Some("RuntimeDefault")
    );
}

#[test]
fn shop_fixture_other_kinds() {
    let k = load_ok(SHOP);
    let svc = &k.services[0];
    assert_eq!(svc.resource(), "Service/checkout");
    assert_eq!(at(&svc.loc), (87, 1));
    assert_eq!(svc.object, 1);
    assert_eq!(svc.type_or_default(), "ClusterIP");
    assert!(!svc.is_external());
    assert_eq!(
        svc.selector.as_ref().unwrap().match_labels,
        labels(&[("app", "checkout")])
    );
    assert_eq!(svc.ports[0].port, Some(80));
    assert_eq!(svc.ports[0].target_port.as_deref(), Some("http"));

    let hpa = &k.hpas[0];
    assert_eq!(hpa.resource(), "HorizontalPodAutoscaler/checkout");
    let t = hpa.target.as_ref().unwrap();
    assert_eq!(
        (t.kind.as_str(), t.name.as_str()),
        ("Deployment", "checkout")
    );
    assert!(hpa.min_replicas_set);
    assert_eq!(
        (hpa.min_replicas.value, at(&hpa.min_replicas.loc)),
        (3, (112, 16))
    );
    assert_eq!(
        hpa.max_replicas.as_ref().map(|m| (m.value, m.loc.line)),
        Some((12, 113))
    );
    assert_eq!(hpa.metrics.len(), 1);
    assert_eq!(hpa.metrics[0].metric_type, "Resource");
    assert_eq!(hpa.metrics[0].name.as_deref(), Some("cpu"));
    assert_eq!(hpa.metrics[0].target.as_deref(), Some("Utilization 70"));

    let pdb = &k.pdbs[0];
    let mu = pdb.max_unavailable.as_ref().unwrap();
    assert_eq!((mu.value, at(&mu.loc)), (IntOrPercent::Int(1), (128, 19)));
    assert!(pdb.min_available.is_none());
    assert_eq!(pdb.allows_eviction(3), Some(true));

    let np = &k.network_policies[0];
    assert_eq!(np.resource(), "NetworkPolicy/checkout-ingress");
    assert_eq!(np.policy_types.len(), 1);
    assert!(np.isolates_ingress());
    assert!(!np.isolates_egress());
    assert_eq!(np.ingress.len(), 1);
    assert_eq!((np.ingress[0].peers, np.ingress[0].ports), (1, 1));
    assert!(!np.ingress_allows_all());
    assert!(np.restricts_ingress());

    let m = &k.monitors[0];
    assert_eq!(m.kind, MonitorKind::ServiceMonitor);
    assert_eq!(m.resource(), "ServiceMonitor/checkout");
    assert_eq!(m.endpoints.len(), 1);
    assert_eq!(m.endpoints[0].port.as_deref(), Some("http"));
    assert_eq!(m.endpoints[0].path.as_deref(), Some("/metrics"));
    assert_eq!(m.endpoints[0].interval.as_deref(), Some("30s"));

    let ing = &k.ingresses[0];
    assert_eq!(ing.class.as_ref().unwrap().value, "nginx");
    assert!(ing.has_tls());
    assert_eq!(ing.tls[0].hosts, ["shop.example.com"]);
    assert_eq!(ing.tls[0].secret_name.as_deref(), Some("shop-tls"));
    assert_eq!(ing.hosts_without_tls().count(), 0);
    let rl: Vec<(&str, &str, u32)> = ing
        .rate_limits()
        .map(|(k, v)| (k, v.value.as_str(), v.loc.line))
        .collect();
    assert_eq!(rl, [("nginx.ingress.kubernetes.io/limit-rps", "20", 171)]);
    assert_eq!(ing.ssl_redirect().unwrap().value, "true");
    assert_eq!(ing.backends.len(), 1);
    let b = &ing.backends[0];
    assert_eq!(
        (
            b.service.as_str(),
            b.port.as_deref(),
            b.host.as_deref(),
            b.path.as_deref()
        ),
        (
            "checkout",
            Some("80"),
            Some("shop.example.com"),
            Some("/checkout")
        )
    );
    assert_eq!(at(&b.loc), (184, 13));

    let sa = &k.service_accounts[0];
    assert_eq!(
        sa.automount_service_account_token
            .as_ref()
            .map(|b| (b.value, b.loc.line)),
        Some((false, 195))
    );

    let role = &k.roles[0];
    assert_eq!(role.resource(), "Role/checkout");
    assert_eq!(role.rules.len(), 2);
    assert!(!role.rules[0].has_wildcard());
    let wild: Vec<(u32, u32)> = role.rules[1].wildcards().map(|w| at(&w.loc)).collect();
    assert_eq!(wild, [(206, 17), (207, 17), (208, 13)]);
    assert_eq!(
        role.rules[0]
            .verbs
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>(),
        ["get", "watch"]
    );

    let rb = &k.role_bindings[0];
    assert_eq!(rb.resource(), "RoleBinding/checkout");
    let rr = rb.role_ref.as_ref().unwrap();
    assert_eq!((rr.kind.as_str(), rr.name.as_str()), ("Role", "checkout"));
    assert_eq!(rb.subjects.len(), 1);
    assert!(rb.binds_service_account("checkout", Some("shop")));
    assert!(!rb.binds_service_account("checkout", Some("other")));
    assert!(!rb.binds_service_account("default", Some("shop")));
}

#[test]
fn shop_fixture_links() {
    let k = load_ok(SHOP);
    let w = &k.workloads[0];
    let l = &w.links;
    assert_eq!(l.services, [0]);
    assert_eq!(l.pdbs, [0]);
    assert_eq!(l.hpas, [0]);
    assert_eq!(l.network_policies, [0]);
    assert_eq!(l.monitors, [0]);
    assert_eq!(l.ingresses, [0]);
    assert_eq!(l.service_account, Some(0));
    assert_eq!(l.role_bindings, [0]);
    assert_eq!(l.roles, [0]);
    assert!(l.scaled_objects.is_empty() && l.canaries.is_empty() && l.workload_ref.is_none());
    assert_eq!(
        k.services_for(w).map(Service::resource).collect::<Vec<_>>(),
        ["Service/checkout"]
    );
    assert_eq!(k.pdbs_for(w).count(), 1);
    assert_eq!(
        k.hpas_for(w)
            .next()
            .unwrap()
            .max_replicas
            .as_ref()
            .unwrap()
            .value,
        12
    );
    assert_eq!(k.service_account_for(w).unwrap().name, "checkout");
    assert_eq!(k.roles_for(w).next().unwrap().rules.len(), 2);
    assert_eq!(k.ingresses_for(w).count(), 1);
    assert_eq!(k.monitors_for(w).count(), 1);
    assert_eq!(k.network_policies_for(w).count(), 1);
    assert_eq!(k.role_bindings_for(w).count(), 1);
    assert_eq!(k.object_of(&k.pdbs[0]).unwrap().kind, "PodDisruptionBudget");
    assert_eq!(k.workloads_linked(|l| l.pdbs.contains(&0)).count(), 1);
    assert_eq!(
        k.workload(WorkloadKind::Deployment, "checkout", Some("shop"))
            .map(|w| w.object),
        Some(0)
    );
    assert!(
        k.workload(WorkloadKind::Deployment, "checkout", Some("other"))
            .is_none()
    );
    assert_eq!(k.objects_of_kind("Role").count(), 1);
    assert!(!k.is_empty());
}

#[test]
fn lists_expand_into_objects() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: a
    spec:
      selector:
        app: a
  - not-an-object
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: a
    spec:
      template:
        metadata:
          labels:
            app: a
        spec:
          containers:
            - name: main
              image: a:1
---
apiVersion: apps/v1
kind: DeploymentList
items:
  - metadata:
      name: b
    spec:
      template:
        spec:
          containers: [{name: main, image: b}]
";
    let k = load_ok(text);
    let objs: Vec<(&str, &str, u32)> = k
        .objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name(), o.loc.line))
        .collect();
    assert_eq!(
        objs,
        [
            ("Service", "a", 4),
            ("Deployment", "a", 12),
            ("Deployment", "b", 29)
        ]
    );
    assert_eq!(k.objects[2].api_version.as_deref(), Some("apps/v1"));
    // The typed list's items inherit kind: located at the item.
    assert_eq!(at(&k.objects[2].kind_loc), (29, 5));
    assert_eq!(k.workloads.len(), 2);
    assert_eq!(k.workloads[0].object, 1);
    assert_eq!(k.workloads[0].links.services, [0]);
    assert_eq!(
        k.workloads[1].pod.containers[0]
            .image
            .as_ref()
            .unwrap()
            .value,
        "b"
    );

    let (_, errors) = load(&[("l.yaml", "apiVersion: v1\nkind: List\nitems: nope\n")]);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "expected a list for items, found a string"
    );
    assert_eq!(at(&errors[0].loc), (3, 8));

    let (_, errors) = load(&[(
        "l.yaml",
        "apiVersion: v1\nkind: List\nitems:\n  - kind: Service\n    metadata: [x]\n",
    )]);
    assert_eq!(
        errors[0].message,
        "expected a mapping for items[0].metadata, found a list"
    );
}

#[test]
fn cronjob_pod_template_and_schedule() {
    let text = "\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: db-backup
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            job: backup
        spec:
          restartPolicy: OnFailure
          containers:
            - name: dump
              image: postgres:16
              command: [pg_dump, \"--format=custom\"]
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    assert_eq!(w.kind, WorkloadKind::CronJob);
    assert!(w.kind.is_batch() && !w.kind.has_replicas() && !w.kind.is_long_running());
    assert_eq!(
        w.schedule.as_ref().map(|s| (s.value.as_str(), s.loc.line)),
        Some(("0 3 * * *", 6))
    );
    assert!(w.replicas.is_none());
    assert_eq!(at(w.replicas_loc()), (5, 1));
    assert_eq!(at(&w.pod.loc), (13, 9));
    assert_eq!(w.pod.labels, labels(&[("job", "backup")]));
    let c = &w.pod.containers[0];
    assert_eq!(c.resource(w), "CronJob/db-backup container dump");
    assert_eq!(c.command, ["pg_dump", "--format=custom"]);
    assert_eq!(w.strategy_type_or_default(), None);
}

#[test]
fn pods_jobs_and_partial_manifests() {
    let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels:
    app: debug
spec:
  hostNetwork: true
  initContainers:
    - name: init
      image: busybox
  containers:
    - name: shell
      image: busybox@sha256:abc
      securityContext:
        privileged: true
        capabilities:
          add: [NET_ADMIN]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: loadgenerator
$patch: delete
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: patch-only
spec:
  template:
    metadata:
      annotations:
        restarted: now
";
    let k = load_ok(text);
    // Kustomize patches without a pod spec stay plain objects.
    assert_eq!(k.objects.len(), 3);
    assert_eq!(k.workloads.len(), 1);
    let w = &k.workloads[0];
    assert_eq!(w.kind, WorkloadKind::Pod);
    assert_eq!(w.pod.labels, labels(&[("app", "debug")]));
    assert_eq!(
        w.pod.host_network.as_ref().map(|b| (b.value, b.loc.line)),
        Some((true, 8))
    );
    let all: Vec<(&str, bool)> = w
        .containers()
        .map(|c| (c.name.as_str(), c.is_init))
        .collect();
    assert_eq!(all, [("init", true), ("shell", false)]);
    assert_eq!(
        w.pod.init_containers[0].resource(w),
        "Pod/debug init container init"
    );
    assert!(!w.pod.init_containers[0].is_pinned());
    let shell = &w.pod.containers[0];
    assert_eq!(shell.digest(), Some("sha256:abc"));
    assert!(shell.is_pinned());
    assert_eq!(
        shell
            .security_context
            .privileged
            .as_ref()
            .map(|b| (b.value, b.loc.line)),
        Some((true, 16))
    );
    assert_eq!(
        shell.security_context.capabilities_add[0].value,
        "NET_ADMIN"
    );
    assert!(!shell.drops_all_capabilities());
    assert_eq!(shell.runs_as_non_root(&w.pod), None);
}

#[test]
fn argo_rollouts_with_template_and_workload_ref() {
    let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 4
  strategy:
    canary:
      maxUnavailable: 0
      steps:
        - setWeight: 20
        - pause: {duration: 10m}
        - analysis:
            templates: [{templateName: success-rate}]
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: web:2
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: api
spec:
  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  strategy:
    blueGreen:
      activeService: api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 0
  template:
    metadata:
      labels:
        app: api
    spec:
      serviceAccountName: api-sa
      containers:
        - name: api
          image: api:1
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: not-a-workload
spec:
  strategy:
    canary: {}
";
    let k = load_ok(text);
    assert_eq!(k.workloads.len(), 3);
    let web = &k.workloads[0];
    assert_eq!(web.kind, WorkloadKind::Rollout);
    assert_eq!(web.replicas.as_ref().unwrap().value, 4);
    let ro = web.rollout.as_ref().unwrap();
    assert_eq!(
        (ro.kind, ro.steps, ro.analysis, at(&ro.loc)),
        (RolloutKind::Canary, 3, true, (8, 5))
    );
    let st = web.strategy.as_ref().unwrap();
    assert_eq!(st.strategy_type.as_ref().unwrap().value, "Canary");
    assert!(st.max_unavailable.as_ref().unwrap().value.is_zero());
    assert_eq!(web.pod.containers[0].name, "web");

    let api_rollout = &k.workloads[1];
    let wr = api_rollout.workload_ref.as_ref().unwrap();
    assert_eq!(
        (wr.kind.as_str(), wr.name.as_str(), wr.loc.line),
        ("Deployment", "api", 29)
    );
    assert_eq!(
        api_rollout.rollout.as_ref().unwrap().kind,
        RolloutKind::BlueGreen
    );
    assert!(api_rollout.pod.containers.is_empty());
    assert_eq!(api_rollout.links.workload_ref, Some(2));
    assert_eq!(
        k.referenced_workload(api_rollout).unwrap().resource(),
        "Deployment/api"
    );
    assert_eq!(k.effective_pod(api_rollout).containers[0].name, "api");
    // Links use the referenced template's labels and service account.
    assert_eq!(api_rollout.links.services, [0]);
    assert_eq!(k.workloads[2].links.services, [0]);
}

#[test]
fn selectors_have_api_semantics() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    metadata:
      labels: {app: web, tier: front, track: stable}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: in-expr, namespace: prod}
spec:
  podSelector:
    matchExpressions:
      - {key: tier, operator: In, values: [front, edge]}
      - {key: track, operator: NotIn, values: [canary]}
      - {key: app, operator: Exists}
      - {key: legacy, operator: DoesNotExist}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: not-matching, namespace: prod}
spec:
  podSelector:
    matchExpressions:
      - {key: track, operator: NotIn, values: [stable]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
# No namespace: not known to be `prod`, so it does not select the workload.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: unplaced}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other-ns, namespace: dev}
spec:
  podSelector: {}
---
apiVersion: v1
kind: Service
metadata: {name: external-db, namespace: prod}
spec:
  type: ExternalName
---
apiVersion: v1
kind: Service
metadata: {name: empty-selector, namespace: prod}
spec:
  selector: {}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: old-empty, namespace: prod}
spec:
  minAvailable: 1
  selector: {}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: new-empty, namespace: prod}
spec:
  minAvailable: 100%
  selector: {}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: no-selector, namespace: prod}
spec:
  minAvailable: 1
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    let nps: Vec<&str> = k.network_policies_for(w).map(|n| n.name.as_str()).collect();
    assert_eq!(nps, ["in-expr", "deny-all"]);
    let deny = &k.network_policies[2];
    assert!(deny.isolates_egress() && deny.restricts_ingress());
    assert!(k.services_for(w).next().is_none());
    let pdbs: Vec<&str> = k.pdbs_for(w).map(|p| p.name.as_str()).collect();
    assert_eq!(pdbs, ["new-empty"]);
    assert_eq!(k.pdbs[1].allows_eviction(3), Some(false));
    assert_eq!(k.pdbs[0].allows_eviction(3), Some(true));

    let expr = &k.network_policies[0]
        .pod_selector
        .as_ref()
        .unwrap()
        .match_expressions;
    assert_eq!(expr.len(), 4);
    assert_eq!(expr[0].operator, SelectorOp::In);
    assert_eq!(expr[0].values, ["front", "edge"]);
    assert_eq!(at(&expr[0].loc), (19, 9));

    let (_, errors) = load(&[(
        "np.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x}\nspec:\n  podSelector:\n    matchExpressions:\n      - {key: a, operator: Matches}\n",
    )]);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "unknown selector operator `Matches` at spec.podSelector.matchExpressions[0] (expected In, NotIn, Exists or DoesNotExist)"
    );
    assert_eq!(at(&errors[0].loc), (7, 28));
}

#[test]
fn namespaces_match_when_equal_or_unset() {
    assert!(same_namespace(Some("a"), Some("a")));
    assert!(!same_namespace(Some("a"), Some("b")));
    assert!(same_namespace(None, Some("b")));
    assert!(same_namespace(Some("a"), None));
    assert!(same_namespace(None, None));
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dev}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web-any}
spec: {selector: {app: web}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: dev}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 3
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web-v1}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 3
  targetCPUUtilizationPercentage: 80
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    assert_eq!(
        k.services_for(w)
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["web-any"]
    );
    let hpas: Vec<&Hpa> = k.hpas_for(w).collect();
    assert_eq!(hpas.len(), 1);
    assert_eq!(hpas[0].name, "web-v1");
    // minReplicas defaults to 1, located at `spec:`.
    assert!(!hpas[0].min_replicas_set);
    assert_eq!(
        (hpas[0].min_replicas.value, hpas[0].min_replicas.loc.line),
        (1, 29)
    );
    assert_eq!(hpas[0].metrics[0].target.as_deref(), Some("Utilization 80"));
}

#[test]
fn container_settings_override_pod_settings() {
    let text = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 1}
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 3000
      containers:
        - name: root-override
          image: db:1
          securityContext:
            runAsUser: 0
        - name: inherits
          image: db:1
        - name: explicit
          image: db:1
          securityContext:
            runAsNonRoot: false
            runAsGroup: 4000
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    assert_eq!(
        w.strategy
            .as_ref()
            .unwrap()
            .partition
            .as_ref()
            .unwrap()
            .value,
        1
    );
    let pod = &w.pod;
    let [root, inherits, explicit] = &pod.containers[..] else {
        panic!("three containers")
    };
    assert_eq!(
        root.effective_run_as_user(pod)
            .map(|u| (u.value, u.loc.line)),
        Some((0, 19))
    );
    assert_eq!(root.runs_as_non_root(pod), Some(false));
    assert_eq!(
        inherits
            .effective_run_as_user(pod)
            .map(|u| (u.value, u.loc.line)),
        Some((1000, 13))
    );
    assert_eq!(
        inherits.effective_run_as_non_root(pod).map(|b| b.value),
        Some(true)
    );
    assert_eq!(inherits.runs_as_non_root(pod), Some(true));
    assert_eq!(inherits.security_loc().line, 20);
    assert_eq!(
        explicit
            .effective_run_as_non_root(pod)
            .map(|b| (b.value, b.loc.line)),
        Some((false, 25))
    );
    assert_eq!(
        explicit.effective_run_as_group(pod).map(|g| g.value),
        Some(4000)
    );
    assert_eq!(
        inherits.effective_run_as_group(pod).map(|g| g.value),
        Some(3000)
    );
    // runAsUser from the pod still decides.
    assert_eq!(explicit.runs_as_non_root(pod), Some(true));
}

#[test]
fn istio_keda_flagger_and_velero() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: bookinfo}
spec:
  template:
    metadata: {labels: {app: reviews}}
    spec: {containers: [{name: reviews, image: reviews:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec: {selector: {app: reviews}}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews.bookinfo.svc.cluster.local
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    connectionPool:
      http: {http1MaxPendingRequests: 10}
    outlierDetection:
      consecutive5xxErrors: 5
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: ratings, namespace: bookinfo}
spec:
  host: ratings
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
      timeout: 2s
      retries:
        attempts: 3
        perTryTimeout: 500ms
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: other, namespace: elsewhere}
spec:
  mtls: {mode: PERMISSIVE}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: reviews, namespace: bookinfo}
spec:
  scaleTargetRef: {name: reviews}
  maxReplicaCount: 10
  triggers:
    - type: prometheus
      metadata: {query: x}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: reviews, namespace: bookinfo}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: reviews}
  analysis: {interval: 1m}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: nightly, namespace: velero}
spec:
  schedule: 0 2 * * *
  template:
    ttl: 720h0m0s
    includedNamespaces: [bookinfo]
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: all-pods, namespace: monitoring}
spec:
  namespaceSelector: {any: true}
  selector: {}
  podMetricsEndpoints: [{port: metrics}]
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    let dr = &k.destination_rules[0];
    assert_eq!(dr.outlier_detection.as_ref().map(at), Some((23, 5)));
    assert_eq!(dr.connection_pool.as_ref().map(|l| l.line), Some(21));
    assert_eq!(dr.tls_mode.as_ref().unwrap().value, "ISTIO_MUTUAL");
    assert_eq!(w.links.destination_rules, [0]);
    assert!(k.destination_rules[1].outlier_detection.is_none());

    let vs: Vec<&VirtualService> = k.virtual_services_for(w).collect();
    assert_eq!(vs.len(), 1);
    let route = &vs[0].http[0];
    assert_eq!(
        route
            .timeout
            .as_ref()
            .map(|t| (t.value.as_str(), t.loc.line)),
        Some(("2s", 40))
    );
    let retries = route.retries.as_ref().unwrap();
    assert_eq!(retries.attempts.as_ref().unwrap().value, 3);
    assert_eq!(retries.per_try_timeout.as_ref().unwrap().value, "500ms");
    assert_eq!(route.destinations[0].value, "reviews");

    let pas: Vec<&str> = k
        .peer_authentications_for(w)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(pas, ["default"]);
    assert!(k.peer_authentications[0].is_strict() && k.peer_authentications[0].is_mesh_wide());

    let so = k.scaled_objects_for(w).next().unwrap();
    assert_eq!(so.target.as_ref().unwrap().kind, "Deployment");
    assert_eq!((so.min(), so.max()), (0, 10));
    assert_eq!(so.triggers[0].value, "prometheus");

    let canary = k.canaries_for(w).next().unwrap();
    assert_eq!(canary.analysis.as_ref().map(|l| l.line), Some(72));

    let v = &k.velero_schedules[0];
    assert_eq!(v.resource(), "Schedule/nightly");
    assert_eq!(v.schedule.as_ref().unwrap().value, "0 2 * * *");
    assert_eq!(v.ttl.as_ref().unwrap().value, "720h0m0s");
    assert_eq!(v.included_namespaces, ["bookinfo"]);

    assert_eq!(
        k.monitors_for(w).map(Monitor::resource).collect::<Vec<_>>(),
        ["PodMonitor/all-pods"]
    );
}

#[test]
fn malformed_documents_are_located_errors_and_odd_ones_are_ignored() {
    let text = "\
just a string
---
- a
- list
---
apiVersion: v1
metadata: {name: no-kind}
---
apiVersion: v1
kind: [Service]
---
apiVersion: 1
kind: Service
metadata: {name: numeric-version}
---
apiVersion: v1
kind: Service
metadata: web
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  replicas: many
  template:
    spec:
      containers: server
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad-template}
spec:
  template: oops
";
    let (k, errors) = load(&[("bad.yaml", text)]);
    let mut got: Vec<(u32, u32, &str)> = errors
        .iter()
        .map(|e| (e.loc.line, e.loc.column, e.message.as_str()))
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            (10, 7, "expected a string for kind, found a list"),
            (12, 13, "expected a string for apiVersion, found a number"),
            (18, 11, "expected a mapping for metadata, found a string"),
            (
                24,
                13,
                "expected an integer for spec.replicas, found a string"
            ),
            (
                27,
                19,
                "expected a list for spec.template.spec.containers, found a string"
            ),
            (
                33,
                13,
                "expected a mapping for spec.template, found a string"
            ),
        ]
    );
    assert!(errors.iter().all(|e| e.kind == crate::FileKind::Kubernetes));
    let names: Vec<&str> = k.objects.iter().map(Object::name).collect();
    assert_eq!(names, ["numeric-version", "", "bad", "bad-template"]);
    assert_eq!(k.objects[1].resource(), "Service/<unnamed>");
    // The malformed Deployment is kept with what could be read.
    assert_eq!(k.workloads.len(), 1);
    assert_eq!(k.workloads[0].name, "bad");
    assert!(k.workloads[0].replicas.is_none());
    assert!(k.workloads[0].pod.containers.is_empty());
}

#[test]
fn probes_and_actions_normalize() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a:1
      readinessProbe:
        tcpSocket: {port: 5432}
      livenessProbe:
        tcpSocket: {port: 5432}
      startupProbe:
        grpc: {port: 9000, service: health}
        failureThreshold: 30
    - name: b
      image: b:1
      readinessProbe:
        httpGet: {port: 8080, scheme: https}
      livenessProbe:
        exec: {command: [cat, /tmp/ok]}
      lifecycle:
        preStop:
          sleep: {seconds: 5}
";
    let k = load_ok(text);
    let [a, b] = &k.workloads[0].pod.containers[..] else {
        panic!("two containers")
    };
    let (ra, la) = (
        a.readiness_probe.as_ref().unwrap(),
        a.liveness_probe.as_ref().unwrap(),
    );
    assert_eq!(ra.description(), "tcp :5432");
    assert!(ra.same_action(la) && ra.same_settings(la));
    let sp = a.startup_probe.as_ref().unwrap();
    assert_eq!(sp.description(), "grpc :9000 service=health");
    assert_eq!(sp.failure_threshold.as_ref().unwrap().value, 30);
    assert_eq!(
        b.readiness_probe.as_ref().unwrap().description(),
        "http GET https://:8080/"
    );
    assert_eq!(
        b.liveness_probe.as_ref().unwrap().description(),
        "exec cat /tmp/ok"
    );
    assert_eq!(
        b.pre_stop.as_ref().unwrap().action,
        Action::Sleep { seconds: Some(5) }
    );
}

#[test]
fn int_or_percent_resolves_like_the_api() {
    assert_eq!(IntOrPercent::parse("25%"), Some(IntOrPercent::Percent(25)));
    assert_eq!(IntOrPercent::parse(" 3 "), Some(IntOrPercent::Int(3)));
    assert_eq!(IntOrPercent::parse("x%"), None);
    assert_eq!(IntOrPercent::Percent(25).resolve(3, true), 1);
    assert_eq!(IntOrPercent::Percent(25).resolve(3, false), 0);
    assert_eq!(IntOrPercent::Percent(50).resolve(4, true), 2);
    assert_eq!(IntOrPercent::Int(2).resolve(10, false), 2);
    assert_eq!(IntOrPercent::Percent(10).to_string(), "10%");
    assert!(IntOrPercent::Percent(0).is_zero());
}

#[test]
fn volumes_affinity_and_service_account_defaults() {
    let text = "\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostPID: true
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector: {matchLabels: {app: agent}}
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: topology.kubernetes.io/zone
      volumes:
        - name: root
          hostPath: {path: /}
        - name: creds
          secret: {secretName: agent-creds}
        - name: scratch
          emptyDir: {}
        - name: token
          projected:
            sources:
              - serviceAccountToken: {path: token}
              - secret: {name: extra}
      containers:
        - name: agent
          image: agent:3
          volumeMounts:
            - {name: root, mountPath: /host, readOnly: true}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agent}
roleRef: {kind: ClusterRole, name: view}
subjects:
  - {kind: Group, name: system:serviceaccounts:kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules:
  - {apiGroups: [''], resources: [pods], verbs: [list]}
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    let pod = &w.pod;
    assert_eq!(w.strategy_type_or_default(), Some("RollingUpdate"));
    assert_eq!(pod.host_pid.as_ref().map(|b| b.value), Some(true));
    assert_eq!(pod.service_account(), "default");
    assert_eq!(pod.pod_anti_affinity.len(), 2);
    assert!(pod.pod_anti_affinity[0].required);
    assert_eq!(pod.pod_anti_affinity[1].weight, Some(100));
    assert_eq!(pod.zone_spread().map(|l| l.line), Some(15));
    let sources: Vec<&VolumeSource> = pod.volumes.iter().map(|v| &v.source).collect();
    assert!(
        matches!(sources[0], VolumeSource::HostPath { path: Some(p) } if p.value == "/" && p.loc.line == 20)
    );
    assert_eq!(
        sources[1],
        &VolumeSource::Secret {
            secret_name: Some("agent-creds".into())
        }
    );
    assert_eq!(sources[2], &VolumeSource::EmptyDir { medium: None });
    assert_eq!(
        sources[3],
        &VolumeSource::Projected {
            secrets: vec!["extra".into()],
            service_account_token: true
        }
    );
    assert_eq!(pod.volume("creds").map(|v| v.loc.line), Some(21));
    let mount = &pod.containers[0].volume_mounts[0];
    assert_eq!(
        (mount.name.as_str(), mount.mount_path.as_deref()),
        ("root", Some("/host"))
    );
    assert!(k.service_account_for(w).is_none());
    assert_eq!(
        k.role_bindings_for(w)
            .map(RoleBinding::resource)
            .collect::<Vec<_>>(),
        ["ClusterRoleBinding/agent"]
    );
    assert_eq!(
        k.roles_for(w).map(Role::resource).collect::<Vec<_>>(),
        ["ClusterRole/view"]
    );
}

#[test]
fn assemble_sorts_by_path_and_shifts_object_indices() {
    let svc =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n";
    let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web:1}]}\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n";
    let (k, errors) = load(&[("z/svc.yaml", svc), ("a/dep.yaml", dep), ("m/cm.yaml", cm)]);
    assert!(errors.is_empty());
    let paths: Vec<&str> = k.objects.iter().map(|o| o.loc.path.as_ref()).collect();
    assert_eq!(paths, ["a/dep.yaml", "m/cm.yaml", "z/svc.yaml"]);
    assert_eq!(k.workloads[0].object, 0);
    assert_eq!(k.services[0].object, 2);
    assert_eq!(k.object_of(&k.services[0]).unwrap().kind, "Service");
    assert_eq!(k.workloads[0].links.services, [0]);
    let cm = k.objects_of_kind("ConfigMap").next().unwrap();
    assert_eq!(
        cm.doc.at(&["data", "a"]).and_then(yaml::Node::as_str),
        Some("b")
    );
    assert!(Kubernetes::default().is_empty());
}

#[test]
fn other_groups_with_the_same_kind_stay_plain_objects() {
    let text = "\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
spec:
  template:
    spec: {containers: [{image: hello}]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico}
spec: {selector: all()}
";
    let k = load_ok(text);
    assert_eq!(k.objects.len(), 2);
    assert!(k.services.is_empty() && k.network_policies.is_empty() && k.workloads.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Robustness

fn parse_text(text: &str) -> Vec<EvidenceError> {
    let src = Source::new("fuzz.yaml", text);
    let mut errors = Vec::new();
    if let Ok(docs) = yaml::load_all(&src) {
        let files: Vec<KubeFile> = parse(&src, docs, &mut errors).into_iter().collect();
        let k = assemble(files);
        // Touch the helpers that compute.
        for w in &k.workloads {
            for c in w.containers() {
                let _ = (c.is_pinned(), c.runs_as_non_root(&w.pod), c.resource(w));
            }
            let _ = k.effective_pod(w);
        }
    }
    errors
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        for e in parse_text(&text) {
            prop_assert!(e.loc.line >= 1);
        }
    }

    #[test]
    fn mutated_manifests_never_panic(
        edits in proptest::collection::vec((0usize..SHOP.len(), 0usize..8, "[ :\\-\\[\\]{}a-z0-9\n%\"]{0,3}"), 1..6)
    ) {
        let mut text = SHOP.to_string();
        for (pos, del, ins) in edits {
            let mut start = pos.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + del).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(start..end, &ins);
        }
        let lines = u32::try_from(text.lines().count() + 1).unwrap();
        for e in parse_text(&text) {
            prop_assert!(e.loc.line >= 1 && e.loc.line <= lines, "{e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Real manifests

const CORPUS: &str = "/work/shared/corpora/microservices-demo";

fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != ".git") {
                yaml_files(&path, out);
            }
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(path);
        }
    }
}

#[test]
#[allow(clippy::print_stderr)]
fn microservices_demo_corpus_parses_cleanly() {
    let root = std::path::Path::new(CORPUS);
    if !root.is_dir() {
        eprintln!("skipping: {CORPUS} is not present");
        return;
    }
    let mut paths = Vec::new();
    yaml_files(root, &mut paths);
    paths.sort();
    let mut errors = Vec::new();
    let mut all = Vec::new();
    let mut manifests = Vec::new();
    for path in &paths {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // Every manifest, whatever the classifier thinks (kustomizations are never sent here).
        if rel.ends_with("kustomization.yaml") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let src = Source::new(rel.as_str(), text);
        let docs = yaml::load_all(&src).unwrap();
        if let Some(f) = parse(&src, docs, &mut errors) {
            if rel.starts_with("kubernetes-manifests/") {
                manifests.push(f.clone());
            }
            all.push(f);
        }
    }
    assert!(errors.is_empty(), "{errors:?}");

    let k = assemble(manifests);
    let deployments: Vec<&Workload> = k
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Deployment)
        .collect();
    assert_eq!(deployments.len(), 12);
    // Every service but the load generator is reachable through a Service.
    let unserved: Vec<&str> = deployments
        .iter()
        .filter(|w| w.links.services.is_empty())
        .map(|w| w.name.as_str())
        .collect();
    assert_eq!(unserved, ["loadgenerator"]);
    let frontend = k
        .workload(WorkloadKind::Deployment, "frontend", None)
        .unwrap();
    let svcs: Vec<&str> = k.services_for(frontend).map(|s| s.name.as_str()).collect();
    assert_eq!(svcs, ["frontend", "frontend-external"]);
    assert!(k.services_for(frontend).any(Service::is_external));
    // Every main container sets requests and limits, and runs as non-root.
    for w in &deployments {
        assert_eq!(
            k.service_account_for(w).is_some(),
            w.pod.service_account_name.is_some(),
            "{}",
            w.name
        );
        for c in &w.pod.containers {
            assert!(c.resources.requests.cpu.is_some(), "{}", c.resource(w));
            assert!(c.resources.limits.memory.is_some(), "{}", c.resource(w));
            assert_eq!(c.runs_as_non_root(&w.pod), Some(true), "{}", c.resource(w));
        }
    }

    // Every file: the copies in kustomize/base/, release/ and the components are the same
    // resources (kind, namespace, name), judged once: 26 Deployment documents are 14
    // Deployments, 3 VirtualService documents 2.
    let everything = assemble(all);
    assert_eq!(
        everything
            .workloads
            .iter()
            .filter(|w| w.kind == WorkloadKind::Deployment)
            .count(),
        14
    );
    assert_eq!(everything.network_policies.len(), 13);
    let deny_all = everything
        .network_policies
        .iter()
        .find(|n| n.name == "deny-all")
        .unwrap();
    assert!(deny_all.pod_selector.as_ref().unwrap().is_empty());
    assert_eq!(everything.virtual_services.len(), 2);
}

#[test]
fn ingress_tls_coverage_with_wildcards_and_legacy_backends() {
    let text = "\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: legacy
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  tls:
    - hosts: ['*.example.com']
  backend:
    serviceName: fallback
    servicePort: 8080
  rules:
    - host: api.example.com
      http:
        paths:
          - backend: {serviceName: api, servicePort: http}
    - host: a.b.example.com
    - host: example.org
";
    let k = load_ok(text);
    let ing = &k.ingresses[0];
    assert_eq!(
        ing.class.as_ref().map(|c| (c.value.as_str(), c.loc.line)),
        Some(("nginx", 6))
    );
    let uncovered: Vec<&str> = ing.hosts_without_tls().map(|h| h.value.as_str()).collect();
    assert_eq!(uncovered, ["a.b.example.com", "example.org"]);
    let backends: Vec<(&str, Option<&str>)> = ing
        .backends
        .iter()
        .map(|b| (b.service.as_str(), b.port.as_deref()))
        .collect();
    assert_eq!(
        backends,
        [("fallback", Some("8080")), ("api", Some("http"))]
    );
    assert_eq!(at(&ing.spec_loc), (7, 1));
    assert!(ing.rate_limits().next().is_none());
}

#[test]
fn an_init_container_with_restart_policy_always_is_a_native_sidecar() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - name: proxy
          image: envoy:1.30
          restartPolicy: Always
        - name: migrate
          image: migrate:2
      containers:
        - name: api
          image: api:1
";
    let k = load_ok(text);
    let w = &k.workloads[0];
    let sidecar = &w.pod.init_containers[0];
    assert_eq!(
        sidecar
            .restart_policy
            .as_ref()
            .map(|p| (p.value.as_str(), p.loc.line)),
        Some(("Always", 10))
    );
    assert!(sidecar.is_native_sidecar() && sidecar.is_long_running());
    let migrate = &w.pod.init_containers[1];
    assert!(!migrate.is_native_sidecar() && !migrate.is_long_running());
    let api = &w.pod.containers[0];
    assert!(!api.is_native_sidecar() && api.is_long_running());
}

#[test]
fn config_maps_and_limit_ranges_are_typed() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data:
  LOG_LEVEL: info
  nested: {a: b}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      default: {memory: 512Mi}
      defaultRequest: {cpu: 100m, memory: 256Mi}
    - type: Pod
      max: {cpu: '2'}
";
    let k = load_ok(text);
    let cm = &k.config_maps[0];
    assert_eq!(cm.resource(), "ConfigMap/cfg");
    let data = cm.data.as_deref().unwrap_or_default();
    let read: Vec<(&str, u32, Option<&str>)> = data
        .iter()
        .map(|e| (e.key.as_str(), e.key_loc.line, e.text.as_deref()))
        .collect();
    assert_eq!(read, [("LOG_LEVEL", 5, Some("info")), ("nested", 6, None)]);
    let lr = &k.limit_ranges[0];
    assert_eq!(lr.namespace.as_deref(), Some("shop"));
    assert_eq!(lr.limits.len(), 2);
    assert_eq!(lr.limits[0].limit_type.as_deref(), Some("Container"));
    assert_eq!(
        lr.limits[0].default.get("memory").map(String::as_str),
        Some("512Mi")
    );
    assert_eq!(lr.limits[0].default_request.len(), 2);
    assert_eq!(lr.limits[1].max.get("cpu").map(String::as_str), Some("2"));
}

#[test]
fn prometheus_operator_resources_are_replicated_workloads_with_the_operators_pod_labels() {
    let k = load_ok(
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: k8s\n  namespace: monitoring\nspec:\n  image: quay.io/prometheus/prometheus:v3.1.0\n  replicas: 2\n  podMetadata:\n    labels:\n      app.kubernetes.io/component: prometheus\n  resources:\n    requests: {memory: 400Mi}\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 1000\n  affinity:\n    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n        - weight: 100\n          podAffinityTerm:\n            topologyKey: kubernetes.io/hostname\n            labelSelector:\n              matchLabels: {app.kubernetes.io/name: prometheus}\n---\napiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata:\n  name: main\nspec:\n  version: 0.28.0\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: prometheus-k8s\n  namespace: monitoring\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      prometheus: k8s\n      app.kubernetes.io/component: prometheus\n",
    );
    let kinds: Vec<WorkloadKind> = k.workloads.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [WorkloadKind::Prometheus, WorkloadKind::Alertmanager]
    );
    let p = &k.workloads[0];
    assert!(p.kind.has_replicas() && p.kind.is_operator_managed());
    assert_eq!(p.replicas.as_ref().map(|r| r.value), Some(2));
    assert_eq!(
        p.pod.labels,
        labels(&[
            ("app.kubernetes.io/component", "prometheus"),
            ("app.kubernetes.io/instance", "k8s"),
            ("app.kubernetes.io/managed-by", "prometheus-operator"),
            ("app.kubernetes.io/name", "prometheus"),
            ("prometheus", "k8s"),
        ])
    );
    let c = &p.pod.containers[0];
    assert_eq!(c.name, "prometheus");
    assert_eq!(
        c.image.as_ref().map(|i| i.value.as_str()),
        Some("quay.io/prometheus/prometheus:v3.1.0")
    );
    assert_eq!(
        c.resources
            .requests
            .memory
            .as_ref()
            .map(|m| m.value.as_str()),
        Some("400Mi")
    );
    assert_eq!(c.runs_as_non_root(&p.pod), Some(true));
    assert_eq!(p.pod.pod_anti_affinity.len(), 1);
    assert_eq!(k.pdbs_for(p).count(), 1);
    let am = &k.workloads[1];
    assert_eq!(am.replicas, None);
    assert_eq!(
        am.pod.containers[0]
            .image
            .as_ref()
            .map(|i| i.value.as_str()),
        Some("quay.io/prometheus/alertmanager:v0.28.0")
    );
    assert_eq!(k.pdbs_for(am).count(), 0);
}

#[test]
fn json_manifests_and_lists_read_like_yaml() {
    let (k, errors) = load(&[(
        "k/app.json",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"a\"},\n     \"spec\": {\"replicas\": 2, \"template\": {\"spec\": {\"containers\": [{\"name\": \"s\", \"image\": \"x:1\"}]}}}}\n  ]\n}\n",
    )]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(k.workloads.len(), 1);
    assert_eq!(k.workloads[0].resource(), "Deployment/a");
    assert_eq!(at(&k.workloads[0].loc), (5, 5));
}
