//! What a user sends: a source, a URL, a method and headers — and how a URL is read.

use crate::json::{FromJson, ToJson};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::Ipv4Addr;

/// A request to route.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    #[serde(default)]
    pub from: Source,
    /// `http://web.default.svc/books`, `172.18.0.2:31000/books`, `web-0.nginx`: the scheme
    /// defaults to `http`, the port to the scheme's (80, 443).
    pub url: String,
    #[serde(default = "default_method")]
    pub method: String,
    /// Header names are matched case-insensitively. A `Host` header overrides the URL's host
    /// for Ingress, Gateway and mesh routing (not for the connection).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

fn default_method() -> String {
    "GET".to_string()
}

impl Request {
    /// A `GET` of `url` from `from`.
    pub fn get(from: Source, url: &str) -> Request {
        Request {
            from,
            url: url.to_string(),
            method: default_method(),
            headers: Vec::new(),
        }
    }
}

/// Who sends the request.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Source {
    /// A client outside the cluster (a laptop, the Internet). Its address defaults to
    /// [`DEFAULT_CLIENT_IP`].
    External {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_ip: Option<String>,
    },
    /// A pod's container, through the pod's network namespace (and its sidecar, if meshed).
    Pod { namespace: String, name: String },
    /// A process on a node (`hostNetwork`), e.g. `curl` over SSH on `node-1`.
    Node { name: String },
    /// `kubectl port-forward`: the URL must name `localhost:<local port>`.
    PortForward(PortForward),
}

impl Default for Source {
    fn default() -> Self {
        Source::External { client_ip: None }
    }
}

/// The client address used when an external request names none (TEST-NET-2, RFC 5737).
pub const DEFAULT_CLIENT_IP: &str = "198.51.100.7";

/// `kubectl port-forward [-n <namespace>] <kind>/<name> <local>:<remote>`.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct PortForward {
    #[serde(default = "default_namespace")]
    pub namespace: String,
    pub target: ForwardTarget,
    pub local_port: u16,
    /// For a Service: a Service port (number), mapped to its targetPort. For a pod: the pod's
    /// port.
    pub remote_port: u16,
}

fn default_namespace() -> String {
    "default".to_string()
}

/// What `kubectl port-forward` is pointed at.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
pub enum ForwardTarget {
    /// `svc/<name>`: kubectl resolves the Service to one pod.
    Service(String),
    /// `pod/<name>`.
    Pod(String),
    /// `deploy/<name>`: kubectl picks one pod of the Deployment.
    Deployment(String),
    /// `sts/<name>`.
    StatefulSet(String),
}

impl PortForward {
    /// Reads a `kubectl port-forward` command line (the `kubectl port-forward` prefix is
    /// optional): `svc/my-service 8000:80`, `pod/web-0 8080`, `-n shop deploy/api 9000:http`
    /// is refused (named remote ports are not supported here; give the number).
    pub fn parse(command: &str) -> Result<PortForward, RequestError> {
        let mut words = command.split_whitespace().peekable();
        if words.peek() == Some(&"kubectl") {
            words.next();
        }
        if words.peek() == Some(&"port-forward") {
            words.next();
        }
        let (mut namespace, mut target, mut ports) = (None, None, None);
        while let Some(w) = words.next() {
            if w == "-n" || w == "--namespace" {
                namespace = words.next().map(ToString::to_string);
            } else if let Some(ns) = w.strip_prefix("--namespace=").or_else(|| w.strip_prefix("-n=")) {
                namespace = Some(ns.to_string());
            } else if target.is_none() {
                target = Some(parse_target(w)?);
            } else if ports.is_none() {
                ports = Some(parse_ports(w)?);
            } else {
                return Err(RequestError::new("portForward", w, "unexpected argument"));
            }
        }
        let target = target.ok_or_else(|| {
            RequestError::new(
                "portForward",
                command,
                "a target such as svc/my-service is required",
            )
        })?;
        let (local_port, remote_port) = ports
            .ok_or_else(|| RequestError::new("portForward", command, "ports such as 8000:80 are required"))?;
        Ok(PortForward {
            namespace: namespace.unwrap_or_else(default_namespace),
            target,
            local_port,
            remote_port,
        })
    }
}

fn parse_target(word: &str) -> Result<ForwardTarget, RequestError> {
    let (kind, name) = word.split_once('/').unwrap_or(("pod", word));
    if name.is_empty() {
        return Err(RequestError::new("portForward", word, "the name is empty"));
    }
    let name = name.to_string();
    Ok(match kind {
        "svc" | "service" | "services" => ForwardTarget::Service(name),
        "pod" | "pods" | "po" => ForwardTarget::Pod(name),
        "deploy" | "deployment" | "deployments" => ForwardTarget::Deployment(name),
        "sts" | "statefulset" | "statefulsets" => ForwardTarget::StatefulSet(name),
        _ => {
            return Err(RequestError::new(
                "portForward",
                word,
                "kubectl port-forward takes pod/, svc/, deploy/ or sts/",
            ))
        }
    })
}

fn parse_ports(word: &str) -> Result<(u16, u16), RequestError> {
    let port = |s: &str| {
        s.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| RequestError::new("portForward", word, "ports are numbers from 1 to 65535"))
    };
    match word.split_once(':') {
        Some((local, remote)) => Ok((port(local)?, port(remote)?)),
        None => {
            let p = port(word)?;
            Ok((p, p))
        }
    }
}

