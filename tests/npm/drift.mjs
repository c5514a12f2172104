// The .d.ts against the Rust source it describes: every type the package returns (each a
// `#[derive(ToJson)]`, which reads serde's attribute syntax) is read from the core's source
// (names, serde attributes, fields, variants) and compared with the
// declaration of the same name. A variant or field added to the core without its declaration —
// even one no test happens to produce — fails here; tsc over real answers (types.test.mjs)
// checks the shapes that do occur.
//
// This reads Rust with a small scanner, not a parser: items are `pub struct` / `pub enum` with
// brace bodies, attributes are `#[...]`, and the serde attributes used are `rename_all`,
// `rename_all_fields`, `tag`, `content`, `rename`, `skip_serializing_if` and `flatten`.

/** Rust file (relative to core/src) → the ToJson types in it the package hands out. */
export const SOURCES = {
  "dataplane/route/trace.rs": "*",
  "dataplane/route/request.rs": ["Source", "PortForward", "ForwardTarget", "Url"],
  "dns.rs": ["RecordType", "Record", "RecordSource", "Attempt", "NxReason", "DnsAnswer"],
  "dataplane/ingress/decision.rs": [
    "IngressRef",
    "PathRef",
    "RuleRef",
    "PathMatch",
    "IngressMatch",
    "TlsMatch",
    "HttpsRedirect",
    "IngressDecision",
    "MatchHow",
    "DefaultScope",
    "IngressReason",
  ],
  "dataplane/ingress/warnings.rs": "*",
  "dataplane/ingress/host.rs": ["RuleHost", "HostProblem"],
  "dataplane/ingress/path.rs": ["PathType"],
  "dataplane/gateway/mod.rs": [
    "GatewayDecision",
    "GatewayVerdict",
    "InternalErrorCause",
    "GatewayReasons",
    "HostnameMatch",
    "Candidate",
    "CandidateOutcome",
  ],
  "dataplane/gateway/listener.rs": ["ListenerChoice", "HostMatchKind", "ListenerSkip", "ListenerSkipReason"],
  "dataplane/gateway/matching.rs": ["PathType", "Mismatch", "PrecedenceStep"],
  "dataplane/gateway/weights.rs": ["Backend", "BackendProblem", "BackendShare"],
  "selector/explain.rs": "*",
  "dataplane/kube_proxy.rs": ["ProxyMode", "TrafficClass", "ChainRule", "Excluded"],
  "dataplane/route/mesh.rs": "*",
  "cluster/events.rs": ["Action", "Actor", "Event", "Warning"],
  "cluster/references.rs": ["DanglingReference", "ReferenceProblem"],
};

/** Where a Rust name and its declaration differ (a global of the same name, or two `PathType`s). */
export const TS_NAMES = {
  "dataplane/route/trace.rs:Hop": "HopCommon",
  "dns.rs:Record": "DnsRecord",
  "dns.rs:Attempt": "DnsAttempt",
  "dataplane/ingress/path.rs:PathType": "IngressPathType",
  "dataplane/gateway/matching.rs:PathType": "HttpRoutePathType",
  "cluster/events.rs:Action": "EventAction",
  "cluster/events.rs:Event": "ClusterEvent",
  "cluster/events.rs:Warning": "ClusterWarning",
};

/** Declarations written inline where they are used: the Rust item maps to a member's type. */
export const INLINE = {
  "cluster/events.rs:Actor": { in: "ClusterEvent", member: "by" },
};

// ----- Rust -------------------------------------------------------------------------------------

function stripComments(text) {
  return text.replace(/\/\/[^\n]*/g, "");
}

