//! The shapes the package returns that the core does not have as such: the core's answers,
//! regrouped for a caller who asked one question. Plain structs written with `kroute::json`, tested natively.

use kroute::cluster::{Action, Actor, ChangeReport, DanglingReference, Event, ServiceChurn, Warning};
use kroute::dataplane::gateway::{GatewayDecision, GatewayReasons, GatewayVerdict};
use kroute::dataplane::ingress::{
    HttpsRedirect, IngressDecision, IngressMatch, IngressReason, IngressWarning,
};
use kroute::json::ToJson;
use kroute::manifest::{locate_references, ManifestObject};
use kroute::ObjectRef;

/// `matchIngress`: who answers, and why.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct IngressAnswer {
    /// `ingress`, `default`, `rule`, `path`, `backend`.
    #[serde(flatten)]
    pub answer: IngressMatch,
    /// A plain-HTTP request gets this 308 instead (TLS is configured for the host).
    pub https_redirect: Option<HttpsRedirect>,
    pub reasons: Vec<IngressReason>,
    /// What building the router found: skipped Ingresses, conflicts, invalid paths.
    pub warnings: Vec<IngressWarning>,
}

impl IngressAnswer {
    /// `None` when nothing answers (HTTP 404).
    pub fn new(decision: IngressDecision, warnings: Vec<IngressWarning>) -> Option<Self> {
        Some(IngressAnswer {
            answer: decision.answer?,
            https_redirect: decision.https_redirect,
            reasons: decision.reasons,
            warnings,
        })
    }
}

/// `matchHttpRoute`: the verdict (`routed` or `internalError`) with its fields, and the
/// reasons.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteAnswer {
    #[serde(flatten)]
    pub verdict: GatewayVerdict,
    pub reasons: GatewayReasons,
}

impl HttpRouteAnswer {
    /// `None` for HTTP 404 (no rule matched) and for a port no listener serves.
    pub fn new(decision: GatewayDecision) -> Option<Self> {
        match decision.verdict {
            GatewayVerdict::NotFound | GatewayVerdict::NoListener { .. } => None,
            verdict => Some(HttpRouteAnswer {
                verdict,
                reasons: decision.reasons,
            }),
        }
    }
}

/// `apply` and `delete`: the objects the call itself wrote, then everything that followed.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ApplyAnswer {
    pub objects: Vec<AppliedObject>,
    /// Every change, the controllers' included, in order.
    pub events: Vec<Event>,
    pub warnings: Vec<Warning>,
    pub churn: Vec<ServiceChurn>,
    /// References of the written objects that do not resolve (a backend naming a missing
    /// Service, a selector that selects no pod): warnings, positioned in the text when there is
    /// text.
    pub references: Vec<ReferenceWarning>,
}

/// A dangling reference, with where it is in the manifests and a sentence.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceWarning {
    /// `object`, `path` (of the reference in the object), `problem`.
    #[serde(flatten)]
    pub reference: DanglingReference,
    pub doc: Option<usize>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl ApplyAnswer {
    /// The answer of an apply of `text` (parsed into `objects`): its references positioned.
    pub fn located(report: ChangeReport, objects: &[ManifestObject], text: &str) -> Self {
        let issues = locate_references(objects, text, &report.references);
        let mut answer = ApplyAnswer::from(report);
        for (warning, issue) in answer.references.iter_mut().zip(issues) {
            warning.doc = Some(issue.doc);
            warning.line = Some(issue.line);
            warning.column = Some(issue.column);
            warning.message = issue.message;
        }
        answer
    }
}

#[derive(Clone, Debug, PartialEq, ToJson)]
pub struct AppliedObject {
    #[serde(flatten)]
    pub object: ObjectRef,
    pub action: Action,
}

