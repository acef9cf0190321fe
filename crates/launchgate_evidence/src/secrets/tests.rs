//! Tests of the secret scanner: one planted fake secret per rule (built at run time from
//! pieces, so this file holds no complete token), placeholders and references, allow markers,
//! JWT decoding, URL credentials, character columns, redaction, and robustness.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::values::{entropy, entropy_ratio, generic_value_ok};
use super::*;

const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &str = "0123456789abcdef";

/// Deterministic pseudo-random text over `alphabet` (xorshift), different per seed.
fn rnd(seed: u64, alphabet: &str, len: usize) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

fn b64(bytes: &[u8], url: bool) -> String {
    let alphabet: Vec<char> = if url { B64URL } else { B64 }.chars().collect();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize]);
        }
        if !url {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

fn run(path: &str, text: &str) -> Vec<SecretFinding> {
    let src = Source::new(path, text);
    // As the walker does: YAML files arrive with their documents.
    let docs = super::is_yaml(path)
        .then(|| crate::yaml::load_all(&src).ok())
        .flatten();
    scan(&src, docs.as_deref())
}

fn reported(path: &str, text: &str) -> Vec<SecretFinding> {
    run(path, text)
        .into_iter()
        .filter(|f| f.allowed.is_none())
        .collect()
}

fn pem_body(seed: u64) -> String {
    (0..6)
        .map(|i| rnd(seed + i, B64, 64))
        .collect::<Vec<_>>()
        .join("\n")
}

fn jwt(header: &str, payload: &str, seed: u64) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes(), true),
        b64(payload.as_bytes(), true),
        rnd(seed, B64URL, 43)
    )
}

/// One planted secret: the file, its text, and the exact value, line and column expected.
struct Plant {
    rule: &'static str,
    path: &'static str,
    text: String,
    value: String,
    line: u32,
    column: u32,
}

fn plant(rule: &'static str, path: &'static str, before: &str, value: &str, after: &str) -> Plant {
    let prefix_lines: Vec<&str> = before.split('\n').collect();
    let line = prefix_lines.len() as u32;
    let column = prefix_lines.last().unwrap().chars().count() as u32 + 1;
    Plant {
        rule,
        path,
        text: format!("{before}{value}{after}"),
        value: value.to_string(),
        line,
        column,
    }
}

