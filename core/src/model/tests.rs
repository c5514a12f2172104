use alloc::string::ToString;
use serde_json::json;

use super::*;

/// One representative manifest per kind: decode, check a field, encode, decode again.
#[test]
fn every_kind_round_trips_through_its_api_shape() {
    let cases = [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
               "spec": {"podCIDR": "10.244.1.0/24"},
               "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
               "status": {"podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}]}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
               "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c"}]}}}}),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
               "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}},
                        "template": {"metadata": {"labels": {"a": "b"}}}}}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
               "spec": {"serviceName": "nginx", "replicas": 2, "ordinals": {"start": 5},
                        "podManagementPolicy": "Parallel",
                        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
                        "selector": {"matchLabels": {"app": "nginx"}},
                        "template": {"metadata": {"labels": {"app": "nginx"}}},
                        "volumeClaimTemplates": [{"metadata": {"name": "www"}}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
               "spec": {"type": "NodePort", "selector": {"app": "web"}, "clusterIP": "10.96.0.20",
                        "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 31000}],
                        "externalTrafficPolicy": "Local", "sessionAffinity": "ClientIP",
                        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}}),
        json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "s"},
               "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]}),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "s-abc"},
               "addressType": "IPv4",
               "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "nodeName": "n1"}],
               "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
               "spec": {"ingressClassName": "nginx",
                        "defaultBackend": {"service": {"name": "def", "port": {"number": 80}}},
                        "tls": [{"hosts": ["a.example.com"], "secretName": "tls"}],
                        "rules": [{"host": "a.example.com", "http": {"paths": [
                            {"path": "/books", "pathType": "Prefix",
                             "backend": {"service": {"name": "books", "port": {"name": "http"}}}}]}}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx",
               "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
               "spec": {"controller": "k8s.io/ingress-nginx"}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "gc"},
               "spec": {"controllerName": "example.com/gateway"}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
               "spec": {"gatewayClassName": "gc", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP",
                        "hostname": "*.example.com", "allowedRoutes": {"namespaces": {"from": "All"}}}]}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
               "spec": {"parentRefs": [{"name": "gw", "sectionName": "http"}], "hostnames": ["a.example.com"],
                        "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"},
                                                "headers": [{"name": "x-canary", "value": "1"}],
                                                "queryParams": [{"name": "v", "value": "2"}], "method": "GET"}],
                                   "backendRefs": [{"name": "a", "port": 80, "weight": 70},
                                                   {"name": "b", "port": 80, "weight": 30}]}]}}),
    ];
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
