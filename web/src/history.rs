//! Undo and redo: a bounded history of the manifest text, the source of truth.
//!
//! A step is recorded whenever the text has changed since the last step: on every Apply
//! (typing makes one step per pause, when auto-apply runs, not one per keystroke), every
//! canvas or inspector edit, example, Reset, share link, Restore previous, scale or live edit.
//! Pending typing — keys pressed since the last pause — is recorded as its own step before any
//! other change and before an undo, so an undo goes back exactly to the text of the previous
//! step and a redo brings back exactly what was typed: nothing typed is lost.
//!
//! The request form is not part of the history, except where a step replaced it (an example,
//! Reset, a link, Restore previous bring their own request): undoing such a step brings back
//! the request that was there before, and redoing it the one that was there after. Everything
//! else the page holds (the trace, the traffic totals, runtime changes such as a killed pod or
//! the clock) is not text: an undo rebuilds the cluster from the restored text, as Apply does.
//!
//! The history lives in memory only; the store keeps what the user typed, not how they got
//! there. This module adds the history's methods to [`Workspace`]; `state.rs` calls
//! [`Workspace::record`] where the text changes.

use std::collections::VecDeque;

use crate::state::{RequestForm, Workspace};

/// At most this many steps can be undone…
pub const MAX_STEPS: usize = 100;
/// …holding at most this much text between them (a large manifest keeps fewer steps).
pub const MAX_BYTES: usize = 8 << 20;

/// A workspace to go back (or forward) to.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Step {
    text: String,
    /// Only when the step replaced the request form too.
    request: Option<RequestForm>,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
    /// The text as of the last step: what the text is compared with to see a change.
    recorded: String,
}

impl History {
    pub fn new(text: &str) -> History {
        History {
            recorded: text.to_owned(),
            ..History::default()
        }
    }

    fn push(&mut self, step: Step) {
        self.undo.push_back(step);
        self.redo.clear();
        let mut bytes: usize = self.undo.iter().map(|s| s.text.len()).sum();
        while self.undo.len() > MAX_STEPS || (bytes > MAX_BYTES && self.undo.len() > 1) {
            if let Some(old) = self.undo.pop_front() {
                bytes -= old.text.len();
            }
        }
    }
}

impl Workspace {
    /// Records a step if the text changed since the last one. `request_before` is the request
    /// form as it was before a change that replaced it (examples, Reset, links, Restore).
    pub fn record(&mut self, request_before: Option<RequestForm>) {
        let request = request_before.filter(|r| *r != self.request);
        if self.text == self.history.recorded && request.is_none() {
            return;
        }
        let text = std::mem::replace(&mut self.history.recorded, self.text.clone());
        self.history.push(Step { text, request });
    }

    /// True when there is something to undo (pending typing counts).
    pub fn can_undo(&self) -> bool {
        !self.history.undo.is_empty() || self.text != self.history.recorded
    }

    pub fn can_redo(&self) -> bool {
        !self.history.redo.is_empty() && self.text == self.history.recorded
    }

    /// Goes back one step: the text exactly as it was, applied. False when there is none.
    pub fn undo(&mut self) -> bool {
        self.record(None);
        let Some(step) = self.history.undo.pop_back() else {
            return false;
        };
        let here = self.go_to(step);
        self.history.redo.push(here);
        true
    }

    /// Goes forward one undone step. A change made since the undo clears what could be redone.
    pub fn redo(&mut self) -> bool {
        self.record(None);
        let Some(step) = self.history.redo.pop() else {
            return false;
        };
        let here = self.go_to(step);
        self.history.undo.push_back(here);
        true
    }

    /// Puts `step` in place and returns where the workspace was, to go back there.
    fn go_to(&mut self, step: Step) -> Step {
        let here = Step {
            text: std::mem::replace(&mut self.text, step.text),
            request: step.request.map(|r| std::mem::replace(&mut self.request, r)),
        };
        self.history.recorded = self.text.clone();
        self.last_change = None;
        self.apply();
        here
    }
}

