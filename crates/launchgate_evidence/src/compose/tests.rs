// Test helpers may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::k8s::EnvValue;
use crate::yaml::load_all;

fn read(files: &[(&str, &str)]) -> (Compose, Vec<EvidenceError>) {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (path, text) in files {
        let src = Source::new(*path, *text);
        let docs = load_all(&src).unwrap();
        parsed.push(parse(&src, &docs, &mut errors));
    }
    (assemble(parsed), errors)
}

#[test]
fn services_are_workloads_with_one_container() {
    let (c, errors) = read(&[(
        "compose.yaml",
        "services:\n  ad:\n    image: ghcr.io/x/ad:2.0.1\n    user: \"1000:1000\"\n    read_only: true\n    restart: unless-stopped\n    deploy:\n      replicas: 2\n      resources:\n        limits: {memory: 300M, cpus: '0.5'}\n        reservations: {memory: 100M}\n    environment:\n      - OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318\n      - FLAGD_HOST\n    env_file: [.env, {path: ./override.env}]\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/health\"]\n      retries: 3\n    secrets: [db_password]\n    profiles: [full]\n    ports: [\"8080:80\", {target: 9464}]\n    cap_drop: [ALL]\n    security_opt: [\"no-new-privileges:true\"]\n",
    )]);
    assert!(errors.is_empty(), "{errors:?}");
    let s = &c.services[0];
    let w = &s.workload;
    assert_eq!(w.kind, WorkloadKind::ComposeService);
    assert_eq!(w.resource(), "ComposeService/ad");
    assert_eq!(w.replicas.as_ref().unwrap().value, 2);
    let ctr = &w.pod.containers[0];
    assert_eq!(ctr.name, "ad");
    assert_eq!(ctr.image.as_ref().unwrap().value, "ghcr.io/x/ad:2.0.1");
    assert_eq!(ctr.resources.limits.memory.as_ref().unwrap().value, "300M");
    assert_eq!(ctr.resources.limits.cpu.as_ref().unwrap().value, "0.5");
    assert_eq!(
        ctr.resources.requests.memory.as_ref().unwrap().value,
        "100M"
    );
    assert_eq!(ctr.restart_policy.as_ref().unwrap().value, "unless-stopped");
    assert_eq!(ctr.runs_as_non_root(&w.pod), Some(true));
    assert_eq!(
        ctr.security_context
            .read_only_root_filesystem
            .as_ref()
            .map(|b| b.value),
        Some(true)
    );
    assert!(ctr.drops_all_capabilities());
    assert_eq!(
        ctr.security_context
            .allow_privilege_escalation
            .as_ref()
            .map(|b| b.value),
        Some(false)
    );
    let endpoint = ctr.env_var("OTEL_EXPORTER_OTLP_ENDPOINT").unwrap();
    assert_eq!(endpoint.literal().unwrap().value, "http://collector:4318");
    assert!(matches!(
        &ctr.env_var("FLAGD_HOST").unwrap().value,
        EnvValue::Other { source, .. } if source == "host"
    ));
    let files: Vec<&str> = s.env_files.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(files, [".env", "./override.env"]);
    assert_eq!(
        ctr.liveness_probe.as_ref().unwrap().description(),
        "exec curl -f http://localhost/health"
    );
    assert_eq!(s.secrets[0].value, "db_password");
    assert_eq!(s.profiles, ["full"]);
    let ports: Vec<i64> = ctr
        .ports
        .iter()
        .map(|p| p.container_port.as_ref().unwrap().value)
        .collect();
    assert_eq!(ports, [80, 9464]);
    assert_eq!(w.loc.line, 2);
}

#[test]
fn root_and_named_users() {
    let (c, _) = read(&[(
        "docker-compose.yml",
        "services:\n  a: {image: x:1, user: root}\n  b: {image: x:1, user: nobody}\n  c: {image: x:1, user: \"${UID}\"}\n  d: {image: x:1}\n",
    )]);
    let verdicts: Vec<Option<bool>> = c
        .workloads()
        .map(|w| w.pod.containers[0].runs_as_non_root(&w.pod))
        .collect();
    assert_eq!(verdicts, [Some(false), Some(true), None, None]);
}

