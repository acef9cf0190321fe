//! SEC-002 no-secrets-in-env: Environment variables whose name says they hold a secret get their
//! value from a secret reference, never from a literal written in the repository.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::code::name_words;
use launchgate_evidence::k8s::{EnvFromSource, EnvValue, VolumeSource};
use launchgate_evidence::terraform::TfValue;

use crate::kit::aws::unread_task_definitions;
use crate::kit::finish::Tally;
use crate::kit::workloads::{NO_WORKLOADS, spelled};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Environment variables whose name says they hold a secret get their value from a secret
    /// reference, never from a literal written in the repository.
    ///
    /// Where it looks:
    ///
    /// - Kubernetes containers and init containers: a secret-named variable uses
    ///   `valueFrom.secretKeyRef` (or comes from a Secret through `envFrom`, a CSI secrets
    ///   volume or External Secrets), not a non-empty `value:` and not a
    ///   `configMapKeyRef`.
    /// - Kubernetes ConfigMaps: no `data` key with a secret-looking name holds a literal value
    ///   (a ConfigMap is not a Secret: it is readable by anyone who can read the namespace's
    ///   configuration, and it is printed by `kubectl describe`).
    /// - ECS container definitions: a secret-named variable is passed through `secrets`
    ///   (`valueFrom` a Secrets Manager secret or SSM parameter), not `environment`. In ECS
    ///   even `value = var.db_password` fails: `environment` values are stored in clear text
    ///   in the task definition, whatever Terraform expression produced them.
    /// - Any variable (or ConfigMap value) whose literal embeds a password in a connection
    ///   string: `postgres://app:pw@db/app`, `user:pw@tcp(db:3306)/app`, `...;Password=pw`,
    ///   `?password=pw`.
    ///
    /// A name looks secret when one of its words (split at `_`, `-`, `.` and camelCase) is, or
    /// ends with, `PASSWORD`, `PASSWD`, `PASSPHRASE`, `SECRET`, `TOKEN`, `APIKEY`, `ACCESSKEY`,
    /// `PRIVATEKEY` or `CREDENTIAL(S)` (`PGPASSWORD`, `CLIENT_SECRET`, `GITHUB_TOKEN`), or
    /// when two words make `API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `SIGNING_KEY` or
    /// `ENCRYPTION_KEY`; `*_PWD` counts too (`PWD` alone is the working directory). Words
    /// match whole: `TOKENIZER_MODEL` and `PASSWORDLESS_LOGIN` are not secrets. A name whose
    /// last word describes the secret rather than holding it is not a secret either:
    /// `PASSWORD_FILE`, `TOKEN_TTL`, `SECRET_NAME`, `API_KEY_HEADER`, `JWT_SECRET_PATH`,
    /// `TOKEN_URL`, `ACCESS_KEY_ID`, `*_ARN`, `*_ENABLED`, `*_MIN_LENGTH`, ... (full list below).
    ///
    /// Values that are not secrets: an empty value, a value made only of references
    /// (`${DB_PASSWORD}` substituted at deploy time, or Kubernetes' `$(DB_PASSWORD)`), and a
    /// boolean (`REQUIRE_PASSWORD: "true"`). A placeholder such as `changeme` still fails: either
    /// someone replaces it in the file (a literal secret), or the service runs with it.
    ///
    /// Findings name the variable and where it is set, never its value.
    ///
    /// Docker Compose services are judged alike: a literal `environment` value is written in
    /// the Compose file; a bare `NAME` (passed from the shell or `.env` that runs Compose) and
    /// Compose `secrets` (files mounted under `/run/secrets`) are not literals.
    ///
    /// Qualifier words that make a name metadata: FILE(S), PATH, DIR, NAME(S), URL, URI,
    /// ENDPOINT, HOST, PORT, ARN, ID, REF, TTL, EXPIRY, EXPIRES, EXPIRATION, LIFETIME, TIMEOUT,
    /// DURATION, SECONDS, MINUTES, HOURS, DAYS, MS, LENGTH, LEN, SIZE, MIN, MAX, COUNT, LIMIT,
    /// HEADER, PARAM, FIELD, TYPE, FORMAT, ALGORITHM, VERSION, ENABLED, DISABLED, REQUIRED,
    /// POLICY, ROTATION, LOCATION, MOUNT, PREFIX, ISSUER, AUDIENCE, SCOPE(S), REGION, PROVIDER,
    /// STORE, KEY_ID.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// A literal in a manifest or task definition is a secret in Git history forever, in every
    /// clone, fork and CI log, and in the cluster's or AWS account's configuration where anyone
    /// who can read deployments can print it (`kubectl get deploy -o yaml`,
    /// `aws ecs describe-task-definition`). It cannot be rotated without a commit and a deploy,
    /// and the secret store's audit trail never sees who read it. While debugging, such values
    /// end up pasted into tickets and chat.
    ///
    /// ## How to fix
    /// Move the value into a secret store and reference it:
    /// Kubernetes `valueFrom: {secretKeyRef: {name: db, key: password}}` (with the Secret
    /// created by External Secrets, Sealed Secrets or the Secrets Store CSI driver rather than
    /// committed), ECS `secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]`.
    /// Then rotate the secret: the literal is already in Git history.
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
    ///           env:
    ///             - name: DB_PASSWORD
    ///               value: hunter2        # a literal secret in the manifest
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
    ///           image: registry.example.com/api:1.4.2
    ///           env:
    ///             - name: DB_PASSWORD
    ///               valueFrom:
    ///                 secretKeyRef: {name: api-db, key: password}
    ///             - name: TOKEN_TTL
    ///               value: "3600"
    /// ```
    /// ```hcl fails path=infra/ecs.tf
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([{
    ///     name  = "api"
    ///     image = "registry.example.com/api:1.4.2"
    ///     environment = [{ name = "STRIPE_API_KEY", value = var.stripe_key }]
    ///   }])
    /// }
    /// ```
    /// ```hcl passes path=infra/ecs.tf
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([{
    ///     name    = "api"
    ///     image   = "registry.example.com/api:1.4.2"
    ///     secrets = [{ name = "STRIPE_API_KEY", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe" }]
    ///   }])
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "no secrets in environment variables or config"; seed 003, "Security: secrets
    /// management"; the OWASP Secrets Management Cheat Sheet; Kubernetes documentation on
    /// using Secrets as environment variables; the AWS ECS developer guide on passing sensitive
    /// data to containers (`secrets` with `valueFrom`).
    pub struct NoSecretsInEnv {
        id: "SEC-002", slug: "no-secrets-in-env", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K T", effort: 2,
    }
}

impl Evaluate for NoSecretsInEnv {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let mut failures = Vec::new();
        let mut unknowns = unread_task_definitions(cx);
        let mut evidence = Vec::new();
        kubernetes(cx, &mut failures, &mut evidence);
        config_maps(cx, &mut failures, &mut evidence);
        ecs(cx, &mut failures, &mut unknowns, &mut evidence);
        Tally::judged(failures, unknowns, evidence).conclude(cx, "K T", NO_WORKLOADS)
    }
}

fn kubernetes(cx: &CheckContext<'_>, failures: &mut Vec<Finding>, evidence: &mut Vec<Finding>) {
    let k = &cx.evidence.kubernetes;
    for w in cx.evidence.container_workloads() {
        // A Rollout that borrows its template through `workloadRef` has no containers of its
        // own: the referenced workload is checked itself.
        for c in w.containers() {
            let resource = c.resource(w);
            let mut plain = 0usize;
            for var in &c.env {
                let secret_name = looks_secret(&var.name);
                match &var.value {
                    EnvValue::Literal(lit) => match judge_literal(&var.name, &lit.value) {
                        Some(problem) => failures.push(
                            Finding::new(format!(
                                "`{}` of {resource} {problem}; reference a Secret instead (`{}`)",
                                var.name,
                                spelled(w, "valueFrom.secretKeyRef")
                            ))
                            .at(Some(lit.loc.location()))
                            .resource(resource.clone()),
                        ),
                        None => plain += 1,
                    },
                    EnvValue::ConfigMapKeyRef { name, loc, .. } if secret_name => failures.push(
                        Finding::new(format!(
                            "`{}` of {resource} comes from ConfigMap `{}` (`configMapKeyRef`); a ConfigMap is not secret storage, reference a Secret instead",
                            var.name,
                            name.as_deref().unwrap_or("?")
                        ))
                        .at(Some(loc.location()))
                        .resource(resource.clone()),
                    ),
                    EnvValue::SecretKeyRef { name, loc, .. } if secret_name => evidence.push(
                        Finding::new(format!(
                            "`{}` of {resource} comes from Secret `{}`",
                            var.name,
                            name.as_deref().unwrap_or("?")
                        ))
                        .at(Some(loc.location()))
                        .resource(resource.clone()),
                    ),
                    _ => plain += 1,
                }
            }
            for ef in &c.env_from {
                if ef.source == EnvFromSource::Secret {
                    evidence.push(
                        Finding::new(format!(
                            "{resource} reads variables from Secret `{}` (`envFrom`)",
                            ef.name.as_deref().unwrap_or("?")
                        ))
                        .at(Some(ef.loc.location()))
                        .resource(resource.clone()),
                    );
                }
            }
            if plain > 0 || c.env.is_empty() {
                evidence.push(
                    Finding::new(format!(
                        "{resource}: no secret-looking variable has a literal value"
                    ))
                    .at(Some(c.loc.location()))
                    .resource(resource.clone()),
                );
            }
        }
        for v in &w.pod.volumes {
            if let VolumeSource::Other(kind) = &v.source
                && kind == "csi"
            {
                evidence.push(
                    Finding::new(format!(
                        "{} mounts CSI volume `{}` (a secrets store driver can provide secrets as files)",
                        w.resource(),
                        v.name
                    ))
                    .at(Some(v.loc.location()))
                    .resource(w.resource()),
                );
            }
        }
    }
    for o in k
        .objects
        .iter()
        .filter(|o| matches!(o.kind.as_str(), "ExternalSecret" | "SecretProviderClass"))
    {
        evidence.push(
            Finding::new(format!(
                "{} syncs secrets from a secret store",
                o.resource()
            ))
            .at(Some(o.kind_loc.location()))
            .resource(o.resource()),
        );
    }
}

fn config_maps(cx: &CheckContext<'_>, failures: &mut Vec<Finding>, evidence: &mut Vec<Finding>) {
    for cm in &cx.evidence.kubernetes.config_maps {
        let resource = cm.resource();
        let Some(data) = &cm.data else {
            continue;
        };
        let mut clean = 0usize;
        for e in data {
            match e
                .text
                .as_deref()
                .and_then(|text| judge_literal(&e.key, text))
            {
                Some(problem) => failures.push(
                    Finding::new(format!(
                        "key `{}` of {resource} {problem}; keep it in a Secret instead",
                        e.key
                    ))
                    .at(Some(e.key_loc.location()))
                    .resource(resource.clone()),
                ),
                None => clean += 1,
            }
        }
        if clean > 0 {
            evidence.push(
                Finding::new(format!(
                    "{resource}: no secret-looking key has a literal value"
                ))
                .at(Some(cm.kind_loc.location()))
                .resource(resource.clone()),
            );
        }
    }
}

fn ecs(
    cx: &CheckContext<'_>,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    for c in cx.evidence.terraform.ecs_containers() {
        let resource = c.resource();
        for field in ["environment", "secrets"] {
            if let Some(v) = c.definition.get(field)
                && !v.is_null()
                && v.as_list().is_none()
            {
                unknowns.push(
                    Finding::new(format!(
                        "the `{field}` of {resource} could not be read: {}",
                        describe_unknown(v)
                    ))
                    .at(Some(c.field_loc(field).location()))
                    .resource(resource.clone()),
                );
            }
        }
        let mut plain = 0usize;
        let entries = c
            .definition
            .get("environment")
            .and_then(TfValue::as_list)
            .unwrap_or_default();
        for (i, env) in c.environment.iter().enumerate() {
            let Some(name) = &env.name else {
                // An entry that is not an object, or whose name is an expression, cannot be
                // judged unless it is empty; an object without a name is rejected by ECS.
                let object = entries.get(i).and_then(TfValue::as_object);
                let nameless = object.is_some_and(|o| o.get("name").is_none_or(TfValue::is_null));
                let empty = env.value.is_null() || env.value.as_str() == Some("");
                if !(nameless || (object.is_some() && empty)) {
                    unknowns.push(
                        Finding::new(format!(
                            "an `environment` entry of {resource} has no literal name, so it cannot be told whether it holds a secret"
                        ))
                        .at(Some(env.loc.location()))
                        .resource(resource.clone()),
                    );
                }
                continue;
            };
            let problem = match &env.value {
                TfValue::String(s) => judge_literal(name, s),
                TfValue::Null | TfValue::Bool(_) | TfValue::Number(_) => None,
                // ECS `environment` is clear text in the task definition whatever produced
                // it: a secret-named variable there fails even when its value comes from a
                // variable or a resource attribute.
                other if looks_secret(name) => Some(format!(
                    "is passed in clear text through `environment` (its value comes from {})",
                    describe_unknown(other)
                )),
                _ => None,
            };
            match problem {
                Some(p) => failures.push(
                    Finding::new(format!(
                        "`{name}` of {resource} {p}; pass it through `secrets` with `valueFrom` instead"
                    ))
                    .at(Some(env.loc.location()))
                    .resource(resource.clone()),
                ),
                None => plain += 1,
            }
        }
        for s in &c.secrets {
            evidence.push(
                Finding::new(format!(
                    "`{}` of {resource} comes from `secrets` (`valueFrom`)",
                    s.name.as_deref().unwrap_or("?")
                ))
                .at(Some(s.loc.location()))
                .resource(resource.clone()),
            );
        }
        if plain > 0 || (c.environment.is_empty() && c.secrets.is_empty()) {
            evidence.push(
                Finding::new(format!(
                    "{resource}: no secret-looking variable is in `environment`"
                ))
                .at(Some(c.loc.location()))
                .resource(resource.clone()),
            );
        }
    }
}

/// A short description of a value that is not a literal, for messages (never a literal:
/// only references and reasons are shown).
fn describe_unknown(v: &TfValue) -> String {
    match v {
        TfValue::Ref(r) => format!("`{r}`"),
        TfValue::Unknown(why) => format!("an expression that is not evaluated ({why})"),
        _ => "a value that is not a list".to_string(),
    }
}

/// What is wrong with a literal value of variable (or ConfigMap key) `name`, if anything.
/// The answer never contains the value.
fn judge_literal(name: &str, value: &str) -> Option<String> {
    if has_embedded_password(value) {
        return Some("has a literal value with an embedded password".to_string());
    }
    if !looks_secret(name) || is_not_a_secret_value(value) {
        return None;
    }
    if is_placeholder(value) {
        Some(
            "is set to a literal placeholder (the real value would have to be written here too, or the service runs with the placeholder)"
                .to_string(),
        )
    } else {
        Some("is set to a literal value".to_string())
    }
}

/// Empty, only references (`${X}`, `$(X)`), or a boolean.
fn is_not_a_secret_value(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || only_references(v)
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled"
        )
}

/// Whether the text is made only of `${...}` / `$(...)` references (and whitespace).
fn only_references(text: &str) -> bool {
    let mut rest = text.trim();
    let mut any = false;
    while !rest.is_empty() {
        let close = if rest.starts_with("${") {
            '}'
        } else if rest.starts_with("$(") {
            ')'
        } else {
            return false;
        };
        let Some(end) = rest.find(close) else {
            return false;
        };
        any = true;
        rest = rest[end + 1..].trim_start();
    }
    any
}

/// Whether a (password) text is a reference rather than a literal.
fn is_reference(text: &str) -> bool {
    only_references(text) || text.starts_with('$') || text.starts_with("{{") || text == "%s"
}

const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "replaceme",
    "replace-me",
    "replace_me",
    "placeholder",
    "todo",
    "tbd",
    "xxx",
    "dummy",
    "example",
    "secret",
    "password",
];

fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    PLACEHOLDERS.contains(&v.as_str())
        || (v.starts_with('<') && v.ends_with('>'))
        || (!v.is_empty() && v.chars().all(|c| c == 'x' || c == '*'))
}

