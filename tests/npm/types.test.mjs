// TypeScript: the package's .d.ts against the core's Rust source (drift.mjs), and `tsc --noEmit`
// (strict, library checking on) over the typed usage in types/, the README example and a file of
// real answers of the package — every trace, decision and object the other tests produce, each
// declared with its interface, so a shape the declarations do not describe fails the build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as k from "kroute";
import helpers from "./helpers.cjs";
import { drift } from "./drift.mjs";
import { readmeExample } from "./readme.mjs";

const repo = process.env.KROUTE_REPO;
const dts = readFileSync(join(process.cwd(), "node_modules/kroute/node/kroute.d.ts"), "utf8");

test("the .d.ts declares every serde type, variant and field the core hands out", () => {
  const { problems, checked } = drift(dts, (file) => readFileSync(join(repo, "core/src", file), "utf8"));
  assert.deepEqual(problems, []);
  assert.ok(checked >= 80, `only ${checked} Rust items were compared`);
});

test("both builds declare the same data types", () => {
  const web = readFileSync(join(process.cwd(), "node_modules/kroute/web/kroute.d.ts"), "utf8");
  const names = (text) => [...text.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]).sort();
  const shared = names(dts);
  assert.ok(shared.length > 100, `${shared.length} declarations`);
  assert.deepEqual(
    names(web).filter((n) => !["InitInput", "InitOutput", "SyncInitInput"].includes(n)),
    shared,
  );
});

/** Every kind of answer, produced by the package: [type, value]. */
function answers() {
  const out = [];
  const add = (type, value) => out.push([type, value]);
  for (const example of k.examples()) {
    add("Example", example);
    const cluster = new k.Cluster();
    add("ApplyResult", cluster.apply(example.yaml));
    add("ClusterEvent[]", cluster.advance(10_000));
    add("Trace", cluster.route(example.request));
    add("Trace", cluster.route(example.request));
    cluster.free();
  }
  const scenarios = [
    [helpers.CLUSTER_IP_YAML, helpers.CLUSTER_IP_REQUESTS, {}],
    [helpers.CLUSTER_IP_YAML, helpers.CLUSTER_IP_REQUESTS, { proxyMode: "ipvs", seed: 5 }],
    [helpers.GATEWAY_YAML, helpers.GATEWAY_REQUESTS, {}],
    [
      k.examples().find((e) => e.id === "ingress").yaml + "\n---\n" + helpers.INGRESS_TLS_YAML,
      [
        { url: "http://secure.example.com/app" },
        { url: "https://secure.example.com/app" },
        { url: "http://shop.example.com/api/health" },
        { url: "http://unknown.example.com/" },
      ],
      {},
    ],
  ];
  for (const [yaml, requests, options] of scenarios) {
    const cluster = new k.Cluster(options);
    add("ApplyResult", cluster.apply(yaml));
    add("ClusterEvent[]", cluster.advance(10_000));
    for (const request of requests) add("Trace", cluster.route(request));
    for (const kind of ["Namespace", "Node", "Pod", "Deployment", "ReplicaSet", "Service", "EndpointSlice", "Ingress", "Gateway", "HTTPRoute"]) {
      add("KubeObject[]", cluster.list(kind));
    }
    for (const svc of cluster.list("Service")) add("EndpointSlice[]", cluster.endpointSlices(svc.metadata.name ?? ""));
    add("DnsAnswer", cluster.resolve("web", { namespace: "default" }));
    add("DnsAnswer", cluster.resolve("_http._tcp.web.default.svc.cluster.local", { type: "SRV" }));
    add("DnsAnswer", cluster.resolve("nope.other", { from: "node/node-1" }));
    if (cluster.get("Service", "web")) add("ApplyResult", cluster.delete("Service", "web"));
    cluster.free();
  }
  const ingress = [
    ["", { host: "x" }],
    [helpers.INGRESS_TLS_YAML, { host: "secure.example.com", path: "/app" }],
    [helpers.INGRESS_TLS_YAML, { host: "secure.example.com", path: "/app/" }],
    [k.examples().find((e) => e.id === "ingress").yaml, { host: "shop.example.com", path: "/api/health" }],
    [k.examples().find((e) => e.id === "ingress").yaml, { host: "other.example.com" }],
  ];
  for (const [yaml, request] of ingress) add("IngressMatchResult | null", k.matchIngress(yaml, request));
  for (const request of [
    { host: "store.example.com", path: "/cart" },
    { host: "store.example.com", path: "/split", headers: { "x-canary": "1" } },
    { host: "store.example.com", path: "/gone" },
    { host: "store.example.com", path: "/empty" },
    { host: "store.example.com", path: "/none" },
  ]) {
    add("HttpRouteMatchResult | null", k.matchHttpRoute(helpers.GATEWAY_YAML, request));
  }
  for (const [selector, labels] of [
    ["a=b,c in (d),!e,f,g!=h,x>1,y<5", { a: "b", c: "z", e: "1", x: "3", y: "q" }],
    [null, {}],
  ]) {
    add("SelectorExplanation", k.explainSelector(selector, labels));
  }
  return out;
}

test("tsc --noEmit: the usage files, the README example and real answers type-check", () => {
  const all = answers();
  const kinds = new Set(all.flatMap(([type, value]) => (type === "Trace" ? value.hops.map((h) => h.kind) : [])));
  assert.ok(kinds.size >= 12, `the traces cover only these hop kinds: ${[...kinds]}`);
  const lines = [
    "// Generated by types.test.mjs from the package's own answers.",
    `import type * as k from "kroute";`,
    ...all.map(([type, value], i) => {
      const annotated = type.replace(/\b([A-Z]\w*)/g, "k.$1");
      return `export const a${i}: ${annotated} = ${JSON.stringify(value)};`;
    }),
  ];
  writeFileSync("answers.mts", lines.join("\n") + "\n");
  const readme = readmeExample(readFileSync(join(repo, "README.md"), "utf8"));
  writeFileSync("readme-example-typed.mjs", readme.code);
  writeFileSync(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib: ["es2022", "dom"],
        types: [],
        allowJs: true,
        checkJs: true,
        skipLibCheck: false,
        noUnusedLocals: false,
      },
      files: ["types/usage.mts", "types/web.mts", "answers.mts", "readme-example-typed.mjs"],
    }),
  );
  const tsc = join(repo, "tests/npm/node_modules/typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    // The first errors, with their text: enough to see which declaration is wrong.
    assert.fail(`tsc failed:\n${String(e.stdout).split("\n").slice(0, 60).join("\n")}`);
  }
});
