//! What deploys: deploy sources from the manifest, `skaffold.yaml` or nothing (every file,
//! each resource judged once), rendering with `kubectl kustomize`, remote bases refused, and
//! Helm templates that plain manifests cover. Fixture repositories under `tests/deploy/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use launchgate_evidence::deploy::{Render, Tools};
use launchgate_evidence::{Evidence, Excluded, ScanOptions, ScopeChoice, scan};
use launchgate_manifest::DeploySection;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/deploy")
        .join(name)
}

fn review(name: &str, deploy: Option<DeploySection>, render: Render) -> Evidence {
    let options = ScanOptions {
        deploy,
        render,
        ..ScanOptions::default()
    };
    scan(&fixture(name), &options).unwrap()
}

fn excluded(path: &str, rule: &str, files: usize) -> Excluded {
    Excluded {
        path: path.to_string(),
        rule: rule.to_string(),
        files,
    }
}

fn choice(subject: &str, chosen: &str, why: &str) -> ScopeChoice {
    ScopeChoice {
        subject: subject.to_string(),
        chosen: chosen.to_string(),
        why: why.to_string(),
    }
}

/// `Kind/name at path:line` of every object, in model order.
fn objects(ev: &Evidence) -> Vec<String> {
    ev.kubernetes
        .objects
        .iter()
        .map(|o| format!("{} at {}", o.resource(), o.loc))
        .collect()
}

#[test]
fn copies_in_a_base_an_overlay_and_a_release_folder_are_judged_once() {
    let ev = review("copies", None, Render::Off);
    assert_eq!(
        objects(&ev),
        [
            "Service/api at release/all.yaml:1:1",
            "Deployment/api at release/all.yaml:11:1",
        ]
    );
    let dep = &ev.kubernetes.objects[1];
    let copies: Vec<(String, bool)> = dep
        .copies
        .iter()
        .map(|c| (c.loc.to_string(), c.differs))
        .collect();
    // The base sets 2 replicas, the release 3: a copy that differs.
    assert_eq!(copies, [("deploy/base/api.yaml:1:1".to_string(), true)]);
    let svc = &ev.kubernetes.objects[0];
    assert_eq!(svc.copies.len(), 1);
    assert!(!svc.copies[0].differs);
    assert_eq!(ev.kubernetes.workloads.len(), 1);
    assert_eq!(
        ev.kubernetes.workloads[0]
            .replicas
            .as_ref()
            .map(|r| r.value),
        Some(3)
    );
    // The overlay's patch is a partial Deployment, never a resource of its own.
    assert_eq!(
        ev.scope.excluded,
        [excluded(
            "deploy/overlays/prod/replicas.yaml",
            "kustomize patch (applied by deploy/overlays/prod/kustomization.yaml)",
            1
        )]
    );
    assert_eq!(
        ev.scope.choices,
        [choice(
            "deploy",
            "every Kubernetes file",
            "no manifest `deploy` section, skaffold.yaml or Argo CD / Flux object names what deploys; copies of one resource are judged once"
        )]
    );
}

#[test]
fn findings_on_a_judged_copy_name_the_other_copies() {
    let ev = review("copies", None, Render::Off);
    let mut outcome = launchgate_core::Outcome::fail(vec![
        launchgate_core::Finding::new("x").at(Some(launchgate_core::Location::new(
            "release/all.yaml",
            16,
            3,
        ))),
        launchgate_core::Finding::new("y").at(Some(launchgate_core::Location::new(
            "release/all.yaml",
            2,
            1,
        ))),
    ]);
    ev.note_copies(&mut outcome);
    let launchgate_core::Outcome::Fail { findings, .. } = outcome else {
        panic!()
    };
    assert_eq!(
        findings[0].related,
        [launchgate_core::Location::new("deploy/base/api.yaml", 1, 1)]
    );
    assert_eq!(
        findings[1].related,
        [launchgate_core::Location::new(
            "deploy/base/api.yaml",
            19,
            1
        )]
    );
}

#[test]
fn skaffold_names_what_deploys_and_what_it_builds() {
    let ev = review("skaffold", None, Render::Off);
    assert_eq!(
        objects(&ev),
        [
            "Job/migrate at extra/job.yaml:1:1",
            "Deployment/api at k8s/api.yaml:1:1",
        ]
    );
    let rule =
        "deploy: not a deploy source (skaffold.yaml deploys files extra/job.yaml, kustomize k8s/)";
    // Profiles are not applied: other/ is left out.
    assert_eq!(ev.scope.excluded, [excluded("other/", rule, 2)]);
    assert_eq!(
        ev.scope.choices,
        [
            choice(
                "deploy",
                "files extra/job.yaml",
                "skaffold.yaml manifests.rawYaml"
            ),
            choice(
                "deploy",
                "kustomize k8s/",
                "skaffold.yaml manifests.kustomize.paths"
            ),
        ]
    );
    let built: Vec<String> = ev
        .kubernetes
        .built_images
        .iter()
        .map(|i| format!("{} at {}", i.value, i.loc))
        .collect();
    assert_eq!(built, ["api at skaffold.yaml:5:14"]);
}

