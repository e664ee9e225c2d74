//! End-to-end tests of what a new user meets with bad or unusual input
//! (issue 12): read-only databases, nothing to read, date lines, manifests
//! beside the articles, files sharing a name, stats that add up, stopping
//! `tally serve`, and HTML saved as an article.

mod common;
use common::{examples, run_ok as ok, s, tally};

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().expect("a parent folder")).unwrap();
    fs::write(&p, text).unwrap();
    p
}

/// The `-wal`/`-shm` files beside a database.
fn sidecars(db: &Path) -> Vec<String> {
    ["-wal", "-shm"]
        .iter()
        .map(|suffix| format!("{}{suffix}", db.display()))
        .filter(|p| Path::new(p).exists())
        .collect()
}

/// The JSON Lines of a file.
fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

const STORY: &str = "PESHAWAR: Militants attacked a police post in Bannu on Monday, \
                     killing two policemen, officials said.\n";

fn examples_db(dir: &Path) -> PathBuf {
    let db = dir.join("ex.db");
    ok(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    assert!(sidecars(&db).is_empty(), "{:?}", sidecars(&db));
    db
}

fn some_incident_id(db: &Path) -> String {
    let out = ok(&["list", "--db", s(db), "--format", "jsonl"]);
    let first = stdout(&out).lines().next().unwrap_or_default().to_string();
    let inc: serde_json::Value = serde_json::from_str(&first).unwrap();
    inc["id"].as_str().unwrap().to_string()
}

/// `list`, `stats`, `show`, `history` and `export` on `db`.
fn read_everything(db: &Path, id: &str) -> Vec<Output> {
    let db = s(db);
    [
        vec!["list", "--db", db],
        vec!["stats", "--db", db, "--by", "province"],
        vec!["show", id, "--db", db],
        vec!["history", id, "--db", db],
        vec!["export", "--format", "jsonl", "--db", db],
        vec!["export", "--format", "csv", "--db", db],
    ]
    .iter()
    .map(|args| tally(args))
    .collect()
}

#[test]
fn reading_commands_leave_no_wal_files_and_need_no_write_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let id = some_incident_id(&db);
    let before = fs::read(&db).unwrap();
    for out in read_everything(&db, &id) {
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(sidecars(&db).is_empty(), "{:?}", sidecars(&db));
    assert_eq!(fs::read(&db).unwrap(), before);

    // A file and folder nobody may write (root still may: then this shows
    // only that the commands ask for no more than reading).
    fs::set_permissions(&db, fs::Permissions::from_mode(0o444)).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let outs = read_everything(&db, &id);
    let as_nobody = run_as_nobody(&["list", "--db", s(&db)]);
    let ingest_as_nobody = run_as_nobody(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    for out in outs {
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(sidecars(&db).is_empty(), "{:?}", sidecars(&db));
    if let Some(out) = as_nobody {
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains(&id));
    }
    if let Some(out) = ingest_as_nobody {
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{e}");
        assert!(
            e.contains("cannot be written") && e.contains("Reading commands"),
            "{e}"
        );
        // The error line only: the manifest line names the checkout's path,
        // which may hold "code" (a worktree called wt-recode).
        let error = e.lines().find(|l| l.contains("error:")).unwrap_or_default();
        assert!(!error.contains("code") && !error.contains("SQLITE"), "{e}");
        assert_eq!(e.matches("cannot be written").count(), 1, "{e}");
    }
    assert_eq!(fs::read(&db).unwrap(), before);
}

/// Run tally as user `nobody` when the tests run as root and `setpriv`
/// exists (so a folder it cannot write is really one); `None` otherwise.
fn run_as_nobody(args: &[&str]) -> Option<Output> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .env_remove("TALLY_DB")
        .output()
        .ok()?;
    // The binary or the temp folder out of nobody's reach: nothing learned.
    let e = stderr(&out);
    let unreachable = e.contains("Permission denied") && !e.starts_with("tally");
    (!unreachable && !e.contains("setpriv")).then_some(out)
}

#[test]
fn nothing_to_read_is_exit_1_with_the_same_words_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", "  \n");
    let missing = dir.path().join("missing.txt");
    for path in [&empty, &missing] {
        let out = tally(&["extract", s(path)]);
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{e}");
        assert!(
            e.contains(&format!("tally: skipped {}: ", path.display())),
            "{e}"
        );
        assert!(
            e.contains("no article could be read (1 path skipped, reasons above)"),
            "{e}"
        );

        let db = dir.path().join("new.db");
        let out = tally(&["ingest", s(path), "--db", s(&db)]);
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{e}");
        assert!(
            e.contains(&format!("tally: skipped {}: ", path.display())),
            "{e}"
        );
        assert!(!e.contains("rejected"), "{e}");
        assert!(!db.exists(), "an empty database was left behind");
        assert!(sidecars(&db).is_empty());
    }
    assert!(stderr(&tally(&["extract", s(&empty)])).contains("empty.txt: empty"));
    // An existing database is kept, untouched, when nothing new is read.
    let db = examples_db(dir.path());
    let before = fs::read(&db).unwrap();
    let out = tally(&["ingest", s(&empty), "--db", s(&db)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read(&db).unwrap(), before);
    // A usage error is 2, as clap reports it.
    assert_eq!(tally(&["extract"]).status.code(), Some(2));
    let bad_manifest = dir.path().join("none.jsonl");
    let out = tally(&["extract", s(&empty), "--manifest", s(&bad_manifest)]);
    assert_eq!(out.status.code(), Some(2));
    for cmd in ["extract", "ingest"] {
        let help = stdout(&ok(&[cmd, "--help"]));
        assert!(help.contains("Exit codes:"), "{help}");
        assert!(help.contains("1  no article could be read"), "{help}");
        assert!(help.contains("manifest"), "{help}");
    }
}

#[test]
fn first_line_dates_in_common_forms_and_a_warning_for_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let arts = dir.path().join("arts");
    write(&arts, "a.txt", &format!("Date: June 12, 2025\n{STORY}"));
    write(&arts, "b.txt", &format!("12 Jun 2025\n{STORY}"));
    write(&arts, "c.txt", &format!("date: 2025-13-45\n{STORY}"));
    let reports = dir.path().join("reports.jsonl");
    let out = ok(&["extract", s(&arts), "--reports", s(&reports), "-q"]);
    let e = stderr(&out);
    assert!(
        e.contains(
            "c.txt: the first line \"date: 2025-13-45\" looks like a date but cannot be read"
        ),
        "{e}"
    );
    assert_eq!(e.matches("looks like a date").count(), 1, "{e}");
    let published: Vec<serde_json::Value> = jsonl(&reports)
        .into_iter()
        .map(|r| r["published"].clone())
        .collect();
    assert_eq!(
        published,
        [
            serde_json::json!("2025-06-12"),
            serde_json::json!("2025-06-12"),
            serde_json::Value::Null
        ]
    );
}

