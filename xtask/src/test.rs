//! `cargo xtask test`: every check and test suite, in order, each announced as
//! `==> [suite] name`, then one closing line `N passed, N failed` counting every test of every
//! suite (a check such as fmt or a build counts as one). Stops at the first failing suite,
//! unless `--keep-going` is given.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::npm;
use crate::process;
use crate::project::{self, command};
use crate::setup;
use crate::summary::{judge, Counting, Tally};

/// One suite: a name, how to build its command, and how to count its output.
struct Suite {
    name: &'static str,
    command: fn() -> Command,
    counting: Counting,
    /// Runs after a successful command, e.g. to report sizes.
    after: Option<fn()>,
}

fn suites() -> Vec<Suite> {
    vec![
        Suite {
            name: "rustfmt",
            command: rustfmt,
            counting: Counting::Check,
            after: None,
        },
        Suite {
            name: "clippy (host)",
            command: clippy_host,
            counting: Counting::Check,
            after: None,
        },
        Suite {
            name: "clippy (web, wasm32)",
            command: clippy_wasm,
            counting: Counting::Check,
            after: None,
        },
        Suite {
            name: "native tests",
            command: native_tests,
            counting: Counting::CargoTest { min_passed: 1 },
            after: None,
        },
        Suite {
            name: "core no_std build",
            command: no_std_build,
            counting: Counting::Check,
            after: None,
        },
        Suite {
            name: "wasm tests (headless Chromium)",
            command: wasm_tests,
            counting: Counting::CargoTest { min_passed: 1 },
            after: None,
        },
        Suite {
            name: "trunk release build",
            command: trunk_release_build,
            counting: Counting::Check,
            after: Some(report_bundle_size),
        },
        Suite {
            name: "playwright smoke",
            command: playwright,
            counting: Counting::Playwright { min_passed: 1 },
            after: None,
        },
        Suite {
            name: "npm package (cargo xtask npm)",
            command: npm_package,
            counting: Counting::Check,
            after: None,
        },
        Suite {
            name: "npm package tests (node --test)",
            command: npm_tests,
            counting: Counting::CargoTest { min_passed: 1 },
            after: None,
        },
    ]
}

