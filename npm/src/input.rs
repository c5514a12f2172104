//! What JavaScript passes in, read into the core's types: the `from` syntax of `route` and
//! `resolve`, header lists, kinds, Gateway names, durations, and the options objects.
//!
//! Plain Rust (no `JsValue`), so every rule here is tested natively. Option objects are decoded
//! with `deny_unknown_fields`: a misspelt option is an error that names it, never silently ignored.

use std::collections::BTreeMap;

use kroute::cluster::ClusterConfig;
use kroute::dataplane::kube_proxy::ProxyMode;
use kroute::dataplane::route::{PortForward, Request, Source};
use kroute::dns::RecordType;
use kroute::error::Quoted;
use kroute::json::FromJson;
use kroute::json::Value;
use kroute::model::Kind;

/// A bad argument: where (`request.from`, `options.gateway`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    pub fn new(path: &str, message: impl Into<String>) -> Self {
        InputError {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// What the `from` strings look like, for error messages and the README.
pub const FROM_SYNTAX: &str =
    "\"external\", \"pod/<namespace>/<name>\", \"pod/<name>\" (namespace default), \
     \"node/<name>\", \"kubectl port-forward <pod|svc|deploy|sts>/<name> <local>:<remote>\", or an object \
     {kind: \"external\" | \"pod\" | \"node\" | \"portForward\", …}";

/// Reads `from`: a string in [`FROM_SYNTAX`] or the core's `Source` object (what a trace's
/// `from` holds, so a trace's source can be sent again).
pub fn source(from: &Value, path: &str) -> Result<Source, InputError> {
    match from {
        Value::Null => Ok(Source::default()),
        Value::String(text) => source_text(text).map_err(|m| InputError::new(path, m)),
        Value::Object(_) => kroute::json::decode_with_path(from)
            .map_err(|e| InputError::new(path, format!("{}; expected {FROM_SYNTAX}", e.message))),
        other => Err(InputError::new(
            path,
            format!("{} is not a source; expected {FROM_SYNTAX}", describe(other)),
        )),
    }
}

fn source_text(text: &str) -> Result<Source, String> {
    let trimmed = text.trim();
    let bad = || format!("{} is not a source; expected {FROM_SYNTAX}", Quoted(trimmed));
    let name_ok = |s: &str| !s.is_empty() && !s.contains(['/', ' ']);
    if trimmed == "external" {
        return Ok(Source::External { client_ip: None });
    }
    let first = trimmed.split_whitespace().next().unwrap_or("");
    if first == "kubectl" || first == "port-forward" {
        return PortForward::parse(trimmed)
            .map(Source::PortForward)
            .map_err(|e| e.to_string());
    }
    if let Some(rest) = trimmed.strip_prefix("pod/") {
        let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
        if !(name_ok(namespace) && name_ok(name)) {
            return Err(bad());
        }
        return Ok(Source::Pod {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        });
    }
    if let Some(name) = trimmed.strip_prefix("node/") {
        if !name_ok(name) {
            return Err(bad());
        }
        return Ok(Source::Node {
            name: name.to_owned(),
        });
    }
    Err(bad())
}

/// Headers (or query parameters) as `{name: value}` or `[[name, value], …]`, in order.
pub fn pairs(value: &Value, path: &str) -> Result<Vec<(String, String)>, InputError> {
    let expected = "expected an object of strings ({name: value}) or an array of [name, value] pairs";
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(InputError::new(
                    &format!("{path}.{k}"),
                    format!("{} is not a string", describe(other)),
                )),
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(v)]) => Ok((k.clone(), v.clone())),
                _ => Err(InputError::new(
                    &format!("{path}[{i}]"),
                    format!("{} is not a [name, value] pair of strings", describe(item)),
                )),
            })
            .collect(),
        other => Err(InputError::new(
            path,
            format!("{} given; {expected}", describe(other)),
        )),
    }
}

/// `route`'s argument, as JavaScript writes it.
#[derive(Debug, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RouteInput {
    #[serde(default)]
    pub from: Value,
    pub url: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub headers: Value,
    #[serde(default)]
    pub client_ip: Option<String>,
}