/// Whether a literal embeds a password: a URL with `user:password@`, a Go MySQL DSN
/// `user:password@tcp(...)`, or a `password=` / `pwd=` key of a connection string or query.
fn has_embedded_password(value: &str) -> bool {
    url_password(value) || dsn_password(value) || keyed_password(value)
}

fn url_password(value: &str) -> bool {
    let mut rest = value;
    while let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let end = after
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..end];
        if let Some((userinfo, _host)) = authority.rsplit_once('@')
            && let Some((_user, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !is_reference(password)
        {
            return true;
        }
        rest = after;
    }
    false
}

/// `user:pass@tcp(host:3306)/db`, `user:pass@unix(/sock)/db`, `user:pass@/db`.
fn dsn_password(value: &str) -> bool {
    let v = value.trim();
    if v.contains("://") {
        return false;
    }
    let Some((userinfo, rest)) = v.split_once('@') else {
        return false;
    };
    if !(rest.starts_with("tcp(") || rest.starts_with("unix(") || rest.starts_with('/')) {
        return false;
    }
    userinfo.split_once(':').is_some_and(|(user, password)| {
        !user.contains(char::is_whitespace) && !password.is_empty() && !is_reference(password)
    })
}

/// `Server=db;User Id=app;Password=pw;`, `host=db password=pw`, `...?user=app&password=pw`.
fn keyed_password(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    for key in ["password=", "pwd="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let at = from + i;
            let starts_word = lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| matches!(c, ';' | '?' | '&' | ' ' | '\t'));
            let tail = &value[at + key.len()..];
            let end = tail
                .find(|c: char| matches!(c, ';' | '&') || c.is_whitespace())
                .unwrap_or(tail.len());
            let password = tail[..end].trim_matches(|c| c == '\'' || c == '"');
            if starts_word && !password.is_empty() && !is_reference(password) {
                return true;
            }
            from = at + key.len();
        }
    }
    false
}

