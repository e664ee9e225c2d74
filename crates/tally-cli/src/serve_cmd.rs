//! `tally serve`: the local web dashboard over the database (`tally-web`).

use anyhow::{Context, Result};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tally_store::{OpenMode, Store};

/// How much of the database file `tally serve` maps into memory.
const MMAP_BYTES: u64 = 2 << 30;

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
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    tally_web::check_bind(args.addr, args.token.as_deref())?;
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
    runtime.block_on(serve(args, store))
}

async fn serve(args: ServeArgs, store: Store) -> Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let query = args
        .token
        .as_ref()
        .map(|_| "/?token=…".to_string())
        .unwrap_or_default();
    eprintln!(
        "tally: serving {} on http://{bound}{query} (Ctrl-C to stop)",
        store.path().display()
    );
    let router = tally_web::router(store, args.token);
    tally_web::serve(listener, router)
        .await
        .context("serving")?;
    Ok(ExitCode::SUCCESS)
}
