//! Reading pinned versions out of Cargo.lock and Trunk.toml, without a TOML parser: both files
//! are machine-written (or kept simple) and only one key is needed from each.

/// The versions of `package` in a Cargo.lock (more than one if the graph holds several).
pub fn cargo_lock_versions(lock: &str, package: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut in_package = false;
    for line in lock.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = false;
        } else if let Some(name) = quoted_value(line, "name") {
            in_package = name == package;
        } else if let Some(version) = quoted_value(line, "version") {
            if in_package {
                versions.push(version.to_owned());
                in_package = false;
            }
        }
    }
    versions
}

/// The value of `key = "value"` under `[section]` in a simple TOML file.
pub fn toml_string(text: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut in_section = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == header;
        } else if in_section {
            if let Some(value) = quoted_value(line, key) {
                return Some(value.to_owned());
            }
        }
    }
    None
}

/// `value` from a line `key = "value"` (spaces around `=` optional, comment after allowed).
fn quoted_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    rest.split_once('"').map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_lock_versions_table() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.131"

[[package]]
name = "syn"
version = "1.0.109"

[[package]]
name = "syn"
version = "2.0.100"
"#;
        // (package, expected versions)
        let cases: [(&str, &[&str]); 4] = [
            ("wasm-bindgen", &["0.2.130"]),
            ("wasm-bindgen-macro", &["0.2.131"]),
            ("syn", &["1.0.109", "2.0.100"]),
            ("trunk", &[]),
        ];
        for (package, expected) in cases {
            assert_eq!(cargo_lock_versions(lock, package), expected, "package {package}");
        }
    }

    #[test]
    fn toml_string_table() {
        let trunk_toml = r#"
[build]
offline = true
target = "www/index.html"

[tools]
wasm_bindgen = "0.2.130"  # must equal Cargo.lock
wasm_opt="version_132"
"#;
        // (section, key, expected)
        let cases = [
            ("tools", "wasm_bindgen", Some("0.2.130")),
            ("tools", "wasm_opt", Some("version_132")),
            ("build", "target", Some("www/index.html")),
            ("build", "wasm_bindgen", None),
            ("tools", "offline", None),
            ("serve", "port", None),
        ];
        for (section, key, expected) in cases {
            assert_eq!(
                toml_string(trunk_toml, section, key).as_deref(),
                expected,
                "[{section}] {key}"
            );
        }
    }
}
