// Manifests and requests shared by the tests. CommonJS, so both the `require` tests and the
// `import` tests can load it (`import helpers from "./helpers.cjs"`).
"use strict";

/** A ClusterIP Service, a Service without endpoints, a client pod in `default` and one in `other`. */
const CLUSTER_IP_YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec: {selector: {app: nobody}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: curl, image: curlimages/curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other}
spec: {containers: [{name: curl, image: curlimages/curl}]}
`;

/** A Gateway for *.example.com with a Route to cart (and one to a Service that does not exist). */
const GATEWAY_YAML = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec: {controllerName: example.com/gateway}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store}
spec:
  parentRefs: [{name: edge}]
  hostnames: [store.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /cart}}]
    backendRefs: [{name: cart, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /gone}}]
    backendRefs: [{name: missing, port: 80}]
  - matches: [{path: {type: Exact, value: /split}, headers: [{name: x-canary, value: "1"}]}]
    backendRefs: [{name: cart, port: 80, weight: 3}, {name: cart-v2, port: 80, weight: 1}]
  - matches: [{path: {type: Exact, value: /split}}]
    backendRefs: [{name: cart, port: 80}]
  - matches: [{path: {type: Exact, value: /empty}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart}
spec:
  replicas: 2
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart}
spec: {selector: {app: cart}, ports: [{port: 80, targetPort: 8080}]}
`;

/** An Ingress with TLS for one host (plain HTTP gets a 308) and a conflicting duplicate path. */
const INGRESS_TLS_YAML = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure}
spec:
  tls: [{hosts: [secure.example.com], secretName: secure-tls}]
  rules:
  - host: secure.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}
      - {path: /app, pathType: Exact, backend: {service: {name: app, port: {name: http}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: copy}
spec:
  rules:
  - host: secure.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}
`;

/** Requests that walk every kind of path through CLUSTER_IP_YAML. */
const CLUSTER_IP_REQUESTS = [
  { from: "pod/default/client", url: "http://web/" },
  { from: "pod/other/client", url: "http://web.default.svc.cluster.local/x", headers: { Host: "web" } },
  { from: "pod/client", url: "http://sticky/" },
  { from: "pod/client", url: "http://sticky/" },
  { from: "pod/client", url: "http://nobody/" },
  { from: "pod/client", url: "http://missing/" },
  { from: "node/node-1", url: "http://web.default.svc.cluster.local/" },
  { from: "external", url: "http://web.default.svc.cluster.local/" },
  { url: "http://10.244.1.2:8080/", clientIp: "192.0.2.10" },
  { url: "http://172.18.0.9/" },
  { from: "kubectl port-forward svc/web 8000:80", url: "http://localhost:8000/" },
  { from: "kubectl port-forward svc/web 8000:80", url: "http://localhost:9000/" },
  { from: "port-forward deploy/web 8080", url: "http://localhost:8080/" },
];

const GATEWAY_REQUESTS = [
  { url: "http://store.example.com/cart/1" },
  { url: "http://store.example.com/checkout" },
  { url: "http://store.example.com/gone" },
  { url: "http://store.example.com/split", headers: [["x-canary", "1"]] },
  { url: "http://store.example.com/empty" },
  { url: "http://store.example.org/cart" },
];

module.exports = {
  CLUSTER_IP_YAML,
  GATEWAY_YAML,
  INGRESS_TLS_YAML,
  CLUSTER_IP_REQUESTS,
  GATEWAY_REQUESTS,
};
