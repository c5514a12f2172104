// Type-checked (tsc --noEmit, strict), never run: every function and method of the package as a
// TypeScript user calls it, the narrowing the declarations allow, and — with @ts-expect-error —
// calls the declarations must refuse. If a declaration loosened to `any`, the expect-errors
// would stop being errors and tsc would fail.
import {
  Cluster,
  examples,
  explainSelector,
  matchHttpRoute,
  matchIngress,
  selectorMatches,
  type ApplyResult,
  type ClusterEvent,
  type DnsAnswer,
  type EndpointSlice,
  type Example,
  type From,
  type Hop,
  type HttpRouteMatchResult,
  type IngressMatchResult,
  type KubeObject,
  type ManifestError,
  type RouteRequest,
  type SelectorExplanation,
  type Source,
  type Trace,
} from "kroute";

const yes: boolean = selectorMatches("app=web", { app: "web" });
const viaObject: boolean = selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["fe"] }] }, {});
const nothing: boolean = selectorMatches(null, {});
const why: SelectorExplanation = explainSelector("a!=b", { a: "c" });
const firstTerm: string = why.terms[0].term;

const ingress: IngressMatchResult | null = matchIngress("", { host: "shop.example", path: "/" });
if (ingress) {
  const service: string | undefined = ingress.backend.service?.name;
  const port: number | undefined = ingress.backend.service?.port?.number;
  for (const reason of ingress.reasons) {
    if (reason.kind === "longerPrefix") {
      const lost: string = reason.candidate.path;
      const segments: number = reason.winnerSegments;
    }
  }
  const redirect: number | undefined = ingress.httpsRedirect?.status;
}

const route: HttpRouteMatchResult | null = matchHttpRoute(
  "",
  { host: "a", path: "/", method: "GET", headers: [["x", "1"]], query: { q: "1" }, port: 80 },
  { gateway: "infra/edge", seed: 1 },
);
if (route?.verdict === "routed") {
  const backend: string = route.backend.name;
  const p: number = route.probability;
} else if (route?.verdict === "internalError") {
  const cause: "invalidBackend" | "noBackendRefs" | "allWeightsZero" = route.cause.cause;
}

const list: Example[] = examples();
const cluster = new Cluster({ seed: 1, nodes: 3, maxEndpointsPerSlice: 100, proxyMode: "ipvs" });
const applied: ApplyResult = cluster.apply(list[0].yaml);
const action: "Created" | "Updated" | "Deleted" | "Unchanged" = applied.objects[0].action;
const events: ClusterEvent[] = cluster.advance(10_000);
const by: string = events[0].by.kind === "Controller" ? events[0].by.name : "user";
const now: number = cluster.nowMs;
const svc: KubeObject | null = cluster.get("svc", "books");
const pods: KubeObject[] = cluster.list("Pod", "default");
const podName: string | undefined = pods[0].metadata.name;
const slices: EndpointSlice[] = cluster.endpointSlices("books");
const ready: boolean | undefined = slices[0].endpoints[0].conditions.ready;
const dns: DnsAnswer = cluster.resolve("books", { from: "pod/default/client", type: "SRV" });
const dns2: DnsAnswer = cluster.resolve("books", { namespace: "default" });
for (const record of dns.records) {
  if (record.type === "SRV") {
    const port: number = record.port;
  }
}

const trace: Trace = cluster.route(list[0].request);
const again: Trace = cluster.route({ from: trace.from, url: "http://books/" });
const request: RouteRequest = { from: "pod/shop/client", url: "http://web/", method: "POST", headers: { a: "b" } };
const forward: From = "kubectl port-forward -n shop svc/web 8000:80";
const source: Source = { kind: "portForward", namespace: "a", target: { kind: "service", name: "b" }, localPort: 1, remotePort: 2 };

function describe(hop: Hop): string {
  switch (hop.kind) {
    case "kubeProxy":
      return `${hop.mode} ${hop.endpoints.filter((e) => e.fate.kind === "chosen").length}`;
    case "dns":
      return hop.answer.attempts.map((a) => a.fqdn).join(",");
    case "ingress":
      return hop.decision.answer?.ingress.name ?? "404";
    case "gateway":
      return hop.decision.verdict.verdict;
    case "pod":
      return `${hop.ip}:${hop.port} ${hop.containerPort?.name ?? ""}`;
    default:
      return hop.kind;
  }
}

switch (trace.verdict.kind) {
  case "delivered":
    trace.verdict.pod.name satisfies string;
    break;
  case "http":
    trace.verdict.status satisfies number;
    break;
  case "noRoute":
    trace.verdict.why.kind satisfies string;
    break;
}

try {
  cluster.apply("a: [");
} catch (error) {
  const e = error as ManifestError;
  const where: [number, number, number, string | null] = [e.doc, e.line, e.column, e.path];
  const all: number = e.errors.length;
}
const exported: string = cluster.toYaml({ derived: true });
for (const warning of applied.references) {
  if (warning.problem.kind === "noSuchPort") {
    const available: (number | string)[] = warning.problem.available;
  }
  const at: number | null = warning.line;
}
cluster.free();

// --- what the declarations refuse ---

// @ts-expect-error: a selector is a string, a LabelSelector or null
selectorMatches(42, {});
// @ts-expect-error: label values are strings
selectorMatches("a", { a: 1 });
// @ts-expect-error: an unknown operator
selectorMatches({ matchExpressions: [{ key: "a", operator: "Has" }] }, {});
// @ts-expect-error: the request needs a host
matchIngress("", { path: "/" });
// @ts-expect-error: a misspelt option
new Cluster({ node: 3 });
// @ts-expect-error: proxyMode is iptables or ipvs
new Cluster({ proxyMode: "nftables" });
// @ts-expect-error: route needs a url
cluster.route({ from: "external" });
// @ts-expect-error: not a source
cluster.route({ from: "pods/x", url: "x" });
// @ts-expect-error: record types are A, SRV, CNAME
cluster.resolve("x", { type: "AAAA" });
// @ts-expect-error: the verdict is a union: narrow it first
trace.verdict.pod;
// @ts-expect-error: a hop's fields depend on its kind
trace.hops[0].endpoints;
// @ts-expect-error: a misspelt option
cluster.toYaml({ derive: true });

export {
  yes,
  viaObject,
  nothing,
  firstTerm,
  action,
  by,
  now,
  svc,
  podName,
  ready,
  dns2,
  again,
  request,
  forward,
  source,
  describe,
  exported,
};