fn plants() -> Vec<Plant> {
    let key_id = format!("{}{}", "AK", "IA") + &rnd(1, UPPER_DIGITS, 16);
    let aws_secret = rnd(2, B64, 40);
    let pk_inner = format!("{}\\n{}", "-----BEGIN PRIVATE KEY-----", rnd(3, B64, 64))
        + "\\n"
        + &rnd(4, B64, 64)
        + "\\n-----END PRIVATE KEY-----\\n";
    let rsa = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
        pem_body(5)
    );
    let azure = rnd(6, B64, 86) + "==";
    let sas = rnd(7, B64, 43) + "=";
    let ghp = format!("{}{}", "gh", "p_") + &rnd(8, ALNUM, 36);
    let pat = format!("{}{}", "github", "_pat_") + &rnd(9, ALNUM, 22) + "_" + &rnd(10, ALNUM, 59);
    let glpat = format!("{}{}", "glp", "at-") + &rnd(11, ALNUM, 20);
    let xoxb = format!("{}{}", "xo", "xb-") + "2840193857-5927381046-" + &rnd(12, ALNUM, 24);
    let xapp = format!("{}{}", "xa", "pp-") + "1-A05QWERTY9-6183920475-" + &rnd(13, HEX, 64);
    let hook = format!("https://hooks.{}.com/services/", "slack")
        + "T04QJ8K2Z/B07HX3M9V/"
        + &rnd(14, ALNUM, 24);
    let stripe = format!("{}{}", "sk_li", "ve_") + &rnd(15, ALNUM, 99);
    let stripe_test = format!("{}{}", "rk_te", "st_") + &rnd(40, ALNUM, 99);
    let gcp = format!("{}{}", "AI", "za") + &rnd(41, B64URL, 35);
    let twilio_key = format!("S{}", "K") + &rnd(16, HEX, 32);
    let twilio_token = rnd(17, HEX, 32);
    let sendgrid = format!("S{}", "G.") + &rnd(18, B64URL, 22) + "." + &rnd(19, B64URL, 43);
    let npm = format!("{}{}", "np", "m_") + &rnd(20, ALNUM, 36);
    let pypi = format!("{}{}", "pypi-AgEIcH", "lwaS5vcmc") + &rnd(21, B64URL, 120);
    let token = jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"svc-billing","iat":1700000000}"#,
        22,
    );
    let url_pass = "Vq8!nT3zLw9e";
    let kube_b64 = b64(b"Zr7!kQ2vX9mLp4", false);
    vec![
        plant(
            "aws-access-key-id",
            ".env",
            "# deploy\nAWS_ACCESS_KEY_ID=",
            &key_id,
            "\n",
        ),
        plant(
            "aws-secret-access-key",
            "credentials",
            "[default]\naws_access_key_id = X\naws_secret_access_key = ",
            &aws_secret,
            "\n",
        ),
        plant(
            "gcp-service-account-key",
            "sa.json",
            "{\n  \"type\": \"service_account\",\n  \"private_key\": \"",
            &pk_inner,
            "\",\n}\n",
        ),
        plant("private-key", "keys/id_rsa", "\n", &rsa, "\n"),
        plant(
            "azure-storage-account-key",
            "appsettings.json",
            "{\"Storage\": \"DefaultEndpointsProtocol=https;AccountName=prodacct;AccountKey=",
            &azure,
            ";EndpointSuffix=core.windows.net\"}\n",
        ),
        plant(
            "azure-shared-access-key",
            "bus.env",
            "SB=Endpoint=sb://prod.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=",
            &sas,
            "\n",
        ),
        plant("github-token", "ci.yaml", "env:\n  GH_TOKEN: ", &ghp, "\n"),
        plant(
            "github-fine-grained-token",
            "notes.txt",
            "use ",
            &pat,
            " here\n",
        ),
        plant("gitlab-token", "Makefile", "TOKEN := ", &glpat, "\n"),
        plant(
            "slack-token",
            "bot.py",
            "client = WebClient(\"",
            &xoxb,
            "\")\n",
        ),
        plant("slack-token", "app.env", "SLACK_APP=", &xapp, "\n"),
        plant(
            "slack-webhook-url",
            "alerts.yaml",
            "receivers:\n  url: '",
            &hook,
            "'\n",
        ),
        plant(
            "stripe-secret-key",
            "pay.rb",
            "Stripe.api_key = '",
            &stripe,
            "'\n",
        ),
        plant(
            "stripe-test-secret-key",
            "pay_test.rb",
            "Stripe.api_key = '",
            &stripe_test,
            "'\n",
        ),
        plant(
            "gcp-api-key",
            "maps.js",
            "const maps = loadMaps({ key: '",
            &gcp,
            "' });\n",
        ),
        plant(
            "twilio-api-key",
            "sms.env",
            "TWILIO_API_KEY=",
            &twilio_key,
            "\n",
        ),
        plant(
            "twilio-auth-token",
            "sms2.env",
            "TWILIO_AUTH_TOKEN=",
            &twilio_token,
            "\n",
        ),
        plant(
            "sendgrid-api-key",
            "mail.go",
            "key := \"",
            &sendgrid,
            "\"\n",
        ),
        plant(
            "npm-token",
            ".npmrc",
            "//registry.npmjs.org/:_authToken=",
            &npm,
            "\n",
        ),
        plant(
            "pypi-token",
            ".pypirc",
            "[pypi]\nusername = __token__\npassword = ",
            &pypi,
            "\n",
        ),
        plant("jwt", "client.ts", "const auth = `Bearer ", &token, "`;\n"),
        plant(
            "url-credentials",
            "compose.yml",
            "services:\n  api:\n    environment:\n      DATABASE_URL: postgres://billing:",
            url_pass,
            "@db.prod.internal:5432/billing\n",
        ),
        plant(
            "kubernetes-secret-literal",
            "k8s/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ",
            &kube_b64,
            "\n",
        ),
        plant(
            "generic-secret",
            "config/app.yaml",
            "db:\n  password: \"",
            "Xk9#mP2qR7vL",
            "\"\n",
        ),
        plant(
            "generic-secret",
            "src/client.py",
            "API_KEY = \"",
            &rnd(23, ALNUM, 32),
            "\"\n",
        ),
        plant(
            "generic-secret",
            "app.properties",
            "spring.datasource.password=",
            "Tr0ub4dor&3xQ",
            "\n",
        ),
        plant(
            "sql-password",
            "db/init.sql",
            "-- Create application user\nCREATE USER shop_app WITH PASSWORD '",
            "Qm4vT9xLp2Wk",
            "';\n",
        ),
        plant(
            "env-file-password",
            ".env",
            "POSTGRES_HOST=db\nPOSTGRES_PASSWORD=",
            "changeit",
            "\n",
        ),
        plant(
            "generic-secret",
            "web.xml",
            "<config>\n  <clientSecret>",
            &rnd(24, ALNUM, 24),
            "</clientSecret>\n",
        ),
    ]
}

#[test]
fn every_rule_finds_its_planted_secret_at_the_exact_location() {
    let planted = plants();
    let mut covered: Vec<&str> = Vec::new();
    for p in &planted {
        let found = reported(p.path, &p.text);
        assert_eq!(found.len(), 1, "{}: {found:?}", p.rule);
        let f = &found[0];
        assert_eq!(
            (f.rule, f.loc.line, f.loc.column),
            (p.rule, p.line, p.column),
            "{}",
            p.path
        );
        assert_eq!(&p.text[f.loc.start..f.loc.end], p.value, "{}", p.rule);
        assert_eq!(f.redacted, redact(&p.value));
        assert_eq!(&*f.loc.path, p.path);
        covered.push(p.rule);
    }
    for (id, _) in rules() {
        assert!(
            covered.contains(&id) || id == "bare-allow-marker",
            "no planted secret for {id}"
        );
    }
}

