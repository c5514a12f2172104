//! Edits made on the canvas, as edits of the manifest text: add an object from the palette,
//! make a Service select a pod, delete an object. The text stays the source of truth, so each
//! edit rewrites only the documents it touches (the others keep their comments and layout) and
//! the caller applies the new text like any other.

use crate::json::{FromJson, ToJson};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::json;
use crate::json::{Map, Value as Json};

use super::{documents, emit, parse_manifests, ManifestObject};
use crate::cluster::{Cluster, Origin};
use crate::error::ObjectRef;
use crate::model::{Kind, Object};
use crate::selector::service_selector;
use crate::sort::CollectSorted;

/// What the palette adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub enum Shape {
    Node,
    Pod,
    Deployment,
    /// A StatefulSet and the headless Service that names its pods.
    StatefulSet,
    ClusterIpService,
    NodePortService,
    LoadBalancerService,
    HeadlessService,
    ExternalNameService,
    Ingress,
    /// A Gateway with one HTTP listener and an HTTPRoute attached to it.
    GatewayWithRoute,
}

impl Shape {
    pub const ALL: [Shape; 11] = [
        Shape::Node,
        Shape::Pod,
        Shape::Deployment,
        Shape::StatefulSet,
        Shape::ClusterIpService,
        Shape::NodePortService,
        Shape::LoadBalancerService,
        Shape::HeadlessService,
        Shape::ExternalNameService,
        Shape::Ingress,
        Shape::GatewayWithRoute,
    ];

    /// The palette's label.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Node => "Node",
            Shape::Pod => "Pod",
            Shape::Deployment => "Deployment",
            Shape::StatefulSet => "StatefulSet",
            Shape::ClusterIpService => "Service (ClusterIP)",
            Shape::NodePortService => "Service (NodePort)",
            Shape::LoadBalancerService => "Service (LoadBalancer)",
            Shape::HeadlessService => "Service (headless)",
            Shape::ExternalNameService => "Service (ExternalName)",
            Shape::Ingress => "Ingress",
            Shape::GatewayWithRoute => "Gateway + HTTPRoute",
        }
    }

    fn stem(self) -> &'static str {
        match self {
            Shape::Node => "node",
            Shape::Pod => "pod",
            Shape::Deployment => "web",
            Shape::StatefulSet => "db",
            Shape::ClusterIpService | Shape::NodePortService | Shape::LoadBalancerService => "svc",
            Shape::HeadlessService => "headless",
            Shape::ExternalNameService => "external",
            Shape::Ingress => "ingress",
            Shape::GatewayWithRoute => "gateway",
        }
    }
}

/// One canvas edit.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Edit {
    Add {
        shape: Shape,
        namespace: String,
    },
    /// Make `service` select `pod`: its selector gains a label of the pod (and drops the terms
    /// the pod does not satisfy, since a selector is an AND).
    SelectPod {
        service: ObjectRef,
        pod: ObjectRef,
    },
    Delete {
        object: ObjectRef,
    },
    /// Set one field of an object as written in the text (`spec.replicas`, `spec.type`,
    /// `metadata.labels`, `spec.selector`); `null` removes it. The inspector's edits.
    SetField {
        object: ObjectRef,
        /// The field's path, one key per element (`["spec", "replicas"]`).
        path: Vec<String>,
        value: Json,
    },
}

/// What an edit did.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Change {
    Added {
        objects: Vec<ObjectRef>,
    },
    SelectorChanged {
        service: ObjectRef,
        before: BTreeLabels,
        after: BTreeLabels,
    },
    /// The selector already picks the pod.
    AlreadySelected {
        service: ObjectRef,
    },
    Deleted {
        object: ObjectRef,
    },
    FieldSet {
        object: ObjectRef,
        path: String,
    },
}

pub type BTreeLabels = alloc::collections::BTreeMap<String, String>;

/// The new text and what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub change: Change,
}

