//! The page: Manifests (editor, Objects tab) on the left, the Canvas in the middle, the
//! Inspector on the right, the request bar and the Trace below. State lives in one
//! [`Workspace`]; every change goes through it and is saved.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use kroute::manifest::draw::{Change, Edit, Shape};
use kroute::view::NamespaceTree;
use kroute::ObjectRef;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::canvas::{Canvas, Moves, SameTopology};
use crate::clock_view::ClockView;
use crate::editor::Editor;
use crate::inspector::{self, Inspector};
use crate::lifecycle_view::LifecycleView;
use crate::request_bar::RequestBar;
use crate::shortcuts::{Command, Focus, Press, ShortcutsHelp};
use crate::slices_view::{SlicesData, SlicesView};
use crate::state::{RequestForm, Workspace};
use crate::storage;
use crate::theme::{self, Theme};
use crate::trace_view::TraceView;
use crate::traffic_view::TrafficView;

/// The line under the heading.
pub const TAGLINE: &str = "See why a request lands where it does — Kubernetes networking, simulated";

/// How long typing must pause before the text is applied.
pub const AUTO_APPLY_MS: u32 = 600;

#[derive(Clone, Copy, PartialEq, Eq)]
enum LeftTab {
    Manifests,
    Objects,
}

type Shared = Rc<RefCell<Workspace>>;

fn objects_tab(tree: &[NamespaceTree], on_select: &Callback<ObjectRef>) -> Html {
    html! {
        <div class="objects" aria-label="Objects">
            if tree.is_empty() { <p class="hint">{ "No objects yet." }</p> }
            { for tree.iter().map(|ns| html! {
                <details open=true>
                    <summary>{ ns.namespace.clone().unwrap_or_else(|| "cluster-scoped".into()) }</summary>
                    { for ns.kinds.iter().map(|(kind, names)| html! {
                        <div class="kind">
                            <div class="kind-name">{ kind }</div>
                            <ul>{ for names.iter().map(|name| {
                                let r = ObjectRef { kind: kind.clone(), namespace: ns.namespace.clone(), name: name.clone() };
                                let cb = on_select.clone();
                                html! { <li><button class="link" onclick={Callback::from(move |_| cb.emit(r.clone()))}>{ name }</button></li> }
                            }) }</ul>
                        </div>
                    }) }
                </details>
            }) }
        </div>
    }
}