impl RouteInput {
    pub fn into_request(self) -> Result<Request, InputError> {
        let mut from = source(&self.from, "request.from")?;
        if let Some(ip) = self.client_ip {
            match &mut from {
                Source::External { client_ip } => *client_ip = Some(ip),
                _ => {
                    return Err(InputError::new(
                        "request.clientIp",
                        "only an external request has a client address; a pod or node sends from its own",
                    ))
                }
            }
        }
        let method = self.method.unwrap_or_else(|| "GET".to_owned());
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(InputError::new(
                "request.method",
                format!(
                    "{} is not an HTTP method (letters only, e.g. GET)",
                    Quoted(&method)
                ),
            ));
        }
        Ok(Request {
            from,
            url: self.url,
            method: method.to_ascii_uppercase(),
            headers: pairs(&self.headers, "request.headers")?,
        })
    }
}

/// `resolve`'s options.
#[derive(Debug, Default, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResolveInput {
    #[serde(default)]
    pub from: Value,
    /// Resolve as a pod in this namespace would, without naming a pod.
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default, rename = "type")]
    pub record_type: Option<RecordType>,
}

/// `toYaml`'s options.
#[derive(Debug, Default, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExportInput {
    #[serde(default)]
    pub derived: Option<bool>,
}

/// `matchIngress`'s request.
#[derive(Debug, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngressRequestInput {
    pub host: String,
    #[serde(default)]
    pub path: Option<String>,
}

/// `matchHttpRoute`'s request.
#[derive(Debug, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpRequestInput {
    pub host: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub headers: Value,
    #[serde(default)]
    pub query: Value,
    /// The Gateway port; default: the host's `:port`, else 80.
    #[serde(default)]
    pub port: Option<u16>,
}

/// `matchHttpRoute`'s options.
#[derive(Debug, Default, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpRouteOptions {
    #[serde(default)]
    pub gateway: Option<String>,
    /// Seeds the weighted backend pick.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// An HTTP request to a Gateway, owned (the core's `HttpRequest` borrows from it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayRequest {
    pub host: String,
    pub port: u16,
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
}

impl HttpRequestInput {
    pub fn into_request(self) -> Result<GatewayRequest, InputError> {
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let mut query = pairs(&self.query, "request.query")?;
        // A query string left in the path is read too (after the explicit parameters).
        if let Some((_, q)) = path.split('#').next().unwrap_or("").split_once('?') {
            for part in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                query.push((k.to_owned(), v.to_owned()));
            }
        }
        let port = match self.port {
            Some(0) => return Err(InputError::new("request.port", "0 is not a port (1–65535)")),
            Some(p) => p,
            None => host_port(&self.host).map_err(|m| InputError::new("request.host", m))?,
        };
        Ok(GatewayRequest {
            host: self.host,
            port,
            path,
            method: self.method.unwrap_or_else(|| "GET".to_owned()),
            headers: pairs(&self.headers, "request.headers")?,
            query,
        })
    }
}

/// The port in `host:port`, else 80.
fn host_port(host: &str) -> Result<u16, String> {
    match host.rsplit_once(':') {
        None => Ok(80),
        Some((_, p)) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("{}: the port must be a number from 1 to 65535", Quoted(host))),
    }
}

/// `"namespace/name"` or `"name"` (namespace `default`).
pub fn gateway_name(text: &str) -> Result<(String, String), InputError> {
    let parts: Vec<&str> = text.split('/').collect();
    let (namespace, name) = match parts.as_slice() {
        [name] => ("default", *name),
        [namespace, name] => (*namespace, *name),
        _ => ("", ""),
    };
    if namespace.is_empty() || name.is_empty() {
        return Err(InputError::new(
            "options.gateway",
            format!(
                "{} is not a Gateway name; expected \"<namespace>/<name>\" or \"<name>\"",
                Quoted(text)
            ),
        ));
    }
    Ok((namespace.to_owned(), name.to_owned()))
}

/// A kind as people write it: a modelled kind (any case, or a kubectl short name such as
/// `svc`), or — `Err(Some(kind))` — another kind written as manifests write it (`ConfigMap`),
/// which the cluster keeps without modelling.
pub fn kind(text: &str) -> Result<Kind, Option<String>> {
    if let Some(kind) = Kind::parse(text) {
        return Ok(kind);
    }
    let looks_like_kind =
        text.starts_with(|c: char| c.is_ascii_uppercase()) && text.chars().all(|c| c.is_ascii_alphanumeric());
    Err(looks_like_kind.then(|| text.to_owned()))
}

