//! SAF-006 graceful-shutdown: Pods that serve traffic shut down gracefully.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::code::{FactKind, Shutdown, Stop, Topic};
use launchgate_evidence::k8s::{Action, Container, PodSpec, Workload};
use launchgate_evidence::terraform::EcsContainer;

use crate::kit::aws::unread_task_definitions;
use crate::kit::code;
use crate::kit::finish::Tally;
use crate::kit::terraform::unresolved_reason;
use crate::kit::workloads::is_rollout_template;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Pods that serve traffic shut down gracefully: each serving container has a `preStop`
    /// hook, and the pod's grace period (`terminationGracePeriodSeconds`, default 30 seconds)
    /// is longer than the `preStop` sleep, so the drain can finish before the kill.
    ///
    /// The rule judges what the pod does, not what it spells out. Without a `preStop` hook
    /// nothing keeps the container serving while its endpoint is removed from Services and
    /// load balancers, so the container fails whatever its grace period: writing
    /// `terminationGracePeriodSeconds` does not bridge that gap, and a value below the
    /// default 30 seconds gives in-flight requests less time to finish, not more (the
    /// finding says so). An explicit grace period and the default are judged alike.
    ///
    /// Serving containers are the main containers of long-running workloads (Deployments,
    /// StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Argo Rollouts,
    /// DeploymentConfigs) that a Service selects, or that declare container ports. A
    /// `preStop` sleep is an `exec` hook running `sleep N` (also inside `sh -c "..."`) or the
    /// `sleep` action; a grace period of 0 kills the pod at once and always fails.
    ///
    /// The Prometheus Operator's `Prometheus`, `Alertmanager` and `ThanosRuler` are not
    /// judged: the operator writes their pods' lifecycle (Prometheus gets a 600-second grace
    /// period), and their clients reach each replica directly (Prometheus sends to every
    /// Alertmanager pod; Alertmanager peers gossip), not through a load-balanced endpoint
    /// that a `preStop` sleep would keep alive. Docker Compose services are not judged either:
    /// Compose has no endpoint removal to wait for, and `stop_grace_period` alone decides.
    ///
    /// On ECS, the serving containers are those with `portMappings` in the task definitions
    /// Terraform declares: each sets `stopTimeout`, the seconds ECS waits after SIGTERM
    /// before SIGKILL (the default of 30 seconds is not a decision anyone made; at most 120
    /// on Fargate).
    ///
    /// The service's code (TypeScript, JavaScript, Python, Go, Java; see
    /// [the source layer](../scanning.md#the-services-source-code)) proves or contradicts the
    /// drain. What counts as handling SIGTERM: a signal handler that catches it (Go
    /// `signal.Notify` / `signal.NotifyContext` with `syscall.SIGTERM` or with no signal
    /// named, Python `signal.signal(signal.SIGTERM, ...)` and `loop.add_signal_handler`, Node
    /// `process.on('SIGTERM', ...)`, Java `Signal.handle(new Signal("TERM"), ...)`), a JVM
    /// shutdown hook (`Runtime.getRuntime().addShutdownHook`, which the JVM runs on SIGTERM),
    /// a graceful server shutdown (Go `srv.Shutdown(ctx)`, not an OpenTelemetry provider's or
    /// SDK's `tp.Shutdown(ctx)`, which only flushes telemetry; gRPC `GracefulStop()`, Node
    /// `server.close(...)` of a server started in the file), or a server that drains on SIGTERM
    /// by itself (`uvicorn.run`, aiohttp's `web.run_app`, terminus's `createTerminus`). Each one
    /// found is evidence, with its location. When the code starts an HTTP server (Go
    /// `http.Server`, `http.ListenAndServe`, gin's `Run`; Node `http.createServer`, Express
    /// `app.listen`) and nothing anywhere in it handles SIGTERM, each server fails: Go and Node
    /// exit at once on SIGTERM and drop the requests in flight, whatever the `preStop` hook
    /// does. A handler that catches only other signals (`os.Interrupt`, `SIGINT`) fails when
    /// nothing else handles SIGTERM: containers are stopped with SIGTERM. A handler whose
    /// signals are a variable the file does not bind makes the check inconclusive when nothing
    /// else decides it, and so does, when no SIGTERM handling is found, a source file whose
    /// signal handling could not be read (the parser gave up on it, or syntax errors cover it):
    /// the handler may be there. Handling found elsewhere proves the check all the same.
    ///
    /// Not read from code: Gunicorn and Uvicorn started from a command line (a Dockerfile
    /// `CMD`), which handle SIGTERM themselves and show nothing in the code, Flask's
    /// development server, Spring's `server.shutdown=graceful` (configuration, not code), and
    /// worker loops: a service without a server in its code is judged by the handlers it has
    /// (evidence) and by its manifests. Code evidence and Kubernetes or ECS evidence are both
    /// required to hold: a handler in code does not excuse a missing `preStop` hook, and a
    /// `preStop` hook does not excuse a server that exits on SIGTERM. With no workload to
    /// judge, a handler in code proves the check alone.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// On every deploy, scale-down and node drain, Kubernetes sends SIGTERM while the
    /// endpoint is still being removed from Services and load balancers. A process that exits
    /// at once drops the requests in flight and the ones still being routed to it; a sleep in
    /// `preStop` bridges that gap, but if the sleep is as long as the grace period the kubelet
    /// sends SIGKILL before the application ever sees SIGTERM. Users see a burst of 502s on
    /// every rollout.
    ///
    /// ## How to fix
    /// Handle SIGTERM in the service: stop accepting, finish in-flight requests, close
    /// connections, exit (Go: `ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)`, then
    /// `srv.Shutdown(ctx)`; Node: `process.on('SIGTERM', () => server.close(...))`; Python:
    /// `loop.add_signal_handler(signal.SIGTERM, ...)` or a server that drains by itself). Add
    /// a `preStop` hook that waits for endpoint removal (`lifecycle: {preStop: {sleep:
    /// {seconds: 5}}}`, or `exec` `sleep 5` on older clusters), and set
    /// `terminationGracePeriodSeconds` longer than that sleep plus the longest request.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/app.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       terminationGracePeriodSeconds: 10   # killed before the 15s sleep ends
    ///       containers:
    ///         - name: server
    ///           image: example/api:1.4.2
    ///           ports: [{containerPort: 8080}]
    ///           lifecycle:
    ///             preStop:
    ///               exec: {command: ["sleep", "15"]}
    /// ```
    /// ```yaml passes path=deploy/app.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       terminationGracePeriodSeconds: 45
    ///       containers:
    ///         - name: server
    ///           image: example/api:1.4.2
    ///           ports: [{containerPort: 8080}]
    ///           lifecycle:
    ///             preStop:
    ///               exec: {command: ["sleep", "15"]}
    /// ```
    /// ```go fails path=main.go
    /// package main
    ///
    /// import "net/http"
    ///
    /// func main() {
    ///     http.ListenAndServe(":8080", nil) // exits at once on SIGTERM
    /// }
    /// ```
    /// ```go passes path=main.go
    /// package main
    ///
    /// import (
    ///     "context"
    ///     "net/http"
    ///     "os/signal"
    ///     "syscall"
    ///     "time"
    /// )
    ///
    /// func main() {
    ///     srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
    ///     ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
    ///     defer stop()
    ///     go srv.ListenAndServe()
    ///     <-ctx.Done()
    ///     drain, cancel := context.WithTimeout(context.Background(), 20*time.Second)
    ///     defer cancel()
    ///     _ = srv.Shutdown(drain)
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "Safety: graceful shutdown"; the Kubernetes documentation on pod termination
    /// and container lifecycle hooks (including the `sleep` action); the Twelve-Factor App,
    /// "IX. Disposability".
    pub struct GracefulShutdown {
        id: "SAF-006", slug: "graceful-shutdown", category: Safety, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "K T S", effort: 3,
    }
}

