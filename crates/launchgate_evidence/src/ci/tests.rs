//! CI parser tests: exact jobs, triggers, classifications and locations for realistic files
//! of every system, malformed files, and robustness.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;
use crate::yaml;

fn parse_file(path: &str, system: CiSystem, text: &str) -> (Option<CiFile>, Vec<EvidenceError>) {
    let src = Source::new(path, text);
    let docs = if system == CiSystem::Jenkins {
        Vec::new()
    } else {
        yaml::load_all(&src).unwrap()
    };
    let mut errors = Vec::new();
    let f = parse(&src, system, docs, &mut errors);
    (f, errors)
}

fn pipeline(path: &str, system: CiSystem, text: &str) -> Pipeline {
    let (f, errors) = parse_file(path, system, text);
    assert!(errors.is_empty(), "{errors:?}");
    f.unwrap().pipeline.unwrap()
}

fn at(loc: &Loc) -> (u32, u32) {
    (loc.line, loc.column)
}

fn sig(s: Option<&Signal>) -> Option<(&str, u32, u32)> {
    s.map(|s| (s.what.as_str(), s.loc.line, s.loc.column))
}

const GITHUB: &str = r#"name: CI/CD
on:
  pull_request:
    branches: [main]
  push:
    branches: [main]
  schedule:
    - cron: "0 3 * * 1"
  workflow_dispatch: {}
jobs:
  test:
    if: github.event_name != 'schedule'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Unit tests
        run: |
          cargo fmt --check
          cargo test --workspace --locked
  deploy:
    needs: test
    if: github.ref == 'refs/heads/main' && github.event_name == 'push'
    runs-on: ubuntu-latest
    environment:
      name: production
      url: https://api.example.com
    steps:
      - uses: actions/checkout@v4
      - run: helm upgrade --install api ./chart --wait
  smoke-test:
    needs: [deploy]
    runs-on: ubuntu-latest
    steps:
      - run: curl --fail --retry 5 https://api.example.com/healthz
  scan:
    if: github.event_name == 'schedule'
    runs-on: ubuntu-latest
    steps:
      - uses: aquasecurity/trivy-action@0.28.0
        with:
          image-ref: ghcr.io/acme/api:latest
"#;

