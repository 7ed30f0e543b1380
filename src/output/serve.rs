//! A tiny static file server for `watch --serve`: serves the output folder on 127.0.0.1 only (never
//! another address), GET and HEAD, no listing, nothing outside the folder. Pages it sends (and only
//! those: files on disk stay script-free) get a small script that polls `/__spotlight/version` and
//! reloads when a rebuild bumps it. One thread per connection; std::net alone.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// The path the reload script polls.
pub const VERSION_PATH: &str = "/__spotlight/version";

/// The script added before `</body>` of served pages: reload when the build version changes.
const RELOAD: &str = "<script>(function(){var v=null;function poll(){fetch('/__spotlight/version',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t}).catch(function(){}).finally(function(){setTimeout(poll,700)})}poll()})();</script>\n";

/// A running server; `reload` tells open pages to reload.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    version: Arc<AtomicU64>,
}

impl Server {
    /// Tell every open page to reload (after a rebuild).
    pub fn reload(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }
}

/// Serve `root` on 127.0.0.1:`port` (0: any free port) from a background thread.
pub fn start(root: &Path, port: u16) -> Result<Server> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} (is it in use? choose another with --port)"))?;
    let addr = listener.local_addr().context("cannot read the server's address")?;
    let version = Arc::new(AtomicU64::new(1));
    let root = root.to_path_buf();
    let shared = version.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (root, version) = (root.clone(), shared.clone());
            std::thread::spawn(move || {
                let _ = respond(stream, &root, &version);
            });
        }
    });
    Ok(Server { addr, version })
}

/// Answer one request.
fn respond(stream: TcpStream, root: &Path, version: &AtomicU64) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Headers are read and ignored.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return send(&mut out, "405 Method Not Allowed", "text/plain", b"method not allowed\n", method == "HEAD");
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_PATH {
        let v = version.load(Ordering::SeqCst).to_string();
        return send(&mut out, "200 OK", "text/plain", v.as_bytes(), method == "HEAD");
    }
    let Some(file) = resolve(root, path) else {
        return send(&mut out, "404 Not Found", "text/plain", b"not found\n", method == "HEAD");
    };
    match std::fs::read(&file) {
        Ok(mut bytes) => {
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                bytes = inject(bytes);
            }
            send(&mut out, "200 OK", kind, &bytes, method == "HEAD")
        }
        Err(_) => send(&mut out, "404 Not Found", "text/plain", b"not found\n", method == "HEAD"),
    }
}

/// Map a request path to a file under `root`: percent-decoded, no `..`, a folder to its index.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    // Symbolic links out of the folder are not followed.
    let real = file.canonicalize().ok()?;
    real.starts_with(root.canonicalize().ok()?).then_some(real)
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Add the reload script before `</body>` (or at the end).
fn inject(bytes: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&bytes);
    match text.rfind("</body>") {
        Some(i) => format!("{}{RELOAD}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{RELOAD}").into_bytes(),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("pdf") => "application/pdf",
        Some("epub") => "application/epub+zip",
        _ => "application/octet-stream",
    }
}

fn send(out: &mut TcpStream, status: &str, kind: &str, body: &[u8], head: bool) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        out.write_all(body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_folder_are_refused_and_pages_get_the_script() {
        let dir = std::env::temp_dir().join(format!("spotlight-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("site")).unwrap();
        std::fs::write(dir.join("site/index.html"), "<html><body>x</body></html>").unwrap();
        assert_eq!(resolve(&dir, "/site/").unwrap(), dir.join("site/index.html").canonicalize().unwrap());
        assert!(resolve(&dir, "/../etc/passwd").is_none());
        assert!(resolve(&dir, "/site/%2e%2e/%2e%2e/etc/passwd").is_none());
        let page = String::from_utf8(inject(b"<body>x</body>".to_vec())).unwrap();
        assert!(page.contains("__spotlight/version") && page.ends_with("</body>"), "{page}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