/// The API default of `terminationGracePeriodSeconds`.
const DEFAULT_GRACE: i64 = 30;

const NOTHING_FOUND: &str = "no Kubernetes workloads or ECS task definitions found, and the service's code neither handles SIGTERM nor starts an HTTP server that launchgate recognises; point launchgate at the repository that deploys the service";

impl Evaluate for GracefulShutdown {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        let mut serving = 0;
        for (i, w) in k.workloads.iter().enumerate() {
            // A Rollout's template Deployment is judged through the Rollout.
            if !w.kind.is_long_running()
                || w.kind.is_operator_managed()
                || is_rollout_template(k, i)
            {
                continue;
            }
            let pod = k.effective_pod(w);
            let selected = k.services_for(w).next().is_some();
            for c in pod
                .containers
                .iter()
                .filter(|c| selected || !c.ports.is_empty())
            {
                serving += 1;
                judge(w, pod, c, &mut failures, &mut evidence);
            }
        }
        let mut unknowns = unread_task_definitions(cx);
        let code = judge_code(cx, &mut failures, &mut unknowns, &mut evidence);
        for c in cx
            .evidence
            .terraform
            .ecs_containers()
            .filter(|c| !c.port_mappings.is_empty())
        {
            serving += 1;
            judge_ecs(c, &mut failures, &mut unknowns, &mut evidence);
        }
        if serving == 0
            && !code
            && unknowns.is_empty()
            && !k.workloads.is_empty()
            && cx.evidence.scanned
            && cx.evidence.gaps("K T").is_empty()
        {
            return Outcome::not_applicable(
                "no container serves traffic: no Service selects the long-running workloads and none declares a container port (Jobs, CronJobs and bare Pods are not judged)",
            );
        }
        Tally::judged(failures, unknowns, evidence).conclude(cx, "K T", NOTHING_FOUND)
    }
}

