//! The questions, asked on stderr and answered one line at a time on stdin (a terminal, in
//! canonical mode: the person edits the line before Enter). A wrong answer is explained and
//! asked again; the end of input stops with nothing written.

use std::fmt::Write as _;
use std::io::{BufRead, Write};

use anstyle::{AnsiColor, Effects, Style};

use super::detect::{Detected, FoundDep, Hint};
use super::{
    Answers, Choice, DATA, DepAnswer, EXPOSURES, InitArgs, KINDS, SCOPES, STAGES, TIERS, data_hint,
    keys, lookup, parse_dependency,
};
use crate::Failure;

/// Questions on stderr, answers from a line-buffered input.
pub(super) struct Prompt<R: BufRead> {
    pub(super) input: R,
}

fn styled(style: Style, s: &str) -> String {
    format!("{style}{s}{style:#}")
}

pub(super) fn dim(s: &str) -> String {
    styled(Style::new().effects(Effects::DIMMED), s)
}

pub(super) fn say(s: &str) {
    let mut err = anstream::stderr();
    // Answers detected in the repository pass the redaction layer (styles are ours: not escaped).
    let _ = err.write_all(launchgate_evidence::secrets::redact_text(s).as_bytes());
    let _ = err.flush();
}

impl<R: BufRead> Prompt<R> {
    /// Asks `question`, showing `default` and where it comes from; returns the trimmed answer
    /// (the default for an empty line).
    fn line(
        &mut self,
        question: &str,
        default: Option<&str>,
        from: Option<&str>,
    ) -> Result<String, Failure> {
        let mark = styled(AnsiColor::Cyan.on_default().effects(Effects::BOLD), "?");
        let mut q = format!(
            "{mark} {}",
            styled(Style::new().effects(Effects::BOLD), question)
        );
        // Defaults and their sources are detected in the repository: escaped, since the
        // prompt's own styles keep it from being escaped as a whole.
        if let Some(d) = default.filter(|d| !d.is_empty()) {
            let _ = write!(q, " [{}]", launchgate_core::text::escape_controls(d));
        }
        if let Some(f) = from {
            let f = launchgate_core::text::escape_controls(f);
            let _ = write!(q, " {}", dim(&format!("({f})")));
        }
        q.push_str(": ");
        say(&q);
        let mut buf = String::new();
        let n = self
            .input
            .read_line(&mut buf)
            .map_err(|e| Failure::Message(format!("cannot read the answer: {e}")))?;
        if n == 0 {
            say("\n");
            return Err(Failure::Message(
                "input ended before every question was answered: nothing was written".to_string(),
            ));
        }
        let answer = buf.trim();
        Ok(if answer.is_empty() {
            default.unwrap_or_default().to_string()
        } else {
            answer.to_string()
        })
    }

    fn problem(message: &str) {
        say(&format!(
            "  {}\n",
            styled(AnsiColor::Yellow.on_default(), message)
        ));
    }

    /// A required text answer.
    fn text(&mut self, question: &str, hint: Option<&Hint>) -> Result<String, Failure> {
        loop {
            let a = self.line(
                question,
                hint.map(|h| h.value.as_str()),
                hint.map(|h| h.from.as_str()),
            )?;
            match clean_text(&a) {
                Some(t) => return Ok(t),
                None => Self::problem("an answer is needed here"),
            }
        }
    }

    /// An optional text answer: empty keeps the suggestion, `-` leaves the field out.
    fn optional(&mut self, question: &str, hint: Option<&Hint>) -> Result<Option<String>, Failure> {
        let a = self.line(
            question,
            hint.map(|h| h.value.as_str()),
            Some(hint.map_or("optional: Enter to leave it out", |h| h.from.as_str())),
        )?;
        Ok(if a == "-" { None } else { clean_text(&a) })
    }