pub fn run(args: &[String]) -> ExitCode {
    let keep_going = match args {
        [] => false,
        [flag] if flag == "--keep-going" => true,
        _ => {
            eprintln!("xtask test: unknown arguments {args:?} (the only option is --keep-going)");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let mut total = Tally::default();
    let mut timings = Vec::new();

    if let Err(message) = setup::run() {
        // Counted as one failure so the closing line never reads green.
        eprintln!("xtask test: {message}");
        total.failed += 1;
        return finish(total, &timings, started);
    }
    timings.push(("setup".to_owned(), started.elapsed().as_secs_f64()));

    let suites = suites();
    for (index, suite) in suites.iter().enumerate() {
        println!("==> [suite] {}", suite.name);
        let suite_started = Instant::now();
        let mut command = (suite.command)();
        let (exited_ok, output) = match process::tee(&mut command) {
            Ok((status, output)) => (status.success(), output),
            Err(message) => {
                println!("    {message}");
                (false, message)
            }
        };
        let verdict = judge(suite.counting, exited_ok, &output);
        let seconds = suite_started.elapsed().as_secs_f64();
        timings.push((suite.name.to_owned(), seconds));
        total += verdict.tally;
        println!(
            "<== [suite] {}: {} passed, {} failed ({seconds:.1}s)",
            suite.name, verdict.tally.passed, verdict.tally.failed
        );
        if let Some(problem) = &verdict.problem {
            println!("    {problem}");
        }
        if verdict.failed() && keep_going {
            println!(
                "    `{}` failed; going on (--keep-going)",
                process::describe(&command)
            );
            continue;
        }
        if verdict.failed() {
            println!("    `{}` failed; stopping here", process::describe(&command));
            let skipped: Vec<&str> = suites[index + 1..].iter().map(|s| s.name).collect();
            if !skipped.is_empty() {
                println!("    not run: {}", skipped.join(", "));
            }
            break;
        }
        if let Some(after) = suite.after {
            after();
        }
    }
    finish(total, &timings, started)
}

fn finish(total: Tally, timings: &[(String, f64)], started: Instant) -> ExitCode {
    println!("==> timings");
    for (name, seconds) in timings {
        println!("    {seconds:7.1}s  {name}");
    }
    println!("    {:7.1}s  total", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// --- the suites' commands ---

fn cargo(args: &[&str]) -> Command {
    let mut cargo = command("cargo");
    cargo.args(args);
    cargo
}

fn rustfmt() -> Command {
    cargo(&["fmt", "--all", "--", "--check"])
}

fn clippy_host() -> Command {
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
}

/// The browser tests in web/tests/ exist only on wasm32, so only this run lints them.
fn clippy_wasm() -> Command {
    cargo(&[
        "clippy",
        "-p",
        "web",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])
}

/// The web crate is included: it compiles natively, its pure logic has native unit tests, and
/// its browser tests compile to nothing off wasm32.
///
/// Property tests draw from a fixed seed here, so a run is reproducible and CI cannot pass or
/// fail by luck; plain `cargo test` (no `PROPTEST_RNG_SEED`) explores fresh cases, and a case
/// it finds is added to the tables as a regression test.
fn native_tests() -> Command {
    let mut test = cargo(&["test", "--workspace", "--no-fail-fast"]);
    test.env("PROPTEST_RNG_SEED", PROPTEST_SEED);
    test
}

/// The seed of the property tests' cases in `cargo xtask test`.
const PROPTEST_SEED: &str = "20261126";

/// The core for a target without `std`, with the manifest reader (the `yaml` feature needs no
/// `std`: kroute reads YAML itself).
fn no_std_build() -> Command {
    cargo(&[
        "build",
        "-p",
        "kroute",
        "--no-default-features",
        "--features",
        "yaml",
        "--target",
        "x86_64-unknown-none",
    ])
}

/// `#[wasm_bindgen_test]` tests through wasm-bindgen-test-runner (the cargo runner for wasm32)
/// in headless Chromium: the web crate always, the core too once it has wasm tests.
fn wasm_tests() -> Command {
    let mut wasm = cargo(&[
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "--no-fail-fast",
        "-p",
        "web",
    ]);
    if crate_has_wasm_tests(&project::root().join("core")) {
        wasm.args(["-p", "kroute"]);
    }
    // The runner reads Chromium's binary and flags from this file (it adds --headless and
    // --no-sandbox itself); an absolute path so every crate's run uses it.
    let webdriver_json = project::root().join("web").join("webdriver.json");
    wasm.env("CHROMEDRIVER", setup::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", webdriver_json)
        // The runner gives chromedriver 5 s to start by default: tight on a busy 2-core machine.
        .env("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "30");
    wasm
}

/// Whether a crate declares wasm-bindgen-test (so it has `#[wasm_bindgen_test]`s to run).
fn crate_has_wasm_tests(crate_dir: &Path) -> bool {
    fs::read_to_string(crate_dir.join("Cargo.toml"))
        .is_ok_and(|manifest| manifest.contains("wasm-bindgen-test"))
}

fn trunk_release_build() -> Command {
    let mut trunk = command("trunk");
    trunk
        .args(["build", "www/index.html", "--release", "--dist"])
        .arg(project::e2e_dist_dir());
    trunk
}

fn playwright() -> Command {
    let e2e = project::e2e_dir();
    let runner = e2e.join("node_modules").join(".bin").join("playwright");
    let mut playwright = command(&runner.to_string_lossy());
    playwright
        .arg("test")
        .current_dir(&e2e)
        .env("KROUTE_DIST", project::e2e_dist_dir())
        .env("KROUTE_ARTIFACTS", project::e2e_artifacts_dir())
        .env("CHROMIUM", setup::CHROMIUM);
    playwright
}

/// Builds, packs and measures the package (the size line is printed by `npm` itself).
fn npm_package() -> Command {
    cargo(&["xtask", "npm"])
}

/// tests/npm/run.mjs installs the packed tarball into a fresh project and runs node's test
/// runner there; its reporter ends with libtest's `test result:` line, which is what is counted.
fn npm_tests() -> Command {
    // A version that cannot be read makes a path that does not exist: run.mjs says so and fails.
    let tarball =
        npm::tarball().unwrap_or_else(|_| project::root().join("target").join("npm").join("missing.tgz"));
    let mut node = command("node");
    node.arg(setup::npm_tests_dir().join("run.mjs")).arg(tarball);
    node
}

// --- bundle size ---

/// The size issue 6 sets for the release page's wasm + js + css, gzip -9.
const BUNDLE_GZIP_GOAL_BYTES: u64 = 400 * 1024;

/// Prints the raw and gzip size of the page's wasm, js and css (what a visitor downloads),
/// against the goal.
fn report_bundle_size() {
    let dist = project::e2e_dist_dir();
    let Ok(entries) = fs::read_dir(&dist) else {
        println!("    (no {} to measure)", dist.display());
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "wasm" || ext == "js" || ext == "css")
        })
        .collect();
    files.sort();
    let (mut raw_total, mut gzip_total) = (0u64, 0u64);
    println!("    bundle (gzip -9):");
    for path in &files {
        let raw = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let Some(gzip) = gzip_size(path) else {
            println!(
                "    (gzip not available; raw size only) {raw:>9} B  {}",
                path.display()
            );
            continue;
        };
        raw_total += raw;
        gzip_total += gzip;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("    {:>9} B raw  {:>9} B gzip  {name}", raw, gzip);
    }
    let verdict = if gzip_total <= BUNDLE_GZIP_GOAL_BYTES {
        "within the goal"
    } else {
        "OVER the goal"
    };
    println!(
        "    {:>9} B raw  {:>9} B gzip  total ({:.1} KB gzip; goal ≤ {} KB: {verdict})",
        raw_total,
        gzip_total,
        gzip_total as f64 / 1024.0,
        BUNDLE_GZIP_GOAL_BYTES / 1024
    );
}

fn gzip_size(path: &Path) -> Option<u64> {
    let mut gzip = command("gzip");
    gzip.args(["-9", "--stdout"]).arg(path);
    process::capture(&mut gzip).ok().map(|bytes| bytes.len() as u64)
}