/// Judges the service's code: every way it handles SIGTERM is evidence; without one, each HTTP
/// server it starts fails, and so does each handler that catches only other signals. Whether
/// the code showed anything to judge.
fn judge_code(
    cx: &CheckContext<'_>,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) -> bool {
    let mut handled = Vec::new();
    let mut other_signals = Vec::new();
    let mut unread = Vec::new();
    let mut servers = Vec::new();
    for (path, fact) in cx.evidence.source.facts() {
        match &fact.kind {
            FactKind::Shutdown(s) => {
                let what = format!("`{}`{}", s.text, code::inside(fact));
                let at = Some(code::at(path, fact));
                match (s.stop, s.sigterm) {
                    (Stop::Handler, Some(false)) => other_signals.push(
                        Finding::new(format!(
                            "{what} catches {} but not SIGTERM: containers are stopped with SIGTERM, and the process dies without draining the work in flight",
                            signals(s)
                        ))
                        .at(at),
                    ),
                    (Stop::Handler, None) => unread.push(
                        Finding::new(format!(
                            "{what}: whether it handles SIGTERM is unknown: its signals come from `{}`, which the file does not bind",
                            s.signals.join(", ")
                        ))
                        .at(at),
                    ),
                    (stop, _) => handled.push(Finding::new(handles(&what, s, stop)).at(at)),
                }
            }
            FactKind::Server(s) => servers.push(
                Finding::new(format!(
                    "the {} server `{}`{} runs, but nothing in the service's code handles SIGTERM or shuts a server down gracefully: on SIGTERM the process exits at once and drops the requests in flight; {}",
                    s.library,
                    s.text,
                    code::inside(fact),
                    if s.library == "net/http" || s.library == "gin" {
                        "catch SIGTERM with `signal.NotifyContext` and call `srv.Shutdown(ctx)`"
                    } else {
                        "call `server.close(...)` in `process.on('SIGTERM', ...)`"
                    }
                ))
                .at(Some(code::at(path, fact))),
            ),
            _ => {}
        }
    }
    // A handler found proves it whatever files went unread; without one, a file whose signal
    // handling could not be read may hold it.
    unread.extend(code::unread(cx, &[Topic::Shutdown]));
    let any = !(handled.is_empty()
        && other_signals.is_empty()
        && unread.is_empty()
        && servers.is_empty());
    if !handled.is_empty() {
        evidence.append(&mut handled);
    } else if !unread.is_empty() {
        unknowns.append(&mut unread);
    } else {
        failures.append(&mut servers);
        failures.append(&mut other_signals);
    }
    any
}

