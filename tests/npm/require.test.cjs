// The Node build through `require("kroute")` (CommonJS), every function.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const kroute = require("kroute");
const { checks } = require("./checks.cjs");

test("require resolves to the Node build", () => {
  assert.match(require.resolve("kroute"), /node_modules[\\/]kroute[\\/]node[\\/]kroute\.js$/);
  assert.equal(typeof kroute.Cluster, "function");
});

for (const [name, run] of checks) {
  test(`require: ${name}`, () => run(kroute));
}