#[test]
fn a_manifest_beside_the_articles_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    let a = write(&set, "articles/a.txt", STORY);
    write(&set, "articles/b.txt", STORY);
    write(&set, "articles/c.txt", STORY);
    let manifest = write(
        &set,
        "manifest.jsonl",
        r#"{"article": "a", "published": "2024-03-04", "outlet": "Dawn"}"#,
    );
    let reports = dir.path().join("reports.jsonl");
    // One file given alone, and the whole folder.
    for path in [&a, &set.join("articles")] {
        let out = ok(&["extract", s(path), "--reports", s(&reports), "-q"]);
        let e = stderr(&out);
        assert!(
            e.contains(&format!("tally: using manifest {}", manifest.display())),
            "{e}"
        );
        let first = &jsonl(&reports)[0];
        assert_eq!(first["meta"]["published"], "2024-03-04");
        assert_eq!(first["meta"]["outlet"], "Dawn");
        let missing: Vec<&str> = e.lines().filter(|l| l.contains("no entry")).collect();
        if path == &a {
            assert!(missing.is_empty(), "{e}");
        } else {
            assert_eq!(
                missing,
                [
                    "tally: warning: 2 articles have no entry in the manifest (b, c): \
                  no outlet or URL, and the publication date only from the text"
                ]
            );
        }
    }
}

