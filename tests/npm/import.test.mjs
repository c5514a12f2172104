// The Node build through ESM `import` (named exports of the CommonJS build), every function.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as kroute from "kroute";
import { Cluster, selectorMatches } from "kroute";
import helpers from "./checks.cjs";

test("import resolves to the Node build, with named exports", () => {
  assert.match(import.meta.resolve("kroute"), /node_modules\/kroute\/node\/kroute\.js$/);
  assert.equal(Cluster, kroute.Cluster);
  assert.equal(selectorMatches("a=b", { a: "b" }), true);
});

for (const [name, run] of helpers.checks) {
  test(`import: ${name}`, () => run(kroute));
}
