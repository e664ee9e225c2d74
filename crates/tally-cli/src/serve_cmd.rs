//! `tally serve`: the local web dashboard over the database (`tally-web`).

use anyhow::{Context, Result};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tally_store::{OpenMode, Store};
use tokio::sync::Notify;

/// How much of the database file `tally serve` maps into memory.
const MMAP_BYTES: u64 = 2 << 30;

/// How long requests under way may take to finish once asked to stop.
const STOP_GRACE: Duration = Duration::from_secs(5);

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Database file (default: $TALLY_DB, else tally.db in the working directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Address to listen on; anything but loopback requires --token.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    /// Require this token on every request (`Authorization: Bearer T` or `?token=T`).
    #[arg(long, value_name = "T")]
    pub token: Option<String>,
    /// Users, each with a token of their own whose name reviews carry: lines
    /// of NAME<TAB>SHA256-HEX-OF-TOKEN (`tally users add NAME --file FILE`
    /// makes one; by hand, `printf %s TOKEN | sha256sum`).
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Open the dashboard in the default browser once listening (a browser
    /// that cannot be started is a warning; the server keeps running).
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let users = read_users(args.users.as_deref())?;
    tally_web::check_bind_with_users(args.addr, args.token.as_deref(), &users)?;
    let path = args
        .db
        .clone()
        .or_else(|| std::env::var_os("TALLY_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("tally.db"));
    let store = Store::open(&path, OpenMode::Existing)?;
    // Every filter change scans the incidents table; reading it through a
    // memory map saves copying each page.
    store.map_into_memory(MMAP_BYTES)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let code = runtime.block_on(serve(args, store, users));
    // Tasks still holding the store are dropped with the runtime, which
    // closes the database (and removes its -wal/-shm files).
    runtime.shutdown_timeout(STOP_GRACE);
    code
}

/// The users file of `--users` (none: no users).
fn read_users(path: Option<&std::path::Path>) -> Result<tally_web::Users> {
    let Some(path) = path else {
        return Ok(tally_web::Users::default());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    tally_web::Users::parse(&text).with_context(|| format!("reading {}", path.display()))
}

async fn serve(args: ServeArgs, store: Store, users: tally_web::Users) -> Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let signalled = stop_signal()?;
    let guarded = args.token.is_some() || !users.is_empty();
    let query = if guarded { "/?token=…" } else { "" };
    eprintln!(
        "tally: serving {} on http://{bound}{query} (Ctrl-C to stop)",
        store.path().display()
    );
    if args.open {
        open_browser(&dashboard_url(bound, args.token.as_deref()));
    }
    let router = tally_web::router_with_users(store, args.token, users);
    let asked_to_stop = Arc::new(Notify::new());
    let notify = asked_to_stop.clone();
    let stop = async move {
        signalled.await;
        notify.notify_one();
    };
    let grace_over = async {
        asked_to_stop.notified().await;
        tokio::time::sleep(STOP_GRACE).await;
    };
    tokio::select! {
        served = tally_web::serve_until(listener, router, stop) => served.context("serving")?,
        () = grace_over => eprintln!(
            "tally: requests still open after {} s; closing them",
            STOP_GRACE.as_secs()
        ),
    }
    eprintln!("tally: stopped");
    Ok(ExitCode::SUCCESS)
}

/// The dashboard's address as a browser on this machine reaches it: a
/// server bound to every interface (0.0.0.0, ::) is reached on loopback.
fn dashboard_url(bound: SocketAddr, token: Option<&str>) -> String {
    let mut addr = bound;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
    format!("http://{addr}/{query}")
}

/// Ask the desktop to open `url`. The dashboard works without a browser
/// (the address is printed), so failing to start one is only a warning.
fn open_browser(url: &str) {
    let (program, args) = browser_command(url);
    match std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        // Reap the opener when it exits (it returns once the browser has
        // the address) instead of leaving it a zombie while tally serves.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!(
            "tally: warning: could not open a browser ({program}: {e}); open the address above by hand"
        ),
    }
}

/// The program that opens a URL in the user's default browser.
fn browser_command(url: &str) -> (&'static str, Vec<String>) {
    if cfg!(target_os = "macos") {
        ("open", vec![url.to_string()])
    } else if cfg!(windows) {
        // `start`'s first quoted argument is a window title.
        let args = ["/C", "start", "", url].map(String::from).to_vec();
        ("cmd", args)
    } else {
        ("xdg-open", vec![url.to_string()])
    }
}

/// Ctrl-C or SIGTERM (what `kill` and service managers send), listened
/// for from the moment this is called, so none is missed while starting.
fn stop_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_reaches_a_wildcard_bind_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(dashboard_url(any, None), "http://127.0.0.1:8080/");
        let local: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        assert_eq!(
            dashboard_url(local, Some("t0k")),
            "http://127.0.0.1:9000/?token=t0k"
        );
    }
}
