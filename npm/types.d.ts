/// <reference lib="esnext.disposable" />
// ---------------------------------------------------------------------------------------------
// kroute's data, as the package hands it over: plain objects, the JSON shapes of the core's
// types (their derived `ToJson`, `core/src/**`; interface names are the Rust names where they do
// not clash with a global). A field the core leaves out when empty is optional (`?`); a field that can be null is
// `| null`. tests/npm type-checks real answers of the package against these declarations.
// The lib reference above declares `Symbol.dispose`, which wasm-bindgen's classes implement
// (`using cluster = new Cluster()`), for projects whose `lib` predates it.
// ---------------------------------------------------------------------------------------------

// ----- inputs ---------------------------------------------------------------------------------

/** An object's labels: `{app: "web", tier: "fe"}`. */
export type Labels = Record<string, string>;

/** The API's `metav1.LabelSelector`. `{}` selects everything. */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  /** Required (non-empty) for `In`/`NotIn`, forbidden for `Exists`/`DoesNotExist`. */
  values?: string[];
}

/** Headers or query parameters: `{name: value}`, or `[[name, value], …]` to repeat a name. */
export type NameValues = Record<string, string> | ReadonlyArray<readonly [string, string]>;

/**
 * Who sends a request: `"external"` (the default: a client outside the cluster),
 * `"pod/<namespace>/<name>"`, `"pod/<name>"` (namespace `default`), `"node/<name>"`,
 * `"kubectl port-forward [-n <ns>] <pod|svc|deploy|sts>/<name> <local>:<remote>"`, or a
 * {@link Source} object (what `trace.from` holds).
 */
export type From =
  | "external"
  | `pod/${string}`
  | `node/${string}`
  | `kubectl port-forward ${string}`
  | `port-forward ${string}`
  | Source;

/** `cluster.route(request)`. */
export interface RouteRequest {
  /** Default `"external"`. */
  from?: From;
  /** `http://web.default.svc/books`, `172.18.0.2:31000/books`, `web-0.nginx`: the scheme defaults to http, the port to the scheme's. */
  url: string;
  /** Default `GET`. */
  method?: string;
  /** Matched case-insensitively; a `Host` header overrides the URL's host for Ingress, Gateway and mesh routing. */
  headers?: NameValues;
  /** An external client's address (default 198.51.100.7). Only with an external `from`. */
  clientIp?: string;
}

/** `cluster.resolve(name, options)`. */
export interface ResolveOptions {
  /** A pod resolves with its namespace's search path; a node, outside or nothing: the name as written. */
  from?: From;
  /** Resolve as a pod in this namespace would, without naming a pod. */
  namespace?: string;
  /** Default `"A"`. */
  type?: RecordType;
}

/** `new Cluster(options)`. Every field is optional; the defaults are kroute's address plan. */
export interface ClusterOptions {
  /** Seeds every random choice (names, ClusterIPs, NodePorts, endpoint picks). Default 1. */
  seed?: number;
  /** `--max-endpoints-per-slice`, 1–1000. Default 100. */
  maxEndpointsPerSlice?: number;
  /** kube-proxy's mode: iptables (uniformly random) or IPVS (round robin). Default `"iptables"`. */
  proxyMode?: ProxyMode;
  /** Nodes created at start, `node-1`…, from 172.18.0.2. Default 3. */
  nodes?: number;
  /** Default `"172.18.0.0/16"`. */
  nodeCidr?: string;
  /** Default `"10.244.0.0/16"`, one `/podCidrPrefix` per node. */
  podCidr?: string;
  /** Default 24. */
  podCidrPrefix?: number;
  /** Default `"10.96.0.0/12"`. */
  serviceCidr?: string;
  /** Default `"30000-32767"`. */
  nodePortRange?: string;
  /** Default `"203.0.113.0/24"`. */
  loadBalancerPool?: string;
  /** Default `"cluster.local"`. */
  clusterDomain?: string;
  /** How long a scheduled pod takes to become Running and Ready. Default 2000. */
  podStartDelayMs?: number;
  /** For pods without `terminationGracePeriodSeconds`. Default 30. */
  defaultTerminationGraceSeconds?: number;
}