/** Splits at top-level commas (outside (), [], {}, <>). */
function splitTop(text) {
  const parts = [];
  let depth = 0;
  let current = "";
  for (const c of text) {
    if ("([{<".includes(c)) depth++;
    if (")]}>".includes(c)) depth--;
    if (c === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The text between the bracket at `open` and its match. */
function balanced(text, open) {
  const pairs = { "{": "}", "(": ")", "[": "]" };
  const close = pairs[text[open]];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    if (text[i] === close && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced ${text[open]} at ${open}`);
}

/** Leading `#[...]` attributes of a chunk, and the rest. */
function takeAttrs(chunk) {
  const attrs = [];
  let rest = chunk.trim();
  while (rest.startsWith("#[")) {
    const inner = balanced(rest, 1);
    attrs.push(inner);
    rest = rest.slice(inner.length + 3).trim();
  }
  return { attrs: attrs.join(" "), rest };
}

const attr = (attrs, key) => attrs.match(new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`))?.[1];

/** Every `pub struct` / `pub enum` with a brace body: name, serde attributes, members. */
export function rustItems(source) {
  const text = stripComments(source);
  const items = [];
  const re = /((?:#\[[^\]]*(?:\[[^\]]*\][^\]]*)*\]\s*)*)pub (struct|enum) (\w+)(?:<[^>{]*>)?\s*\{/g;
  let m;
  while ((m = re.exec(text))) {
    const attrs = m[1];
    const body = balanced(text, re.lastIndex - 1);
    const members = splitTop(body).map((chunk) => {
      const { attrs: memberAttrs, rest } = takeAttrs(chunk);
      const named = rest.match(/^(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*(.*)$/s);
      return { attrs: memberAttrs, name: named[1], tail: named[2].trim() };
    });
    items.push({ kind: m[2], name: m[3], attrs, members });
  }
  return items;
}

function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function lowerFirst(name) {
  return name[0].toLowerCase() + name.slice(1);
}

/** A name as serde writes it under `rename_all` (camelCase is the only rule used here). */
function renamed(name, rule, isVariant) {
  if (!rule) return name;
  if (rule !== "camelCase") throw new Error(`rename_all = "${rule}" is not handled`);
  return isVariant ? lowerFirst(name) : camel(name);
}

/** `{name, optional, nullable}` for the named fields in `fieldsText` (a struct or variant body). */
function rustFields(fields, rule) {
  return fields
    .filter((f) => !/\bflatten\b/.test(f.attrs))
    .map((f) => ({
      name: attr(f.attrs, "rename") ?? renamed(f.name, rule, false),
      optional: /skip_serializing_if/.test(f.attrs),
      nullable: /^:\s*Option</.test(f.tail) && !/skip_serializing_if/.test(f.attrs),
    }));
}

function variantFields(tail) {
  if (!tail.startsWith("{")) return null;
  return splitTop(balanced(tail, 0)).map((chunk) => {
    const { attrs, rest } = takeAttrs(chunk);
    const named = rest.match(/^(\w+)\s*(.*)$/s);
    return { attrs, name: named[1], tail: named[2].trim() };
  });
}

// ----- TypeScript -----------------------------------------------------------------------------

/** The text of `export interface Name … { … }` or `export type Name = …;`. */
export function tsDeclaration(dts, name) {
  const iface = new RegExp(`export interface ${name}\\b[^{]*\\{`).exec(dts);
  if (iface) return { kind: "interface", text: balanced(dts, iface.index + iface[0].length - 1), head: iface[0] };
  const alias = new RegExp(`export type ${name}\\s*=`).exec(dts);
  if (alias) {
    const from = alias.index + alias[0].length;
    const end = dts.indexOf("\nexport ", from);
    return { kind: "type", text: dts.slice(from, end < 0 ? dts.length : end) };
  }
  return null;
}

/** Members of an object type body: `name?: Type;` at depth 0, with optionality and `| null`. */
export function tsMembers(body) {
  const members = new Map();
  let depth = 0;
  let current = "";
  const flush = () => {
    const m = current.trim().match(/^(?:readonly\s+)?(\w+)(\??):\s*([\s\S]*)$/);
    if (m) members.set(m[1], { optional: m[2] === "?", nullable: /\bnull\b/.test(m[3]) });
    current = "";
  };
  const text = body.replace(/\/\*\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
  for (const c of text) {
    if ("([{<".includes(c)) depth++;
    if (")]}>".includes(c)) depth--;
    if ((c === ";" || c === "\n") && depth === 0) flush();
    else current += c;
  }
  flush();
  return members;
}

/** The object type literal `{ tag: "value"; … }` in a union's text, or null. */
function tsVariant(text, tag, value) {
  const at = text.indexOf(`${tag}: "${value}"`);
  if (at < 0) return null;
  let depth = 0;
  for (let i = at; i >= 0; i--) {
    if (text[i] === "}") depth++;
    if (text[i] === "{") {
      if (depth === 0) return balanced(text, i);
      depth--;
    }
  }
  return null;
}

// ----- comparison -------------------------------------------------------------------------------

function compareFields(problems, where, rustList, tsMap) {
  const rustNames = new Set(rustList.map((f) => f.name));
  for (const f of rustList) {
    const t = tsMap.get(f.name);
    if (!t) {
      problems.push(`${where}: field \`${f.name}\` is missing from the .d.ts`);
      continue;
    }
    if (t.optional !== f.optional) {
      problems.push(`${where}.${f.name}: ${f.optional ? "optional (skipped when empty)" : "always present"} in Rust, ${t.optional ? "optional" : "required"} in the .d.ts`);
    }
    if (f.nullable && !t.nullable) problems.push(`${where}.${f.name}: can be null in Rust, not in the .d.ts`);
  }
  for (const name of tsMap.keys()) {
    if (!rustNames.has(name)) problems.push(`${where}: the .d.ts has \`${name}\`, which Rust does not serialize`);
  }
}

/**
 * Every difference between the Rust items of `SOURCES` and the .d.ts, as sentences; `read(path)`
 * returns a file under core/src.
 */
export function drift(dts, read) {
  const problems = [];
  let checked = 0;
  for (const [file, wanted] of Object.entries(SOURCES)) {
    const items = rustItems(read(file)).filter((i) => /\bToJson\b/.test(i.attrs));
    const names = wanted === "*" ? items.map((i) => i.name) : wanted;
    for (const name of names) {
      const item = items.find((i) => i.name === name);
      if (!item) {
        problems.push(`${file}: no serde item \`${name}\` (renamed or removed? update drift.mjs)`);
        continue;
      }
      checked++;
      const key = `${file}:${name}`;
      const inline = INLINE[key];
      let decl;
      if (inline) {
        const host = tsDeclaration(dts, inline.in);
        const member = host && new RegExp(`\\b${inline.member}\\??:\\s*(.*)`).exec(host.text);
        decl = member && { kind: "type", text: member[1] };
      } else {
        decl = tsDeclaration(dts, TS_NAMES[key] ?? name);
      }
      const tsName = inline ? `${inline.in}.${inline.member}` : TS_NAMES[key] ?? name;
      if (!decl) {
        problems.push(`${key}: no declaration \`${tsName}\` in the .d.ts`);
        continue;
      }
      const where = `${tsName} (${key})`;
      const rule = attr(item.attrs, "rename_all");
      if (item.kind === "struct") {
        compareFields(problems, where, rustFields(item.members, rule), tsMembers(decl.text));
        continue;
      }
      const tag = attr(item.attrs, "tag");
      const content = attr(item.attrs, "content");
      const fieldRule = attr(item.attrs, "rename_all_fields");
      for (const v of item.members) {
        const value = attr(v.attrs, "rename") ?? renamed(v.name, rule, true);
        if (!tag) {
          if (!decl.text.includes(`"${value}"`)) problems.push(`${where}: variant "${value}" is missing`);
          continue;
        }
        const body = tsVariant(decl.text, tag, value);
        if (body === null) {
          problems.push(`${where}: variant \`${tag}: "${value}"\` is missing`);
          continue;
        }
        const fields = variantFields(v.tail);
        const members = tsMembers(body);
        members.delete(tag);
        if (fields) {
          compareFields(problems, `${where} ${value}`, rustFields(fields, fieldRule), members);
        } else if (v.tail.startsWith("(") && content) {
          if (!members.has(content)) problems.push(`${where} ${value}: the content field \`${content}\` is missing`);
        } else if (!v.tail.startsWith("(") && members.size > 0) {
          problems.push(`${where} ${value}: a unit variant, but the .d.ts gives it fields`);
        }
        // A newtype variant without `content` inlines another struct (`& LoadBalancerHop`),
        // which is checked as a struct of its own.
      }
      const declared = [...decl.text.matchAll(tag ? new RegExp(`\\b${tag}: "(\\w+)"`, "g") : /"(\w+)"/g)].map((m) => m[1]);
      const variants = new Set(item.members.map((v) => attr(v.attrs, "rename") ?? renamed(v.name, rule, true)));
      for (const value of declared) {
        if (!variants.has(value)) problems.push(`${where}: the .d.ts has variant "${value}", which Rust does not have`);
      }
    }
  }
  return { problems, checked };
}