/// Words that hold a secret when a name's word is, or ends with, one of them (a trailing `S`
/// allowed).
const SECRET_STEMS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
];

/// Two-word secrets: `API_KEY`, `ACCESS_KEY`, ...
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("ACCESS", "KEY"),
    ("PRIVATE", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
];

/// Last words that make a secret-looking name describe the secret rather than hold it.
const QUALIFIERS: &[&str] = &[
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "NAME",
    "NAMES",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "ARN",
    "ID",
    "REF",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "TIMEOUT",
    "DURATION",
    "SECONDS",
    "MINUTES",
    "HOURS",
    "DAYS",
    "MS",
    "LENGTH",
    "LEN",
    "SIZE",
    "MIN",
    "MAX",
    "COUNT",
    "LIMIT",
    "HEADER",
    "PARAM",
    "FIELD",
    "TYPE",
    "FORMAT",
    "ALGORITHM",
    "VERSION",
    "ENABLED",
    "DISABLED",
    "REQUIRED",
    "POLICY",
    "ROTATION",
    "LOCATION",
    "MOUNT",
    "PREFIX",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "REGION",
    "PROVIDER",
    "STORE",
];

/// A name's words, upper-case (see [`name_words`]): `dbPassword` -> `DB PASSWORD`, `APIKey` ->
/// `API KEY`, `db.password` -> `DB PASSWORD`.
fn words(name: &str) -> Vec<String> {
    name_words(name)
        .into_iter()
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

/// Whether a variable or key name says it holds a secret (see the check's docs).
fn looks_secret(name: &str) -> bool {
    let w = words(name);
    let stem_hit = |t: &str| {
        let t = t.strip_suffix('S').filter(|s| !s.is_empty()).unwrap_or(t);
        SECRET_STEMS.iter().any(|s| t.ends_with(s)) || t == "CRED"
    };
    let mut hit: Option<usize> = None;
    for (i, t) in w.iter().enumerate() {
        let pair = w.get(i + 1).is_some_and(|n| {
            SECRET_PAIRS
                .iter()
                .any(|(a, b)| t == a && (n == b || n == &format!("{b}S")))
        });
        if pair {
            hit = Some(i + 1);
        } else if stem_hit(t) || (t == "PWD" && w.len() > 1) {
            hit = Some(i);
        }
    }
    let Some(last_hit) = hit else {
        return false;
    };
    let last = w.len() - 1;
    // `ACCESS_KEY_ID` / `KMS_KEY_ID`: identifiers, not secrets.
    let key_id = last >= 1 && w[last] == "ID" && w[last - 1] == "KEY";
    !((last > last_hit && QUALIFIERS.contains(&w[last].as_str())) || key_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_upper_case_words() {
        assert_eq!(words("dbPassword"), ["DB", "PASSWORD"]);
        assert_eq!(words("APIKey"), ["API", "KEY"]);
        assert_eq!(words("db.password"), ["DB", "PASSWORD"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY2"),
            ["AWS", "SECRET", "ACCESS", "KEY2"]
        );
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "PGPASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "JWT_SECRET",
            "CLIENT_SECRET",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "STRIPE_API_KEY",
            "APIKEY",
            "apiKey",
            "db.password",
            "SECRET_KEY_BASE",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON",
            "REDIS_PWD",
            "PRIVATE_KEY",
            "APP_SECRETS",
            "SMTP_PASSWD",
            "AccessToken",
        ] {
            assert!(looks_secret(n), "{n}");
        }
    }

    #[test]
    fn not_secret_names() {
        for n in [
            "TOKEN_TTL",
            "PASSWORD_FILE",
            "SECRET_NAME",
            "DB_PASSWORD_SECRET_ARN",
            "API_KEY_HEADER",
            "TOKENIZER_MODEL",
            "PASSWORDLESS_LOGIN",
            "PWD",
            "AWS_ACCESS_KEY_ID",
            "TOKEN_URL",
            "PASSWORD_MIN_LENGTH",
            "LOG_LEVEL",
            "KEY_PREFIX",
            "SECRETARY_EMAIL",
        ] {
            assert!(!looks_secret(n), "{n}");
        }
    }

    #[test]
    fn literal_judgement() {
        assert!(judge_literal("DB_PASSWORD", "hunter2").is_some());
        assert!(
            judge_literal("DB_PASSWORD", "changeme").is_some_and(|p| p.contains("placeholder"))
        );
        assert!(judge_literal("DB_PASSWORD", "").is_none());
        assert!(judge_literal("DB_PASSWORD", "${DB_PASSWORD}").is_none());
        assert!(judge_literal("DB_PASSWORD", "$(DB_PASSWORD)").is_none());
        assert!(judge_literal("REQUIRE_PASSWORD", "true").is_none());
        assert!(judge_literal("DATABASE_URL", "postgres://app:pw@db:5432/app").is_some());
        assert!(judge_literal("DATABASE_URL", "postgres://app@db:5432/app").is_none());
        assert!(judge_literal("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/app").is_none());
        assert!(judge_literal("DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db/app").is_none());
        assert!(judge_literal("MYSQL_DSN", "app:pw@tcp(db:3306)/app").is_some());
        assert!(judge_literal("CONNECTION_STRING", "Server=db;User Id=app;Password=pw;").is_some());
        assert!(
            judge_literal("JDBC_URL", "jdbc:postgresql://db/app?user=app&password=pw").is_some()
        );
        assert!(judge_literal("CONNECTION_STRING", "Server=db;Password=;").is_none());
        assert!(judge_literal("API_URL", "https://api.example.com/v1").is_none());
        // The message never contains the value.
        let msg = judge_literal("DB_PASSWORD", "hunter2").unwrap_or_default();
        assert!(!msg.contains("hunter2"));
    }
}