/** `cluster.toYaml(options)`. */
export interface ExportYamlOptions {
  /** Append the objects the controllers made (ReplicaSets, Pods, EndpointSlices) as a commented, read-only section. Default false. */
  derived?: boolean;
}

/** `matchIngress(manifests, request)`. */
export interface IngressRequest {
  /** The Host header; a `:port` is ignored, case does not matter. */
  host: string;
  /** Default `/`; anything from `?` on is ignored. */
  path?: string;
}

/** `matchHttpRoute(manifests, request, options)`. */
export interface HttpRouteRequest {
  /** The Host header; its `:port`, if any, is the Gateway port unless `port` is given. */
  host: string;
  /** Default `/`; a query string here is read as query parameters too. */
  path?: string;
  /** Default `GET`. */
  method?: string;
  headers?: NameValues;
  query?: NameValues;
  /** The Gateway port the request arrives on (default: the host's port, else 80). */
  port?: number;
}

export interface HttpRouteOptions {
  /** `"<namespace>/<name>"` or `"<name>"` (namespace default) of the Gateway the request reaches. */
  gateway?: string;
  /** Seeds the weighted backend pick. Default 1. */
  seed?: number;
}

// ----- objects --------------------------------------------------------------------------------

/** Which object: `{kind: "Service", namespace: "default", name: "web"}` (no namespace for cluster-scoped kinds). */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** A Kubernetes object in its API JSON shape. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface EndpointSlice extends KubeObject {
  apiVersion: "discovery.k8s.io/v1";
  kind: "EndpointSlice";
  addressType: string;
  endpoints: SliceEndpoint[];
  ports: EndpointSlicePort[];
}

export interface SliceEndpoint {
  addresses: string[];
  /** Absent conditions read as ready, serving, not terminating. */
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
}

export interface EndpointSlicePort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

// ----- cluster changes ------------------------------------------------------------------------

/** What `apply` and `delete` did. */
export interface ApplyResult {
  /** The caller's objects, each with what happened to it. */
  objects: AppliedObject[];
  /** Every change, the controllers' included, in order. */
  events: ClusterEvent[];
  warnings: ClusterWarning[];
  /** EndpointSlice churn per Service sync. */
  churn: ServiceChurn[];
  /** References of the written objects that do not resolve: warnings, positioned in the manifests. */
  references: ReferenceWarning[];
}

/** A reference the cluster accepted but cannot resolve (yet): the API server accepts these too. */
export interface DanglingReference {
  /** The object that holds the reference. */
  object: ObjectRef;
  /** Where the reference is in it (`spec.rules[0].http.paths[1].backend.service.name`). */
  path: string;
  problem: ReferenceProblem;
}

export type ReferenceProblem =
  | { kind: "selectsNoPod"; selector: Labels }
  | { kind: "notFound"; target: ObjectRef }
  | { kind: "noSuchPort"; service: ObjectRef; port: number | string; available: (number | string)[] }
  | { kind: "notHeadless"; service: ObjectRef }
  | { kind: "noSuchListener"; gateway: ObjectRef; sectionName: string; available: string[] };

/** A dangling reference with its position in the applied text (null after `delete`) and a sentence. */
export interface ReferenceWarning extends DanglingReference {
  doc: number | null;
  line: number | null;
  column: number | null;
  message: string;
}

export interface AppliedObject extends ObjectRef {
  action: EventAction;
}

export type EventAction = "Created" | "Updated" | "Deleted" | "Unchanged";

export interface ClusterEvent {
  /** Simulated time, ms. */
  atMs: number;
  action: EventAction;
  object: ObjectRef;
  /** The user, or a controller by name (`deployment`, `endpointslice`…). */
  by: { kind: "User" } | { kind: "Controller"; name: string };
  reason?: string;
}

export interface ClusterWarning {
  object: ObjectRef;
  message: string;
}