#[test]
fn an_argo_cd_application_names_the_folder_that_deploys() {
    let ev = review("gitops", None, Render::Off);
    assert_eq!(
        objects(&ev),
        [
            "Application/shop at argocd/app.yaml:1:1",
            "Deployment/web at deploy/app.yaml:1:1",
        ]
    );
    assert_eq!(
        ev.scope.excluded,
        [excluded(
            "legacy/dev.yaml",
            "deploy: not a deploy source (Application shop (argocd/app.yaml) deploys files deploy/**)",
            1
        )]
    );
    assert_eq!(
        ev.scope.choices,
        [choice(
            "deploy",
            "files deploy/**",
            "Application shop (argocd/app.yaml)"
        )]
    );
}

#[test]
fn the_manifest_deploy_section_limits_the_kubernetes_evidence() {
    let deploy = DeploySection {
        files: vec!["release/*.yaml".to_string()],
        ..DeploySection::default()
    };
    let ev = review("manifest", Some(deploy), Render::Off);
    assert_eq!(objects(&ev), ["Deployment/web at release/app.yaml:1:1"]);
    // The unparseable file is not a deploy source: it is judged for nothing, so it makes no
    // check inconclusive.
    assert_eq!(ev.errors, []);
    assert_eq!(
        ev.scope.excluded,
        [excluded(
            "deploy/",
            "deploy: not a deploy source (the manifest deploys files release/*.yaml)",
            3
        )]
    );
    assert_eq!(
        ev.scope.choices,
        [choice(
            "deploy",
            "files release/*.yaml",
            "manifest deploy.files"
        )]
    );
}

#[test]
fn helm_templates_that_plain_manifests_cover_make_nothing_inconclusive() {
    let ev = review("helm", None, Render::Off);
    let listed: Vec<(String, Option<String>)> = ev
        .not_evaluated
        .iter()
        .map(|n| (n.loc.path.to_string(), n.covered_by.clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                "chart/templates/web.yaml".to_string(),
                Some(
                    "Deployment/web (helm/manifests/web.yaml), Service/web (helm/manifests/web.yaml)"
                        .replace("helm/", "")
                )
            ),
            // Its name comes from a helper: nothing can tell what it deploys.
            ("chart/templates/worker.yaml".to_string(), None),
        ]
    );
    let gaps: Vec<String> = ev
        .gaps("K")
        .iter()
        .map(|f| f.location.as_ref().unwrap().path.clone())
        .collect();
    assert_eq!(gaps, ["chart/templates/worker.yaml"]);
}

#[test]
fn a_remote_base_is_reported_never_fetched() {
    let deploy = DeploySection {
        kustomize: vec!["overlay".to_string()],
        render: true,
        ..DeploySection::default()
    };
    // Whatever tools the machine has: the remote base is refused before any runs.
    let ev = review("remote", Some(deploy), Render::Auto);
    let reasons: Vec<String> = ev
        .not_evaluated
        .iter()
        .map(|n| format!("{}: {}", n.loc, n.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            "overlay/kustomization.yaml:2:5: `github.com/example/shop//deploy/base?ref=v1.2.0` in overlay/kustomization.yaml is a remote base and was not fetched: its resources were not evaluated"
        ]
    );
    assert_eq!(objects(&ev), ["Service/api at overlay/local.yaml:1:1"]);
    assert_eq!(
        ev.scope.choices,
        [
            choice("deploy", "kustomize overlay/", "manifest deploy.kustomize"),
            choice(
                "render",
                "kustomize overlay/",
                "not rendered, read as written: it names a remote base or a path outside the repository"
            ),
        ]
    );
}

#[test]
fn a_renderer_that_fails_leaves_the_source_read_as_written() {
    let deploy = DeploySection {
        kustomize: vec!["deploy/overlays/prod".to_string()],
        render: true,
        ..DeploySection::default()
    };
    let tools = Tools {
        kubectl: Some(PathBuf::from("/nonexistent/kubectl")),
        ..Tools::default()
    };
    let ev = review("render", Some(deploy), Render::With(tools));
    assert_eq!(objects(&ev), ["Deployment/api at deploy/base/api.yaml:1:1"]);
    assert_eq!(ev.scope.choices[1].subject, "render");
    assert!(
        ev.scope.choices[1]
            .why
            .starts_with("not rendered, read as written: kubectl kustomize failed: could not start /nonexistent/kubectl"),
        "{:?}",
        ev.scope.choices
    );
}

