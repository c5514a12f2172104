// A node:test reporter that prints one closing line in libtest's format,
// `test result: ok. N passed; M failed; …`, which `cargo xtask test` already knows how to count
// (xtask/src/summary.rs). The spec reporter prints the tests themselves; this one only counts.
// Suites (`describe`) are not counted, only the tests in them; a test file that fails to load
// counts as a failed test.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    if (event.data.details?.type === "suite") continue;
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === "test:pass") passed++;
    else failed++;
  }
  const verdict = failed === 0 ? "ok" : "FAILED";
  yield `test result: ${verdict}. ${passed} passed; ${failed} failed; ${skipped} ignored; 0 measured; 0 filtered out\n`;
}
