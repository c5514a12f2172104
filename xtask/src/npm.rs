//! `cargo xtask npm`: builds the npm package `kroute` into `target/npm/kroute/` and packs it.
//!
//! One package, two builds of the same release wasm (the `npm/` crate, workspace release
//! profile): `node/` from `wasm-bindgen --target nodejs` (CommonJS; Node's `require` and
//! `import` both load it) and `web/` from `--target web` (an ES module with `init()` /
//! `initSync()` for browsers and bundlers). The `exports` map sends Node to `node/` and
//! everything else to `web/`. Each `.wasm` then goes through wasm-opt -Oz --converge (binaryen from npm,
//! installed by `setup`; never the system's). The package's README is the repository README's
//! "Use from JavaScript" section, so the example users read is the one `tests/npm` runs.

use std::fs;
use std::path::{Path, PathBuf};

use crate::lockfile::toml_string;
use crate::process;
use crate::project::{self, command};
use crate::setup;
use crate::Result;

/// The package's name on npm, and the base name of its files.
const PACKAGE: &str = "kroute";
/// The size the issue sets for the package's `.wasm`, gzip -9.
const GZIP_GOAL_BYTES: u64 = 150 * 1024;
/// wasm-opt's flags: the smallest code (-Oz), its passes run again until the size stops
/// shrinking (--converge: about 2.5 KB gzip more than -Oz alone). The playground's Trunk
/// build uses the same (`data-wasm-opt-params` in www/index.html).
const WASM_OPT_FLAGS: &[&str] = &["-Oz", "--converge"];
/// The README section the package README is made of.
const README_SECTION: &str = "## Use from JavaScript";

/// The bindings crate and what cargo calls its wasm.
const CRATE: &str = "kroute-npm";
const CRATE_WASM: &str = "kroute_npm.wasm";

/// Where the package is assembled (`npm pack` runs here).
pub fn package_dir() -> PathBuf {
    project::root().join("target").join("npm").join(PACKAGE)
}

/// The tarball `npm pack` writes, which the tests install.
pub fn tarball() -> Result<PathBuf> {
    Ok(project::root()
        .join("target")
        .join("npm")
        .join(format!("{PACKAGE}-{}.tgz", version()?)))
}

pub fn run(args: &[String]) -> Result {
    if !args.is_empty() {
        return Err(format!("npm takes no arguments (got {args:?})"));
    }
    setup::run()?;
    build()
}

/// Builds, assembles and packs; prints the wasm sizes against the goal.
pub fn build() -> Result {
    println!("==> [npm] cargo build -p {CRATE} --release --target wasm32-unknown-unknown");
    process::run(command("cargo").args([
        "build",
        "-p",
        CRATE,
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let wasm = project::root()
        .join("target")
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(CRATE_WASM);
    let dir = package_dir();
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
    }
    for (target, sub, module_type) in [("nodejs", "node", "commonjs"), ("web", "web", "module")] {
        let out = dir.join(sub);
        println!("==> [npm] wasm-bindgen --target {target} → {}", out.display());
        process::run(
            command("wasm-bindgen")
                .args(["--target", target, "--out-name", PACKAGE, "--out-dir"])
                .arg(&out)
                .arg(&wasm),
        )?;
        let bg = out.join(format!("{PACKAGE}_bg.wasm"));
        println!("==> [npm] wasm-opt {} {}", WASM_OPT_FLAGS.join(" "), bg.display());
        process::run(
            command(&project::tools_bin_dir().join("wasm-opt").to_string_lossy())
                .args(WASM_OPT_FLAGS)
                .arg(&bg)
                .arg("-o")
                .arg(&bg),
        )?;
        for dts in [format!("{PACKAGE}.d.ts"), format!("{PACKAGE}_bg.wasm.d.ts")] {
            let path = out.join(dts);
            let text = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            write(&path, &raw_exports_unknown(&text))?;
        }
        // Node reads `.js` by the nearest package.json's "type": CommonJS here, ES modules in web/.
        write(
            &out.join("package.json"),
            &format!("{{\n  \"type\": \"{module_type}\"\n}}\n"),
        )?;
    }
    write(&dir.join("package.json"), &package_json(&version()?))?;
    write(&dir.join("README.md"), &package_readme()?)?;
    println!("==> [npm] npm pack");
    // npm prints the tarball's name on stdout; the line below says where it is.
    process::capture(
        command("npm")
            .args(["pack", "--silent", "--pack-destination", ".."])
            .current_dir(&dir),
    )?;
    println!("    package: {}", tarball()?.display());
    report_sizes(&dir)
}

/// wasm-bindgen declares the raw wasm exports (`InitOutput`, `kroute_bg.wasm.d.ts`) with `any`
/// for the JavaScript values they pass: `unknown` says the same without switching type checking
/// off, so the package's declarations hold no `any` at all.
fn raw_exports_unknown(dts: &str) -> String {
    dts.replace(": any)", ": unknown)")
        .replace(": any,", ": unknown,")
}

/// The version of the bindings crate, which the package carries.
fn version() -> Result<String> {
    let manifest = project::root().join("npm").join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("reading {}: {e}", manifest.display()))?;
    toml_string(&text, "package", "version").ok_or_else(|| format!("{} has no version", manifest.display()))
}

fn package_json(version: &str) -> String {
    let node = r#"{ "types": "./node/kroute.d.ts", "default": "./node/kroute.js" }"#;
    let web = r#"{ "types": "./web/kroute.d.ts", "default": "./web/kroute.js" }"#;
    format!(
        r#"{{
  "name": "{PACKAGE}",
  "version": "{version}",
  "description": "Kubernetes networking, simulated: where a request lands and why (Ingress, Gateway API, kube-proxy, DNS, selectors), with the reasons as data",
  "license": "Apache-2.0",
  "keywords": ["kubernetes", "networking", "ingress", "gateway-api", "kube-proxy", "endpointslice", "label-selector", "simulator", "webassembly"],
  "main": "./node/kroute.js",
  "types": "./node/kroute.d.ts",
  "exports": {{
    ".": {{
      "node": {node},
      "default": {web}
    }},
    "./node": {node},
    "./web": {web},
    "./package.json": "./package.json"
  }},
  "files": ["node/", "web/", "README.md"],
  "engines": {{ "node": ">=20" }}
}}
"#
    )
}

