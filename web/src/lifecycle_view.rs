//! The StatefulSet lifecycle: one slot per ordinal with its pod's state and revision, the
//! controls that change the live set (replicas, podManagementPolicy, partition, a rolling
//! update), each pod's DNS name, what the headless Service's name answers, what the controller
//! waits for and what happened when. Everything shown is `kroute::view::lifecycle`'s data; this
//! file only puts words on it.

use std::rc::Rc;

use kroute::controllers::statefulset::{
    PodManagementPolicy, PodState as Shortfall, UpdateStrategy, Wait, Work,
};
use kroute::dns::NxReason;
use kroute::view::{Blocker, Happening, Lifecycle, PodState, Slot, SlotWait, TimelineEntry};
use kroute::ObjectRef;
use yew::prelude::*;

use crate::clock_view::{seconds, Change};
use crate::state::Workspace;

/// Timeline entries shown (the latest).
pub const TIMELINE_SHOWN: usize = 14;

#[derive(Properties)]
pub struct LifecycleProps {
    /// The shown set, as the core sees it now (`None`: the cluster has no StatefulSet).
    pub lifecycle: Option<Lifecycle>,
    pub sets: Vec<ObjectRef>,
    /// What the last action could not do as asked.
    pub note: Option<String>,
    pub on_change: Change,
}

/// Always redrawn: the app asks the core for the lifecycle on each of its renders, and
/// comparing it field by field would take more code (≈3 KB of wasm) than redrawing the few
/// dozen elements it makes.
impl PartialEq for LifecycleProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

fn state_words(state: Option<PodState>) -> &'static str {
    match state {
        None => "absent",
        Some(PodState::Pending) => "Pending",
        Some(PodState::NotReady) => "Running, not Ready",
        Some(PodState::Ready) => "Ready",
        Some(PodState::Terminating) => "Terminating",
        Some(PodState::Failed) => "Failed",
        Some(PodState::Succeeded) => "Succeeded",
    }
}

fn state_class(state: Option<PodState>) -> &'static str {
    match state {
        None => "state-absent",
        Some(PodState::Pending) => "state-pending",
        Some(PodState::NotReady) => "state-notready",
        Some(PodState::Ready) => "state-ready",
        Some(PodState::Terminating) => "state-terminating",
        Some(PodState::Failed) | Some(PodState::Succeeded) => "state-failed",
    }
}

fn shortfall_words(s: &Shortfall) -> String {
    match s {
        Shortfall::Terminating => "to finish terminating".to_owned(),
        Shortfall::NotRunning { phase } => format!("to run (it is {phase:?})"),
        Shortfall::NotReady => "to become Ready".to_owned(),
        Shortfall::NotAvailable {
            available_at_ms: Some(at),
        } => format!("to be available (minReadySeconds, at t = {})", seconds(*at)),
        Shortfall::NotAvailable {
            available_at_ms: None,
        } => "to be available (minReadySeconds)".to_owned(),
    }
}

fn work_words(set: &str, w: &Work) -> String {
    match w {
        Work::Create { ordinal } => format!("create {set}-{ordinal}"),
        Work::Replace { ordinal } => format!("replace the finished {set}-{ordinal}"),
        Work::ScaleDown { ordinal } => format!("remove {set}-{ordinal} (scale down)"),
        Work::Update { ordinal } => format!("replace {set}-{ordinal} at the update revision"),
    }
}

/// One of the controller's waits, in words.
fn wait_words(set: &str, w: &Wait) -> String {
    match w {
        Wait::ForPod {
            ordinal,
            name,
            state,
            holds_back,
        } => {
            let then = match holds_back {
                Some(Work::Create { ordinal: o }) if o == ordinal => ", then it recreates it".to_owned(),
                Some(h) => format!(" before it can {}", work_words(set, h)),
                None => String::new(),
            };
            format!("Waiting for {name} {}{then}.", shortfall_words(state))
        }
        Wait::ForBudget {
            unavailable,
            max_unavailable,
            holds_back,
        } => format!(
            "{unavailable} pod(s) unavailable, at most {max_unavailable} allowed: holding back {}.",
            work_words(set, holds_back)
        ),
        Wait::ForManualDelete { name, revision, .. } => {
            format!("{name} runs {revision}; OnDelete replaces it only once you delete it.")
        }
        Wait::HeldByPartition {
            name,
            revision,
            partition,
            ..
        } => format!("{name} keeps {revision}: its ordinal is below the partition ({partition})."),
    }
}

