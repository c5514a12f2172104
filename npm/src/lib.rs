//! # The npm package `kroute`: the core for JavaScript and TypeScript
//!
//! wasm-bindgen exports over the `kroute` core, built by `cargo xtask npm` into
//! `target/npm/kroute/` (a Node build and a browser build behind one `exports` map). This crate
//! only converts: JavaScript values in (`input.rs`), the core's answers out as plain data
//! (`js.rs`, `answers.rs`), and the core's errors as JavaScript `Error`s with properties. It holds
//! no Kubernetes semantics, so the package answers exactly what the core (and the playground)
//! answers.
//!
//! The TypeScript declarations are `types.d.ts`, emitted into the package's `.d.ts` beside the
//! functions, whose parameter and return types name its interfaces. `tests/npm/` checks them
//! against real answers of the package, so they cannot drift from the core's serde shapes.
//!
//! Nothing here panics on input: every bad argument is a `TypeError` naming the field, every
//! refusal of the core an `Error` whose `name` says which kind (`ManifestError`,
//! `SelectorError`, `RequestError`, `NotFoundError`, `ManagedObjectError`, `ConfigError`).

mod answers;
mod cluster;
mod input;
mod js;

use kroute::collections::VecMap;
use kroute::dataplane::gateway::{match_http_route, ClusterFacts, HttpRequest, ReferenceGrantRule};
use kroute::dataplane::ingress::IngressRouter;
use kroute::error::FieldPath;
use kroute::manifest::{parse_manifests, ManifestObject};
use kroute::model::{Gateway, HttpRoute, Ingress, Object};
use kroute::rng::Rng;
use kroute::selector::{label_selector_as_selector, Labels, Selector};
use wasm_bindgen::prelude::*;

pub use cluster::JsCluster;

