//! What a CI command or action does: runs tests, deploys, smoke-tests, scans for
//! vulnerabilities. Words with boundaries, from commands and action names; regexes are
//! compiled once.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A recognised command: its byte range in the text and the normalised words.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub(super) range: Range<usize>,
    pub(super) what: String,
}

/// The first hit of each kind in a text.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub(super) tests: Option<Hit>,
    pub(super) deploy: Option<Hit>,
    pub(super) smoke: Option<Hit>,
    pub(super) scan: Option<(Hit, &'static str, bool)>,
    pub(super) rollback: Option<Hit>,
    pub(super) restore: Option<Hit>,
}

/// A compiled pattern. The patterns are constants that the tests compile; should one ever
/// fail, it matches nothing rather than panicking.
type Re = LazyLock<Option<Regex>>;

fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

fn captures<'t>(r: &Re, text: &'t str) -> Option<regex::Captures<'t>> {
    r.as_ref()?.captures(text)
}

fn is_match(r: &Re, text: &str) -> bool {
    r.as_ref().is_some_and(|r| r.is_match(text))
}

/// Test runners that are recognised anywhere on a command line (two words or more).
static TESTS: Re = LazyLock::new(|| {
    re(r"(?ix)(?-u:\b)(
        cargo(?:\s+\+\S+)?(?:\s+hack(?-u:\b)[^\n;&|\#]*?)?\s+(?:test|nextest|tarpaulin|llvm-cov)
      | (?:cross|cargo\s*\}+|\$\{?cargo\}?)\s+test
      | go\s+test
      | (?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test(?::[[:word:]:-]+)?
      | (?:mvn|mvnw)(?-u:\b)[^\n;&|\#]*?\s(?:test|verify|integration-test)
      | (?:gradle|gradlew)(?-u:\b)[^\n;&|\#]*?\s(?::?[[:word:]-]+:)*(?:test|check|integrationTest)
      | dotnet\s+test
      | bundle\s+exec\s+(?:rspec|rake\s+(?:test|spec))
      | rake\s+(?:test|spec)
      | make(?-u:\b)[^\n;&|\#]*?\s(?:(?:[a-z0-9]+[-_])*tests?(?:[-_][[:word:]-]+)?|(?:unit|integration|e2e)[-_]?tests?|check)
      | (?:mix|swift|deno|bazel|bazelisk|sbt|lein|zig|flutter|dart|stack|cabal|hatch)\s+test
      | python[[:digit:].]*(?-u:\b)[^\n;&|\#]*?\s-m\s+(?:pytest|unittest|tox|nox)
      | php\s+artisan\s+test
    )(?-u:\b)")
});

/// Test runners recognised only in command position (their names are common words).
static TEST_TOOLS: Re = LazyLock::new(|| {
    re(
        r"(?ix)(?:^|[;&|(]|(?-u:\b)(?:then|do|exec|npx|run|sudo|time|xvfb-run|bash|sh)(?-u:\b))\s*(?:[[:word:]]+=\S*\s+)*(
        (?:[[:word:].-]*/)*(?:pytest|py\.test|jest|vitest|mocha|tox|nox|rspec|phpunit|ctest|gotestsum|karma|ava|behave|prove|bats)
      | (?:[[:word:].-]*/)*(?:playwright\s+test|cypress\s+run)
      | (?:[[:word:].-]*/)+(?:run[-_]?)?(?:(?:unit|integration|e2e)[-_]?)?tests?(?:[-_][[:word:]-]+)?(?:\.(?:sh|py|ps1|bash))?
      | (?:run[-_]?)?tests?(?:[-_][[:word:]-]+)?\.(?:sh|py|ps1|bash)
    )(?:[^[:word:]/.-]|$)",
    )
});

static DEPLOY: Re = LazyLock::new(|| {
    re(r"(?ix)(?-u:\b)(
        kubectl(?-u:\b)[^\n;&|\#]*?\s(?:apply|rollout|set\s+image|replace)
      | oc\s+(?:apply|rollout)
      | helm(?-u:\b)[^\n;&|\#]*?\s(?:upgrade|install)
      | helmfile(?-u:\b)[^\n;&|\#]*?\s(?:apply|sync)
      | argocd\s+app\s+sync
      | (?:terraform|tofu|terragrunt)(?-u:\b)[^\n;&|\#]*?\sapply
      | aws\s+ecs\s+(?:update-service|deploy)
      | aws\s+deploy\s+create-deployment
      | aws\s+lambda\s+update-function-code
      | aws\s+cloudformation\s+deploy
      | sam\s+deploy
      | gcloud(?-u:\b)[^\n;&|\#]*?\s(?:run\s+deploy|app\s+deploy|functions\s+deploy|run\s+services\s+(?:update|replace))
      | (?:flyctl|fly)\s+deploy
      | (?:serverless|sls)\s+deploy
      | cdk\s+deploy
      | skaffold\s+(?:run|deploy)
      | az\s+(?:webapp|functionapp)\s+deploy
      | az\s+containerapp\s+update
      | kamal\s+deploy | eb\s+deploy | cf\s+push | docker\s+stack\s+deploy | nomad\s+job\s+run
      | pulumi\s+up | copilot\s+(?:svc|app)\s+deploy | heroku\s+container:release
      | vercel(?-u:\b)[^\n;&|\#]*?\s--prod | netlify\s+deploy | wrangler\s+(?:deploy|publish)
      | ecs-deploy | railway\s+up
    )(?-u:\b)")
});

/// Deploy actions, orbs and tasks, matched on the name before `@`.
static DEPLOY_USES: Re = LazyLock::new(|| {
    re(r"(?ix)^(
        aws-actions/amazon-ecs-deploy-task-definition
      | aws-actions/aws-cloudformation-github-deploy
      | azure/(?:k8s-deploy|webapps-deploy|functions-action|container-apps-deploy-action|aci-deploy|arm-deploy|static-web-apps-deploy)
      | google-github-actions/deploy-[[:word:]-]+
      | cloudflare/(?:wrangler-action|pages-action)
      | serverless/github-action
      | akhileshns/heroku-deploy
      | amondnet/vercel-action
      | deliverybot/helm
      | digitalocean/app_action
      | aws-ecs/(?:deploy-service-update|deploy_service_update|update-service|update_service)
      | aws-eks/update-container-image
      | heroku/deploy-via-git
      | helm/(?:upgrade-helm-chart|install-helm-chart)
      | kubernetes/create-or-update-resource
      | gcp-gke/rollout-image
      | (?:KubernetesManifest|HelmDeploy|AzureWebApp|AzureWebAppContainer|AzureRmWebAppDeployment|AzureFunctionApp|AzureFunctionAppContainer|AzureContainerApps)@
    )")
});

/// Commands that roll a release back: run by a pipeline on its own, they rehearse the rollback
/// (RUN-004). A script is recognised by its name (`scripts/rollback-drill.sh`).
static ROLLBACK: Re = LazyLock::new(|| {
    re(r"(?ix)(?:^|[^[:word:]./-])(
        kubectl(?-u:\b)[^\n;&|\#]*?\srollout\s+undo
      | kubectl(?-u:\b)[^\n;&|\#]*?\sargo\s+rollouts\s+(?:undo|abort)
      | kubectl-argo-rollouts\s+(?:undo|abort)
      | oc\s+rollout\s+undo
      | helm(?-u:\b)[^\n;&|\#]*?\srollback
      | argocd\s+app\s+rollback
      | aws\s+deploy\s+stop-deployment(?-u:\b)[^\n;&|\#]*?--auto-rollback-enabled
      | (?:[[:word:].-]*/)*rollback(?:[-_][[:word:]-]+)?\.(?:sh|bash|py|ps1)
    )(?:[^[:word:]/.-]|$)")
});

/// Commands that restore a database or volume from a backup: run by a pipeline on its own, they
/// are a restore drill (DAT-003). A script is recognised by its name (`scripts/restore-drill.sh`).
static RESTORE: Re = LazyLock::new(|| {
    re(r"(?ix)(?:^|[^[:word:]./-])(
        pg_restore | mongorestore | myloader
      | aws\s+rds\s+restore-db-(?:instance|cluster)-[[:word:]-]+
      | aws\s+backup\s+start-restore-job
      | aws\s+dynamodb\s+restore-table-[[:word:]-]+
      | gcloud\s+sql\s+(?:backups\s+restore|instances\s+clone)
      | az\s+(?:postgres|mysql)\s+(?:flexible-server\s+)?(?:restore|geo-restore)
      | az\s+sql\s+db\s+restore
      | velero\s+restore\s+create
      | pgbackrest(?-u:\b)[^\n;&|\#]*?\srestore
      | wal-g\s+backup-fetch
      | (?:[[:word:].-]*/)*restore(?:[-_][[:word:]-]+)?\.(?:sh|bash|py|ps1)
    )(?:[^[:word:]/.-]|$)")
});

/// An HTTP check of a health endpoint (curl needs `--fail` for a failed check to fail).
static HEALTH_CALL: Re = LazyLock::new(|| {
    re(r"(?ix)(?-u:\b)(
        (?:curl|wget|http|https)(?-u:\b)[^\n;&|\#]*?/(?:health|healthz|healthcheck|health-check|ready|readyz|readiness|livez|liveness|ping|status)(?-u:\b)[^\n;&|]*
    )")
});

static CURL_FAIL: Re =
    LazyLock::new(|| re(r"\s(?:--fail(?:-with-body)?|-[a-zA-Z]*f[a-zA-Z]*)(?-u:\b)"));

static SMOKE_CMD: Re = LazyLock::new(|| {
    re(r"(?ix)(?:^|[^a-z0-9])(
        k6\s+(?:run|cloud) | newman\s+run | artillery\s+run
      | (?:smoke|synthetic)[[:word:].:/-]* | post[-_]?deploy[[:word:].:/-]*
    )")
});

static SMOKE_NAME: Re = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[^a-z0-9])(smoke[[:word:]]*|synthetics?|post[-_ ]?deploy[[:word:]]*|health[-_ ]?checks?)(?:[^a-z0-9]|$)",
    )
});

/// Scanners: (name, scans images, pattern). Order matters: the first matching row wins.
const SCANNERS: &[(&str, bool, &str)] = &[
    (
        "trivy",
        false,
        r"(?-u:\b)trivy\s+(?:fs|filesystem|repo|repository|config|sbom)(?-u:\b)",
    ),
    ("trivy", true, r"(?-u:\b)trivy(?-u:\b)"),
    ("grype", true, r"(?-u:\b)grype(?-u:\b)"),
    ("anchore", true, r"(?-u:\b)anchore(?-u:\b)"),
    (
        "snyk",
        true,
        r"(?-u:\b)snyk\s+container(?-u:\b)|(?-u:\b)snyk/actions/docker(?-u:\b)",
    ),
    ("snyk", false, r"(?-u:\b)snyk(?-u:\b)"),
    (
        "docker scout",
        true,
        r"(?-u:\b)docker\s+scout(?-u:\b)|(?-u:\b)docker/scout-action(?-u:\b)",
    ),
    (
        "codeql",
        false,
        r"(?-u:\b)codeql-action/(?:init|analyze|autobuild)(?-u:\b)|(?-u:\b)codeql\s+(?:database|github)(?-u:\b)",
    ),
    ("gitleaks", false, r"(?-u:\b)gitleaks(?-u:\b)"),
    ("semgrep", false, r"(?-u:\b)semgrep(?-u:\b)"),
    (
        "dependency-check",
        false,
        r"(?-u:\b)dependency-check(?-u:\b)|(?-u:\b)dependencyCheck[[:word:]]*|(?-u:\b)Dependency-Check_Action(?-u:\b)",
    ),
    (
        "npm audit",
        false,
        r"(?-u:\b)(?:npm|yarn|pnpm|bun)\s+audit(?-u:\b)",
    ),
    (
        "cargo audit",
        false,
        r"(?-u:\b)cargo\s+audit(?-u:\b)|(?-u:\b)rustsec/audit-check(?-u:\b)|(?-u:\b)actions-rust-lang/audit(?-u:\b)",
    ),
    (
        "cargo deny",
        false,
        r"(?-u:\b)cargo\s+deny(?-u:\b)|(?-u:\b)cargo-deny-action(?-u:\b)",
    ),
    ("pip-audit", false, r"(?-u:\b)pip-audit(?-u:\b)"),
    ("safety", false, r"(?-u:\b)safety\s+(?:check|scan)(?-u:\b)"),
    ("govulncheck", false, r"(?-u:\b)govulncheck(?-u:\b)"),
    ("osv-scanner", false, r"\bosv-scanner\b"),
    (
        "bundler-audit",
        false,
        r"(?-u:\b)bundle(?:r-audit|\s+audit)(?-u:\b)",
    ),
];

static SCAN: Re = LazyLock::new(|| {
    let alts: Vec<String> = SCANNERS.iter().map(|(_, _, p)| format!("({p})")).collect();
    re(&format!("(?i){}", alts.join("|")))
});

/// GitLab security templates and components: (file or component stem, scanner, images).
const GITLAB_SECURITY: &[(&str, &str, bool)] = &[
    ("sast-iac", "gitlab-sast-iac", false),
    ("sast", "gitlab-sast", false),
    ("container-scanning", "gitlab-container-scanning", true),
    (
        "cluster-image-scanning",
        "gitlab-cluster-image-scanning",
        true,
    ),
    ("dependency-scanning", "gitlab-dependency-scanning", false),
    ("secret-detection", "gitlab-secret-detection", false),
    ("dast-api", "gitlab-dast-api", false),
    ("dast", "gitlab-dast", false),
    ("api-fuzzing", "gitlab-api-fuzzing", false),
    ("coverage-fuzzing", "gitlab-coverage-fuzzing", false),
];

fn hit(m: &regex::Match<'_>, offset: usize) -> Hit {
    Hit {
        range: offset + m.start()..offset + m.end(),
        what: m.as_str().split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Scans a script line by line (shell comment lines skipped): the first hit of each kind.
pub(super) fn scan_text(text: &str) -> Found {
    let mut found = Found::default();
    let mut offset = 0;
    for line in text.split('\n') {
        let here = offset;
        offset += line.len() + 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        if found.tests.is_none() {
            // `make check-clean-work-tree` runs a target named `check-...`, not `make check`.
            let named = captures(&TESTS, line)
                .and_then(|c| c.get(1))
                .filter(|m| !line[m.end()..].starts_with('-'));
            found.tests = named
                .or_else(|| captures(&TEST_TOOLS, line).and_then(|c| c.get(1)))
                .map(|m| hit(&m, here));
        }
        let rollback = captures(&ROLLBACK, line).and_then(|c| c.get(1));
        if found.rollback.is_none() {
            found.rollback = rollback.map(|m| hit(&m, here));
        }
        if found.restore.is_none() {
            found.restore = captures(&RESTORE, line)
                .and_then(|c| c.get(1))
                .map(|m| hit(&m, here));
        }
        // `kubectl rollout undo` takes a release back: a rollback, not a deploy.
        if found.deploy.is_none() && rollback.is_none() {
            found.deploy = captures(&DEPLOY, line)
                .and_then(|c| c.get(1))
                .map(|m| hit(&m, here));
        }
        if found.smoke.is_none() {
            found.smoke = smoke_in(line).map(|m| hit(&m, here));
        }
        if found.scan.is_none() {
            found.scan = scanner_in(line).map(|(m, name, images)| (hit(&m, here), name, images));
        }
    }
    found
}

fn smoke_in(line: &str) -> Option<regex::Match<'_>> {
    let health = captures(&HEALTH_CALL, line)
        .and_then(|c| c.get(1))
        .filter(|m| {
            let cmd = m.as_str();
            !cmd.trim_start().to_ascii_lowercase().starts_with("curl") || is_match(&CURL_FAIL, cmd)
        });
    health.or_else(|| captures(&SMOKE_CMD, line).and_then(|c| c.get(1)))
}

fn scanner_in(text: &str) -> Option<(regex::Match<'_>, &'static str, bool)> {
    let caps = captures(&SCAN, text)?;
    SCANNERS
        .iter()
        .enumerate()
        .find_map(|(i, &(name, images, _))| caps.get(i + 1).map(|m| (m, name, images)))
}

/// Classifies an action / orb / task / plugin name (`aquasecurity/trivy-action@0.28.0`).
pub(super) fn scan_uses(uses: &str) -> Found {
    let name = uses.trim();
    let bare = name.split('@').next().unwrap_or(name);
    let whole = |what: &str| Hit {
        range: 0..name.len(),
        what: what.to_string(),
    };
    Found {
        tests: None,
        deploy: is_match(&DEPLOY_USES, name).then(|| whole(bare)),
        smoke: is_match(&SMOKE_NAME, bare).then(|| whole(bare)),
        scan: scanner_in(bare).map(|(_, scanner, images)| (whole(bare), scanner, images)),
        rollback: None,
        restore: None,
    }
}

/// Whether a job, step or stage name says it is a smoke test (`smoke-test`, `Post-deploy
/// checks`, `synthetic`, `healthcheck`).
pub fn is_smoke_name(name: &str) -> bool {
    is_match(&SMOKE_NAME, name)
}

/// A GitHub environment name that means production (`production`, `prod`, `prod-eu`).
pub(super) fn is_production(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w, "prod" | "production" | "prd" | "live"))
}

/// A GitLab security template path or component reference: (scanner, scans images).
pub(super) fn gitlab_security(value: &str) -> Option<(&'static str, bool)> {
    let lower = value.to_ascii_lowercase();
    let stem = if let Some(i) = lower.find("/components/") {
        let rest = lower.get(i + "/components/".len()..).unwrap_or("");
        rest.split(['@', '/']).next().unwrap_or("").to_string()
    } else {
        let file = lower.rsplit('/').next().unwrap_or("");
        let file = file
            .strip_suffix(".gitlab-ci.yml")
            .or_else(|| file.strip_suffix(".gitlab-ci.yaml"))?;
        file.strip_suffix(".latest").unwrap_or(file).to_string()
    };
    GITLAB_SECURITY
        .iter()
        .find(|(s, _, _)| *s == stem)
        .map(|&(_, scanner, images)| (scanner, images))
}

#[cfg(test)]
mod unit {
    use super::*;

    fn tests_of(line: &str) -> Option<String> {
        scan_text(line).tests.map(|h| h.what)
    }

    #[test]
    fn all_patterns_compile() {
        for r in [
            &TESTS,
            &TEST_TOOLS,
            &DEPLOY,
            &DEPLOY_USES,
            &HEALTH_CALL,
            &CURL_FAIL,
            &SMOKE_CMD,
            &SMOKE_NAME,
            &SCAN,
        ] {
            assert!(r.is_some());
        }
    }

    #[test]
    fn test_commands_with_word_boundaries() {
        let yes = [
            ("cargo test --workspace", "cargo test"),
            ("cargo +nightly nextest run", "cargo +nightly nextest"),
            ("go test ./...", "go test"),
            ("npm test", "npm test"),
            ("npm run test:unit", "npm run test:unit"),
            ("pnpm test", "pnpm test"),
            ("yarn test --ci", "yarn test"),
            ("npx jest --coverage", "jest"),
            ("poetry run pytest -q", "pytest"),
            ("pytest tests/", "pytest"),
            ("CI=1 vitest run", "vitest"),
            ("./node_modules/.bin/mocha", "./node_modules/.bin/mocha"),
            ("mvn -B verify", "mvn -B verify"),
            ("./gradlew :app:test", "gradlew :app:test"),
            ("gradle check", "gradle check"),
            ("dotnet test", "dotnet test"),
            ("bundle exec rspec", "bundle exec rspec"),
            ("bundle exec rake test", "bundle exec rake test"),
            ("make test", "make test"),
            ("make -C api unit-test", "make -C api unit-test"),
            ("make run-telemetry-tests", "make run-telemetry-tests"),
            ("make docker_test", "make docker_test"),
            ("tox -e py312", "tox"),
            ("python -m pytest", "python -m pytest"),
            ("python -W error -m pytest", "python -W error -m pytest"),
            ("cargo hack test --feature-powerset", "cargo hack test"),
            ("${{ env.CARGO }} test --verbose", "CARGO }} test"),
            ("script/test -sv", "script/test"),
            ("./scripts/run-tests.sh", "./scripts/run-tests.sh"),
            ("bash run_tests.sh", "run_tests.sh"),
            ("bats/bin/bats --tap test", "bats/bin/bats"),
        ];
        for (line, want) in yes {
            assert_eq!(tests_of(line).as_deref(), Some(want), "{line}");
        }
        for no in [
            "cargo build --release",
            "cargo testify",
            "echo testing",
            "pip install pytest tox",
            "cp jest.config.js dist/",
            "make build",
            "make latest-release",
            "make contest",
            "# cargo test",
            "mycargo test",
            "npm install",
            "test -f Cargo.lock && echo ok",
            "cd tests && ls",
            "./tests/fixtures/setup.sh",
        ] {
            assert_eq!(tests_of(no), None, "{no}");
        }
    }

    #[test]
    fn rollback_and_restore_drills() {
        let rollback = |l: &str| scan_text(l).rollback.map(|h| h.what);
        let restore = |l: &str| scan_text(l).restore.map(|h| h.what);
        let deploy = |l: &str| scan_text(l).deploy.map(|h| h.what);
        for (line, what) in [
            (
                "kubectl -n staging rollout undo deploy/api",
                "kubectl -n staging rollout undo",
            ),
            (
                "kubectl argo rollouts abort api",
                "kubectl argo rollouts abort",
            ),
            ("helm rollback api 0 -n staging", "helm rollback"),
            ("argocd app rollback api", "argocd app rollback"),
            (
                "./scripts/rollback-drill.sh staging",
                "./scripts/rollback-drill.sh",
            ),
        ] {
            assert_eq!(rollback(line).as_deref(), Some(what), "{line}");
            assert_eq!(deploy(line), None, "a rollback is not a deploy: {line}");
        }
        for line in [
            "kubectl rollout status deploy/api",
            "helm upgrade --install api ./chart",
            "echo rollback",
            "# kubectl rollout undo deploy/api",
            "cat docs/rollback.md",
        ] {
            assert_eq!(rollback(line), None, "{line}");
        }
        assert_eq!(
            deploy("kubectl rollout restart deploy/api").as_deref(),
            Some("kubectl rollout")
        );
        for (line, what) in [
            ("pg_restore -d scratch latest.dump", "pg_restore"),
            (
                "aws rds restore-db-instance-to-point-in-time --source x",
                "aws rds restore-db-instance-to-point-in-time",
            ),
            (
                "aws backup start-restore-job --recovery-point-arn a",
                "aws backup start-restore-job",
            ),
            (
                "velero restore create --from-backup nightly",
                "velero restore create",
            ),
            (
                "gcloud sql backups restore 42 --restore-instance=s",
                "gcloud sql backups restore",
            ),
            ("mongorestore --uri $URI dump/", "mongorestore"),
            ("bash scripts/restore_check.py", "scripts/restore_check.py"),
        ] {
            assert_eq!(restore(line).as_deref(), Some(what), "{line}");
        }
        for line in [
            "npm ci --restore",
            "dotnet restore",
            "nuget restore",
            "git restore .",
        ] {
            assert_eq!(restore(line), None, "{line}");
        }
    }

    #[test]
    fn deploy_smoke_and_scanners() {
        let deploy = |l: &str| scan_text(l).deploy.map(|h| h.what);
        assert_eq!(
            deploy("kubectl -n prod apply -f k8s/").as_deref(),
            Some("kubectl -n prod apply")
        );
        assert_eq!(
            deploy("helm upgrade --install api ./chart").as_deref(),
            Some("helm upgrade")
        );
        assert_eq!(
            deploy("argocd app sync api").as_deref(),
            Some("argocd app sync")
        );
        assert_eq!(
            deploy("terraform -chdir=infra apply -auto-approve").as_deref(),
            Some("terraform -chdir=infra apply")
        );
        assert_eq!(
            deploy("aws ecs update-service --cluster c").as_deref(),
            Some("aws ecs update-service")
        );
        assert_eq!(
            deploy("gcloud run deploy api --image x").as_deref(),
            Some("gcloud run deploy")
        );
        assert_eq!(
            deploy("flyctl deploy --remote-only").as_deref(),
            Some("flyctl deploy")
        );
        assert_eq!(deploy("kubectl get pods | grep apply"), None);
        assert_eq!(deploy("brew install helm"), None);
        assert_eq!(deploy("terraform plan"), None);

        let smoke = |l: &str| scan_text(l).smoke.map(|h| h.what);
        assert_eq!(
            smoke("curl --fail https://api.example.com/healthz").as_deref(),
            Some("curl --fail https://api.example.com/healthz")
        );
        assert_eq!(
            smoke("curl -sSf $URL/health && echo ok").as_deref(),
            Some("curl -sSf $URL/health")
        );
        assert_eq!(smoke("curl https://api.example.com/health"), None);
        assert_eq!(smoke("k6 run smoke.js").as_deref(), Some("k6 run"));
        assert_eq!(
            smoke("./scripts/smoke-test.sh prod").as_deref(),
            Some("smoke-test.sh")
        );
        assert_eq!(
            smoke("newman run api.postman.json").as_deref(),
            Some("newman run")
        );

        let scan = |l: &str| scan_text(l).scan.map(|(_, s, i)| (s, i));
        assert_eq!(
            scan("trivy image --exit-code 1 app:1"),
            Some(("trivy", true))
        );
        assert_eq!(scan("trivy fs ."), Some(("trivy", false)));
        assert_eq!(
            scan("cargo deny check advisories"),
            Some(("cargo deny", false))
        );
        assert_eq!(
            scan("npm audit --audit-level=high"),
            Some(("npm audit", false))
        );
        assert_eq!(scan("govulncheck ./..."), Some(("govulncheck", false)));
        assert_eq!(
            scan("docker scout cves app:1"),
            Some(("docker scout", true))
        );
        assert_eq!(scan("cargo build"), None);

        let uses = |u: &str| {
            let f = scan_uses(u);
            (f.deploy.is_some(), f.scan.map(|(_, s, i)| (s, i)))
        };
        assert_eq!(
            uses("aquasecurity/trivy-action@0.28.0"),
            (false, Some(("trivy", true)))
        );
        assert_eq!(
            uses("anchore/scan-action@v4"),
            (false, Some(("anchore", true)))
        );
        assert_eq!(
            uses("github/codeql-action/analyze@v3"),
            (false, Some(("codeql", false)))
        );
        assert_eq!(
            uses("aws-actions/amazon-ecs-deploy-task-definition@v2"),
            (true, None)
        );
        assert_eq!(
            uses("google-github-actions/deploy-cloudrun@v2"),
            (true, None)
        );
        assert_eq!(uses("azure/k8s-deploy@v5"), (true, None));
        assert_eq!(uses("actions/checkout@v4"), (false, None));
    }

    #[test]
    fn names_and_templates() {
        for yes in [
            "smoke-test",
            "Smoke tests",
            "smoke_test",
            "post-deploy",
            "Post deploy checks",
            "synthetic",
            "healthcheck",
            "run_health-check",
        ] {
            assert!(is_smoke_name(yes), "{yes}");
        }
        for no in ["deploy", "test", "unhealthy", "e2e"] {
            assert!(!is_smoke_name(no), "{no}");
        }
        assert!(scan_text("make check").tests.is_some());
        assert!(scan_text("make -C src test-unit").tests.is_some());
        assert!(scan_text("make check-clean-work-tree").tests.is_none());
        assert!(is_production("production"));
        assert!(is_production("prod-eu"));
        assert!(!is_production("staging"));
        assert!(!is_production("product-demo"));
        assert_eq!(
            gitlab_security("Security/SAST.gitlab-ci.yml"),
            Some(("gitlab-sast", false))
        );
        assert_eq!(
            gitlab_security("Jobs/Container-Scanning.latest.gitlab-ci.yml"),
            Some(("gitlab-container-scanning", true))
        );
        assert_eq!(
            gitlab_security("$CI_SERVER_FQDN/components/secret-detection/secret-detection@1.0"),
            Some(("gitlab-secret-detection", false))
        );
        assert_eq!(gitlab_security("Auto-DevOps.gitlab-ci.yml"), None);
    }
}
