//! The `launchgate` executable.

fn main() -> std::process::ExitCode {
    launchgate::run()
}
