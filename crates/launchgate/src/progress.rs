//! Progress while the repository is scanned: a spinner on stderr with the number of files read
//! so far. It appears only when the scan lasts longer than about a second, stderr is a terminal
//! and `--quiet` is off, and it is erased when the scan ends. The evidence crate only counts
//! (`ScanOptions::progress`); drawing happens here, on a thread of its own.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use launchgate_evidence::{Evidence, ScanOptions};

use crate::{Failure, display_path};

/// How long a scan runs before the spinner appears. `LAUNCHGATE_PROGRESS_DELAY_MS` overrides it
/// (the tests use 0 to see the spinner on small repositories).
const DELAY: Duration = Duration::from_secs(1);

/// How often the spinner redraws.
const TICK: Duration = Duration::from_millis(100);

fn delay() -> Duration {
    std::env::var("LAUNCHGATE_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(DELAY, Duration::from_millis)
}

/// Scans `root` with `options` (whose `progress` counter is `files`), showing progress unless
/// `quiet`; with `verbose`, a line on stderr says what the scan read and how long it took.
pub(crate) fn scan(
    root: &Path,
    options: &ScanOptions,
    files: &AtomicUsize,
    quiet: bool,
    verbose: bool,
) -> Result<Evidence, Failure> {
    let started = Instant::now();
    let label = match display_path(root, Path::new("")) {
        p if p.is_empty() => ".".to_string(),
        p => p,
    };
    let evidence = while_running(!quiet, &label, files, || {
        launchgate_evidence::scan(root, options)
    })
    .map_err(|e| Failure::Message(e.to_string()))?;
    if verbose && !quiet {
        let mut parts = vec![format!("{} files read", evidence.files.len())];
        if !evidence.skipped.is_empty() {
            parts.push(format!("{} skipped", evidence.skipped.len()));
        }
        let out: usize = evidence.scope.excluded.iter().map(|e| e.files).sum();
        if out > 0 {
            parts.push(format!("{out} out of scope (read for secrets only)"));
        }
        if !evidence.errors.is_empty() {
            parts.push(format!("{} could not be parsed", evidence.errors.len()));
        }
        crate::note(&format!(
            "scanned {label}: {} in {} ms",
            parts.join(", "),
            started.elapsed().as_millis()
        ));
    }
    Ok(evidence)
}

/// Runs `work`, with a spinner counting `files` on stderr while it lasts (see the module docs).
pub(crate) fn while_running<T>(
    enabled: bool,
    label: &str,
    files: &AtomicUsize,
    work: impl FnOnce() -> T,
) -> T {
    if !enabled || !std::io::stderr().is_terminal() {
        return work();
    }
    let delay = delay();
    // With no delay the spinner is drawn before the work starts, so it is always seen.
    let early = delay.is_zero().then(|| spinner(label));
    let (done, finished) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || spin(early, label, files, delay, &finished));
        let out = work();
        drop(done);
        out
    })
}

fn spinner(label: &str) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} scanning {prefix}: {pos} files read")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        .with_style(style)
        .with_prefix(label.to_string());
    bar.tick();
    bar
}

fn spin(
    early: Option<ProgressBar>,
    label: &str,
    files: &AtomicUsize,
    delay: Duration,
    finished: &Receiver<()>,
) {
    let bar = match early {
        Some(bar) => bar,
        None => match finished.recv_timeout(delay) {
            Err(RecvTimeoutError::Timeout) => spinner(label),
            _ => return,
        },
    };
    loop {
        bar.set_position(files.load(Ordering::Relaxed) as u64);
        bar.tick();
        if !matches!(finished.recv_timeout(TICK), Err(RecvTimeoutError::Timeout)) {
            break;
        }
    }
    bar.finish_and_clear();
}