/// Why an edit cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum EditError {
    /// The text does not parse: fix it first (the editor shows where).
    TextInvalid,
    /// The object is not in the text.
    NotInText {
        object: ObjectRef,
    },
    /// The object is made by a controller (a Deployment's pod): edit its owner instead.
    MadeByController {
        object: ObjectRef,
        owner: String,
    },
    /// The pod has no labels a selector could use.
    PodHasNoLabels {
        pod: ObjectRef,
    },
    NotFound {
        object: ObjectRef,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::TextInvalid => f.write_str("the manifests do not parse; fix them first"),
            EditError::NotInText { object } => write!(f, "{object} is not in the manifests"),
            EditError::MadeByController { object, owner } => {
                write!(
                    f,
                    "{object} is made by the {owner} controller: change its owner instead"
                )
            }
            EditError::PodHasNoLabels { pod } => write!(f, "{pod} has no labels to select it by"),
            EditError::NotFound { object } => write!(f, "{object} does not exist"),
        }
    }
}

/// Makes `edit` on `text`; `cluster` is what the text built (for pods made by controllers).
pub fn edit(text: &str, cluster: &Cluster, edit: &Edit) -> Result<Edited, EditError> {
    let objects = parse_manifests(text).map_err(|_| EditError::TextInvalid)?;
    match edit {
        Edit::Add { shape, namespace } => add(text, &objects, cluster, *shape, namespace),
        Edit::SelectPod { service, pod } => select_pod(text, &objects, cluster, service, pod),
        Edit::Delete { object } => delete(text, &objects, cluster, object),
        Edit::SetField { object, path, value } => set_field(text, &objects, cluster, object, path, value),
    }
}

fn names_in(objects: &[ManifestObject], cluster: &Cluster) -> Vec<String> {
    objects
        .iter()
        .map(|m| m.object.metadata().name.clone())
        .chain(
            Kind::ALL
                .iter()
                .flat_map(|k| cluster.list(*k, None))
                .map(|o| o.metadata().name.clone()),
        )
        .collect()
}

fn fresh_name(stem: &str, taken: &[String]) -> String {
    (1..)
        .map(|i| format!("{stem}-{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| stem.to_string())
}

fn meta(name: &str, namespace: &str, labels: Option<&str>) -> Json {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    if namespace != "default" {
        m.insert("namespace".into(), json!(namespace));
    }
    if let Some(app) = labels {
        m.insert("labels".into(), json!({ "app": app }));
    }
    Json::Object(m)
}

fn pod_spec(image: &str) -> Json {
    json!({"containers": [{"name": "app", "image": image, "ports": [{"name": "http", "containerPort": 8080}]}]})
}

fn add(
    text: &str,
    objects: &[ManifestObject],
    cluster: &Cluster,
    shape: Shape,
    namespace: &str,
) -> Result<Edited, EditError> {
    let taken = names_in(objects, cluster);
    let name = match shape {
        // Nodes continue the cluster's own numbering.
        Shape::Node => fresh_name("node", &taken),
        _ => fresh_name(shape.stem(), &taken),
    };
    let first_service = objects.iter().find_map(|m| match &m.object {
        Object::Service(s) if s.metadata.namespace.as_deref().unwrap_or("default") == namespace => {
            let port = s.spec.ports.first().map(|p| p.port).unwrap_or(80);
            Some((s.metadata.name.clone(), port))
        }
        _ => None,
    });
    let (backend, backend_port) = first_service.unwrap_or_else(|| ("svc-1".to_string(), 80));
    let service = |type_: Option<&str>, extra: Json| {
        let mut spec =
            json!({"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]});
        if let (Some(t), Json::Object(s)) = (type_, &mut spec) {
            s.insert("type".into(), json!(t));
        }
        if let (Json::Object(s), Json::Object(e)) = (&mut spec, extra) {
            s.extend(e);
        }
        json!({"apiVersion": "v1", "kind": "Service", "metadata": meta(&name, namespace, None), "spec": spec})
    };
    let docs: Vec<Json> = match shape {
        Shape::Node => vec![json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}})],
        Shape::Pod => vec![
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta(&name, namespace, Some(&name)),
            "spec": pod_spec("nginx:1.27")}),
        ],
        Shape::Deployment => vec![json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(&name, namespace, None),
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec("nginx:1.27")}}})],
        Shape::StatefulSet => vec![
            json!({"apiVersion": "v1", "kind": "Service", "metadata": meta(&name, namespace, None),
                "spec": {"clusterIP": "None", "selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(&name, namespace, None),
                "spec": {"serviceName": name, "replicas": 2, "selector": {"matchLabels": {"app": name}},
                         "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec("postgres:17")}}}),
        ],
        Shape::ClusterIpService => vec![service(None, json!({}))],
        Shape::NodePortService => vec![service(Some("NodePort"), json!({}))],
        Shape::LoadBalancerService => vec![service(Some("LoadBalancer"), json!({}))],
        Shape::HeadlessService => vec![service(None, json!({"clusterIP": "None"}))],
        Shape::ExternalNameService => vec![json!({"apiVersion": "v1", "kind": "Service",
            "metadata": meta(&name, namespace, None),
            "spec": {"type": "ExternalName", "externalName": "api.example.com"}})],
        Shape::Ingress => vec![json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(&name, namespace, None),
            "spec": {"rules": [{"host": format!("{name}.example.com"), "http": {"paths": [
                {"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": backend, "port": {"number": backend_port}}}}]}}]}})],
        Shape::GatewayWithRoute => {
            let route = fresh_name("route", &taken);
            vec![
                json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                    "metadata": meta(&name, namespace, None),
                    "spec": {"gatewayClassName": "example", "listeners": [
                        {"name": "http", "port": 80, "protocol": "HTTP", "hostname": format!("*.{name}.example.com")}]}}),
                json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                    "metadata": meta(&route, namespace, None),
                    "spec": {"parentRefs": [{"name": name}], "hostnames": [format!("www.{name}.example.com")],
                             "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                                        "backendRefs": [{"name": backend, "port": backend_port}]}]}}),
            ]
        }
    };
    let mut out = String::from(text);
    let mut added = Vec::new();
    for doc in &docs {
        if !out.trim().is_empty() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("---\n");
        }
        out.push_str(&emit::document(doc));
        added.push(ObjectRef {
            kind: doc["kind"].as_str().unwrap_or_default().to_string(),
            namespace: (doc["kind"] != "Node").then(|| namespace.to_string()),
            name: doc["metadata"]["name"].as_str().unwrap_or_default().to_string(),
        });
    }
    Ok(Edited {
        text: out,
        change: Change::Added { objects: added },
    })
}