#[test]
fn github_workflow_is_modelled_exactly() {
    let p = pipeline(".github/workflows/ci.yml", CiSystem::GitHubActions, GITHUB);
    assert_eq!(p.system, CiSystem::GitHubActions);
    assert_eq!(p.name.as_deref(), Some("CI/CD"));
    assert!(!p.heuristic);
    let t = &p.triggers;
    assert_eq!(t.pull_request.as_ref().map(at), Some((3, 3)));
    assert_eq!(t.pull_request_branches, ["main"]);
    assert_eq!(t.push.as_ref().map(at), Some((5, 3)));
    assert_eq!(t.push_branches, ["main"]);
    assert!(t.push_on_branches);
    assert!(t.push_runs_on("main"));
    assert!(!t.push_runs_on("feature/x"));
    let crons: Vec<(&str, u32, u32)> = t
        .schedule
        .iter()
        .map(|c| (c.value.as_str(), c.loc.line, c.loc.column))
        .collect();
    assert_eq!(crons, [("0 3 * * 1", 8, 13)]);
    assert_eq!(t.manual.as_ref().map(at), Some((9, 3)));

    let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["test", "deploy", "smoke-test", "scan"]);

    let test = p.job("test").unwrap();
    assert_eq!(at(&test.loc), (11, 3));
    assert_eq!(
        test.runs,
        Runs {
            pull_request: true,
            default_branch: true,
            other_branches: false,
            tags: false,
            schedule: false,
            manual: true,
            when_manual: false,
            condition: Some(test.runs.condition.clone().unwrap()),
        }
    );
    assert_eq!(at(test.runs.condition.as_ref().unwrap()), (12, 9));
    assert_eq!(test.steps.len(), 2);
    assert_eq!(
        test.steps[0].uses.as_ref().unwrap().value,
        "actions/checkout@v4"
    );
    assert_eq!(test.steps[1].name.as_ref().unwrap().value, "Unit tests");
    assert_eq!(sig(test.runs_tests.as_ref()), Some(("cargo test", 19, 11)));
    assert_eq!(test.deploys, None);

    let deploy = p.job("deploy").unwrap();
    let needs: Vec<(&str, u32, u32)> = deploy
        .needs
        .iter()
        .map(|n| (n.value.as_str(), n.loc.line, n.loc.column))
        .collect();
    assert_eq!(needs, [("test", 21, 12)]);
    let env = deploy.environment.as_ref().unwrap();
    assert_eq!(
        (env.value.as_str(), env.loc.line, env.loc.column),
        ("production", 25, 13)
    );
    assert!(deploy.runs.default_branch && deploy.runs.only_default_branch());
    assert!(!deploy.runs.pull_request);
    assert_eq!(sig(deploy.deploys.as_ref()), Some(("helm upgrade", 29, 14)));

    let smoke = p.job("smoke-test").unwrap();
    assert_eq!(smoke.needs[0].value, "deploy");
    assert_eq!(
        sig(smoke.smoke_test.as_ref()),
        Some((
            "curl --fail --retry 5 https://api.example.com/healthz",
            34,
            14
        ))
    );

    let scan = p.job("scan").unwrap();
    assert!(scan.runs.schedule && !scan.runs.pull_request && !scan.runs.default_branch);
    let s = scan.security_scan.as_ref().unwrap();
    assert_eq!((s.scanner, s.images, at(&s.loc)), ("trivy", true, (39, 15)));

    assert_eq!(p.tests_on_pull_requests().as_ref().map(at), Some((19, 11)));
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((29, 14)));
    assert_eq!(p.smoke_after_deploy().as_ref().map(at), Some((34, 14)));
    assert_eq!(p.scheduled_security_scan().as_ref().map(at), Some((39, 15)));
}

#[test]
fn github_trigger_forms_and_conditions() {
    let p = pipeline(
        ".github/workflows/a.yml",
        CiSystem::GitHubActions,
        "on: push\njobs:\n  t:\n    steps:\n      - run: go test ./...\n",
    );
    let r = &p.jobs[0].runs;
    assert!(r.default_branch && r.other_branches && r.tags && !r.pull_request);
    assert_eq!(p.tests_on_pull_requests().as_ref().map(at), Some((5, 14)));

    let p = pipeline(
        ".github/workflows/b.yml",
        CiSystem::GitHubActions,
        "on: [push, pull_request]\njobs:\n  t:\n    if: github.event_name == 'pull_request'\n    steps: [{run: npm test}]\n",
    );
    let r = &p.jobs[0].runs;
    assert!(r.pull_request && !r.default_branch && !r.other_branches);

    let p = pipeline(
        ".github/workflows/release.yml",
        CiSystem::GitHubActions,
        "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    environment: prod-eu\n    steps:\n      - run: ./release.sh\n",
    );
    assert!(!p.triggers.push_on_branches);
    assert!(!p.triggers.push_runs_on("main"));
    let j = &p.jobs[0];
    assert!(j.runs.tags && !j.runs.default_branch);
    assert_eq!(
        sig(j.deploys.as_ref()),
        Some(("environment prod-eu", 6, 18))
    );
    assert_eq!(p.deploys_on_main(), None);

    let p = pipeline(
        ".github/workflows/c.yml",
        CiSystem::GitHubActions,
        "on:\n  push:\n    branches-ignore: [main]\njobs:\n  d:\n    steps:\n      - run: kubectl apply -f k8s/\n",
    );
    assert!(p.jobs[0].runs.other_branches && !p.jobs[0].runs.default_branch);
    assert_eq!(p.deploys_on_main(), None);

    let p = pipeline(
        ".github/workflows/merged.yml",
        CiSystem::GitHubActions,
        "on:\n  pull_request:\n    types: [closed]\njobs:\n  ship:\n    if: github.event.pull_request.merged == true\n    steps:\n      - run: gcloud run deploy api --source .\n",
    );
    let r = &p.jobs[0].runs;
    assert!(r.default_branch && !r.pull_request);
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((8, 14)));
}

