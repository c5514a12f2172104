//! Reading each runner's own summary out of its output, so `cargo xtask test` can add every
//! test of every suite into one `N passed, N failed` line; and reading benchmark ratios.

/// Tests that passed and failed in one suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// How a suite's output turns into a tally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// A check with no tests of its own (fmt, clippy, a build): one check, by exit status.
    Check,
    /// libtest or wasm-bindgen-test: `test result: ok. N passed; M failed; …` per test binary.
    /// Fewer than `min_passed` passing tests is a failure: a runner that silently skipped
    /// everything (plain `#[test]` on wasm32, say) must not look green.
    CargoTest { min_passed: u64 },
    /// Playwright: `N passed (Ts)` and `N failed` in its closing summary.
    Playwright { min_passed: u64 },
}

/// A suite's tally and, when it failed in a way the tally alone does not show, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub tally: Tally,
    pub problem: Option<String>,
}

impl Verdict {
    pub fn failed(&self) -> bool {
        self.tally.failed > 0
    }
}

/// Judges one suite from how it exited and what it printed.
pub fn judge(counting: Counting, exited_ok: bool, output: &str) -> Verdict {
    let (parsed, min_passed) = match counting {
        Counting::Check => {
            let tally = if exited_ok {
                Tally { passed: 1, failed: 0 }
            } else {
                Tally { passed: 0, failed: 1 }
            };
            return Verdict { tally, problem: None };
        }
        Counting::CargoTest { min_passed } => (cargo_test_tally(output), min_passed),
        Counting::Playwright { min_passed } => (playwright_tally(output), min_passed),
    };
    let mut tally = parsed;
    let problem = if !exited_ok && parsed.failed == 0 {
        tally.failed += 1;
        Some("the runner failed without reporting a failing test (a build error?)".to_owned())
    } else if exited_ok && parsed.failed == 0 && parsed.passed < min_passed {
        tally.failed += 1;
        Some(format!(
            "expected at least {min_passed} passing test(s) but the runner reported {}: were they skipped?",
            parsed.passed
        ))
    } else {
        None
    };
    Verdict { tally, problem }
}

/// Sums every `test result:` line (one per test binary, doc-tests included).
pub fn cargo_test_tally(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in output.lines().map(strip_ansi) {
        let Some((_, result)) = line.split_once("test result:") else {
            continue;
        };
        for part in result.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            // "ok. 3 passed" or " 0 failed": the count is the word before the label.
            match words.as_slice() {
                [.., count, "passed"] => tally.passed += count.parse::<u64>().unwrap_or(0),
                [.., count, "failed"] => tally.failed += count.parse::<u64>().unwrap_or(0),
                _ => {}
            }
        }
    }
    tally
}

/// Reads Playwright's closing summary: lines that are only `N <outcome>`, maybe with a time.
/// Flaky, interrupted and did-not-run tests count as failed; skipped ones count as neither.
pub fn playwright_tally(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in output.lines().map(strip_ansi) {
        let line = line.trim();
        // Drop a trailing duration: "2 passed (3.1s)".
        let line = match line.split_once(" (") {
            Some((head, tail)) if tail.ends_with(')') => head,
            _ => line,
        };
        let Some((count, outcome)) = line.split_once(' ') else {
            continue;
        };
        let Ok(count) = count.parse::<u64>() else { continue };
        match outcome {
            "passed" => tally.passed += count,
            "failed" | "flaky" | "interrupted" | "did not run" => tally.failed += count,
            _ => {}
        }
    }
    tally
}

/// `ratio <name> <value>` lines printed by the benches, in order of appearance.
pub fn bench_ratios(output: &str) -> Vec<(String, f64)> {
    output
        .lines()
        .map(strip_ansi)
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["ratio", name, value] => value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(|v| (name.to_string(), v)),
                _ => None,
            },
        )
        .collect()
}

