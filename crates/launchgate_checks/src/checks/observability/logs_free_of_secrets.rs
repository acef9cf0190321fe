//! OBS-014 logs-free-of-secrets: No log call in the service's code writes a secret, a credential
//! or personal data.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::code::{FactKind, Topic, name_words};

use crate::kit::code;
use crate::kit::finish::{NOT_SCANNED, Tally};
use crate::{Check, CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// No log call in the service's code writes a value named like a secret, a credential,
    /// personal data or a payment card. The code is the service's own source (TypeScript,
    /// JavaScript, Python, Go, Java; not tests, not vendored code), and the loggers read are
    /// Python `logging` (`logging.info`, any `logger`/`log` from `logging.getLogger`) and
    /// structlog (`bind` included), `console`, pino, winston and bunyan loggers (`child`
    /// included) in scripts, Go's `log` (`log.Default()` and `log.New(...)` loggers and
    /// `Output` included; a value a format prints with `%T` is its type, not the value),
    /// `log/slog`, zap (sugared too), logrus
    /// (`WithField`/`WithFields` included) and glog/klog, and SLF4J/Log4j/java.util.logging
    /// loggers (`LogManager.getLogger(...).info(...)` included) in
    /// Java, and the debug package's functions (`const debug = require('debug')('app')`). A
    /// logger is known by its construction in the file, by a conventional name
    /// (`log`, `logger`, `LOG`, `LOGGER`, `logging.root`), by a function of the service's own
    /// named for one (`get_logger().info(...)`), or by its declared type (a Java field, local or
    /// parameter of a `...Logger` type; a Go parameter `*zap.Logger`, `*slog.Logger`,
    /// `*logrus.Entry`, `*log.Logger`). Standard output is the log of a service in a container,
    /// so Python `print`, `pprint` and `sys.stdout.write`, Go `fmt.Print`/`Printf`/`Println` and Java
    /// `System.out`/`System.err`
    /// are log calls too (as CodeQL's clear-text logging queries count them).
    ///
    /// A call is judged by the *names* of what it writes, and by the values the secret scanner
    /// (SEC-001) recognises inside it (a literal key in a message, shown redacted); never by
    /// the values the code computes: identifiers
    /// (`password`), the last part of a member access (`user.email` is `email`), calls without
    /// arguments named for what they give (`user.getPassword()`, `fetch_token()`,
    /// `getpass.getpass()`), the fields of a logger bound earlier and written by every call
    /// through it (`entry := logrus.WithField("token", t)`, `log = log.bind(email=e)`, `child
    /// = logger.child({ token })`: reported once, at the binding, where the secret enters the
    /// logger, however many calls go through it), keyword arguments (`log.info("login", token=t)`), dictionary,
    /// object and field keys (`extra={"password": p}`, `{ apiKey }`, `zap.String("token", t)`,
    /// slog's `"token", t`), string subscripts and keyed reads (`headers["Authorization"]`,
    /// `r.Header.Get("Authorization")`, `os.getenv("DB_PASSWORD")`,
    /// `env.getProperty("db.password")`, `request.getParameter("password")`), calls named for
    /// what they give (`getPassword()`, `keyring.get_password("svc", user)`,
    /// `vault.GetSecret(ctx, name)`; with arguments, not a lookup by them:
    /// `getUserByEmail(e)` gives a user), inside f-strings, template literals, concatenations
    /// and formatting calls too. A name the call writes bare (also as `${pw}` in a template
    /// literal or `{pw}` in an f-string) that its function bound to a member access, a
    /// subscript, a call, another name or a literal object, dictionary or struct (also as a
    /// keyword's value, `extra=ctx`, or a logger's fields, `logrus.WithFields(fields)`) is read
    /// through that value: `pw = request.form["password"]` then `log.info(f"attempt {pw}")`
    /// writes `password`, and so does `log.Println(cfg)` or `log.Println(cfg.Upstream)` after
    /// `cfg := Settings{Upstream: password}`; so does `console.log(payload)` after `payload.password
    /// = req.body.password` (a member assigned in the function before the call, or `data["token"]
    /// = t`). A name bound to a value passed through a masking
    /// or hashing function (`stored = crypt(password)`) is not the secret its name says, nor is
    /// a constant of the code: a name bound to a literal (`const defaultToken = "anonymous"`;
    /// in Go a `const`, while a variable given a literal, `password := "hunter2"`, is still
    /// named for what it holds), a key given one (`{password: "***"}`), or a conditional
    /// choosing between them (`password ? "(set)" : "(unset)"`: its condition is not written).
    /// A secret written in the code is SEC-001's finding. A
    /// value passed through another function (`mask(token)`, `len(token)`) is not the value,
    /// nor is a key whose value is (`{password: hash(p)}`); methods that keep the value
    /// (`trim`, `toLowerCase`, `toString`, `String()`, `concat`, `substring(0, 12)`,
    /// `replace(/a/g, "")`) write it, those that
    /// keep at most four characters of it (`substring(0, 4)`, `slice(-4)`, Python's
    /// `token[-4:]`, Go's `token[len(token)-4:]`) or mask every character (`replace(/./g,
    /// "*")`, Java's `replaceAll(".", "*")`) do not; a longer slice (`token[:16]`) writes it.
    /// A truth value is not the value it tests (`token is not None`, `not password`,
    /// `!!apiKey`, `token != ""`, `secret == null`, `typeof key`). The whole
    /// environment written as it is (`process.env`, `os.environ`, `os.Environ()`,
    /// `System.getenv()`, also copied, listed or inspected: `os.environ.copy()`,
    /// `Object.entries(process.env)`, `util.inspect(process.env)`; not one variable of it, nor
    /// its names) is a failure: every secret the service was given is in it. A message also names what it interpolates: the one or
    /// two words right before a placeholder or a concatenated value are a name
    /// (`"api key: %s"`, `"token=" + t`, `"password {}"`, `f"secret: {s}"`, `"the password is
    /// %s"`: a verb between them does not count), and so is
    /// `%(name)s`, unless the value filling that placeholder is passed through a function
    /// that masks, hashes, encrypts or measures it (`"token %s", mask(token)`,
    /// `"password length %d", len(pw)`) or has a name of its own that says what it is
    /// (`"token %s revoked", token_id`: a name ending in `id`, `count`, `hash`, `expiry`, `at`,
    /// `length`, `type`, `status`, `version`, `name`, `tail`, `suffix`, `prefix`, `last4`,
    /// `fingerprint`, `path`, `file`, `dir`, `url`, `endpoint`, ...), or is a truth value or
    /// a few characters of one (above).
    ///
    /// A name is split into its words (`apiKey`, `api_key`, `API-KEY` are `api key`) and is
    /// sensitive when it *ends* in one of these, optionally followed by `value`, `raw`,
    /// `plain`, `str`, `string`, `text`, `header` or `input`:
    ///
    /// - credentials: `password`, `passwords`, `passwd`, `pwd`, `passphrase`, `passcode`,
    ///   `getpass`, `secret`, `secrets`, `token` (not after `page`, `next`, `continuation`,
    ///   `cancellation`, `sync`, `resume` or `cursor`: those are cursors), `api key`, `apikey`, `private key`,
    ///   `secret key`, `access key`, `signing key`, `encryption key`, `decryption key`, `credential`,
    ///   `credentials`, `creds`, `authorization`, `bearer`, `database url`, `db url`
    ///   (`database uri`, `db uri`) and `connection string` (a database's URL carries its
    ///   user's password);
    /// - personal data: `email`, `emails`, `email address`, `ssn`, `social security number`;
    /// - payment cards: `card number`, `cardnumber`, `card no`, `credit card`, `cc number`,
    ///   `pan`, `cvv`, `cvc`, `cvv2`.
    ///
    /// Whole words only, and the last ones: `tokenizer`, `passwordPolicyVersion`,
    /// `tokenCount`, `emailVerified`, `secretName` and `apiKeyId` describe a secret or a
    /// person without being one and are left alone; so are flags starting with `is`, `has`,
    /// `should`, `can`, `needs`, `requires`, `show`, `hide`, `enable`, `enabled`, `allow`,
    /// `use` or `no` (`hasToken`), error values and stand-ins starting with `err`, `null`,
    /// `empty`, `dummy`, `fake`, `placeholder`, `sample` or `example` (`ErrWrongPassword`,
    /// `nullToken`), and names of a value made from the secret so that it is
    /// not one any more (`hashed_password`, `maskedToken`, `encrypted_secret`,
    /// `encodedPassword`, a word starting with `hash`, `mask`, `redact`, `obfuscat`,
    /// `encrypt`, `crypt`, `bcrypt`, `encod`, `censor` or `scrub`, or `sha256`, `md5`,
    /// `digest`; an encoded password is what a password encoder such as Spring's stores, a
    /// hash).
    ///
    /// A call that spreads fields built elsewhere (`**fields`, `{...ctx}`, `args...`, logstash's
    /// `entries(map)`) cannot be read: it makes the check inconclusive when nothing else fails
    /// it, and so does a source file whose log calls could not be read (the parser gave up on
    /// it, or syntax errors cover a log call that can write a secret), named with the reason.
    /// Where a structured
    /// logger (structlog, pino, winston, bunyan, slog, zap, logrus) gets a message built by
    /// concatenation, an f-string, a template literal or `fmt.Sprintf`, the pass says so in a
    /// note (OBS-001's concern: the values belong in fields); it is never a failure. Not
    /// applicable when the repository has no source in these languages.
    /// A finding the code accepts with a comment on its line (`# launchgate:ignore OBS-014 --
    /// why`, `# nosemgrep: python-logger-credential-disclosure`) is listed as evidence, quoting
    /// the comment, not as a failure.
    ///
    /// Every service logs, and parsing every file with a log call would parse nearly all of
    /// its source: the source layer reads a log call only when its text (through its closing
    /// parenthesis and chained calls) holds a word one of the names above contains, writes the
    /// whole environment, spreads fields, holds a value the secret scanner found, or writes a
    /// name the file bound before the call in a statement holding such a word (for a member,
    /// `cfg.x`, a literal object or struct). A value reaching a log call through two names
    /// neither of which says what it is (`a = user.api_key`, `b = a`, then `log(b)` alone in
    /// its function) is read only when something else in the function is; the concatenation
    /// notes cover only the calls read.
    ///
    /// ## Why it matters
    /// Logs are copied to more systems, kept longer and read by more people than any
    /// database: a token in a log line is a token anyone with log access can use, and a
    /// password or card number there puts the log pipeline in scope of every audit (PCI DSS
    /// forbids storing the card verification code at all). Redacting after the fact means
    /// finding every copy.
    ///
    /// ## How to fix
    /// Log what identifies the event, not the secret: the user ID instead of the email, the
    /// last four digits instead of the card number, the fact that a token was present instead
    /// of the token. Where a value must appear, pass it through a redaction function. Use the
    /// logger's redaction support (pino's `redact` paths, a structlog processor, a logback
    /// masking pattern) as a second line of defence.
    ///
    /// ## Example
    /// ```python fails path=app/login.py
    /// import logging
    ///
    /// logger = logging.getLogger(__name__)
    ///
    /// def login(user, password):
    ///     logger.info("login for %s with %s", user.id, password)
    /// ```
    /// ```python passes path=app/login.py
    /// import logging
    ///
    /// logger = logging.getLogger(__name__)
    ///
    /// def login(user, password):
    ///     logger.info("login for %s", user.id)
    /// ```
    ///
    /// ## References
    /// Seed 003, "Secrets in logs"; OWASP Logging Cheat Sheet, "Data to exclude"; CWE-532
    /// (insertion of sensitive information into log file); PCI DSS requirement 3.3.
    pub struct LogsFreeOfSecrets {
        id: "OBS-014", slug: "logs-free-of-secrets", category: Observability, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "S", effort: 2,
    }
}

