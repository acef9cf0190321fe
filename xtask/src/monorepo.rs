//! A deterministic synthetic monorepo for the scan benchmark: many services, each with a
//! manifest, Kubernetes manifests, a Dockerfile, Terraform, alert rules, runbooks, CI, a
//! dependency manifest, source files and noise files. The same `scale` always gives the same
//! bytes, so figures from different runs and machines compare.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Services per unit of scale (1x is about 14,000 files and 70 MB).
pub const SERVICES_PER_SCALE: usize = 200;

/// Bumped whenever the generated content changes, so stale trees are regenerated.
pub const GENERATOR_VERSION: u32 = 4;

/// xorshift64*: tiny, deterministic, good enough to vary file sizes and names.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Totals of what was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
}

fn write(root: &Path, rel: &str, text: &str, stats: &mut Stats) -> io::Result<()> {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        fs::create_dir_all(d)?;
    }
    fs::write(p, text)?;
    stats.files += 1;
    stats.bytes += text.len() as u64;
    Ok(())
}

/// Writes the monorepo for `scale` into `root` (which must be empty or absent).
pub fn generate(root: &Path, scale: usize) -> io::Result<Stats> {
    let mut stats = Stats::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    write(
        root,
        "launchgate.yaml",
        &manifest("platform", 1),
        &mut stats,
    )?;
    write(root, ".gitignore", "/build/\n*.tmp\n", &mut stats)?;
    write(root, ".github/workflows/ci.yml", WORKFLOW, &mut stats)?;
    write(root, "CODEOWNERS", "* @acme/platform\n", &mut stats)?;
    for s in 0..scale * SERVICES_PER_SCALE {
        let name = format!("svc-{s:05}");
        let base = format!("services/{name}");
        let files: [(String, String); 15] = [
            (format!("{base}/launchgate.yaml"), manifest(&name, s % 3)),
            (
                format!("{base}/deploy/k8s.yaml"),
                kubernetes(&name, &mut rng),
            ),
            (format!("{base}/Dockerfile"), dockerfile(&name)),
            (
                format!("{base}/terraform/main.tf"),
                terraform(&name, &mut rng),
            ),
            (
                format!("{base}/terraform/variables.tf"),
                VARIABLES.to_string(),
            ),
            (format!("{base}/alerts/rules.yml"), alerts(&name)),
            (
                format!("{base}/runbooks/high-error-rate.md"),
                runbook(&name, "HighErrorRate"),
            ),
            (
                format!("{base}/runbooks/high-latency.md"),
                runbook(&name, "HighLatencyP99"),
            ),
            (
                format!("{base}/runbooks/rollback.md"),
                runbook(&name, "Rollback"),
            ),
            (
                format!("{base}/alerts/alertmanager.yml"),
                alertmanager(&name),
            ),
            (format!("{base}/reports/junit.xml"), junit(&name, &mut rng)),
            (format!("{base}/reports/lcov.info"), lcov(&mut rng)),
            (
                format!("{base}/reports/k6-summary.json"),
                k6_summary(&mut rng),
            ),
            (format!("{base}/package.json"), package_json(&name)),
            (
                format!("{base}/README.md"),
                format!("# {name}\n\nServes things. See runbooks/.\n"),
            ),
        ];
        for (rel, text) in &files {
            write(root, rel, text, &mut stats)?;
        }
        for i in 0..42 {
            let (ext, text) = source(&name, i, &mut rng);
            write(
                root,
                &format!("{base}/src/mod{i:02}.{ext}"),
                &text,
                &mut stats,
            )?;
        }
        for i in 0..16 {
            let (rel, text) = noise(i, &mut rng);
            write(root, &format!("{base}/{rel}"), &text, &mut stats)?;
        }
    }
    Ok(stats)
}

fn manifest(name: &str, tier: usize) -> String {
    format!(
        "version: 1\nservice: {name}\ntier: {tier}\nowner: team-{}\nexposure: internal\ndata: persistent\n\
         dependencies:\n  - name: postgres\n    kind: database\n    timeout_ms: 500\n    retries: 2\n\
         request_timeout_ms: 2000\nclaims:\n  structured_logging: true\n",
        name.len() % 7
    )
}

