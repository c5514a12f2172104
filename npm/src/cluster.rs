//! `class Cluster`: the simulated cluster, held in wasm memory until `free()` (or until the
//! JavaScript object is garbage-collected).

use kroute::cluster::{ApplyError, Cluster};
use kroute::dataplane::route::Source;
use kroute::dns::RecordType;
use kroute::manifest::{locate_errors, parse_manifests, ExportOptions};
use kroute::model::{EndpointSlice, Kind, Object};
use wasm_bindgen::prelude::*;

use crate::answers::ApplyAnswer;
use crate::input::{self, ClusterOptions, ExportInput, InputError, ResolveInput, RouteInput};
use crate::js::{self, from_js, optional, to_js, type_error};
use crate::{optional_string_arg, string_arg};
use kroute::sort::SharedSort;

/// A simulated cluster: nodes, a seed, a clock that moves only when `advance` is called.
#[wasm_bindgen(js_name = Cluster)]
pub struct JsCluster {
    inner: Cluster,
}

#[wasm_bindgen(js_class = Cluster)]
impl JsCluster {
    /// A cluster with `options.nodes` nodes (default 3: node-1… at 172.18.0.2…) and nothing
    /// else. The same options and the same calls always give the same cluster. Throws a
    /// `ConfigError` for unusable options, a `TypeError` for unknown ones.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ClusterOptions")] options: JsValue,
    ) -> Result<JsCluster, JsValue> {
        let options: ClusterOptions = optional(options, "options")?;
        let inner = Cluster::new(options.into_config()).map_err(|e| js::config_error(&e))?;
        Ok(JsCluster { inner })
    }

    /// Creates or replaces every object in `manifests` (YAML or JSON text), all or nothing.
    /// Throws a `ManifestError` with `doc` (0-based), `line`, `column` (1-based), `object` and
    /// `path` of the first problem, and every problem in `errors`; nothing changed then.
    #[wasm_bindgen(unchecked_return_type = "ApplyResult")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] manifests: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = string_arg(&manifests, "manifests")?;
        let parsed = parse_manifests(&text).map_err(|e| js::manifest_error(&e))?;
        let objects: Vec<Object> = parsed.iter().map(|m| m.object.clone()).collect();
        match self.inner.apply(objects) {
            Ok(report) => to_js(&ApplyAnswer::located(report, &parsed, &text)),
            Err(ApplyError::Invalid(errors)) => {
                Err(js::manifest_error(&locate_errors(&parsed, &text, &errors)))
            }
            Err(other) => Err(js::apply_error(&other)),
        }
    }

    /// Deletes an object the caller made (and, through the controllers, what it owned; a pod
    /// terminates first). `kind` as in manifests or kubectl (`Service`, `svc`). Throws a
    /// `NotFoundError`, or a `ManagedObjectError` for an object a controller owns (pods
    /// excepted: their controller replaces them).
    #[wasm_bindgen(unchecked_return_type = "ApplyResult")]
    pub fn delete(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] namespace: JsValue,
    ) -> Result<JsValue, JsValue> {
        let kind_text = string_arg(&kind, "kind")?;
        let kind = input::kind(&kind_text).map_err(|other| {
            let message = match other {
                Some(k) => format!("kroute keeps {k} objects as they came and cannot delete them"),
                None => input::unknown_kind(&kind_text),
            };
            type_error(&InputError::new("kind", message))
        })?;
        let name = string_arg(&name, "name")?;
        let namespace = optional_string_arg(&namespace, "namespace")?;
        let report = self
            .inner
            .delete(kind, namespace.as_deref(), &name)
            .map_err(|e| js::apply_error(&e))?;
        to_js(&ApplyAnswer::from(report))
    }

    /// The object in its Kubernetes JSON shape, or `null`. `namespace` defaults to `default`
    /// and is ignored for cluster-scoped kinds.
    #[wasm_bindgen(unchecked_return_type = "KubeObject | null")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] namespace: JsValue,
    ) -> Result<JsValue, JsValue> {
        let kind = read_kind(&kind)?;
        let name = string_arg(&name, "name")?;
        let namespace = optional_string_arg(&namespace, "namespace")?;
        let found = match &kind {
            KindArg::Modelled(k) => self.inner.get(*k, namespace.as_deref(), &name).cloned(),
            KindArg::Other(_) => self
                .objects(&kind, Some(namespace.as_deref().unwrap_or("default")))
                .into_iter()
                .find(|o| o.name() == name),
        };
        match found {
            Some(object) => to_js(&object),
            None => Ok(JsValue::NULL),
        }
    }

    /// Every object of a kind, in one namespace or (without `namespace`) all, in
    /// (namespace, name) order.
    #[wasm_bindgen(unchecked_return_type = "KubeObject[]")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] namespace: JsValue,
    ) -> Result<JsValue, JsValue> {
        let kind = read_kind(&kind)?;
        let namespace = optional_string_arg(&namespace, "namespace")?;
        to_js(&self.objects(&kind, namespace.as_deref()))
    }

    /// The EndpointSlices of a Service (by their `kubernetes.io/service-name` label), in name
    /// order; `[]` for a Service without any (or without a selector, or that does not exist).
    #[wasm_bindgen(js_name = endpointSlices, unchecked_return_type = "EndpointSlice[]")]
    pub fn endpoint_slices(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] service: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] namespace: JsValue,
    ) -> Result<JsValue, JsValue> {
        let service = string_arg(&service, "service")?;
        let namespace = optional_string_arg(&namespace, "namespace")?;
        let slices: Vec<Object> = self
            .inner
            .service_slices(namespace.as_deref().unwrap_or("default"), &service)
            .into_iter()
            .map(|s: &EndpointSlice| Object::EndpointSlice(s.clone()))
            .collect();
        to_js(&slices)
    }

    /// What cluster DNS answers for `name`, with every name tried. From a pod (`from:
    /// "pod/<ns>/<name>"`) or a namespace (`namespace: "shop"`), the pod resolver's search path
    /// applies (`web` → `web.shop.svc.cluster.local`…); otherwise the name is looked up as
    /// written (as from a node). `type`: `"A"` (default), `"SRV"` or `"CNAME"`.
    #[wasm_bindgen(unchecked_return_type = "DnsAnswer")]
    pub fn resolve(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ResolveOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        let options: ResolveInput = optional(options, "options")?;
        let from = input::source(&options.from, "options.from").map_err(|e| type_error(&e))?;
        let namespace = match (from, options.namespace) {
            (Source::Pod { namespace, name: pod }, None) => {
                if self.inner.get(Kind::Pod, Some(&namespace), &pod).is_none() {
                    return Err(type_error(&InputError::new(
                        "options.from",
                        format!("there is no pod {namespace}/{pod}"),
                    )));
                }
                Some(namespace)
            }
            (Source::PortForward(_), _) => {
                return Err(type_error(&InputError::new(
                    "options.from",
                    "kubectl port-forward does not resolve names; resolve from a pod, a node or outside",
                )))
            }
            (Source::Pod { .. }, Some(_)) => {
                return Err(type_error(&InputError::new(
                    "options.namespace",
                    "give either a pod (`from`) or a namespace, not both",
                )))
            }
            (_, namespace) => namespace,
        };
        let record_type = options.record_type.unwrap_or(RecordType::A);
        to_js(&self.inner.resolve(&name, record_type, namespace.as_deref()))
    }

    /// Sends one request through the cluster as it is now and returns where it went, hop by
    /// hop, with the reasons. `from` (default `"external"`): `"pod/<ns>/<name>"`,
    /// `"pod/<name>"`, `"node/<name>"`, `"kubectl port-forward svc/<name> <local>:<remote>"` or
    /// a `Source` object; `clientIp` sets an external client's address. Session affinity,
    /// round robin and the random draws carry over between calls; no object changes. Throws a
    /// `RequestError` for a malformed URL or an unknown source.
    #[wasm_bindgen(unchecked_return_type = "Trace")]
    pub fn route(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RouteRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = from_js::<RouteInput>(request, "request")?
            .into_request()
            .map_err(|e| type_error(&e))?;
        let trace = self.inner.route(&request).map_err(|e| js::request_error(&e))?;
        to_js(&trace)
    }

    /// Moves the simulated clock forward by `ms` milliseconds, firing what was due on the way
    /// (pods become Ready, terminating pods leave), and returns what changed.
    #[wasm_bindgen(unchecked_return_type = "ClusterEvent[]")]
    pub fn advance(&mut self, ms: f64) -> Result<JsValue, JsValue> {
        let ms = input::duration_ms(ms).map_err(|e| type_error(&e))?;
        to_js(&self.inner.advance(ms).events)
    }

    /// The objects the caller applied, as one YAML stream that `kubectl apply -f` accepts and
    /// `apply` reads back into the same cluster: no status, no server-set metadata, nothing
    /// admission allocated (ClusterIPs, NodePorts) unless the caller wrote it; dependencies
    /// first. With `{derived: true}`, the objects the controllers made follow in a commented,
    /// read-only section (reading the stream back skips them).
    #[wasm_bindgen(js_name = toYaml)]
    pub fn to_yaml(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ExportYamlOptions")] options: JsValue,
    ) -> Result<String, JsValue> {
        let options: ExportInput = optional(options, "options")?;
        Ok(self.inner.export_yaml(ExportOptions {
            derived: options.derived.unwrap_or(false),
        }))
    }

    /// Simulated time since the cluster was created, in milliseconds.
    #[wasm_bindgen(getter = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.inner.now_ms() as f64
    }
}

/// A modelled kind, or another kind written as manifests write it.
enum KindArg {
    Modelled(Kind),
    Other(String),
}

fn read_kind(kind: &JsValue) -> Result<KindArg, JsValue> {
    let text = string_arg(kind, "kind")?;
    match input::kind(&text) {
        Ok(k) => Ok(KindArg::Modelled(k)),
        Err(Some(other)) => Ok(KindArg::Other(other)),
        Err(None) => Err(type_error(&InputError::new("kind", input::unknown_kind(&text)))),
    }
}

impl JsCluster {
    fn objects(&self, kind: &KindArg, namespace: Option<&str>) -> Vec<Object> {
        match kind {
            KindArg::Modelled(k) => self.inner.list(*k, namespace).into_iter().cloned().collect(),
            KindArg::Other(k) => {
                let mut found: Vec<Object> = self
                    .inner
                    .other_objects()
                    .filter(|o| o.kind == *k)
                    .map(|o| Object::Other(o.clone()))
                    .filter(|o| namespace.is_none() || o.namespace() == namespace)
                    .collect();
                found.stable_sort_by(|a, b| (a.namespace(), a.name()).cmp(&(b.namespace(), b.name())));
                found
            }
        }
    }
}
