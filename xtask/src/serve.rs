//! `cargo xtask serve`: setup, then Trunk's dev server with a debug build in its own dist
//! directory, so it never overwrites the release build the e2e test loads.

use crate::project::{self, command};
use crate::{process, setup, Result};

pub const ADDRESS: &str = "127.0.0.1";
pub const PORT: &str = "8080";

/// `extra` goes to `trunk serve` as is (e.g. `--port 9000`, which overrides ours).
pub fn run(extra: &[String]) -> Result {
    setup::run()?;
    println!("==> [serve] http://{ADDRESS}:{PORT}/ (reload the page after a rebuild: autoreload is off, see Trunk.toml)");
    let mut trunk = command("trunk");
    trunk
        .args([
            "serve",
            "www/index.html",
            "--address",
            ADDRESS,
            "--port",
            PORT,
            "--dist",
        ])
        .arg(project::serve_dist_dir())
        .args(extra);
    process::run(&mut trunk)
}
