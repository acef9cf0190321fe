//! Governance commands: keys, signed overrides and sign-offs, the audit ledger, recorded
//! reviews, history, diffs and baselines. The ledger lives in a store (`--store`; default in
//! [`StoreArg`]); the rules (who may override, when a sign-off is stale) are the policy crate's,
//! and the chain and signatures are the store crate's. This module only connects them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use launchgate_core::{Finding, Status};
use launchgate_manifest::RecordedGate;
use launchgate_policy::{LedgerOverride, LedgerSignoff, Verdict};
use launchgate_report::tickets::ActionItemChanges;
use launchgate_report::{HistoryPoint, Review};
use launchgate_store::{
    Event, EventKind, KeyPair, NewEvent, OverrideBody, PublicKey, ReviewBody, SecretKey,
    SignoffBody, Store,
};

use crate::{Failure, Loaded, clock, write_stdout};

/// Where the ledger is.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArg {
    /// The ledger: `sqlite://PATH` or a path. Default: $LAUNCHGATE_STORE, else
    /// $XDG_DATA_HOME/launchgate/ledger.db, else ~/.local/share/launchgate/ledger.db.
    #[arg(long, value_name = "URL")]
    store: Option<String>,
}

impl StoreArg {
    pub(crate) fn location(&self) -> Result<String, Failure> {
        if let Some(s) = &self.store {
            return Ok(s.clone());
        }
        launchgate_store::default_store_path(|k| std::env::var_os(k).filter(|v| !v.is_empty()))
            .map(|p| p.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Failure::Message(
                    "no place for the ledger: pass --store sqlite://PATH, or set LAUNCHGATE_STORE or HOME"
                        .to_string(),
                )
            })
    }
}

fn fail(e: impl std::fmt::Display) -> Failure {
    Failure::Message(e.to_string())
}

/// Opens (creating if needed) the ledger.
fn open(arg: &StoreArg) -> Result<Box<dyn Store>, Failure> {
    launchgate_store::open_store(arg.location()?).map_err(fail)
}

/// Opens the ledger only if it exists: reviewing never creates one.
pub(crate) fn open_existing(arg: &StoreArg) -> Result<Option<Box<dyn Store>>, Failure> {
    let location = arg.location()?;
    match launchgate_store::parse_location(location.as_ref()).map_err(fail)? {
        launchgate_store::StoreLocation::Sqlite(path) if !path.exists() => Ok(None),
        launchgate_store::StoreLocation::Sqlite(_)
        | launchgate_store::StoreLocation::Postgres(_) => launchgate_store::open_store(&location)
            .map(Some)
            .map_err(fail),
    }
}

/// Whether `event`'s signature verifies with the public key it names.
fn signature_valid(event: &Event) -> bool {
    match (&event.public_key, &event.signature) {
        (Some(key), Some(sig)) => PublicKey::parse(key).is_ok_and(|k| {
            launchgate_store::keys::verify(&k, event.signing_payload().as_bytes(), sig)
        }),
        _ => false,
    }
}

/// What the ledger holds for one service, ready for the policy.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    pub(crate) overrides: Vec<LedgerOverride>,
    pub(crate) signoffs: Vec<LedgerSignoff>,
    pub(crate) history: Vec<HistoryPoint>,
    /// The gate OPS-010 compares with: the last trusted recorded gate, raised (never lowered)
    /// by a newer unverified one (see [`Ledger::read`]).
    pub(crate) baseline: Option<RecordedGate>,
    /// What the review must say about recorded reviews that were ignored or are unverified.
    pub(crate) notices: Vec<String>,
    /// The commit and report-derived figures of the last recorded review that has both, for
    /// measurement changes.
    pub(crate) last_figures: Option<(String, BTreeMap<String, f64>)>,
}

/// How many ignored events a notice names before it summarises the rest.
const NAMED_EVENTS: usize = 5;

