//! Who may talk to the preview server: the Host check against DNS
//! rebinding and the Origin check on the reload channel. Pure.
//!
//! A DNS-rebinding attack needs a host *name* that the attacker's DNS later
//! points at 127.0.0.1, so a request is accepted only when its Host is
//! `localhost`, the bound address, or a loopback address, with the bound
//! port. When bound to an unspecified address (`0.0.0.0`, `::`), any IP
//! literal is accepted (it is some address of this machine), but never a name
//! other than `localhost`.

use std::net::{IpAddr, SocketAddr};

/// The address the server listens on.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub addr: SocketAddr,
}

impl Bound {
    /// Is `host` (a Host header value, `name[:port]`) one of ours?
    pub fn host_ok(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        let port_ok = match port {
            Some(p) => p == self.addr.port(),
            None => self.addr.port() == 80,
        };
        port_ok && self.name_ok(&name)
    }

    /// Is `origin` (an Origin header value) this server's own?
    pub fn origin_ok(&self, origin: &str) -> bool {
        match origin.strip_prefix("http://") {
            Some(rest) if !rest.contains('/') => self.host_ok(rest),
            _ => false,
        }
    }

    fn name_ok(&self, name: &str) -> bool {
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let Ok(ip) = name.parse::<IpAddr>() else {
            return false;
        };
        ip == self.addr.ip() || ip.is_loopback() || self.addr.ip().is_unspecified()
    }
}

/// `name:port` / `[v6]:port` / `name` → (name without brackets, port).
fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.trim();
    if host.is_empty() || host.contains(['/', '@', ' ', '\\']) {
        return None;
    }
    if let Some(rest) = host.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((v6.to_owned(), port));
    }
    match host.rsplit_once(':') {
        Some((name, p)) => {
            if name.contains(':') {
                return None; // an unbracketed v6 address
            }
            Some((name.to_owned(), Some(p.parse().ok()?)))
        }
        None => Some((host.to_owned(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(s: &str) -> Bound {
        Bound {
            addr: s.parse().unwrap_or_else(|e| panic!("{s}: {e}")),
        }
    }

    #[test]
    fn hosts_on_loopback() {
        let b = bound("127.0.0.1:4000");
        let cases = [
            ("127.0.0.1:4000", true),
            ("localhost:4000", true),
            ("LOCALHOST:4000", true),
            ("[::1]:4000", true),
            ("127.0.0.2:4000", true),
            ("127.0.0.1:4001", false),
            ("127.0.0.1", false),
            ("localhost", false),
            ("evil.example:4000", false),
            ("localhost.evil.example:4000", false),
            ("127.0.0.1.nip.io:4000", false),
            ("10.0.0.5:4000", false),
            ("", false),
            ("127.0.0.1:4000@evil", false),
            ("[::1:4000", false),
            ("::1:4000", false),
        ];
        for (host, ok) in cases {
            assert_eq!(b.host_ok(host), ok, "{host}");
        }
    }

    #[test]
    fn hosts_on_all_interfaces() {
        let b = bound("0.0.0.0:80");
        assert!(b.host_ok("192.168.1.20"));
        assert!(b.host_ok("192.168.1.20:80"));
        assert!(b.host_ok("localhost"));
        assert!(!b.host_ok("myhost.lan"));
    }

    #[test]
    fn origins() {
        let b = bound("127.0.0.1:4000");
        assert!(b.origin_ok("http://127.0.0.1:4000"));
        assert!(b.origin_ok("http://localhost:4000"));
        assert!(!b.origin_ok("https://127.0.0.1:4000"));
        assert!(!b.origin_ok("http://evil.example"));
        assert!(!b.origin_ok("http://evil.example:4000"));
        assert!(!b.origin_ok("null"));
        assert!(!b.origin_ok("http://127.0.0.1:4000/x"));
    }
}