    /// One of `list`, explained first.
    fn choose(
        &mut self,
        title: &str,
        question: &str,
        list: &'static [Choice],
        default: &str,
        from: &str,
    ) -> Result<&'static str, Failure> {
        let mut text = format!("\n{}\n", styled(Style::new().effects(Effects::BOLD), title));
        let width = list.iter().map(|c| c.key.len()).max().unwrap_or(0);
        for c in list {
            let _ = writeln!(text, "    {:<width$}  {}", c.key, dim(c.help));
        }
        say(&text);
        loop {
            let a = self.line(question, Some(default), Some(from))?;
            match lookup(list, &a) {
                Some(k) => return Ok(k),
                None => Self::problem(&format!("`{a}` is not one of {}", keys(list))),
            }
        }
    }

    /// A free answer, trimmed (empty when the user only pressed Enter).
    pub(super) fn answer(&mut self, question: &str) -> Result<String, Failure> {
        self.line(question, None, None)
    }

    pub(super) fn confirm(&mut self, question: &str, default: bool) -> Result<bool, Failure> {
        let q = format!("{question} {}", if default { "[Y/n]" } else { "[y/N]" });
        loop {
            match self.line(&q, None, None)?.to_ascii_lowercase().as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                other => Self::problem(&format!("`{other}`: answer y or n")),
            }
        }
    }

    /// Yes, no, or (Enter) not declared.
    fn maybe(&mut self, question: &str) -> Result<Option<bool>, Failure> {
        loop {
            let a = self.line(
                &format!("{question} [y/n]"),
                None,
                Some("Enter: not declared"),
            )?;
            match a.to_ascii_lowercase().as_str() {
                "" => return Ok(None),
                "y" | "yes" => return Ok(Some(true)),
                "n" | "no" => return Ok(Some(false)),
                other => Self::problem(&format!("`{other}`: answer y, n, or press Enter")),
            }
        }
    }

    /// A number of at least `min`, or (Enter) not declared.
    fn number(&mut self, question: &str, min: u64, max: u64) -> Result<Option<u64>, Failure> {
        loop {
            let a = self.line(question, None, Some("Enter: not declared"))?;
            if a.is_empty() {
                return Ok(None);
            }
            match a.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => return Ok(Some(n)),
                _ => Self::problem(&format!("`{a}` is not a whole number from {min} to {max}")),
            }
        }
    }
}

/// Trimmed text without control characters; `None` when nothing is left.
fn clean_text(s: &str) -> Option<String> {
    let t: String = s.chars().filter(|c| !c.is_control()).collect();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Asks every question not answered by a flag.
pub(super) fn ask<R: BufRead>(
    p: &mut Prompt<R>,
    args: &InitArgs,
    d: &Detected,
) -> Result<Answers, Failure> {
    say(&format!(
        "{}\n{}\n",
        styled(
            Style::new().effects(Effects::BOLD),
            "launchgate init: a few questions about the service. Enter accepts the suggestion in [brackets]."
        ),
        dim("Suggestions come from the repository; the file is validated before it is written.")
    ));
    let mut sources = Vec::new();
    let mut record = |field: &'static str, value: &str, flag: bool| {
        let from = if flag {
            format!("--{field}")
        } else {
            String::new()
        };
        sources.push((field, value.to_string(), from));
    };

    let service = match &args.service {
        Some(s) => s.clone(),
        None => p.text("Service name", d.service.as_ref())?,
    };
    record("service", &service, args.service.is_some());

    let scope = match args.scope.as_deref().and_then(|s| lookup(SCOPES, s)) {
        Some(s) => s,
        None => p.choose(
            "What are you reviewing?",
            "Scope",
            SCOPES,
            "service",
            "default",
        )?,
    };
    record("scope", scope, args.scope.is_some());

    let description = match &args.description {
        Some(s) => Some(s.clone()),
        None => p.optional("One line on what it does", d.description.as_ref())?,
    };
    if let Some(text) = &description {
        record("description", text, args.description.is_some());
    }

    let tier = match args.tier.as_deref().and_then(|s| lookup(TIERS, s)) {
        Some(t) => t,
        None => p.choose(
            "Criticality: how much does an outage cost?",
            "Tier",
            TIERS,
            "1",
            "default",
        )?,
    };
    record("tier", tier, args.tier.is_some());

    let exposure = if let Some(e) = args.exposure.as_deref().and_then(|s| lookup(EXPOSURES, s)) {
        e
    } else {
        let hint = d.exposure.as_ref();
        p.choose(
            "User-facing impact of failure: who notices when it is down?",
            "Exposure",
            EXPOSURES,
            hint.map_or("public", |h| h.value.as_str()),
            hint.map_or("default: the stricter choice", |h| h.from.as_str()),
        )?
    };
    record("exposure", exposure, args.exposure.is_some());

    let stage = if let Some(s) = args.stage.as_deref().and_then(|s| lookup(STAGES, s)) {
        s
    } else {
        let hint = d.stage.as_ref();
        p.choose(
            "Deployment stage this review is for",
            "Stage",
            STAGES,
            hint.map_or("production", |h| h.value.as_str()),
            hint.map_or("default", |h| h.from.as_str()),
        )?
    };
    record("stage", stage, args.stage.is_some());

    let owner = if let Some(o) = &args.owner {
        Some(o.clone())
    } else {
        say("\n");
        p.optional("Owning team", d.owner.as_ref())?
    };
    if let Some(o) = &owner {
        record("owner", o, args.owner.is_some());
    }

    let mut dependencies = if args.no_dependencies {
        Vec::new()
    } else if !args.dependencies.is_empty() {
        args.dependencies.iter().map(DepAnswer::given).collect()
    } else {
        ask_dependencies(p, &d.dependencies)?
    };
    let (request_timeout_ms, caller_timeout_ms) = ask_details(p, args, &mut dependencies)?;

    let data = if let Some(x) = args.data.as_deref().and_then(|s| lookup(DATA, s)) {
        x
    } else {
        let hint = data_hint(&dependencies);
        p.choose(
            "Data at stake: the most sensitive data the service stores",
            "Data",
            DATA,
            &hint.value,
            &hint.from,
        )?
    };
    record("data", data, args.data.is_some());

    Ok(Answers {
        service,
        scope,
        description,
        tier,
        exposure,
        data,
        stage,
        owner,
        request_timeout_ms,
        caller_timeout_ms,
        dependencies,
        sources,
        select: None,
        excluded: Vec::new(),
    })
}