/// `{"ratios": {"name": value, …}}`; a name printed twice keeps its last value.
pub fn ratios_json(ratios: &[(String, f64)]) -> String {
    let mut unique: Vec<(&str, f64)> = Vec::new();
    for (name, value) in ratios {
        match unique.iter_mut().find(|(seen, _)| *seen == name.as_str()) {
            Some(entry) => entry.1 = *value,
            None => unique.push((name, *value)),
        }
    }
    let entries: Vec<String> = unique
        .iter()
        .map(|(name, value)| format!("    {}: {}", json_string(name), json_number(*value)))
        .collect();
    if entries.is_empty() {
        "{\n  \"ratios\": {}\n}\n".to_owned()
    } else {
        format!("{{\n  \"ratios\": {{\n{}\n  }}\n}}\n", entries.join(",\n"))
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A finite f64 as JSON (Rust prints `2` for 2.0, which JSON accepts).
fn json_number(value: f64) -> String {
    format!("{value}")
}

/// The line without ANSI colour/style escapes (`ESC [ … letter`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(passed: u64, failed: u64) -> Tally {
        Tally { passed, failed }
    }

    #[test]
    fn cargo_test_tally_table() {
        // (case, output, expected)
        let cases = [
            ("none", "   Compiling kroute v0.1.0\n", tally(0, 0)),
            (
                "libtest, one binary",
                "running 3 tests\n...\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n",
                tally(3, 0),
            ),
            (
                "several binaries and doc-tests add up",
                "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n\
                 test result: FAILED. 4 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out\n\
                 test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n",
                tally(16, 2),
            ),
            (
                "wasm-bindgen-test (headless runner)",
                "Running headless tests in Chrome on `http://127.0.0.1:4444/`\nrunning 3 tests\n\
                 test app_dom::renders ... ok\n\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.21s\n",
                tally(3, 0),
            ),
            ("wasm-bindgen-test without tests", "no tests to run!\n", tally(0, 0)),
            (
                "colours are ignored",
                "\u{1b}[32mtest result: \u{1b}[1mok\u{1b}[0m. 5 passed; 1 failed; 0 ignored\n",
                tally(5, 1),
            ),
            ("a test named like a summary is not one", "test passed_twice ... ok\n", tally(0, 0)),
        ];
        for (case, output, expected) in cases {
            assert_eq!(cargo_test_tally(output), expected, "{case}");
        }
    }

    #[test]
    fn playwright_tally_table() {
        // (case, output, expected)
        let cases = [
            (
                "all passed",
                "Running 2 tests using 1 worker\n\n  ok 1 [chromium] › smoke.spec.js:10:1 › renders (1.2s)\n\
                 ok 2 [chromium] › smoke.spec.js:30:1 › no errors (0.9s)\n\n  2 passed (3.4s)\n",
                tally(2, 0),
            ),
            (
                "a failure",
                "  x 1 [chromium] › smoke.spec.js:10:1 › renders (5.0s)\n\n  1) [chromium] › renders\n\n\
                 Error: expect(locator).toHaveText(expected)\n\n  1 failed\n    [chromium] › smoke.spec.js:10:1 › renders\n  1 passed (6.0s)\n",
                tally(1, 1),
            ),
            ("flaky and did-not-run count as failed", "  1 flaky\n  2 did not run\n  3 passed (1m)\n", tally(3, 3)),
            ("skipped counts as neither", "  1 skipped\n  1 passed (1s)\n", tally(1, 0)),
            ("a title is not a summary", "  ok 1 [chromium] › 2 passed checks (1s)\n", tally(0, 0)),
            ("colours are ignored", "\u{1b}[32m  4 passed\u{1b}[39m\u{1b}[2m (2.0s)\u{1b}[22m\n", tally(4, 0)),
        ];
        for (case, output, expected) in cases {
            assert_eq!(playwright_tally(output), expected, "{case}");
        }
    }

    #[test]
    fn judge_table() {
        let ok_run = "test result: ok. 3 passed; 0 failed; 0 ignored\n";
        let failing_run = "test result: FAILED. 2 passed; 1 failed; 0 ignored\n";
        // (case, counting, exited ok, output, expected tally, expect a problem)
        let cases = [
            ("check passes", Counting::Check, true, "", tally(1, 0), false),
            (
                "check fails",
                Counting::Check,
                false,
                "error: ...",
                tally(0, 1),
                false,
            ),
            (
                "tests pass",
                Counting::CargoTest { min_passed: 1 },
                true,
                ok_run,
                tally(3, 0),
                false,
            ),
            (
                "a test fails",
                Counting::CargoTest { min_passed: 1 },
                false,
                failing_run,
                tally(2, 1),
                false,
            ),
            (
                "build error",
                Counting::CargoTest { min_passed: 1 },
                false,
                "error[E0425]",
                tally(0, 1),
                true,
            ),
            (
                "all skipped",
                Counting::CargoTest { min_passed: 1 },
                true,
                "no tests to run!\n",
                tally(0, 1),
                true,
            ),
            (
                "none expected",
                Counting::CargoTest { min_passed: 0 },
                true,
                "no tests to run!\n",
                tally(0, 0),
                false,
            ),
            (
                "playwright ok",
                Counting::Playwright { min_passed: 1 },
                true,
                "  2 passed (1s)\n",
                tally(2, 0),
                false,
            ),
            (
                "playwright crash",
                Counting::Playwright { min_passed: 1 },
                false,
                "Error: no config",
                tally(0, 1),
                true,
            ),
        ];
        for (case, counting, exited_ok, output, expected, expect_problem) in cases {
            let verdict = judge(counting, exited_ok, output);
            assert_eq!(verdict.tally, expected, "{case}");
            assert_eq!(
                verdict.problem.is_some(),
                expect_problem,
                "{case}: {:?}",
                verdict.problem
            );
            assert_eq!(verdict.failed(), expected.failed > 0, "{case}");
        }
    }

    #[test]
    fn bench_ratios_table() {
        let output = "Benchmarking route/kroute: Collecting 100 samples\n\
                      ratio route_vs_naive 3.25\n\
                      ratio not-a-number abc\n\
                      ratio  selector_parse_vs_kube  0.5 \n\
                      ratio too many words 1\n\
                      ratio infinite inf\n\
                      \u{1b}[1mratio coloured 2\u{1b}[0m\n";
        let expected = vec![
            ("route_vs_naive".to_owned(), 3.25),
            ("selector_parse_vs_kube".to_owned(), 0.5),
            ("coloured".to_owned(), 2.0),
        ];
        assert_eq!(bench_ratios(output), expected);
        assert!(bench_ratios("no benches here\n").is_empty());
    }

    #[test]
    fn ratios_json_table() {
        // (case, ratios, expected JSON)
        type Ratios = Vec<(String, f64)>;
        let cases: [(&str, Ratios, &str); 3] = [
            ("empty", vec![], "{\n  \"ratios\": {}\n}\n"),
            (
                "order kept, last value of a repeated name wins",
                vec![
                    ("b".to_owned(), 2.0),
                    ("a".to_owned(), 0.25),
                    ("b".to_owned(), 3.5),
                ],
                "{\n  \"ratios\": {\n    \"b\": 3.5,\n    \"a\": 0.25\n  }\n}\n",
            ),
            (
                "names are escaped",
                vec![("q\"\\".to_owned(), 1.0)],
                "{\n  \"ratios\": {\n    \"q\\\"\\\\\": 1\n  }\n}\n",
            ),
        ];
        for (case, ratios, expected) in cases {
            assert_eq!(ratios_json(&ratios), expected, "{case}");
        }
    }
}