#[test]
fn github_smoke_step_after_deploy_step_in_one_job() {
    let p = pipeline(
        ".github/workflows/cd.yml",
        CiSystem::GitHubActions,
        "on:\n  push:\n    branches: [master]\njobs:\n  cd:\n    steps:\n      - name: Smoke before\n        run: echo hi\n      - uses: azure/k8s-deploy@v5\n      - name: Post-deploy check\n        run: ./check.sh\n",
    );
    let j = &p.jobs[0];
    assert_eq!(sig(j.deploys.as_ref()), Some(("azure/k8s-deploy", 9, 15)));
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((9, 15)));
    // The first smoke-named step comes before the deploy; the one after it counts.
    assert_eq!(p.smoke_after_deploy().as_ref().map(at), Some((10, 15)));
}

#[test]
fn reusable_workflows_lend_their_classification_to_callers() {
    let (caller, e1) = parse_file(
        ".github/workflows/main.yml",
        CiSystem::GitHubActions,
        "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    uses: ./.github/workflows/deploy.yml\n  smoke:\n    needs: deploy\n    steps:\n      - run: k6 run smoke.js\n",
    );
    let (called, e2) = parse_file(
        ".github/workflows/deploy.yml",
        CiSystem::GitHubActions,
        "on: workflow_call\njobs:\n  ship:\n    steps:\n      - run: flyctl deploy --remote-only\n",
    );
    assert!(e1.is_empty() && e2.is_empty());
    let ci = assemble(vec![caller.unwrap(), called.unwrap()]);
    let paths: Vec<&str> = ci.detected.iter().map(|d| &*d.loc.path).collect();
    assert_eq!(
        paths,
        [".github/workflows/deploy.yml", ".github/workflows/main.yml"]
    );
    let main = &ci.pipelines[1];
    let deploy = main.job("deploy").unwrap();
    assert_eq!(
        deploy.uses.as_ref().unwrap().value,
        "./.github/workflows/deploy.yml"
    );
    let d = deploy.deploys.as_ref().unwrap();
    assert_eq!(
        (d.what.as_str(), &*d.loc.path, d.loc.line),
        ("flyctl deploy", ".github/workflows/deploy.yml", 5)
    );
    assert_eq!(ci.deploys_on_main().map(|l| l.line), Some(5));
    assert_eq!(main.smoke_after_deploy().as_ref().map(at), Some((10, 14)));
    assert!(ci.pipelines[0].triggers.workflow_call.is_some());
    assert!(!ci.pipelines[0].jobs[0].runs.default_branch);
}