#[test]
fn findings_never_hold_the_secret_value() {
    for p in plants() {
        for f in run(p.path, &p.text) {
            let debug = format!("{f:?}");
            let shown = f.to_string();
            // A secret's middle part (well past the four characters redaction shows).
            let n = p.value.chars().count();
            let middle: String = p.value.chars().skip(n / 3).take(n / 3).collect();
            for s in [&debug, &shown, &f.redacted, &f.description] {
                assert!(!s.contains(&p.value), "{}: {s}", p.rule);
                assert!(!s.contains(&middle), "{}: {s}", p.rule);
            }
            let secrets = assemble(vec![f]);
            assert!(!format!("{secrets:?}").contains(&middle));
        }
    }
}

#[test]
fn redaction_shows_at_most_four_characters_and_a_quarter() {
    let value = format!("{}{}", "gh", "p_") + &rnd(30, ALNUM, 36);
    assert_eq!(redact(&value), "ghp_\u{2026} (40 chars)");
    assert_eq!(redact("Xk9#mP2q"), "Xk\u{2026} (8 chars)");
    assert_eq!(redact("abc"), "\u{2026} (3 chars)");
    assert_eq!(redact("ключ-ключ-ключ-ключ"), "ключ\u{2026} (19 chars)");
}

#[test]
fn placeholders_references_and_example_keys_are_not_reported() {
    let example_id = format!("AKIA{}", "IOSFODNN7EXAMPLE");
    let example_secret = format!("wJalrXUtnFEMI/K7MDENG/{}", "bPxRfiCYEXAMPLEKEY");
    let lines = [
        "password: changeme".to_string(),
        "password: <password>".to_string(),
        "api_key: your-api-key".to_string(),
        "api_key: \"xxxxxxxxxxxxxxxxxxxxxxxx\"".to_string(),
        "password: \"********\"".to_string(),
        "secret: example-secret-value-1234".to_string(),
        "password: dummy_Pw_9999".to_string(),
        "token: test-token-0123456789".to_string(),
        "password: fake-Pass-123!".to_string(),
        "api_key: sample_4f9a8b7c6d5e".to_string(),
        "password: REDACTED".to_string(),
        "password: ...".to_string(),
        "password: ${DB_PASSWORD}".to_string(),
        "password: $DB_PASSWORD".to_string(),
        "password: \"{{ .Values.db.password }}\"".to_string(),
        "password: \"%(db_password)s\"".to_string(),
        "api_key: ${{ secrets.API_KEY }}".to_string(),
        "password: ENC[AES256_GCM,data:Q2x9aPq8,iv:Zx8=,tag:Yw==,type:str]".to_string(),
        "password:".to_string(),
        "password: \"\"".to_string(),
        format!("aws_access_key_id = {example_id}"),
        format!("aws_secret_access_key = {example_secret}"),
        format!(
            "token: {}{}",
            "gh", "p_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ),
        format!(
            "url: https://hooks.{}.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "slack"
        ),
        format!("key: {}{}", "sk_live_", "0123456789abcdefghijklmnop"),
    ];
    for line in &lines {
        assert_eq!(reported("config.yaml", line), vec![], "{line}");
    }
    let code = [
        "password = os.environ[\"DB_PASSWORD\"]",
        "const token = process.env.API_TOKEN;",
        "api_key = settings.API_KEY",
        "let password = std::env::var(\"DB_PASSWORD\")?;",
    ];
    for line in code {
        assert_eq!(reported("src/app.py", line), vec![], "{line}");
    }
}

#[test]
fn low_entropy_words_and_metadata_names_are_not_reported() {
    let lines = [
        "password: hunter2",
        "password: Passwort",
        "password: Summer2024",
        "password: postgres",
        "password: aaaabbbb1111",
        "token: build-artifacts-v2-2024",
        "secret_name: db-credentials-prod-7f9a2c",
        "token_url: https://oauth2.example.net/token",
        "tokenUrl: https://auth.internal/oauth/token",
        "password_min_length: 12",
        "private_key: /etc/ssl/private/server-2024.key",
        "secretName: tls-cert-9f8e7d6c5b4a",
        "api_key_header: X-Api-Key",
        "secret: true",
        "max_tokens: 4096",
        "password: \"Enter your password\"",
        "token_type: Bearer",
        "token: abcdefghijklmnopqrstuvwxyz",
    ];
    for line in lines {
        assert_eq!(reported("settings.yaml", line), vec![], "{line}");
    }
}

#[test]
fn vendor_keys_are_found_by_their_own_shape_whatever_name_holds_them() {
    // Built at run time so that no key shape is written in the source.
    let stripe_test = format!("{}{}", "sk_te", "st_") + &rnd(31, ALNUM, 24);
    let gcp = format!("{}{}", "AI", "za") + &rnd(36, ALNUM, 35);
    let pat = format!("{}{}", "github", "_pat_") + &rnd(37, ALNUM, 22) + "_" + &rnd(38, ALNUM, 59);
    let xoxa = format!("{}{}", "xo", "xa-") + "2840193857-5927381046-" + &rnd(39, ALNUM, 24);
    for (rule, key) in [
        ("stripe-test-secret-key", &stripe_test),
        ("gcp-api-key", &gcp),
        ("github-fine-grained-token", &pat),
        ("slack-token", &xoxa),
    ] {
        for line in [
            format!("STRIPE_KEY={key}\n"),
            format!("const client = new Client(\"{key}\");\n"),
            format!("value: {key}\n"),
        ] {
            let found = reported("app/config.js", &line);
            assert_eq!(
                found.iter().map(|f| f.rule).collect::<Vec<_>>(),
                [rule],
                "{line}"
            );
        }
    }
}

#[test]
fn code_files_only_report_quoted_values() {
    let v = rnd(32, ALNUM, 32);
    assert_eq!(reported("src/a.go", &format!("token := {v}\n")), vec![]);
    let found = reported("src/a.go", &format!("token := \"{v}\"\n"));
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].loc.line, found[0].loc.column), (1, 11));
    // Type annotations before the value.
    let found = reported("src/a.kt", &format!("val apiKey: String = \"{v}\"\n"));
    assert_eq!((found[0].rule, found[0].loc.column), ("generic-secret", 23));
    // Comparisons are not assignments.
    assert_eq!(
        reported("src/a.js", &format!("if (token == \"{v}\") {{}}\n")),
        vec![]
    );
}

