//! `medcurate completions SHELL`: the shell's completion script, on standard output.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    pub shell: Shell,
}

/// Writes the script, e.g. `medcurate completions bash > ~/.local/share/bash-completion/completions/medcurate`.
pub fn run(args: CompletionsArgs) {
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "medcurate", &mut std::io::stdout());
}