impl Ledger {
    /// Reads `service`'s events from the ledger at `location` (`store` is `None` when no ledger
    /// exists there) under `policy`.
    ///
    /// Refused (an error, exit 2), since decisions are not taken on a tampered trail: a ledger
    /// that does not verify, and one that does not hold the head the policy pins
    /// (`ledger.head`: truncated, rehashed, replaced or removed).
    ///
    /// Overrides and sign-offs count only when signed by the approver's key in the policy
    /// (the policy crate says why each other one is refused). Recorded reviews count only when
    /// signed by an approver holding [`launchgate_policy::RECORDER_ROLE`]. When the policy
    /// requires signatures ([`Policy::signatures_required`]: it lists approvers, or says
    /// `ledger.require_signatures: true`), other recorded reviews are ignored with a notice:
    /// they are neither history nor gate baseline. When it does not (no keys configured), they
    /// are kept as unverified history, and the newest unverified gate may only raise the bar
    /// OPS-010 compares with above the last trusted gate (or the built-in one), never lower it,
    /// so a forged or edited review cannot loosen it; a notice says so.
    pub(crate) fn read(
        store: Option<&dyn Store>,
        location: &str,
        service: &str,
        policy: &launchgate_manifest::Policy,
    ) -> Result<Ledger, Failure> {
        let Some(store) = store else {
            if let Some(pin) = &policy.ledger_head {
                return Err(Failure::Message(format!(
                    "{}: the policy pins ledger event {} (hash {}), but there is no ledger at {location}: it was removed or replaced; restore it from an export, or review with the right --store",
                    pin.origin(),
                    pin.seq,
                    pin.hash
                )));
            }
            return Ok(Ledger::default());
        };
        let all = store.all().map_err(fail)?;
        launchgate_store::verify(&all).map_err(|e| {
            Failure::Message(format!(
                "the ledger {} does not verify: {e}; run `launchgate audit verify` and restore it from an export",
                store.location()
            ))
        })?;
        if let Some(pin) = &policy.ledger_head {
            launchgate_store::verify_against_pin(&all, pin.seq, &pin.hash).map_err(|e| {
                Failure::Message(format!(
                    "{}: the ledger {} does not hold the pinned head (event {}, hash {}): {e}; restore it from an export, or update `ledger.head` if the policy's pin is out of date",
                    pin.origin(),
                    store.location(),
                    pin.seq,
                    pin.hash
                ))
            })?;
        }
        let required = policy.signatures_required();
        let mut ledger = Ledger::default();
        let first_with_signature = first_signatures(&all);
        let mut replayed: Vec<String> = Vec::new();
        let mut ignored: Vec<String> = Vec::new();
        let mut unverified = 0_usize;
        let mut trusted_gate: Option<(u64, RecordedGate)> = None;
        // The newest gate when it is unverified and newer than the last trusted one.
        let mut unverified_gate: Option<(u64, RecordedGate)> = None;
        for e in all.iter().filter(|e| e.service == service) {
            // A signature covers neither `seq` nor the links, so a signed event can be copied to
            // the end of the ledger (an old override made newest again, an old looser gate made
            // the last one). Signers add a nonce, so a signature seen twice is such a copy.
            if let Some(first) = replay_of(e, &first_with_signature) {
                replayed.push(format!(
                    "event {} ({}) repeats event {first}",
                    e.seq, e.kind
                ));
                continue;
            }
            match e.kind {
                EventKind::Override => {
                    let Ok(body) = e.body_as::<OverrideBody>() else {
                        continue;
                    };
                    let Some(decision) = parse_verdict(&body.decision) else {
                        continue;
                    };
                    ledger.overrides.push(LedgerOverride {
                        decision,
                        approver: e.signer.clone().unwrap_or_default(),
                        public_key: e.public_key.clone(),
                        signature_valid: signature_valid(e),
                        reason: body.reason,
                        expires: body.expires,
                        recorded_at: signed_time(e, body.signed_at.as_deref()),
                        event_hash: e.hash.clone(),
                    });
                }
                EventKind::Signoff => {
                    let Ok(body) = e.body_as::<SignoffBody>() else {
                        continue;
                    };
                    ledger.signoffs.push(LedgerSignoff {
                        role: body.role,
                        approver: e.signer.clone().unwrap_or_default(),
                        public_key: e.public_key.clone(),
                        signature_valid: signature_valid(e),
                        note: body.note,
                        content_hash: body.content_hash,
                        recorded_at: signed_time(e, body.signed_at.as_deref()),
                        event_hash: e.hash.clone(),
                    });
                }
                EventKind::Review => {
                    let Ok(body) = e.body_as::<ReviewBody>() else {
                        continue;
                    };
                    let Some(decision) = parse_verdict(&body.decision) else {
                        continue;
                    };
                    let trusted = launchgate_policy::recorder_problem(
                        policy,
                        e.signer.as_deref(),
                        e.public_key.as_deref(),
                        signature_valid(e),
                    );
                    match &trusted {
                        Err(why) if required => {
                            ignored.push(format!("event {} ({})", e.seq, inert(why)));
                            continue;
                        }
                        Err(_) => unverified += 1,
                        Ok(_) => {}
                    }
                    if let Ok(thresholds) = serde_json::from_value(body.thresholds.clone()) {
                        let gate = RecordedGate {
                            thresholds,
                            recorded_at: signed_time(e, body.signed_at.as_deref()),
                            evaluated_on: body.evaluated_on.clone(),
                        };
                        if trusted.is_ok() {
                            // The newest by signed time: a rewrite that moves an old signed gate
                            // after a newer one does not make it the baseline.
                            let key = |g: &RecordedGate, seq: u64| {
                                (g.recorded_at.parse::<jiff::Timestamp>().ok(), seq)
                            };
                            if trusted_gate
                                .as_ref()
                                .is_none_or(|(s, g)| key(g, *s) <= key(&gate, e.seq))
                            {
                                trusted_gate = Some((e.seq, gate));
                            }
                            unverified_gate = None;
                        } else {
                            unverified_gate = Some((e.seq, gate));
                        }
                    }
                    if let (Some(commit), Some(figures)) = (
                        &body.commit,
                        body.review
                            .get("figures")
                            .and_then(|f| serde_json::from_value(f.clone()).ok()),
                    ) {
                        ledger.last_figures = Some((commit.clone(), figures));
                    }
                    ledger.history.push(HistoryPoint {
                        recorded_at: e.recorded_at.clone(),
                        evaluated_on: body.evaluated_on,
                        decision,
                        score: body.score,
                        commit: body.commit,
                    });
                }
            }
        }
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if !replayed.is_empty() {
            let n = replayed.len();
            ledger.notices.push(format!(
                "ledger: {n} event{} of {service} ignored as replayed copies of earlier signed events (the same signature again: an old event appended anew, which could make an old override or gate the newest): {}",
                plural(n),
                named_list(&replayed)
            ));
        }
        if !ignored.is_empty() {
            let n = ignored.len();
            let named = named_list(&ignored);
            ledger.notices.push(format!(
                "ledger: {n} recorded review{} of {service} ignored, not signed by a recorder the policy trusts (an approver with role `{}`; signatures are required because {}): {named}. Ignored reviews count neither in the history nor as the gate baseline (OPS-010)",
                plural(n),
                launchgate_policy::RECORDER_ROLE,
                signatures_required_because(policy)
            ));
        }
        ledger.baseline = match (trusted_gate, unverified_gate) {
            (trusted, None) => trusted.map(|(_, g)| g),
            (trusted, Some((seq, gate))) => {
                let (reference, what) = match &trusted {
                    Some((t, g)) => (
                        g.thresholds.clone(),
                        format!("the last signed gate (event {t})"),
                    ),
                    None => (
                        launchgate_manifest::GateThresholds::default(),
                        "the built-in gate".to_string(),
                    ),
                };
                ledger.notices.push(format!(
                    "ledger: the recorded gate of {service} is unverified: {unverified} recorded review{} not signed by a trusted recorder, the newest being event {seq} (recorded {}); OPS-010 compares with it only where it is stricter than {what}, so an edited or forged review cannot loosen the baseline. To make recorded gates trusted, list CI's key under the policy's approvers with role `{}` and record with `check --record --key FILE`",
                    if unverified == 1 { " is" } else { "s are" },
                    gate.recorded_at,
                    launchgate_policy::RECORDER_ROLE
                ));
                Some(RecordedGate {
                    thresholds: reference.strictest(&gate.thresholds),
                    recorded_at: gate.recorded_at,
                    evaluated_on: gate.evaluated_on,
                })
            }
        };
        Ok(ledger)
    }
}

/// When `e` was signed, if it is validly signed and says so in its body (`signed_at`, covered
/// by the signature); else when the store appended it (`recorded_at`, which a rewrite can change).
fn signed_time(e: &Event, signed_at: Option<&str>) -> String {
    match signed_at {
        Some(t) if signature_valid(e) && t.parse::<jiff::Timestamp>().is_ok() => t.to_string(),
        _ => e.recorded_at.clone(),
    }
}

/// The first few of `items`, joined, and how many more there are.
fn named_list(items: &[String]) -> String {
    let mut named = items
        .iter()
        .take(NAMED_EVENTS)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED_EVENTS {
        let _ = write!(named, "; and {} more", items.len() - NAMED_EVENTS);
    }
    named
}

/// For each signature in `events`, the `seq` of the first event that carries it.
fn first_signatures(events: &[Event]) -> BTreeMap<&str, u64> {
    let mut first = BTreeMap::new();
    for e in events {
        if let Some(sig) = &e.signature {
            first.entry(sig.as_str()).or_insert(e.seq);
        }
    }
    first
}

