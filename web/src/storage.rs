//! Keeping and sharing: the workspace autosaves to localStorage, a Share link carries it in
//! the URL fragment. A damaged store or link is reported and the page starts clean; a damaged
//! store is moved aside (never deleted), so nothing the user typed is lost silently.

use crate::codec;
use crate::state::Workspace;

pub const STORE_KEY: &str = "kroute.workspace.v1";
/// Where a store that could not be read is kept.
pub const DAMAGED_KEY: &str = "kroute.workspace.v1.damaged";
/// What an example, Reset or link replaced, so it survives a reload too.
pub const PREVIOUS_KEY: &str = "kroute.workspace.v1.previous";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Saves what the user typed. Failures (private mode, quota) are reported, not thrown.
pub fn save(ws: &Workspace) -> Result<(), String> {
    let store = storage().ok_or("this browser gives the page no localStorage")?;
    let json = codec::to_text(&ws.saved());
    let refused = |_| "the browser refused to store the workspace (storage full?)".to_owned();
    store.set_item(STORE_KEY, &json).map_err(refused)?;
    match &ws.previous {
        Some(p) => {
            let json = codec::to_text(p);
            store.set_item(PREVIOUS_KEY, &json).map_err(refused)
        }
        None => store.remove_item(PREVIOUS_KEY).map_err(refused),
    }
}

fn fragment_payload() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix('#')?
        .strip_prefix(codec::FRAGMENT_KEY)
        .map(str::to_owned)
}

/// The link to this workspace.
pub fn share_url(ws: &Workspace) -> Option<String> {
    let location = web_sys::window()?.location();
    let base = format!("{}{}", location.origin().ok()?, location.pathname().ok()?);
    Some(format!(
        "{base}#{}{}",
        codec::FRAGMENT_KEY,
        codec::encode(&ws.saved())
    ))
}

/// What the page starts from: a share link, else the stored workspace, else the first example.
pub fn initial_workspace() -> Workspace {
    let get = |key: &str| storage().and_then(|s| s.get_item(key).ok().flatten());
    let mut ws = initial(fragment_payload(), get(STORE_KEY), |raw| {
        if let Some(s) = storage() {
            let _ = s.set_item(DAMAGED_KEY, raw);
        }
    });
    if ws.previous.is_none() {
        ws.previous = get(PREVIOUS_KEY).and_then(|raw| codec::from_text(&raw).ok());
    }
    ws
}

/// The start-up decision, separate from the browser for tests. `keep_damaged` receives a store
/// that cannot be read before the page starts clean.
pub fn initial(link: Option<String>, stored: Option<String>, keep_damaged: impl FnOnce(&str)) -> Workspace {
    if let Some(payload) = link {
        return match codec::decode(&payload) {
            Ok(saved) => {
                // What this browser had stays one click away.
                let mut ws = match stored.and_then(|raw| codec::from_text(&raw).ok()) {
                    Some(mine) => Workspace::new(mine),
                    None => Workspace::starter(),
                };
                ws.replace_with(saved);
                ws.notice = Some("Loaded from a share link.".to_owned());
                ws
            }
            Err(why) => {
                let mut ws = Workspace::starter();
                ws.notice = Some(format!(
                    "This share link could not be opened: {why}. Started clean."
                ));
                ws
            }
        };
    }
    match stored {
        None => Workspace::starter(),
        Some(raw) => match codec::from_text(&raw) {
            Ok(saved) => Workspace::new(saved),
            Err(e) => {
                keep_damaged(&raw);
                let mut ws = Workspace::starter();
                ws.notice = Some(format!(
                    "Your saved workspace could not be read ({e}); it was kept under \"{DAMAGED_KEY}\" in this browser's storage. Started clean."
                ));
                ws
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{example_saved, FIRST_EXAMPLE};

    #[test]
    fn start_up_prefers_a_link_then_the_store_and_reports_damage() {
        let ingress = example_saved("ingress").unwrap();
        let good_link = codec::encode(&ingress);
        let stored = codec::to_text(&example_saved("statefulset").unwrap());
        let first = example_saved(FIRST_EXAMPLE).unwrap();
        // (link, store, expected text, notice starts with, damaged store kept)
        type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a str, Option<&'a str>, bool);
        let cases: [Case; 5] = [
            (None, None, &first.text, None, false),
            (
                Some(&good_link),
                Some(&stored),
                &ingress.text,
                Some("Loaded from a share link"),
                false,
            ),
            (
                None,
                Some(&stored),
                kroute::examples::STATEFULSET_YAML,
                None,
                false,
            ),
            (
                Some("@@@"),
                Some(&stored),
                &first.text,
                Some("This share link could not be opened"),
                false,
            ),
            (
                None,
                Some("{not json"),
                &first.text,
                Some("Your saved workspace could not be read"),
                true,
            ),
        ];
        for (i, (link, store, text, notice, damaged)) in cases.into_iter().enumerate() {
            let mut kept = None;
            let ws = initial(link.map(str::to_owned), store.map(str::to_owned), |raw| {
                kept = Some(raw.to_owned())
            });
            assert_eq!(ws.text, text, "case {i}");
            match notice {
                Some(n) => assert!(
                    ws.notice.as_deref().unwrap_or("").starts_with(n),
                    "case {i}: {:?}",
                    ws.notice
                ),
                None => assert_eq!(ws.notice, None, "case {i}"),
            }
            assert_eq!(kept.is_some(), damaged, "case {i}");
            if damaged {
                assert_eq!(kept.as_deref(), store, "case {i}: kept byte for byte");
            }
            assert!(ws.snapshot.is_some(), "case {i}: applied");
        }
    }
}