/// The message for a kind that is neither modelled nor written like a kind.
pub fn unknown_kind(text: &str) -> String {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    format!(
        "{} is not a kind: kroute models {} (any case, or kubectl's short names such as svc, \
         deploy, sts); other kinds are matched as written (ConfigMap)",
        Quoted(text),
        kinds.join(", ")
    )
}

/// Milliseconds for `advance`: a whole, non-negative number JavaScript can hold exactly.
pub fn duration_ms(ms: f64) -> Result<u64, InputError> {
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    if !(ms.is_finite() && ms >= 0.0 && ms.fract() == 0.0 && ms <= MAX_SAFE_INTEGER) {
        return Err(InputError::new(
            "ms",
            format!(
                "{} is not a whole, non-negative number of milliseconds",
                js_number(ms)
            ),
        ));
    }
    Ok(ms as u64)
}

/// A number as JavaScript prints it (`-1`, `1.5`, `NaN`, `Infinity`, `1e+300`), through the
/// core's JSON number writer rather than `f64`'s `Display`, which is 14 KB of the wasm.
fn js_number(x: f64) -> String {
    match kroute::json::Number::from_f64(x) {
        Some(n) => {
            let mut text = n.to_string();
            if text.ends_with(".0") {
                text.truncate(text.len() - 2);
            }
            text
        }
        None if x.is_nan() => "NaN".to_owned(),
        None if x < 0.0 => "-Infinity".to_owned(),
        None => "Infinity".to_owned(),
    }
}

/// `new Cluster(options)`: the core's `ClusterConfig`, with `nodes` for `defaultNodes`.
#[derive(Debug, Default, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterOptions {
    pub seed: Option<u64>,
    pub max_endpoints_per_slice: Option<usize>,
    pub proxy_mode: Option<ProxyMode>,
    pub nodes: Option<u32>,
    pub node_cidr: Option<String>,
    pub pod_cidr: Option<String>,
    pub pod_cidr_prefix: Option<u8>,
    pub service_cidr: Option<String>,
    pub node_port_range: Option<String>,
    pub load_balancer_pool: Option<String>,
    pub cluster_domain: Option<String>,
    pub pod_start_delay_ms: Option<u64>,
    pub default_termination_grace_seconds: Option<u64>,
}

impl ClusterOptions {
    pub fn into_config(self) -> ClusterConfig {
        let d = ClusterConfig::default();
        ClusterConfig {
            seed: self.seed.unwrap_or(d.seed),
            max_endpoints_per_slice: self.max_endpoints_per_slice.unwrap_or(d.max_endpoints_per_slice),
            default_nodes: self.nodes.unwrap_or(d.default_nodes),
            node_cidr: self.node_cidr.unwrap_or(d.node_cidr),
            pod_cidr: self.pod_cidr.unwrap_or(d.pod_cidr),
            pod_cidr_prefix: self.pod_cidr_prefix.unwrap_or(d.pod_cidr_prefix),
            service_cidr: self.service_cidr.unwrap_or(d.service_cidr),
            node_port_range: self.node_port_range.unwrap_or(d.node_port_range),
            load_balancer_pool: self.load_balancer_pool.unwrap_or(d.load_balancer_pool),
            cluster_domain: self.cluster_domain.unwrap_or(d.cluster_domain),
            pod_start_delay_ms: self.pod_start_delay_ms.unwrap_or(d.pod_start_delay_ms),
            default_termination_grace_seconds: self
                .default_termination_grace_seconds
                .unwrap_or(d.default_termination_grace_seconds),
            proxy_mode: self.proxy_mode.unwrap_or(d.proxy_mode),
        }
    }
}

/// The JavaScript option that a core config field comes from.
pub fn option_name(config_field: &str) -> &str {
    match config_field {
        "defaultNodes" => "nodes",
        other => other,
    }
}

/// A `LabelSelector` as JavaScript writes it: like the core's, but a misspelt field is an error
/// instead of an empty (match-everything) selector.
#[derive(Debug, Default, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LabelSelectorInput {
    #[serde(default)]
    pub match_labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub match_expressions: Option<Vec<RequirementInput>>,
}