#[test]
fn files_sharing_a_name_are_all_coded_under_distinct_ids() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write(&corpus, "2024/story.txt", STORY);
    write(&corpus, "2025/story.txt", &STORY.replace("Bannu", "Kohat"));
    write(&corpus, "other.txt", &STORY.replace("Bannu", "Swat"));
    let reports = dir.path().join("reports.jsonl");
    let out = ok(&[
        "extract",
        s(&corpus),
        "--no-merge",
        "--reports",
        s(&reports),
        "-q",
    ]);
    let ids: Vec<String> = jsonl(&reports)
        .iter()
        .map(|r| r["meta"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["2024/story", "2025/story", "other"]);
    assert!(stderr(&out).contains("2 articles share a file name"));
    // The database keeps both, too.
    let db = dir.path().join("t.db");
    let out = ok(&["ingest", s(&corpus), "--db", s(&db)]);
    assert!(
        stdout(&out).contains("articles: 3 read"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn stats_columns_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let out = ok(&[
        "stats",
        "--db",
        s(&db),
        "--by",
        "province",
        "--format",
        "csv",
    ]);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    for outcome in ["killed", "injured"] {
        let cell = |row: &csv::StringRecord, name: &str| -> u64 {
            let name = format!("{outcome}_{name}");
            let i = header.iter().position(|h| h == name);
            let i = i.unwrap_or_else(|| panic!("no {name} in {header:?}"));
            row[i].parse().unwrap()
        };
        for row in &rows {
            let parts = ["security_forces", "civilians", "militants"];
            let sum: u64 = parts.iter().map(|p| cell(row, p)).sum();
            // The rest of the total no category claims (none when an
            // incident's categories say more than its total, as when the
            // total leaves out militants).
            let rest = cell(row, "total").saturating_sub(sum);
            assert_eq!(cell(row, "unspecified"), rest, "{outcome} in {row:?}");
        }
    }
    let table = stdout(&ok(&["stats", "--db", s(&db)]));
    assert!(table.contains("killed:unspecified"), "{table}");
}

#[test]
fn serve_stopped_with_sigterm_closes_the_database_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["serve", "--db", s(&db), "--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    // A request, so the store is in use.
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "GET /api/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            panic!("tally serve did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status:?}: {rest}");
    assert!(rest.contains("tally: stopped"), "{rest}");
    assert!(sidecars(&db).is_empty(), "{:?}", sidecars(&db));
}

/// Start `tally serve --open` with `path` as its PATH (where it looks for
/// `xdg-open`), return the child and its stderr once the address is printed.
#[cfg(unix)]
fn serve_with_open(
    db: &Path,
    path: &Path,
) -> (std::process::Child, BufReader<std::process::ChildStderr>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["serve", "--open", "--db", s(db), "--addr", "127.0.0.1:0"])
        .env("PATH", path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    (child, err)
}

#[cfg(unix)]
#[test]
fn serve_open_hands_the_address_to_the_browser_and_survives_without_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let opened = dir.path().join("opened.txt");
    let bin = dir.path().join("bin");
    let opener = write(
        &bin,
        "xdg-open",
        &format!("#!/bin/sh\necho \"$1\" > '{}'\n", s(&opened)),
    );
    fs::set_permissions(&opener, fs::Permissions::from_mode(0o755)).unwrap();
    let (mut child, _err) = serve_with_open(&db, &bin);
    let start = Instant::now();
    while !fs::read_to_string(&opened).is_ok_and(|t| t.ends_with('\n')) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no browser opened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = fs::read_to_string(&opened).unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.trim_end().ends_with('/'),
        "{url}"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let nowhere = dir.path().join("empty");
    fs::create_dir_all(&nowhere).unwrap();
    let (mut child, mut err) = serve_with_open(&db, &nowhere);
    let mut warning = String::new();
    err.read_line(&mut warning).unwrap();
    assert!(
        warning.contains("warning: could not open a browser"),
        "{warning}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "serve must keep running"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn html_in_a_text_file_is_read_with_one_warning_and_a_saved_page_without() {
    let dir = tempfile::tempdir().unwrap();
    let html =
        "<html><body><p><b>QUETTA:</b> Militants attacked a police post in Bannu on Monday, \
                killing two policemen, officials said.</p></body></html>";
    for (name, warnings) in [("page.txt", 1), ("page.html", 0)] {
        let page = write(dir.path(), name, html);
        let reports = dir.path().join("reports.jsonl");
        let out = ok(&["extract", s(&page), "--reports", s(&reports), "-q"]);
        let e = stderr(&out);
        // A .txt file with markup has its tags stripped (and is told to be
        // saved as text); a .html file is a page, read by the page reader.
        assert_eq!(
            e.matches("looks like HTML").count(),
            warnings,
            "{name}: {e}"
        );
        if warnings == 1 {
            assert!(e.contains("page.txt: looks like HTML"), "{e}");
        }
        let incidents: Vec<serde_json::Value> = stdout(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // The dateline names where the report was filed, not the scene.
        assert_eq!(incidents.len(), 1, "{name}: {incidents:?}");
        assert_eq!(incidents[0]["admin2"], "Bannu");
    }
}