/// The earlier event whose signature `e` repeats, if it does (a replayed copy).
fn replay_of(e: &Event, first_with_signature: &BTreeMap<&str, u64>) -> Option<u64> {
    let sig = e.signature.as_deref()?;
    first_with_signature
        .get(sig)
        .copied()
        .filter(|&first| first < e.seq)
}

/// `text` with control characters (newlines, escape sequences) written as `\u{..}` escapes:
/// for ledger text (signer names come from whoever wrote the ledger) quoted in notices.
fn inert(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Why `policy` requires signed ledger events, for messages.
fn signatures_required_because(policy: &launchgate_manifest::Policy) -> String {
    match &policy.require_signatures {
        Some(r) => format!(
            "of `ledger.require_signatures: {}` in {}",
            r.value, r.source
        ),
        None => format!("the policy lists approvers ({})", policy.approvers.source),
    }
}

/// `GO` for `go`; an unknown key as it is.
fn verdict_label(key: &str) -> String {
    parse_verdict(key).map_or_else(|| key.to_string(), |v| v.label().to_string())
}

fn parse_verdict(key: &str) -> Option<Verdict> {
    [Verdict::Go, Verdict::ConditionalGo, Verdict::NoGo]
        .into_iter()
        .find(|v| v.key() == key)
}

/// The repository's commit, when it is a git checkout and git is installed.
pub(crate) fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && commit.len() >= 7 && commit.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(commit)
}

/// `check --record`: appends the review (without its history) to the ledger, signed with the
/// recorder key `key` when one is given. The key must be an approver's in the policy who holds
/// [`launchgate_policy::RECORDER_ROLE`]; without a key the review is recorded unsigned, which a
/// policy requiring signatures refuses (nothing is written).
pub(crate) fn record(
    arg: &StoreArg,
    review: &Review,
    root: &Path,
    policy: &launchgate_manifest::Policy,
    key: Option<&Path>,
) -> Result<(), Failure> {
    let mut stored = review.clone();
    stored.history.clear();
    let full: serde_json::Value = serde_json::from_str(&stored.to_json()).map_err(fail)?;
    let body = ReviewBody {
        review: full,
        commit: git_commit(root),
        decision: review.decision.key().to_string(),
        computed_decision: review.computed_decision.key().to_string(),
        score: review.score,
        evaluated_on: review.evaluated_on.clone(),
        content_hash: review.content_hash.clone(),
        thresholds: serde_json::to_value(&review.thresholds).map_err(fail)?,
        nonce: Some(launchgate_store::keys::nonce().map_err(fail)?),
        signed_at: Some(launchgate_store::format_timestamp(clock::now()?)),
    };
    let role = launchgate_policy::RECORDER_ROLE;
    let event = match key {
        Some(path) => {
            let secret = SecretKey::read(path).map_err(fail)?;
            let public = secret.public_key().to_string();
            let Some(approver) = policy.approver_with_key(&public) else {
                return Err(Failure::Message(format!(
                    "the record key {} ({public}) is not an approver's key in the policy ({}): list CI's public key under `approvers` with role `{role}`; nothing recorded",
                    path.display(),
                    policy.approvers.source
                )));
            };
            if !approver.holds(role) {
                return Err(Failure::Message(format!(
                    "the record key {} is approver `{}`'s, who holds [{}] but not `{role}`, the role that records reviews ({}); nothing recorded",
                    path.display(),
                    approver.name,
                    approver.roles.join(", "),
                    policy.approvers.source
                )));
            }
            NewEvent::signed(
                &review.service,
                EventKind::Review,
                body.to_value(),
                &approver.name,
                &secret,
            )
        }
        None if policy.signatures_required() => {
            return Err(Failure::Message(format!(
                "the policy requires signed ledger events (because {}): pass CI's recorder key with --key FILE or LAUNCHGATE_RECORD_KEY=FILE (an approver with role `{role}`); nothing recorded",
                signatures_required_because(policy)
            )));
        }
        None => NewEvent::unsigned(&review.service, EventKind::Review, body.to_value()),
    };
    let store = open(arg)?;
    store.append(event, clock::now()?).map_err(fail)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// keygen

#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// The secret key file to create (refused if it exists); the public key goes to FILE.pub.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
}