/// A request that cannot be routed because it is malformed (not because the cluster refuses
/// it: that is a [`Verdict`](super::Verdict)). Names the field and the value.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct RequestError {
    /// `url`, `from`, `headers`, `portForward`.
    pub field: String,
    pub value: String,
    pub message: String,
}

impl RequestError {
    pub fn new(field: &str, value: &str, message: &str) -> Self {
        RequestError {
            field: field.to_string(),
            value: value.to_string(),
            message: message.to_string(),
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.field,
            crate::error::Quoted(&self.value),
            self.message
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RequestError {}

/// A URL as kroute reads it.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Url {
    /// `http` or `https`.
    pub scheme: String,
    /// Lowercased, without a trailing dot.
    pub host: String,
    pub port: u16,
    /// Starts with `/`.
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Url {
    pub fn parse(raw: &str) -> Result<Url, RequestError> {
        let bad = |message: &str| RequestError::new("url", raw, message);
        let text = raw.trim();
        if text.is_empty() {
            return Err(bad("the URL is empty"));
        }
        let (scheme, rest) = match text.split_once("://") {
            Some((s, rest)) => (s.to_ascii_lowercase(), rest),
            None => ("http".to_string(), text),
        };
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(bad("the scheme must be http or https")),
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(authority_end);
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() => {
                let port = p
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad("the port must be a number from 1 to 65535"))?;
                (h, port)
            }
            _ => (authority, default_port),
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return Err(bad("the URL has no host"));
        }
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            return Err(bad("the host may hold only letters, digits, '-', '_' and '.'"));
        }
        let target = target.split('#').next().unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let path = if path.is_empty() {
            "/".to_string()
        } else {
            path.to_string()
        };
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        Ok(Url {
            scheme,
            host,
            port,
            path,
            query,
        })
    }

    /// The host as an IPv4 address, when it is one.
    pub fn ip(&self) -> Option<Ipv4Addr> {
        self.host.parse().ok()
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_like_curl_reads_them() {
        // (input, scheme, host, port, path, query)
        type Case<'a> = (&'a str, &'a str, &'a str, u16, &'a str, &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            (
                "172.18.0.2:31000/books",
                "http",
                "172.18.0.2",
                31000,
                "/books",
                &[],
            ),
            ("web-0.nginx", "http", "web-0.nginx", 80, "/", &[]),
            (
                "https://Foo.Bar.com./a/b?x=1&y",
                "https",
                "foo.bar.com",
                443,
                "/a/b",
                &[("x", "1"), ("y", "")],
            ),
            ("http://localhost:8000", "http", "localhost", 8000, "/", &[]),
            ("http://u@svc:8080/p#frag", "http", "svc", 8080, "/p", &[]),
            ("web?q=2", "http", "web", 80, "/", &[("q", "2")]),
        ];
        for (input, scheme, host, port, path, query) in cases {
            let u = Url::parse(input).unwrap();
            assert_eq!(
                (u.scheme.as_str(), u.host.as_str(), u.port, u.path.as_str()),
                (*scheme, *host, *port, *path),
                "{input}"
            );
            let q: Vec<(&str, &str)> = u.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(q, *query, "{input}");
        }
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        let cases = [
            ("", "the URL is empty"),
            ("ftp://x", "the scheme must be http or https"),
            ("web:0", "the port must be a number from 1 to 65535"),
            ("web:99999/", "the port must be a number from 1 to 65535"),
            ("http:///x", "the URL has no host"),
            ("we b", "the host may hold only letters, digits, '-', '_' and '.'"),
        ];
        for (input, message) in cases {
            let e = Url::parse(input).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.message.as_str()),
                ("url", message),
                "{input:?}"
            );
        }
    }

    #[test]
    fn port_forward_commands_parse() {
        let svc = |n: &str| ForwardTarget::Service(n.into());
        let cases: &[(&str, &str, ForwardTarget, u16, u16)] = &[
            (
                "kubectl port-forward svc/my-service 8000:80",
                "default",
                svc("my-service"),
                8000,
                80,
            ),
            (
                "port-forward -n shop service/api 9000:8080",
                "shop",
                svc("api"),
                9000,
                8080,
            ),
            (
                "pod/web-0 8080 --namespace=db",
                "db",
                ForwardTarget::Pod("web-0".into()),
                8080,
                8080,
            ),
            (
                "web-0 5432:5432",
                "default",
                ForwardTarget::Pod("web-0".into()),
                5432,
                5432,
            ),
            (
                "deploy/api 1:2",
                "default",
                ForwardTarget::Deployment("api".into()),
                1,
                2,
            ),
        ];
        for (cmd, ns, target, local, remote) in cases {
            let pf = PortForward::parse(cmd).unwrap();
            assert_eq!(
                (pf.namespace.as_str(), &pf.target, pf.local_port, pf.remote_port),
                (*ns, target, *local, *remote),
                "{cmd}"
            );
        }
        for bad in [
            "kubectl port-forward",
            "svc/x",
            "svc/x 0:80",
            "cm/x 1:2",
            "svc/ 1:2",
            "svc/x 1:2 3",
        ] {
            assert!(PortForward::parse(bad).is_err(), "{bad}");
        }
    }
}
