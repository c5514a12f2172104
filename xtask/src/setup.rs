//! `cargo xtask setup`: installs every pinned tool the other commands need.
//!
//! Each step first checks whether its tool is present at the pinned version and only installs
//! when it is not, so a second run is fast and changes nothing. Steps print as they start; a
//! failing step says which step and why.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::lockfile::{cargo_lock_versions, toml_string};
use crate::process::{self, probe};
use crate::project::{self, command};
use crate::Result;

pub const TRUNK_VERSION: &str = "0.21.14";
/// What `wasm-opt --version` says for binaryen 132 (Trunk.toml pins the same `version_132`).
pub const WASM_OPT_VERSION: &str = "version_132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const RUST_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "x86_64-unknown-none"];

/// A tool to have: `check` says what is installed (`Ok(None)`: missing or wrong version),
/// `install` installs it.
struct Step {
    name: &'static str,
    check: fn() -> Result<Option<String>>,
    install: fn() -> Result,
}

const STEPS: [Step; 9] = [
    Step {
        name: "node + npm",
        check: check_node,
        install: install_node,
    },
    Step {
        name: "rustup targets",
        check: check_rust_targets,
        install: install_rust_targets,
    },
    Step {
        name: "chromium + chromedriver",
        check: check_chromium,
        install: install_chromium,
    },
    Step {
        name: "crates (cargo fetch)",
        check: check_crates,
        install: fetch_crates,
    },
    Step {
        name: "wasm-bindgen-cli",
        check: check_wasm_bindgen,
        install: install_wasm_bindgen,
    },
    Step {
        name: "trunk",
        check: check_trunk,
        install: install_trunk,
    },
    Step {
        name: "wasm-opt (binaryen, npm)",
        check: check_wasm_opt,
        install: install_wasm_opt,
    },
    Step {
        name: "playwright",
        check: check_playwright,
        install: install_playwright,
    },
    Step {
        name: "typescript (npm package tests)",
        check: check_npm_tests,
        install: install_npm_tests,
    },
];

