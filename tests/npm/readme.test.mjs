// The README's "Use from JavaScript" example, run as a user would run it (a module importing the
// installed package), must print exactly the output the README shows beneath it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readmeExample } from "./readme.mjs";

test("the README example prints what the README says", () => {
  const readme = readFileSync(join(process.env.KROUTE_REPO, "README.md"), "utf8");
  const { code, output } = readmeExample(readme);
  const file = join(process.cwd(), "readme-example.mjs");
  writeFileSync(file, code);
  const printed = execFileSync(process.execPath, [file], { encoding: "utf8" });
  assert.equal(printed, output);
});