#[derive(Debug, FromJson)]
#[serde(deny_unknown_fields)]
pub struct RequirementInput {
    pub key: String,
    pub operator: String,
    #[serde(default)]
    pub values: Option<Vec<String>>,
}

impl LabelSelectorInput {
    pub fn into_core(self) -> kroute::selector::LabelSelector {
        kroute::selector::LabelSelector {
            match_labels: self.match_labels,
            match_expressions: self.match_expressions.map(|list| {
                list.into_iter()
                    .map(|r| kroute::selector::LabelSelectorRequirement {
                        key: r.key,
                        operator: r.operator,
                        values: r.values,
                    })
                    .collect()
            }),
        }
    }
}

/// `null`, `true`, `a number`… for messages about a value of the wrong type.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Quoted(s)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kroute::dataplane::route::ForwardTarget;
    use kroute::json;

    fn pod(ns: &str, name: &str) -> Source {
        Source::Pod {
            namespace: ns.into(),
            name: name.into(),
        }
    }

    #[test]
    fn from_strings_and_objects() {
        let forward = Source::PortForward(PortForward {
            namespace: "shop".into(),
            target: ForwardTarget::Service("api".into()),
            local_port: 8000,
            remote_port: 80,
        });
        // (input, expected)
        let cases = [
            (json!(null), Source::External { client_ip: None }),
            (json!("external"), Source::External { client_ip: None }),
            (json!(" pod/shop/client "), pod("shop", "client")),
            (json!("pod/client"), pod("default", "client")),
            (
                json!("node/node-2"),
                Source::Node {
                    name: "node-2".into(),
                },
            ),
            (
                json!("kubectl port-forward -n shop svc/api 8000:80"),
                forward.clone(),
            ),
            (json!("port-forward -n shop svc/api 8000:80"), forward),
            (
                json!({"kind": "pod", "namespace": "a", "name": "b"}),
                pod("a", "b"),
            ),
            (
                json!({"kind": "external", "clientIp": "192.0.2.9"}),
                Source::External {
                    client_ip: Some("192.0.2.9".into()),
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(source(&input, "from"), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_from_says_what_is_expected() {
        // (input, text the message must contain)
        let cases = [
            (json!("pod"), "\"pod\" is not a source; expected \"external\""),
            (json!("pod/"), "\"pod/\" is not a source"),
            (json!("pod/a/b/c"), "\"pod/a/b/c\" is not a source"),
            (json!("node/"), "\"node/\" is not a source"),
            (json!("internet"), "\"internet\" is not a source"),
            (
                json!("kubectl port-forward svc/x"),
                "ports such as 8000:80 are required",
            ),
            (json!(7), "the number 7 is not a source"),
            (json!({"kind": "cloud"}), "unknown variant `cloud`"),
            (json!({"kind": "pod", "name": "x"}), "missing field `namespace`"),
        ];
        for (input, needle) in cases {
            let err = source(&input, "request.from").unwrap_err();
            assert_eq!(err.path, "request.from", "{input}");
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
    }

    #[test]
    fn header_pairs() {
        let ok = |v: Value| pairs(&v, "h").unwrap();
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(ok(json!(null)), vec![]);
        assert_eq!(
            ok(json!({"a": "1", "b": "2"})),
            vec![pair("a", "1"), pair("b", "2")]
        );
        assert_eq!(
            ok(json!([["x", "1"], ["x", "2"]])),
            vec![pair("x", "1"), pair("x", "2")]
        );
        // (input, path, text the message must contain)
        let cases = [
            (json!({"a": 1}), "h.a", "the number 1 is not a string"),
            (json!([["a"]]), "h[0]", "is not a [name, value] pair"),
            (
                json!([["a", "b"], "c"]),
                "h[1]",
                "the string \"c\" is not a [name, value] pair",
            ),
            (json!("a: b"), "h", "expected an object of strings"),
        ];
        for (input, path, needle) in cases {
            let err = pairs(&input, "h").unwrap_err();
            assert_eq!(err.path, path, "{input}");
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
    }

    #[test]
    fn route_requests() {
        let input = |v: Value| {
            <RouteInput as kroute::json::FromJson>::from_json(&v)
                .unwrap()
                .into_request()
        };
        let r = input(json!({"url": "web", "clientIp": "192.0.2.1", "method": "post"})).unwrap();
        assert_eq!(
            r.from,
            Source::External {
                client_ip: Some("192.0.2.1".into())
            }
        );
        assert_eq!(r.method, "POST");
        let r = input(json!({"url": "web", "from": "pod/client", "headers": {"Host": "x"}})).unwrap();
        assert_eq!(
            (r.from, r.headers),
            (pod("default", "client"), vec![("Host".into(), "x".into())])
        );
        // (input, path of the error)
        let cases = [
            (
                json!({"url": "web", "from": "node/n", "clientIp": "1.2.3.4"}),
                "request.clientIp",
            ),
            (json!({"url": "web", "method": "GE T"}), "request.method"),
            (json!({"url": "web", "method": ""}), "request.method"),
            (json!({"url": "web", "headers": 3}), "request.headers"),
        ];
        for (case, path) in cases {
            assert_eq!(input(case.clone()).unwrap_err().path, path, "{case}");
        }
        let typo = <RouteInput as kroute::json::FromJson>::from_json(&json!({"url": "web", "header": {}}))
            .unwrap_err();
        assert!(typo.to_string().contains("unknown field `header`"), "{typo}");
    }

    #[test]
    fn gateway_requests() {
        let input = |v: Value| {
            <HttpRequestInput as kroute::json::FromJson>::from_json(&v)
                .unwrap()
                .into_request()
        };
        let r = input(json!({"host": "shop.example:8080", "path": "/a?x=1&y", "query": {"z": "3"}})).unwrap();
        assert_eq!(r.port, 8080);
        assert_eq!(r.method, "GET");
        let q: Vec<(&str, &str)> = r.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(q, [("z", "3"), ("x", "1"), ("y", "")]);
        assert_eq!(input(json!({"host": "a", "port": 443})).unwrap().port, 443);
        assert_eq!(input(json!({"host": "a"})).unwrap().port, 80);
        assert_eq!(input(json!({"host": "a:x"})).unwrap_err().path, "request.host");
        assert_eq!(
            input(json!({"host": "a", "port": 0})).unwrap_err().path,
            "request.port"
        );
    }

    #[test]
    fn gateway_names() {
        let ok = |s: &str| gateway_name(s).unwrap();
        assert_eq!(ok("infra/gw"), ("infra".to_owned(), "gw".to_owned()));
        assert_eq!(ok("gw"), ("default".to_owned(), "gw".to_owned()));
        for bad in ["", "/gw", "infra/", "a/b/c"] {
            assert_eq!(gateway_name(bad).unwrap_err().path, "options.gateway", "{bad:?}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(kind("svc"), Ok(Kind::Service));
        assert_eq!(kind("HTTPRoute"), Ok(Kind::HttpRoute));
        assert_eq!(kind("ConfigMap"), Err(Some("ConfigMap".to_owned())));
        assert_eq!(kind("configmaps"), Err(None));
        assert_eq!(kind(""), Err(None));
        assert!(unknown_kind("x").contains("kroute models Namespace, Node, Pod"));
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms(0.0), Ok(0));
        assert_eq!(duration_ms(2500.0), Ok(2500));
        for (bad, shown) in [
            (-1.0, "-1"),
            (1.5, "1.5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e300, "1e+300"),
        ] {
            let error = duration_ms(bad).unwrap_err();
            assert_eq!(error.path, "ms", "{bad}");
            assert_eq!(
                error.message,
                format!("{shown} is not a whole, non-negative number of milliseconds")
            );
        }
    }

    #[test]
    fn cluster_options() {
        let config = <ClusterOptions as kroute::json::FromJson>::from_json(
            &json!({"nodes": 5, "proxyMode": "ipvs", "seed": 9}),
        )
        .unwrap()
        .into_config();
        assert_eq!(
            (config.default_nodes, config.proxy_mode, config.seed),
            (5, ProxyMode::Ipvs, 9)
        );
        assert_eq!(ClusterOptions::default().into_config(), ClusterConfig::default());
        let typo = <ClusterOptions as kroute::json::FromJson>::from_json(&json!({"node": 5})).unwrap_err();
        assert!(typo.to_string().contains("unknown field `node`"), "{typo}");
        assert_eq!(option_name("defaultNodes"), "nodes");
        assert_eq!(option_name("seed"), "seed");
    }
}