#[cfg(test)]
mod tests {
    use kroute::manifest::draw::{Edit, Shape};
    use kroute::ObjectRef;

    use super::*;
    use crate::state::Saved;

    const MINE: &str = "apiVersion: v1\nkind: Namespace\nmetadata: {name: mine}\n";

    /// What a user does.
    #[derive(Clone, Copy)]
    enum Act {
        /// Replaces the text, as a keystroke does (no apply yet).
        Type(&'static str),
        /// Typing paused: auto-apply.
        Pause,
        /// Types at the end of the text (a keystroke).
        Append(&'static str),
        Add(Shape),
        Example(&'static str),
        Reset,
        RestorePrevious,
        /// Scales the first Deployment.
        Scale(i64),
        /// Sets the first Deployment's replicas in place (an inspector edit on the live cluster).
        LiveReplicas(i64),
        Url(&'static str),
        Undo,
        Redo,
    }

    /// What the workspace must be after the act.
    #[derive(Clone, Copy, Debug)]
    enum Want {
        /// Something not seen before.
        New,
        /// Exactly (text, request, applied or not) what it was after act `i` (0: the start).
        As(usize),
    }
    use Act::*;
    use Want::*;

    fn first_deployment(w: &Workspace) -> ObjectRef {
        w.snapshot
            .as_ref()
            .and_then(|s| {
                s.cluster
                    .applied_objects()
                    .map(|(k, _)| k.to_ref())
                    .find(|r| r.kind == "Deployment")
            })
            .expect("a Deployment")
    }

    fn act(w: &mut Workspace, a: Act) -> bool {
        match a {
            Type(t) => w.text = t.to_owned(),
            Pause => w.apply(),
            Append(t) => w.text.push_str(t),
            Add(shape) => w.edit(&Edit::Add {
                shape,
                namespace: "default".to_owned(),
            }),
            Example(id) => return w.load_example(id),
            Reset => w.replace_with(crate::state::example_saved(crate::state::FIRST_EXAMPLE).expect("first")),
            RestorePrevious => w.restore_previous(),
            Scale(n) => return w.scale(&first_deployment(w), n).is_ok(),
            LiveReplicas(n) => {
                let edit = Edit::SetField {
                    object: first_deployment(w),
                    path: vec!["spec".to_owned(), "replicas".to_owned()],
                    value: kroute::json!(n),
                };
                return w.live_edit(&edit).is_ok();
            }
            Url(u) => w.request.url = u.to_owned(),
            Undo => return w.undo(),
            Redo => return w.redo(),
        }
        true
    }

    type Seen = (Saved, bool);
    /// An act, whether it does something, and what it leaves.
    type Row = (Act, bool, Want);

    fn seen(w: &Workspace) -> Seen {
        (w.saved(), w.is_stale())
    }

    /// Runs the acts from the starter; after each: whether it did something, and what it left.
    fn check(name: &str, acts: &[Row]) {
        let mut w = Workspace::starter();
        let mut states = vec![seen(&w)];
        for (i, (a, did, want)) in acts.iter().enumerate() {
            let step = i + 1;
            assert_eq!(act(&mut w, *a), *did, "{name}: act {step} did something");
            let now = seen(&w);
            match want {
                As(j) => assert_eq!(now, states[*j], "{name}: after act {step} should be as after {j}"),
                New => assert!(
                    !states.contains(&now),
                    "{name}: after act {step} the workspace should be new"
                ),
            }
            // What is on screen is what the text builds (an undo applies).
            if !matches!(a, Type(_) | Append(_)) {
                let fresh = Workspace::new(w.saved());
                assert_eq!(fresh.is_stale(), w.is_stale(), "{name}: act {step} applied");
            }
            states.push(now);
        }
    }

    #[test]
    fn undo_and_redo_restore_the_workspace_exactly() {
        let cases: &[(&str, &[Row])] = &[
            (
                "typing is one step per pause, not per keystroke",
                &[
                    (Type(MINE), true, New),
                    (Append("---\n"), true, New),
                    (Pause, true, As(2)),
                    (Append("# a comment\n"), true, New),
                    (Pause, true, As(4)),
                    (Undo, true, As(3)),
                    (Undo, true, As(0)),
                    (Undo, false, As(0)),
                    (Redo, true, As(3)),
                    (Redo, true, As(5)),
                    (Redo, false, As(5)),
                ],
            ),
            (
                "typing not yet applied is undone as one step and redone exactly",
                &[
                    (Type("kind: Service\nspec: {ports: [{port: 0}]}\n"), true, New),
                    (Pause, true, New),
                    (Undo, true, As(0)),
                    (Append("# more\n"), true, New),
                    (Undo, true, As(0)),
                    (Redo, true, As(4)),
                    (Undo, true, As(0)),
                    (Redo, true, As(4)),
                    (Undo, true, As(0)),
                    (Undo, false, As(0)),
                ],
            ),
            (
                "a broken text is a step like any other; undo leaves it applied or not as it was",
                &[
                    (Type("kind: Service\nspec: {ports: [{port: 0}]}\n"), true, New),
                    (Pause, true, New),
                    (Undo, true, As(0)),
                    (Redo, true, As(2)),
                ],
            ),
            (
                "canvas edits are steps, and a new edit clears redo",
                &[
                    (Add(Shape::Pod), true, New),
                    (Add(Shape::ClusterIpService), true, New),
                    (Undo, true, As(1)),
                    (Undo, true, As(0)),
                    (Redo, true, As(1)),
                    (Add(Shape::Node), true, New),
                    (Redo, false, As(6)),
                    (Undo, true, As(1)),
                ],
            ),
            (
                "examples and Reset bring back the request they replaced, not later typing",
                &[
                    (Url("http://mine/"), true, New),
                    (Example("ingress"), true, New),
                    (Url("http://after/"), true, New),
                    (Undo, true, As(1)),
                    (Redo, true, As(3)),
                    (Reset, true, As(0)),
                    (Undo, true, As(3)),
                    (Add(Shape::Pod), true, New),
                    (Url("http://kept/"), true, New),
                    // The request typed after the last text change stays: it was not a step.
                    (Undo, true, New),
                ],
            ),
            (
                "Restore previous is a step",
                &[
                    (Type(MINE), true, New),
                    (Pause, true, As(1)),
                    (Example("ingress"), true, New),
                    (RestorePrevious, true, As(2)),
                    (Undo, true, As(3)),
                    (Undo, true, As(2)),
                    (Undo, true, As(0)),
                ],
            ),
            (
                "scale and live edits write the text, and undo takes them back",
                &[
                    (Scale(5), true, New),
                    (LiveReplicas(2), true, New),
                    (Undo, true, As(1)),
                    (Undo, true, As(0)),
                    (Redo, true, As(1)),
                    (Redo, true, As(2)),
                ],
            ),
        ];
        for (name, acts) in cases {
            check(name, acts);
        }
    }

    #[test]
    fn the_history_is_bounded_in_steps_and_bytes() {
        // (text size, edits made, steps that can be undone)
        let cases = [
            (10, MAX_STEPS + 20, MAX_STEPS),
            // Four texts fill the budget exactly.
            (MAX_BYTES / 4, 10, 4),
        ];
        for (size, edits, kept) in cases {
            let mut w = Workspace::new(Saved {
                text: String::new(),
                request: RequestForm::default(),
                cluster: Default::default(),
            });
            for i in 0..edits {
                w.text = format!("{}{i:03}\n", "#".repeat(size - 4));
                w.record(None);
            }
            let mut undone = 0;
            while w.undo() {
                undone += 1;
            }
            assert_eq!(undone, kept, "size {size}, {edits} edits");
            assert!(!w.can_undo());
            assert!(w.can_redo());
        }
    }
}
