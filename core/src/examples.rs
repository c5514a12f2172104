//! Ready-made clusters, each with a request worth sending: the playground's Examples menu, the
//! README's tour and the end-to-end tests of `route` all use these, so what a user is shown is
//! what is tested.

use crate::json::ToJson;
use alloc::string::ToString;
use alloc::vec::Vec;

use crate::dataplane::route::{ForwardTarget, PortForward, Request, Source};

/// One example: manifests, and the request that shows the point of it.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence: what to look at in the trace.
    pub summary: &'static str,
    pub yaml: &'static str,
    pub request: Request,
    /// The answering pod's name starts with this (pods of a Deployment get random suffixes).
    pub expect_pod_prefix: &'static str,
}

/// The seed's NodePort app (`<node-ip>:<nodePort>/books`).
pub const NODEPORT_YAML: &str = r#"# The seed's NodePort app: any node's IP, port 31000.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: books
  labels: {app: books}
spec:
  replicas: 3
  selector:
    matchLabels: {app: books}
  template:
    metadata:
      labels: {app: books}
    spec:
      containers:
      - name: api
        image: ghcr.io/example/books:1.4
        ports:
        - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: books
spec:
  type: NodePort
  selector: {app: books}
  ports:
  - {name: http, port: 80, targetPort: http, nodePort: 31000}
"#;

