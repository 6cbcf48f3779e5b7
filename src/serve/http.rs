//! The HTTP side: hyper 1 over tokio, one task per connection, thin
//! handlers over the [`Store`]. Only GET and HEAD; every request's Host is
//! checked; request targets are checked by [`paths::parse`].

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, broadcast, mpsc};

use super::guard::Bound;
use super::paths;
use super::store::{EVENTS_URL, Event, LIVE_JS_URL, STATUS_URL, Store};

/// A client must send its first byte within this time...
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(10);
/// ...and a whole request head within this time.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once; more wait in the accept queue.
const MAX_CONNECTIONS: usize = 2048;
/// A comment line on the event stream this often keeps proxies and
/// browsers from timing it out, and notices clients that went away.
const EVENT_KEEPALIVE: Duration = Duration::from_secs(15);
/// Most results `/api/search` returns.
const SEARCH_LIMIT: usize = 20;

const LIVE_JS: &str = include_str!("live.js");

/// What every handler can see.
pub struct Ctx {
    pub store: Arc<Store>,
    pub bound: Bound,
}

/// A response body: a whole buffer, or a stream of event frames.
pub enum Body {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl Body {
    fn full(b: impl Into<Bytes>) -> Body {
        Body::Full(Some(b.into()))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Body::Full(None) => SizeHint::with_exact(0),
            Body::Stream(_) => SizeHint::default(),
        }
    }
}