/// A slot's waits, briefly.
fn slot_wait_words(set: &str, ordinal: u32, w: &SlotWait) -> String {
    match w {
        SlotWait::WaitedOn {
            state,
            holds_back: Some(Work::Create { ordinal: o }),
        } if *o == ordinal => format!(
            "the controller waits for it {}, then recreates it",
            shortfall_words(state)
        ),
        SlotWait::WaitedOn { state, .. } => format!("the controller waits for it {}", shortfall_words(state)),
        SlotWait::HeldBack {
            work,
            blocker: Blocker::Pod { name, .. },
        } => format!("{}: after {name}", capitalise(&work_words(set, work))),
        SlotWait::HeldBack {
            work,
            blocker: Blocker::Budget { .. },
        } => format!(
            "{}: unavailability budget spent",
            capitalise(&work_words(set, work))
        ),
        SlotWait::BelowPartition { partition, .. } => format!("kept: below partition {partition}"),
        SlotWait::UntilDeleted { .. } => "kept until deleted (OnDelete)".to_owned(),
    }
}

/// The phrase with its first letter upper-cased. The phrases are this file's own, in ASCII:
/// Unicode case mapping would bring its tables into the wasm for nothing.
fn capitalise(s: &str) -> String {
    let mut out = s.to_owned();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

fn happening_words(h: Happening) -> &'static str {
    match h {
        Happening::SetApplied => "applied (spec changed)",
        Happening::Created => "created",
        Happening::Scheduled => "scheduled, got an IP",
        Happening::Unschedulable => "could not be scheduled",
        Happening::Started => "Running and Ready",
        Happening::ProbeFailing => "readiness probe failing",
        Happening::ProbePassing => "Ready again",
        Happening::Exited => "container exited: Failed",
        Happening::Terminating => "terminating",
        Happening::Gone => "gone",
    }
}

fn nx_words(nx: &NxReason) -> String {
    match nx {
        NxReason::NoSuchHostname { .. } => "NXDOMAIN: not a ready endpoint".to_owned(),
        NxReason::NoReadyEndpoints { service } => format!("NXDOMAIN: {service} has no ready endpoint"),
        NxReason::NoSuchService { service, .. } => format!("NXDOMAIN: no Service {service}"),
        _ => "NXDOMAIN".to_owned(),
    }
}

fn slot_view(l: &Lifecycle, s: &Slot) -> Html {
    let rolling = l.current_revision != l.update_revision;
    let revision = match (&s.revision, rolling) {
        (Some(_), true) if s.updated => Some(("new", "rev-new")),
        (Some(_), true) => Some(("old", "rev-old")),
        _ => None,
    };
    let label = format!("{}: {}", s.pod, state_words(s.state));
    html! {
        <li class={classes!("slot", state_class(s.state), (!s.desired).then_some("condemned"))} aria-label={label}>
            <span class="slot-ordinal">{ s.ordinal }</span>
            <span class="slot-name">{ &s.pod }</span>
            <span class="slot-state">{ state_words(s.state) }</span>
            if let Some((text, class)) = revision {
                <span class={classes!("slot-rev", class)} title={s.revision.clone().unwrap_or_default()}>{ text }</span>
            }
            if let Some(since) = s.since_ms.filter(|_| s.state.is_some()) {
                <span class="slot-since">{ format!("since t = {}", seconds(since)) }</span>
            }
            if !s.desired && s.state.is_some() {
                <span class="slot-wait">{ "beyond replicas: being removed" }</span>
            }
            { for s.waits.iter().map(|w| html! { <span class="slot-wait">{ slot_wait_words(&l.set.name, s.ordinal, w) }</span> }) }
        </li>
    }
}

