use crate::json;
use crate::json::{FromJson, Value};
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use super::*;

/// One representative manifest per kind, in `Kind::ALL`'s order, with most of the fields each
/// kind models.
fn examples() -> [Value; 14] {
    [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "a"}},
               "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"], "unschedulable": true},
               "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}],
                          "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                          "message": "ok", "lastTransitionTime": "2025-01-02T03:04:05Z"}]}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop", "labels": {"app": "web"},
                            "annotations": {"a/b": "c"}, "uid": "u1", "resourceVersion": "7", "generateName": "p-",
                            "creationTimestamp": "2025-01-02T03:04:05Z", "deletionTimestamp": "2025-01-02T03:05:05Z",
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs",
                                                 "uid": "u0", "controller": true}]},
               "spec": {"nodeName": "n1", "hostname": "h", "subdomain": "s", "restartPolicy": "Always",
                        "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                        "nodeSelector": {"disk": "ssd"}, "serviceAccountName": "sa",
                        "containers": [{"name": "c", "image": "nginx",
                                        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP", "hostPort": 80}]}],
                        "initContainers": [{"name": "side", "restartPolicy": "Always"}]},
               "status": {"phase": "Running", "podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}],
                          "hostIP": "172.18.0.2", "reason": "r", "message": "m",
                          "conditions": [{"type": "Ready", "status": "True"}]}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
               "spec": {"replicas": 3, "minReadySeconds": 5,
                        "selector": {"matchLabels": {"app": "web"},
                                     "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]},
                        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c"}]}}}}),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
               "spec": {"replicas": 1, "minReadySeconds": 2, "selector": {"matchLabels": {"a": "b"}},
                        "template": {"metadata": {"labels": {"a": "b"}}}}}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
               "spec": {"serviceName": "nginx", "replicas": 2, "ordinals": {"start": 5},
                        "podManagementPolicy": "Parallel",
                        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1, "maxUnavailable": "50%"}},
                        "minReadySeconds": 1, "revisionHistoryLimit": 3,
                        "selector": {"matchLabels": {"app": "nginx"}},
                        "template": {"metadata": {"labels": {"app": "nginx"}}},
                        "volumeClaimTemplates": [{"metadata": {"name": "www"}}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
               "spec": {"type": "NodePort", "selector": {"app": "web"}, "clusterIP": "10.96.0.20",
                        "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 31000}],
                        "externalTrafficPolicy": "Local", "sessionAffinity": "ClientIP",
                        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}},
                        "clusterIPs": ["10.96.0.20"], "externalIPs": ["1.2.3.4"], "internalTrafficPolicy": "Cluster",
                        "externalName": "e.example.com", "publishNotReadyAddresses": true,
                        "loadBalancerIP": "5.6.7.8", "loadBalancerSourceRanges": ["0.0.0.0/0"],
                        "loadBalancerClass": "lb", "allocateLoadBalancerNodePorts": false, "healthCheckNodePort": 32000,
                        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "trafficDistribution": "PreferClose"},
               "status": {"loadBalancer": {"ingress": [{"ip": "5.6.7.8", "hostname": "lb.example.com", "ipMode": "VIP"}]}}}),
        json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "s"},
               "subsets": [{"addresses": [{"ip": "10.0.0.1", "hostname": "h", "nodeName": "n1",
                                           "targetRef": {"kind": "Pod", "namespace": "default", "name": "p", "uid": "u"}}],
                            "notReadyAddresses": [{"ip": "10.0.0.2"}],
                            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "appProtocol": "http"}]}]}),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "s-abc"},
               "addressType": "IPv4",
               "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true, "serving": true, "terminating": false},
                              "nodeName": "n1", "hostname": "h", "zone": "a", "targetRef": {"kind": "Pod", "name": "p"},
                              "hints": {"forZones": [{"name": "a"}], "forNodes": [{"name": "n1"}]}}],
               "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
               "spec": {"ingressClassName": "nginx",
                        "defaultBackend": {"service": {"name": "def", "port": {"number": 80}}},
                        "tls": [{"hosts": ["a.example.com"], "secretName": "tls"}],
                        "rules": [{"host": "a.example.com", "http": {"paths": [
                            {"path": "/books", "pathType": "Prefix",
                             "backend": {"service": {"name": "books", "port": {"name": "http"}}}},
                            {"path": "/static", "pathType": "Exact",
                             "backend": {"resource": {"apiGroup": "k8s.example.com", "kind": "Bucket", "name": "b"}}}]}}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx",
               "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
               "spec": {"controller": "k8s.io/ingress-nginx",
                        "parameters": {"apiGroup": "k8s.example.com", "kind": "P", "name": "p", "scope": "Namespace",
                                       "namespace": "ns"}}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "gc"},
               "spec": {"controllerName": "example.com/gateway", "description": "d"}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
               "spec": {"gatewayClassName": "gc", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP",
                        "hostname": "*.example.com",
                        "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"a": "b"}}}}}],
                        "addresses": [{"type": "IPAddress", "value": "10.0.0.9"}]}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
               "spec": {"parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "infra",
                                        "name": "gw", "sectionName": "http", "port": 80}],
                        "hostnames": ["a.example.com"],
                        "rules": [{"name": "r0",
                                   "matches": [{"path": {"type": "PathPrefix", "value": "/"},
                                                "headers": [{"type": "Exact", "name": "x-canary", "value": "1"}],
                                                "queryParams": [{"type": "Exact", "name": "v", "value": "2"}], "method": "GET"}],
                                   "backendRefs": [{"group": "", "kind": "Service", "namespace": "apps",
                                                    "name": "a", "port": 80, "weight": 70},
                                                   {"name": "b", "port": 80, "weight": 30}]}]}}),
    ]
}

