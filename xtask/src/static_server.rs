//! A small static file server for the browser tests and the bench, so they run against the built site alone.
//! It answers as a static host does: an `ETag` and `304 Not Modified` for a copy the browser already has,
//! and a file's brotli copy (`name.br`, written by [`precompress`]) to a browser that accepts brotli.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

/// Serves `dir` on 127.0.0.1 at a free port, in background threads, until the process exits; returns the base URL.
pub fn start(dir: &Path) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    let dir = dir.to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &dir);
            });
        }
    });
    Ok(url)
}

fn answer(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut request = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request)?;
    let (mut brotli, mut if_none_match) = (false, None);
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        let (name, value) = line.split_once(':').unwrap_or_default();
        match name.trim().to_ascii_lowercase().as_str() {
            "accept-encoding" => {
                brotli =
                    value.split(',').any(|e| e.split(';').next().unwrap_or_default().trim() == "br")
            }
            "if-none-match" => if_none_match = Some(value.trim().to_owned()),
            _ => {}
        }
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let file = resolve(dir, path);
    let Some((file, meta)) =
        file.and_then(|f| std::fs::metadata(&f).ok().filter(|m| m.is_file()).map(|m| (f, m)))
    else {
        let message = b"not found";
        write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", message.len())?;
        return stream.write_all(message);
    };
    let kind = content_type(&file);
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    let etag = format!("\"{:x}-{:x}\"", meta.len(), modified.as_nanos());
    if if_none_match.as_deref() == Some(etag.as_str()) {
        write!(stream, "HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nCache-Control: public, max-age=3600\r\nVary: Accept-Encoding\r\nConnection: close\r\n\r\n")?;
        return stream.flush();
    }
    let compressed = brotli.then(|| compressed_copy(&file)).flatten();
    let Ok(body) = std::fs::read(compressed.as_deref().unwrap_or(&file)) else {
        write!(
            stream,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        return stream.flush();
    };
    let encoding = if compressed.is_some() { "Content-Encoding: br\r\n" } else { "" };
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n{encoding}Content-Length: {}\r\nETag: {etag}\r\nCache-Control: public, max-age=3600\r\nVary: Accept-Encoding\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// `name.br` beside `file`, when there is one; a build replaces the whole site, so it is never stale.
fn compressed_copy(file: &Path) -> Option<PathBuf> {
    let mut name = file.as_os_str().to_owned();
    name.push(".br");
    Some(PathBuf::from(name)).filter(|copy| copy.is_file())
}

/// The types a static host compresses: text, JSON and wasm. What is already compressed (`.br`, `.gz`) is not.
pub const COMPRESSED: &[&str] = &["html", "js", "mjs", "css", "wasm", "json", "svg"];

/// Writes a brotli copy (quality 11, as a host that compresses ahead of time serves) beside every file of
/// [`COMPRESSED`] type under `dir`, with Node's zlib, since xtask has no compressor of its own.
pub fn precompress(dir: &Path) -> crate::sh::Result<()> {
    let script = "const z=require('zlib'),fs=require('fs'),p=require('path'),types=process.argv[2].split(',');\
        const walk=(d)=>fs.readdirSync(d,{withFileTypes:true}).flatMap((e)=>e.isDirectory()?walk(p.join(d,e.name)):[p.join(d,e.name)]);\
        for(const f of walk(process.argv[1])){if(!types.includes(p.extname(f).slice(1)))continue;\
        const b=fs.readFileSync(f);fs.writeFileSync(f+'.br',z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}}));}";
    crate::sh::run(&mut crate::sh::cmd(
        "node",
        &["-e", script, &dir.to_string_lossy(), &COMPRESSED.join(",")],
    ))
}

/// The file for a URL path, refusing anything that climbs out of `dir`.
fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let file = dir.join(relative);
    if file.is_dir() {
        return Some(file.join("index.html"));
    }
    Some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "toml" | "md" | "py" | "sql" | "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}