#[test]
fn kubectl_kustomize_renders_an_overlay_with_source_locations() {
    let Some(kubectl) = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
    else {
        eprintln!("skipped: kubectl is not on PATH, so no overlay can be rendered here");
        return;
    };
    let deploy = DeploySection {
        kustomize: vec!["deploy/overlays/prod".to_string()],
        render: true,
        ..DeploySection::default()
    };
    let tools = Tools {
        kubectl: Some(kubectl),
        ..Tools::default()
    };
    let ev = review("render", Some(deploy), Render::With(tools));
    assert_eq!(
        ev.scope.choices,
        [
            choice(
                "deploy",
                "kustomize deploy/overlays/prod/",
                "manifest deploy.kustomize"
            ),
            choice(
                "render",
                "kustomize deploy/overlays/prod/",
                "rendered with kubectl kustomize"
            ),
        ]
    );
    // The rendered Deployment: the overlay's prefix, namespace, patch and image tag applied,
    // at the base's locations.
    assert_eq!(
        objects(&ev),
        ["Deployment/prod-api at deploy/base/api.yaml:1:1"]
    );
    let w = &ev.kubernetes.workloads[0];
    assert!(ev.kubernetes.objects[0].rendered);
    assert_eq!(w.namespace.as_deref(), Some("shop"));
    let replicas = w.replicas.as_ref().unwrap();
    assert_eq!(
        (replicas.value, replicas.loc.to_string()),
        (4, "deploy/base/api.yaml:6:13".to_string())
    );
    let c = &w.pod.containers[0];
    assert_eq!(
        c.image.as_ref().map(|i| i.value.as_str()),
        Some("registry.example.com/api:1.4.2")
    );
    assert_eq!(
        c.image.as_ref().unwrap().loc.to_string(),
        "deploy/base/api.yaml:17:18"
    );
    // The patch was applied by the renderer; as a file it is no resource of its own.
    assert_eq!(
        ev.scope.excluded,
        [excluded(
            "deploy/overlays/prod/replicas.yaml",
            "kustomize patch (applied by deploy/overlays/prod/kustomization.yaml)",
            1
        )]
    );
}

/// The development corpus, or `None` (with a note) where it is absent outside CI.
fn corpus(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/repos")
        .join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is absent, and CI must have it",
        dir.display()
    );
    eprintln!("skipped: {} is absent", dir.display());
    None
}

#[test]
fn kube_prometheus_has_no_deploy_source_and_takes_every_file() {
    let Some(root) = corpus("kube-prometheus") else {
        return;
    };
    let ev = scan(&root, &ScanOptions::default()).unwrap();
    // Every Kubernetes file counts, and with no copies among them there was nothing to choose:
    // no deploy choice is reported. Only the default scope rules leave anything out.
    assert_eq!(ev.scope.choices, []);
    assert_eq!(
        ev.scope.excluded,
        [
            excluded("examples/", "default: examples", 72),
            excluded("tests/", "default: tests", 8),
        ]
    );
}