/// Decode, check the kind, encode: the same JSON.
#[test]
fn every_kind_round_trips_through_its_api_shape() {
    let cases = examples();
    assert_eq!(cases.len(), Kind::ALL.len());
    for (case, kind) in cases.iter().zip(Kind::ALL) {
        let object = Object::from_value(case.clone()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(object.kind(), Some(kind));
        // Everything we read is written back, and nothing is invented.
        assert_eq!(&object.to_value(), case, "{kind} did not round-trip");
    }
}

#[test]
fn shapes_carry_the_values_of_the_manifest() {
    let svc = Object::from_value(json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "s", "namespace": "shop"},
        "spec": {"clusterIP": "None", "ports": [{"port": 80, "targetPort": 8080}, {"port": 81, "targetPort": "web"}]}}))
    .unwrap();
    let Object::Service(s) = &svc else {
        panic!("not a service")
    };
    assert!(s.is_headless());
    assert_eq!(s.service_type(), ServiceType::ClusterIP);
    assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(8080)));
    assert_eq!(
        s.spec.ports[1].target_port,
        Some(IntOrString::String("web".to_string()))
    );
    assert_eq!(svc.object_ref().to_string(), "Service/shop/s");
}

#[test]
fn unknown_fields_are_ignored_and_unknown_kinds_kept_aside() {
    let pod = Object::from_value(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
        "managedFields": [{"manager": "kubectl"}]}, "spec": {"futureField": 1, "containers": []}}),
    )
    .unwrap();
    assert_eq!(pod.kind(), Some(Kind::Pod));
    let cm =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "b"}});
    let other = Object::from_value(cm.clone()).unwrap();
    assert_eq!(other.kind(), None);
    assert_eq!(other.kind_str(), "ConfigMap");
    assert_eq!(other.object_ref().to_string(), "ConfigMap/default/cfg");
    assert_eq!(other.to_value(), cm);
}

#[test]
fn shape_errors_name_the_object_and_the_field_path() {
    let cases = [
        (
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                "spec": {"ports": [{"port": 80}, {"port": "eighty"}]}}),
            "Service/default/s",
            "spec.ports[1].port",
        ),
        (
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": "app=web"}}),
            "Pod/default/p",
            "metadata.labels",
        ),
        (
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "x"},
                "spec": {"replicas": true}}),
            "Deployment/x/d",
            "spec.replicas",
        ),
        (
            json!({"apiVersion": "v2", "kind": "Service", "metadata": {"name": "s"}}),
            "Service/default/s",
            "apiVersion",
        ),
        (
            json!({"apiVersion": "v1", "metadata": {"name": "s"}}),
            "/default/s",
            "kind",
        ),
    ];
    for (input, object, path) in cases {
        let err = Object::from_value(input).unwrap_err();
        assert_eq!(err.object.to_string(), object);
        assert_eq!(err.errors[0].path.as_str(), path, "{err}");
    }
}