pub(crate) fn keygen(args: &KeygenArgs) -> Result<ExitCode, Failure> {
    let pair = KeyPair::generate().map_err(fail)?;
    let files = pair.write_key_pair(&args.out).map_err(fail)?;
    let text = format!(
        "secret key: {} (keep it private: it signs as you)\npublic key: {}\n\n{}\n\nList yourself in the organisation policy file (--policy):\n\napprovers:\n  - name: YOUR-NAME\n    roles: [vp]\n    public_key: \"{}\"\n",
        files.secret.display(),
        files.public.display(),
        pair.public_key(),
        pair.public_key()
    );
    write_stdout(&text).map(|()| ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// override and signoff

/// What identifies the approver and the service in `override` and `signoff`.
#[derive(Debug, clap::Args)]
pub struct SignerArgs {
    /// The service's repository (its manifest names the service and its policy section).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The service manifest, if not PATH/launchgate.yaml.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// The organisation policy file that lists the approvers.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The service; must match the manifest's `service`.
    #[arg(long, value_name = "NAME")]
    service: String,
    /// The approver's name, as listed in the policy's `approvers`.
    #[arg(long = "as", value_name = "NAME")]
    approver: String,
    /// The approver's secret key file (`launchgate keygen`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Today's date (YYYY-MM-DD) for expiry checks; defaults to today (or to `LAUNCHGATE_TODAY`
    /// when that is set).
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// After recording it, publish the signed event to this fleet server, e.g.
    /// https://launchgate.internal (token from LAUNCHGATE_TOKEN; network errors and 5xx answers
    /// are retried with backoff, and a retried upload is stored once). The server verifies the
    /// signature and, under `serve --policy`, that the signer is one of its approvers.
    #[arg(long, value_name = "URL")]
    publish: Option<String>,
    #[command(flatten)]
    store: StoreArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DecisionArg {
    Go,
    ConditionalGo,
    NoGo,
}

impl DecisionArg {
    fn verdict(self) -> Verdict {
        match self {
            DecisionArg::Go => Verdict::Go,
            DecisionArg::ConditionalGo => Verdict::ConditionalGo,
            DecisionArg::NoGo => Verdict::NoGo,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct OverrideArgs {
    #[command(flatten)]
    signer: SignerArgs,
    /// The decision to put in place of the computed one.
    #[arg(long, value_enum)]
    decision: DecisionArg,
    /// Why (required; shown in every report).
    #[arg(long)]
    reason: String,
    /// Last day the override applies (YYYY-MM-DD, today or later).
    #[arg(long, value_name = "DATE")]
    expires: String,
}

#[derive(Debug, clap::Args)]
pub struct SignoffArgs {
    #[command(flatten)]
    signer: SignerArgs,
    /// The role signing off (one of the policy's `signoff_roles`, held by the approver).
    #[arg(long)]
    role: String,
    /// A note shown in the sign-off table.
    #[arg(long)]
    note: Option<String>,
    /// Sign off this saved review (JSON) instead of reviewing PATH now.
    #[arg(long, value_name = "FILE")]
    review: Option<PathBuf>,
}

/// Checks everything about the signer before anything is written: the manifest names the
/// service, the approver is in the policy, and the key is theirs.
fn signer(args: &SignerArgs) -> Result<(Loaded, SecretKey, Vec<String>), Failure> {
    let loaded = crate::load(&args.path, args.manifest.as_deref(), args.policy.as_deref())?;
    if loaded.manifest.service != args.service {
        return Err(Failure::Message(format!(
            "--service {} does not match the manifest's service `{}` ({})",
            args.service,
            loaded.manifest.service,
            loaded.manifest.path()
        )));
    }
    let key = SecretKey::read(&args.key).map_err(fail)?;
    let Some(approver) = loaded.policy.approver(&args.approver) else {
        let names: Vec<&str> = loaded
            .policy
            .approvers
            .value
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let known = if names.is_empty() {
            "the policy lists no approvers; add them to the organisation policy file (--policy)"
                .to_string()
        } else {
            format!("known approvers: {}", names.join(", "))
        };
        return Err(Failure::Message(format!(
            "unknown approver `{}` ({}): {known}",
            args.approver, loaded.policy.approvers.source
        )));
    };
    let public = key.public_key().to_string();
    let theirs =
        launchgate_manifest::PublicKey::parse(&public).is_ok_and(|k| k == approver.public_key);
    if !theirs {
        return Err(Failure::Message(format!(
            "the key {} is not approver `{}`'s key in the policy ({}): sign with your own key, or update the policy's public_key",
            args.key.display(),
            args.approver,
            loaded.policy.approvers.source
        )));
    }
    let roles = approver.roles.clone();
    Ok((loaded, key, roles))
}

pub(crate) fn override_(args: &OverrideArgs) -> Result<ExitCode, Failure> {
    let today = clock::today(args.signer.today.as_deref())?;
    if args.reason.trim().is_empty() {
        return Err(Failure::Message(
            "--reason is empty: say why the decision is overridden; it is shown in every report"
                .to_string(),
        ));
    }
    let expires: jiff::civil::Date = args.expires.parse().map_err(|_| {
        Failure::Message(format!(
            "--expires `{}` is not a date; write it as YYYY-MM-DD",
            args.expires
        ))
    })?;
    if expires < today {
        return Err(Failure::Message(format!(
            "--expires {expires} is in the past (today is {today}): an override must expire today or later"
        )));
    }
    let (loaded, key, roles) = signer(&args.signer)?;
    let may_sign = roles
        .iter()
        .any(|r| r == "security" || loaded.policy.override_roles.value.contains(r));
    if !may_sign {
        return Err(Failure::Message(format!(
            "approver `{}` holds {} but overriding needs one of {} ({}), or security for a co-sign",
            args.signer.approver,
            roles.join(", "),
            loaded.policy.override_roles.value.join(", "),
            loaded.policy.override_roles.source
        )));
    }
    let body = OverrideBody {
        decision: args.decision.verdict().key().to_string(),
        reason: args.reason.trim().to_string(),
        expires: expires.to_string(),
        nonce: Some(launchgate_store::keys::nonce().map_err(fail)?),
        signed_at: Some(launchgate_store::format_timestamp(clock::now()?)),
    };
    let event = NewEvent::signed(
        &args.signer.service,
        EventKind::Override,
        body.to_value(),
        &args.signer.approver,
        &key,
    );
    let stored = open(&args.signer.store)?
        .append(event.clone(), clock::now()?)
        .map_err(fail)?;
    write_stdout(&format!(
        "recorded override of {} to {} by {} until {expires} (event {} {})\n",
        args.signer.service,
        args.decision.verdict().label(),
        args.signer.approver,
        stored.seq,
        stored.hash
    ))?;
    publish_signed(&args.signer, &event, stored.seq)
}

/// Event `seq` of the local ledger as it was signed (for `publish --event`).
pub(crate) fn recorded_event(arg: &StoreArg, seq: u64) -> Result<NewEvent, Failure> {
    let Some(store) = open_existing(arg)? else {
        return Err(Failure::Message(format!(
            "no ledger at {}: nothing has been recorded yet",
            arg.location()?
        )));
    };
    let Some(e) = store.event_at(seq).map_err(fail)? else {
        return Err(Failure::Message(format!(
            "the ledger at {} has no event {seq} (`launchgate audit log` lists them)",
            store.location()
        )));
    };
    Ok(NewEvent {
        service: e.service,
        kind: e.kind,
        body: e.body,
        signer: e.signer,
        public_key: e.public_key,
        signature: e.signature,
    })
}

/// `--publish URL`: uploads the event just recorded locally (as event `seq`) to the fleet server.
fn publish_signed(args: &SignerArgs, event: &NewEvent, seq: u64) -> Result<ExitCode, Failure> {
    let Some(server) = &args.publish else {
        return Ok(ExitCode::SUCCESS);
    };
    match crate::server::publish_event(server, event, 8) {
        Ok(line) => write_stdout(&format!("{line}\n")).map(|()| ExitCode::SUCCESS),
        Err(Failure::Message(m)) => Err(Failure::Message(format!(
            "{m}\nthe {} is recorded in the local ledger as event {seq}, but not on the server: once the cause is fixed, publish it with `launchgate publish --event {seq} --server {server}`{}",
            if event.kind == EventKind::Signoff {
                "sign-off"
            } else {
                "override"
            },
            if args.store.store.is_some() {
                " and the same --store"
            } else {
                ""
            }
        ))),
        Err(other) => Err(other),
    }
}

pub(crate) fn signoff(args: &SignoffArgs) -> Result<ExitCode, Failure> {
    let role = args.role.trim().to_ascii_lowercase();
    let (_, key, roles) = signer(&args.signer)?;
    if !roles.contains(&role) {
        return Err(Failure::Message(format!(
            "approver `{}` does not hold the role `{role}` (holds {})",
            args.signer.approver,
            roles.join(", ")
        )));
    }
    let content_hash = if let Some(file) = &args.review {
        let r = read_review_file(file)?;
        if r.service != args.signer.service {
            return Err(Failure::Message(format!(
                "{} is a review of `{}`, not of `{}`",
                file.display(),
                r.service,
                args.signer.service
            )));
        }
        r.content_hash
    } else {
        let check = crate::CheckArgs::for_signoff(
            &args.signer.path,
            args.signer.manifest.as_deref(),
            args.signer.policy.as_deref(),
            args.signer.today.clone(),
            args.signer.store.clone(),
        );
        let (review, _) = crate::review(&check)?;
        review.content_hash
    };
    let body = SignoffBody {
        role: role.clone(),
        note: args
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        content_hash: content_hash.clone(),
        nonce: Some(launchgate_store::keys::nonce().map_err(fail)?),
        signed_at: Some(launchgate_store::format_timestamp(clock::now()?)),
    };
    let event = NewEvent::signed(
        &args.signer.service,
        EventKind::Signoff,
        body.to_value(),
        &args.signer.approver,
        &key,
    );
    let stored = open(&args.signer.store)?
        .append(event.clone(), clock::now()?)
        .map_err(fail)?;
    write_stdout(&format!(
        "recorded {role} sign-off of {} by {} on results {} (event {} {})\n",
        args.signer.service,
        args.signer.approver,
        short(&content_hash),
        stored.seq,
        stored.hash
    ))?;
    publish_signed(&args.signer, &event, stored.seq)
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

// ---------------------------------------------------------------------------------------------
// audit

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// List the ledger's events, oldest first.
    Log {
        /// Only this service's events.
        #[arg(long)]
        service: Option<String>,
        /// `text` (one line per event) or `jsonl` (the events themselves).
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        format: LogFormat,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Verify the hash chain and every signature: of the store, or of an exported FILE.
    ///
    /// Exit 0 when it verifies, 1 naming the first bad event when it does not.
    Verify {
        /// An exported ledger (JSON Lines) to verify instead of the store.
        file: Option<PathBuf>,
        /// The head hash the ledger must contain (from an earlier export or `verify`), which
        /// also detects events removed from the end.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
        /// The organisation policy file: the ledger must also hold its pinned head
        /// (`ledger.head`), and, where it requires signatures, every event must be signed by a
        /// key it lists for the signer (exit 1 naming the first event that is not).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Write the whole ledger as JSON Lines (one canonical event per line).
    Export {
        /// Write to FILE instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Import an exported ledger: events already present are skipped, the rest must extend the
    /// store's chain. Anything else is refused and nothing is written.
    Import {
        /// The JSON Lines file.
        file: PathBuf,
        /// The organisation policy file: where it requires signatures (it lists approvers, or
        /// says `ledger.require_signatures: true`), an event to be added that is unsigned or not
        /// signed by a key it lists for the signer refuses the whole import, naming the event.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArg,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Jsonl,
}

pub(crate) fn audit(cmd: &AuditCommand) -> Result<ExitCode, Failure> {
    match cmd {
        AuditCommand::Log {
            service,
            format,
            store,
        } => {
            let Some(store) = open_existing(store)? else {
                return Err(Failure::Message(format!(
                    "no ledger at {}: nothing has been recorded yet",
                    store.location()?
                )));
            };
            let events = store.events(service.as_deref(), None).map_err(fail)?;
            let text = match format {
                LogFormat::Jsonl => launchgate_store::export(&events),
                // Events may come from an imported export: untrusted text for people.
                LogFormat::Text => crate::safe_text(&log_text(&events)),
            };
            write_stdout(&text).map(|()| ExitCode::SUCCESS)
        }
        AuditCommand::Verify {
            file,
            head,
            policy,
            store,
        } => {
            let policy = policy.as_deref().map(load_policy_file).transpose()?;
            let (what, events) = match file {
                Some(f) => {
                    let bytes = std::fs::read(f)
                        .map_err(|e| fail(format!("cannot read {}: {e}", f.display())))?;
                    match launchgate_store::parse_jsonl(&bytes) {
                        Ok(events) => (f.display().to_string(), events),
                        Err(e) => {
                            write_stdout(&crate::safe_text(&format!(
                                "{}: TAMPERED: {e}\n",
                                f.display()
                            )))?;
                            return Ok(ExitCode::from(1));
                        }
                    }
                }
                None => {
                    let Some(store) = open_existing(store)? else {
                        return Err(Failure::Message(format!(
                            "no ledger at {}: nothing has been recorded yet",
                            store.location()?
                        )));
                    };
                    (store.location(), store.all().map_err(fail)?)
                }
            };
            let result = match head {
                Some(h) => launchgate_store::verify_against_head(&events, h),
                None => launchgate_store::verify(&events),
            };
            let result = match (result, policy.as_ref().and_then(|p| p.ledger_head.as_ref())) {
                (Ok(_), Some(pin)) => {
                    launchgate_store::verify_against_pin(&events, pin.seq, &pin.hash)
                        .map_err(|e| format!("{e} (the head pinned at {})", pin.origin()))
                }
                (result, _) => result.map_err(|e| e.to_string()),
            };
            if let (Ok(_), Some(policy)) = (&result, &policy)
                && policy.signatures_required()
                && let Some((i, e, why)) = first_untrusted(&events, &[], policy)
            {
                write_stdout(&format!(
                    "{what}: UNTRUSTED: event {} ({} of {}, line {} of an export) {why}, and signatures are required because {}\n",
                    e.seq,
                    e.kind,
                    e.service,
                    i + 1,
                    signatures_required_because(policy)
                ))?;
                return Ok(ExitCode::from(1));
            }
            match result {
                Ok(summary) => write_stdout(&format!(
                    "{what}: OK: {} events, head {}\n",
                    summary.count, summary.head_hash
                ))
                .map(|()| ExitCode::SUCCESS),
                Err(e) => {
                    write_stdout(&crate::safe_text(&format!("{what}: TAMPERED: {e}\n")))?;
                    Ok(ExitCode::from(1))
                }
            }
        }
        AuditCommand::Export { output, store } => {
            let events = match open_existing(store)? {
                Some(s) => s.all().map_err(fail)?,
                None => Vec::new(),
            };
            let text = launchgate_store::export(&events);
            match output {
                Some(path) => crate::output::write_file(path, &text)?,
                None => write_stdout(&text)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Import {
            file,
            policy,
            store,
        } => {
            let policy = policy.as_deref().map(load_policy_file).transpose()?;
            let bytes = std::fs::read(file)
                .map_err(|e| fail(format!("cannot read {}: {e}", file.display())))?;
            let events = launchgate_store::parse_jsonl(&bytes)
                .map_err(|e| fail(format!("{}: {e}; nothing imported", file.display())))?;
            if let Some(policy) = policy.as_ref().filter(|p| p.signatures_required()) {
                // Only the events the import would add: those the store already holds were
                // accepted before, and the import refuses any that differ from them.
                let stored = match open_existing(store)? {
                    Some(s) => s.all().map_err(fail)?,
                    None => Vec::new(),
                };
                let head = stored.last().map_or(0, |e| e.seq);
                let (old, new): (Vec<Event>, Vec<Event>) =
                    events.iter().cloned().partition(|e| e.seq <= head);
                // Replays are judged against what the store holds (the import must match it).
                let prior = if stored.is_empty() { old } else { stored };
                if let Some((_, e, why)) = first_untrusted(&new, &prior, policy) {
                    let line = events.iter().position(|x| x.seq == e.seq).unwrap_or(0) + 1;
                    return Err(fail(format!(
                        "{}: line {line}: event {} ({} of {}) {why}, and the policy requires signed ledger events (because {}); nothing imported",
                        file.display(),
                        e.seq,
                        e.kind,
                        e.service,
                        signatures_required_because(policy)
                    )));
                }
            }
            let summary = open(store)?.import(events).map_err(fail)?;
            write_stdout(&format!(
                "imported {}: {} events read, {} already present, {} added; head {} {}\n",
                file.display(),
                summary.received,
                summary.skipped,
                summary.added,
                summary.head_seq,
                summary.head_hash
            ))
            .map(|()| ExitCode::SUCCESS)
        }
    }
}

/// Reads an organisation policy file on its own (for the `audit` commands, which have no
/// manifest).
pub(crate) fn load_policy_file(path: &Path) -> Result<launchgate_manifest::Policy, Failure> {
    if !path.is_file() {
        return Err(Failure::Message(format!(
            "policy file {} does not exist",
            path.display()
        )));
    }
    let registry = launchgate_checks::Registry::builtin();
    let ids = registry.ids();
    let layer = launchgate_manifest::LocatedLayer::parse_file(
        launchgate_manifest::SourceFile::read(path, path.to_string_lossy().replace('\\', "/"))?,
    )?;
    Ok(launchgate_manifest::Policy::resolve(&[layer], &ids)?)
}

/// The first event not signed by a key `policy` lists for its signer: its index, the event and
/// why (`is unsigned`, `is signed by … with a key the policy does not list for them`, …).
fn first_untrusted<'e>(
    events: &'e [Event],
    prior: &[Event],
    policy: &launchgate_manifest::Policy,
) -> Option<(usize, &'e Event, String)> {
    let all: Vec<Event> = prior.iter().chain(events).cloned().collect();
    let first_with_signature = first_signatures(&all);
    events.iter().enumerate().find_map(|(i, e)| {
        if let Some(first) = replay_of(e, &first_with_signature) {
            return Some((
                i,
                e,
                format!("repeats the signature of event {first} (a replayed copy)"),
            ));
        }
        let why = match (&e.signer, &e.public_key) {
            (None, _) | (_, None) => "is unsigned".to_string(),
            _ if !signature_valid(e) => "has a signature that does not verify".to_string(),
            (Some(signer), Some(key)) => match policy.approver(signer) {
                None => format!(
                    "is signed by `{signer}`, who is not in the policy's approvers ({})",
                    policy.approvers.source
                ),
                Some(a)
                    if PublicKey::parse(key).map(|k| k.to_string()).ok()
                        != Some(a.public_key.to_string()) =>
                {
                    format!(
                        "is signed by `{signer}` with a key the policy does not list for them ({})",
                        policy.approvers.source
                    )
                }
                Some(_) => return None,
            },
        };
        Some((i, e, why))
    })
}

fn log_text(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        let what = match e.kind {
            EventKind::Override => e.body_as::<OverrideBody>().map_or_else(
                |_| "override (unreadable body)".to_string(),
                |b| {
                    format!(
                        "override to {} until {}: {}",
                        verdict_label(&b.decision),
                        b.expires,
                        b.reason
                    )
                },
            ),
            EventKind::Signoff => e.body_as::<SignoffBody>().map_or_else(
                |_| "sign-off (unreadable body)".to_string(),
                |b| {
                    format!(
                        "{} sign-off of results {}{}",
                        b.role,
                        short(&b.content_hash),
                        b.note.map(|n| format!(": {n}")).unwrap_or_default()
                    )
                },
            ),
            EventKind::Review => e.body_as::<ReviewBody>().map_or_else(
                |_| "review (unreadable body)".to_string(),
                |b| {
                    format!(
                        "review {} {} score {}{}",
                        b.evaluated_on,
                        verdict_label(&b.decision),
                        launchgate_policy::percent(b.score),
                        b.commit
                            .map(|c| format!(" at {}", short(&c)))
                            .unwrap_or_default()
                    )
                },
            ),
        };
        let by = match (&e.signer, signature_valid(e)) {
            (Some(s), true) => format!(" (signed by {s})"),
            (Some(s), false) => format!(" (BAD SIGNATURE, claims {s})"),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            out,
            "{:>4}  {}  {}  {}  {what}{by}",
            e.seq,
            e.recorded_at,
            short(&e.hash),
            e.service
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// history and diff

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The service.
    service: String,
    /// Show only the last N reviews.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[command(flatten)]
    store: StoreArg,
}

/// `▁▂▃▄▅▆▇█` for scores 0..=100.
pub fn sparkline(scores: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    scores
        .iter()
        .map(|s| BARS[((s.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize])
        .collect()
}

fn recorded_reviews(store: &dyn Store, service: &str) -> Result<Vec<(Event, ReviewBody)>, Failure> {
    Ok(store
        .events(Some(service), Some(EventKind::Review))
        .map_err(fail)?
        .into_iter()
        .filter_map(|e| e.body_as::<ReviewBody>().ok().map(|b| (e, b)))
        .collect())
}

pub(crate) fn history(args: &HistoryArgs) -> Result<ExitCode, Failure> {
    let Some(store) = open_existing(&args.store)? else {
        return Err(Failure::Message(format!(
            "no ledger at {}: record reviews with `launchgate check --record`",
            args.store.location()?
        )));
    };
    let mut reviews = recorded_reviews(store.as_ref(), &args.service)?;
    if reviews.is_empty() {
        return Err(Failure::Message(format!(
            "no recorded review of `{}` in {}: record one with `launchgate check --record`",
            args.service,
            store.location()
        )));
    }
    if let Some(n) = args.limit {
        let skip = reviews.len().saturating_sub(n);
        reviews.drain(..skip);
    }
    let scores: Vec<f64> = reviews.iter().map(|(_, b)| b.score).collect();
    let mut out = format!(
        "{}: {} recorded review{}  {}\n\n",
        args.service,
        reviews.len(),
        if reviews.len() == 1 { "" } else { "s" },
        sparkline(&scores)
    );
    out.push_str(" SEQ  RECORDED              REVIEWED    DECISION        SCORE   COMMIT\n");
    for (e, b) in &reviews {
        let decision = verdict_label(&b.decision);
        let overridden = if b.decision == b.computed_decision {
            String::new()
        } else {
            format!(
                " (overridden; computed {})",
                verdict_label(&b.computed_decision)
            )
        };
        let _ = writeln!(
            out,
            "{:>4}  {:<20}  {:<10}  {:<14}  {:>6}  {}{overridden}",
            e.seq,
            e.recorded_at,
            b.evaluated_on,
            decision,
            launchgate_policy::percent(b.score),
            b.commit.as_deref().map_or("-", short)
        );
    }
    // What the last review closed of the one before: progress on the action items (tickets).
    if let [.., (pe, prev), (le, last)] = reviews.as_slice() {
        let parse = |b: &ReviewBody| {
            serde_json::to_string(&b.review)
                .ok()
                .and_then(|t| Review::from_json(&t).ok())
        };
        if let (Some(p), Some(l)) = (parse(prev), parse(last)) {
            let changes = ActionItemChanges::of(&p, &l);
            let _ = write!(
                out,
                "\nAction items: the last review (#{}) against #{}:",
                le.seq, pe.seq
            );
            if changes.closed.is_empty() && changes.opened.is_empty() {
                out.push_str(" none closed, none new\n");
            } else {
                out.push('\n');
            }
            action_item_lines(&mut out, &changes);
        }
    }
    write_stdout(&crate::safe_text(&out)).map(|()| ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier review: a JSON file, or `@SEQ` for a recorded review. Default: the
    /// service's second-to-last recorded review.
    a: Option<String>,
    /// The later review, likewise. Default: the service's last recorded review.
    b: Option<String>,
    /// The service whose recorded reviews to compare (when A or B is omitted or `@SEQ`).
    #[arg(long)]
    service: Option<String>,
    /// `text` or `json`.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    #[command(flatten)]
    store: StoreArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

/// Reads a saved review; errors name the file.
pub(crate) fn read_review_file(file: &Path) -> Result<Review, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| fail(format!("cannot read {}: {e}", file.display())))?;
    Review::from_json(&text).map_err(|e| fail(format!("{}: {e}", file.display())))
}

fn review_of_event(e: &Event) -> Result<Review, Failure> {
    let body: ReviewBody = e
        .body_as()
        .map_err(|err| fail(format!("ledger event {} is not a review: {err}", e.seq)))?;
    let text = serde_json::to_string(&body.review).map_err(fail)?;
    Review::from_json(&text).map_err(|err| fail(format!("ledger event {}: {err}", e.seq)))
}

pub(crate) fn diff(args: &DiffArgs) -> Result<ExitCode, Failure> {
    let needs_store = args.a.as_deref().is_none_or(|a| a.starts_with('@'))
        || args.b.as_deref().is_none_or(|b| b.starts_with('@'));
    let store = if needs_store {
        Some(open_existing(&args.store)?.ok_or_else(|| {
            fail("no ledger to read recorded reviews from: pass two review files, or record reviews with `launchgate check --record`")
        })?)
    } else {
        None
    };
    let recorded = |service: Option<&str>| -> Result<Vec<Event>, Failure> {
        let Some(store) = &store else {
            return Ok(Vec::new());
        };
        let Some(service) = service else {
            return Err(fail(
                "which service? pass --service NAME (or two review files)",
            ));
        };
        store
            .events(Some(service), Some(EventKind::Review))
            .map_err(fail)
    };
    let resolve = |arg: Option<&str>, from_end: usize| -> Result<Review, Failure> {
        match arg {
            Some(a) if a.starts_with('@') => {
                let seq: u64 = a[1..]
                    .parse()
                    .map_err(|_| fail(format!("`{a}` is not @SEQ (e.g. @12)")))?;
                let store = store.as_ref().ok_or_else(|| fail("no ledger"))?;
                let event = store
                    .all()
                    .map_err(fail)?
                    .into_iter()
                    .find(|e| e.seq == seq && e.kind == EventKind::Review)
                    .ok_or_else(|| fail(format!("no recorded review at {a}")))?;
                review_of_event(&event)
            }
            Some(file) => read_review_file(Path::new(file)),
            None => {
                let events = recorded(args.service.as_deref())?;
                let n = events.len();
                let event = n
                    .checked_sub(from_end + 1)
                    .and_then(|i| events.get(i))
                    .ok_or_else(|| {
                        fail(format!(
                            "`{}` has {n} recorded review{}; a diff needs two",
                            args.service.as_deref().unwrap_or_default(),
                            if n == 1 { "" } else { "s" }
                        ))
                    })?;
                review_of_event(event)
            }
        }
    };
    let (a, b) = match (&args.a, &args.b) {
        (Some(a), None) => (resolve(Some(a), 0)?, {
            // One review given: compare it with the service's latest recorded review.
            let events = recorded(args.service.as_deref())?;
            let last = events
                .last()
                .ok_or_else(|| fail("no recorded review to compare with"))?;
            review_of_event(last)?
        }),
        (a, b) => (resolve(a.as_deref(), 1)?, resolve(b.as_deref(), 0)?),
    };
    let d = ReviewDiff::of(&a, &b);
    // The reviews were read back from files or the ledger: their text passes the way out
    // again (redaction; in text, control characters escaped).
    let text = match args.format {
        DiffFormat::Text => crate::safe_text(&d.text(&a, &b)),
        DiffFormat::Json => launchgate_evidence::secrets::redact_text(
            &(serde_json::to_string_pretty(&d).map_err(fail)? + "\n"),
        )
        .into_owned(),
    };
    write_stdout(&text).map(|()| ExitCode::SUCCESS)
}

/// The action items closed and opened between two reviews, as `diff` and `history` print them.
fn action_item_lines(o: &mut String, c: &ActionItemChanges) {
    for (title, list) in [
        ("Action items closed", &c.closed),
        ("New action items", &c.opened),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title} ({}):", list.len());
        for a in list {
            let _ = writeln!(o, "  {:?} {} {}", a.priority, a.id, a.title);
        }
    }
    if !c.still_open.is_empty() {
        let _ = writeln!(o, "\nAction items still open: {}", c.still_open.len());
    }
}

/// What changed between two reviews.
#[derive(Debug, serde::Serialize)]
struct ReviewDiff {
    service: String,
    from: Side,
    to: Side,
    /// Checks that FAIL now and did not before.
    new_failures: Vec<Change>,
    /// Checks that WARN now and passed (or were skipped) before.
    new_warnings: Vec<Change>,
    /// Checks that failed or warned before and pass, skip or are waived now.
    fixed: Vec<Change>,
    /// Checks that failed before and only warn now.
    improved: Vec<Change>,
    /// Every other status change.
    changed: Vec<Change>,
    /// Action items of the earlier review closed by the later one, new ones and those still
    /// open (the same comparison `tickets` marks `close`, `create` and `update` with).
    action_items: ActionItemChanges,
}

#[derive(Debug, serde::Serialize)]
struct Side {
    evaluated_on: String,
    decision: Verdict,
    score: f64,
}

#[derive(Debug, serde::Serialize)]
struct Change {
    id: String,
    slug: String,
    before: Option<Status>,
    after: Option<Status>,
    message: String,
}

impl ReviewDiff {
    fn of(a: &Review, b: &Review) -> ReviewDiff {
        let before: BTreeMap<&str, Status> =
            a.checks.iter().map(|c| (c.id.as_str(), c.status)).collect();
        let mut d = ReviewDiff {
            service: b.service.clone(),
            from: Side {
                evaluated_on: a.evaluated_on.clone(),
                decision: a.decision,
                score: a.score,
            },
            to: Side {
                evaluated_on: b.evaluated_on.clone(),
                decision: b.decision,
                score: b.score,
            },
            new_failures: Vec::new(),
            new_warnings: Vec::new(),
            fixed: Vec::new(),
            improved: Vec::new(),
            changed: Vec::new(),
            action_items: ActionItemChanges::of(a, b),
        };
        for c in &b.checks {
            let old = before.get(c.id.as_str()).copied();
            if old == Some(c.status) {
                continue;
            }
            let change = Change {
                id: c.id.clone(),
                slug: c.slug.clone(),
                before: old,
                after: Some(c.status),
                message: c.message.clone(),
            };
            let was_bad = matches!(old, Some(Status::Fail | Status::Warn));
            match c.status {
                Status::Fail => d.new_failures.push(change),
                Status::Warn if !was_bad => d.new_warnings.push(change),
                Status::Warn if old == Some(Status::Fail) => d.improved.push(change),
                Status::Pass | Status::Skip | Status::Waived if was_bad => d.fixed.push(change),
                _ => d.changed.push(change),
            }
        }
        for c in &a.checks {
            if !b.checks.iter().any(|n| n.id == c.id) {
                d.changed.push(Change {
                    id: c.id.clone(),
                    slug: c.slug.clone(),
                    before: Some(c.status),
                    after: None,
                    message: "no longer in the review".to_string(),
                });
            }
        }
        d
    }

    fn text(&self, a: &Review, b: &Review) -> String {
        let mut o = format!(
            "{}: {} ({}) -> {} ({})\n",
            self.service,
            a.evaluated_on,
            a.decision.label(),
            b.evaluated_on,
            b.decision.label()
        );
        let delta = b.score - a.score;
        let _ = writeln!(
            o,
            "decision {} -> {}; score {} -> {} ({}{})",
            a.decision.label(),
            b.decision.label(),
            launchgate_policy::percent(a.score),
            launchgate_policy::percent(b.score),
            if delta >= 0.0 { "+" } else { "-" },
            launchgate_policy::percent(delta.abs()).trim_end_matches('%')
        );
        for (title, list) in [
            ("New failures", &self.new_failures),
            ("New warnings", &self.new_warnings),
            ("Fixed", &self.fixed),
            ("Improved", &self.improved),
            ("Other changes", &self.changed),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n{title} ({}):", list.len());
            for c in list {
                let _ = writeln!(
                    o,
                    "  {} {:<28} {} -> {}  {}",
                    c.id,
                    c.slug,
                    c.before.map_or("-", Status::label),
                    c.after.map_or("-", Status::label),
                    c.message
                );
            }
        }
        action_item_lines(&mut o, &self.action_items);
        if self.new_failures.is_empty()
            && self.new_warnings.is_empty()
            && self.fixed.is_empty()
            && self.improved.is_empty()
            && self.changed.is_empty()
        {
            o.push_str("\nNo check changed status.\n");
        }
        o
    }
}

/// `check --baseline FILE`: the review with only what is new against `baseline` left in its
/// failures and warnings (a check that already failed keeps only findings the baseline did not
/// have), and the number of new FAILs, which alone fail the gate.
pub(crate) fn new_against(review: &Review, baseline: &Review, file: &Path) -> (Review, usize) {
    let key = |f: &Finding| {
        (
            f.location.as_ref().map(|l| l.path.clone()),
            f.resource.clone(),
            f.message.clone(),
        )
    };
    let mut out = review.clone();
    let mut hidden = 0;
    out.checks.retain_mut(|c| {
        if !matches!(c.status, Status::Fail | Status::Warn) {
            return true;
        }
        let Some(old) = baseline.checks.iter().find(|o| o.id == c.id) else {
            return true;
        };
        // Was it already at least this bad?
        let already = old.status == Status::Fail || (old.status == c.status);
        if !already {
            return true;
        }
        let old_keys: Vec<_> = old.findings.iter().map(key).collect();
        let before = c.findings.len();
        c.findings.retain(|f| !old_keys.contains(&key(f)));
        if c.findings.is_empty() {
            hidden += 1;
            false
        } else {
            c.message = format!(
                "{} new of {before} findings against the baseline: {}",
                c.findings.len(),
                c.findings[0].message
            );
            true
        }
    });
    let ids: Vec<&str> = out.checks.iter().map(|c| c.id.as_str()).collect();
    out.action_items.retain(|a| ids.contains(&a.id.as_str()));
    out.blockers.retain(|a| ids.contains(&a.id.as_str()));
    out.warnings.retain(|a| ids.contains(&a.id.as_str()));
    let new_failures = out
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .count();
    out.notices.push(format!(
        "baseline {} ({}, {}): {hidden} failing or warning check{} already there {} hidden; {new_failures} new failure{}: the gate {}",
        file.display(),
        baseline.evaluated_on,
        baseline.decision.label(),
        if hidden == 1 { "" } else { "s" },
        if hidden == 1 { "is" } else { "are" },
        if new_failures == 1 { "" } else { "s" },
        if new_failures == 0 { "passes" } else { "fails" },
    ));
    (out, new_failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_text_in_notices_cannot_carry_control_characters() {
        assert_eq!(
            inert("unknown approver: `m\u{1b}]52;c;eA==\u{7}\nx`"),
            "unknown approver: `m\\u{1b}]52;c;eA==\\u{7}\\u{a}x`"
        );
    }

    #[test]
    fn sparkline_spans_the_score_range() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0, 89.4, 120.0]), "▁▅█▇█");
        assert_eq!(sparkline(&[]), "");
    }
}