#[test]
fn entropy_and_generic_thresholds() {
    assert_eq!(entropy(""), 0.0);
    assert_eq!(entropy("aaaa"), 0.0);
    assert_eq!(entropy("abcd"), 2.0);
    assert!((entropy_ratio("0123456789abcdef") - 1.0).abs() < 1e-9);
    assert!(entropy_ratio(&rnd(33, HEX, 32)) > 0.85);
    assert!(entropy_ratio(&rnd(34, ALNUM, 40)) > 0.85);
    assert!(entropy_ratio("aaaabbbb1111") < 0.5);
    assert!(generic_value_ok("Xk9#mP2qR7vL", true));
    assert!(!generic_value_ok("Xk9#mP2", true)); // shorter than 8
    assert!(!generic_value_ok("Xk9#mP2qR7vL", false)); // a token needs 16
    assert!(generic_value_ok(&rnd(35, HEX, 32), false));
    assert!(generic_value_ok(
        "123e4567-e89b-42d3-a456-426614174000",
        false
    ));
    assert!(!generic_value_ok("my_service_account_token_value", false));
}

#[test]
fn allow_marker_with_a_reason_moves_the_value_to_allowed() {
    let v = format!("{}{}", "gh", "p_") + &rnd(40, ALNUM, 36);
    let text = format!(
        "a: {v} # launchgate:allow-secret revoked token kept as a parser fixture\n\
         # launchgate:allow-secret: rotated test credential -->\n\
         b: {v}\n\
         c: {v}\n"
    );
    let all = run("fixtures.yaml", &text);
    let secrets = assemble(all);
    assert_eq!(secrets.findings.len(), 1);
    assert_eq!(
        (secrets.findings[0].rule, secrets.findings[0].loc.line),
        ("github-token", 4)
    );
    let allowed: Vec<(u32, u32, &str)> = secrets
        .allowed
        .iter()
        .map(|a| (a.loc.line, a.loc.column, a.reason.as_str()))
        .collect();
    assert_eq!(
        allowed,
        vec![
            (1, 4, "revoked token kept as a parser fixture"),
            (3, 4, "rotated test credential"),
        ]
    );
    assert_eq!(secrets.allowed[0].rule, "github-token");
}

#[test]
fn allow_marker_without_a_reason_suppresses_nothing_and_is_reported() {
    let v = format!("{}{}", "gh", "p_") + &rnd(41, ALNUM, 36);
    let text = format!(
        "x: 1\ntoken: {v} # launchgate:allow-secret\n# launchgate:allow-secret -->\ny: {v}\n"
    );
    let secrets = assemble(run("a.yaml", &text));
    let got: Vec<(&str, u32, u32)> = secrets
        .findings
        .iter()
        .map(|f| (f.rule, f.loc.line, f.loc.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("github-token", 2, 8),
            ("bare-allow-marker", 2, 51),
            ("bare-allow-marker", 3, 3),
            ("github-token", 4, 4),
        ]
    );
    assert!(secrets.allowed.is_empty());
    // A marker trailing code on the line above covers only its own line.
    let text = format!("a: 1 # launchgate:allow-secret not a comment line\nb: {v}\n");
    assert_eq!(reported("a.yaml", &text).len(), 1);
}

