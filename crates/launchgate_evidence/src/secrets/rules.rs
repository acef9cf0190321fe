//! The rule set (written for launchgate, not taken from another scanner): each rule's id,
//! intent, prefilter keywords and regexes, compiled once into one keyword automaton and the
//! rules' regexes.
//!
//! Token formats follow the vendors' public documentation of their key prefixes and lengths.
//! The order of [`RULES`] is the priority when two rules claim overlapping text: specific
//! formats first, then URL credentials, Kubernetes literals and the generic assignment rule.

use std::sync::LazyLock;

use launchgate_source::lines::WordLines;
use regex::Regex;

/// How a rule's regex match becomes a finding (what is checked beyond the regex).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    /// Group 1 is the secret; the part after `skip` characters must look random and not be a
    /// placeholder.
    Random { skip: usize },
    /// Group 1 is a URL that is the secret; its last path segment must look random.
    LastSegment,
    /// Like `Random`, but the line must not name Azure's local development storage emulator.
    Azure,
    /// A PEM private key header: the finding spans header to END marker, and the body must be
    /// real base64 key material.
    Pem,
    /// A service-account JSON `private_key` string holding a PEM key.
    Gcp,
    /// A JSON Web Token: the header must decode to JSON with `alg`.
    Jwt,
    /// `scheme://user:password@host`: group 2 is the password.
    Url,
    /// A SQL statement that sets a password to a literal: group 1, 2 or 3 is the password,
    /// reported unless it is masked or a reference, however weak (the database will use it).
    Sql,
    /// `NAME=value` in a dotenv file that is loaded as it is: a password-named variable
    /// holding a literal, reported unless it is masked or a reference, however weak.
    Env,
    /// `name = value` where the name says secret: named groups, entropy test.
    Generic,
    /// Not regex-driven: a Kubernetes Secret manifest value (see `kube.rs`).
    Kube,
    /// Not regex-driven: an allow marker without a reason.
    Marker,
}

/// One rule.
#[derive(Debug)]
pub(super) struct RuleDef {
    pub id: &'static str,
    pub description: &'static str,
    /// Lowercase keywords; a line is examined only if one occurs in it (ASCII case-insensitive).
    pub keywords: &'static [&'static str],
    pub patterns: &'static [&'static str],
    pub check: Check,
}

/// The keyword of the inline allow marker.
pub(super) const MARKER: &str = "launchgate:allow-secret";

/// Separator between a name and its value in config and code: `=`, `:`, `:=`, `=>`.
macro_rules! assign {
    () => {
        r#"(?:["'\]]|\s)*(?:=>|:=|=|:)\s*"#
    };
}

/// The generic rule's name alternatives (the keywords, as a regex).
macro_rules! secret_name {
    () => {
        r"(?:passw(?:or)?d|pwd|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key)"
    };
}