#[test]
fn malformed_github_workflows_are_errors() {
    let errs = |text: &str| -> Vec<(u32, u32, String)> {
        let (_, e) = parse_file(".github/workflows/x.yml", CiSystem::GitHubActions, text);
        e.into_iter()
            .map(|e| (e.loc.line, e.loc.column, e.message))
            .collect()
    };
    assert_eq!(
        errs("on: push\njobs:\n  - build\n"),
        [(
            3,
            3,
            "expected a mapping of job ids for `jobs`, found a list".to_string()
        )]
    );
    assert_eq!(
        errs(
            "on: push\njobs:\n  build: echo hi\n  ok:\n    needs: {a: 1}\n    steps:\n      - echo\n      - run: [a]\n"
        ),
        [
            (
                3,
                10,
                "job `build`: expected a mapping, found a string".to_string()
            ),
            (
                5,
                12,
                "job `ok`: expected a job id or a list of job ids for `needs`, found a mapping"
                    .to_string()
            ),
            (
                7,
                9,
                "job `ok` step 1: expected a mapping, found a string".to_string()
            ),
            (
                8,
                14,
                "job `ok` step 2: expected a string for `run`, found a list".to_string()
            ),
        ]
    );
    assert_eq!(
        errs("jobs:\n  a:\n    steps: run\n"),
        [
            (1, 1, "workflow has no `on:` triggers".to_string()),
            (
                3,
                12,
                "job `a`: expected a list for `steps`, found a string".to_string()
            ),
        ]
    );
    assert_eq!(
        errs("- on: push\n"),
        [(
            1,
            1,
            "expected a mapping at the top of a GitHub Actions workflow, found a list".to_string()
        )]
    );
    assert_eq!(
        errs(""),
        [(
            1,
            1,
            "empty workflow file: expected `on:` and `jobs:`".to_string()
        )]
    );
    // Unknown keys are fine.
    assert!(errs("on: push\nfoo: 1\njobs:\n  a:\n    bar: {}\n").is_empty());
}

const GITLAB: &str = r#"stages: [build, test, deploy, verify]

include:
  - template: Security/SAST.gitlab-ci.yml
  - remote: https://example.com/ci/common.yml

default:
  before_script:
    - echo "default setup"

.rules_mr_and_main: &rules
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

.node: &node
  image: node:22
  variables:
    NODE_ENV: test

.test_base:
  <<: *node
  stage: test
  script:
    - npm ci
    - npm test

unit:
  extends: .test_base
  <<: *rules
  variables:
    EXTRA: "1"

.deploy_base:
  stage: deploy
  script:
    - kubectl apply -f k8s/

.prod:
  extends: .deploy_base
  environment:
    name: production

deploy_prod:
  extends: [.prod]
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      when: never
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

smoke:
  stage: verify
  needs: [deploy_prod]
  script:
    - ./scripts/smoke.sh https://api.example.com
  only: [main]

nightly_scan:
  stage: test
  script: trivy image registry.example.com/api:$CI_COMMIT_SHA
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
"#;