impl Evaluate for LogsFreeOfSecrets {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let code = &cx.evidence.source;
        if code.files.is_empty() {
            return Outcome::not_applicable(
                "the repository has no TypeScript, JavaScript, Python, Go or Java source of the service",
            );
        }
        let mut t = Tally::default();
        let mut notes = Vec::new();
        let mut calls = 0usize;
        let mut files = std::collections::BTreeSet::new();
        for (path, fact) in code.facts() {
            let FactKind::Log(log) = &fact.kind else {
                continue;
            };
            if log.may_be_sensitive {
                calls += 1;
                files.insert(path);
            }
            let at = Some(code::at(path, fact));
            let what = format!("`{}`{}", log.text, code::inside(fact));
            let mut hits: Vec<String> = log
                .names
                .iter()
                .filter_map(|n| sensitive(n).map(|k| format!("`{n}` ({})", k.label())))
                .collect();
            // Values the secret scanner recognises inside the call (a literal key in the
            // message), shown redacted as the scanner shows them.
            hits.extend(
                cx.evidence
                    .secrets
                    .findings
                    .iter()
                    .filter(|s| {
                        *s.loc.path == **path && (fact.line..=log.end_line).contains(&s.loc.line)
                    })
                    .map(|s| format!("a literal {} (`{}`)", s.description, s.redacted)),
            );
            if !hits.is_empty() {
                t.failures.push(
                    Finding::new(format!(
                        "{what} writes {} to the log: log the event or an ID, not the value",
                        join(&hits)
                    ))
                    .at(at),
                );
                continue;
            }
            if log.spread {
                t.unknowns.push(
                    Finding::new(format!(
                        "{what} spreads fields built elsewhere: whether one is a secret or personal data is unknown"
                    ))
                    .at(at.clone()),
                );
            }
            if let Some(built) = log.built.filter(|_| log.structured) {
                notes.push(
                    Finding::new(format!(
                        "note: {what} gives the structured {} logger a message built {built}: put the values in fields (OBS-001)",
                        log.library
                    ))
                    .at(at),
                );
            }
        }
        // Findings the code accepts are evidence before the count is given.
        code::accept(self.meta().id, &mut t, cx);
        let accepted = t.accepted.len();
        if t.failures.is_empty() && t.unknowns.is_empty() {
            // Counted: the calls whose text holds a word a sensitive name contains, or that
            // spread fields (the ones that could fail); other log calls a parse happened to
            // read are not, so the count does not depend on how much of a file was parsed.
            let n = code.files.len();
            let read = if calls == 0 {
                String::new()
            } else {
                format!(
                    " ({calls} call{} naming such a word or spreading fields read in {} file{})",
                    if calls == 1 { "" } else { "s" },
                    files.len(),
                    if files.len() == 1 { "" } else { "s" },
                )
            };
            let apart = match accepted {
                0 => String::new(),
                1 => " apart from the one accepted in the code".to_string(),
                k => format!(" apart from the {k} accepted in the code"),
            };
            t.evidence.push(Finding::new(format!(
                "no log call in {n} source file{} writes a value named like a secret, a credential, personal data or a card number{apart}{read}",
                if n == 1 { "" } else { "s" }
            )));
            t.evidence.append(&mut notes);
        }
        match code::conclude(self.meta().id, t, cx, "S", &[Topic::Logs], "") {
            // The count first, the notes after it.
            Outcome::Pass {
                basis,
                mut evidence,
            } => {
                if let Some(i) = evidence.iter().position(|f| f.location.is_none()) {
                    let count = evidence.remove(i);
                    evidence.insert(0, count);
                }
                Outcome::Pass { basis, evidence }
            }
            other => other,
        }
    }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What a sensitive name holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Credential,
    Personal,
    Card,
    Environment,
}

