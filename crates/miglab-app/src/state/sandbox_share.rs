//! The share link's format: the sandbox [`Doc`] as JSON, compressed (raw DEFLATE, by the browser's
//! `CompressionStream`, see `services/share_link.rs`) and written in base64url after `#/sandbox/v1.`.
//!
//! The fragment never reaches a server, so a link carries the whole sandbox and no host stores anything.
//! Anyone can write a link, so reading one is reading untrusted input: every way it can be broken (an unknown
//! version, a character outside base64url, a cut-off end, too much text, JSON of another shape) is a sentence,
//! and the page then opens an empty sandbox.

use crate::state::sandbox::Doc;

/// What follows `#/sandbox/` in a link this build writes; the version lets a later format read or refuse old links.
pub const VERSION: &str = "v1.";

/// The most text a link may unpack to, so a small link cannot inflate to fill the tab's memory.
pub const MAX_JSON: usize = 2 * 1024 * 1024;

/// The document as the JSON a link compresses.
pub fn to_json(doc: &Doc) -> Vec<u8> {
    serde_json::to_vec(doc).unwrap_or_default()
}

/// The document a link's unpacked JSON describes.
pub fn from_json(bytes: &[u8]) -> Result<Doc, String> {
    if bytes.len() > MAX_JSON {
        return Err(too_big());
    }
    serde_json::from_slice(bytes).map_err(|e| format!("The link's data is not a sandbox ({e})."))
}

pub fn too_big() -> String {
    format!(
        "The link unpacks to more than {} MB of text, more than a sandbox holds.",
        MAX_JSON / 1024 / 1024
    )
}

/// The fragment for compressed bytes: `#/sandbox/v1.<base64url>`.
pub fn fragment(compressed: &[u8]) -> String {
    format!("#/sandbox/{VERSION}{}", base64url(compressed))
}

/// The compressed bytes a link's payload (what follows `#/sandbox/`) carries.
pub fn payload(text: &str) -> Result<Vec<u8>, String> {
    let Some(data) = text.strip_prefix(VERSION) else {
        let version = text.split('.').next().unwrap_or_default();
        return Err(if text.contains('.') {
            format!(
                "The link is in format `{version}`, which this version of miglab does not read."
            )
        } else {
            "The link has no format version; it was cut off or is not a sandbox link.".to_owned()
        });
    };
    unbase64url(data)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648, section 5), which a URL fragment carries as it is.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// Base64url back to bytes; `=` padding is accepted, since a link pasted through other tools may have gained it.
pub fn unbase64url(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0u32);
    for (i, c) in text.chars().enumerate() {
        let Some(v) = ALPHABET.iter().position(|a| char::from(*a) == c) else {
            return Err(format!(
                "The link is broken: character {} of its data, `{c}`, cannot be in a sandbox link.",
                i + 1
            ));
        };
        n = (n << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
            n &= (1 << bits) - 1;
        }
    }
    if text.len() % 4 == 1 {
        return Err("The link is broken: its data ends in the middle of a character; it was probably cut off.".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::state::sandbox::RevisionDoc;

    #[test]
    fn base64url_round_trip_ok() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\xff\xfe\x00?>"] {
            assert_eq!(unbase64url(&base64url(bytes)).as_deref(), Ok(bytes));
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn json_round_trip_ok() {
        let doc = Doc {
            schema: "CREATE TABLE t (a int);".into(),
            revisions: vec![RevisionDoc::Sql {
                name: "1_x".into(),
                order: 1,
                up: "u".into(),
                down: "d".into(),
            }],
        };
        assert_eq!(from_json(&to_json(&doc)), Ok(doc));
    }

    /// Each broken link and the sentence it gets.
    #[test]
    fn broken_links_err() {
        let cases = [
            ("v2.AAAA", "The link is in format `v2`, which this version of miglab does not read."),
            ("AAAA", "The link has no format version; it was cut off or is not a sandbox link."),
            ("v1.AA*A", "The link is broken: character 3 of its data, `*`, cannot be in a sandbox link."),
            ("v1.AAAAA", "The link is broken: its data ends in the middle of a character; it was probably cut off."),
        ];
        for (link, message) in cases {
            assert_eq!(payload(link), Err(message.to_owned()), "{link}");
        }
        assert!(from_json(b"{\"schema\": 3}")
            .expect_err("a number is no schema text")
            .starts_with("The link's data is not a sandbox"));
        assert!(from_json(b"{\"schema\": \"x\"").is_err());
    }
}