#[test]
fn kinds_parse_from_manifest_names_and_kubectl_short_names() {
    let cases = [
        ("Service", Some(Kind::Service)),
        ("svc", Some(Kind::Service)),
        ("deploy", Some(Kind::Deployment)),
        ("sts", Some(Kind::StatefulSet)),
        ("HTTPRoute", Some(Kind::HttpRoute)),
        ("ing", Some(Kind::Ingress)),
        ("ConfigMap", None),
    ];
    for (input, expected) in cases {
        assert_eq!(Kind::parse(input), expected, "{input}");
    }
    assert_eq!(Kind::Ingress.group(), "networking.k8s.io");
    assert_eq!(Kind::Pod.group(), "");
    assert!(!Kind::Node.is_namespaced());
}

/// The model's decoder and serde's derived `Deserialize` (the reference: serde_json reading the
/// same JSON through `serde_path_to_error`, which keeps the path) agree on every kind's example,
/// on the example with any one value replaced by a wrong one, and on a wrong top-level value:
/// the same object, or the same message at the same path. One deliberate difference: serde also
/// reads a struct from an array of its fields; the model reads structs from objects only.
#[test]
fn decode_agrees_with_serde_with_any_value_replaced() {
    fn check<T>(value: &Value)
    where
        T: FromJson + serde::de::DeserializeOwned + PartialEq + fmt::Debug,
    {
        let ours = T::from_json(value).map_err(|e| (e.path(), e.message().to_string()));
        if let Err((_, m)) = &ours {
            if m.starts_with("invalid type: sequence, expected struct") {
                return;
            }
        }
        let theirs: serde_json::Value = serde_json::from_str(&value.to_string()).unwrap();
        let reference = serde_path_to_error::deserialize::<_, T>(theirs).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." {
                alloc::string::String::new()
            } else {
                path
            };
            (path, e.inner().to_string())
        });
        assert_eq!(ours, reference, "{value}");
    }
    fn agree(kind: Kind, value: &Value) {
        match kind {
            Kind::Namespace => check::<Namespace>(value),
            Kind::Node => check::<Node>(value),
            Kind::Pod => check::<Pod>(value),
            Kind::Deployment => check::<Deployment>(value),
            Kind::ReplicaSet => check::<ReplicaSet>(value),
            Kind::StatefulSet => check::<StatefulSet>(value),
            Kind::Service => check::<Service>(value),
            Kind::Endpoints => check::<Endpoints>(value),
            Kind::EndpointSlice => check::<EndpointSlice>(value),
            Kind::Ingress => check::<Ingress>(value),
            Kind::IngressClass => check::<IngressClass>(value),
            Kind::GatewayClass => check::<GatewayClass>(value),
            Kind::Gateway => check::<Gateway>(value),
            Kind::HttpRoute => check::<HttpRoute>(value),
        }
    }
    /// The JSON pointer of every value under `value` (not `value` itself).
    fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        for (segment, child) in children {
            let pointer = format!("{at}/{segment}");
            pointers(child, &pointer, out);
            out.push(pointer);
        }
    }
    let wrong = [
        json!("x"),
        json!(1.5),
        json!(-3),
        json!(70000),
        json!(u64::MAX),
        json!(true),
        json!(null),
        json!([]),
        json!(["x"]),
        json!({}),
        json!({"k": 1}),
    ];
    let mut checked = 0;
    for (example, kind) in examples().into_iter().zip(Kind::ALL) {
        agree(kind, &example);
        for top in [json!("x"), json!(null), json!([])] {
            agree(kind, &top);
        }
        let mut all = Vec::new();
        pointers(&example, "", &mut all);
        for pointer in all {
            for w in &wrong {
                let mut value = example.clone();
                if let Some(slot) = value.pointer_mut(&pointer) {
                    *slot = w.clone();
                }
                agree(kind, &value);
                checked += 1;
            }
        }
    }
    // Every example has many values to replace.
    assert!(checked > 14 * 50, "{checked}");
}
