//! A minimal blocking HTTP/1.1 client over `std::net::TcpStream`, enough for the emulator's admin
//! API on loopback (`Connection: close`, `Content-Length` or chunked replies). Keeps the xtask free
//! of an async runtime.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::Value;

/// Sends one request to `addr` (`host:port`) and returns the status and the body.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{method} {path}: {e}"))?;
    parse_response(&raw).ok_or_else(|| format!("{method} {path}: malformed response"))
}

fn parse_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let rest = &raw[end + 4..];
    if !chunked {
        return Some((status, rest.to_vec()));
    }
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = pos + rest[pos..].windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[pos..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        pos = line_end + 2;
        if size == 0 {
            return Some((status, body));
        }
        body.extend_from_slice(rest.get(pos..pos + size)?);
        pos += size + 2;
    }
}

/// A JSON request that must answer 2xx; returns the parsed body (`null` when empty).
pub fn json(addr: &str, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
    let (status, reply) = request(addr, method, path, bytes.as_deref())?;
    if !(200..300).contains(&status) {
        return Err(format!(
            "{method} {path}: HTTP {status}: {}",
            String::from_utf8_lossy(&reply)
        ));
    }
    if reply.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&reply).map_err(|e| format!("{method} {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::parse_response;

    #[test]
    fn parses_plain_and_chunked_bodies() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain), Some((200, b"{}".to_vec())));
        let chunked =
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((201, b"abcde".to_vec())));
        assert_eq!(parse_response(b"garbage"), None);
    }
}
