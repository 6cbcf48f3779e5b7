//! `faqtory serve`: the live preview.
//!
//! One builder thread owns the site model: it builds through the library
//! ([`crate::pipeline::render_site`], in memory; never into `public/`),
//! waits for changes from the watcher, and rebuilds (incrementally when only
//! page bodies changed). The HTTP side (hyper on tokio) reads the built files
//! from the shared [`store::Store`] and streams reload events to open pages.
//! No global state: everything hangs off values made in [`run`].
//!
//! Layout: [`paths`] (request targets, pure), [`guard`] (Host / Origin,
//! pure), [`store`] (files in memory + events), [`http`] (handlers),
//! [`builder`] (full and incremental builds), [`watch`] (notify, debounce,
//! change classification).

pub mod builder;
pub mod guard;
pub mod http;
pub mod paths;
pub mod range;
pub mod search;
pub mod store;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::pipeline::BuildOptions;

use builder::{Builder, Outcome};
use store::Store;

/// `faqtory serve` options.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = "Example:\n  faqtory serve --port 8080 --open\n\n\
                  See docs/serve.md for live reload and what the preview refuses to serve.")]
pub struct ServeArgs {
    /// The site's root folder (holds site.yaml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes the preview to
    /// the network: use with care.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub interface: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// Runs the preview server until the process is stopped; returns the exit
/// code when it cannot start.
pub fn run(args: &ServeArgs) -> i32 {
    let root = match std::fs::canonicalize(&args.root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "error: cannot open site folder {}: {e}",
                args.root.display()
            );
            return crate::cli::EXIT_USAGE;
        }
    };
    let listener = match std::net::TcpListener::bind(SocketAddr::new(args.interface, args.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e}",
                args.interface, args.port
            );
            return crate::cli::EXIT_USAGE;
        }
    };
    let Ok(addr) = listener.local_addr() else {
        eprintln!("error: cannot read the listening address");
        return crate::cli::EXIT_USAGE;
    };
    if !args.interface.is_loopback() {
        eprintln!(
            "warning: listening on {}, not loopback: anyone who can reach this machine can \
             read the preview. It is made for local use.",
            args.interface
        );
    }
    let url = format!("http://{}/", display_addr(addr));
    let store = Arc::new(Store::new(first_generation()));
    let opts = BuildOptions {
        root: root.clone(),
        base_url: Some(url.clone()),
        progress: false,
        ..BuildOptions::default()
    };
    let mut builder = Builder::new(opts, store.clone());
    builder.export_in_background();

    // Watch before the first build, so nothing saved during it is missed.
    let watching = match watch::start(&root) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: cannot watch {} for changes: {e}", root.display());
            None
        }
    };
    let started = std::time::Instant::now();
    let first = builder.full(false);
    log_outcome(&first, started.elapsed(), &store);

    if let Some((watcher, rx)) = watching {
        let root = root.clone();
        let spawned = std::thread::Builder::new()
            .name("faqtory-rebuild".into())
            .spawn(move || watch::run(&root, watcher, &rx, &mut builder));
        if let Err(e) = spawned {
            eprintln!("warning: cannot start the rebuild thread: {e}; not watching");
        }
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server runtime: {e}");
            return crate::cli::EXIT_USAGE;
        }
    };
    let ctx = Arc::new(http::Ctx {
        store,
        bound: guard::Bound { addr },
    });
    runtime.block_on(async move {
        if let Err(e) = listener.set_nonblocking(true) {
            eprintln!("error: {e}");
            return crate::cli::EXIT_USAGE;
        }
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                return crate::cli::EXIT_USAGE;
            }
        };
        println!("Serving {} at {url} (Ctrl-C to stop)", root.display());
        if args.open {
            open_browser(&url);
        }
        http::serve(listener, ctx).await;
        0
    })
}

/// `127.0.0.1:1111`, `[::1]:1111`; an unspecified bind shows as loopback
/// (the address to type into a browser on this machine).
fn display_addr(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port()).to_string()
}

/// Different on every start, so pages left open across a restart reload.
fn first_generation() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() * 1000)
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({opener}): {e}");
    }
}

/// One line per rebuild on stderr; the errors in full when it failed.
pub fn log_outcome(outcome: &Outcome, took: Duration, store: &Store) {
    let ms = took.as_secs_f64() * 1000.0;
    match outcome {
        Outcome::Nothing => {}
        Outcome::Full { changed } => {
            eprintln!("Built the site in {ms:.0} ms ({changed} files changed)")
        }
        Outcome::Incremental { changed } => {
            eprintln!("Rebuilt in {ms:.1} ms, incrementally ({changed} files changed)")
        }
        Outcome::Failed { errors } => {
            let status = store.status();
            for p in &status.errors {
                eprintln!("{}", p.text);
            }
            eprintln!(
                "Build failed with {errors} error(s) in {ms:.0} ms; still serving the last good site"
            );
        }
    }
}