export interface ServiceChurn {
  service: ObjectRef;
  fullSync: boolean;
  writes: { creates: number; updates: number; deletes: number };
  /** Each slice written, in the order the writes were issued. */
  slices: SliceWriteSummary[];
  /** What a monolithic Endpoints object would have gone through, with its endpoint count. */
  endpoints:
    | "None"
    | { Create: { endpoints: number } }
    | { Update: { endpoints: number } }
    | { Delete: { endpoints: number } };
  churn: {
    writesSlices: number;
    writesEndpoints: number;
    watchEventsSlices: number;
    watchEventsEndpoints: number;
    bytesSlices: number;
    bytesEndpoints: number;
    largestSliceBytes: number;
    endpointsObjectBytes: number;
  };
}

/** One EndpointSlice write of a sync: which slice, how, why (the SPEC §3.5 step), how full. */
export interface SliceWriteSummary {
  name: string;
  op: "Create" | "Update" | "Delete";
  cause:
    | "EndpointsChanged"
    | "LabelsDrifted"
    | "BestFit"
    | "NewSlice"
    | "Placeholder"
    | "Emptied"
    | "PortSetGone"
    | "NotOwned"
    | "AddressTypeDropped"
    | "ServiceDeleted";
  /** Endpoints in the object written (before the write, for a delete). */
  endpoints: number;
  removed: number;
  refreshed: number;
  added: number;
}

// ----- errors (thrown; all are `Error`s, told apart by `name`) -----------------------------------

export type ManifestIssueKind =
  | "Syntax"
  | "NotAnObject"
  | "DanglingReference"
  | "Required"
  | "Invalid"
  | "NotSupported"
  | "Duplicate"
  | "Forbidden"
  | "TooLong"
  | "TooMany";

/** One problem in manifest text. */
export interface ManifestIssue {
  /** 0-based document index (the message counts from 1, like lines). */
  doc: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  object: ObjectRef | null;
  /** The field, relative to the object (`spec.ports[1].targetPort`). */
  path: string | null;
  kind: ManifestIssueKind;
  message: string;
}

/** Unreadable or invalid manifests: the first issue's position as properties, all issues in `errors`. */
export interface ManifestError extends Error, Omit<ManifestIssue, "message"> {
  name: "ManifestError";
  errors: ManifestIssue[];
}

/** An invalid selector: `position` (characters) in a string, or the `path` in a LabelSelector. */
export interface SelectorError extends Error {
  name: "SelectorError";
  position?: number;
  path?: string | null;
}

/** A request that cannot be routed as written (bad URL, unknown source pod). */
export interface RequestError extends Error {
  name: "RequestError";
  field: string;
  value: string;
}

export interface NotFoundError extends Error {
  name: "NotFoundError";
  object: ObjectRef;
}

/** The object belongs to a controller: change its owner instead. */
export interface ManagedObjectError extends Error {
  name: "ManagedObjectError";
  object: ObjectRef;
  by: string;
}

/** A `new Cluster` option that cannot be used. */
export interface ConfigError extends Error {
  name: "ConfigError";
  field: string;
}

/** An argument of the wrong shape; `path` names it (`request.headers[1]`). */
export interface ArgumentError extends TypeError {
  path: string;
}

// ----- selectors --------------------------------------------------------------------------------

export interface SelectorExplanation {
  matched: boolean;
  terms: TermVerdict[];
}

export interface TermVerdict {
  /** The term in kubectl syntax (`tier notin (be,fe)`). */
  term: string;
  matched: boolean;
  reason: TermReason;
}

export type TermReason =
  | { kind: "keyAbsent" }
  | { kind: "keyPresentWithValue"; value: string }
  | { kind: "valueInSet"; value: string }
  | { kind: "valueNotInSet"; value: string }
  | { kind: "notAnInteger"; value: string }
  | { kind: "integerComparison"; value: number; bound: number }
  | { kind: "invalidBound"; values: string[] }
  | { kind: "nothingSelector" };

// ----- Ingress ----------------------------------------------------------------------------------

/** `matchIngress`: who answers (the match), what a plain-HTTP request gets instead, and why. */
export interface IngressMatchResult extends IngressMatch {
  httpsRedirect: HttpsRedirect | null;
  reasons: IngressReason[];
  warnings: IngressWarning[];
}