fn kubernetes(name: &str, rng: &mut Rng) -> String {
    let replicas = 2 + rng.below(3);
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\n\
spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 1\n\
  template:\n    metadata:\n      labels:\n        app: {name}\n      annotations:\n        prometheus.io/scrape: \"true\"\n\
    spec:\n      serviceAccountName: {name}\n      automountServiceAccountToken: false\n      terminationGracePeriodSeconds: 45\n\
      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n\
      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: topology.kubernetes.io/zone\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels:\n              app: {name}\n\
      containers:\n        - name: server\n          image: registry.example.com/{name}:1.{replicas}.0\n\
          ports:\n            - containerPort: 8080\n          env:\n            - name: LOG_FORMAT\n              value: json\n\
            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: {name}-db\n                  key: password\n\
          resources:\n            requests:\n              cpu: 250m\n              memory: 256Mi\n            limits:\n              memory: 512Mi\n\
          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n\
          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n            initialDelaySeconds: 10\n\
          lifecycle:\n            preStop:\n              exec:\n                command: [\"sleep\", \"5\"]\n\
          securityContext:\n            readOnlyRootFilesystem: true\n            allowPrivilegeEscalation: false\n            capabilities:\n              drop: [\"ALL\"]\n\
---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n\
---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n  minReplicas: 2\n  maxReplicas: 10\n\
---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: {name}\n\
---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\nspec:\n  podSelector:\n    matchLabels:\n      app: {name}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector: {{}}\n"
    )
}

fn dockerfile(name: &str) -> String {
    format!(
        "# syntax=docker/dockerfile:1\nFROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/{name} ./cmd/{name}\n\n\
         FROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out/{name} /{name}\nUSER 65532:65532\nEXPOSE 8080\nENTRYPOINT [\"/{name}\"]\n"
    )
}

const VARIABLES: &str = "variable \"retention_days\" {\n  type    = number\n  default = 35\n}\n\nvariable \"environment\" {\n  default = \"prod\"\n}\n";

fn terraform(name: &str, rng: &mut Rng) -> String {
    let size = ["db.t4g.medium", "db.r6g.large", "db.r6g.xlarge"][rng.below(3) as usize];
    format!(
        "locals {{\n  name = \"{name}\"\n}}\n\n\
resource \"aws_db_instance\" \"main\" {{\n  identifier              = local.name\n  engine                  = \"postgres\"\n  instance_class          = \"{size}\"\n  allocated_storage       = 50\n  storage_encrypted       = true\n  backup_retention_period = var.retention_days\n  deletion_protection     = true\n  multi_az                = true\n  skip_final_snapshot     = false\n}}\n\n\
resource \"aws_sqs_queue\" \"dlq\" {{\n  name = \"${{local.name}}-dlq\"\n}}\n\n\
resource \"aws_sqs_queue\" \"jobs\" {{\n  name = \"${{local.name}}-jobs\"\n  redrive_policy = jsonencode({{\n    deadLetterTargetArn = aws_sqs_queue.dlq.arn\n    maxReceiveCount     = 5\n  }})\n}}\n\n\
resource \"aws_cloudwatch_log_group\" \"app\" {{\n  name              = \"/svc/${{local.name}}\"\n  retention_in_days = 30\n}}\n\n\
resource \"aws_security_group\" \"app\" {{\n  name = local.name\n  ingress {{\n    from_port   = 8080\n    to_port     = 8080\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }}\n}}\n"
    )
}

fn alerts(name: &str) -> String {
    format!(
        "groups:\n  - name: {name}\n    rules:\n\
      - alert: HighErrorRate\n        expr: sum(rate(http_requests_total{{job=\"{name}\",code=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{job=\"{name}\"}}[5m])) > 0.05\n        for: 5m\n        labels:\n          severity: page\n        annotations:\n          summary: High error rate\n          runbook_url: runbooks/high-error-rate.md\n\
      - alert: HighLatencyP99\n        expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{job=\"{name}\"}}[5m]))) > 0.5\n        for: 10m\n        labels:\n          severity: page\n        annotations:\n          summary: High latency\n          runbook_url: runbooks/high-latency.md\n"
    )
}