fn signals(s: &Shutdown) -> String {
    match s.signals.as_slice() {
        [] => "no signal".to_string(),
        [one] => format!("`{one}`"),
        many => format!("`{}`", many.join("`, `")),
    }
}

fn handles(what: &str, s: &Shutdown, stop: Stop) -> String {
    match stop {
        Stop::Handler if s.signals.is_empty() => {
            format!(
                "{what} relays every signal, SIGTERM included ({})",
                s.library
            )
        }
        Stop::Handler => format!("{what} handles SIGTERM ({})", s.library),
        Stop::Hook => format!("{what} registers a JVM shutdown hook, which runs on SIGTERM"),
        // A server of a library the file does not say is "the server", not "the server server".
        Stop::Drain if s.library == "server" => {
            format!("{what} shuts the server down gracefully, finishing the requests in flight")
        }
        Stop::Drain => format!(
            "{what} shuts the {} server down gracefully, finishing the requests in flight",
            s.library
        ),
        Stop::Framework => format!(
            "{what} runs a server that drains on SIGTERM by itself ({})",
            s.library
        ),
    }
}

/// The ECS default of `stopTimeout` (seconds between SIGTERM and SIGKILL).
const ECS_DEFAULT_STOP: i64 = 30;

fn judge_ecs(
    c: &EcsContainer,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let resource = c.resource();
    let at = Some(c.field_loc("stopTimeout").location());
    let finding = |text: String| Finding::new(text).at(at.clone()).resource(resource.clone());
    match c.definition.get("stopTimeout").filter(|v| !v.is_null()) {
        None => failures.push(finding(format!(
            "{resource} serves traffic and sets no stopTimeout: ECS kills it {ECS_DEFAULT_STOP}s after SIGTERM whether or not requests are still in flight; set stopTimeout to the drain time (at most 120 on Fargate)"
        ))),
        Some(v) => match v.as_i64() {
            Some(n) if n <= 0 => failures.push(finding(format!(
                "{resource} serves traffic and its stopTimeout is {n}: ECS kills it without a drain"
            ))),
            Some(n) => evidence.push(finding(format!(
                "{resource}: ECS allows {n}s to drain after SIGTERM (stopTimeout)"
            ))),
            None => unknowns.push(finding(format!(
                "{resource}: stopTimeout cannot be judged: {}",
                unresolved_reason(v)
            ))),
        },
    }
}