#[test]
fn jwts_need_a_json_header_with_alg_and_a_signature() {
    let ok = jwt(r#"{"alg":"RS256","kid":"k1"}"#, r#"{"sub":"42"}"#, 50);
    assert_eq!(
        reported("t.txt", &format!("Authorization: Bearer {ok}"))[0].rule,
        "jwt"
    );
    let no_alg = jwt(r#"{"typ":"JWT","kid":"k1"}"#, r#"{"sub":"42"}"#, 51);
    let none = jwt(r#"{"alg":"none","typ":"JWT"}"#, r#"{"sub":"42"}"#, 52);
    let not_json = jwt("alg=HS256 typ=JWT", r#"{"sub":"42"}"#, 53);
    let example = jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
        54,
    );
    for t in [no_alg, none, not_json, example] {
        assert_eq!(reported("t.txt", &format!("Bearer {t}\n")), vec![], "{t}");
    }
}

#[test]
fn url_credentials_report_the_password_only_when_it_looks_real() {
    let text = "redis: rediss://:Qm4$wZ8pLr2v@cache.prod.internal:6380/0\n";
    let f = reported("a.env", text);
    assert_eq!((f[0].rule, f[0].loc.column), ("url-credentials", 18));
    assert_eq!(&text[f[0].loc.start..f[0].loc.end], "Qm4$wZ8pLr2v");
    let quiet = [
        "postgres://postgres:postgres@db:5432/app",
        "amqp://guest:guest@rabbit:5672",
        "mysql://app:Qm4wZ8pLr2v9@localhost/app",
        "https://user:Qm4wZ8pLr2v9@example.com/x",
        "postgres://app:${DB_PASSWORD}@db.prod.internal/app",
        "postgres://app:<password>@db.prod.internal/app",
        "postgres://app:****@db.prod.internal/app",
        "https://docs.rs/crate:1.0@beta",
    ];
    for line in quiet {
        assert_eq!(reported("a.env", line), vec![], "{line}");
    }
}

#[test]
fn columns_count_characters_after_multibyte_text() {
    let v = format!("{}{}", "gh", "p_") + &rnd(60, ALNUM, 36);
    let text = format!("# Schlüssel für die Zahlungsdienste\nclé_api: « {v} » — ok\n");
    let f = reported("notes.md", &text);
    assert_eq!((f[0].loc.line, f[0].loc.column), (2, 12));
    assert_eq!(&text[f[0].loc.start..f[0].loc.end], v);
    let src = Source::new("notes.md", text.clone());
    assert_eq!(src.loc(f[0].loc.start, f[0].loc.end), f[0].loc);
}

#[test]
fn pem_blocks_need_key_material_and_an_end_marker() {
    let truncated =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n";
    let header_only = "if line == \"-----BEGIN OPENSSH PRIVATE KEY-----\" {\n";
    let no_end = format!("-----BEGIN EC PRIVATE KEY-----\n{}\n", pem_body(70));
    let mismatched = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        pem_body(71)
    );
    for t in [
        truncated.to_string(),
        header_only.to_string(),
        no_end,
        mismatched,
    ] {
        assert_eq!(reported("k.pem", &t), vec![], "{t}");
    }
    // A public certificate is not a private key.
    let cert = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        pem_body(72)
    );
    assert_eq!(reported("c.pem", &cert), vec![]);
    // OpenSSH and PGP labels, in YAML block scalars.
    let pgp = format!(
        "signing:\n  key: |\n    -----BEGIN PGP PRIVATE KEY BLOCK-----\n    {}\n    -----END PGP PRIVATE KEY BLOCK-----\n",
        rnd(73, B64, 200)
    );
    let f = reported("sign.yaml", &pgp);
    assert_eq!(
        (f[0].rule, f[0].loc.line, f[0].loc.column),
        ("private-key", 3, 5)
    );
    assert!(pgp[f[0].loc.start..f[0].loc.end].ends_with("BLOCK-----"));
}

#[test]
fn kubernetes_secret_data_is_decoded_and_tested() {
    let ghp = format!("{}{}", "gh", "p_") + &rnd(80, ALNUM, 36);
    let token_b64 = b64(ghp.as_bytes(), false);
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  \
         username: {}\n  token: \"{token_b64}\"\n  empty: \"\"\n  placeholder: {}\n\
         stringData:\n  note: CHANGEME\n  port: \"5432\"\n",
        b64(b"deploy-bot", false),
        b64(b"<your token here>", false),
    );
    let f = reported("deploy/secret.yml", &text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule, f[0].loc.line, f[0].loc.column),
        ("github-token", 7, 11)
    );
    assert_eq!(
        f[0].description,
        "GitHub token (base64-encoded in a Kubernetes Secret)"
    );
    assert_eq!(&text[f[0].loc.start..f[0].loc.end], token_b64);
    // Helm templates do not parse and hold no literals.
    let helm = "kind: Secret\ndata:\n  password: {{ .Values.password | b64enc }}\n";
    assert_eq!(reported("templates/secret.yaml", helm), vec![]);
    // stringData literals are reported once, not twice (generic and Kubernetes rules).
    let text = "kind: Secret\nstringData:\n  api-token: Qm4wZ8pLr2v9Xk7tB3nY\n";
    let f = reported("s.yaml", text);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].loc.line, f[0].loc.column), (3, 14));
}

#[test]
fn sealed_secrets_and_metadata_are_quiet() {
    let text = format!(
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    password: Ag{}\n",
        rnd(90, B64, 300)
    );
    assert_eq!(reported("sealed.yaml", &text), vec![]);
}

#[test]
fn findings_are_sorted_by_path_line_and_column() {
    let v1 = format!("{}{}", "np", "m_") + &rnd(91, ALNUM, 36);
    let v2 = format!("{}{}", "gh", "o_") + &rnd(92, ALNUM, 36);
    let mut all = run("b.txt", &format!("{v1}\n"));
    all.extend(run("a.txt", &format!("x {v2} {v1}\n{v1}\n")));
    let s = assemble(all);
    let got: Vec<(&str, u32, u32)> = s
        .findings
        .iter()
        .map(|f| (&*f.loc.path, f.loc.line, f.loc.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a.txt", 1, 3),
            ("a.txt", 1, 44),
            ("a.txt", 2, 1),
            ("b.txt", 1, 1)
        ]
    );
    assert_eq!(
        rules().first(),
        Some(&("aws-access-key-id", "AWS access key ID"))
    );
}

