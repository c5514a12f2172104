// The browser build (`kroute/web`, the `default` condition of the exports map), loaded the way a
// page without a bundler's help loads it: `initSync` with the wasm bytes. Every function.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as web from "kroute/web";
import helpers from "./checks.cjs";

const wasmUrl = new URL("kroute_bg.wasm", import.meta.resolve("kroute/web"));

test("kroute/web is the ES module build and needs init first", () => {
  assert.match(import.meta.resolve("kroute/web"), /node_modules\/kroute\/web\/kroute\.js$/);
  assert.equal(typeof web.default, "function");
  assert.equal(typeof web.initSync, "function");
  assert.throws(() => web.selectorMatches("a=b", { a: "b" }), TypeError);
});

test("initSync loads the wasm from its bytes", () => {
  const exports = web.initSync({ module: readFileSync(fileURLToPath(wasmUrl)) });
  assert.ok(exports.memory instanceof WebAssembly.Memory);
  assert.equal(web.selectorMatches("a=b", { a: "b" }), true);
});

for (const [name, run] of helpers.checks) {
  test(`web: ${name}`, () => run(web));
}