/// What a canvas edit did, in one line.
fn change_text(c: &Change) -> String {
    let labels = |m: &std::collections::BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    match c {
        Change::Added { objects } => {
            format!(
                "Added {}",
                objects
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Change::SelectorChanged {
            service,
            before,
            after,
        } => {
            format!("{service}: selector {} → {}", labels(before), labels(after))
        }
        Change::AlreadySelected { service } => format!("{service} already selects that pod"),
        Change::Deleted { object } => format!("Deleted {object}"),
        Change::FieldSet { object, path } => format!("{object}: {path} changed"),
    }
}

/// Where the keyboard focus is, for the shortcuts.
fn focus() -> (Focus, Option<web_sys::HtmlTextAreaElement>) {
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let Some(el) = active else {
        return (Focus::Elsewhere, None);
    };
    if el.get_attribute("aria-label").as_deref() == Some("Manifests") {
        if let Ok(area) = el.clone().dyn_into::<web_sys::HtmlTextAreaElement>() {
            return (Focus::Manifests, Some(area));
        }
    }
    let editable = el
        .clone()
        .dyn_into::<web_sys::HtmlElement>()
        .is_ok_and(|h| h.is_content_editable());
    match el.tag_name().as_str() {
        "INPUT" | "TEXTAREA" | "SELECT" => (Focus::Field, None),
        _ if editable => (Focus::Field, None),
        _ => (Focus::Elsewhere, None),
    }
}

/// After an undo or redo in the editor: the text in place at once and the caret where the
/// two versions start to differ, rather than at the end.
fn place_caret(area: &web_sys::HtmlTextAreaElement, before: &str, after: &str) {
    let at: usize = before
        .chars()
        .zip(after.chars())
        .take_while(|(a, b)| a == b)
        .map(|(c, _)| c.len_utf16())
        .sum();
    if area.value() != after {
        area.set_value(after);
    }
    let at = u32::try_from(at).unwrap_or(u32::MAX);
    let _ = area.set_selection_range(at, at);
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let ws: Shared = use_mut_ref(storage::initial_workspace);
    let update = use_force_update();
    let moves: Moves = use_mut_ref(Default::default);
    let timer = use_mut_ref(|| None::<Timeout>);
    let tab = use_state(|| LeftTab::Manifests);
    let menu = use_state(|| false);
    let share_link = use_state(|| None::<String>);
    let running = use_state(|| false);
    let rate = use_state(|| crate::traffic_view::RATES[1]);
    let clients = use_state(|| 1u32);
    let ticker = use_mut_ref(|| None::<Interval>);
    let help = use_state(|| false);
    let theme = use_state(theme::current);
    // The latest command runner, for the document's keydown listener (added once).
    let runner = use_mut_ref(|| None::<Callback<(Command, Focus)>>);

    // Every change: mutate, save, redraw.
    let change = {
        let (ws, update) = (ws.clone(), update.clone());
        Callback::from(move |f: Rc<dyn Fn(&mut Workspace)>| {
            f(&mut ws.borrow_mut());
            let saved = storage::save(&ws.borrow());
            if let Err(why) = saved {
                ws.borrow_mut().notice = Some(format!("Not saved: {why}"));
            }
            update.force_update();
        })
    };
    let on_input = {
        let (change, timer) = (change.clone(), timer.clone());
        Callback::from(move |text: String| {
            change.emit(Rc::new(move |w: &mut Workspace| w.text = text.clone()));
            let apply = change.clone();
            // Auto-apply once typing pauses; a new keystroke cancels the pending one.
            *timer.borrow_mut() = Some(Timeout::new(AUTO_APPLY_MS, move || {
                apply.emit(Rc::new(|w: &mut Workspace| w.apply()));
            }));
        })
    };
    let on_apply = {
        let change = change.clone();
        Callback::from(move |()| change.emit(Rc::new(|w: &mut Workspace| w.apply())))
    };
    let on_select = {
        let change = change.clone();
        Callback::from(move |r: ObjectRef| {
            change.emit(Rc::new(move |w: &mut Workspace| w.selected = Some(r.clone())))
        })
    };
    let on_request = {
        let change = change.clone();
        Callback::from(move |form: RequestForm| {
            change.emit(Rc::new(move |w: &mut Workspace| w.request = form.clone()))
        })
    };
    let on_send = {
        let change = change.clone();
        Callback::from(move |()| change.emit(Rc::new(|w: &mut Workspace| w.send())))
    };
    let toggle_menu = {
        let menu = menu.clone();
        Callback::from(move |_| menu.set(!*menu))
    };
    let load_example = |id: &'static str| {
        let (change, menu, moves) = (change.clone(), menu.clone(), moves.clone());
        Callback::from(move |_| {
            moves.borrow_mut().clear();
            change.emit(Rc::new(move |w: &mut Workspace| {
                w.load_example(id);
                w.notice = None;
            }));
            menu.set(false);
        })
    };
    let on_share = {
        let (ws, share_link) = (ws.clone(), share_link.clone());
        Callback::from(move |_| {
            let link = storage::share_url(&ws.borrow());
            if let (Some(link), Some(window)) = (&link, web_sys::window()) {
                let _ = window
                    .history()
                    .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(link)));
            }
            share_link.set(link);
        })
    };
    let on_export = {
        let ws = ws.clone();
        let change = change.clone();
        Callback::from(move |_| {
            let text = ws.borrow().export_yaml();
            if let Err(why) = crate::export_canvas::text_blob(&text, "application/yaml")
                .and_then(|blob| crate::export_canvas::download_blob("kroute-manifests.yaml", &blob))
            {
                let why = why.to_owned();
                change.emit(Rc::new(move |w: &mut Workspace| {
                    w.notice = Some(format!("Export failed: {why}"))
                }));
            }
        })
    };
    let on_reset = {
        let (change, moves, share_link) = (change.clone(), moves.clone(), share_link.clone());
        Callback::from(move |_| {
            moves.borrow_mut().clear();
            share_link.set(None);
            change.emit(Rc::new(|w: &mut Workspace| {
                if let Some(first) = crate::state::example_saved(crate::state::FIRST_EXAMPLE) {
                    w.replace_with(first);
                }
                w.notice = None;
            }));
        })
    };
    let restore = {
        let change = change.clone();
        Callback::from(move |_| change.emit(Rc::new(|w: &mut Workspace| w.restore_previous())))
    };
    let on_edit = {
        let change = change.clone();
        Callback::from(move |edit: Edit| change.emit(Rc::new(move |w: &mut Workspace| w.edit(&edit))))
    };
    let on_link = {
        let on_edit = on_edit.clone();
        Callback::from(move |(service, pod): (ObjectRef, ObjectRef)| {
            on_edit.emit(Edit::SelectPod { service, pod })
        })
    };
    let add = |shape: Shape| {
        let on_edit = on_edit.clone();
        Callback::from(move |_| {
            on_edit.emit(Edit::Add {
                shape,
                namespace: "default".to_owned(),
            })
        })
    };
    // Shortcuts and the toolbar's Undo/Redo: one runner for every command.
    let run = {
        let (ws, change, timer, help, menu, on_edit) = (
            ws.clone(),
            change.clone(),
            timer.clone(),
            help.clone(),
            menu.clone(),
            on_edit.clone(),
        );
        Callback::from(move |(cmd, focus): (Command, Focus)| {
            // While the help is open only what closes it works.
            if *help && !matches!(cmd, Command::Close | Command::Help) {
                return;
            }
            match cmd {
                Command::Undo | Command::Redo => {
                    // The pending auto-apply is part of the step undone.
                    *timer.borrow_mut() = None;
                    let before = ws.borrow().text.clone();
                    change.emit(Rc::new(move |w: &mut Workspace| {
                        if cmd == Command::Undo {
                            w.undo();
                        } else {
                            w.redo();
                        }
                    }));
                    if let (Focus::Manifests, (_, Some(area))) = (focus, self::focus()) {
                        place_caret(&area, &before, &ws.borrow().text);
                    }
                }
                Command::Apply => {
                    *timer.borrow_mut() = None;
                    change.emit(Rc::new(|w: &mut Workspace| w.apply()));
                }
                Command::Send => change.emit(Rc::new(|w: &mut Workspace| w.send())),
                Command::Help => {
                    menu.set(false);
                    help.set(true);
                }
                Command::Close => {
                    menu.set(false);
                    help.set(false);
                }
                Command::DeleteSelected => {
                    let selected = ws.borrow().selected.clone();
                    if let Some(object) = selected {
                        on_edit.emit(Edit::Delete { object });
                    }
                }
            }
        })
    };
    *runner.borrow_mut() = Some(run.clone());
    {
        let runner = runner.clone();
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    if e.default_prevented() || e.is_composing() {
                        return;
                    }
                    let (focus, _) = focus();
                    let key = e.key();
                    let press = Press {
                        key: &key,
                        command: e.ctrl_key() || e.meta_key(),
                        shift: e.shift_key(),
                        alt: e.alt_key(),
                    };
                    let Some(cmd) = crate::shortcuts::command(press, focus) else {
                        return;
                    };
                    // Esc keeps its default: it is what closes the modal dialog.
                    if cmd != Command::Close {
                        e.prevent_default();
                    }
                    let run = runner.borrow().clone();
                    if let Some(run) = run {
                        run.emit((cmd, focus));
                    }
                });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = &document {
                    let _ =
                        d.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    let on_undo = {
        let run = run.clone();
        Callback::from(move |_| run.emit((Command::Undo, Focus::Elsewhere)))
    };
    let on_redo = {
        let run = run.clone();
        Callback::from(move |_| run.emit((Command::Redo, Focus::Elsewhere)))
    };
    let open_help = {
        let run = run.clone();
        Callback::from(move |_| run.emit((Command::Help, Focus::Elsewhere)))
    };
    let close_help = {
        let help = help.clone();
        Callback::from(move |()| help.set(false))
    };
    {
        // The toggle follows the system while no theme is chosen.
        let theme = theme.clone();
        use_effect_with((), move |_| {
            let watch = theme::watch_system(move || theme.set(theme::current()));
            move || drop(watch)
        });
    }
    let toggle_theme = {
        let (theme, change) = (theme.clone(), change.clone());
        Callback::from(move |_| {
            let next = theme.other();
            if let Err(why) = theme::choose(next) {
                change.emit(Rc::new(move |w: &mut Workspace| {
                    w.notice = Some(format!("Theme not kept: {why}"))
                }));
            }
            theme.set(next);
        })
    };
    let export_failed = {
        let change = change.clone();
        move |why: String| {
            change.emit(Rc::new(move |w: &mut Workspace| {
                w.notice = Some(format!("Export failed: {why}"))
            }))
        }
    };
    let on_export_svg = {
        let failed = export_failed.clone();
        Callback::from(move |_| {
            if let Err(why) = crate::export_canvas::export_svg() {
                failed(why);
            }
        })
    };
    let on_export_png = Callback::from(move |_| {
        let failed = export_failed.clone();
        if let Err(why) = crate::export_canvas::export_png(failed.clone()) {
            failed(why);
        }
    });

    // The traffic generator: a timer sends a fifth of the rate every 200 ms while running.
    let on_toggle = {
        let (running, ticker, change) = (running.clone(), ticker.clone(), change.clone());
        let (rate, clients) = (*rate, *clients);
        Callback::from(move |()| {
            if *running {
                *ticker.borrow_mut() = None;
                running.set(false);
            } else {
                let change = change.clone();
                let per_tick = (rate / 5).max(1);
                *ticker.borrow_mut() = Some(Interval::new(200, move || {
                    change.emit(Rc::new(move |w: &mut Workspace| {
                        w.send_traffic(per_tick, rate, clients)
                    }));
                }));
                running.set(true);
            }
        })
    };
    let on_traffic_reset = {
        let change = change.clone();
        Callback::from(move |()| change.emit(Rc::new(|w: &mut Workspace| w.traffic = None)))
    };
    let on_rate = {
        let (rate, ticker, running) = (rate.clone(), ticker.clone(), running.clone());
        Callback::from(move |r: u32| {
            // A new rate takes effect on the next start.
            *ticker.borrow_mut() = None;
            running.set(false);
            rate.set(r);
        })
    };
    let on_clients = {
        let (clients, ticker, running) = (clients.clone(), ticker.clone(), running.clone());
        Callback::from(move |n: u32| {
            *ticker.borrow_mut() = None;
            running.set(false);
            clients.set(n);
        })
    };
    let dismiss = {
        let change = change.clone();
        Callback::from(move |_| change.emit(Rc::new(|w: &mut Workspace| w.notice = None)))
    };
    let select_tab = |t: LeftTab| {
        let tab = tab.clone();
        Callback::from(move |_| tab.set(t))
    };

    // What the inspector shows, asked of the core again only when the cluster (a new
    // topology, or its clock moved) or the selection changed.
    let inspection = {
        let w = ws.borrow();
        let key = (
            SameTopology(w.snapshot.as_ref().map(|s| s.topology.clone())),
            w.now_ms(),
            w.selected.clone(),
        );
        let ws = ws.clone();
        use_memo(key, move |_| inspector::inspection(&ws.borrow()))
    };
    let w = ws.borrow();
    let snapshot = w.snapshot.as_ref();
    let sources = snapshot.map(|s| s.sources.clone()).unwrap_or_default();
    let tree = snapshot.map(|s| s.tree.clone()).unwrap_or_default();
    let warnings: Vec<String> = snapshot
        .map(|s| {
            let warnings = s.warnings.iter().map(|x| format!("{}: {}", x.object, x.message));
            warnings
                .chain(s.references.iter().map(crate::editor::issue_text))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <>
            <header class="masthead">
                <div class="brand">
                    <h1>{ "kroute" }</h1>
                    <p class="tagline">{ TAGLINE }</p>
                </div>
                <ClockView now_ms={w.now_ms()} playing={w.clock.playing} speed={w.clock.speed} on_change={change.clone()} />
                <nav class="toolbar" aria-label="Workspace">
                    <button onclick={on_undo} disabled={!w.can_undo()} title="Undo (Ctrl+Z)">{ "Undo" }</button>
                    <button onclick={on_redo} disabled={!w.can_redo()} title="Redo (Ctrl+Shift+Z)">{ "Redo" }</button>
                    <span class="separator" aria-hidden="true"></span>
                    <div class="menu">
                        <button aria-haspopup="true" aria-expanded={(*menu).to_string()} onclick={toggle_menu}>{ "Examples" }</button>
                        if *menu {
                            <ul class="menu-list" role="menu" aria-label="Examples">
                                { for kroute::examples::examples().into_iter().map(|e| html! {
                                    <li role="none">
                                        <button role="menuitem" onclick={load_example(e.id)}>
                                            <span class="menu-title">{ e.title }</span>
                                            <span class="menu-summary">{ e.summary }</span>
                                        </button>
                                    </li>
                                }) }
                            </ul>
                        }
                    </div>
                    <button onclick={on_share}>{ "Share" }</button>
                    <button onclick={on_export}>{ "Export YAML" }</button>
                    <button onclick={on_reset}>{ "Reset" }</button>
                    <span class="separator" aria-hidden="true"></span>
                    <button onclick={toggle_theme} aria-pressed={(*theme == Theme::Dark).to_string()}>{ "Dark theme" }</button>
                    <button onclick={open_help} title="Keyboard shortcuts (?)">{ "Shortcuts" }</button>
                </nav>
            </header>
            if let Some(n) = &w.notice {
                <div class="notice" role="alert">{ n.clone() }<button class="link" onclick={dismiss}>{ "Dismiss" }</button></div>
            }
            if w.previous.is_some() {
                <div class="notice" role="status">
                    { "Your previous manifests are kept." }
                    <button onclick={restore}>{ "Restore previous" }</button>
                </div>
            }
            if let Some(link) = &*share_link {
                <div class="share">
                    <label>{ "Share link (the whole workspace, compressed, in the fragment)" }
                        <input type="text" readonly=true aria-label="Share link" value={link.clone()} />
                    </label>
                </div>
            }
            <main class="panes">
                <section class="pane left" aria-label="Manifests pane">
                    <div class="tabs" role="tablist">
                        <button role="tab" aria-selected={(*tab == LeftTab::Manifests).to_string()} onclick={select_tab(LeftTab::Manifests)}>{ "Manifests" }</button>
                        <button role="tab" aria-selected={(*tab == LeftTab::Objects).to_string()} onclick={select_tab(LeftTab::Objects)}>{ "Objects" }</button>
                    </div>
                    if *tab == LeftTab::Manifests {
                        <Editor text={AttrValue::from(w.text.clone())} issues={w.issues.clone()}
                            warnings={snapshot.map(|s| s.references.clone()).unwrap_or_default()}
                            stale={w.is_stale()} {on_input} {on_apply} />
                    } else {
                        { objects_tab(&tree, &on_select) }
                    }
                    if !warnings.is_empty() {
                        <ul class="warnings" aria-label="Warnings">{ for warnings.iter().map(|x| html! { <li>{ x.clone() }</li> }) }</ul>
                    }
                </section>
                <section class="pane middle" aria-label="Canvas">
                    <div class="canvas-bar">
                        <div class="palette" role="toolbar" aria-label="Add to the cluster">
                            { for Shape::ALL.iter().map(|s| html! {
                                <button class="add" onclick={add(*s)}>{ format!("+ {}", s.label()) }</button>
                            }) }
                        </div>
                        <div class="export" role="group" aria-label="Export the canvas">
                            <button onclick={on_export_svg}>{ "Export SVG" }</button>
                            <button onclick={on_export_png}>{ "Export PNG" }</button>
                        </div>
                    </div>
                    if let Some(c) = &w.last_change {
                        <p class="change" role="status">{ change_text(c) }</p>
                    }
                    <Canvas topology={snapshot.map(|s| s.topology.clone())} trace={w.trace().cloned()} generation={w.generation}
                        selected={w.selected.clone()} on_select={on_select.clone()} {on_link} moves={moves.clone()} />
                </section>
                <section class="pane right" aria-label="Inspector">
                    <h2>{ "Inspector" }</h2>
                    <Inspector {inspection} on_select={on_select.clone()} on_edit={on_edit.clone()} />
                </section>
            </main>
            <RequestBar form={w.request.clone()} {sources} on_change={on_request} {on_send} />
            <TrafficView traffic={w.traffic.clone()} running={*running} rate={*rate} clients={*clients}
                {on_toggle} on_reset={on_traffic_reset} {on_rate} {on_clients} />
            <TraceView result={w.result.clone()} />
            <LifecycleView lifecycle={w.lifecycle_set().and_then(|s| w.lifecycle(&s))} sets={w.stateful_sets()}
                note={w.clock.note.clone()} on_change={change.clone()} />
            <SlicesView data={SlicesData::of(&w)} change={change.clone()} />
            <ShortcutsHelp open={*help} on_close={close_help} />
        </>
    }
}
