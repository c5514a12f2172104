//! `cargo xtask bench`: runs the core's benchmarks and collects the `ratio <name> <value>`
//! lines they print (kroute against a reference, side by side in one run: ratios mean more
//! than absolute times on a shared machine) into target/bench/summary.json.

use std::fs;

use crate::project::{self, command};
use crate::summary::{bench_ratios, ratios_json};
use crate::{process, Result};

/// glibc's per-thread cache holds 7 freed chunks per size by default. The 100,000-endpoint
/// benchmark keeps a ~200 MB heap of small strings, and past those 7 every allocation takes
/// malloc's slow path, whose cost grows with the heap's fragmentation, not with the work done
/// (measured: 1.0 ms vs 0.15 ms per change at 100k vs 1k endpoints with the default, 101 µs vs
/// 67 µs with this setting). A larger cache lets one change reuse what the previous freed, so
/// the ratios measure kroute's algorithms rather than the C allocator. It is an environment
/// tunable for the benchmark process only; nothing in kroute depends on it.
const GLIBC_TUNABLES: &str = "glibc.malloc.tcache_count=4000";

/// `extra` goes to `cargo bench` as is (e.g. `-- route` to filter).
pub fn run(extra: &[String]) -> Result {
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
    let dir = project::root().join("target").join("bench");
    let path = dir.join("summary.json");
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    fs::write(&path, ratios_json(&ratios)).map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("==> [bench] wrote {}", path.display());
    Ok(())
}
