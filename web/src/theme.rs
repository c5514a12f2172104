//! Light and dark themes. The colours are CSS variables in `www/style.css`, each written once
//! as `light-dark(light, dark)`: the page follows the system's `prefers-color-scheme` until the
//! visitor picks one with the toggle, which sets `data-theme` on `<html>` and keeps the choice
//! under its own localStorage key. `www/theme.js`, a classic script in `<head>`, sets the kept
//! choice before the first paint (the CSP forbids inline scripts, not same-origin ones).

/// Where the chosen theme is kept (apart from the workspace: losing it loses nothing typed).
pub const THEME_KEY: &str = "kroute.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn other(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The theme on screen: the one chosen, else the system's.
pub fn current() -> Theme {
    let window = web_sys::window();
    let chosen = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-theme"))
        .and_then(|t| Theme::parse(&t));
    chosen.unwrap_or_else(|| {
        let dark = window
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches());
        if dark {
            Theme::Dark
        } else {
            Theme::Light
        }
    })
}

/// Calls `changed` whenever the system's colour scheme changes (what the page shows then
/// changes too, unless a theme was chosen). Dropping the guard stops it.
pub fn watch_system(changed: impl Fn() + 'static) -> Option<impl Drop> {
    use wasm_bindgen::JsCast;
    let query = web_sys::window()?
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()?;
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(changed);
    query
        .add_event_listener_with_callback("change", listener.as_ref().unchecked_ref())
        .ok()?;
    Some(Watch { query, listener })
}

struct Watch {
    query: web_sys::MediaQueryList,
    listener: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        let _ = self
            .query
            .remove_event_listener_with_callback("change", self.listener.as_ref().unchecked_ref());
    }
}

/// Shows `theme` and keeps the choice. The theme changes even when it cannot be kept.
pub fn choose(theme: Theme) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        root.set_attribute("data-theme", theme.as_str())
            .map_err(|_| "cannot set the theme")?;
    }
    let store = window
        .local_storage()
        .ok()
        .flatten()
        .ok_or("this browser gives the page no localStorage")?;
    store
        .set_item(THEME_KEY, theme.as_str())
        .map_err(|_| "the browser refused to store the theme".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_read_back_what_is_written_and_nothing_else() {
        for t in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(t.as_str()), Some(t));
            assert_eq!(t.other().other(), t);
            assert_ne!(t.other(), t);
        }
        for s in ["", "Dark", "auto", "system"] {
            assert_eq!(Theme::parse(s), None, "{s:?}");
        }
    }
}