pub const PORT_FORWARD_YAML: &str = r#"# kubectl port-forward svc/my-service 8000:80 reaches one pod, on its targetPort.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 2
  selector:
    matchLabels: {app: my-app}
  template:
    metadata:
      labels: {app: my-app}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - {name: web, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector: {app: my-app}
  ports:
  - {port: 80, targetPort: web}
"#;

pub const STATEFULSET_YAML: &str = r#"# A StatefulSet behind a headless Service: stable names web-0.nginx, web-1.nginx.
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports:
  - {name: web, port: 80}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - {name: web, containerPort: 80}
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - {name: curl, image: curlimages/curl:8.10.1}
"#;

pub const INGRESS_YAML: &str = r#"# An Ingress with hosts, Prefix and Exact paths, and a default backend.
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service: {name: fallback, port: {number: 80}}
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
      - {path: /api/health, pathType: Exact, backend: {service: {name: health, port: {number: 80}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  replicas: 2
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: ghcr.io/example/api:2.0, ports: [{name: http, containerPort: 9000}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: health}
spec:
  replicas: 1
  selector: {matchLabels: {app: health}}
  template:
    metadata: {labels: {app: health}}
    spec: {containers: [{name: health, image: ghcr.io/example/health:1.0, ports: [{containerPort: 8081}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fallback}
spec:
  replicas: 1
  selector: {matchLabels: {app: fallback}}
  template:
    metadata: {labels: {app: fallback}}
    spec: {containers: [{name: fallback, image: nginx:1.27, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: frontend}
spec: {selector: {app: frontend}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{name: http, port: 8000, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: health}
spec: {selector: {app: health}, ports: [{port: 80, targetPort: 8081}]}
---
apiVersion: v1
kind: Service
metadata: {name: fallback}
spec: {selector: {app: fallback}, ports: [{port: 80, targetPort: 8080}]}
"#;

pub const LOAD_BALANCER_LOCAL_YAML: &str = r#"# A LoadBalancer with externalTrafficPolicy: Local: the client IP is kept, and only nodes
# with a local endpoint pass the load balancer's health check.
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec: {containers: [{name: echo, image: ghcr.io/example/echo:1.0, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: echo}
  ports:
  - {port: 80, targetPort: 8080}
"#;

pub const EXTERNAL_NAME_YAML: &str = r#"# An ExternalName: cluster DNS answers a CNAME and the request leaves the cluster.
apiVersion: v1
kind: Service
metadata: {name: payments}
spec:
  type: ExternalName
  externalName: api.payments.example.net
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - {name: curl, image: curlimages/curl:8.10.1}
"#;

pub const MESH_SPLIT_YAML: &str = r#"# A meshed namespace (istio-injection=enabled) and a GAMMA HTTPRoute that splits the
# reviews Service 90/10 between v1 and v2 at the client's sidecar.
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Pod
metadata: {name: productpage, namespace: shop, labels: {app: productpage}}
spec: {containers: [{name: app, image: docker.io/istio/examples-bookinfo-productpage-v1:1.20.2, ports: [{containerPort: 9080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: app, image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.2, ports: [{containerPort: 9080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v2, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: reviews, version: v2}}
  template:
    metadata: {labels: {app: reviews, version: v2}}
    spec: {containers: [{name: app, image: docker.io/istio/examples-bookinfo-reviews-v2:1.20.2, ports: [{containerPort: 9080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews-v1, namespace: shop}
spec: {selector: {app: reviews, version: v1}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews-v2, namespace: shop}
spec: {selector: {app: reviews, version: v2}, ports: [{name: http, port: 9080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews-split, namespace: shop}
spec:
  parentRefs:
  - {group: "", kind: Service, name: reviews, port: 9080}
  rules:
  - backendRefs:
    - {name: reviews-v1, port: 9080, weight: 90}
    - {name: reviews-v2, port: 9080, weight: 10}
"#;

/// Online Boutique, as released (a real-world manifest of 12 Services).
pub const ONLINE_BOUTIQUE_YAML: &str = include_str!(
    "../../../shared/fixtures/manifests/GoogleCloudPlatform-microservices-demo__online-boutique-release.yaml"
);

fn pod(namespace: &str, name: &str) -> Source {
    Source::Pod {
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

/// Every example, in menu order.
pub fn examples() -> Vec<Example> {
    let mut list = alloc::vec![
        Example {
            id: "nodeport",
            title: "NodePort: 172.18.0.2:31000/books",
            summary: "A node's IP and the nodePort reach kube-proxy, which picks any ready pod and SNATs to the node.",
            yaml: NODEPORT_YAML,
            request: Request::get(Source::External { client_ip: None }, "http://172.18.0.2:31000/books"),
            expect_pod_prefix: "books-",
        },
        Example {
            id: "port-forward",
            title: "kubectl port-forward svc/my-service 8000:80",
            summary: "kubectl resolves the Service to one pod and forwards to its targetPort: no load balancing.",
            yaml: PORT_FORWARD_YAML,
            request: Request::get(
                Source::PortForward(PortForward {
                    namespace: "default".to_string(),
                    target: ForwardTarget::Service("my-service".to_string()),
                    local_port: 8000,
                    remote_port: 80,
                }),
                "http://localhost:8000/",
            ),
            expect_pod_prefix: "my-app-",
        },
        Example {
            id: "statefulset",
            title: "StatefulSet: web-0.nginx",
            summary: "The headless Service gives each pod a stable DNS name; no virtual IP, no kube-proxy.",
            yaml: STATEFULSET_YAML,
            request: Request::get(pod("default", "client"), "http://web-0.nginx/"),
            expect_pod_prefix: "web-0",
        },
        Example {
            id: "ingress",
            title: "Ingress: hosts, paths, default backend",
            summary: "The most specific path wins: Exact /api/health beats Prefix /api, which beats Prefix /.",
            yaml: INGRESS_YAML,
            request: Request::get(Source::External { client_ip: None }, "http://shop.example.com/api/orders"),
            expect_pod_prefix: "api-",
        },
        Example {
            id: "loadbalancer-local",
            title: "LoadBalancer, externalTrafficPolicy: Local",
            summary: "The load balancer only sends to nodes with a local pod; the pod sees the client's own IP.",
            yaml: LOAD_BALANCER_LOCAL_YAML,
            request: Request::get(Source::External { client_ip: None }, "http://203.0.113.1/"),
            expect_pod_prefix: "echo-",
        },
        Example {
            id: "externalname",
            title: "ExternalName: a CNAME out of the cluster",
            summary: "Cluster DNS answers a CNAME to api.payments.example.net and the request leaves the cluster.",
            yaml: EXTERNAL_NAME_YAML,
            request: Request::get(pod("default", "client"), "http://payments/charge"),
            expect_pod_prefix: "",
        },
        Example {
            id: "mesh-split",
            title: "Service mesh: a 90/10 traffic split",
            summary: "The client's sidecar applies the HTTPRoute bound to the reviews Service, then mTLS to the server's sidecar.",
            yaml: MESH_SPLIT_YAML,
            request: Request::get(pod("shop", "productpage"), "http://reviews:9080/reviews/1"),
            expect_pod_prefix: "reviews-v",
        },
    ];
    list.push(Example {
        id: "online-boutique",
        title: "Online Boutique (real manifests)",
        summary:
            "Google's microservices demo as released: the frontend's LoadBalancer in front of 11 services.",
        yaml: ONLINE_BOUTIQUE_YAML,
        request: Request::get(Source::External { client_ip: None }, "http://203.0.113.1/"),
        expect_pod_prefix: "frontend-",
    });
    list
}