pub(super) const RULES: &[RuleDef] = &[
    // AWS access key IDs: a documented four-letter prefix and 16 upper-case alphanumerics.
    RuleDef {
        id: "aws-access-key-id",
        description: "AWS access key ID",
        keywords: &["akia", "asia", "abia", "acca"],
        patterns: &[r"(?-u:\b)((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?-u:\b)"],
        check: Check::Random { skip: 4 },
    },
    // AWS secret access keys: 40 base64 characters assigned to an aws_secret_access_key-like name.
    RuleDef {
        id: "aws-secret-access-key",
        description: "AWS secret access key",
        keywords: &[
            "aws_secret",
            "aws-secret",
            "aws.secret",
            "awssecret",
            "secret_access",
            "secret-access",
            "secret.access",
            "secretaccess",
        ],
        patterns: &[concat!(
            r"(?i)(?:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key)",
            assign!(),
            r#"["']?([A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])"#
        )],
        check: Check::Random { skip: 0 },
    },
    // Google Cloud service-account key files: `"private_key": "-----BEGIN ... PRIVATE KEY-----..."`.
    RuleDef {
        id: "gcp-service-account-key",
        description: "Google Cloud service-account private key",
        keywords: &["\"private_key\""],
        patterns: &[r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]*)""#],
        check: Check::Gcp,
    },
    // PEM/OpenSSH/PGP private key blocks with real key material up to the END marker.
    RuleDef {
        id: "private-key",
        description: "private key (PEM block)",
        keywords: &["-----begin"],
        patterns: &[
            r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----",
        ],
        check: Check::Pem,
    },
    // Azure storage account keys (88 base64 characters) in connection strings.
    RuleDef {
        id: "azure-storage-account-key",
        description: "Azure storage account key",
        keywords: &["accountkey"],
        patterns: &[r"(?i)AccountKey\s*=\s*([A-Za-z0-9+/]{80,100}={0,2})"],
        check: Check::Azure,
    },
    // Azure Service Bus / Event Hubs shared access keys (44 base64 characters).
    RuleDef {
        id: "azure-shared-access-key",
        description: "Azure shared access key",
        keywords: &["sharedaccesskey"],
        patterns: &[r"(?i)SharedAccessKey\s*=\s*([A-Za-z0-9+/]{42,50}={0,2})"],
        check: Check::Azure,
    },
    // GitHub classic tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server),
    // ghs_ (server-to-server), ghr_ (refresh), 36 alphanumerics (longer allowed).
    RuleDef {
        id: "github-token",
        description: "GitHub token",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        patterns: &[r"(?-u:\b)(gh[pousr]_[A-Za-z0-9]{36,251})(?-u:\b)"],
        check: Check::Random { skip: 4 },
    },
    // GitHub fine-grained personal access tokens: github_pat_ + 22 + _ + 59 alphanumerics.
    RuleDef {
        id: "github-fine-grained-token",
        description: "GitHub fine-grained personal access token",
        keywords: &["github_pat_"],
        patterns: &[r"(?-u:\b)(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?-u:\b)"],
        check: Check::Random { skip: 11 },
    },
    // GitLab personal, deploy, runner and pipeline-trigger tokens.
    RuleDef {
        id: "gitlab-token",
        description: "GitLab token",
        keywords: &["glpat-", "gldt-", "glrt-", "glptt-"],
        patterns: &[
            r"(?-u:\b)((?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_-]{20,255}(?:\.[0-9a-z]{2}\.[0-9a-z]{5,20})?)(?:$|[^A-Za-z0-9_.-])",
        ],
        check: Check::Random { skip: 6 },
    },
    // Slack bot/user/app/refresh tokens and app-level tokens.
    RuleDef {
        id: "slack-token",
        description: "Slack token",
        keywords: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xapp-"],
        patterns: &[
            r"(?-u:\b)(xox[bpar]-[0-9]{6,20}(?:-[0-9A-Za-z]{6,64}){1,4})(?-u:\b)",
            r"(?-u:\b)(xapp-[0-9]-[A-Z0-9]{6,20}-[0-9]{6,20}-[A-Za-z0-9]{20,128})(?-u:\b)",
        ],
        check: Check::Random { skip: 5 },
    },
    // Slack incoming-webhook URLs: the URL itself is the credential.
    RuleDef {
        id: "slack-webhook-url",
        description: "Slack webhook URL",
        keywords: &["hooks.slack.com"],
        patterns: &[
            r"((?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,16}/[AB][A-Z0-9]{6,16}/[A-Za-z0-9]{16,64})(?-u:\b)",
        ],
        check: Check::LastSegment,
    },
    // Stripe live-mode secret and restricted keys.
    RuleDef {
        id: "stripe-secret-key",
        description: "Stripe live secret key",
        keywords: &["sk_live_", "rk_live_"],
        patterns: &[r"(?-u:\b)((?:sk|rk)_live_[0-9A-Za-z]{20,247})(?-u:\b)"],
        check: Check::Random { skip: 8 },
    },
    // Stripe test-mode secret and restricted keys, found by their own shape wherever they are
    // written: they read and write the account's test data and are revoked like live keys.
    RuleDef {
        id: "stripe-test-secret-key",
        description: "Stripe test-mode secret key",
        keywords: &["sk_test_", "rk_test_"],
        patterns: &[r"(?-u:\b)((?:sk|rk)_test_[0-9A-Za-z]{20,247})(?-u:\b)"],
        check: Check::Random { skip: 8 },
    },
    // Google Cloud API keys: AIza + 35 characters of [0-9A-Za-z_-].
    RuleDef {
        id: "gcp-api-key",
        description: "Google Cloud API key",
        keywords: &["aiza"],
        patterns: &[r"(?-u:\b)(AIza[0-9A-Za-z_-]{35})(?:$|[^0-9A-Za-z_-])"],
        check: Check::Random { skip: 4 },
    },
    // Twilio API key SIDs (SK + 32 hex) on lines that talk about Twilio or an API key.
    RuleDef {
        id: "twilio-api-key",
        description: "Twilio API key",
        keywords: &["twilio", "api_key", "apikey", "api-key"],
        patterns: &[r"(?-u:\b)(SK[0-9a-f]{32})(?-u:\b)"],
        check: Check::Random { skip: 2 },
    },
    // Twilio auth tokens: 32 hex assigned to a twilio...auth_token-like name.
    RuleDef {
        id: "twilio-auth-token",
        description: "Twilio auth token",
        keywords: &["twilio"],
        patterns: &[concat!(
            r"(?i)twilio[a-z0-9_.-]*(?:auth[_.-]?token|secret)",
            assign!(),
            r#"["']?([0-9a-f]{32})(?-u:\b)"#
        )],
        check: Check::Random { skip: 0 },
    },
    // SendGrid API keys: SG.<22>.<43>.
    RuleDef {
        id: "sendgrid-api-key",
        description: "SendGrid API key",
        keywords: &["sg."],
        patterns: &[r"(?-u:\b)(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:$|[^A-Za-z0-9_-])"],
        check: Check::Random { skip: 3 },
    },
    // npm access tokens: npm_ + 36 alphanumerics.
    RuleDef {
        id: "npm-token",
        description: "npm access token",
        keywords: &["npm_"],
        patterns: &[r"(?-u:\b)(npm_[A-Za-z0-9]{36})(?-u:\b)"],
        check: Check::Random { skip: 4 },
    },
    // PyPI API tokens: pypi- + a macaroon whose base64 starts with the index's domain.
    RuleDef {
        id: "pypi-token",
        description: "PyPI API token",
        keywords: &["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
        patterns: &[
            r"(?-u:\b)(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})(?:$|[^A-Za-z0-9_-])",
        ],
        check: Check::Random { skip: 24 },
    },
    // Signed JSON Web Tokens whose header decodes to JSON with an `alg`.
    RuleDef {
        id: "jwt",
        description: "JSON Web Token",
        keywords: &["eyj"],
        patterns: &[
            r"(?-u:\b)(eyJ[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?:$|[^A-Za-z0-9_.=-])",
        ],
        check: Check::Jwt,
    },
    // Passwords embedded in URLs: scheme://user:password@host.
    RuleDef {
        id: "url-credentials",
        description: "password in a URL",
        keywords: &["://"],
        patterns: &[
            r#"(?i)(?-u:\b)[a-z][a-z0-9+.-]{0,31}://([^\s:/?#@"'<>\[\]]*):([^\s/?#"'<>\[\]]+)@([a-z0-9_.-]+|\[[0-9a-f:.]+\])"#,
        ],
        check: Check::Url,
    },
    // Passwords set by SQL: PostgreSQL `CREATE|ALTER USER|ROLE ... [WITH] [ENCRYPTED] PASSWORD
    // '...'`, SQL Server `CREATE|ALTER LOGIN ... WITH PASSWORD = '...'`, MySQL/MariaDB
    // `IDENTIFIED [WITH plugin] BY '...'` and `SET PASSWORD [FOR u] = [PASSWORD(]'...'`, Oracle
    // `IDENTIFIED BY word`. One statement on one line; a statement split over lines is read
    // from the line holding the password for `IDENTIFIED BY` and `SET PASSWORD` only.
    RuleDef {
        id: "sql-password",
        description: "password set by a SQL statement",
        // The statement's verbs, not the word `password` (on every other line of a config):
        // written with one space, as statements are.
        keywords: &[
            "create user",
            "create role",
            "create login",
            "alter user",
            "alter role",
            "alter login",
            "identified",
            "set password",
        ],
        patterns: &[
            r"(?i)\b(?:create|alter)\s+(?:user|role|login)\b[^;']*?\bpassword\s*(?:=\s*)?'((?:[^']|'')*)'",
            r#"(?i)\bidentified\s+(?:with\s+[a-z0-9_'"]+\s+)?by\s+(?:'((?:[^']|'')*)'|"([^"]*)"|([a-z0-9_#$]+)\b)"#,
            r"(?i)\bset\s+password\s*(?:for\s+\S+\s*)?=\s*(?:password\s*\(\s*)?'((?:[^']|'')*)'",
        ],
        check: Check::Sql,
    },
    // `POSTGRES_PASSWORD=changeit` in `.env`, `app.env`, `.env.production`: the value the
    // containers get. Not in `.env.example`, `.env.sample`, `.env.template`, `.env.dist`.
    RuleDef {
        id: "env-file-password",
        description: "password set in a dotenv file",
        keywords: &["passw", "pwd", "pass="],
        patterns: &[r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$"],
        check: Check::Env,
    },
    // A literal value in a Kubernetes Secret manifest (`data` decoded from base64, `stringData`).
    RuleDef {
        id: "kubernetes-secret-literal",
        description: "literal value in a Kubernetes Secret manifest",
        keywords: &[],
        patterns: &[],
        check: Check::Kube,
    },
    // `password = ...`, `api_key: ...`, `<secret>...</secret>` with a value that looks random.
    RuleDef {
        id: "generic-secret",
        description: "hardcoded secret assigned to a secret-like name",
        keywords: &[
            "passw",
            "pwd",
            "secret",
            "token",
            "api_key",
            "api-key",
            "api.key",
            "apikey",
            "access_key",
            "access-key",
            "access.key",
            "accesskey",
            "private_key",
            "private-key",
            "private.key",
            "privatekey",
        ],
        // The regexes find `name =` and `<name>`; the value after them is read by hand.
        patterns: &[
            concat!(
                r"(?i)[a-z0-9_.-]*",
                secret_name!(),
                r"[a-z0-9_.-]*",
                // A type annotation (`password: String = "..."`) or a plain separator.
                // The annotation needs a quoted value, so that `key: QmFzZTY0=` stays a value.
                r#"(?:\s*:\s*[a-z_][a-z0-9_<>\[\]?.]*\s+=[ \t]*["'`]|(?:["'\]]|\s)*(?:==|=>|:=|=|:))"#
            ),
            concat!(r"(?i)<[a-z0-9_.:-]*", secret_name!(), r"[a-z0-9_.-]*>"),
        ],
        check: Check::Generic,
    },
    // `launchgate:allow-secret` without a reason: it suppresses nothing and is reported.
    RuleDef {
        id: "bare-allow-marker",
        description: "launchgate:allow-secret marker without a reason (it suppresses nothing)",
        keywords: &[],
        patterns: &[],
        check: Check::Marker,
    },
];

/// Index of a rule by check kind (for the two rules that are not regex-driven).
pub(super) fn index_of(check: Check) -> usize {
    RULES
        .iter()
        .position(|r| r.check == check)
        .unwrap_or(RULES.len() - 1)
}

/// The compiled rule set: one keyword automaton, and each rule's regexes.
pub(super) struct Compiled {
    /// The keywords (lowercase, matched on an ASCII-lowercased copy of the text), then the
    /// allow marker.
    pub keywords: WordLines,
    /// For each automaton pattern: the bit mask of rules it triggers; 0 for the allow marker.
    pub pattern_rules: Vec<u64>,
    /// Regexes per rule, parallel to [`RULES`].
    pub regexes: Vec<Vec<Regex>>,
    /// The PEM END markers of a file, found once per file that has a private key header.
    pub pem_end: Regex,
}

pub(super) static COMPILED: LazyLock<Option<Compiled>> = LazyLock::new(compile);

fn compile() -> Option<Compiled> {
    // Masks are u64: the rule table must stay below 64 rules.
    debug_assert!(RULES.len() < 64);
    let mut keywords: Vec<&str> = Vec::new();
    let mut pattern_rules: Vec<u64> = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        for &k in rule.keywords {
            if let Some(j) = keywords.iter().position(|&x| x == k) {
                if let Some(m) = pattern_rules.get_mut(j) {
                    *m |= 1 << i;
                }
            } else {
                keywords.push(k);
                pattern_rules.push(1 << i);
            }
        }
    }
    keywords.push(MARKER);
    pattern_rules.push(0);
    let keywords = WordLines::new(&keywords)?;
    let regexes = RULES
        .iter()
        .map(|r| r.patterns.iter().map(|p| Regex::new(p).ok()).collect())
        .collect::<Option<Vec<Vec<Regex>>>>()?;
    let pem_end = Regex::new(r"-----END ([A-Z ]{1,40})-----").ok()?;
    Some(Compiled {
        keywords,
        pattern_rules,
        regexes,
        pem_end,
    })
}