/// The manifest object for `r`, or why there is none.
fn find<'m>(
    objects: &'m [ManifestObject],
    cluster: &Cluster,
    r: &ObjectRef,
) -> Result<&'m ManifestObject, EditError> {
    if let Some(m) = objects.iter().find(|m| m.object.object_ref() == *r) {
        return Ok(m);
    }
    let kind = Kind::parse(&r.kind);
    match kind.and_then(|k| cluster.origin(k, r.namespace.as_deref(), &r.name)) {
        Some(Origin::Controller(by)) => Err(EditError::MadeByController {
            object: r.clone(),
            owner: by.to_string(),
        }),
        Some(Origin::User) => Err(EditError::NotInText { object: r.clone() }),
        None => Err(EditError::NotFound { object: r.clone() }),
    }
}

/// Replaces the value of `m` (its document, or its item in a List document) with `value`.
fn rewrite(text: &str, m: &ManifestObject, value: impl FnOnce(&mut Json)) -> Result<String, EditError> {
    let docs = documents(text);
    let doc = docs
        .iter()
        .find(|d| d.index == m.doc)
        .ok_or(EditError::TextInvalid)?;
    // Read as the manifest reader reads it (one YAML value type, merge keys applied).
    let mut whole: Json = super::convert::document_json(doc.text).ok_or(EditError::TextInvalid)?;
    let target = match m.item {
        Some(i) => whole
            .get_mut("items")
            .and_then(Json::as_array_mut)
            .and_then(|items| items.get_mut(i))
            .ok_or(EditError::TextInvalid)?,
        None => &mut whole,
    };
    value(target);
    let end = doc.offset + doc.text.len();
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(text.get(..doc.offset).unwrap_or_default());
    // Keep a leading comment block of the document: it usually describes the object.
    let comments: String = doc
        .text
        .lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str(&comments);
    out.push_str(&emit::document(&whole));
    out.push_str(text.get(end..).unwrap_or_default());
    Ok(out)
}

