// The browser build's asynchronous `init()`, as a page calls it (here with a compiled module, as
// a bundler or a service worker would pass it; in a page, `init()` fetches the .wasm itself).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import init, { Cluster, examples } from "kroute/web";

test("await init({module_or_path}) then use the package", async () => {
  const bytes = await readFile(fileURLToPath(new URL("kroute_bg.wasm", import.meta.resolve("kroute/web"))));
  await init({ module_or_path: await WebAssembly.compile(bytes) });
  const example = examples().find((e) => e.id === "ingress");
  const cluster = new Cluster();
  cluster.apply(example.yaml);
  cluster.advance(10_000);
  const trace = cluster.route(example.request);
  assert.deepEqual(
    trace.hops.map((h) => h.kind),
    ["client", "ingress", "service", "endpoint", "pod"],
  );
  cluster.free();
});