export interface IngressRef {
  namespace: string;
  name: string;
}

export interface IngressMatch {
  ingress: IngressRef;
  /** The Ingress's `defaultBackend` answered. */
  default: boolean;
  rule?: RuleRef;
  path?: PathMatch;
  backend: IngressBackend;
}

export interface IngressBackend {
  service?: { name: string; port?: { name?: string; number?: number } };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export type RuleHost = { kind: "precise"; host: string } | { kind: "wildcard"; host: string } | { kind: "any" };

export type IngressPathType = "Exact" | "Prefix" | "ImplementationSpecific";

export interface RuleRef {
  index: number;
  host: RuleHost;
}

export interface PathMatch {
  index: number;
  path: string;
  pathType: IngressPathType;
}

export interface PathRef {
  ingress: IngressRef;
  rule: number;
  index: number;
  host: RuleHost;
  path: string;
  pathType: IngressPathType;
}

export interface TlsMatch {
  ingress: IngressRef;
  secretName?: string;
  host: RuleHost;
}

export interface HttpsRedirect {
  status: number;
  tls: TlsMatch;
}

export interface IngressDecision {
  host: string;
  path: string;
  hostGroup: RuleHost | null;
  answer: IngressMatch | null;
  httpsRedirect: HttpsRedirect | null;
  reasons: IngressReason[];
}

export type MatchHow = { kind: "exact" } | { kind: "prefix"; segments: number; len: number };

export type DefaultScope = { kind: "hostGroup"; host: RuleHost } | { kind: "catchAll" };

export type IngressReason =
  | { kind: "hostGroup"; group: RuleHost }
  | { kind: "lessSpecificHostGroup"; group: RuleHost; chosen: RuleHost }
  | { kind: "wildcardCoversOneLabel"; group: RuleHost }
  | { kind: "differentHost"; group: RuleHost }
  | { kind: "noHostGroup" }
  | { kind: "pathMatched"; candidate: PathRef; how: MatchHow }
  | { kind: "implementationSpecificAsPrefix"; candidate: PathRef }
  | { kind: "nginxTrailingSlashRedirect"; candidate: PathRef; status: number }
  | { kind: "exactBeatsPrefix"; candidate: PathRef }
  | {
      kind: "longerPrefix";
      candidate: PathRef;
      candidateSegments: number;
      candidateLen: number;
      winnerSegments: number;
      winnerLen: number;
    }
  | { kind: "samePathEarlierWins"; candidate: PathRef }
  | { kind: "conflictLost"; candidate: PathRef; older: PathRef }
  | { kind: "partialSegment"; candidate: PathRef; ruleSegment: string; requestSegment: string }
  | { kind: "exactTrailingSlash"; candidate: PathRef }
  | { kind: "noPathMatched"; group: RuleHost }
  | { kind: "defaultBackend"; ingress: IngressRef; scope: DefaultScope }
  | { kind: "noDefaultBackend" }
  | { kind: "sslRedirectDisabled"; ingress: IngressRef };

export type HostProblem = "misplacedWildcard" | "empty";

export type SkipReason =
  | { kind: "classNotFound"; class: string }
  | { kind: "otherController"; class: string; controller: string }
  | { kind: "noClass" }
  | { kind: "defaultClassOfOtherController"; class: string; controller: string }
  | { kind: "duplicateName" };

export type PathProblem =
  | { kind: "missingPathType" }
  | { kind: "unknownPathType"; pathType: string }
  | { kind: "notAbsolute"; path: string };

export type IngressWarning =
  | { kind: "skipped"; ingress: IngressRef; reason: SkipReason }
  | { kind: "severalDefaultClasses"; chosen: string; others: string[] }
  | { kind: "classAnnotationDiffers"; ingress: IngressRef; field: string; annotation: string }
  | { kind: "invalidHost"; ingress: IngressRef; rule: number; host: string; problem: HostProblem }
  | { kind: "invalidPath"; ingress: IngressRef; rule: number; index: number; problem: PathProblem }
  | { kind: "conflict"; winner: PathRef; loser: PathRef }
  | { kind: "defaultBackendConflict"; scope: DefaultScope; winner: IngressRef; loser: IngressRef }
  | { kind: "tlsConflict"; winner: TlsMatch; loser: TlsMatch }
  | { kind: "tlsWithoutHosts"; ingress: IngressRef; index: number }
  | { kind: "invalidTlsHost"; ingress: IngressRef; index: number; host: string; problem: HostProblem }
  | { kind: "annotationNotModelled"; ingress: IngressRef; annotation: string };

// ----- Gateway API ------------------------------------------------------------------------------

/** `matchHttpRoute`: the verdict's fields, and the reasons. */
export type HttpRouteMatchResult = (
  | {
      verdict: "routed";
      route: ObjectRef;
      rule: number;
      /** Index in the rule's `matches`; null when the rule has none (the implicit `PathPrefix /`). */
      match: number | null;
      backend: Backend;
      /** The chance of this backend among the rule's weighted backends. */
      probability: number;
    }
  | {
      /** HTTP 500 from the matched rule. */
      verdict: "internalError";
      route: ObjectRef;
      rule: number;
      match: number | null;
      cause: InternalErrorCause;
      probability: number;
    }
) & { reasons: GatewayReasons };

export interface GatewayDecision {
  verdict: GatewayVerdict;
  reasons: GatewayReasons;
}

export type GatewayVerdict =
  | { verdict: "routed"; route: ObjectRef; rule: number; match: number | null; backend: Backend; probability: number }
  | { verdict: "notFound" }
  | {
      verdict: "internalError";
      route: ObjectRef;
      rule: number;
      match: number | null;
      cause: InternalErrorCause;
      probability: number;
    }
  | { verdict: "noListener"; port: number };

export type InternalErrorCause =
  | { cause: "invalidBackend"; backend: Backend; problem: BackendProblem }
  | { cause: "noBackendRefs" }
  | { cause: "allWeightsZero" };

export type BackendProblem = "InvalidKind" | "BackendNotFound" | "RefNotPermitted" | "PortRequired";

/** A backendRef resolved against the Route's namespace. */
export interface Backend {
  /** Absent for the core group (Services). */
  group?: string;
  kind: string;
  namespace: string;
  name: string;
  port?: number;
  weight: number;
}

export interface BackendShare {
  backend: Backend;
  /** weight / Σ weights. */
  share: number;
  problem?: BackendProblem;
}

export type HostMatchKind = "PreciseHostname" | "WildcardHostname" | "AnyHostname";

export interface GatewayReasons {
  gateway: ObjectRef;
  /** The host as matched (lowercase, no port). */
  host: string;
  listener?: ListenerChoice;
  listenersPassedOver: ListenerSkip[];
  hostname?: HostnameMatch;
  /** Every candidate for the host in precedence order: the winner, the losers and why, the non-matches and why. */
  candidates: Candidate[];
  /** The matched rule's traffic split. */
  backends: BackendShare[];
}

export interface ListenerChoice {
  name: string;
  port: number;
  hostname?: string;
  matchedBy: HostMatchKind;
}

export interface ListenerSkip {
  name: string;
  why: ListenerSkipReason;
}

export type ListenerSkipReason =
  | { reason: "otherPort"; port: number }
  | { reason: "notHttp"; protocol: string }
  | { reason: "hostnameMismatch"; hostname: string }
  | { reason: "lessSpecific"; hostname?: string };

export interface HostnameMatch {
  /** null: any host. */
  hostname: string | null;
  kind: HostMatchKind;
}

export interface Candidate {
  route: ObjectRef;
  rule: number;
  match: number | null;
  hostname: string | null;
  outcome: CandidateOutcome;
}

export type CandidateOutcome =
  | { outcome: "won" }
  | { outcome: "lost"; step: PrecedenceStep }
  | { outcome: "noMatch"; why: Mismatch };

export type PrecedenceStep =
  | { step: "exactPath" }
  | { step: "regexBeforePrefix" }
  | { step: "longerPrefix"; winnerChars: number; loserChars: number }
  | { step: "longerRegex"; winnerChars: number; loserChars: number }
  | { step: "hasMethod" }
  | { step: "moreHeaders"; winner: number; loser: number }
  | { step: "moreQueryParams"; winner: number; loser: number }
  | { step: "moreSpecificHostname"; winner?: string; loser?: string }
  | { step: "olderRoute"; winnerCreatedMs: number; loserCreatedMs: number }
  | { step: "alphabeticalRoute"; winner: string; loser: string }
  | { step: "earlierRule"; winner: number; loser: number }
  | { step: "earlierMatch"; winner: number; loser: number };

export type HttpRoutePathType = "Exact" | "PathPrefix" | "RegularExpression";

export type Mismatch =
  | { reason: "pathMismatch"; pathType: HttpRoutePathType; value: string }
  | { reason: "methodMismatch"; expected: string }
  | { reason: "headerMismatch"; name: string; found?: string }
  | { reason: "queryMismatch"; name: string; found?: string };

// ----- DNS --------------------------------------------------------------------------------------

export type RecordType = "A" | "SRV" | "CNAME";

export interface DnsAnswer {
  query: string;
  recordType: RecordType;
  /** The search path used (empty for an absolute lookup). */
  search: string[];
  /** Every name tried, in order, until one answered. */
  attempts: DnsAttempt[];
  records: DnsRecord[];
}

export type DnsAttempt =
  | { outcome: "answered"; fqdn: string }
  | { outcome: "nxDomain"; fqdn: string; why: NxReason }
  | { outcome: "upstream"; fqdn: string };

export type NxReason =
  | { reason: "noSuchService"; service: string; namespace: string }
  | { reason: "noSuchNamespace"; namespace: string }
  | { reason: "noReadyEndpoints"; service: string }
  | { reason: "noSuchHostname"; service: string; hostname: string }
  | { reason: "noSuchPort"; service: string; port: string; protocol: string }
  | { reason: "noRecordOfType" }
  | { reason: "notAClusterName" };

export type DnsRecord =
  | { type: "a"; name: string; ip: string; source: RecordSource }
  | { type: "CNAME"; name: string; target: string }
  | { type: "SRV"; name: string; priority: number; weight: number; port: number; target: string };

export type RecordSource =
  | { kind: "clusterIp"; service: string }
  | { kind: "endpoint"; service: string; pod?: string; hostname?: string }
  | { kind: "podIp"; pod?: string };

// ----- route(request) → Trace ---------------------------------------------------------------------

/** Where one request went and why. Same cluster, seed and requests give the same traces. */
export interface Trace {
  from: Source;
  method: string;
  url: Url;
  /** Simulated time of the request, ms. */
  atMs: number;
  verdict: Verdict;
  hops: Hop[];
}

/** Who sent the request (`route`'s `from`, read). */
export type Source =
  | { kind: "external"; clientIp?: string }
  | { kind: "pod"; namespace: string; name: string }
  | { kind: "node"; name: string }
  | ({ kind: "portForward" } & PortForward);

/** `kubectl port-forward`. */
export interface PortForward {
  namespace: string;
  target: ForwardTarget;
  localPort: number;
  remotePort: number;
}

export type ForwardTarget =
  | { kind: "service"; name: string }
  | { kind: "pod"; name: string }
  | { kind: "deployment"; name: string }
  | { kind: "statefulSet"; name: string };

/** The URL as kroute read it. */
export interface Url {
  scheme: string;
  host: string;
  port: number;
  path: string;
  query: [string, string][];
}

/** How the request ended. */
export type Verdict =
  | { kind: "delivered"; pod: ObjectRef; ip: string; port: number; sourceIp: string }
  | { kind: "http"; status: number; by: ObjectRef; why: HttpWhy }
  | { kind: "rejected"; why: Refusal }
  | { kind: "dropped"; why: DropReason }
  | { kind: "noRoute"; why: NoRouteReason }
  | { kind: "dnsFailure"; name: string }
  | { kind: "leftCluster"; host: string };

export type HttpWhy =
  | { kind: "noRuleMatched" }
  | { kind: "httpsRedirect"; location: string }
  | { kind: "serviceNotFound"; service: ObjectRef }
  | { kind: "servicePortNotFound"; service: ObjectRef; port: string }
  | { kind: "noEndpoints"; service: ObjectRef }
  | { kind: "gatewayError" };

export type Refusal =
  | { kind: "noEndpoints"; service: ObjectRef }
  | { kind: "portClosed"; ip: string; port: number }
  | { kind: "noListener"; gateway: ObjectRef; port: number }
  | { kind: "podNotRunning"; pod: ObjectRef }
  | { kind: "notForwarded"; port: number; forwarded: number };

export type DropReason = { kind: "noLocalEndpoints"; service: ObjectRef; node: string };

export type NoRouteReason =
  | { kind: "clusterIpFromOutside"; ip: string }
  | { kind: "podIpFromOutside"; ip: string }
  | { kind: "unknownAddress"; ip: string }
  | { kind: "servicePortNotServed"; service: ObjectRef; port: number }
  | { kind: "noEdgeForHost"; host: string }
  | { kind: "clusterNameFromOutside"; host: string }
  | { kind: "headlessHasNoVip"; service: ObjectRef }
  | { kind: "targetNotFound"; target: ObjectRef }
  | { kind: "noRunningPod"; target: ObjectRef }
  | { kind: "noServicePort"; service: ObjectRef; port: number }
  | { kind: "targetPortNotFound"; service: ObjectRef; targetPort: string }
  | { kind: "podHasNoIp"; pod: ObjectRef };

/** One step on the way: `kind` says which, and the step's own fields sit beside the common ones. */
export type Hop = HopCommon & Step;

export interface HopCommon {
  /** The object this hop went through. */
  object?: ObjectRef;
  /** Address rewrites made here. */
  rewrites?: Rewrite[];
  /** The chance of the choice made here, when it was random (or round robin). */
  probability?: number;
}

export type Step =
  | { kind: "client"; ip: string; node?: string }
  | { kind: "dns"; answer: DnsAnswer; picked?: DnsPick }
  | ({ kind: "loadBalancer" } & LoadBalancerHop)
  | { kind: "node"; name: string; ip: string; via: NodeEntry }
  | ({ kind: "kubeProxy" } & KubeProxyHop)
  | { kind: "ingress"; edge: EdgeChoice; decision: IngressDecision; tls?: TlsMatch }
  | { kind: "gateway"; edge: EdgeChoice; decision: GatewayDecision }
  | ({ kind: "sidecar" } & SidecarHop)
  | { kind: "mtls"; client: string; server: string }
  | ({ kind: "service" } & ServiceHop)
  | ({ kind: "endpoint" } & EndpointHop)
  | ({ kind: "pod" } & PodHop)
  | ({ kind: "portForward" } & PortForwardHop)
  | { kind: "egress"; host: string };

export type HopKind = Step["kind"];

export interface Rewrite {
  kind: RewriteKind;
  /** `ip:port` (or `ip`). */
  before: string;
  after: string;
}

export type RewriteKind = "dnat" | "snat" | "proxy";

export interface DnsPick {
  ip: string;
  among: number;
}

export type NodeEntry =
  | { kind: "nodePort"; port: number }
  | { kind: "loadBalancerIp"; ip: string; port: number }
  | { kind: "externalIp"; ip: string; port: number }
  | { kind: "podNetwork" }
  | { kind: "hostNetwork" };

export interface LoadBalancerHop {
  ip: string;
  port: number;
  ipMode: string;
  nodes: LbNode[];
  chosen: string;
  /** No node was healthy, so the load balancer spread over all of them. */
  failOpen: boolean;
}

export interface LbNode {
  node: string;
  healthy: boolean;
  healthCheck?: HealthCheck;
}

export interface HealthCheck {
  nodePort: number;
  status: number;
  localEndpoints: number;
}

export type ProxyMode = "iptables" | "ipvs";

export type TrafficClass = "clusterIp" | "external" | "externalFromInside";

export interface KubeProxyHop {
  node: string;
  mode: ProxyMode;
  /** The address the rules matched (`ClusterIP:port`, `nodeIP:nodePort`, `LB-IP:port`). */
  destination: string;
  trafficClass: TrafficClass;
  policy: PolicyUsed;
  /** Every endpoint of the Service port, with its fate. */
  endpoints: EndpointCandidate[];
  /** iptables: the chain of `statistic` rules over the candidates. */
  chain?: ChainRule[];
  affinity?: Affinity;
  outcome: ProxyOutcome;
  terminatingFallback: boolean;
}

export interface PolicyUsed {
  field: "internalTrafficPolicy" | "externalTrafficPolicy";
  local: boolean;
  shortCircuited: boolean;
}

export type ProxyOutcome = { kind: "forwarded"; endpoint: string } | { kind: "rejected" } | { kind: "dropped" };

export interface EndpointCandidate {
  address: string;
  pod?: string;
  node?: string;
  slice: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  fate: Fate;
}

export type Fate = { kind: "chosen" } | { kind: "candidate" } | { kind: "excluded"; why: Excluded };

export type Excluded =
  | { kind: "notReady" }
  | { kind: "terminatingWhileOthersReady" }
  | { kind: "notLocal"; node: string | null };

export interface ChainRule {
  candidate: number;
  probability: number;
}

export type Affinity =
  | { kind: "pinned"; clientIp: string; endpoint: string; lastSeenMs: number; timeoutSeconds: number }
  | { kind: "recorded"; clientIp: string; timeoutSeconds: number; previous?: AffinityMiss };

export type AffinityMiss =
  | { kind: "expired"; endpoint: string; lastSeenMs: number }
  | { kind: "endpointGone"; endpoint: string };

export type EdgeChoice =
  | { kind: "gatewayListenerHostname"; gateway: ObjectRef }
  | { kind: "ingressHost" }
  | { kind: "gatewayCatchAll"; gateway: ObjectRef }
  | { kind: "ingressCatchAll" }
  | { kind: "gatewayAddress"; gateway: ObjectRef };

export type Mesh = "istio" | "linkerd";

export type Injection = "namespaceLabel" | "namespaceRevision" | "podLabel" | "namespaceAnnotation" | "podAnnotation";

export type Direction = "outbound" | "inbound";

export interface SidecarHop {
  mesh: Mesh;
  direction: Direction;
  pod: string;
  injectedBy: Injection;
  routing?: MeshRouting;
}

export interface MeshRouting {
  service: ObjectRef;
  routes?: GatewayDecision;
  consumerRoutes: boolean;
  backend: ObjectRef;
  mtls: boolean;
}

export interface ServiceHop {
  type: string;
  port: ServicePortUsed;
  selector?: SelectorExplanation;
  slices: string[];
}

export interface ServicePortUsed {
  name: string;
  port: number;
  protocol: string;
  targetPort: string;
  nodePort?: number;
}

export type Chooser = "kubeProxy" | "ingressController" | "gateway" | "sidecar";

export interface EndpointHop {
  slice: string;
  address: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  chosenBy: Chooser;
  among: number;
}

export interface PodHop {
  ip: string;
  port: number;
  node?: string;
  phase: string;
  ready: boolean;
  terminating: boolean;
  containerPort?: ContainerPortUsed;
  sourceIp: string;
}

export interface ContainerPortUsed {
  container: string;
  name?: string;
  port: number;
}

export interface PortForwardHop {
  localPort: number;
  remotePort: number;
  pods: string[];
  chosen?: string;
  podPort?: number;
  noLoadBalancing: boolean;
}

// ----- examples ---------------------------------------------------------------------------------

/** A ready-made cluster and the request that shows its point. */
export interface Example {
  id: string;
  title: string;
  summary: string;
  /** Manifests for `cluster.apply`. */
  yaml: string;
  /** For `cluster.route`, as it is. */
  request: { from: Source; url: string; method: string; headers: [string, string][] };
  /** The answering pod's name starts with this ("" when the request leaves the cluster). */
  expectPodPrefix: string;
}