fn select_pod(
    text: &str,
    objects: &[ManifestObject],
    cluster: &Cluster,
    service: &ObjectRef,
    pod: &ObjectRef,
) -> Result<Edited, EditError> {
    let m = find(objects, cluster, service)?;
    let Object::Service(svc) = &m.object else {
        return Err(EditError::NotFound {
            object: service.clone(),
        });
    };
    let labels = match cluster.get(Kind::Pod, pod.namespace.as_deref(), &pod.name) {
        Some(Object::Pod(p)) => p.metadata.labels.clone(),
        _ => return Err(EditError::NotFound { object: pod.clone() }),
    };
    let before: BTreeLabels = svc.spec.selector.clone().unwrap_or_default();
    if service_selector(svc.spec.selector.as_ref()).is_some_and(|s| s.matches(&labels)) {
        return Ok(Edited {
            text: text.to_string(),
            change: Change::AlreadySelected {
                service: service.clone(),
            },
        });
    }
    // Keep the terms the pod satisfies; add the pod's `app` label, else its first label not
    // set by a controller.
    let mut after: BTreeLabels = before
        .iter()
        .filter(|(k, v)| labels.get(*k) == Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect_map();
    let pick = labels
        .get_key_value("app")
        .or_else(|| {
            labels
                .iter()
                .find(|(k, _)| !matches!(k.as_str(), "pod-template-hash" | "controller-revision-hash"))
        })
        .or_else(|| labels.iter().next());
    let Some((k, v)) = pick else {
        return Err(EditError::PodHasNoLabels { pod: pod.clone() });
    };
    after.insert(k.clone(), v.clone());
    let mut selector: Map = Map::new();
    selector.extend(after.iter().map(|(k, v)| (k.clone(), json!(v))));
    let text = rewrite(text, m, |value| {
        if let Some(spec) = value.get_mut("spec").and_then(Json::as_object_mut) {
            spec.insert("selector".into(), Json::Object(selector));
        }
    })?;
    Ok(Edited {
        text,
        change: Change::SelectorChanged {
            service: service.clone(),
            before,
            after,
        },
    })
}

fn set_field(
    text: &str,
    objects: &[ManifestObject],
    cluster: &Cluster,
    object: &ObjectRef,
    path: &[String],
    value: &Json,
) -> Result<Edited, EditError> {
    let m = find(objects, cluster, object)?;
    let Some((last, parents)) = path.split_last() else {
        return Err(EditError::NotFound {
            object: object.clone(),
        });
    };
    let text = rewrite(text, m, |root| {
        let mut node = root;
        for key in parents {
            let Json::Object(map) = node else { return };
            node = map.entry_or_insert_with(key, || Json::Object(Map::new()));
        }
        if let Json::Object(map) = node {
            if value.is_null() {
                map.remove(last);
            } else {
                map.insert(last.clone(), value.clone());
            }
        }
    })?;
    Ok(Edited {
        text,
        change: Change::FieldSet {
            object: object.clone(),
            path: path.join("."),
        },
    })
}

fn delete(
    text: &str,
    objects: &[ManifestObject],
    cluster: &Cluster,
    object: &ObjectRef,
) -> Result<Edited, EditError> {
    let m = find(objects, cluster, object)?;
    let new_text = match m.item {
        Some(i) => rewrite(text, m, |value| {
            if let Some(items) = value.get_mut("items").and_then(Json::as_array_mut) {
                if i < items.len() {
                    items.remove(i);
                }
            }
        })?,
        None => {
            let docs = documents(text);
            let doc = docs
                .iter()
                .find(|d| d.index == m.doc)
                .ok_or(EditError::TextInvalid)?;
            // Remove the document and the `---` line that opens it (or, for the first
            // document, the one that closes it).
            let start = text
                .get(..doc.offset)
                .and_then(|before| before.trim_end_matches(['\n', '\r']).rfind('\n').map(|i| i + 1))
                .filter(|s| text.get(*s..doc.offset).is_some_and(|l| l.starts_with("---")))
                .unwrap_or(doc.offset);
            let mut end = doc.offset + doc.text.len();
            if start == doc.offset {
                if let Some(rest) = text.get(end..) {
                    if rest.starts_with("---") {
                        end += rest.find('\n').map_or(rest.len(), |n| n + 1);
                    }
                }
            }
            format!(
                "{}{}",
                text.get(..start).unwrap_or_default(),
                text.get(end..).unwrap_or_default()
            )
        }
    };
    Ok(Edited {
        text: new_text,
        change: Change::Deleted {
            object: object.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterConfig;
    use crate::manifest::{load_cluster, SETTLE_MS};

    fn load(text: &str) -> Cluster {
        load_cluster(text, ClusterConfig::default(), SETTLE_MS)
            .unwrap()
            .cluster
    }

    fn oref(kind: &str, ns: Option<&str>, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.into(),
            namespace: ns.map(Into::into),
            name: name.into(),
        }
    }

    #[test]
    fn every_shape_adds_objects_that_apply_and_leaves_the_rest_alone() {
        let base = crate::examples::NODEPORT_YAML;
        let cluster = load(base);
        // (shape, kinds added)
        let cases: [(Shape, &[&str]); 11] = [
            (Shape::Node, &["Node"]),
            (Shape::Pod, &["Pod"]),
            (Shape::Deployment, &["Deployment"]),
            (Shape::StatefulSet, &["Service", "StatefulSet"]),
            (Shape::ClusterIpService, &["Service"]),
            (Shape::NodePortService, &["Service"]),
            (Shape::LoadBalancerService, &["Service"]),
            (Shape::HeadlessService, &["Service"]),
            (Shape::ExternalNameService, &["Service"]),
            (Shape::Ingress, &["Ingress"]),
            (Shape::GatewayWithRoute, &["Gateway", "HTTPRoute"]),
        ];
        assert_eq!(cases.len(), Shape::ALL.len());
        for (shape, kinds) in cases {
            let add = Edit::Add {
                shape,
                namespace: "default".into(),
            };
            let edited = edit(base, &cluster, &add).unwrap();
            assert!(
                edited.text.starts_with(base),
                "{shape:?}: the existing text is untouched"
            );
            let Change::Added { objects } = &edited.change else {
                panic!()
            };
            assert_eq!(
                objects.iter().map(|o| o.kind.as_str()).collect::<Vec<_>>(),
                kinds,
                "{shape:?}"
            );
            let after = load(&edited.text);
            for o in objects {
                let k = Kind::parse(&o.kind).unwrap();
                assert!(
                    after.get(k, o.namespace.as_deref(), &o.name).is_some(),
                    "{shape:?}: {o}"
                );
            }
        }
        // Names do not collide: a second Node is node-5 (node-1…3 exist, the first add made 4).
        let once = edit(
            base,
            &cluster,
            &Edit::Add {
                shape: Shape::Node,
                namespace: "default".into(),
            },
        )
        .unwrap();
        let c2 = load(&once.text);
        let twice = edit(
            &once.text,
            &c2,
            &Edit::Add {
                shape: Shape::Node,
                namespace: "default".into(),
            },
        )
        .unwrap();
        assert_eq!(
            twice.change,
            Change::Added {
                objects: vec![oref("Node", None, "node-5")]
            }
        );
        // The Ingress sends to the Service already there.
        let ing = edit(
            base,
            &cluster,
            &Edit::Add {
                shape: Shape::Ingress,
                namespace: "default".into(),
            },
        )
        .unwrap();
        assert!(ing.text.contains("name: books"));
    }

    #[test]
    fn dragging_a_service_onto_a_pod_makes_it_select_the_pod() {
        let base = crate::examples::NODEPORT_YAML;
        let cluster = load(base);
        let added = edit(
            base,
            &cluster,
            &Edit::Add {
                shape: Shape::ClusterIpService,
                namespace: "default".into(),
            },
        )
        .unwrap();
        let c = load(&added.text);
        let pod = c.list(Kind::Pod, Some("default"))[0].object_ref();
        let select = Edit::SelectPod {
            service: oref("Service", Some("default"), "svc-1"),
            pod: pod.clone(),
        };
        let edited = edit(&added.text, &c, &select).unwrap();
        let Change::SelectorChanged { before, after, .. } = &edited.change else {
            panic!("{:?}", edited.change)
        };
        assert_eq!(before.get("app").map(String::as_str), Some("svc-1"));
        assert_eq!(after.len(), 1);
        assert_eq!(after.get("app").map(String::as_str), Some("books"));
        let c2 = load(&edited.text);
        let view = crate::view::topology(&c2);
        let svc = view.services.iter().find(|s| s.name == "svc-1").unwrap();
        assert_eq!(
            svc.selects.len(),
            3,
            "every books pod, not just the one dragged onto"
        );
        // The comment heading the first document is still there; the Service document was
        // rewritten, the Deployment's was not.
        assert!(edited.text.starts_with("# The seed's NodePort app"));
        // Doing it again changes nothing.
        let again = edit(&edited.text, &c2, &select).unwrap();
        assert_eq!(again.text, edited.text);
        assert!(matches!(again.change, Change::AlreadySelected { .. }));
    }

    #[test]
    fn the_inspector_sets_fields_in_the_text() {
        let base = crate::examples::NODEPORT_YAML;
        let cluster = load(base);
        let dep = oref("Deployment", Some("default"), "books");
        let svc = oref("Service", Some("default"), "books");
        // (object, path, value, what the reloaded cluster shows)
        let set = |text: &str, c: &Cluster, object: &ObjectRef, path: &[&str], value: Json| {
            let e = Edit::SetField {
                object: object.clone(),
                path: path.iter().map(|s| s.to_string()).collect(),
                value,
            };
            edit(text, c, &e).unwrap().text
        };
        let scaled = set(base, &cluster, &dep, &["spec", "replicas"], json!(5));
        assert_eq!(load(&scaled).list(Kind::Pod, Some("default")).len(), 5);
        let typed = set(base, &cluster, &svc, &["spec", "type"], json!("LoadBalancer"));
        let c = load(&typed);
        assert!(matches!(c.get(Kind::Service, Some("default"), "books"),
            Some(Object::Service(s)) if s.service_type() == crate::model::ServiceType::LoadBalancer));
        let unselected = set(
            base,
            &cluster,
            &svc,
            &["spec", "selector"],
            json!({"app": "nothing"}),
        );
        let view = crate::view::topology(&load(&unselected));
        assert!(view.services[0].selects.is_empty());
        let cleared = set(&typed, &c, &svc, &["spec", "type"], Json::Null);
        assert!(!cleared.contains("LoadBalancer"));
        assert!(
            cleared.starts_with("# The seed's NodePort app"),
            "untouched documents keep their comments"
        );
    }

    #[test]
    fn a_rewritten_document_keeps_what_its_merge_keys_said() {
        // (manifest with an anchor and a `<<` merge, field set, what the reloaded object shows)
        let text = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: &sel
    app: web
  ports:
  - <<: {port: 80, protocol: TCP}
    targetPort: 8080
";
        let cluster = load(text);
        let svc = oref("Service", Some("default"), "web");
        let e = Edit::SetField {
            object: svc,
            path: vec!["spec".to_string(), "type".to_string()],
            value: json!("NodePort"),
        };
        let edited = edit(text, &cluster, &e).unwrap().text;
        assert!(
            !edited.contains("<<"),
            "the merge is applied, not copied as a key:\n{edited}"
        );
        let c = load(&edited);
        let Some(Object::Service(s)) = c.get(Kind::Service, Some("default"), "web") else {
            panic!("{edited}")
        };
        assert_eq!(s.service_type(), crate::model::ServiceType::NodePort);
        assert_eq!(s.spec.ports[0].port, 80, "{edited}");
        assert_eq!(s.spec.ports[0].protocol.as_deref(), Some("TCP"), "{edited}");
    }

    #[test]
    fn delete_removes_the_object_and_refuses_derived_ones() {
        let base = crate::examples::NODEPORT_YAML;
        let cluster = load(base);
        // (object, still in the text after, error)
        let pod = cluster.list(Kind::Pod, Some("default"))[0].object_ref();
        let svc = oref("Service", Some("default"), "books");
        let dep = oref("Deployment", Some("default"), "books");
        let removed = edit(base, &cluster, &Edit::Delete { object: svc.clone() }).unwrap();
        assert!(!removed.text.contains("kind: Service"));
        assert!(removed.text.contains("kind: Deployment"));
        assert!(load(&removed.text)
            .get(Kind::Service, Some("default"), "books")
            .is_none());
        let first = edit(base, &cluster, &Edit::Delete { object: dep }).unwrap();
        assert!(!first.text.contains("kind: Deployment"));
        assert!(
            first.text.trim_start().starts_with("apiVersion: v1"),
            "{}",
            first.text
        );
        assert!(load(&first.text)
            .get(Kind::Service, Some("default"), "books")
            .is_some());
        let refused = edit(base, &cluster, &Edit::Delete { object: pod }).unwrap_err();
        assert!(
            matches!(refused, EditError::MadeByController { .. }),
            "{refused:?}"
        );
        assert_eq!(
            edit("kind: [", &cluster, &Edit::Delete { object: svc }).unwrap_err(),
            EditError::TextInvalid
        );
    }
}