#[test]
fn gitlab_file_with_anchors_extends_and_rules() {
    let p = pipeline(".gitlab-ci.yml", CiSystem::GitLab, GITLAB);
    let stages: Vec<(&str, u32)> = p
        .stages
        .iter()
        .map(|s| (s.value.as_str(), s.loc.line))
        .collect();
    assert_eq!(
        stages,
        [("build", 1), ("test", 1), ("deploy", 1), ("verify", 1)]
    );
    let inc: Vec<(IncludeKind, &str, u32, u32, Option<&str>)> = p
        .includes
        .iter()
        .map(|i| {
            (
                i.kind,
                i.value.as_str(),
                i.loc.line,
                i.loc.column,
                i.security_scan.as_ref().map(|s| s.scanner),
            )
        })
        .collect();
    assert_eq!(
        inc,
        [
            (
                IncludeKind::Template,
                "Security/SAST.gitlab-ci.yml",
                4,
                15,
                Some("gitlab-sast")
            ),
            (
                IncludeKind::Remote,
                "https://example.com/ci/common.yml",
                5,
                13,
                None
            ),
        ]
    );
    let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["unit", "deploy_prod", "smoke", "nightly_scan"]);

    let unit = p.job("unit").unwrap();
    assert_eq!(at(&unit.loc), (28, 1));
    let stage = unit.stage.as_ref().unwrap();
    assert_eq!((stage.value.as_str(), stage.loc.line), ("test", 23));
    assert_eq!(unit.phase, Some(2));
    let steps: Vec<(&str, &str, u32)> = unit
        .steps
        .iter()
        .map(|s| {
            (
                s.name.as_ref().unwrap().value.as_str(),
                s.run.as_ref().unwrap().value.as_str(),
                s.loc.line,
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("before_script", "echo \"default setup\"", 9),
            ("script", "npm ci", 25),
            ("script", "npm test", 26),
        ]
    );
    assert!(unit.runs.pull_request && unit.runs.default_branch && !unit.runs.other_branches);
    assert_eq!(sig(unit.runs_tests.as_ref()), Some(("npm test", 26, 7)));

    let deploy = p.job("deploy_prod").unwrap();
    assert_eq!(deploy.stage.as_ref().unwrap().value, "deploy");
    assert_eq!(deploy.phase, Some(3));
    let env = deploy.environment.as_ref().unwrap();
    assert_eq!(
        (env.value.as_str(), env.loc.line, env.loc.column),
        ("production", 42, 11)
    );
    assert!(deploy.runs.only_default_branch());
    assert_eq!(sig(deploy.deploys.as_ref()), Some(("kubectl apply", 37, 7)));

    let smoke = p.job("smoke").unwrap();
    assert_eq!(smoke.phase, Some(4));
    assert_eq!(smoke.needs[0].value, "deploy_prod");
    assert!(smoke.runs.only_default_branch());
    assert_eq!(at(smoke.runs.condition.as_ref().unwrap()), (56, 9));
    assert_eq!(sig(smoke.smoke_test.as_ref()), Some(("smoke.sh", 55, 17)));

    let scan = p.job("nightly_scan").unwrap();
    assert!(scan.runs.schedule && !scan.runs.default_branch);
    let s = scan.security_scan.as_ref().unwrap();
    assert_eq!((s.scanner, s.images, at(&s.loc)), ("trivy", true, (60, 11)));

    assert_eq!(p.tests_on_pull_requests().as_ref().map(at), Some((26, 7)));
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((37, 7)));
    assert_eq!(p.smoke_after_deploy().as_ref().map(at), Some((55, 17)));
    assert_eq!(p.scheduled_security_scan().as_ref().map(at), Some((60, 11)));
    let scanners: Vec<&str> = p.security_scans().map(|s| s.scanner).collect();
    assert_eq!(scanners, ["trivy", "gitlab-sast"]);
    assert!(p.triggers.merge_request.is_some());
    assert!(p.triggers.push.is_some());
}

#[test]
fn gitlab_defaults_only_except_workflow_and_references() {
    let p = pipeline(
        ".gitlab-ci.yml",
        CiSystem::GitLab,
        r"workflow:
  rules:
    - if: $CI_COMMIT_TAG
      when: never
    - when: always
.setup:
  script:
    - make deps
test:
  script:
    - !reference [.setup, script]
    - !reference [.setup, missing]
    - [make lint]
    - make test
  except: [tags]
deploy:
  stage: deploy
  script: helm upgrade api ./chart
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    action: stop
  when: manual
  only:
    refs: [master]
",
    );
    let test = p.job("test").unwrap();
    let runs: Vec<&str> = test
        .steps
        .iter()
        .map(|s| s.run.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(runs, ["make deps", "make lint", "make test"]);
    assert_eq!(test.steps[0].loc.line, 8);
    assert!(test.runs.default_branch && test.runs.other_branches && !test.runs.tags);
    assert!(!test.runs.pull_request && test.runs.covers_pull_requests());
    assert_eq!(p.tests_on_pull_requests().as_ref().map(at), Some((14, 7)));
    let deploy = p.job("deploy").unwrap();
    assert!(deploy.runs.when_manual && deploy.runs.only_default_branch());
    // `action: stop` environments tear down; the helm command still deploys.
    assert_eq!(sig(deploy.deploys.as_ref()), Some(("helm upgrade", 18, 11)));
    assert_eq!(p.job("test").unwrap().phase, Some(2));
    assert_eq!(deploy.phase, Some(3));
}

#[test]
fn malformed_gitlab_files_are_errors() {
    let text = "stages: [build, test]\nbuild:\n  stage: build\n  script: make\nlint: echo no\ntest:\n  extends: .missing\n  stage: qa\n  script: {run: x}\n.a:\n  extends: .b\n.b:\n  extends: .a\ncyc:\n  extends: .a\n  script: echo\nempty:\n  stage: test\n";
    let (f, errors) = parse_file(".gitlab-ci.yml", CiSystem::GitLab, text);
    let got: Vec<(u32, u32, String)> = errors
        .into_iter()
        .map(|e| (e.loc.line, e.loc.column, e.message))
        .collect();
    assert_eq!(
        got,
        [
            (
                5,
                7,
                "job `lint`: expected a mapping, found a string".to_string()
            ),
            (
                7,
                12,
                "job `test` extends `.missing`, which is not defined in this file".to_string()
            ),
            (
                8,
                10,
                "job `test`: stage `qa` is not listed in `stages`".to_string()
            ),
            (
                9,
                11,
                "job `test`: expected a string or a list of strings for `script`, found a mapping"
                    .to_string()
            ),
            (
                13,
                12,
                "circular `extends`: cyc -> .a -> .b -> .a".to_string()
            ),
            (
                17,
                1,
                "job `empty` has no `script` (or `trigger`)".to_string()
            ),
        ]
    );
    let p = f.unwrap().pipeline.unwrap();
    let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["build", "test", "cyc", "empty"]);

    let (_, errors) = parse_file(
        ".gitlab-ci.yml",
        CiSystem::GitLab,
        ".hidden:\n  script: x\n",
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "no jobs: every top-level key is hidden (`.name`) or a keyword"
    );
}