/// Accepts connections until the process ends.
pub async fn serve(listener: TcpListener, ctx: Arc<Ctx>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of file descriptors or a reset before accept: back off.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            // A client that connects and says nothing is dropped.
            if tokio::time::timeout(FIRST_BYTE_TIMEOUT, stream.readable())
                .await
                .is_err()
            {
                return;
            }
            let _ = stream.set_nodelay(true);
            let service = hyper::service::service_fn(move |req| {
                let ctx = ctx.clone();
                async move { Ok::<_, Infallible>(handle(&req, &ctx).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Routes one request.
pub async fn handle(req: &Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    route(
        req.method(),
        req.uri(),
        req.headers(),
        &ctx.store,
        &ctx.bound,
    )
    .await
}

async fn route(
    method: &Method,
    uri: &hyper::Uri,
    headers: &hyper::HeaderMap,
    store: &Arc<Store>,
    bound: &Bound,
) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    // Two Host headers (RFC 9112 §3.2: a 400) could pass the check with one
    // while a proxy or the browser goes by the other.
    if headers.get_all(header::HOST).iter().count() > 1 {
        return plain(
            StatusCode::BAD_REQUEST,
            "bad request: more than one Host header\n",
        );
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| bound.host_ok(h)) {
        return plain(
            StatusCode::FORBIDDEN,
            "forbidden: the Host header is not this preview server's address\n",
        );
    }
    let target = match paths::parse(
        uri.scheme().is_some() || uri.authority().is_some(),
        uri.path(),
    ) {
        Ok(t) => t,
        Err(e) => return plain(StatusCode::BAD_REQUEST, &format!("bad request: {e:?}\n")),
    };
    match format!("/{}", target.path).as_str() {
        EVENTS_URL => return events(headers, store, bound),
        STATUS_URL => {
            let json = serde_json::to_string(&store.status()).unwrap_or_default();
            return file(StatusCode::OK, Bytes::from(json), "application/json");
        }
        LIVE_JS_URL => {
            return file(
                StatusCode::OK,
                Bytes::from_static(LIVE_JS.as_bytes()),
                "text/javascript; charset=utf-8",
            );
        }
        "/api/search" => return search(uri.query().unwrap_or(""), store).await,
        _ => {}
    }
    if let Some(e) = store.get(&target.key) {
        return ranged(headers, e.bytes, e.content_type);
    }
    // `/billing` → `/billing/` when that is a page.
    if !target.path.is_empty()
        && !target.path.ends_with('/')
        && store.contains(&format!("{}/index.html", target.path))
    {
        let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
        if let Ok(v) = HeaderValue::from_str(&format!("{}/", uri.path())) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    if !store.status().serving {
        return file(
            StatusCode::SERVICE_UNAVAILABLE,
            Bytes::from(super::store::inject(WAITING_PAGE.as_bytes().to_vec())),
            "text/html; charset=utf-8",
        );
    }
    match store.get("404.html") {
        Some(e) => file(StatusCode::NOT_FOUND, e.bytes, e.content_type),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Shown for every page until the first good build.
const WAITING_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<title>faqtory serve</title></head><body><p>The site has not built yet; \
this page reloads when it does.</p></body></html>";

fn file(status: StatusCode, bytes: Bytes, content_type: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::full(bytes));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// A stored file, or the byte range of it the request asks for (the
/// browser's search reads its index by range, as from a static host).
fn ranged(headers: &hyper::HeaderMap, bytes: Bytes, content_type: &'static str) -> Response<Body> {
    let len = bytes.len();
    let asked = headers.get(header::RANGE).and_then(|h| h.to_str().ok());
    let mut r = match super::range::answer(asked, len) {
        super::range::Answer::Whole => file(StatusCode::OK, bytes, content_type),
        super::range::Answer::Part { start, end } => {
            let mut r = file(
                StatusCode::PARTIAL_CONTENT,
                bytes.slice(start..end),
                content_type,
            );
            let range = format!("bytes {start}-{}/{len}", end.saturating_sub(1));
            if let Ok(v) = HeaderValue::from_str(&range) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
        super::range::Answer::Unsatisfiable => {
            let mut r = plain(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable\n");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
    };
    r.headers_mut()
        .insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    r
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    file(
        status,
        Bytes::from(text.to_owned()),
        "text/plain; charset=utf-8",
    )
}

/// The reload channel: server-sent events. A browser sends `Origin` on a
/// cross-origin EventSource; only our own origin may listen.
fn events(headers: &hyper::HeaderMap, store: &Arc<Store>, bound: &Bound) -> Response<Body> {
    if let Some(origin) = headers.get(header::ORIGIN)
        && !origin.to_str().is_ok_and(|o| bound.origin_ok(o))
    {
        return plain(
            StatusCode::FORBIDDEN,
            "forbidden: the reload channel only talks to this server's own pages\n",
        );
    }
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return plain(StatusCode::FORBIDDEN, "forbidden: cross-site\n");
    }
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    let mut sub = store.subscribe();
    let hello = Event {
        name: "hello",
        data: serde_json::to_string(&store.status()).unwrap_or_default(),
    };
    let store = store.clone();
    tokio::spawn(async move {
        if tx
            .send(Bytes::from_static(b"retry: 500\n\n"))
            .await
            .is_err()
            || tx.send(hello.frame()).await.is_err()
        {
            return;
        }
        loop {
            let frame = tokio::select! {
                ev = sub.recv() => match ev {
                    Ok(ev) => ev.frame(),
                    // Missed some: the page cannot know what changed.
                    Err(broadcast::error::RecvError::Lagged(_)) => Event {
                        name: "reload",
                        data: format!(
                            "{{\"generation\":{},\"all\":true,\"changed\":[]}}",
                            store.status().generation
                        ),
                    }
                    .frame(),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                () = tokio::time::sleep(EVENT_KEEPALIVE) => Bytes::from_static(b": keepalive\n\n"),
            };
            if tx.send(frame).await.is_err() {
                return;
            }
        }
    });
    let mut r = Response::new(Body::Stream(rx));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `/api/search?q=...`: tantivy results in the browser's result shape.
async fn search(query: &str, store: &Store) -> Response<Body> {
    let q = form_value(query, "q").unwrap_or_default();
    let json = match store.search.index().await {
        Some(index) => crate::search::api_search_json(&index, &q, SEARCH_LIMIT),
        None => "[]".to_owned(),
    };
    file(StatusCode::OK, Bytes::from(json), "application/json")
}

/// The value of `name` in an `application/x-www-form-urlencoded` query.
fn form_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_form(k) == name).then(|| decode_form(v))
    })
}

fn decode_form(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values() {
        assert_eq!(
            form_value("q=%E9%80%80%E6%AC%BE+%E8%A7%84%E5%88%99", "q").as_deref(),
            Some("退款 规则")
        );
        assert_eq!(form_value("a=1&q=x%zz", "q").as_deref(), Some("x%zz"));
        assert_eq!(form_value("a=1", "q"), None);
        assert_eq!(form_value("q", "q").as_deref(), Some(""));
    }
}
