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

fn render(cmd: clap::Command, title: &str) -> String {
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let _ = clap_mangen::Man::new(cmd).title(title).render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
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