impl From<ChangeReport> for ApplyAnswer {
    fn from(report: ChangeReport) -> Self {
        let objects = report
            .events
            .iter()
            .filter(|e| e.by == Actor::User)
            .map(|e| AppliedObject {
                object: e.object.clone(),
                action: e.action,
            })
            .collect();
        let references = report
            .references
            .into_iter()
            .map(|reference| ReferenceWarning {
                message: reference.problem.to_string(),
                reference,
                doc: None,
                line: None,
                column: None,
            })
            .collect();
        ApplyAnswer {
            objects,
            events: report.events,
            warnings: report.warnings,
            churn: report.churn,
            references,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kroute::cluster::{Cluster, ClusterConfig};
    use kroute::dataplane::gateway::{match_http_route, ClusterFacts, HttpRequest};
    use kroute::dataplane::ingress::IngressRouter;
    use kroute::json;
    use kroute::manifest::parse_manifests;
    use kroute::model::{Gateway, HttpRoute, Ingress, Object};
    use kroute::rng::Rng;

    const INGRESS: &str = r#"
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  tls: [{hosts: [shop.example], secretName: shop-tls}]
  rules:
  - host: shop.example
    http:
      paths:
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: dup, port: {number: 80}}}}
"#;

    fn objects(yaml: &str) -> Vec<Object> {
        parse_manifests(yaml)
            .unwrap()
            .into_iter()
            .map(|m| m.object)
            .collect()
    }

    #[test]
    fn ingress_answer_flattens_the_match() {
        let all = objects(INGRESS);
        let ingresses: Vec<&Ingress> = all
            .iter()
            .filter_map(|o| match o {
                Object::Ingress(i) => Some(i),
                _ => None,
            })
            .collect();
        let (router, warnings) = IngressRouter::build_all(&ingresses);
        let answer = IngressAnswer::new(router.route("shop.example", "/api/x"), warnings.clone()).unwrap();
        let value = kroute::json::ToJson::to_json(&answer);
        assert_eq!(value["ingress"], json!({"namespace": "default", "name": "shop"}));
        assert_eq!(value["default"], json!(false));
        assert_eq!(value["backend"]["service"]["name"], json!("api"));
        assert_eq!(value["path"]["path"], json!("/api"));
        assert_eq!(value["httpsRedirect"]["status"], json!(308));
        assert_eq!(value["warnings"][0]["kind"], json!("conflict"));
        assert!(value["reasons"].as_array().is_some_and(|r| !r.is_empty()));
        // Nothing answers: no answer at all (HTTP 404).
        assert!(IngressAnswer::new(router.route("other.example", "/"), warnings).is_none());
    }

    #[test]
    fn http_route_answer_keeps_the_verdict_tag() {
        let gateway: Gateway = kroute::json::FromJson::from_json(&json!({
            "metadata": {"name": "gw"},
            "spec": {"gatewayClassName": "c", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}
        }))
        .unwrap();
        let route: HttpRoute = kroute::json::FromJson::from_json(&json!({
            "metadata": {"name": "r"},
            "spec": {"parentRefs": [{"name": "gw"}], "rules": [
                {"matches": [{"path": {"type": "Exact", "value": "/a"}}], "backendRefs": [{"name": "a", "port": 80}]},
                {"matches": [{"path": {"type": "Exact", "value": "/b"}}]}
            ]}
        }))
        .unwrap();
        let decide = |path: &str, port: u16| {
            let request = HttpRequest {
                host: "x",
                port,
                path,
                method: "GET",
                ..Default::default()
            };
            let facts = ClusterFacts::default();
            match_http_route(&[&gateway], &[&route], &facts, &request, None, &mut Rng::new(1))
                .and_then(HttpRouteAnswer::new)
                .map(|a| kroute::json::ToJson::to_json(&a))
        };
        // (path, port, expected verdict tag, or None for null)
        let cases = [
            ("/a", 80, Some("routed")),
            ("/b", 80, Some("internalError")),
            ("/c", 80, None),
            ("/a", 8080, None),
        ];
        for (path, port, expected) in cases {
            let value = decide(path, port);
            let tag = value
                .as_ref()
                .map(|v| v["verdict"].as_str().unwrap_or("").to_owned());
            assert_eq!(tag.as_deref(), expected, "{path}:{port}");
            if let Some(v) = value {
                assert_eq!(v["reasons"]["gateway"]["name"], json!("gw"));
            }
        }
    }

    #[test]
    fn apply_answer_lists_the_callers_objects() {
        let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  \
                    selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    \
                    spec: {containers: [{name: web, image: nginx}]}\n";
        let answer = ApplyAnswer::from(cluster.apply(objects(yaml)).unwrap());
        let value = kroute::json::ToJson::to_json(&answer);
        assert_eq!(
            value["objects"],
            json!([{"kind": "Deployment", "namespace": "default", "name": "web", "action": "Created"}])
        );
        // The controllers' ReplicaSet and Pod are events, not the caller's objects.
        assert!(answer.events.len() >= 3, "{:?}", answer.events);
        let again = ApplyAnswer::from(cluster.apply(objects(yaml)).unwrap());
        assert_eq!(again.objects[0].action, Action::Unchanged);
    }

    #[test]
    fn dangling_references_are_positioned() {
        let yaml = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  \
                    defaultBackend:\n    service: {name: gone, port: {number: 80}}\n";
        let parsed = parse_manifests(yaml).unwrap();
        let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
        let batch = parsed.iter().map(|m| m.object.clone()).collect();
        let report = cluster.apply(batch).unwrap();
        let unpositioned = ApplyAnswer::from(report.clone());
        assert_eq!(unpositioned.references[0].line, None);
        let value = kroute::json::ToJson::to_json(&ApplyAnswer::located(report, &parsed, yaml));
        assert_eq!(
            value["references"],
            json!([{
                "object": {"kind": "Ingress", "namespace": "default", "name": "shop"},
                "path": "spec.defaultBackend.service.name",
                "problem": {"kind": "notFound", "target": {"kind": "Service", "namespace": "default", "name": "gone"}},
                "doc": 0, "line": 6, "column": 15,
                "message": "Service/default/gone not found"
            }])
        );
    }
}