const JENKINS: &str = r#"pipeline {
  agent any
  triggers { cron('H 4 * * 1') }
  stages {
    stage('Build') {
      steps { sh 'make build' }
    }
    stage("Test") {
      steps {
        // sh 'echo skipped'
        sh './gradlew test'
      }
    }
    stage('Deploy') {
      when { branch 'main' }
      steps {
        sh """
          helm upgrade --install api ./chart
        """
      }
    }
    stage('Smoke test') {
      steps { sh 'curl -fsS https://api.example.com/health' }
    }
    stage('Security') { steps { sh 'trivy image api:1' } }
  }
}
"#;

#[test]
fn jenkinsfile_stages_and_commands() {
    let p = pipeline("Jenkinsfile", CiSystem::Jenkins, JENKINS);
    assert!(p.heuristic);
    let stages: Vec<(&str, u32, u32)> = p
        .stages
        .iter()
        .map(|s| (s.value.as_str(), s.loc.line, s.loc.column))
        .collect();
    assert_eq!(
        stages,
        [
            ("Build", 5, 12),
            ("Test", 8, 12),
            ("Deploy", 14, 12),
            ("Smoke test", 22, 12),
            ("Security", 25, 12)
        ]
    );
    let crons: Vec<(&str, u32)> = p
        .triggers
        .schedule
        .iter()
        .map(|c| (c.value.as_str(), c.loc.line))
        .collect();
    assert_eq!(crons, [("H 4 * * 1", 3)]);
    let build = p.job("Build").unwrap();
    assert_eq!(build.steps[0].run.as_ref().unwrap().value, "make build");
    assert_eq!(at(&build.steps[0].loc), (6, 19));
    let test = p.job("Test").unwrap();
    assert_eq!(test.steps.len(), 1);
    assert_eq!(
        sig(test.runs_tests.as_ref()),
        Some(("gradlew test", 11, 15))
    );
    assert!(test.runs.covers_pull_requests());
    let deploy = p.job("Deploy").unwrap();
    assert!(deploy.runs.only_default_branch());
    assert_eq!(sig(deploy.deploys.as_ref()), Some(("helm upgrade", 18, 11)));
    assert_eq!(
        sig(p.job("Smoke test").unwrap().smoke_test.as_ref()),
        Some(("curl -fsS https://api.example.com/health", 23, 19))
    );
    assert_eq!(p.tests_on_pull_requests().as_ref().map(at), Some((11, 15)));
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((18, 11)));
    assert_eq!(p.smoke_after_deploy().as_ref().map(at), Some((23, 19)));
    assert_eq!(p.scheduled_security_scan().as_ref().map(at), Some((25, 37)));
}

