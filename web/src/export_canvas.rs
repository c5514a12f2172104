//! Export the canvas as a file: a standalone SVG (the picture as drawn, with the colours and
//! fonts of the theme on screen written onto each shape, since the page's stylesheet does not
//! travel with the file), and a PNG rendered from that SVG through an `<img>` and a `<canvas>`.
//!
//! The whole cluster is exported whatever the pan and zoom; the moving packet and the drag
//! handles are left out. The `<img>` loads the SVG from a `data:` URL, which the page's CSP
//! already allows for images (`img-src 'self' data:`); the files are handed to the browser as
//! Blob URLs on a temporary link, as Export YAML does. No request leaves the page.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, SvgGraphicsElement};

pub const SVG_FILE: &str = "kroute-canvas.svg";
pub const PNG_FILE: &str = "kroute-canvas.png";
/// The PNG holds this many pixels per canvas unit (sharp on high-density screens)…
const PNG_SCALE: f64 = 2.0;
/// …unless a side would pass this.
const PNG_MAX_SIDE: f64 = 8192.0;

/// Properties written onto each shape from the live page's computed style.
const PAINT: [&str; 10] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
];
const SHAPES: &str = "rect, line, polyline, circle, text";
/// What only makes sense on screen.
const LEFT_OUT: &str = ".packet, .connector";

fn document() -> Result<Document, String> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| "no document".to_owned())
}

/// The canvas as a standalone SVG document, and its size in pixels.
pub fn standalone_svg() -> Result<(String, f64, f64), String> {
    let doc = document()?;
    let window = web_sys::window().ok_or("no window")?;
    let svg: SvgGraphicsElement = doc
        .query_selector("svg.canvas")
        .ok()
        .flatten()
        .ok_or("there is no canvas to export")?
        .dyn_into()
        .map_err(|_| "the canvas is not an SVG")?;
    let copy: Element = svg
        .clone_node_with_deep(true)
        .map_err(|_| "cannot copy the canvas")?
        .dyn_into()
        .map_err(|_| "cannot copy the canvas")?;

    // The same selector on the original and the copy lists the same elements in the same order.
    let live = svg.query_selector_all(SHAPES).map_err(|_| "bad selector")?;
    let copied = copy.query_selector_all(SHAPES).map_err(|_| "bad selector")?;
    for i in 0..live.length() {
        let (Some(from), Some(to)) = (live.item(i), copied.item(i)) else {
            continue;
        };
        let (Ok(from), Ok(to)) = (from.dyn_into::<Element>(), to.dyn_into::<Element>()) else {
            continue;
        };
        let Ok(Some(style)) = window.get_computed_style(&from) else {
            continue;
        };
        for prop in PAINT {
            let value = style.get_property_value(prop).unwrap_or_default();
            if !value.is_empty() {
                // Plain numbers for lengths: older SVG readers reject units in these two.
                let value = if prop.starts_with("stroke-") {
                    value.replace("px", "")
                } else {
                    value
                };
                let _ = to.set_attribute(prop, &value);
            }
        }
    }
    let gone = copy.query_selector_all(LEFT_OUT).map_err(|_| "bad selector")?;
    for i in 0..gone.length() {
        if let Some(n) = gone.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            n.remove();
        }
    }

    // Everything drawn, with a margin, at one pixel per unit.
    let b = svg.get_b_box().map_err(|_| "cannot measure the canvas")?;
    let margin = 12.0;
    let (x, y) = (
        (f64::from(b.x()) - margin).floor(),
        (f64::from(b.y()) - margin).floor(),
    );
    let (w, h) = (
        (f64::from(b.width()) + 2.0 * margin).ceil(),
        (f64::from(b.height()) + 2.0 * margin).ceil(),
    );
    for (name, value) in [
        ("viewBox", format!("{x} {y} {w} {h}")),
        ("width", w.to_string()),
        ("height", h.to_string()),
    ] {
        copy.set_attribute(name, &value)
            .map_err(|_| "cannot size the copy")?;
    }
    for name in ["role", "aria-label"] {
        let _ = copy.remove_attribute(name);
    }

    // The pane's background behind it, and a title.
    let background = svg
        .parent_element()
        .and_then(|p| window.get_computed_style(&p).ok().flatten())
        .and_then(|s| s.get_property_value("background-color").ok())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "white".to_owned());
    let ns = Some("http://www.w3.org/2000/svg");
    let rect = doc
        .create_element_ns(ns, "rect")
        .map_err(|_| "cannot draw the background")?;
    for (name, value) in [
        ("x", x.to_string()),
        ("y", y.to_string()),
        ("width", w.to_string()),
        ("height", h.to_string()),
        ("fill", background),
    ] {
        let _ = rect.set_attribute(name, &value);
    }
    let title = doc
        .create_element_ns(ns, "title")
        .map_err(|_| "cannot title the copy")?;
    title.set_text_content(Some("kroute: the cluster canvas"));
    let first = copy.first_child();
    copy.insert_before(&rect, first.as_ref())
        .map_err(|_| "cannot draw the background")?;
    copy.insert_before(&title, Some(&rect))
        .map_err(|_| "cannot title the copy")?;

    let xml = web_sys::XmlSerializer::new()
        .and_then(|s| s.serialize_to_string(&copy))
        .map_err(|_| "cannot write the SVG")?;
    Ok((
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"),
        w,
        h,
    ))
}

