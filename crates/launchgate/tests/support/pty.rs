//! Runs the real binary on a pseudo-terminal, the way a person at a terminal does: the chosen
//! standard streams are the terminal (so `is_terminal()` is true), keystrokes are written to
//! it, and everything the program draws, echo included, is read back.

// Shared by several test binaries; each uses a part.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;

/// How long one expectation waits (debug builds on a shared two-core machine are slow).
const TIMEOUT: Duration = Duration::from_mins(1);

/// Which standard streams are the terminal; the others are pipes (stdin: null).
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Streams {
    pub const ALL: Streams = Streams {
        stdin: true,
        stdout: true,
        stderr: true,
    };
}

/// A program running on a pseudo-terminal.
pub struct Session {
    master: File,
    chunks: Receiver<Vec<u8>>,
    /// Everything read from the terminal so far.
    pub screen: String,
    /// How far `expect` has matched.
    seen: usize,
    child: Child,
    /// Readers of the piped stdout and stderr (so a full pipe never blocks the program).
    pipes: [Option<std::thread::JoinHandle<String>>; 2],
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> Option<std::thread::JoinHandle<String>> {
    pipe.map(|mut p| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = p.read_to_string(&mut s);
            s
        })
    })
}

fn terminal() -> (OwnedFd, OwnedFd) {
    let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    rustix::pty::grantpt(&master).unwrap();
    rustix::pty::unlockpt(&master).unwrap();
    let name = rustix::pty::ptsname(&master, Vec::new()).unwrap();
    let slave = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY,
        Mode::empty(),
    )
    .unwrap();
    rustix::termios::tcsetwinsize(
        &slave,
        rustix::termios::Winsize {
            ws_row: 50,
            ws_col: 200,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )
    .unwrap();
    (master, slave)
}

/// Starts `cmd` with the `streams` on a new pseudo-terminal.
pub fn spawn(mut cmd: Command, streams: Streams) -> Session {
    let (master, slave) = terminal();
    let tty = || Stdio::from(slave.try_clone().unwrap());
    cmd.stdin(if streams.stdin { tty() } else { Stdio::null() });
    cmd.stdout(if streams.stdout {
        tty()
    } else {
        Stdio::piped()
    });
    cmd.stderr(if streams.stderr {
        tty()
    } else {
        Stdio::piped()
    });
    let mut child = cmd.spawn().unwrap();
    let pipes = [drain(child.stdout.take()), drain(child.stderr.take())];
    // Only the child may hold the terminal's other end, so that its exit ends the reads.
    drop(cmd);
    drop(slave);
    let mut reader = File::from(master.try_clone().unwrap());
    let (tx, chunks) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // Linux answers EIO once the last holder of the other end has exited.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    Session {
        master: File::from(master),
        chunks,
        screen: String::new(),
        seen: 0,
        child,
        pipes,
    }
}

impl Session {
    /// Reads until `needle` appears after the previous match; panics with the screen when it
    /// does not within the timeout or the program ends first.
    pub fn expect(&mut self, needle: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(i) = self.screen[self.seen..].find(needle) {
                self.seen += i + needle.len();
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.screen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "timed out waiting for {needle:?}; the terminal shows:\n{}",
                        self.screen
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the program ended before {needle:?}; the terminal shows:\n{}",
                        self.screen
                    )
                }
            }
        }
    }

    /// Types `line` and Enter.
    pub fn send_line(&mut self, line: &str) {
        self.master.write_all(line.as_bytes()).unwrap();
        self.master.write_all(b"\r").unwrap();
        self.master.flush().unwrap();
    }

    /// Answers the question that contains `question` with `answer`.
    pub fn answer(&mut self, question: &str, answer: &str) {
        self.expect(question);
        self.expect(": ");
        self.send_line(answer);
    }

    /// Types Ctrl-D (end of input) on an empty line.
    pub fn send_eof(&mut self) {
        self.master.write_all(&[4]).unwrap();
        self.master.flush().unwrap();
    }

    /// Waits for the program to end; returns its exit code, everything the terminal showed,
    /// and what it wrote to the piped streams (stdout, stderr).
    pub fn finish(mut self) -> (i32, String, String, String) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.screen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "the program did not end; the terminal shows:\n{}",
                        self.screen
                    );
                }
            }
        }
        let [out, err] = std::mem::take(&mut self.pipes)
            .map(|p| p.map(|h| h.join().unwrap()).unwrap_or_default());
        let status = self.child.wait().unwrap();
        (status.code().unwrap_or(-1), self.screen, out, err)
    }
}
