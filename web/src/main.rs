//! Entry point Trunk builds (`data-bin="web"` in www/index.html): mounts the app on <body>.

fn main() {
    yew::Renderer::<web::app::App>::new().render();
}