#[test]
fn values_are_read_precisely() {
    // A query string ends the value at the next parameter.
    let key = rnd(100, ALNUM, 32);
    let text = format!("curl 'https://api.internal/v1/items?api_key={key}&page=2'\n");
    let f = reported("run.sh", &text);
    assert_eq!((f[0].rule, f[0].loc.column), ("generic-secret", 45));
    assert_eq!(&text[f[0].loc.start..f[0].loc.end], key);
    // A base64 value is judged by what it decodes to: a weak word is quiet, a strong one not.
    let weak = format!("db-password: {}\n", b64(b"password123", false));
    assert_eq!(reported("seed.txt", &weak), vec![]);
    let strong = format!("db-password: {}\n", b64(b"Zr7!kQ2vX9mLp4", false));
    assert_eq!(reported("seed.txt", &strong)[0].rule, "generic-secret");
    // Unquoted calls, percent-encoded weak URL passwords, the Azure storage emulator.
    assert_eq!(
        reported(
            "php.conf",
            "$password = ini_get(\"mysql.default_password\")\n"
        ),
        vec![]
    );
    assert_eq!(
        reported("pip.md", "https://user:he%2F%2Fo@pypi.company.com/simple\n"),
        vec![]
    );
    let emulator = format!(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={}==;\n",
        rnd(101, B64, 86)
    );
    assert_eq!(reported("local.settings", &emulator), vec![]);
    // Pagination tokens and unterminated XML are not secrets.
    let page = format!("{{\"nextToken\": \"{}\"}}\n", rnd(102, ALNUM, 40));
    assert_eq!(reported("fixture.json", &page), vec![]);
    let xml = format!("<password>{}\n", rnd(103, ALNUM, 20));
    assert_eq!(reported("a.xml", &xml), vec![]);
}

#[test]
fn kubernetes_lists_and_binary_data_are_read() {
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    data:\n      keystore.p12: {}\n",
        b64(&[0x30, 0x82, 0xff, 0x01, 0x00, 0xfe, 0x9c, 0x11], false)
    );
    let f = reported("list.yaml", &text);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].rule, f[0].loc.line, f[0].loc.column),
        ("kubernetes-secret-literal", 7, 21)
    );
}

#[test]
fn the_rule_table_is_well_formed() {
    let ids: Vec<&str> = rules().iter().map(|r| r.0).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    for rule in super::rules::RULES {
        assert!(rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        let regex_driven = !rule.patterns.is_empty();
        assert_eq!(regex_driven, !rule.keywords.is_empty(), "{}", rule.id);
        assert!(rule.keywords.iter().all(|k| *k == k.to_ascii_lowercase()));
    }
    assert!(super::rules::COMPILED.is_some());
}

/// Invariants every finding must satisfy for any input.
fn check_invariants(path: &str, text: &str) {
    let src = Source::new(path, text);
    let docs = crate::yaml::load_all(&src).ok();
    for f in scan(&src, docs.as_deref()) {
        assert!(f.loc.start < f.loc.end && f.loc.end <= text.len(), "{f:?}");
        assert!(text.is_char_boundary(f.loc.start) && text.is_char_boundary(f.loc.end));
        assert_eq!(src.loc(f.loc.start, f.loc.end), f.loc);
        if f.rule != "bare-allow-marker" {
            assert_eq!(f.redacted, redact(&text[f.loc.start..f.loc.end]));
        }
    }
}

fn sample() -> String {
    plants()
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("# launchgate:allow-secret\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check_invariants("any.yaml", &text);
        check_invariants("any.py", &text);
    }

    #[test]
    fn keyword_rich_text_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("password: ".to_string()),
                Just("token=".to_string()),
                Just("-----BEGIN RSA PRIVATE KEY-----".to_string()),
                Just("-----END RSA PRIVATE KEY-----".to_string()),
                Just("launchgate:allow-secret ".to_string()),
                Just("kind: Secret\ndata:\n  k: ".to_string()),
                Just("://u:".to_string()),
                Just("@h".to_string()),
                Just("eyJ".to_string()),
                Just("AKIA".to_string()),
                Just("\n".to_string()),
                Just("\"".to_string()),
                "[A-Za-z0-9+/=_.-]{0,70}",
                "\\PC{0,8}",
            ],
            0..40,
        )
    ) {
        let text: String = parts.concat();
        check_invariants("k.yaml", &text);
        check_invariants("k.rs", &text);
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn mutated_samples_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), "\\PC{0,3}", 0usize..4), 1..8)
    ) {
        let mut text = sample();
        for (at, insert, delete) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + delete).min(text.len());
            while !text.is_char_boundary(j) {
                j += 1;
            }
            text.replace_range(i..j, &insert);
        }
        check_invariants("m.yaml", &text);
    }
}