/// The detected dependencies to keep, and any the user adds.
fn ask_dependencies<R: BufRead>(
    p: &mut Prompt<R>,
    found: &[FoundDep],
) -> Result<Vec<DepAnswer>, Failure> {
    let mut text = format!(
        "\n{}\n",
        styled(
            Style::new().effects(Effects::BOLD),
            "Dependencies: the databases, caches, queues and APIs the service calls"
        )
    );
    if found.is_empty() {
        text.push_str("  The scan found no database, cache or queue.\n");
    } else {
        text.push_str("  Found in the repository:\n");
        let width = found.iter().map(|d| d.name.len()).max().unwrap_or(0);
        for d in found {
            let dlq = d
                .dead_letter_queue
                .as_ref()
                .map(|q| format!(", dead-letter queue {q}"))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "    {:<width$}  {:<8}  {}",
                d.name,
                d.kind,
                dim(&format!("{}{dlq}", d.from))
            );
        }
    }
    say(&text);
    let mut deps: Vec<DepAnswer> = Vec::new();
    if !found.is_empty() {
        if p.confirm("Keep all of them?", true)? {
            deps.extend(found.iter().cloned().map(DepAnswer::found));
        } else {
            for d in found {
                if p.confirm(&format!("Keep {} ({})?", d.name, d.kind), true)? {
                    deps.push(DepAnswer::found(d.clone()));
                }
            }
        }
    }
    loop {
        let a = p.line(
            "Add a dependency as KIND:NAME",
            None,
            Some(&format!("{}; Enter when done", keys(KINDS))),
        )?;
        if a.is_empty() {
            break;
        }
        match parse_dependency(&a) {
            Ok(spec) if deps.iter().any(|d| d.name == spec.name) => {
                Prompt::<R>::problem(&format!("`{}` is already a dependency", spec.name));
            }
            Ok(spec) => deps.push(DepAnswer::given(&spec)),
            Err(e) => Prompt::<R>::problem(&e),
        }
    }
    Ok(deps)
}

/// Timeouts, retries and circuit breakers, if the user wants to declare them now.
fn ask_details<R: BufRead>(
    p: &mut Prompt<R>,
    args: &InitArgs,
    deps: &mut [DepAnswer],
) -> Result<(Option<u64>, Option<u64>), Failure> {
    let mut request = args.request_timeout_ms;
    let mut caller = args.caller_timeout_ms;
    say("\n");
    if !p.confirm(
        "Declare timeouts, retries and circuit breakers now (SAF-001, SAF-003, SAF-004)?",
        false,
    )? {
        return Ok((request, caller));
    }
    if request.is_none() {
        request = p.number("The service's own request timeout, in ms", 1, u64::MAX)?;
    }
    if caller.is_none() {
        caller = p.number("The caller's or gateway's timeout, in ms", 1, u64::MAX)?;
    }
    for d in deps.iter_mut() {
        say(&format!("  {} ({})\n", d.name, d.kind));
        d.timeout_ms = p.number("  Timeout of one attempt, in ms", 1, u64::MAX)?;
        d.retries = p
            .number("  Retries after the first attempt", 0, 10)?
            .and_then(|n| u32::try_from(n).ok());
        if d.is_external() {
            d.circuit_breaker = p.maybe("  Calls go through a circuit breaker?")?;
        }
    }
    Ok((request, caller))
}
