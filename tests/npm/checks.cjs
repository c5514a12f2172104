// Every function of the package, checked as a table: each check takes the loaded module, so the
// same table runs against `require("kroute")`, `import "kroute"` and the browser build
// (`kroute/web` after `initSync`). A check is data (name + function); the harness is the
// loop in each *.test.* file.
"use strict";

const assert = require("node:assert/strict");
const { CLUSTER_IP_YAML, GATEWAY_YAML, INGRESS_TLS_YAML } = require("./helpers.cjs");

/** Calls `fn`, which must throw an `Error` named `name` with these properties. */
function throws(fn, name, props = {}, message = undefined) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an Error named ${name}, got ${caught}`);
  assert.equal(caught.name, name, caught.message);
  for (const [key, value] of Object.entries(props)) {
    assert.deepEqual(caught[key], value, `${name}.${key} (message: ${caught.message})`);
  }
  if (message) assert.match(caught.message, message);
  return caught;
}

function loaded(k, yaml, options) {
  const cluster = new k.Cluster(options);
  cluster.apply(yaml);
  cluster.advance(10_000);
  return cluster;
}

const INGRESS = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: web}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  rules:
  - host: shop.example
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
`;

const checks = [
  [
    "selectorMatches: kubectl strings, LabelSelector objects, null",
    (k) => {
      // (selector, labels, expected) — upstream's truth table (SPEC §1).
      const cases = [
        ["app=web", { app: "web" }, true],
        ["app=web,tier!=db", { app: "web" }, true],
        ["tier notin (fe,be)", {}, true],
        ["!canary", { canary: "yes" }, false],
        ["", {}, true],
        [null, { app: "web" }, false],
        [{}, { app: "web" }, true],
        [{ matchLabels: { app: "web" } }, { app: "web", x: "y" }, true],
        [{ matchExpressions: [{ key: "tier", operator: "In", values: ["fe"] }] }, { tier: "be" }, false],
        [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, {}, true],
      ];
      for (const [selector, labels, expected] of cases) {
        assert.equal(k.selectorMatches(selector, labels), expected, JSON.stringify(selector));
      }
    },
  ],
  [
    "selectorMatches: invalid selectors throw SelectorError / TypeError",
    (k) => {
      throws(() => k.selectorMatches("app in (a", {}), "SelectorError", { position: 9 }, /position 9/);
      throws(() => k.selectorMatches("a b", {}), "SelectorError", {}, /unable to parse requirement/);
      throws(
        () => k.selectorMatches({ matchExpressions: [{ key: "a", operator: "Has" }] }, {}),
        "SelectorError",
        { path: "matchExpressions[0].operator" },
        /Unsupported value: "Has"/,
      );
      throws(
        () => k.selectorMatches({ matchExpressions: [{ key: "a", operator: "In" }] }, {}),
        "SelectorError",
        { path: "matchExpressions[0].values" },
      );
      const typo = throws(() => k.selectorMatches({ matchLabel: { a: "b" } }, {}), "TypeError");
      assert.match(typo.message, /unknown field `matchLabel`/);
      assert.ok(typo instanceof TypeError);
      throws(() => k.selectorMatches(42, {}), "TypeError", { path: "selector" });
      throws(() => k.selectorMatches("a=b", { a: 1 }), "TypeError", { path: "labels.a" });
    },
  ],
  [
    "explainSelector: a verdict per term",
    (k) => {
      const e = k.explainSelector("app=web,tier notin (db),!canary", { app: "web", canary: "1" });
      assert.equal(e.matched, false);
      assert.deepEqual(
        e.terms.map((t) => [t.term, t.matched, t.reason.kind]),
        [
          ["app=web", true, "valueInSet"],
          ["!canary", false, "keyPresentWithValue"],
          ["tier notin (db)", true, "keyAbsent"],
        ],
        "terms in key order, every term evaluated",
      );
      assert.deepEqual(k.explainSelector(null, {}).terms[0].reason, { kind: "nothingSelector" });
    },
  ],
  [
    "matchIngress: rule, default backend, 404, TLS redirect, warnings",
    (k) => {
      const api = k.matchIngress(INGRESS, { host: "Shop.Example:8080", path: "/api/v1?x=1" });
      assert.deepEqual(api.ingress, { namespace: "web", name: "shop" });
      assert.equal(api.default, false);
      assert.deepEqual(api.backend, { service: { name: "api", port: { name: "http" } } });
      assert.deepEqual(api.path, { index: 1, path: "/api", pathType: "Prefix" });
      assert.deepEqual(api.rule, { index: 0, host: { kind: "precise", host: "shop.example" } });
      assert.equal(api.httpsRedirect, null);
      assert.deepEqual(
        api.reasons.map((r) => r.kind),
        ["hostGroup", "pathMatched", "longerPrefix"],
      );
      const fallback = k.matchIngress(INGRESS, { host: "other.example" });
      assert.equal(fallback.default, true);
      assert.equal(fallback.rule, undefined);
      assert.equal(fallback.backend.service.name, "fallback");
      const noDefault = INGRESS.replace(/  defaultBackend:.*\n/, "");
      assert.equal(k.matchIngress(noDefault, { host: "other.example", path: "/" }), null);
      assert.equal(k.matchIngress("", { host: "x" }), null);
      const tls = k.matchIngress(INGRESS_TLS_YAML, { host: "secure.example.com", path: "/app" });
      assert.equal(tls.httpsRedirect.status, 308);
      assert.equal(tls.httpsRedirect.tls.secretName, "secure-tls");
      assert.deepEqual(
        tls.warnings.map((w) => w.kind),
        ["conflict"],
      );
    },
  ],
  [
    "matchIngress: bad manifests and requests throw",
    (k) => {
      // An unclosed bracket is reported at the bracket.
      const e = throws(() => k.matchIngress("a: [", { host: "x" }), "ManifestError", {
        doc: 0,
        line: 1,
        column: 4,
        kind: "Syntax",
        object: null,
        path: null,
      });
      assert.equal(e.errors.length, 1);
      throws(() => k.matchIngress(INGRESS, { path: "/" }), "TypeError", { path: "request" }, /missing field `host`/);
      throws(() => k.matchIngress({ kind: "Ingress" }, { host: "x" }), "TypeError", { path: "manifests" }, /YAML or JSON text/);
    },
  ],
  [
    "matchHttpRoute: routed, weighted, 500, 404, listener choice",
    (k) => {
      const cart = k.matchHttpRoute(GATEWAY_YAML, { host: "store.example.com", path: "/cart/1" });
      assert.equal(cart.verdict, "routed");
      assert.deepEqual(cart.route, { kind: "HTTPRoute", namespace: "default", name: "store" });
      assert.equal(cart.rule, 0);
      assert.equal(cart.match, 0);
      assert.deepEqual(cart.backend, { kind: "Service", namespace: "default", name: "cart", port: 80, weight: 1 });
      assert.equal(cart.probability, 1);
      assert.equal(cart.reasons.listener.name, "http");
      const won = cart.reasons.candidates.filter((c) => c.outcome.outcome === "won");
      assert.deepEqual(
        won.map((c) => [c.rule, c.match, c.hostname]),
        [[0, 0, "store.example.com"]],
      );
      // Candidates come in precedence order: the Exact paths first, which did not match.
      assert.deepEqual(cart.reasons.candidates[0].outcome, { outcome: "noMatch", why: { reason: "pathMismatch", pathType: "Exact", value: "/split" } });
      const split = k.matchHttpRoute(
        GATEWAY_YAML,
        { host: "store.example.com", path: "/split", headers: { "X-Canary": "1" } },
        { gateway: "default/edge", seed: 3 },
      );
      assert.equal(split.rule, 2);
      assert.deepEqual(
        split.reasons.backends.map((b) => [b.backend.name, b.share]),
        [
          ["cart", 0.75],
          ["cart-v2", 0.25],
        ],
      );
      assert.deepEqual(
        split.reasons.candidates.filter((c) => c.outcome.outcome !== "noMatch").map((c) => [c.rule, c.outcome.outcome]),
        [
          [2, "won"],
          [3, "lost"],
        ],
      );
      assert.deepEqual(split.reasons.candidates[1].outcome.step, { step: "moreHeaders", winner: 1, loser: 0 });
      const empty = k.matchHttpRoute(GATEWAY_YAML, { host: "store.example.com", path: "/empty" }, { gateway: "edge" });
      assert.equal(empty.verdict, "internalError");
      assert.deepEqual(empty.cause, { cause: "noBackendRefs" });
      assert.equal(k.matchHttpRoute(GATEWAY_YAML, { host: "store.example.com", path: "/nothing" }), null);
      assert.equal(k.matchHttpRoute(GATEWAY_YAML, { host: "store.example.com:8080", path: "/cart" }), null);
      assert.equal(k.matchHttpRoute(GATEWAY_YAML, { host: "store.example.org", path: "/cart" }), null);
    },
  ],
  [
    "matchHttpRoute: bad options throw",
    (k) => {
      throws(
        () => k.matchHttpRoute(GATEWAY_YAML, { host: "a" }, { gateway: "infra/none" }),
        "TypeError",
        { path: "options.gateway" },
        /no Gateway infra\/none/,
      );
      throws(() => k.matchHttpRoute(GATEWAY_YAML, { host: "a" }, { gateway: "a/b/c" }), "TypeError", {
        path: "options.gateway",
      });
      throws(() => k.matchHttpRoute(GATEWAY_YAML, { host: "a", headers: [["x"]] }), "TypeError", {
        path: "request.headers[0]",
      });
      throws(() => k.matchHttpRoute(GATEWAY_YAML, { host: "a", port: 70000 }), "TypeError", {
        path: "request.port",
      });
      throws(() => k.matchHttpRoute(GATEWAY_YAML, { host: "a" }, { gatway: "edge" }), "TypeError", {}, /unknown field `gatway`/);
    },
  ],
  [
    "examples: every example reaches its pod",
    (k) => {
      const list = k.examples();
      assert.ok(list.length >= 7, `${list.length} examples`);
      for (const example of list) {
        const cluster = loaded(k, example.yaml);
        const trace = cluster.route(example.request);
        if (example.expectPodPrefix === "") {
          assert.equal(trace.verdict.kind, "leftCluster", example.id);
        } else {
          assert.equal(trace.verdict.kind, "delivered", example.id);
          assert.ok(trace.verdict.pod.name.startsWith(example.expectPodPrefix), example.id);
        }
        cluster.free();
      }
    },
  ],
  [
    "Cluster: apply reports objects, events, warnings; advance and nowMs",
    (k) => {
      const cluster = new k.Cluster({ seed: 7, nodes: 2 });
      assert.equal(cluster.nowMs, 0);
      assert.deepEqual(
        cluster.list("node").map((n) => n.metadata.name),
        ["node-1", "node-2"],
      );
      const result = cluster.apply(CLUSTER_IP_YAML + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n");
      assert.deepEqual(result.objects[0], { kind: "Namespace", name: "other", action: "Created" });
      assert.deepEqual(
        result.objects.map((o) => `${o.kind}/${o.name}:${o.action}`),
        [
          "Namespace/other:Created",
          "Deployment/web:Created",
          "Service/web:Created",
          "Service/sticky:Created",
          "Service/nobody:Created",
          "Pod/client:Created",
          "Pod/client:Created",
        ],
      );
      assert.ok(result.events.some((e) => e.object.kind === "ReplicaSet" && e.by.kind === "Controller"));
      assert.ok(result.warnings.some((w) => w.object.kind === "ConfigMap" && /not modelled/.test(w.message)));
      assert.ok(result.churn.length > 0);
      const events = cluster.advance(5_000);
      assert.equal(cluster.nowMs, 5_000);
      assert.ok(Array.isArray(events) && events.every((e) => e.atMs <= 5_000));
      assert.ok(events.some((e) => e.object.kind === "EndpointSlice"));
      assert.deepEqual(cluster.advance(0), []);
      const again = cluster.apply(CLUSTER_IP_YAML);
      assert.ok(again.objects.every((o) => o.action === "Unchanged"));
      throws(() => cluster.advance(-1), "TypeError", { path: "ms" });
      throws(() => cluster.advance(1.5), "TypeError", { path: "ms" });
      cluster.free();
    },
  ],
  [
    "Cluster: get, list, endpointSlices in the Kubernetes shape",
    (k) => {
      const cluster = loaded(k, CLUSTER_IP_YAML);
      const svc = cluster.get("svc", "web");
      assert.equal(svc.apiVersion, "v1");
      assert.equal(svc.kind, "Service");
      assert.match(svc.spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\./);
      assert.equal(cluster.get("Service", "web", "other"), null);
      assert.equal(cluster.get("Namespace", "other", "ignored").metadata.name, "other");
      assert.deepEqual(
        cluster.list("pods", "other").map((p) => p.metadata.name),
        ["client"],
      );
      assert.equal(cluster.list("Pod").length, 5);
      assert.equal(cluster.list("ConfigMap").length, 0);
      const slices = cluster.endpointSlices("web");
      assert.equal(slices.length, 1);
      assert.equal(slices[0].kind, "EndpointSlice");
      assert.equal(slices[0].metadata.labels["kubernetes.io/service-name"], "web");
      assert.equal(slices[0].endpoints.length, 3);
      assert.ok(slices[0].endpoints.every((e) => e.conditions.ready === true));
      assert.deepEqual(cluster.endpointSlices("web", "other"), []);
      throws(() => cluster.get("svcs", "web"), "TypeError", { path: "kind" }, /kroute models Namespace/);
      throws(() => cluster.get("Service"), "TypeError", { path: "name" }, /is missing/);
      throws(() => cluster.list("Service", 3), "TypeError", { path: "namespace" });
      cluster.free();
    },
  ],
  [
    "Cluster: delete, and its errors",
    (k) => {
      const cluster = loaded(k, CLUSTER_IP_YAML);
      const done = cluster.delete("Service", "nobody");
      assert.deepEqual(done.objects, [{ kind: "Service", namespace: "default", name: "nobody", action: "Deleted" }]);
      assert.equal(cluster.get("Service", "nobody"), null);
      throws(() => cluster.delete("Service", "nobody"), "NotFoundError", {
        object: { kind: "Service", namespace: "default", name: "nobody" },
      });
      const slice = cluster.endpointSlices("web")[0].metadata.name;
      throws(() => cluster.delete("EndpointSlice", slice), "ManagedObjectError", { by: "endpointslice" });
      throws(() => cluster.delete("ConfigMap", "x"), "TypeError", { path: "kind" }, /cannot delete/);
      const pod = cluster.delete("pod", "client", "other");
      assert.equal(pod.objects[0].kind, "Pod");
      cluster.free();
    },
  ],
  [
    "Cluster: apply errors are positioned, and change nothing",
    (k) => {
      const cluster = new k.Cluster();
      const text = `apiVersion: v1
kind: Service
metadata: {name: ok}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
  - {name: http, port: 80}
  - name: admin
    port: 70000
`;
      const e = throws(() => cluster.apply(text), "ManifestError", {
        doc: 1,
        line: 13,
        column: 5,
        object: { kind: "Service", namespace: "default", name: "web" },
        path: "spec.ports[1].port",
        kind: "Invalid",
      });
      assert.match(e.message, /^document 2, line 13, column 5: Service\/default\/web: spec\.ports\[1\]\.port: Invalid value: 70000/);
      assert.equal(e.errors[0].message, 'Invalid value: 70000: must be between 1 and 65535, inclusive');
      assert.equal(cluster.get("Service", "ok"), null, "apply is all or nothing");
      const shape = throws(() => cluster.apply("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n"), "ManifestError", {
        doc: 0,
        line: 4,
        path: "spec.ports[0].port",
      });
      assert.match(shape.message, /wrong type/);
      throws(() => cluster.apply(undefined), "TypeError", { path: "manifests" }, /is missing/);
      cluster.free();
    },
  ],
  [
    "Cluster: toYaml exports what was applied, and reads back the same",
    (k) => {
      const cluster = loaded(k, CLUSTER_IP_YAML);
      const yaml = cluster.toYaml();
      assert.match(yaml, /^# kroute export/);
      assert.doesNotMatch(yaml, /clusterIP:|uid:|status:/, "no allocations, server metadata or status");
      assert.match(yaml, /kind: Deployment/);
      const copy = loaded(k, yaml);
      assert.equal(copy.toYaml(), yaml);
      assert.deepEqual(
        copy.list("Service").map((s) => s.metadata.name),
        cluster.list("Service").map((s) => s.metadata.name),
      );
      const derived = cluster.toYaml({ derived: true });
      assert.ok(derived.startsWith(yaml), "the derived section follows the user's objects");
      assert.match(derived.slice(yaml.length), /DERIVED OBJECTS[\s\S]*kind: ReplicaSet[\s\S]*kind: Pod/);
      throws(() => cluster.toYaml({ derive: true }), "TypeError", {}, /unknown field `derive`/);
      copy.free();
      cluster.free();
    },
  ],
  [
    "Cluster: dangling references are warnings, positioned",
    (k) => {
      const cluster = new k.Cluster();
      const result = cluster.apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend:
    service: {name: gone, port: {number: 80}}
`);
      assert.deepEqual(result.references, [
        {
          object: { kind: "Ingress", namespace: "default", name: "shop" },
          path: "spec.defaultBackend.service.name",
          problem: { kind: "notFound", target: { kind: "Service", namespace: "default", name: "gone" } },
          doc: 0,
          line: 6,
          column: 15,
          message: "Service/default/gone not found",
        },
      ]);
      cluster.free();
    },
  ],
  [
    "Cluster: options are checked",
    (k) => {
      throws(() => new k.Cluster({ maxEndpointsPerSlice: 0 }), "ConfigError", { field: "maxEndpointsPerSlice" });
      throws(() => new k.Cluster({ nodes: 70000 }), "ConfigError", { field: "nodes" }, /cluster option `nodes`/);
      throws(() => new k.Cluster({ node: 2 }), "TypeError", {}, /unknown field `node`/);
      throws(() => new k.Cluster({ proxyMode: "nftables" }), "TypeError", { path: "options.proxyMode" });
      const ipvs = new k.Cluster({ proxyMode: "ipvs", seed: 2 });
      ipvs.apply(CLUSTER_IP_YAML);
      ipvs.advance(10_000);
      const hop = ipvs.route({ from: "pod/client", url: "http://web/" }).hops.find((h) => h.kind === "kubeProxy");
      assert.equal(hop.mode, "ipvs");
      ipvs.free();
    },
  ],
  [
    "Cluster: resolve from a pod, a namespace, or as written",
    (k) => {
      const cluster = loaded(k, CLUSTER_IP_YAML);
      const fromPod = cluster.resolve("web", { from: "pod/other/client" });
      assert.deepEqual(fromPod.search, ["other.svc.cluster.local", "svc.cluster.local", "cluster.local"]);
      assert.deepEqual(
        fromPod.attempts.map((a) => a.outcome),
        ["nxDomain", "nxDomain", "nxDomain", "upstream"],
      );
      const inNs = cluster.resolve("web", { namespace: "default" });
      assert.equal(inNs.records[0].type, "a");
      assert.equal(inNs.records[0].source.kind, "clusterIp");
      const abs = cluster.resolve("web.default.svc.cluster.local");
      assert.deepEqual(abs.search, []);
      assert.equal(abs.records.length, 1);
      const srv = cluster.resolve("_http._tcp.web.default.svc.cluster.local", { type: "SRV" });
      assert.equal(srv.records[0].type, "SRV");
      assert.equal(srv.records[0].port, 80);
      throws(() => cluster.resolve("web", { from: "pod/default/ghost" }), "TypeError", { path: "options.from" });
      throws(() => cluster.resolve("web", { type: "AAAA" }), "TypeError", { path: "options.type" });
      throws(() => cluster.resolve("web", { from: "pod/client", namespace: "x" }), "TypeError", {
        path: "options.namespace",
      });
      cluster.free();
    },
  ],
  [
    "Cluster: route from pods, nodes, outside and port-forward",
    (k) => {
      const cluster = loaded(k, CLUSTER_IP_YAML);
      const kinds = (t) => t.hops.map((h) => h.kind).join(" ");
      const fromPod = cluster.route({ from: "pod/default/client", url: "http://web/books" });
      assert.equal(kinds(fromPod), "client dns service kubeProxy endpoint pod");
      assert.equal(fromPod.verdict.kind, "delivered");
      assert.deepEqual(fromPod.from, { kind: "pod", namespace: "default", name: "client" });
      assert.equal(fromPod.url.path, "/books");
      const proxy = fromPod.hops[3];
      assert.equal(proxy.endpoints.length, 3);
      assert.ok(Math.abs(proxy.probability - 1 / 3) < 1e-12);
      // The trace's own source can be sent again.
      assert.equal(cluster.route({ from: fromPod.from, url: "http://web/" }).verdict.kind, "delivered");
      assert.equal(cluster.route({ from: "pod/client", url: "http://nobody/" }).verdict.kind, "rejected");
      assert.equal(cluster.route({ from: "pod/client", url: "http://missing/" }).verdict.kind, "dnsFailure");
      const outside = cluster.route({ url: "http://web.default.svc.cluster.local/", clientIp: "192.0.2.1" });
      assert.deepEqual(outside.verdict, { kind: "noRoute", why: { kind: "clusterNameFromOutside", host: "web.default.svc.cluster.local" } });
      assert.deepEqual(outside.from, { kind: "external", clientIp: "192.0.2.1" });
      const node = cluster.route({ from: "node/node-2", url: "web.default.svc.cluster.local" });
      assert.equal(node.verdict.kind, "delivered");
      const sticky1 = cluster.route({ from: "pod/client", url: "http://sticky/" });
      const sticky2 = cluster.route({ from: "pod/client", url: "http://sticky/" });
      assert.equal(sticky2.verdict.pod.name, sticky1.verdict.pod.name);
      assert.equal(sticky2.hops.find((h) => h.kind === "kubeProxy").affinity.kind, "pinned");
      const pf = cluster.route({ from: "kubectl port-forward svc/web 8000:80", url: "http://localhost:8000/" });
      assert.equal(kinds(pf), "client portForward pod");
      assert.equal(pf.hops[1].noLoadBalancing, true);
      const post = cluster.route({ from: "pod/client", url: "http://web/", method: "post", headers: [["a", "1"]] });
      assert.equal(post.method, "POST");
      cluster.free();
    },
  ],
  [
    "Cluster: bad requests throw RequestError / TypeError",
    (k) => {
      const cluster = loaded(k, CLUSTER_IP_YAML);
      throws(() => cluster.route({ url: "ftp://x" }), "RequestError", { field: "url", value: "ftp://x" }, /scheme must be http or https/);
      throws(() => cluster.route({ from: "pod/ghost", url: "http://web/" }), "RequestError", { field: "from" });
      throws(() => cluster.route({ from: "cloud", url: "x" }), "TypeError", { path: "request.from" }, /is not a source/);
      throws(() => cluster.route({ from: "node/node-1", url: "x", clientIp: "1.2.3.4" }), "TypeError", {
        path: "request.clientIp",
      });
      throws(() => cluster.route({ from: "pod/client" }), "TypeError", { path: "request" }, /missing field `url`/);
      throws(() => cluster.route({ url: "web", headers: { a: 1 } }), "TypeError", { path: "request.headers.a" });
      throws(() => cluster.route({ url: "web", header: {} }), "TypeError", {}, /unknown field `header`/);
      throws(() => cluster.route("http://web/"), "TypeError", { path: "request" });
      cluster.free();
    },
  ],
];

module.exports = { checks, throws, loaded };