/// Every SQL dialect's way of setting a password to a literal is found, weak or not; a
/// statement that takes the password from elsewhere, a comment, a stored hash and a masked
/// value are not.
#[test]
fn sql_statements_that_set_a_password_are_found_in_every_dialect() {
    let found = |path: &str, text: &str| -> Vec<(u32, u32, String)> {
        reported(path, text)
            .iter()
            .map(|f| {
                assert_eq!(f.rule, "sql-password", "{text}");
                (
                    f.loc.line,
                    f.loc.column,
                    text[f.loc.start..f.loc.end].to_string(),
                )
            })
            .collect()
    };
    // The password is the statement's last quoted (or, for Oracle, bare) word.
    let one = |text: &str, value: &str| {
        let col = text.rfind(value).unwrap() as u32 + 1;
        assert_eq!(
            found("db/init.sql", text),
            [(1, col, value.to_string())],
            "{text}"
        );
    };
    // PostgreSQL.
    one(
        "CREATE USER astronomy_user WITH PASSWORD 'astronomy_password';",
        "astronomy_password",
    );
    one("ALTER ROLE app ENCRYPTED PASSWORD 'admin';", "admin");
    one(
        "create role \"app\" login password 'ch4ngeit!';",
        "ch4ngeit!",
    );
    one(
        "ALTER USER app WITH PASSWORD 'it''s-Secret9';",
        "it''s-Secret9",
    );
    // SQL Server.
    one(
        "CREATE LOGIN app WITH PASSWORD = 'Str0ng!Passw0rd', CHECK_POLICY = ON;",
        "Str0ng!Passw0rd",
    );
    // MySQL / MariaDB.
    one(
        "CREATE USER 'app'@'%' IDENTIFIED BY 'changeit';",
        "changeit",
    );
    one(
        "ALTER USER 'app'@'%' IDENTIFIED WITH mysql_native_password BY 'hunter22';",
        "hunter22",
    );
    one(
        "SET PASSWORD FOR 'app'@'localhost' = 'Kq8#pLm2';",
        "Kq8#pLm2",
    );
    one("SET PASSWORD = PASSWORD('Kq8#pLm2');", "Kq8#pLm2");
    // Oracle: an unquoted password.
    one("CREATE USER app IDENTIFIED BY Welcome1;", "Welcome1");
    // In code and shell scripts too: the literal is in the repository either way.
    assert_eq!(
        found(
            "migrate.py",
            "cur.execute(\"CREATE USER app WITH PASSWORD 'Qm4vT9xLp2Wk'\")\n"
        ),
        [(1, 45, "Qm4vT9xLp2Wk".to_string())]
    );
    assert_eq!(
        found(
            "init.sh",
            "psql -c \"ALTER USER postgres PASSWORD 'postgres';\"\n"
        ),
        [(1, 40, "postgres".to_string())]
    );
    // Neighbours that set no literal password.
    for text in [
        "-- CREATE USER app WITH PASSWORD 'Qm4vT9xLp2Wk';",
        "# CREATE USER 'app'@'%' IDENTIFIED BY 'Qm4vT9xLp2Wk';",
        "CREATE USER app WITH PASSWORD :'app_password';",
        "CREATE USER app WITH PASSWORD '${APP_PASSWORD}';",
        "CREATE USER app WITH PASSWORD '{{ .Values.password }}';",
        "CREATE USER app WITH PASSWORD '%s';",
        "CREATE USER app WITH PASSWORD '';",
        "CREATE USER app WITH PASSWORD '****';",
        "CREATE USER app WITH PASSWORD '<redacted>';",
        "CREATE USER app WITH PASSWORD 'xxxxxxxx';",
        "CREATE USER app WITH PASSWORD NULL;",
        "CREATE USER 'app'@'%' IDENTIFIED BY PASSWORD '*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4';",
        "CREATE USER app IDENTIFIED BY VALUES 'S:8F2D';",
        "CREATE USER app IDENTIFIED EXTERNALLY;",
        "CREATE USER app;",
        "GRANT SELECT ON ALL TABLES IN SCHEMA catalog TO app;",
        "password_encryption = 'scram-sha-256'",
        "q = \"ALTER USER app WITH PASSWORD '\" + password + \"'\"",
    ] {
        assert_eq!(found("db/init.sql", text), [], "{text}");
    }
}

/// A dotenv file that is loaded as it is hands its password variables to the containers: any
/// literal there is a hardcoded credential, `changeit` included. Templates, comments,
/// references, masks and metadata are not.
#[test]
fn dotenv_passwords_are_found_whatever_their_strength() {
    let found = |path: &str, text: &str| -> Vec<(&'static str, u32, u32, String)> {
        reported(path, text)
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.loc.line,
                    f.loc.column,
                    text[f.loc.start..f.loc.end].to_string(),
                )
            })
            .collect()
    };
    let text = "POSTGRES_HOST=astronomy-db\nPOSTGRES_PASSWORD=changeit\n\
        POSTGRES_MONITORING_PASSWORD=monitoring_password  # defined in init.sql\n\
        export DB_PASS=\"admin\"\nREDIS_PWD='s3cret'\n";
    let want = [
        ("env-file-password", 2, 19, "changeit".to_string()),
        (
            "env-file-password",
            3,
            30,
            "monitoring_password".to_string(),
        ),
        ("env-file-password", 4, 17, "admin".to_string()),
        ("env-file-password", 5, 12, "s3cret".to_string()),
    ];
    for path in [
        ".env",
        "deploy/.env.production",
        "prod.env",
        ".env.override",
    ] {
        assert_eq!(found(path, text), want, "{path}");
    }
    // Templates document the variables; other files are not loaded as dotenv.
    for path in [
        ".env.example",
        ".env.sample",
        ".env.template",
        ".env.dist",
        "example.env",
        "config/app.conf",
    ] {
        assert_eq!(found(path, text), [], "{path}");
    }
    for line in [
        "# POSTGRES_PASSWORD=changeit",
        "POSTGRES_PASSWORD=",
        "POSTGRES_PASSWORD= # set in CI",
        "POSTGRES_PASSWORD=${PG_PASSWORD}",
        "POSTGRES_PASSWORD=$PG_PASSWORD",
        "POSTGRES_PASSWORD=****",
        "POSTGRES_PASSWORD=<redacted>",
        "POSTGRES_PASSWORD=xxxxxxxx",
        "POSTGRES_PASSWORD=your-password-here",
        "POSTGRES_PASSWORD_FILE=/run/secrets/postgres",
        "PASSWORD_MIN_LENGTH=12",
        "POSTGRES_USER=postgres",
        "PASSENGER_COUNT=4",
    ] {
        assert_eq!(found(".env", &format!("{line}\n")), [], "{line}");
    }
}

