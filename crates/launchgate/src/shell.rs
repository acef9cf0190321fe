//! Shell integration: completion scripts (clap_complete) and manual pages (clap_mangen), both
//! generated from the clap definition so they never drift from the real flags.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::{Cli, Failure, write_stdout};

/// Where each shell wants its completion script (shown by `launchgate completions --help`).
pub(crate) const COMPLETIONS_HELP: &str = "\
Install the script where your shell looks for completions, for example:
  bash:        launchgate completions bash > ~/.local/share/bash-completion/completions/launchgate
  zsh:         launchgate completions zsh > ~/.zfunc/_launchgate
               (with `fpath+=~/.zfunc; autoload -Uz compinit; compinit` in ~/.zshrc)
  fish:        launchgate completions fish > ~/.config/fish/completions/launchgate.fish
  powershell:  launchgate completions powershell >> $PROFILE
  elvish:      launchgate completions elvish >> ~/.config/elvish/rc.elv";

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "launchgate", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn completions(shell: Shell) -> Result<ExitCode, Failure> {
    write_stdout(&completion_script(shell)).map(|()| ExitCode::SUCCESS)
}

/// The manual pages: `launchgate.1` and one `launchgate-COMMAND.1` per command, by file name.
pub fn man_pages() -> Vec<(String, String)> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = vec![(
        "launchgate.1".to_string(),
        render(cmd.clone(), "LAUNCHGATE"),
    )];
    // After `build`, a command's display name is `launchgate-check` and so on.
    for sub in cmd.get_subcommands() {
        let name = format!("launchgate-{}", sub.get_name());
        pages.push((
            format!("{name}.1"),
            render(sub.clone(), &name.to_uppercase()),
        ));
    }
    pages
}

/// A page as `Man::render` lays it out, except that the top-level `--help` epilogue (exit status
/// and environment, true of every command) becomes the standard EXIT STATUS and ENVIRONMENT
/// sections on every page instead of an EXTRA block on the first.
fn render(cmd: clap::Command, title: &str) -> String {
    let own_extra = cmd
        .get_after_long_help()
        .is_some_and(|h| h.to_string() != crate::AFTER_LONG_HELP);
    let has_args = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let man = clap_mangen::Man::new(cmd).title(title);
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    if has_args {
        let _ = man.render_options_section(&mut out);
    }
    if has_subcommands {
        let _ = man.render_subcommands_section(&mut out);
    }
    if own_extra {
        let _ = man.render_extra_section(&mut out);
    }
    out.extend(standard_sections().into_bytes());
    let _ = man.render_version_section(&mut out);
    // Each piece starts with roff's apostrophe preamble (two lines defining `\*(Aq`); once at
    // the top is enough.
    let page = String::from_utf8_lossy(&out).into_owned();
    let preamble = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    match page.find(preamble) {
        Some(first) => {
            let end = first + preamble.len();
            format!("{}{}", &page[..end], page[end..].replace(preamble, ""))
        }
        None => page,
    }
}

/// EXIT STATUS and ENVIRONMENT in roff, from the blocks of [`crate::AFTER_LONG_HELP`]: each entry
/// is a line indented by two spaces (`CODE-or-NAME  text`), continued by deeper-indented lines.
fn standard_sections() -> String {
    let mut roff = roff::Roff::new();
    let mut heading = None;
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in crate::AFTER_LONG_HELP.lines() {
        match line.trim_end() {
            "Exit status:" | "Environment:" => {
                section(&mut roff, heading, &mut entries);
                heading = Some(if line.starts_with("Exit") {
                    "EXIT STATUS"
                } else {
                    "ENVIRONMENT"
                });
            }
            "" => {}
            l if l.starts_with("  ") && !l.starts_with("   ") => {
                let l = l.trim_start();
                let (name, text) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
                entries.push((name.to_string(), text.trim().to_string()));
            }
            l => {
                if let Some((_, text)) = entries.last_mut() {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(l.trim());
                }
            }
        }
    }
    section(&mut roff, heading, &mut entries);
    roff.render()
}

fn section(roff: &mut roff::Roff, heading: Option<&str>, entries: &mut Vec<(String, String)>) {
    if let Some(h) = heading {
        roff.control("SH", [h]);
        for (name, text) in entries.drain(..) {
            roff.control("TP", [] as [&str; 0]);
            roff.text([roff::bold(name)]);
            roff.text([roff::roman(text)]);
        }
    }
}

pub(crate) fn man(command: Option<&str>) -> Result<ExitCode, Failure> {
    let pages = man_pages();
    let file = match command {
        None => "launchgate.1".to_string(),
        Some(c) => format!("launchgate-{c}.1"),
    };
    let Some((_, page)) = pages.iter().find(|(f, _)| *f == file) else {
        let names: Vec<&str> = pages
            .iter()
            .filter_map(|(f, _)| f.strip_prefix("launchgate-")?.strip_suffix(".1"))
            .collect();
        return Err(Failure::Message(format!(
            "no command `{}`; pages exist for: {}",
            command.unwrap_or_default(),
            names.join(", ")
        )));
    };
    write_stdout(page).map(|()| ExitCode::SUCCESS)
}
