//! Where things are in the repository, and the environment every child process gets.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR at run time too; the compile-time value is the fallback
    // for running the binary directly.
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .parent()
        .map_or(manifest_dir.clone(), Path::to_path_buf)
}

/// Project-local npm tools (wasm-opt from binaryen), installed by `setup`.
pub fn tools_dir() -> PathBuf {
    root().join("target").join("tools")
}

/// Where npm puts the tools' executables; first on PATH for every child process.
pub fn tools_bin_dir() -> PathBuf {
    tools_dir().join("node_modules").join(".bin")
}

/// The Playwright project.
pub fn e2e_dir() -> PathBuf {
    root().join("tests").join("e2e")
}

/// The Trunk release build the end-to-end test loads (never shared with `serve`).
pub fn e2e_dist_dir() -> PathBuf {
    root().join("target").join("e2e-dist")
}

/// Screenshots and Playwright's own output.
pub fn e2e_artifacts_dir() -> PathBuf {
    root().join("target").join("e2e-artifacts")
}

/// The debug build `serve` writes.
pub fn serve_dist_dir() -> PathBuf {
    root().join("target").join("serve-dist")
}

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    let cargo_home = env::var_os("CARGO_HOME").map(PathBuf::from).unwrap_or_else(|| {
        env::var_os("HOME").map_or_else(
            || PathBuf::from(".cargo"),
            |home| PathBuf::from(home).join(".cargo"),
        )
    });
    cargo_home.join("bin")
}

/// PATH with the project's wasm-opt first (so no other wasm-opt, such as Debian's broken 108,
/// is ever picked) and cargo's bin directory next (so freshly installed tools are found).
pub fn child_path() -> OsString {
    let mut dirs = vec![tools_bin_dir(), cargo_bin_dir()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default())
}

/// A command run from the repository root with [`child_path`] as PATH.
pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", child_path());
    command
}