fn judge(
    w: &Workload,
    pod: &PodSpec,
    c: &Container,
    failures: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let resource = c.resource(w);
    let grace = pod.termination_grace_period_seconds.as_ref();
    let Some(hook) = &c.pre_stop else {
        let (text, at) = match grace {
            Some(g) if g.value <= 0 => (
                format!(
                    "{resource} serves traffic and terminationGracePeriodSeconds is {}: the pod is killed without a drain",
                    g.value
                ),
                &g.loc,
            ),
            Some(g) if g.value < DEFAULT_GRACE => (
                format!(
                    "{resource} serves traffic, has no preStop hook, and terminationGracePeriodSeconds is {}, shorter than the default {DEFAULT_GRACE}: in-flight requests get less time to drain, and nothing keeps the container serving while its endpoint is removed; add a preStop sleep and a grace period longer than it plus the longest request",
                    g.value
                ),
                &g.loc,
            ),
            Some(g) => (
                format!(
                    "{resource} serves traffic but has no preStop hook: a grace period of {}s does not keep it serving while its endpoint is removed from Services and load balancers, so requests still routed to it are dropped; add a preStop sleep shorter than the grace period",
                    g.value
                ),
                &c.loc,
            ),
            None => (
                format!(
                    "{resource} serves traffic but has no preStop hook: nothing keeps it serving while its endpoint is removed from Services and load balancers, so requests still routed to it after SIGTERM are dropped; add a preStop sleep shorter than the grace period (default {DEFAULT_GRACE}s)"
                ),
                &c.loc,
            ),
        };
        failures.push(
            Finding::new(text)
                .at(Some(at.location()))
                .resource(resource),
        );
        return;
    };
    let grace_value = grace.map_or(DEFAULT_GRACE, |g| g.value);
    let grace_loc = grace.map_or(&pod.loc, |g| &g.loc);
    let grace_text = match grace {
        Some(g) => format!("terminationGracePeriodSeconds is {}", g.value),
        None => format!("the default terminationGracePeriodSeconds is {DEFAULT_GRACE}"),
    };
    let sleep = prestop_sleep(&hook.action);
    if grace_value <= 0 || sleep.is_some_and(|s| s >= grace_value as f64) {
        let what = match sleep {
            Some(s) => format!("its preStop hook sleeps {}s", fmt_secs(s)),
            None => "it has a preStop hook".to_string(),
        };
        failures.push(
            Finding::new(format!(
                "{resource}: {what} and {grace_text}: the kubelet kills the container before the application gets SIGTERM and drains; make the grace period longer than the sleep plus the longest request"
            ))
            .at(Some(grace_loc.location()))
            .resource(resource),
        );
        return;
    }
    evidence.push(
        Finding::new(match sleep {
            Some(s) => format!(
                "{resource}: preStop sleeps {}s within a grace period of {grace_value}s",
                fmt_secs(s)
            ),
            None => format!(
                "{resource}: preStop hook ({}) within a grace period of {grace_value}s",
                hook.action.description()
            ),
        })
        .at(Some(hook.loc.location()))
        .resource(resource),
    );
}