use answers::{HttpRouteAnswer, IngressAnswer};
use input::{HttpRequestInput, HttpRouteOptions, IngressRequestInput, InputError, LabelSelectorInput};
use js::{from_js, optional, to_js, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("../types.d.ts");

/// Whether an object with `labels` is selected by `selector`: a kubectl selector string
/// (`"env=prod,tier notin (fe,be),!canary"`), a `LabelSelector` object (`{matchLabels,
/// matchExpressions}`), or `null`, which matches nothing. An empty string or `{}` matches
/// everything. Throws a `SelectorError` for an invalid selector.
#[wasm_bindgen(js_name = selectorMatches)]
pub fn selector_matches(
    #[wasm_bindgen(unchecked_param_type = "string | LabelSelector | null")] selector: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Labels")] labels: JsValue,
) -> Result<bool, JsValue> {
    let selector = read_selector(selector)?;
    let labels: Labels = from_js(labels, "labels")?;
    Ok(selector.matches(&labels))
}

/// Like `selectorMatches`, with a verdict per term (what was found on the object, and whether
/// the term holds).
#[wasm_bindgen(js_name = explainSelector, unchecked_return_type = "SelectorExplanation")]
pub fn explain_selector(
    #[wasm_bindgen(unchecked_param_type = "string | LabelSelector | null")] selector: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Labels")] labels: JsValue,
) -> Result<JsValue, JsValue> {
    let selector = read_selector(selector)?;
    let labels: Labels = from_js(labels, "labels")?;
    to_js(&selector.explain(&labels))
}

fn read_selector(selector: JsValue) -> Result<Selector, JsValue> {
    if selector.is_null() || selector.is_undefined() {
        return Ok(Selector::Nothing);
    }
    if let Some(text) = selector.as_string() {
        return Selector::parse(&text).map_err(|e| js::selector_parse_error(&e));
    }
    if !selector.is_object() || js_sys::Array::is_array(&selector) {
        return Err(type_error(&InputError::new(
            "selector",
            "expected a selector string, a LabelSelector object ({matchLabels, matchExpressions}) or null",
        )));
    }
    let input: LabelSelectorInput = from_js(selector, "selector")?;
    label_selector_as_selector(Some(&input.into_core()), &FieldPath::root())
        .map_err(|errors| js::selector_field_errors(&errors))
}

/// Which Ingress rule (or default backend) answers `host` and `path`, among the Ingresses in
/// `manifests` (YAML or JSON text: one or many documents, or a `List`), all of them routed
/// whatever their class, in document order as creation order. `null`: no rule matched and
/// there is no default backend (HTTP 404).
#[wasm_bindgen(js_name = matchIngress, unchecked_return_type = "IngressMatchResult | null")]
pub fn match_ingress(
    #[wasm_bindgen(unchecked_param_type = "string")] manifests: JsValue,
    #[wasm_bindgen(unchecked_param_type = "IngressRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let objects = read_manifests(manifests)?;
    let request: IngressRequestInput = from_js(request, "request")?;
    let ingresses: Vec<&Ingress> = objects
        .iter()
        .filter_map(|m| match &m.object {
            Object::Ingress(i) => Some(i),
            _ => None,
        })
        .collect();
    let (router, warnings) = IngressRouter::build_all(&ingresses);
    let decision = router.route(&request.host, request.path.as_deref().unwrap_or("/"));
    match IngressAnswer::new(decision, warnings) {
        Some(answer) => to_js(&answer),
        None => Ok(JsValue::NULL),
    }
}

/// Which HTTPRoute rule and backend a request reaching a Gateway gets, among the Gateways and
/// HTTPRoutes in `manifests` (Namespaces there give `allowedRoutes` selectors their labels,
/// ReferenceGrants open cross-namespace backends; Services are not required). Without
/// `options.gateway`, the first Gateway (by `namespace/name`) listening on the request's port
/// for its host takes it. `null`: no rule matched, or no listener serves the port and host
/// (HTTP 404).
#[wasm_bindgen(js_name = matchHttpRoute, unchecked_return_type = "HttpRouteMatchResult | null")]
pub fn match_http_route_js(
    #[wasm_bindgen(unchecked_param_type = "string")] manifests: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HttpRouteRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "HttpRouteOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let objects = read_manifests(manifests)?;
    let request = from_js::<HttpRequestInput>(request, "request")?
        .into_request()
        .map_err(|e| type_error(&e))?;
    let options: HttpRouteOptions = optional(options, "options")?;
    let gateway = match options.gateway.as_deref() {
        Some(name) => Some(input::gateway_name(name).map_err(|e| type_error(&e))?),
        None => None,
    };
    let mut gateways: Vec<&Gateway> = Vec::new();
    let mut routes: Vec<&HttpRoute> = Vec::new();
    let mut namespaces: VecMap<String, Labels> = VecMap::new();
    let mut grants: Vec<ReferenceGrantRule> = Vec::new();
    for m in &objects {
        match &m.object {
            Object::Gateway(g) => gateways.push(g),
            Object::HttpRoute(r) => routes.push(r),
            Object::Namespace(n) => {
                namespaces.insert(n.metadata.name.clone(), n.metadata.labels.clone());
            }
            Object::Other(o) if o.kind == "ReferenceGrant" => {
                grants.extend(ReferenceGrantRule::from_object(&o.raw))
            }
            _ => {}
        }
    }
    let facts = ClusterFacts {
        namespaces: Some(&namespaces),
        services: None,
        reference_grants: &grants,
    };
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let query: Vec<(&str, &str)> = request
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let http = HttpRequest {
        host: &request.host,
        port: request.port,
        path: &request.path,
        method: &request.method,
        headers: &headers,
        query: &query,
    };
    let gateway_ref = gateway.as_ref().map(|(ns, name)| (ns.as_str(), name.as_str()));
    let mut rng = Rng::new(options.seed.unwrap_or(1));
    let decision = match_http_route(&gateways, &routes, &facts, &http, gateway_ref, &mut rng);
    if let (None, Some((ns, name))) = (&decision, &gateway) {
        if !gateways
            .iter()
            .any(|g| g.metadata.name == *name && g.metadata.namespace.as_deref().unwrap_or("default") == ns)
        {
            return Err(type_error(&InputError::new(
                "options.gateway",
                format!("there is no Gateway {ns}/{name} in the manifests"),
            )));
        }
    }
    match decision.and_then(HttpRouteAnswer::new) {
        Some(answer) => to_js(&answer),
        None => Ok(JsValue::NULL),
    }
}

/// The playground's ready-made clusters: manifests and a request worth sending (`route`
/// accepts `example.request` as it is), with the pod it should reach.
#[wasm_bindgen(unchecked_return_type = "Example[]")]
pub fn examples() -> Result<JsValue, JsValue> {
    to_js(&kroute::examples::examples())
}

/// Manifest text, parsed; a `ManifestError` (with the position) if it cannot be read.
fn read_manifests(manifests: JsValue) -> Result<Vec<ManifestObject>, JsValue> {
    let text = string_arg(&manifests, "manifests")?;
    parse_manifests(&text).map_err(|e| js::manifest_error(&e))
}

/// A string argument; anything else is a `TypeError` (never coerced to `"[object Object]"`).
fn string_arg(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        let what = if value.is_undefined() {
            "is missing".to_owned()
        } else {
            format!("must be a string, not {}", js_type(value))
        };
        let hint = if name == "manifests" {
            " (YAML or JSON text)"
        } else {
            ""
        };
        type_error(&InputError::new(name, format!("{what}{hint}")))
    })
}

/// An optional string argument (`undefined` or `null` when absent).
fn optional_string_arg(value: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        string_arg(value, name).map(Some)
    }
}

fn js_type(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_owned()
    } else if js_sys::Array::is_array(value) {
        "an array".to_owned()
    } else {
        format!(
            "a value of type {}",
            value.js_typeof().as_string().unwrap_or_default()
        )
    }
}
