//! Helpers for the `faqtory serve` tests: start the real binary on a free
//! port, talk raw HTTP/1.1 to it (so the tests control the exact request
//! target and headers), and listen to its event stream.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// A running `faqtory serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `faqtory serve --port 0` on `root` and waits for its address.
    pub fn start(root: &Path) -> Server {
        Self::start_with(root, &[])
    }

    pub fn start_with(root: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start faqtory serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = parse_addr(&line) {
                        return Server { child, addr };
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("faqtory serve printed no address");
                }
            }
        }
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// `GET path` with a proper Host header.
    pub fn get(&self, path: &str) -> Reply {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host()
        ))
    }

    /// Sends `request` as is and reads the whole reply.
    pub fn raw(&self, request: &str) -> Reply {
        raw(self.addr, request)
    }

    /// Opens the reload channel and waits for its `hello`.
    pub fn events(&self) -> Events {
        let ev = Events::open(self.addr, &self.host(), None);
        let hello = ev.wait("hello", Duration::from_secs(10));
        assert!(hello.is_some(), "no hello on the event stream");
        ev
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Serving /x at http://127.0.0.1:4000/ (Ctrl-C to stop)` → the address.
fn parse_addr(line: &str) -> Option<SocketAddr> {
    let rest = line.split("http://").nth(1)?;
    let hostport = rest.split('/').next()?;
    hostport.parse().ok()
}

/// A parsed HTTP reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

pub fn raw(addr: SocketAddr, request: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    s.write_all(request.as_bytes()).expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_reply(&buf)
}

pub fn parse_reply(buf: &[u8]) -> Reply {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let body = buf.get(split + 4..).unwrap_or(&[]).to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply { status, head, body }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// A listener on `/__faqtory/events`.
pub struct Events {
    rx: Receiver<Event>,
    pub status: u16,
    _stream: TcpStream,
}

impl Events {
    pub fn open(addr: SocketAddr, host: &str, origin: Option<&str>) -> Events {
        let mut s = TcpStream::connect(addr).expect("connect");
        let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
        s.write_all(
            format!("GET /__faqtory/events HTTP/1.1\r\nHost: {host}\r\n{origin}Accept: text/event-stream\r\n\r\n")
                .as_bytes(),
        )
        .expect("send");
        let reader = s.try_clone().expect("clone");
        let mut reader = BufReader::new(reader);
        let mut status_line = String::new();
        let _ = reader.read_line(&mut status_line);
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            let mut data = String::new();
            let mut in_head = true;
            for line in reader.lines().map_while(Result::ok) {
                if in_head {
                    if line.is_empty() {
                        in_head = false;
                    }
                    continue;
                }
                // Chunked encoding: size lines are hex digits only.
                if let Some(v) = line.strip_prefix("event: ") {
                    name = v.to_owned();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = v.to_owned();
                } else if line.is_empty() && !name.is_empty() {
                    let ev = Event {
                        name: std::mem::take(&mut name),
                        data: std::mem::take(&mut data),
                    };
                    if tx.send(ev).is_err() {
                        return;
                    }
                }
            }
        });
        Events {
            rx,
            status,
            _stream: s,
        }
    }

    /// The next event called `name` within `timeout` (others are skipped).
    pub fn wait(&self, name: &str, timeout: Duration) -> Option<Event> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(ev) if ev.name == name => return Some(ev),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Every event that arrives within `window`.
    pub fn collect(&self, window: Duration) -> Vec<Event> {
        let deadline = Instant::now() + window;
        let mut out = Vec::new();
        while let Ok(ev) = self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            out.push(ev);
        }
        out
    }
}

/// Saves like an editor: write a temporary file beside it, then rename.
pub fn editor_save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, text).expect("write temp");
    std::fs::rename(&tmp, path).expect("rename");
}
