//! Table of objects and the first rule each breaks (or none).

use crate::json;
use crate::json::Value;
use alloc::string::String;

use super::validate_object;
use crate::error::FieldErrorKind::{self, *};
use crate::model::Object;

fn svc(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec})
}

fn pod_spec() -> Value {
    json!({"containers": [{"name": "app", "ports": [{"name": "http", "containerPort": 8080}]}]})
}

fn deploy(selector: Value, labels: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"selector": selector, "template": {"metadata": {"labels": labels}, "spec": pod_spec()}}})
}

fn ingress(spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}, "spec": spec})
}

fn ing_path(path: &str, path_type: &str) -> Value {
    ingress(
        json!({"rules": [{"http": {"paths": [{"path": path, "pathType": path_type,
        "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}),
    )
}

fn route(rule: Value) -> Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
           "spec": {"parentRefs": [{"name": "gw"}], "rules": [rule]}})
}

/// (what the case is about, object, expected first error: (kind, field path) or None)
/// (what the case is about, object, expected first error as (kind, field path))
type Case = (&'static str, Value, Option<(FieldErrorKind, &'static str)>);

fn cases() -> alloc::vec::Vec<Case> {
    alloc::vec![
        // --- metadata
        (
            "valid service",
            svc(json!({"selector": {"app": "web"}, "ports": [{"port": 80}]})),
            None
        ),
        (
            "missing name",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {}, "spec": pod_spec()}),
            Some((Required, "metadata.name"))
        ),
        (
            "uppercase pod name",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "Web"}, "spec": pod_spec()}),
            Some((Invalid, "metadata.name"))
        ),
        (
            "service name starting with a digit (DNS-1035)",
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web"}, "spec": {"ports": [{"port": 80}]}}),
            Some((Invalid, "metadata.name"))
        ),
        (
            "dotted pod name is a valid subdomain",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web.v1"}, "spec": pod_spec()}),
            None
        ),
        (
            "dotted namespace name is not a label",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}}),
            Some((Invalid, "metadata.name"))
        ),
        (
            "bad label value",
            json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "labels": {"app": "-web"}}, "spec": pod_spec()}),
            Some((Invalid, "metadata.labels[app]"))
        ),
        (
            "bad label key",
            json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "labels": {"a/b/c": "x"}}, "spec": pod_spec()}),
            Some((Invalid, "metadata.labels"))
        ),
        (
            "namespace on a cluster-scoped kind",
            json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "n", "namespace": "default"}}),
            Some((Forbidden, "metadata.namespace"))
        ),
        // --- Service
        (
            "no ports",
            svc(json!({"selector": {"app": "web"}})),
            Some((Required, "spec.ports"))
        ),
        (
            "headless without ports is fine",
            svc(json!({"clusterIP": "None", "selector": {"app": "web"}})),
            None
        ),
        (
            "port out of range",
            svc(json!({"ports": [{"port": 70000}]})),
            Some((Invalid, "spec.ports[0].port"))
        ),
        (
            "port zero",
            svc(json!({"ports": [{"port": 0}]})),
            Some((Invalid, "spec.ports[0].port"))
        ),
        (
            "multi-port needs names",
            svc(json!({"ports": [{"port": 80}, {"name": "b", "port": 81}]})),
            Some((Required, "spec.ports[0].name"))
        ),
        (
            "duplicate port names",
            svc(json!({"ports": [{"name": "a", "port": 80}, {"name": "a", "port": 81}]})),
            Some((Duplicate, "spec.ports[1].name"))
        ),
        (
            "duplicate port+protocol",
            svc(json!({"ports": [{"name": "a", "port": 80}, {"name": "b", "port": 80}]})),
            Some((Duplicate, "spec.ports[1]"))
        ),
        (
            "same port, other protocol",
            svc(json!({"ports": [{"name": "a", "port": 53, "protocol": "UDP"},
            {"name": "b", "port": 53, "protocol": "TCP"}]})),
            None
        ),
        (
            "bad protocol",
            svc(json!({"ports": [{"port": 80, "protocol": "HTTP"}]})),
            Some((NotSupported, "spec.ports[0].protocol"))
        ),
        (
            "named targetPort too long",
            svc(json!({"ports": [{"port": 80, "targetPort": "a-very-long-port-name"}]})),
            Some((Invalid, "spec.ports[0].targetPort"))
        ),
        (
            "numeric targetPort out of range",
            svc(json!({"ports": [{"port": 80, "targetPort": 65536}]})),
            Some((Invalid, "spec.ports[0].targetPort"))
        ),
        // SetDefaults_Service turns 0 and "" into `port` before validation.
        (
            "targetPort 0 is defaulted",
            svc(json!({"ports": [{"port": 80, "targetPort": 0}]})),
            None
        ),
        (
            "empty targetPort is defaulted",
            svc(json!({"ports": [{"port": 80, "targetPort": ""}]})),
            None
        ),
        (
            "nodePort on ClusterIP",
            svc(json!({"ports": [{"port": 80, "nodePort": 31000}]})),
            Some((Forbidden, "spec.ports[0].nodePort"))
        ),
        (
            "NodePort with nodePort",
            svc(json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 31000}]})),
            None
        ),
        (
            "unknown type",
            svc(json!({"type": "Internal", "ports": [{"port": 80}]})),
            Some((NotSupported, "spec.type"))
        ),
        (
            "headless NodePort",
            svc(json!({"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]})),
            Some((Invalid, "spec.clusterIP"))
        ),
        (
            "clusterIP not an IP",
            svc(json!({"clusterIP": "10.96.0.300", "ports": [{"port": 80}]})),
            Some((Invalid, "spec.clusterIP"))
        ),
        (
            "ExternalName needs externalName",
            svc(json!({"type": "ExternalName"})),
            Some((Required, "spec.externalName"))
        ),
        (
            "ExternalName with clusterIP",
            svc(json!({"type": "ExternalName", "externalName": "db.example.com",
            "clusterIP": "10.96.0.5"})),
            Some((Forbidden, "spec.clusterIP"))
        ),
        (
            "ExternalName with trailing dot",
            svc(json!({"type": "ExternalName", "externalName": "db.example.com."})),
            None
        ),
        (
            "ExternalName uppercase",
            svc(json!({"type": "ExternalName", "externalName": "DB.example.com"})),
            Some((Invalid, "spec.externalName"))
        ),
        (
            "affinity timeout too long",
            svc(json!({"ports": [{"port": 80}], "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86401}}})),
            Some((Invalid, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"))
        ),
        (
            "affinity timeout without ClientIP",
            svc(json!({"ports": [{"port": 80}],
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}})),
            Some((Forbidden, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"))
        ),
        (
            "externalTrafficPolicy on ClusterIP",
            svc(json!({"ports": [{"port": 80}], "externalTrafficPolicy": "Local"})),
            Some((Invalid, "spec.externalTrafficPolicy"))
        ),
        (
            "externalTrafficPolicy Local on LoadBalancer",
            svc(json!({"type": "LoadBalancer", "ports": [{"port": 80}],
            "externalTrafficPolicy": "Local"})),
            None
        ),
        (
            "bad internalTrafficPolicy",
            svc(json!({"ports": [{"port": 80}], "internalTrafficPolicy": "Node"})),
            Some((NotSupported, "spec.internalTrafficPolicy"))
        ),
        (
            "selector value invalid",
            svc(json!({"ports": [{"port": 80}], "selector": {"app": "a b"}})),
            Some((Invalid, "spec.selector[app]"))
        ),
        (
            "IPv6 family",
            svc(json!({"ports": [{"port": 80}], "ipFamilies": ["IPv6"]})),
            Some((NotSupported, "spec.ipFamilies[0]"))
        ),
        (
            "source ranges on ClusterIP",
            svc(json!({"ports": [{"port": 80}], "loadBalancerSourceRanges": ["10.0.0.0/8"]})),
            Some((Forbidden, "spec.loadBalancerSourceRanges"))
        ),
        // --- Pod
        (
            "pod without containers",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}),
            Some((Required, "spec.containers"))
        ),
        (
            "container port name too long",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "ports": [{"name": "http-metrics-long", "containerPort": 80}]}]}}),
            Some((Invalid, "spec.containers[0].ports[0].name"))
        ),
        (
            "duplicate container port names",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 80},
                                                            {"name": "http", "containerPort": 81}]}]}}),
            Some((Duplicate, "spec.containers[0].ports[1].name"))
        ),
        (
            "bad hostname",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"hostname": "Web_0", "containers": [{"name": "c"}]}}),
            Some((Invalid, "spec.hostname"))
        ),
        // --- workloads
        (
            "valid deployment",
            deploy(json!({"matchLabels": {"app": "web"}}), json!({"app": "web"})),
            None
        ),
        (
            "deployment without selector",
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec()}}}),
            Some((Required, "spec.selector"))
        ),
        (
            "selector does not match template",
            deploy(json!({"matchLabels": {"app": "api"}}), json!({"app": "web"})),
            Some((Invalid, "spec.template.metadata.labels"))
        ),
        (
            "empty selector",
            deploy(json!({}), json!({"app": "web"})),
            Some((Invalid, "spec.selector"))
        ),
        (
            "bad selector operator",
            deploy(
                json!({"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}),
                json!({"app": "web"})
            ),
            Some((NotSupported, "spec.selector.matchExpressions[0].operator"))
        ),
        (
            "negative replicas",
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": -1, "selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": pod_spec()}}}),
            Some((Invalid, "spec.replicas"))
        ),
        (
            // kroute's own limit (the API server takes any int32): a page must not freeze.
            "more replicas than kroute simulates",
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": 100_000_000, "selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": pod_spec()}}}),
            Some((Invalid, "spec.replicas"))
        ),
        (
            "the most replicas kroute simulates",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
            "spec": {"replicas": 100_000, "selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": pod_spec()}}}),
            None
        ),
        (
            "statefulset dotted name",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web.db"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": pod_spec()}}}),
            Some((Invalid, "metadata.name"))
        ),
        (
            "statefulset bad policy",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {"podManagementPolicy": "Random", "selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": pod_spec()}}}),
            Some((NotSupported, "spec.podManagementPolicy"))
        ),
        (
            "statefulset restartPolicy Never",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"restartPolicy": "Never", "containers": [{"name": "c"}]}}}}),
            Some((NotSupported, "spec.template.spec.restartPolicy"))
        ),
        // --- Ingress
        ("valid prefix path", ing_path("/books", "Prefix"), None),
        (
            "pathType missing",
            ingress(json!({"rules": [{"http": {"paths": [{"path": "/",
            "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]})),
            Some((Required, "spec.rules[0].http.paths[0].pathType"))
        ),
        (
            "relative path",
            ing_path("books", "Prefix"),
            Some((Invalid, "spec.rules[0].http.paths[0].path"))
        ),
        (
            "double slash",
            ing_path("/a//b", "Exact"),
            Some((Invalid, "spec.rules[0].http.paths[0].path"))
        ),
        (
            "dot segment",
            ing_path("/a/./b", "Prefix"),
            Some((Invalid, "spec.rules[0].http.paths[0].path"))
        ),
        (
            "encoded slash",
            ing_path("/a%2Fb", "Prefix"),
            Some((Invalid, "spec.rules[0].http.paths[0].path"))
        ),
        (
            "trailing dot-dot",
            ing_path("/a/..", "Prefix"),
            Some((Invalid, "spec.rules[0].http.paths[0].path"))
        ),
        (
            "regex allowed for ImplementationSpecific",
            ing_path("/api/v[0-9]+", "ImplementationSpecific"),
            None
        ),
        (
            "unknown pathType",
            ing_path("/", "Regex"),
            Some((NotSupported, "spec.rules[0].http.paths[0].pathType"))
        ),
        (
            "no rules and no default backend",
            ingress(json!({})),
            Some((Invalid, "spec"))
        ),
        (
            "host is an IP",
            ingress(
                json!({"rules": [{"host": "10.0.0.1", "http": {"paths": [{"path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]})
            ),
            Some((Invalid, "spec.rules[0].host"))
        ),
        (
            "bare wildcard host",
            ingress(
                json!({"rules": [{"host": "*", "http": {"paths": [{"path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]})
            ),
            Some((Invalid, "spec.rules[0].host"))
        ),
        (
            "wildcard host",
            ingress(
                json!({"rules": [{"host": "*.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]})
            ),
            None
        ),
        (
            "backend with port name and number",
            ingress(json!({"defaultBackend": {"service": {"name": "s",
            "port": {"name": "http", "number": 80}}}})),
            Some((Invalid, "spec.defaultBackend.service.port"))
        ),
        (
            "backend without port",
            ingress(json!({"defaultBackend": {"service": {"name": "s"}}})),
            Some((Required, "spec.defaultBackend.service.port"))
        ),
        (
            "both service and resource",
            ingress(
                json!({"defaultBackend": {"service": {"name": "s", "port": {"number": 80}},
            "resource": {"kind": "Bucket", "name": "b"}}})
            ),
            Some((Invalid, "spec.defaultBackend"))
        ),
        (
            "class annotation disagrees",
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "annotations": {"kubernetes.io/ingress.class": "traefik"}},
            "spec": {"ingressClassName": "nginx", "defaultBackend": {"service": {"name": "s", "port": {"number": 80}}}}}),
            Some((Invalid, "spec.ingressClassName"))
        ),
        (
            "ingress class controller not domain-prefixed",
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": "c"}, "spec": {"controller": "nginx"}}),
            Some((Invalid, "spec.controller"))
        ),
        // --- Gateway API
        (
            "gateway without listeners",
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g"}, "spec": {"gatewayClassName": "c", "listeners": []}}),
            Some((Required, "spec.listeners"))
        ),
        (
            "listener protocol",
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g"}, "spec": {"gatewayClassName": "c", "listeners": [{"name": "l", "port": 80, "protocol": "QUIC"}]}}),
            Some((NotSupported, "spec.listeners[0].protocol"))
        ),
        (
            "route path not absolute",
            route(json!({"matches": [{"path": {"type": "PathPrefix", "value": "api"}}]})),
            Some((Invalid, "spec.rules[0].matches[0].path.value"))
        ),
        (
            "route weight too large",
            route(json!({"backendRefs": [{"name": "s", "port": 80, "weight": 1_000_001}]})),
            Some((Invalid, "spec.rules[0].backendRefs[0].weight"))
        ),
        (
            "route service backend without port",
            route(json!({"backendRefs": [{"name": "s"}]})),
            Some((Required, "spec.rules[0].backendRefs[0].port"))
        ),
        (
            "route method",
            route(json!({"matches": [{"method": "FETCH"}]})),
            Some((NotSupported, "spec.rules[0].matches[0].method"))
        ),
        // --- other kinds are not validated, only kept
        (
            "configmap",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Not_Valid"}}),
            None
        ),
    ]
}

#[test]
fn objects_break_exactly_the_expected_rule() {
    let mut failures = String::new();
    for (about, manifest, expected) in cases() {
        let object = Object::from_value(manifest).unwrap_or_else(|e| panic!("{about}: {e}"));
        let errors = validate_object(&object);
        let got = errors.first().map(|e| (e.kind, e.path.as_str()));
        if got != expected {
            failures.push_str(&alloc::format!(
                "{about}: expected {expected:?}, got {errors:?}\n"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

#[test]
fn messages_say_which_rule_was_broken() {
    let object = Object::from_value(svc(json!({"ports": [{"port": 70000}]}))).unwrap();
    let err = super::check_object(&object, Some(2)).unwrap_err();
    let text = alloc::format!("{err}");
    assert!(
        text.starts_with("Service/default/web is invalid: spec.ports[0].port: Invalid value: 70000"),
        "{text}"
    );
    assert!(text.contains("between 1 and 65535"), "{text}");
    assert_eq!(err.index, Some(2));
}
