// Installs the packed package into a fresh project, as a user would (`npm install
// kroute-<version>.tgz`), copies the tests there and runs them with node's test runner, so every
// `require("kroute")` and `import "kroute"` resolves through the installed package's exports map.
//
//   node tests/npm/run.mjs <path to kroute-<version>.tgz>
//
// `cargo xtask test` runs it after `cargo xtask npm`. The last line of output is libtest's
// `test result: …` (reporter.mjs), which xtask counts. KROUTE_KEEP=1 keeps the project.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const tarball = process.argv[2] && resolve(process.argv[2]);
if (!tarball || !existsSync(tarball)) {
  console.error(`usage: node tests/npm/run.mjs <kroute-<version>.tgz> (not found: ${tarball})`);
  process.exit(2);
}
if (!existsSync(join(here, "node_modules", "typescript"))) {
  console.error("tests/npm/node_modules has no typescript: run `cargo xtask setup` (or npm ci in tests/npm)");
  process.exit(2);
}

const project = mkdtempSync(join(tmpdir(), "kroute-npm-"));
let status = 1;
try {
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "kroute-consumer", private: true }, null, 2));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const install = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], {
    cwd: project,
    stdio: "inherit",
  });
  if (install.status !== 0) throw new Error(`npm install ${tarball} failed`);
  const files = readdirSync(here).filter((f) => /\.(mjs|cjs)$/.test(f) && f !== "run.mjs");
  for (const file of files) cpSync(join(here, file), join(project, file));
  cpSync(join(here, "types"), join(project, "types"), { recursive: true });
  const tests = files.filter((f) => /\.test\.(mjs|cjs)$/.test(f)).sort();
  const run = spawnSync(
    process.execPath,
    [
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=./reporter.mjs",
      "--test-reporter-destination=stdout",
      ...tests,
    ],
    { cwd: project, stdio: "inherit", env: { ...process.env, KROUTE_REPO: repo } },
  );
  status = run.status ?? 1;
} catch (e) {
  console.error(String(e?.message ?? e));
  console.log("test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out");
} finally {
  if (process.env.KROUTE_KEEP) console.error(`kept ${project}`);
  else rmSync(project, { recursive: true, force: true });
}
process.exit(status);