fn alertmanager(name: &str) -> String {
    format!(
        "route:\n  receiver: {name}-slack\n  routes:\n    - matchers: ['severity=\"page\"']\n      receiver: {name}-pager\nreceivers:\n  - name: {name}-slack\n    slack_configs:\n      - channel: '#{name}'\n  - name: {name}-pager\n    pagerduty_configs:\n      - routing_key_file: /etc/alertmanager/{name}\n"
    )
}

fn junit(name: &str, rng: &mut Rng) -> String {
    let n = 20 + rng.below(40);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"0\" errors=\"0\" timestamp=\"2026-11-18T09:00:00Z\">\n"
    );
    for i in 0..n {
        let _ = writeln!(
            out,
            "    <testcase classname=\"{name}.integration\" name=\"test_{i:03}\" time=\"0.{:03}\"/>",
            rng.below(1000)
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn lcov(rng: &mut Rng) -> String {
    let mut out = String::from("TN:\n");
    for f in 0..8 {
        let _ = writeln!(out, "SF:src/mod{f:02}.ts");
        let lines = 40 + rng.below(80);
        let mut hit = 0;
        for l in 1..=lines {
            let h = u64::from(rng.below(10) < 9);
            hit += h;
            let _ = writeln!(out, "DA:{l},{h}");
        }
        let _ = writeln!(out, "LF:{lines}\nLH:{hit}\nend_of_record");
    }
    out
}

fn k6_summary(rng: &mut Rng) -> String {
    let rate = 400 + rng.below(300);
    format!(
        "{{\"root_group\": {{\"name\": \"\", \"groups\": [], \"checks\": []}},\n \"state\": {{\"testRunDurationMs\": 300000}},\n \"metrics\": {{\"http_reqs\": {{\"type\": \"counter\", \"values\": {{\"count\": {}, \"rate\": {rate}}}}},\n  \"http_req_duration\": {{\"type\": \"trend\", \"values\": {{\"p(95)\": 41.5}}, \"thresholds\": {{\"p(95)<200\": {{\"ok\": true}}}}}}}}}}\n",
        rate * 300
    )
}

fn runbook(name: &str, alert: &str) -> String {
    let mut s = format!(
        "# {alert} on {name}\n\n## Impact\n\nUsers see errors.\n\n## Triage\n\nCheck the dashboard.\n\n## Mitigate\n\n```sh\nkubectl -n {name} rollout undo deployment/{name}\n```\n\n## Escalate\n\nPage the secondary on-call.\n"
    );
    for i in 0..20 {
        let _ = writeln!(
            s,
            "- step {i}: look at the logs of {name} and compare with the last deploy."
        );
    }
    s
}

fn package_json(name: &str) -> String {
    format!(
        "{{\n  \"name\": \"{name}\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {{\n    \"pino\": \"^9.0.0\",\n    \"@opentelemetry/api\": \"^1.9.0\",\n    \"prom-client\": \"^15.1.0\",\n    \"opossum\": \"^8.1.0\"\n  }}\n}}\n"
    )
}

const WORDS: [&str; 24] = [
    "request", "response", "handler", "config", "timeout", "retry", "client", "server", "token",
    "password", "order", "payment", "user", "session", "cache", "queue", "message", "error",
    "logger", "metrics", "context", "deadline", "secret", "value",
];

/// A source file of one of four languages, shaped like real service code (imports, functions that
/// read configuration, log, call a helper and return). Four of a service's 42 files call another
/// service over HTTP (one per language) and one Go file runs the service's HTTP server: 5 of 42
/// (12%) hold what the source layer reads, as about 10% of the source files of the corpora's
/// microservices-demo and opentelemetry-demo do. The others use words a loose prefilter would
/// take for a client (`requests` in a docstring, `repo.fetchOrders(...)`, a wiki URL). Every
/// function logs, as service code does, a step and a counter (generator 4; generator 3
/// logged a value named after the function's parameter, `password` or `token` in a quarter of
/// them, which no real service does and which made most files OBS-014 failures); the words
/// `password`, `token` and `secret` stay in parameter, function and variable names.
fn source(name: &str, i: usize, rng: &mut Rng) -> (&'static str, String) {
    let ext = ["go", "py", "ts", "java"][i % 4];
    let lines = 50 + rng.below(70) as usize;
    let http = i.is_multiple_of(11);
    let serve = i == 4;
    let mut s = String::new();
    let pkg = name.replace('-', "_");
    match ext {
        "go" => {
            let _ = writeln!(
                s,
                "// Package {pkg} module {i}.\npackage {pkg}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"log/slog\"\n\t\"os\""
            );
            if http {
                s.push_str("\t\"net/http\"\n\t\"time\"\n)\n\nvar client = &http.Client{Timeout: 5 * time.Second}\n\n");
            } else if serve {
                s.push_str("\t\"net/http\"\n\t\"time\"\n)\n\n// Serve runs the API; see https://wiki.internal/runbooks for the ports.\nfunc Serve(h http.Handler) error {\n\tsrv := &http.Server{Addr: \":8080\", Handler: h, ReadHeaderTimeout: 5 * time.Second}\n\treturn srv.ListenAndServe()\n}\n\n");
            } else {
                s.push_str(")\n\n");
            }
        }
        "py" => {
            let _ = writeln!(
                s,
                "\"\"\"{name} module {i}.\"\"\"\nimport logging\nimport os"
            );
            if http {
                s.push_str("\nimport requests\n\nsession = requests.Session()\n");
            } else {
                s.push_str("\n# Handles requests the queue hands over; see https://wiki.internal/queues.\n");
            }
            s.push_str("\nlog = logging.getLogger(__name__)\n\n");
        }
        "ts" => {
            let _ = writeln!(
                s,
                "// {name} module {i}\nimport {{ logger }} from './logger';"
            );
            if http {
                s.push_str("import axios from 'axios';\n\nconst api = axios.create({ baseURL: 'https://api.internal', timeout: 2000 });\n");
            }
            s.push('\n');
        }
        _ => {
            let _ = writeln!(
                s,
                "package com.acme.{pkg};\n\nimport java.time.Duration;\nimport org.slf4j.Logger;"
            );
            if http {
                s.push_str("import java.net.URI;\nimport java.net.http.HttpClient;\nimport java.net.http.HttpRequest;\n");
            }
            let _ = writeln!(
                s,
                "\npublic class Mod{i:02} {{\n    private static final Logger log = org.slf4j.LoggerFactory.getLogger(Mod{i:02}.class);"
            );
            if http {
                s.push_str("    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();\n");
            }
            s.push('\n');
        }
    }
    let mut line = 0usize;
    while s.lines().count() < lines {
        let a = WORDS[rng.below(WORDS.len() as u64) as usize];
        let b = WORDS[rng.below(WORDS.len() as u64) as usize];
        let (au, bu) = (a.to_uppercase(), b.to_uppercase());
        let call = http && line.is_multiple_of(3);
        match ext {
            "go" => {
                let _ = writeln!(
                    s,
                    "func {a}{line}(ctx context.Context, {a} string) error {{\n\tv := os.Getenv(\"{au}_{bu}\")\n\tslog.InfoContext(ctx, \"step handled\", \"step\", \"s{line}\", \"n\", {line})"
                );
                if call {
                    let _ = writeln!(
                        s,
                        "\tresp, err := client.Get(\"https://api.internal/{a}/\" + v)\n\tif err != nil {{\n\t\treturn fmt.Errorf(\"{b}: %w\", err)\n\t}}\n\tdefer resp.Body.Close()"
                    );
                }
                let _ = writeln!(
                    s,
                    "\tif err := do{line}(v); err != nil {{\n\t\treturn fmt.Errorf(\"{b}: %w\", err)\n\t}}\n\t// {a} and {b} must agree; see the design notes for why the {b} is checked twice\n\treturn nil\n}}\n"
                );
            }
            "py" => {
                let _ = writeln!(
                    s,
                    "def {a}_{b}_{line}({a}):\n    v = os.environ.get(\"{au}_{bu}\")\n    log.info(\"step handled\", extra={{\"step\": \"s{line}\", \"n\": {line}}})"
                );
                if call {
                    let _ = writeln!(
                        s,
                        "    r = session.get(f\"https://api.internal/{a}/{{v}}\", timeout=5)\n    r.raise_for_status()"
                    );
                }
                let _ = writeln!(
                    s,
                    "    if not do_{b}(v):\n        raise ValueError(\"{b}\")\n    # {a} and {b} must agree; see the design notes for why the {b} is checked twice\n    return None\n\n"
                );
            }
            "ts" => {
                let _ = writeln!(
                    s,
                    "export async function {a}{line}({a}: string): Promise<void> {{\n  const v = process.env.{au}_{bu};\n  logger.info({{ step: 's{line}', n: {line} }}, 'step handled');"
                );
                if call {
                    let _ = writeln!(s, "  await api.get(`/{a}/${{v}}`);");
                } else if line.is_multiple_of(4) {
                    let _ = writeln!(s, "  await repo.fetch{au}(v);");
                }
                let _ = writeln!(
                    s,
                    "  if (!(await do{line}(v))) {{\n    throw new Error('{b}');\n  }}\n  // {a} and {b} must agree; see the design notes for why the {b} is checked twice\n}}\n"
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "    public void {a}{line}(String {a}) throws Exception {{\n        String v = System.getenv(\"{au}_{bu}\");\n        log.info(\"step {{}} handled {{}}\", \"s{line}\", {line});"
                );
                if call {
                    let _ = writeln!(
                        s,
                        "        HttpRequest req = HttpRequest.newBuilder(URI.create(\"https://api.internal/{a}\")).timeout(Duration.ofSeconds(3)).build();\n        client.send(req, java.net.http.HttpResponse.BodyHandlers.discarding());"
                    );
                }
                let _ = writeln!(
                    s,
                    "        if (!do{line}(v)) {{\n            throw new IllegalStateException(\"{b}\");\n        }}\n        // {a} and {b} must agree; see the design notes for why the {b} is checked twice\n    }}\n"
                );
            }
        }
        line += 1;
    }
    if ext == "java" {
        s.push_str("}\n");
    }
    (ext, s)
}

fn noise(i: usize, rng: &mut Rng) -> (String, String) {
    let mut s = String::new();
    match i % 4 {
        0 => {
            s.push_str("[\n");
            for r in 0..(60 + rng.below(80)) {
                let _ = writeln!(
                    s,
                    "  {{\"id\": {r}, \"name\": \"item-{r}\", \"price\": {}.{:02}, \"tags\": [\"a\", \"b\"]}},",
                    rng.below(500),
                    rng.below(100)
                );
            }
            s.push_str("  {}\n]\n");
            (format!("testdata/items{i:02}.json"), s)
        }
        1 => {
            for r in 0..(100 + rng.below(100)) {
                let _ = writeln!(
                    s,
                    "{r},customer-{},{},{}",
                    rng.below(10_000),
                    rng.below(1_000),
                    rng.below(2) == 1
                );
            }
            (format!("testdata/table{i:02}.csv"), s)
        }
        2 => {
            for r in 0..(80 + rng.below(80)) {
                let _ = writeln!(
                    s,
                    "2026-11-{:02}T10:{:02}:00Z INFO request handled path=/api/v1/orders/{r} status=200 duration_ms={}",
                    1 + rng.below(28),
                    rng.below(60),
                    rng.below(900)
                );
            }
            (format!("logs/sample{i:02}.log"), s)
        }
        _ => {
            for r in 0..(40 + rng.below(40)) {
                let _ = writeln!(
                    s,
                    "Paragraph {r}: the service keeps orders in a queue and retries them with backoff; operators read the runbooks first."
                );
            }
            (format!("docs/notes{i:02}.txt"), s)
        }
    }
}

const WORKFLOW: &str = "name: ci\non:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n";
