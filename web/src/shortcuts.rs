//! Keyboard shortcuts: which key does what (a pure function, tested natively), the list the
//! help overlay shows, and the overlay itself.
//!
//! Ctrl+Z in the Manifests editor undoes the workspace's last step, as everywhere else on the
//! page, not the browser's own textarea undo: the text also changes from the canvas, the
//! inspector and examples, which the browser's undo knows nothing of, and mixing two histories
//! would make Ctrl+Z unpredictable. Typing is one step per pause (see `history.rs`), so Ctrl+Z
//! right after typing takes back what was typed since the last pause, exactly. In the other
//! text fields (the request bar, the inspector's fields, the share link) Ctrl+Z is left to the
//! browser: what they hold is not in the history until it is committed.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Undo,
    Redo,
    Apply,
    Send,
    Help,
    /// Closes what is open (the help, the Examples menu).
    Close,
    /// Deletes the object selected on the canvas.
    DeleteSelected,
}

/// Where the key was pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The Manifests editor.
    Manifests,
    /// Any other field that takes typing (input, select, textarea).
    Field,
    /// A button, the canvas, the page.
    Elsewhere,
}

/// A key press as the browser reports it.
#[derive(Clone, Copy, Debug)]
pub struct Press<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    /// Ctrl, or ⌘ on a Mac.
    pub command: bool,
    pub shift: bool,
    pub alt: bool,
}

/// The command a key press means there, if any.
pub fn command(p: Press<'_>, focus: Focus) -> Option<Command> {
    let key = p.key.to_ascii_lowercase();
    // Ctrl+Alt is AltGr on many keyboards: it types characters, never a shortcut.
    if p.alt {
        return None;
    }
    if p.command {
        return match (key.as_str(), p.shift) {
            ("enter", false) => Some(Command::Apply),
            ("enter", true) => Some(Command::Send),
            ("z", false) if focus != Focus::Field => Some(Command::Undo),
            ("z", true) | ("y", false) if focus != Focus::Field => Some(Command::Redo),
            _ => None,
        };
    }
    match (key.as_str(), focus) {
        ("escape", _) => Some(Command::Close),
        ("?", Focus::Elsewhere) => Some(Command::Help),
        ("delete", Focus::Elsewhere) => Some(Command::DeleteSelected),
        _ => None,
    }
}

/// What the help overlay lists: key combinations (alternatives) and what they do.
pub const SHORTCUTS: &[(&[&[&str]], &str)] = &[
    (
        &[&["Ctrl", "Z"]],
        "Undo the last change to the manifests (also in the editor)",
    ),
    (&[&["Ctrl", "Shift", "Z"], &["Ctrl", "Y"]], "Redo what was undone"),
    (&[&["Ctrl", "Enter"]], "Apply the manifests"),
    (&[&["Ctrl", "Shift", "Enter"]], "Send the request"),
    (&[&["Delete"]], "Delete the object selected on the canvas"),
    (&[&["?"]], "Show these shortcuts"),
    (&[&["Esc"]], "Close this list or the Examples menu"),
];

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub open: bool,
    pub on_close: Callback<()>,
}

/// The shortcuts, in a modal `<dialog>`: the browser moves focus into it, keeps it there,
/// closes it on Esc and gives focus back to where it was.
#[function_component(ShortcutsHelp)]
pub fn shortcuts_help(props: &HelpProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with(props.open, move |open| {
            if let Some(d) = dialog.cast::<web_sys::HtmlDialogElement>() {
                if *open && !d.open() {
                    let _ = d.show_modal();
                } else if !*open && d.open() {
                    d.close();
                }
            }
        });
    }
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let onclose = {
        let cb = props.on_close.clone();
        Callback::from(move |_: Event| cb.emit(()))
    };
    let mac = is_mac();
    html! {
        <dialog class="shortcuts" ref={dialog} aria-label="Keyboard shortcuts" {onclose}>
            <div class="shortcuts-head">
                <h2>{ "Keyboard shortcuts" }</h2>
                <button onclick={close}>{ "Close" }</button>
            </div>
            <table>
                <tbody>
                    { for SHORTCUTS.iter().map(|(combos, what)| html! {
                        <tr>
                            <td class="keys">{ for combos.iter().enumerate().map(|(i, keys)| html! {
                                <>
                                    if i > 0 { <span class="or">{ " or " }</span> }
                                    { for keys.iter().enumerate().map(|(j, k)| html! {
                                        <>
                                            if j > 0 { { "+" } }
                                            <kbd>{ if mac && *k == "Ctrl" { "⌘" } else { k } }</kbd>
                                        </>
                                    }) }
                                </>
                            }) }</td>
                            <td>{ *what }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="hint">{ "Shortcuts with letters are not taken over in the request bar's and inspector's fields, where the browser's own undo works on the field." }</p>
        </dialog>
    }
}

fn is_mac() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().platform().ok())
        .is_some_and(|p| p.starts_with("Mac"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_mean_the_same_command_wherever_they_are_safe_to_take() {
        use Command::*;
        use Focus::*;
        // (key, ctrl or ⌘, shift, alt, focus, command)
        let cases = [
            ("z", true, false, false, Manifests, Some(Undo)),
            ("z", true, false, false, Elsewhere, Some(Undo)),
            ("z", true, false, false, Field, None),
            ("Z", true, true, false, Manifests, Some(Redo)),
            ("Z", true, true, false, Elsewhere, Some(Redo)),
            ("y", true, false, false, Manifests, Some(Redo)),
            ("y", true, false, false, Field, None),
            ("Y", true, true, false, Elsewhere, None),
            ("z", true, false, true, Manifests, None),
            ("z", false, false, false, Manifests, None),
            ("Enter", true, false, false, Manifests, Some(Apply)),
            ("Enter", true, false, false, Field, Some(Apply)),
            ("Enter", true, true, false, Field, Some(Send)),
            ("Enter", false, false, false, Elsewhere, None),
            ("?", false, true, false, Elsewhere, Some(Help)),
            ("?", false, true, false, Manifests, None),
            ("?", false, true, false, Field, None),
            ("Escape", false, false, false, Field, Some(Close)),
            ("Escape", false, false, false, Elsewhere, Some(Close)),
            ("Delete", false, false, false, Elsewhere, Some(DeleteSelected)),
            ("Delete", false, false, false, Manifests, None),
            ("Backspace", false, false, false, Elsewhere, None),
            ("s", true, false, false, Elsewhere, None),
        ];
        for (key, command_key, shift, alt, focus, want) in cases {
            let press = Press {
                key,
                command: command_key,
                shift,
                alt,
            };
            assert_eq!(command(press, focus), want, "{press:?} in {focus:?}");
        }
    }

    #[test]
    fn the_help_lists_every_command_and_each_listed_key_does_what_it_says() {
        let mut seen = Vec::new();
        for (combos, what) in SHORTCUTS {
            for keys in *combos {
                let key = match keys.last() {
                    Some(&"Esc") => "Escape",
                    Some(k) => k,
                    None => "",
                };
                let press = Press {
                    key,
                    command: keys.contains(&"Ctrl"),
                    shift: keys.contains(&"Shift"),
                    alt: false,
                };
                let got = command(press, Focus::Elsewhere);
                assert!(got.is_some(), "{keys:?} ({what}) does nothing");
                seen.extend(got);
            }
        }
        use Command::*;
        for c in [Undo, Redo, Apply, Send, Help, Close, DeleteSelected] {
            assert!(seen.contains(&c), "{c:?} is not listed");
        }
    }
}
