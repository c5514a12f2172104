//! The simulated clock's controls: the time, Play/Pause, Step and the speed. While playing, a
//! timer moves the live cluster's clock every [`TICK_MS`] of real time.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::clock::{SPEEDS, TICK_MS};
use crate::state::Workspace;

/// A change to the workspace, as the app applies it (mutate, save, redraw).
pub type Change = Callback<Rc<dyn Fn(&mut Workspace)>>;

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    /// The live cluster's time (`None` before the first cluster).
    pub now_ms: Option<u64>,
    pub playing: bool,
    pub speed: u32,
    pub on_change: Change,
}

/// `t = 34.2 s`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
}

#[function_component(ClockView)]
pub fn clock_view(props: &ClockProps) -> Html {
    {
        // Play: the timer lives while playing and is dropped on Pause (or a speed change,
        // which starts a new one).
        let on_change = props.on_change.clone();
        use_effect_with((props.playing, props.speed), move |(playing, _)| {
            let ticker = playing.then(|| {
                Interval::new(TICK_MS, move || {
                    on_change.emit(Rc::new(|w: &mut Workspace| w.tick(u64::from(TICK_MS))))
                })
            });
            move || drop(ticker)
        });
    }
    let toggle = {
        let (cb, playing) = (props.on_change.clone(), props.playing);
        Callback::from(move |_| cb.emit(Rc::new(move |w: &mut Workspace| w.set_playing(!playing))))
    };
    let step = {
        let cb = props.on_change.clone();
        Callback::from(move |_| {
            cb.emit(Rc::new(|w: &mut Workspace| {
                w.step_clock();
            }))
        })
    };
    let on_speed = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let speed = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u32>().ok());
            if let Some(speed) = speed {
                cb.emit(Rc::new(move |w: &mut Workspace| w.set_speed(speed)));
            }
        })
    };
    let disabled = props.now_ms.is_none();
    html! {
        <div class="clock" role="group" aria-label="Clock">
            // A timer, not a status: a live region read out five times a second would be noise.
            <span class="clock-time" role="timer" aria-label="Simulated time" title="Simulated time: the cluster's clock">
                { props.now_ms.map_or_else(|| "—".to_owned(), |ms| format!("t = {}", seconds(ms))) }
            </span>
            <button class={classes!("clock-play", props.playing.then_some("playing"))} onclick={toggle} {disabled}
                title="Run the cluster's clock">
                { if props.playing { "Pause" } else { "Play" } }
            </button>
            <button onclick={step} {disabled} title="Jump to the next thing the cluster has scheduled (a pod starting, a grace period ending)">{ "Step" }</button>
            <select aria-label="Speed" onchange={on_speed}>
                { for SPEEDS.iter().map(|s| html! {
                    <option value={s.to_string()} selected={*s == props.speed}>{ format!("{s}×") }</option>
                }) }
            </select>
        </div>
    }
}