/// A sample configuration documents its application's settings as commented-out defaults
/// (`grafana.ini`'s `;secret_key = SW2YcwTIb9zpOOhoPsMm`): those values are public in the
/// application's own docs. The same value set for real, or commented out in a file that is
/// not such a sample, is still reported, and real tokens are reported on any line.
#[test]
fn commented_out_defaults_of_a_sample_config_are_not_secrets() {
    use std::fmt::Write as _;
    let default_key = "SW2YcwTIb9zpOOhoPsMm";
    let mut sample = String::from("[security]\n");
    for i in 0..10 {
        let _ = writeln!(sample, ";setting_{i} = value{i}");
    }
    let _ = writeln!(sample, ";secret_key = {default_key}");
    sample.push_str(";admin_password = admin\n");
    sample.push_str("[date_formats]\ndefault_timezone = UTC\n");
    assert_eq!(reported("conf/grafana.ini", &sample), []);
    // The same default, set: reported.
    let set = sample.replace(
        &format!(";secret_key = {default_key}"),
        &format!("secret_key = {default_key}"),
    );
    let f = reported("conf/grafana.ini", &set);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule, f[0].loc.line, f[0].loc.column),
        ("generic-secret", 12, 14)
    );
    // A lone commented-out secret in a small file is a leak all the same.
    let lone = format!("[security]\n# secret_key = {default_key}\n");
    assert_eq!(reported("conf/app.ini", &lone).len(), 1);
    // A GitHub token on a commented line of the sample: found by its own shape.
    let token = format!("{}{}", "gh", "p_") + &rnd(40, ALNUM, 36);
    let with_token = format!("{sample};github_token = {token}\n");
    let f = reported("conf/grafana.ini", &with_token);
    assert_eq!(
        f.iter().map(|f| f.rule).collect::<Vec<_>>(),
        ["github-token"]
    );
}

/// Masked and self-declared fake values raise nothing in any rule; settings whose names only
/// mention a secret (routing, time zones, rotation) neither.
#[test]
fn masked_values_and_routing_config_raise_nothing() {
    for (path, text) in [
        ("slack.yaml", "token: xoxp-123456789012-123456789012-####\n"),
        ("slack.yaml", "bot_token: xoxb-...-...\n"),
        (
            "app.yaml",
            "password: '****'\napi_key: <redacted>\nsecret: ${APP_SECRET}\ntoken: xxxxxxxxxxxxxxxx\n",
        ),
        (
            ".env",
            "API_TOKEN=****\nDB_PASSWORD=<redacted>\nADMIN_PASSWORD=xxxx\n",
        ),
        ("db/init.sql", "ALTER USER app WITH PASSWORD '********';\n"),
        ("grafana.ini", "[date_formats]\ndefault_timezone = UTC\n"),
        (
            "alertmanager.yml",
            "route:\n  receiver: token-rotation-team\n  routes:\n    - matchers: [alertname=~\"SecretExpiring|TokenRefreshFailed\"]\n      receiver: secrets-oncall\nreceivers:\n  - name: token-rotation-team\n  - name: secrets-oncall\n    webhook_configs:\n      - url_file: /etc/alertmanager/secrets/webhook-url\n",
        ),
        (
            "nginx.conf",
            "proxy_set_header X-Auth-Token $http_x_auth_token;\n",
        ),
        (
            "envoy.yaml",
            "route_config:\n  name: token_routes\n  secret_name: tls-cert\n",
        ),
    ] {
        assert_eq!(reported(path, text), [], "{path}: {text}");
    }
}

/// The redaction layer every output passes through hides what the new rules find, weak
/// values included: a message quoting the line never echoes the password.
#[test]
fn redaction_hides_sql_and_dotenv_passwords() {
    for (line, value) in [
        (
            "CREATE USER app WITH PASSWORD 'orders_password';",
            "orders_password",
        ),
        ("ALTER USER 'app'@'%' IDENTIFIED BY 'changeit';", "changeit"),
        ("POSTGRES_PASSWORD=changeit", "changeit"),
    ] {
        let shown = redact_text(line);
        assert!(!shown.contains(value), "{shown}");
    }
}