/// How the source layer names the whole environment of the process, written as it is
/// (`console.log(process.env)`, `print(os.environ)`, `log.Println(os.Environ())`,
/// `log.info(System.getenv())`).
const ENVIRONMENT: [&str; 4] = ["process.env", "os.environ", "os.Environ", "System.getenv"];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Credential => "a credential",
            Kind::Personal => "personal data",
            Kind::Card => "payment card data",
            Kind::Environment => "the whole environment, with every secret the service was given",
        }
    }
}

/// Whether a name is a secret, a credential, personal data or card data: it ends in one of the
/// documented words (see the check's documentation).
fn sensitive(name: &str) -> Option<Kind> {
    // The whole environment, written as it is: every secret the service was given is in it.
    if ENVIRONMENT.contains(&name) {
        return Some(Kind::Environment);
    }
    let mut w = name_words(name);
    let first = w.first()?.as_str();
    if matches!(
        first,
        "is" | "has"
            | "should"
            | "can"
            | "needs"
            | "requires"
            | "show"
            | "hide"
            | "enable"
            | "enabled"
            | "allow"
            | "use"
            | "no"
            // An error value (`ErrWrongPassword`) or a stand-in (`dummyToken`, `nullToken`).
            | "err"
            | "null"
            | "empty"
            | "dummy"
            | "fake"
            | "placeholder"
            | "sample"
            | "example"
    ) && w.len() > 1
    {
        return None;
    }
    // A value made from the secret so that it is not one any more: `hashed_password`,
    // `masked_token`, `encrypted_secret`, `redactedApiKey`.
    if w.len() > 1
        && w.iter().any(|x| {
            x.starts_with("hash")
                || x.starts_with("mask")
                || x.starts_with("redact")
                || x.starts_with("obfuscat")
                // `encryption_key` is the key, not a value made with it.
                || (x.starts_with("encrypt") && x != "encryption")
                || x.starts_with("crypt")
                || x.starts_with("bcrypt")
                || x.starts_with("encod")
                || x.starts_with("censor")
                || x.starts_with("scrub")
                || x == "sha256"
                || x == "md5"
                || x == "digest"
        })
    {
        return None;
    }
    // A connection string is the last word that ends in `string`.
    let connection =
        |w: &[String]| w.len() > 1 && matches!(w[w.len() - 2].as_str(), "connection" | "conn");
    while w.len() > 1
        && matches!(
            w.last().map(String::as_str),
            Some(
                "value" | "val" | "raw" | "plain" | "str" | "string" | "text" | "header" | "input"
            )
        )
        && !(connection(&w) && matches!(w.last().map(String::as_str), Some("str" | "string")))
    {
        w.pop();
    }
    let last = w.last()?.as_str();
    let prev = w
        .len()
        .checked_sub(2)
        .and_then(|i| w.get(i))
        .map(String::as_str);
    let pair = match (prev, last) {
        // A database's URL carries its user's password (`postgres://app:pw@db/app`).
        (
            Some("api" | "private" | "secret" | "access" | "signing" | "encryption" | "decryption"),
            "key",
        )
        | (Some("database" | "db"), "url" | "uri")
        | (Some("connection" | "conn"), "string" | "str") => Some(Kind::Credential),
        (Some("card" | "cc"), "number" | "no" | "num") | (Some("credit"), "card") => {
            Some(Kind::Card)
        }
        (Some("email"), "address") | (Some("security"), "number") => Some(Kind::Personal),
        _ => None,
    };
    if pair.is_some() {
        return pair;
    }
    match last {
        "token"
            if matches!(
                prev,
                Some(
                    "page"
                        | "next"
                        | "continuation"
                        | "cancellation"
                        | "sync"
                        | "resume"
                        | "cursor"
                )
            ) =>
        {
            None
        }
        "password" | "passwords" | "passwd" | "pwd" | "passphrase" | "passcode" | "getpass"
        | "secret" | "secrets" | "token" | "apikey" | "privatekey" | "credential"
        | "credentials" | "creds" | "authorization" | "bearer" => Some(Kind::Credential),
        "email" | "emails" | "ssn" => Some(Kind::Personal),
        "cardnumber" | "creditcard" | "pan" | "cvv" | "cvc" | "cvv2" => Some(Kind::Card),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{evidence, run};

    #[test]
    fn findings_name_the_call_and_the_names_never_a_value() {
        assert_eq!(
            evidence(&run("OBS-014", "fail_python_logging_and_structlog")),
            [
                "app/login.py:10 `logger.info(...)` in `login` writes `email` (personal data) to the log: log the event or an ID, not the value",
                "app/login.py:11 `logger.debug(...)` in `login` writes `password` (a credential) to the log: log the event or an ID, not the value",
                "app/login.py:13 `log.info(...)` in `login` writes `api_key` (a credential) to the log: log the event or an ID, not the value",
                "app/login.py:14 `logger.warning(...)` in `login` writes `Authorization` (a credential) to the log: log the event or an ID, not the value",
                "app/login.py:17 `logger.info(...)` in `login` writes `api_key` (a credential) to the log: log the event or an ID, not the value",
            ]
        );
        assert_eq!(
            evidence(&run("OBS-014", "fail_go_zap_slog_logrus")),
            [
                "main.go:14 `logger.Info(...)` in `login` writes `email` (personal data) to the log: log the event or an ID, not the value",
                "main.go:15 `slog.Info(...)` in `login` writes `token` (a credential) to the log: log the event or an ID, not the value",
                "main.go:16 `logrus.WithField(...).Warn(...)` in `login` writes `Authorization` (a credential) to the log: log the event or an ID, not the value",
                "main.go:19 `log.Printf(...)` in `login` writes `session_token` (a credential) to the log: log the event or an ID, not the value",
            ]
        );
    }

    #[test]
    fn a_built_message_for_a_structured_logger_is_a_note_after_the_count() {
        assert_eq!(
            evidence(&run("OBS-014", "pass_javascript_pino_fields")),
            [
                "no log call in 1 source file writes a value named like a secret, a credential, personal data or a card number (2 calls naming such a word or spreading fields read in 1 file)",
                "src/server.js:7 note: `log.warn(...)` in `charge` gives the structured pino logger a message built by concatenation: put the values in fields (OBS-001)",
            ]
        );
        assert_eq!(
            evidence(&run("OBS-014", "inconclusive_go_slog_args")),
            [
                "main.go:6 `slog.Info(...)` in `audit` spreads fields built elsewhere: whether one is a secret or personal data is unknown"
            ]
        );
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("apiKey"), ["api", "key"]);
        assert_eq!(name_words("API_KEY"), ["api", "key"]);
        assert_eq!(name_words("APIKey"), ["api", "key"]);
        assert_eq!(name_words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(name_words("card_number_last4"), ["card", "number", "last4"]);
        assert_eq!(name_words("getPassword"), ["get", "password"]);
    }

    #[test]
    fn sensitive_names_end_in_a_sensitive_word() {
        for (name, kind) in [
            ("password", Kind::Credential),
            ("user_password", Kind::Credential),
            ("getPassword", Kind::Credential),
            ("apiKey", Kind::Credential),
            ("X-API-Key", Kind::Credential),
            ("api_token", Kind::Credential),
            ("Authorization", Kind::Credential),
            ("client_secret", Kind::Credential),
            ("passwordPlain", Kind::Credential),
            ("email", Kind::Personal),
            ("userEmail", Kind::Personal),
            ("email_address", Kind::Personal),
            ("ssn", Kind::Personal),
            ("cardNumber", Kind::Card),
            ("card_no", Kind::Card),
            ("pan", Kind::Card),
            ("cvv", Kind::Card),
            ("myPasscode", Kind::Credential),
            ("getpass", Kind::Credential),
            ("fetchPassword", Kind::Credential),
            ("encryption_key", Kind::Credential),
            ("decryptionKey", Kind::Credential),
            ("DATABASE_URL", Kind::Credential),
            ("dbUri", Kind::Credential),
            ("connectionString", Kind::Credential),
            ("process.env", Kind::Environment),
            ("os.Environ", Kind::Environment),
        ] {
            assert_eq!(sensitive(name), Some(kind), "{name}");
        }
        for name in [
            "tokenizer",
            "hashed_password",
            "maskedToken",
            "obfuscated_password",
            "encrypted_secret",
            "passwordPolicyVersion",
            "tokenCount",
            "nextPageToken",
            "emailVerified",
            "secretName",
            "apiKeyId",
            "hasToken",
            "is_password_set",
            "card_number_last4",
            "company",
            "spanId",
            "keyboard",
            "Number",
            "ErrWrongPassword",
            "WrongPasswordError",
            "nullToken",
            "dummy_password",
            "encodedPassword",
            "cryptedPassword",
            "cursorToken",
            "encrypted_key",
            "masked_database_url",
            "database_url_env",
            "env",
            "environ",
        ] {
            assert_eq!(sensitive(name), None, "{name}");
        }
    }
}