fn fmt_secs(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// Seconds a preStop hook sleeps: the `sleep` action, or every `sleep N` in an exec
/// command (also inside `sh -c "sleep 5 && nginx -s quit"`), summed. `None` when the hook
/// does not sleep (or sleeps `infinity`, which the grace period always cuts).
fn prestop_sleep(action: &Action) -> Option<f64> {
    match action {
        Action::Sleep { seconds } => seconds.map(|s| s as f64),
        Action::Exec { command } => {
            let words: Vec<&str> = command
                .iter()
                .flat_map(|arg| {
                    arg.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
                })
                .filter(|w| !w.is_empty())
                .collect();
            let mut total = None;
            for pair in words.windows(2) {
                let is_sleep = pair[0] == "sleep" || pair[0].ends_with("/sleep");
                if let (true, Some(n)) = (is_sleep, parse_duration(pair[1])) {
                    total = Some(total.unwrap_or(0.0) + n);
                }
            }
            total
        }
        _ => None,
    }
}

/// `15`, `15s`, `1.5`, `2m`, `1h` as seconds (GNU `sleep` suffixes).
fn parse_duration(word: &str) -> Option<f64> {
    let word = word.trim_matches(|c| c == '"' || c == '\'');
    let (num, factor) = match word.chars().last()? {
        's' => (&word[..word.len() - 1], 1.0),
        'm' => (&word[..word.len() - 1], 60.0),
        'h' => (&word[..word.len() - 1], 3600.0),
        'd' => (&word[..word.len() - 1], 86400.0),
        _ => (word, 1.0),
    };
    num.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{evidence, run};

    #[test]
    fn code_evidence_names_the_handler_or_the_server() {
        assert_eq!(
            evidence(&run("SAF-006", "pass_go_notify_context_and_shutdown")),
            [
                "cmd/api/main.go:13 `signal.NotifyContext(...)` in `main` handles SIGTERM (os/signal)",
                "cmd/api/main.go:19 `srv.Shutdown(...)` in `main` shuts the net/http server down gracefully, finishing the requests in flight",
            ]
        );
        assert_eq!(
            evidence(&run("SAF-006", "fail_go_interrupt_only")),
            [
                "main.go:11 the net/http server `http.Server{...}` in `main` runs, but nothing in the service's code handles SIGTERM or shuts a server down gracefully: on SIGTERM the process exits at once and drops the requests in flight; catch SIGTERM with `signal.NotifyContext` and call `srv.Shutdown(ctx)`",
                "main.go:14 `signal.Notify(...)` in `main` catches `os.Interrupt` but not SIGTERM: containers are stopped with SIGTERM, and the process dies without draining the work in flight",
            ]
        );
        assert_eq!(
            evidence(&run("SAF-006", "pass_python_uvicorn")),
            [
                "app/main.py:13 `uvicorn.run(...)` runs a server that drains on SIGTERM by itself (uvicorn)"
            ]
        );
        assert_eq!(
            evidence(&run("SAF-006", "pass_java_shutdown_hook")),
            [
                "src/main/java/shop/App.java:6 `Runtime.getRuntime().addShutdownHook(...)` in `main` registers a JVM shutdown hook, which runs on SIGTERM"
            ]
        );
        assert_eq!(
            evidence(&run("SAF-006", "inconclusive_go_signals_from_elsewhere")),
            [
                "main.go:14 `signal.Notify(...)` in `main`: whether it handles SIGTERM is unknown: its signals come from `config.StopSignals...`, which the file does not bind"
            ]
        );
    }

    #[test]
    fn a_prestop_hook_does_not_excuse_a_server_that_exits_on_sigterm() {
        let Outcome::Fail { findings, .. } = run("SAF-006", "fail_prestop_but_server_exits") else {
            panic!("expected a failure");
        };
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0]
                .message
                .starts_with("the net/http server `http.Server{...}` in `main` runs, but nothing")
        );
        let pass = evidence(&run("SAF-006", "pass_prestop_and_handler"));
        assert!(
            pass.iter().any(|m| m.starts_with("deploy/app.yaml:")),
            "{pass:?}"
        );
        assert!(
            pass.contains(
                &"src/server.js:7 `process.on(...)` handles SIGTERM (process)".to_string()
            ),
            "{pass:?}"
        );
    }

    fn exec(args: &[&str]) -> Action {
        Action::Exec {
            command: args.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    #[test]
    fn prestop_sleeps_are_read_from_exec_commands_and_the_sleep_action() {
        assert_eq!(prestop_sleep(&exec(&["sleep", "15"])), Some(15.0));
        assert_eq!(prestop_sleep(&exec(&["/bin/sleep", "2.5"])), Some(2.5));
        assert_eq!(
            prestop_sleep(&exec(&[
                "/bin/sh",
                "-c",
                "sleep 10&&nginx -s quit; sleep 1m"
            ])),
            Some(70.0)
        );
        assert_eq!(prestop_sleep(&exec(&["sh", "-c", "sleep infinity"])), None);
        assert_eq!(prestop_sleep(&exec(&["nginx", "-s", "quit"])), None);
        assert_eq!(
            prestop_sleep(&Action::Sleep { seconds: Some(5) }),
            Some(5.0)
        );
        assert_eq!(prestop_sleep(&Action::Sleep { seconds: None }), None);
    }

    #[test]
    fn durations_take_gnu_sleep_suffixes() {
        assert_eq!(parse_duration("5s"), Some(5.0));
        assert_eq!(parse_duration("\"3\""), Some(3.0));
        assert_eq!(parse_duration("1h"), Some(3600.0));
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("x"), None);
    }
}