fn timeline_line(e: &TimelineEntry, set: &str) -> Html {
    let who = e.pod.clone().unwrap_or_else(|| format!("StatefulSet {set}"));
    html! {
        <li>
            <span class="at">{ format!("t = {}", seconds(e.at_ms)) }</span>
            <span class="who">{ who }</span>
            { happening_words(e.happening) }
        </li>
    }
}

/// A button's click: `f` on the workspace and the shown set.
fn on_click(
    change: &Change,
    set: &ObjectRef,
    f: impl Fn(&mut Workspace, &ObjectRef) + 'static,
) -> Callback<MouseEvent> {
    let (change, set, f) = (change.clone(), set.clone(), Rc::new(f));
    Callback::from(move |_| {
        let (set, f) = (set.clone(), f.clone());
        change.emit(Rc::new(move |w: &mut Workspace| f(w, &set)))
    })
}

#[function_component(LifecycleView)]
pub fn lifecycle_view(props: &LifecycleProps) -> Html {
    let Some(l) = &props.lifecycle else {
        return html! {
            <section class="lifecycle" aria-label="StatefulSet lifecycle">
                <h2>{ "StatefulSet lifecycle" }</h2>
                <p class="hint">{ "No StatefulSet in this cluster. The example “StatefulSet: web-0.nginx” has one: scale it and step the clock to watch its pods start in order." }</p>
            </section>
        };
    };
    let set = l.set.clone();
    let on_pick = {
        let (cb, sets) = (props.on_change.clone(), props.sets.clone());
        Callback::from(move |e: Event| {
            let picked = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<usize>().ok())
                .and_then(|i| sets.get(i).cloned());
            if let Some(picked) = picked {
                cb.emit(Rc::new(move |w: &mut Workspace| w.show_set(picked.clone())));
            }
        })
    };
    let scale_to = |n: i64| on_click(&props.on_change, &set, move |w, set| w.scale_set(set, n));
    let on_replicas = {
        let (cb, set) = (props.on_change.clone(), set.clone());
        Callback::from(move |e: Event| {
            let n = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.value().parse::<i64>().ok());
            if let Some(n) = n.filter(|n| *n >= 0) {
                let set = set.clone();
                cb.emit(Rc::new(move |w: &mut Workspace| w.scale_set(&set, n)));
            }
        })
    };
    let policy =
        |p: PodManagementPolicy| on_click(&props.on_change, &set, move |w, set| w.set_pod_management(set, p));
    let on_partition = {
        let (cb, set) = (props.on_change.clone(), set.clone());
        Callback::from(move |e: Event| {
            let n = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.value().parse::<u32>().ok());
            if let Some(n) = n {
                let set = set.clone();
                cb.emit(Rc::new(move |w: &mut Workspace| w.set_partition(&set, n)));
            }
        })
    };
    let restart = on_click(&props.on_change, &set, |w, set| w.restart_set(set));
    let chosen = props.sets.iter().position(|s| *s == l.set);
    let replicas = i64::from(l.replicas);
    let partition = match l.update {
        UpdateStrategy::RollingUpdate { partition, .. } => Some(partition),
        UpdateStrategy::OnDelete => None,
    };
    let rolling = l.current_revision != l.update_revision;
    let shown: Vec<&TimelineEntry> = {
        let skip = l.timeline.len().saturating_sub(TIMELINE_SHOWN);
        l.timeline.iter().skip(skip).collect()
    };
    let pressed = |p: PodManagementPolicy| (l.policy == p).to_string();
    html! {
        <section class="lifecycle" aria-label="StatefulSet lifecycle">
            <div class="lifecycle-bar">
                <h2>{ "StatefulSet lifecycle" }</h2>
                <select aria-label="StatefulSet" onchange={on_pick}>
                    { for props.sets.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={Some(i) == chosen}>
                            { format!("{}/{}", s.namespace.as_deref().unwrap_or("default"), s.name) }
                        </option>
                    }) }
                </select>
                <span class="field">{ "Replicas" }
                    <button aria-label="Remove a replica" onclick={scale_to((replicas - 1).max(0))}>{ "−" }</button>
                    <input type="number" min="0" aria-label="Replicas" value={replicas.to_string()} onchange={on_replicas} />
                    <button aria-label="Add a replica" onclick={scale_to(replicas + 1)}>{ "+" }</button>
                </span>
                <span class="field" role="group" aria-label="podManagementPolicy">
                    <button class="toggle" aria-pressed={pressed(PodManagementPolicy::OrderedReady)}
                        onclick={policy(PodManagementPolicy::OrderedReady)}>{ "OrderedReady" }</button>
                    <button class="toggle" aria-pressed={pressed(PodManagementPolicy::Parallel)}
                        onclick={policy(PodManagementPolicy::Parallel)}>{ "Parallel" }</button>
                </span>
                if let Some(p) = partition {
                    <label class="field">{ "Partition" }
                        <input type="number" min="0" aria-label="Partition" value={p.to_string()} onchange={on_partition} />
                    </label>
                    <button onclick={restart} title="kubectl rollout restart: a new template annotation, so a new revision">{ "Start rolling update" }</button>
                } else {
                    <span class="hint">{ "OnDelete: a pod is updated when you delete it" }</span>
                }
            </div>
            if let Some(note) = &props.note {
                <p class="lifecycle-note" role="status">{ note.clone() }</p>
            }
            <p class="lifecycle-summary" aria-label="Status">
                { format!("t = {} · {} of {} Ready", seconds(l.now_ms), l.status.ready_replicas, l.replicas) }
                if rolling {
                    { format!(" · {} updated · rolling update {} → {}", l.status.updated_replicas, l.current_revision, l.update_revision) }
                } else {
                    { format!(" · revision {}", l.update_revision) }
                }
            </p>
            <ol class="slots" aria-label="Ordinals">
                { for l.slots.iter().map(|s| slot_view(l, s)) }
            </ol>
            <div class="lifecycle-grid">
                <div>
                    <h3>{ "Controller" }</h3>
                    <ul class="waits" aria-label="Waiting">
                        if l.waiting.is_empty() {
                            <li class="settled">{ "Nothing to wait for: the set is as its spec says." }</li>
                        }
                        { for l.waiting.iter().map(|w| html! { <li>{ wait_words(&l.set.name, w) }</li> }) }
                    </ul>
                    <h3>{ "Timeline" }</h3>
                    <ol class="timeline" aria-label="Timeline">
                        { for shown.iter().map(|e| timeline_line(e, &l.set.name)) }
                    </ol>
                </div>
                <div>
                    <h3>{ "DNS" }</h3>
                    if let Some(svc) = &l.service {
                        <div class="headless" aria-label="Headless answer">
                            <code>{ format!("{} A", svc.fqdn) }</code>
                            if !svc.exists {
                                <span class="nx">{ format!(" → NXDOMAIN: no Service {}", svc.name) }</span>
                            } else if !svc.headless {
                                <span class="nx">{ " → its ClusterIP (not headless: no per-pod records)" }</span>
                            } else if svc.pods.is_empty() {
                                <span class="nx">{ " → NXDOMAIN: no ready endpoint" }</span>
                            } else {
                                { format!(" → {} record(s)", svc.pods.len()) }
                            }
                            <ul class="answer" aria-label="Headless Service answer">
                                { for svc.answer.addresses().into_iter().zip(svc.pods.iter()).map(|(ip, pod)| html! {
                                    <li><span class="who">{ pod.clone() }</span>{ ip.to_owned() }</li>
                                }) }
                            </ul>
                        </div>
                        <table class="pod-dns" aria-label="Pod DNS names">
                            <tbody>
                                { for l.slots.iter().filter_map(|s| s.dns.as_ref()).map(|d| html! {
                                    <tr class={classes!((!d.addresses.is_empty()).then_some("resolves"))}>
                                        <td><code>{ &d.name }</code></td>
                                        <td>{ if d.addresses.is_empty() {
                                            d.nx.as_ref().map(nx_words).unwrap_or_else(|| "no answer".to_owned())
                                        } else { d.addresses.join(", ") } }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    } else {
                        <p class="hint">{ "No spec.serviceName: the pods have no stable DNS names." }</p>
                    }
                </div>
            </div>
        </section>
    }
}
