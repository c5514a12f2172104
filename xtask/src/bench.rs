//! `cargo xtask bench`: two kinds of figures, both printed, never asserted.
//!
//! - **native**: the core's criterion benchmarks; the `ratio <name> <value>` lines they print
//!   (kroute against a reference, side by side in one run: ratios mean more than absolute
//!   times on a shared machine) are collected into target/bench/summary.json.
//! - **web**: the release page in headless Chromium at 2,000 and 10,000 pods
//!   (tests/e2e/bench-web.js): time to first render, to route a request, to expand a node group
//!   and to select a pod, and frame times while the packet animates and while panning and
//!   zooming. It prints a table and writes target/bench/web.json.
//!
//! `--native` or `--web` runs one kind only; other arguments go to `cargo bench` as is.

use std::fs;

use crate::project::{self, command};
use crate::summary::{bench_ratios, ratios_json};
use crate::{process, setup, Result};

/// glibc's per-thread cache holds 7 freed chunks per size by default. The 100,000-endpoint
/// benchmark keeps a ~200 MB heap of small strings, and past those 7 every allocation takes
/// malloc's slow path, whose cost grows with the heap's fragmentation, not with the work done
/// (measured: 1.0 ms vs 0.15 ms per change at 100k vs 1k endpoints with the default, 101 µs vs
/// 67 µs with this setting). A larger cache lets one change reuse what the previous freed, so
/// the ratios measure kroute's algorithms rather than the C allocator. It is an environment
/// tunable for the benchmark process only; nothing in kroute depends on it.
const GLIBC_TUNABLES: &str = "glibc.malloc.tcache_count=4000";

pub fn run(args: &[String]) -> Result {
    let web_only = args.iter().any(|a| a == "--web");
    let native_only = args.iter().any(|a| a == "--native");
    if web_only && native_only {
        return Err("--web and --native exclude each other (without either, both run)".to_owned());
    }
    let extra: Vec<String> = args
        .iter()
        .filter(|a| *a != "--web" && *a != "--native")
        .cloned()
        .collect();
    if web_only && !extra.is_empty() {
        return Err(format!("--web takes no other arguments (got {extra:?})"));
    }
    if !web_only {
        native(&extra)?;
    }
    if !native_only {
        web()?;
    }
    Ok(())
}

/// `extra` goes to `cargo bench` as is (e.g. `-- route` to filter).
fn native(extra: &[String]) -> Result {
    println!("==> [bench] cargo bench -p kroute --benches (GLIBC_TUNABLES={GLIBC_TUNABLES})");
    let mut cargo = command("cargo");
    cargo.env("GLIBC_TUNABLES", GLIBC_TUNABLES);
    cargo.args(["bench", "-p", "kroute", "--benches"]).args(extra);
    let (status, output) = process::tee(&mut cargo)?;
    process::check_status(&cargo, status)?;

    let ratios = bench_ratios(&output);
    println!("==> [bench] ratios");
    if ratios.is_empty() {
        println!("    (none: no bench printed a `ratio <name> <value>` line)");
    }
    for (name, value) in &ratios {
        println!("ratio {name} {value}");
    }
    let dir = bench_dir();
    let path = dir.join("summary.json");
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    fs::write(&path, ratios_json(&ratios)).map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("==> [bench] wrote {}", path.display());
    Ok(())
}

/// Builds the release page (as the e2e tests load it, into a directory of its own) and
/// measures it in headless Chromium.
fn web() -> Result {
    setup::run()?;
    let dist = project::root().join("target").join("bench-dist");
    println!(
        "==> [bench] trunk build www/index.html --release → {}",
        dist.display()
    );
    let mut trunk = command("trunk");
    trunk
        .args(["build", "www/index.html", "--release", "--dist"])
        .arg(&dist);
    process::run(&mut trunk)?;
    println!("==> [bench] the page at scale, in headless Chromium (tests/e2e/bench-web.js)");
    let e2e = project::e2e_dir();
    let mut node = command("node");
    node.arg(e2e.join("bench-web.js"))
        .current_dir(&e2e)
        .env("KROUTE_DIST", &dist)
        .env("KROUTE_BENCH_OUT", bench_dir().join("web.json"))
        .env("CHROMIUM", setup::CHROMIUM);
    process::run(&mut node)
}

fn bench_dir() -> std::path::PathBuf {
    project::root().join("target").join("bench")
}