#[test]
fn overrides_merge_into_the_same_folder_service_and_are_not_services() {
    let (c, _) = read(&[
        (
            "compose.yaml",
            "services:\n  cart:\n    image: x/cart:1\n    environment: {A: \"1\"}\n",
        ),
        (
            "compose.full.yaml",
            "services:\n  cart:\n    environment:\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://c:4317\n    mem_limit: 64m\n  orphan:\n    environment: {B: \"2\"}\n",
        ),
        ("other/compose.yaml", "services:\n  cart:\n    build: .\n"),
    ]);
    let names: Vec<(&str, &str)> = c
        .services
        .iter()
        .map(|s| (&*s.workload.loc.path, s.workload.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [("compose.yaml", "cart"), ("other/compose.yaml", "cart")]
    );
    let base = &c.services[0];
    let ctr = &base.workload.pod.containers[0];
    assert!(ctr.env_var("OTEL_EXPORTER_OTLP_ENDPOINT").is_some());
    assert_eq!(ctr.resources.limits.memory.as_ref().unwrap().value, "64m");
    assert_eq!(&*base.overridden_by[0].path, "compose.full.yaml");
    assert_eq!(c.services[1].build_context.as_ref().unwrap().value, ".");
    assert!(c.services[1].workload.pod.containers[0].env.is_empty());
}

#[test]
fn a_services_key_of_the_wrong_shape_is_an_error() {
    let (c, errors) = read(&[("compose.yaml", "services:\n  - a\n")]);
    assert!(c.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "compose.yaml:1:1: `services` is not a mapping of service names to services"
    );
}

#[test]
fn interpolation_follows_compose() {
    let vars: BTreeMap<String, String> = [
        ("IMAGE_NAME".to_string(), "ghcr.io/x/demo".to_string()),
        ("V".to_string(), "2.0".to_string()),
        ("EMPTY".to_string(), String::new()),
    ]
    .into();
    assert_eq!(
        interpolate("${IMAGE_NAME}:${V}-ad", &vars),
        "ghcr.io/x/demo:2.0-ad"
    );
    assert_eq!(interpolate("$IMAGE_NAME:v$V", &vars), "ghcr.io/x/demo:v2.0");
    assert_eq!(interpolate("x:${MISSING:-1.2}", &vars), "x:1.2");
    assert_eq!(interpolate("x:${EMPTY:-dflt}", &vars), "x:dflt");
    assert_eq!(interpolate("x:${MISSING}", &vars), "x:${MISSING}");
    assert_eq!(interpolate("a$$b", &vars), "a$b");
}

#[test]
fn env_files_resolve_images_and_the_dockerfile_of_a_build() {
    let env = Source::new(
        "deploy/.env",
        "# comment\nexport REG=registry.example.com\nDF=\"./docker/api.Dockerfile\" # the file\nTAG='1.4.2'\n",
    );
    let compose = Source::new(
        "deploy/compose.yaml",
        "services:\n  api:\n    image: ${REG}/api:${TAG}\n    build: {context: .., dockerfile: $DF}\n  web:\n    build: ./web\n  escape:\n    build: ../../..\n",
    );
    let mut errors = Vec::new();
    let docs = load_all(&compose).unwrap();
    let c = assemble(vec![parse(&compose, &docs, &mut errors), parse_env(&env)]);
    let got: Vec<(Option<&str>, Option<&str>)> = c
        .services
        .iter()
        .map(|s| {
            (
                s.workload.pod.containers[0]
                    .image
                    .as_ref()
                    .map(|i| i.value.as_str()),
                s.dockerfile.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("registry.example.com/api:1.4.2"),
                Some("docker/api.Dockerfile")
            ),
            (None, Some("deploy/web/Dockerfile")),
            (None, None),
        ]
    );
}
