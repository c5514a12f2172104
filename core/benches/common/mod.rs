//! What every benchmark shares: where criterion writes its estimates, and the median of one.
//! Included by each bench with `#[path]` (a file in a subfolder is not a bench of its own).

use std::path::PathBuf;

pub fn criterion_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// Criterion's median estimate for a benchmark, in nanoseconds.
pub fn median_ns(group: &str, id: &str) -> f64 {
    let path = criterion_dir().join(group).join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).expect("criterion estimates are JSON");
    v["median"]["point_estimate"].as_f64().expect("median estimate")
}
