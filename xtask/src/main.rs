//! kroute's build system, run as `cargo xtask <command>` (the alias is in .cargo/config.toml).
//!
//! Every command installs what it needs first (`setup`), pinned and idempotently, so a fresh
//! Debian machine with rustup and Node goes from clone to green with one command.

mod bench;
mod lockfile;
mod npm;
mod process;
mod project;
mod serve;
mod setup;
mod summary;
mod test;

use std::process::ExitCode;

/// A failure with a message a person can act on; printed once, by `main`.
pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup   install the pinned tools (rustup targets, chromium + chromedriver, wasm-bindgen-cli,
          trunk, wasm-opt, Playwright); fast and unchanged when run again
  test    setup, then every check and test suite; ends with `N passed, N failed`;
          stops at the first failing suite unless given --keep-going
  serve   setup, then `trunk serve` on http://127.0.0.1:8080 (extra arguments go to trunk)
  npm     setup, then build the npm package into target/npm/kroute/ (Node + browser builds,
          wasm-opt -Oz --converge) and `npm pack` it; prints the .wasm gzip size against
          the goal
  bench   `cargo bench -p kroute`, collecting `ratio <name> <value>` lines into
          target/bench/summary.json (extra arguments go to cargo bench); then the release
          page at 2,000 and 10,000 pods in headless Chromium (first render, send, frame
          times, expand, select) into target/bench/web.json; `--native` or `--web`: one only";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "setup" => setup::run(),
        // `test` prints its own summary line, which must stay the last line of its output.
        "test" => return test::run(rest),
        "serve" => serve::run(rest),
        "npm" => npm::run(rest),
        "bench" => bench::run(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {command}: {message}");
            ExitCode::FAILURE
        }
    }
}