/// Hands `blob` to the browser as a download called `name`.
pub fn download_blob(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let doc = document()?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| "cannot make a file URL")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "cannot make a link")?
        .dyn_into()
        .map_err(|_| "cannot make a link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// `text` as a file of type `mime`.
pub fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "cannot make a file".to_owned())
}

/// Downloads the canvas as SVG.
pub fn export_svg() -> Result<(), String> {
    let (svg, _, _) = standalone_svg()?;
    download_blob(SVG_FILE, &text_blob(&svg, "image/svg+xml")?)
}

/// Downloads the canvas as PNG. The image is drawn once the browser has decoded the SVG, so
/// a failure after this returns is reported through `on_error`.
pub fn export_png(on_error: impl Fn(String) + 'static) -> Result<(), String> {
    let (svg, w, h) = standalone_svg()?;
    let scale = PNG_SCALE.min(PNG_MAX_SIDE / w.max(h).max(1.0));
    let (pw, ph) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let doc = document()?;
    let img = web_sys::HtmlImageElement::new().map_err(|_| "cannot make an image")?;
    let canvas: web_sys::HtmlCanvasElement = doc
        .create_element("canvas")
        .map_err(|_| "cannot make a canvas")?
        .dyn_into()
        .map_err(|_| "cannot make a canvas")?;
    canvas.set_width(pw as u32);
    canvas.set_height(ph as u32);
    let on_error = std::rc::Rc::new(on_error);

    let drawn = {
        let (img, on_error) = (img.clone(), on_error.clone());
        move || -> Result<(), String> {
            let ctx: web_sys::CanvasRenderingContext2d = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .ok_or("no 2D canvas")?
                .dyn_into()
                .map_err(|_| "no 2D canvas")?;
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, pw, ph)
                .map_err(|_| "cannot draw the image")?;
            let saved = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
                let done = blob
                    .ok_or_else(|| "the browser made no PNG".to_owned())
                    .and_then(|b| download_blob(PNG_FILE, &b));
                if let Err(why) = done {
                    on_error(why);
                }
            });
            canvas
                .to_blob(saved.unchecked_ref())
                .map_err(|_| "the browser refused to make a PNG".to_owned())
        }
    };
    let onload = {
        let on_error = on_error.clone();
        Closure::once_into_js(move || {
            if let Err(why) = drawn() {
                on_error(why);
            }
        })
    };
    let onerror = Closure::once_into_js(move || on_error("the SVG could not be drawn".to_owned()));
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_onerror(Some(onerror.unchecked_ref()));
    img.set_src(&format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&svg)
    ));
    Ok(())
}