#[cfg(unix)]
#[test]
fn helm_template_output_is_placed_at_the_templates_its_source_comments_name() {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = std::env::temp_dir().join(format!("launchgate-fake-helm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&bin);
    std::fs::create_dir_all(&bin).unwrap();
    let args = bin.join("args");
    let helm = bin.join("helm");
    // A stand-in for `helm template`: it records its arguments and prints what helm prints.
    std::fs::write(
        &helm,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nprintf '%s\\n' '---' '# Source: shop/templates/web.yaml' 'apiVersion: apps/v1' 'kind: Deployment' 'metadata:' '  name: web' '  namespace: prod' 'spec:' '  replicas: 3' '---' '# Source: shop/templates/web.yaml' 'apiVersion: v1' 'kind: Service' 'metadata:' '  name: web' '---' '# Source: shop/templates/secret.yaml' 'apiVersion: v1' 'kind: Secret' 'metadata:' '  name: web' 'stringData:' '  token: ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'\n",
            args.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).unwrap();
    let deploy = DeploySection {
        helm: vec![launchgate_manifest::HelmRelease {
            chart: "chart".to_string(),
            values: vec!["chart/values.yaml".to_string()],
            release: Some("shop".to_string()),
            namespace: Some("prod".to_string()),
            set: [("image".to_string(), "web:1.0".to_string())].into(),
        }],
        render: true,
        ..DeploySection::default()
    };
    let tools = Tools {
        helm: Some(helm),
        ..Tools::default()
    };
    let ev = review("helm", Some(deploy), Render::With(tools));
    let root = fixture("helm");
    let got = std::fs::read_to_string(&args).unwrap();
    let _ = std::fs::remove_dir_all(&bin);
    assert_eq!(
        got,
        format!(
            "template\nshop\n{root}/chart\n--namespace\nprod\n--values\n{root}/chart/values.yaml\n--set\nimage=web:1.0\n",
            root = root.display()
        )
    );
    assert_eq!(
        objects(&ev),
        [
            "Secret/web at chart/templates/secret.yaml:1:1",
            "Deployment/web at chart/templates/web.yaml:1:1",
            "Service/web at chart/templates/web.yaml:1:1",
        ]
    );
    assert!(ev.kubernetes.objects.iter().all(|o| o.rendered));
    // A secret only the rendered text holds is found, at the chart, redacted.
    let secrets: Vec<String> = ev
        .secrets
        .findings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(secrets.len(), 1, "{secrets:?}");
    assert!(
        secrets[0].starts_with("chart/Chart.yaml:1:1: "),
        "{secrets:?}"
    );
    assert!(!secrets[0].contains("a1B2c3D4e5F6g7H8i9J0"), "{secrets:?}");
    let replicas = ev.kubernetes.objects[1]
        .doc
        .at(&["spec", "replicas"])
        .unwrap();
    assert_eq!(
        (replicas.as_i64(), replicas.loc.to_string()),
        (Some(3), "chart/templates/web.yaml:1:1".to_string())
    );
    // The templates were rendered: none is left unevaluated.
    assert_eq!(ev.not_evaluated, []);
    assert_eq!(
        ev.scope.choices,
        [
            choice("deploy", "helm chart/", "manifest deploy.helm"),
            choice("render", "helm chart/", "rendered with helm template"),
        ]
    );
    assert_eq!(
        ev.scope.excluded,
        [excluded(
            "manifests/web.yaml",
            "deploy: not a deploy source (the manifest deploys helm chart/)",
            1
        )]
    );
}

#[test]
fn microservices_demo_deploys_what_skaffold_names_each_deployment_once() {
    let Some(root) = corpus("microservices-demo") else {
        return;
    };
    let rule = "deploy: not a deploy source (skaffold.yaml deploys kustomize kubernetes-manifests/, files kubernetes-manifests/loadgenerator.yaml)";
    let mut seen = Vec::new();
    for render in [Render::Auto, Render::Off] {
        let ev = scan(
            &root,
            &ScanOptions {
                render: render.clone(),
                ..ScanOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            ev.scope.excluded,
            [
                excluded(".github/", rule, 5),
                excluded("helm-chart/", rule, 15),
                excluded("istio-manifests/", rule, 3),
                excluded("kustomize/", rule, 47),
                excluded("kustomize/tests/", "default: tests", 4),
                excluded("release/", rule, 2),
                excluded("src/cartservice/tests/", "default: tests", 2),
            ]
        );
        let deploy: Vec<&ScopeChoice> = ev
            .scope
            .choices
            .iter()
            .filter(|c| c.subject == "deploy")
            .collect();
        assert_eq!(
            deploy,
            [
                &choice(
                    "deploy",
                    "kustomize kubernetes-manifests/",
                    "skaffold.yaml manifests.kustomize.paths"
                ),
                &choice(
                    "deploy",
                    "files kubernetes-manifests/loadgenerator.yaml",
                    "skaffold.yaml manifests.rawYaml"
                ),
            ]
        );
        assert_eq!(ev.not_evaluated, []);
        assert_eq!(ev.errors, []);
        let workloads: Vec<String> = ev
            .kubernetes
            .workloads
            .iter()
            .map(|w| format!("{} at {}", w.resource(), w.loc))
            .collect();
        // Each Deployment once, at its kubernetes-manifests/ file, rendered or not.
        assert_eq!(workloads.len(), 12, "{workloads:#?}");
        assert!(
            workloads
                .iter()
                .all(|w| w.contains(" at kubernetes-manifests/")),
            "{workloads:#?}"
        );
        assert!(ev.kubernetes.objects.iter().all(|o| o.copies.is_empty()));
        let built: Vec<&str> = ev
            .kubernetes
            .built_images
            .iter()
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(built.len(), 12, "{built:?}");
        seen.push(workloads);
    }
    assert_eq!(seen[0], seen[1]);
}