#[test]
fn circleci_azure_and_buildkite_are_read_lightly() {
    let p = pipeline(
        ".circleci/config.yml",
        CiSystem::CircleCi,
        "version: 2.1\njobs:\n  test:\n    steps:\n      - checkout\n      - run: pytest -q\n  deploy:\n    steps:\n      - run:\n          name: Ship\n          command: kubectl apply -f k8s/\nworkflows:\n  main:\n    jobs:\n      - test\n      - deploy:\n          requires: [test]\n          filters:\n            branches:\n              only: main\n",
    );
    assert!(p.heuristic);
    assert_eq!(
        sig(p.job("test").unwrap().runs_tests.as_ref()),
        Some(("pytest", 6, 14))
    );
    let d = p.job("deploy").unwrap();
    assert_eq!(d.needs[0].value, "test");
    assert!(d.runs.only_default_branch());
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((11, 20)));
    assert_eq!(p.tests_on_pull_requests().as_ref().map(at), Some((6, 14)));

    let p = pipeline(
        "azure-pipelines.yml",
        CiSystem::AzurePipelines,
        "trigger: [main]\npr: none\nstages:\n  - stage: Test\n    jobs:\n      - job: unit\n        steps:\n          - script: dotnet test\n  - stage: Release\n    jobs:\n      - deployment: ship\n        environment: production\n        strategy:\n          runOnce:\n            deploy:\n              steps:\n                - script: echo done\n",
    );
    let names: Vec<(&str, Option<usize>)> =
        p.jobs.iter().map(|j| (j.name.as_str(), j.phase)).collect();
    assert_eq!(names, [("unit", Some(0)), ("ship", Some(1))]);
    assert_eq!(
        sig(p.job("unit").unwrap().runs_tests.as_ref()),
        Some(("dotnet test", 8, 21))
    );
    assert!(!p.job("unit").unwrap().runs.pull_request);
    let ship = p.job("ship").unwrap();
    assert_eq!(
        sig(ship.deploys.as_ref()),
        Some(("environment production", 12, 22))
    );
    assert_eq!(ship.steps.len(), 1);
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((12, 22)));

    let p = pipeline(
        ".buildkite/pipeline.yml",
        CiSystem::Buildkite,
        "steps:\n  - label: \":test_tube: Tests\"\n    command: make test\n  - wait\n  - label: Deploy\n    branches: main\n    commands:\n      - ./deploy.sh\n      - skaffold run -p prod\n  - wait\n  - label: Smoke\n    command: ./smoke.sh\n",
    );
    let phases: Vec<(&str, Option<usize>)> =
        p.jobs.iter().map(|j| (j.name.as_str(), j.phase)).collect();
    assert_eq!(
        phases,
        [
            (":test_tube: Tests", Some(0)),
            ("Deploy", Some(1)),
            ("Smoke", Some(2))
        ]
    );
    assert_eq!(p.deploys_on_main().as_ref().map(at), Some((9, 9)));
    assert_eq!(p.smoke_after_deploy().as_ref().map(at), Some((12, 16)));
}

#[test]
fn every_ci_file_is_detected_even_without_a_pipeline() {
    let (a, _) = parse_file(".circleci/config.yml", CiSystem::CircleCi, "");
    let (b, _) = parse_file("Jenkinsfile", CiSystem::Jenkins, "node { echo 'hi' }\n");
    let ci = assemble(vec![b.unwrap(), a.unwrap()]);
    let d: Vec<(CiSystem, &str)> = ci
        .detected
        .iter()
        .map(|d| (d.system, &*d.loc.path))
        .collect();
    assert_eq!(
        d,
        [
            (CiSystem::CircleCi, ".circleci/config.yml"),
            (CiSystem::Jenkins, "Jenkinsfile")
        ]
    );
    assert_eq!(ci.pipelines.len(), 1);
    assert!(ci.pipelines[0].jobs.is_empty());
    assert_eq!(ci.tests_on_pull_requests(), None);
}