/// The package README: a title, then the repository README's JavaScript section.
fn package_readme() -> Result<String> {
    let path = project::root().join("README.md");
    let readme = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let section = readme_section(&readme, README_SECTION)
        .ok_or_else(|| format!("{} has no `{README_SECTION}` section", path.display()))?;
    Ok(format!(
        "# kroute\n\n**See why a request lands where it does.** Kubernetes networking, simulated: \
         Ingress, Gateway API, kube-proxy, cluster DNS and label selectors, computed by kroute's \
         deterministic Rust core (WebAssembly), with the reason for every decision as data.\n\n{section}"
    ))
}

/// From `heading` to the next heading of the same level (or the end), heading included.
pub fn readme_section<'a>(readme: &'a str, heading: &str) -> Option<&'a str> {
    let start = readme.find(&format!("\n{heading}\n")).map(|i| i + 1)?;
    let body = &readme[start + heading.len()..];
    let end = body
        .find("\n## ")
        .map_or(readme.len(), |i| start + heading.len() + i + 1);
    Some(&readme[start..end])
}

fn report_sizes(dir: &Path) -> Result {
    println!("    wasm (gzip -9; goal ≤ {} KB):", GZIP_GOAL_BYTES / 1024);
    for sub in ["node", "web"] {
        let path = dir.join(sub).join(format!("{PACKAGE}_bg.wasm"));
        let raw = fs::metadata(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?
            .len();
        let gzip = process::capture(command("gzip").args(["-9", "--stdout"]).arg(&path))?.len() as u64;
        let verdict = if gzip <= GZIP_GOAL_BYTES {
            "within the goal"
        } else {
            "OVER the goal"
        };
        println!(
            "    {raw:>9} B raw  {gzip:>9} B gzip ({:.1} KB)  {sub}/{PACKAGE}_bg.wasm  {verdict}",
            gzip as f64 / 1024.0
        );
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_section_table() {
        let readme = "# t\n\nintro\n\n## Use from JavaScript\n\nbody\n\n### sub\n\nmore\n\n## Layout\n\nx\n";
        // (heading, expected)
        let cases = [
            (
                "## Use from JavaScript",
                Some("## Use from JavaScript\n\nbody\n\n### sub\n\nmore\n\n"),
            ),
            ("## Layout", Some("## Layout\n\nx\n")),
            ("## Missing", None),
            ("### sub", Some("### sub\n\nmore\n\n")),
        ];
        for (heading, expected) in cases {
            assert_eq!(readme_section(readme, heading), expected, "{heading}");
        }
    }

    #[test]
    fn raw_exports_lose_their_any() {
        // (input, expected)
        let cases = [
            (
                "readonly cluster_get: (a: number, b: any, c: any) => [number, number];",
                "readonly cluster_get: (a: number, b: unknown, c: unknown) => [number, number];",
            ),
            (
                "export const examples: () => [number, number];",
                "export const examples: () => [number, number];",
            ),
            ("kind: \"any\"; company: string", "kind: \"any\"; company: string"),
        ];
        for (input, expected) in cases {
            assert_eq!(raw_exports_unknown(input), expected);
        }
    }

    #[test]
    fn package_json_is_json_with_the_exports_map() {
        let text = package_json("1.2.3");
        // No JSON parser in xtask (no dependencies): check the parts the tests rely on.
        for needle in [
            "\"name\": \"kroute\"",
            "\"version\": \"1.2.3\"",
            "\"node\": { \"types\": \"./node/kroute.d.ts\", \"default\": \"./node/kroute.js\" }",
            "\"default\": { \"types\": \"./web/kroute.d.ts\", \"default\": \"./web/kroute.js\" }",
            "\"files\": [\"node/\", \"web/\", \"README.md\"]",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
        let opens = text.matches('{').count();
        assert_eq!(opens, text.matches('}').count());
    }
}
