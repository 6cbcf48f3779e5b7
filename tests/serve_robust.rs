//! `faqtory serve` under the way people really work: editor saves, bursts,
//! deletions, folder renames, a vanished content folder; and under load:
//! many connections plus idle slow clients while a normal request still
//! answers quickly.

mod common;
mod serve_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::TempSite;
use serve_support::{Server, editor_save};

const WAIT: Duration = Duration::from_secs(20);

/// Polls until `f` holds (the server settles after a burst), or fails.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting until {what}");
}

fn page(body: &str) -> String {
    format!("---\ntitle: 退款\nweight: 1\n---\n### 怎么退款？\n{body}\n")
}

#[test]
fn editor_saves_bursts_deletions_and_renames_do_not_wedge_it() {
    let site = TempSite::from_fixture("basic");
    let mut server = Server::start(site.root());
    let events = server.events();
    let refund = site.path("content/billing/refund.md");
    // The fixture links to market/orders.md#where from refund.md; a page
    // without the link keeps later renames of market/ legal.
    editor_save(&refund, &page("初始。"));
    events.wait("reload", WAIT).expect("reload");

    // A burst of saves: the last one wins.
    for i in 0..30 {
        editor_save(&refund, &page(&format!("连续保存第{i}次。")));
    }
    eventually("the last save of the burst is served", || {
        server
            .get("/billing/refund/")
            .text()
            .contains("连续保存第29次。")
    });

    // Vim's way: move the original away, write a new file, delete the backup.
    let backup = site.path("content/billing/refund.md~");
    std::fs::rename(&refund, &backup).expect("rename to backup");
    std::fs::write(&refund, page("vim 保存。")).expect("write");
    std::fs::remove_file(&backup).expect("remove backup");
    eventually("the vim-style save is served", || {
        server.get("/billing/refund/").text().contains("vim 保存。")
    });

    // Deleting a page takes it off the site.
    std::fs::remove_file(site.path("content/market/about.md")).expect("delete");
    eventually("the deleted page is gone", || {
        server.get("/market/about/").status == 404
    });

    // Renaming a folder moves its pages.
    std::fs::rename(site.path("content/market"), site.path("content/shop")).expect("rename dir");
    eventually("the renamed folder is served", || {
        server.get("/shop/orders/").status == 200 && server.get("/market/orders/").status == 404
    });

    // A new page in the renamed folder is picked up (the new folder is watched).
    site.write(
        "content/shop/new.md",
        "---\ntitle: 新页\n---\n### 新问题？\n新答案。\n",
    );
    eventually("a new page in a renamed folder is served", || {
        server.get("/shop/new/").text().contains("新答案。")
    });

    // The whole content folder goes away: an error, the last good site stays.
    std::fs::rename(site.path("content"), site.path("content-away")).expect("move content");
    eventually("the missing content folder is reported", || {
        server
            .get("/__faqtory/status")
            .text()
            .contains("\"ok\":false")
    });
    assert!(server.get("/shop/new/").text().contains("新答案。"));
    std::fs::rename(site.path("content-away"), site.path("content")).expect("move back");
    eventually("the content folder is back", || {
        server
            .get("/__faqtory/status")
            .text()
            .contains("\"ok\":true")
    });
    // And it is watched again.
    editor_save(&refund, &page("回来之后的编辑。"));
    eventually("edits after the folder came back are served", || {
        server
            .get("/billing/refund/")
            .text()
            .contains("回来之后的编辑。")
    });

    // Scratch files never trigger anything visible, and never crash it.
    site.write("content/billing/.refund.md.swp", "junk");
    site.write("content/billing/#refund.md#", "junk");
    assert_eq!(server.get("/billing/refund/").status, 200);
    assert!(
        server.child.try_wait().ok().flatten().is_none(),
        "the server is still running"
    );
    // Nothing was ever written to the output folder.
    assert!(!site.path("public").exists());
}

#[test]
fn many_connections_and_slow_clients_do_not_starve_a_normal_request() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let addr = server.addr;
    let host = server.host();

    // 50 slow clients: half a request head, then silence; and a few that
    // connect and say nothing at all.
    let mut slow = Vec::new();
    for i in 0..50 {
        let mut s = TcpStream::connect(addr).expect("connect slow");
        if i % 5 != 0 {
            s.write_all(format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Slow: ").as_bytes())
                .expect("partial head");
        }
        slow.push(s);
    }

    // 200 connections at once, each making keep-alive requests for a while.
    let clients = 200;
    let barrier = Arc::new(Barrier::new(clients + 1));
    let ok = Arc::new(AtomicUsize::new(0));
    let bad = Arc::new(AtomicUsize::new(0));
    let busy_for = Duration::from_millis(2500);
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (barrier, ok, bad, host) = (barrier.clone(), ok.clone(), bad.clone(), host.clone());
            std::thread::spawn(move || {
                let Ok(mut s) = TcpStream::connect(addr) else {
                    bad.fetch_add(1, Ordering::Relaxed);
                    return;
                };
                s.set_read_timeout(Some(Duration::from_secs(10))).ok();
                barrier.wait();
                let start = Instant::now();
                while start.elapsed() < busy_for {
                    let req = format!("GET /billing/refund/ HTTP/1.1\r\nHost: {host}\r\n\r\n");
                    if s.write_all(req.as_bytes()).is_err() || !read_one_reply(&mut s) {
                        bad.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    barrier.wait();

    // Meanwhile, a normal visitor.
    std::thread::sleep(Duration::from_millis(300));
    let mut worst = Duration::ZERO;
    for _ in 0..10 {
        let t = Instant::now();
        let r = server.get("/market/orders/");
        let took = t.elapsed();
        assert_eq!(r.status, 200);
        assert!(r.text().contains("订单在哪里"));
        worst = worst.max(took);
        std::thread::sleep(Duration::from_millis(100));
    }
    for t in threads {
        t.join().expect("client thread");
    }
    assert!(
        worst < Duration::from_secs(1),
        "a normal request took {worst:?} under load"
    );
    assert_eq!(bad.load(Ordering::Relaxed), 0, "some busy clients failed");
    assert!(
        ok.load(Ordering::Relaxed) >= clients,
        "every busy client got answers"
    );
    drop(slow);
}

/// Reads one HTTP/1.1 reply with a Content-Length body; true when it is a 200.
fn read_one_reply(s: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).is_ok() && head.starts_with("http/1.1 200")
}

#[test]
fn a_non_loopback_interface_prints_a_warning() {
    let site = TempSite::from_fixture("basic");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .args(["serve", "--port", "0", "--interface", "0.0.0.0", "--root"])
        .arg(site.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start");
    let err = child.stderr.take().expect("stderr");
    let mut line = String::new();
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(err), &mut line);
    let _ = child.kill();
    let _ = child.wait();
    let text = line;
    assert!(
        text.contains("warning: listening on 0.0.0.0, not loopback"),
        "{text}"
    );
}