fn check_robust(system: CiSystem, path: &str, text: &str) {
    let src = Source::new(path, text);
    let docs = if system == CiSystem::Jenkins {
        Vec::new()
    } else {
        match yaml::load_all(&src) {
            Ok(d) => d,
            Err(_) => return,
        }
    };
    let mut errors = Vec::new();
    let f = parse(&src, system, docs, &mut errors);
    let lines = u32::try_from(text.split('\n').count()).unwrap();
    for e in &errors {
        assert!(e.loc.line >= 1 && e.loc.line <= lines, "{e:?}");
    }
    let ci = assemble(f.into_iter().collect());
    let _ = (
        ci.tests_on_pull_requests(),
        ci.deploys_on_main(),
        ci.smoke_after_deploy(),
        ci.scheduled_security_scan(),
    );
}

const SYSTEMS: &[(CiSystem, &str)] = &[
    (CiSystem::GitHubActions, ".github/workflows/x.yml"),
    (CiSystem::GitLab, ".gitlab-ci.yml"),
    (CiSystem::Jenkins, "Jenkinsfile"),
    (CiSystem::CircleCi, ".circleci/config.yml"),
    (CiSystem::AzurePipelines, "azure-pipelines.yml"),
    (CiSystem::Buildkite, ".buildkite/pipeline.yml"),
];

/// Pieces of CI YAML (and Jenkinsfile) syntax, glued at random.
const TOKENS: &[&str] = &[
    "on:",
    "jobs:",
    "steps:",
    "stages:",
    "script:",
    "extends: .a",
    "extends: [.a, .b]",
    ".a:",
    ".b:",
    "job:",
    "rules:",
    "- if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
    "when: never",
    "needs: [job]",
    "run: cargo test",
    "- run: kubectl apply -f x",
    "uses: ./.github/workflows/x.yml",
    "environment: production",
    "&x ",
    "*x",
    "<<: *x",
    "!reference [.a, script]",
    "- ",
    "  ",
    "\n",
    "{",
    "}",
    "[",
    "]",
    ": ",
    "'",
    "\"",
    "stage('x') { sh 'curl -f http://a/health' }",
    "include:",
    "template: SAST.gitlab-ci.yml",
    "if: github.ref == 'refs/heads/main'",
    "schedule:",
    "- cron: '0 0 * * 0'",
    "only: [main]",
    "workflows:",
    "requires: [a]",
    "commands:",
    "- wait",
    "trigger: none",
    "é",
    "null",
    "1",
];

fn yamlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(0usize..TOKENS.len(), 0..60).prop_map(|picks| {
        picks
            .iter()
            .filter_map(|&i| TOKENS.get(i).copied())
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn yamlish_text_never_panics(text in yamlish(), which in 0usize..6) {
        let (system, path) = SYSTEMS[which];
        check_robust(system, path, &text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}", which in 0usize..6) {
        let (system, path) = SYSTEMS[which];
        check_robust(system, path, &text);
    }

    #[test]
    fn mutated_samples_never_panic(
        cuts in proptest::collection::vec((0usize..2000, 0usize..6, "[ :\\-\\[\\]{}a\n]{0,3}"), 1..5),
        which in 0usize..3,
    ) {
        let (system, path, sample) = [
            (CiSystem::GitHubActions, ".github/workflows/x.yml", GITHUB),
            (CiSystem::GitLab, ".gitlab-ci.yml", GITLAB),
            (CiSystem::Jenkins, "Jenkinsfile", JENKINS),
        ][which];
        let mut text = sample.to_string();
        for (at, len, insert) in cuts {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) { at -= 1; }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            text.replace_range(at..end, &insert);
        }
        check_robust(system, path, &text);
    }
}
