// What `npm pack` put in the tarball: package.json's fields, the exports map, the files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const root = dirname(require.resolve("kroute/package.json"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

test("package.json has name, version, license, description, types, files", () => {
  assert.equal(pkg.name, "kroute");
  assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  assert.equal(pkg.license, "Apache-2.0");
  assert.ok(pkg.description.length > 20);
  assert.equal(pkg.types, "./node/kroute.d.ts");
  assert.deepEqual(pkg.files, ["node/", "web/", "README.md"]);
});

test("exports: Node gets the Node build, everything else the web build, types first", () => {
  const node = { types: "./node/kroute.d.ts", default: "./node/kroute.js" };
  const web = { types: "./web/kroute.d.ts", default: "./web/kroute.js" };
  assert.deepEqual(pkg.exports["."], { node, default: web });
  assert.deepEqual(Object.keys(pkg.exports["."].node), ["types", "default"]);
  assert.deepEqual(pkg.exports["./web"], web);
  assert.deepEqual(pkg.exports["./node"], node);
});

test("every file the exports name is in the package, with the README", () => {
  for (const file of [
    "README.md",
    "node/kroute.js",
    "node/kroute.d.ts",
    "node/kroute_bg.wasm",
    "node/package.json",
    "web/kroute.js",
    "web/kroute.d.ts",
    "web/kroute_bg.wasm",
    "web/package.json",
  ]) {
    assert.ok(existsSync(join(root, file)), file);
  }
  assert.equal(JSON.parse(readFileSync(join(root, "web/package.json"), "utf8")).type, "module");
  assert.match(readFileSync(join(root, "README.md"), "utf8"), /## Use from JavaScript/);
});

test("the .d.ts declares no `any` in the public surface", () => {
  for (const file of ["node/kroute.d.ts", "node/kroute_bg.wasm.d.ts", "web/kroute.d.ts", "web/kroute_bg.wasm.d.ts"]) {
    const dts = readFileSync(join(root, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "") // comments
      .replace(/\/\/.*$/gm, "")
      .replace(/"[^"\n]*"|`[^`\n]*`/g, '""'); // string literals such as { kind: "any" }
    const anys = dts.split("\n").filter((line) => /\bany\b/.test(line));
    assert.deepEqual(anys, [], file);
  }
});