pub fn run() -> Result {
    let started = Instant::now();
    for step in &STEPS {
        run_step(step)?;
    }
    println!("==> [setup] done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

fn run_step(step: &Step) -> Result {
    let fail = |why: String| format!("setup step `{}` failed: {why}", step.name);
    if let Some(found) = (step.check)().map_err(fail)? {
        println!("==> [setup] {}: already installed ({found})", step.name);
        return Ok(());
    }
    println!("==> [setup] {}: installing…", step.name);
    let started = Instant::now();
    (step.install)().map_err(fail)?;
    match (step.check)().map_err(fail)? {
        Some(found) => {
            println!(
                "==> [setup] {}: installed ({found}) in {:.1}s",
                step.name,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        None => Err(fail(
            "the install finished but the check still does not find it".to_owned(),
        )),
    }
}

// --- node + npm: a prerequisite we only check ---

/// Playwright 1.65 needs Node 20 or newer.
const NODE_MIN_MAJOR: u32 = 20;

fn node_version() -> Option<String> {
    probe(command("node").arg("--version")).map(|v| v.trim().to_owned())
}

fn check_node() -> Result<Option<String>> {
    let node = node_version().filter(|v| node_major(v).is_some_and(|major| major >= NODE_MIN_MAJOR));
    let npm = probe(command("npm").arg("--version")).map(|v| v.trim().to_owned());
    Ok(node.zip(npm).map(|(node, npm)| format!("node {node}, npm {npm}")))
}

/// 20 from `v20.20.2`.
fn node_major(version: &str) -> Option<u32> {
    version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

fn install_node() -> Result {
    let found = node_version().unwrap_or_else(|| "no node".to_owned());
    Err(format!(
        "Node {NODE_MIN_MAJOR} or newer with npm is needed on PATH (found: {found}); xtask does not install \
         Node itself: use NodeSource, nvm or your distribution's nodejs + npm packages"
    ))
}

// --- rustup targets ---

fn check_rust_targets() -> Result<Option<String>> {
    let installed = probe(command("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    let present = RUST_TARGETS
        .iter()
        .all(|target| installed.lines().any(|line| line.trim() == *target));
    Ok(present.then(|| RUST_TARGETS.join(", ")))
}

fn install_rust_targets() -> Result {
    process::run(command("rustup").args(["target", "add"]).args(RUST_TARGETS))
}

// --- chromium + chromedriver from Debian ---

fn check_chromium() -> Result<Option<String>> {
    if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
        return Ok(None);
    }
    let version = probe(command(CHROMEDRIVER).arg("--version")).unwrap_or_default();
    Ok(Some(
        version.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
    ))
}

fn install_chromium() -> Result {
    if probe(command("apt-get").arg("--version")).is_none() {
        return Err(format!(
            "apt-get is not available (not Debian?): install Chromium and its chromedriver so that \
             {CHROMIUM} and {CHROMEDRIVER} exist"
        ));
    }
    let is_root = probe(command("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt_get = |args: &[&str]| {
        let mut apt = if is_root {
            command("apt-get")
        } else {
            let mut sudo = command("sudo");
            sudo.arg("apt-get");
            sudo
        };
        apt.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        process::run(&mut apt)
    };
    apt_get(&["update"])?;
    apt_get(&["install", "-y", "chromium", "chromium-driver"])
}

// --- crates: Trunk runs cargo --offline, so everything must be downloaded first ---

fn check_crates() -> Result<Option<String>> {
    // Offline, cargo fetch fails exactly when a crate still has to be downloaded.
    let fetched = probe(command("cargo").args(["fetch", "--offline", "--quiet"])).is_some();
    Ok(fetched.then(|| "every crate in Cargo.lock is downloaded".to_owned()))
}

fn fetch_crates() -> Result {
    process::run(command("cargo").args(["fetch", "--quiet"]))
}

// --- wasm-bindgen-cli, at exactly the version Cargo.lock resolved ---

/// The wasm-bindgen version in Cargo.lock, which must also be the one Trunk.toml names.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock_path = project::root().join("Cargo.lock");
    let lock = read(&lock_path)?;
    let version = match cargo_lock_versions(&lock, "wasm-bindgen").as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(
                "Cargo.lock has no wasm-bindgen package (does the web crate depend on it?)".to_owned(),
            )
        }
        many => {
            return Err(format!(
                "Cargo.lock has several wasm-bindgen versions: {}",
                many.join(", ")
            ))
        }
    };
    let trunk_toml = read(&project::root().join("Trunk.toml"))?;
    match toml_string(&trunk_toml, "tools", "wasm_bindgen") {
        Some(pinned) if pinned == version => Ok(version),
        Some(pinned) => Err(format!(
            "Trunk.toml pins wasm_bindgen = \"{pinned}\" but Cargo.lock has wasm-bindgen {version}: make them equal"
        )),
        None => Err("Trunk.toml has no [tools] wasm_bindgen = \"…\" pin".to_owned()),
    }
}

fn check_wasm_bindgen() -> Result<Option<String>> {
    let wanted = wasm_bindgen_version()?;
    let cli = probe(command("wasm-bindgen").arg("--version"));
    let runner = probe(command("wasm-bindgen-test-runner").arg("--version"));
    let matches = |output: &Option<String>| {
        output
            .as_deref()
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(wanted.as_str()))
    };
    Ok((matches(&cli) && matches(&runner)).then(|| format!("wasm-bindgen {wanted}")))
}

fn install_wasm_bindgen() -> Result {
    let version = wasm_bindgen_version()?;
    // No --locked: the CLI's own lockfile pins a crate version the registry no longer has.
    process::run(command("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

// --- trunk ---

fn check_trunk() -> Result<Option<String>> {
    let output = probe(command("trunk").arg("--version")).unwrap_or_default();
    Ok((output.split_whitespace().nth(1) == Some(TRUNK_VERSION)).then(|| format!("trunk {TRUNK_VERSION}")))
}

fn install_trunk() -> Result {
    process::run(command("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

// --- wasm-opt: binaryen from npm into target/tools, never the system's ---

/// The committed npm project pinning binaryen (package.json + package-lock.json).
fn npm_tools_source() -> PathBuf {
    project::root().join("xtask").join("npm-tools")
}

fn check_wasm_opt() -> Result<Option<String>> {
    if !npm_lock_is_installed(&project::tools_dir(), &npm_tools_source())? {
        return Ok(None);
    }
    let wasm_opt = project::tools_bin_dir().join("wasm-opt");
    let output = probe(command(&wasm_opt.to_string_lossy()).arg("--version")).unwrap_or_default();
    Ok(output
        .contains(&format!("({WASM_OPT_VERSION})"))
        .then(|| output.trim().to_owned()))
}

fn install_wasm_opt() -> Result {
    let tools = project::tools_dir();
    fs::create_dir_all(&tools).map_err(|e| format!("creating {}: {e}", tools.display()))?;
    for file in ["package.json", "package-lock.json"] {
        let (from, to) = (npm_tools_source().join(file), tools.join(file));
        fs::copy(&from, &to).map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))?;
    }
    npm_ci(&tools, &npm_tools_source())
}

// --- Playwright, from tests/e2e/package-lock.json; it drives the system Chromium ---

fn check_playwright() -> Result<Option<String>> {
    let e2e = project::e2e_dir();
    if !npm_lock_is_installed(&e2e, &e2e)? {
        return Ok(None);
    }
    let runner = e2e.join("node_modules").join(".bin").join("playwright");
    let version = probe(
        command(&runner.to_string_lossy())
            .arg("--version")
            .current_dir(&e2e),
    );
    Ok(version.map(|v| v.trim().to_owned()))
}

fn install_playwright() -> Result {
    let e2e = project::e2e_dir();
    npm_ci(&e2e, &e2e)
}

// --- TypeScript for the npm package's tests, from tests/npm/package-lock.json ---

/// The npm package's test project (tests/npm): its tsc type-checks the package's declarations.
pub fn npm_tests_dir() -> PathBuf {
    project::root().join("tests").join("npm")
}

fn check_npm_tests() -> Result<Option<String>> {
    let dir = npm_tests_dir();
    if !npm_lock_is_installed(&dir, &dir)? {
        return Ok(None);
    }
    let tsc = dir
        .join("node_modules")
        .join("typescript")
        .join("bin")
        .join("tsc");
    let version = probe(command("node").arg(&tsc).arg("--version"));
    Ok(version.map(|v| v.trim().to_owned()))
}

fn install_npm_tests() -> Result {
    let dir = npm_tests_dir();
    npm_ci(&dir, &dir)
}

// --- npm helpers ---

/// The copy of package-lock.json saved after a successful `npm ci`: while it equals the
/// committed lock, node_modules is what the lock describes.
const NPM_STAMP: &str = "node_modules/.kroute-installed-package-lock.json";

fn npm_lock_is_installed(project_dir: &Path, lock_dir: &Path) -> Result<bool> {
    let lock = read(&lock_dir.join("package-lock.json"))?;
    Ok(fs::read_to_string(project_dir.join(NPM_STAMP)).is_ok_and(|stamp| stamp == lock))
}

fn npm_ci(project_dir: &Path, lock_dir: &Path) -> Result {
    process::run(
        command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(project_dir),
    )?;
    let lock = read(&lock_dir.join("package-lock.json"))?;
    let stamp = project_dir.join(NPM_STAMP);
    fs::write(&stamp, lock).map_err(|e| format!("writing {}: {e}", stamp.display()))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::node_major;

    #[test]
    fn node_major_table() {
        let cases = [
            ("v20.20.2", Some(20)),
            ("v18.1.0\n", Some(18)),
            ("22", Some(22)),
            ("", None),
            ("vx.1", None),
        ];
        for (version, expected) in cases {
            assert_eq!(node_major(version), expected, "{version:?}");
        }
    }
}
