//! A small, bounded zip reader and a stored-only writer, for lessons the author view opens and exports.
//!
//! The reader reads only the central directory and the local headers; it inflates nothing itself (the browser's
//! `DecompressionStream` does, in `services::lesson_files`), so it needs no compression code. It refuses what a
//! lesson zip never needs (zip64, encryption, more than [`MAX_ENTRIES`] entries, an entry over its size limit),
//! each with a sentence that names the entry, so a hostile or broken file ends in a message, never a hang or a panic.
//! The writer stores files uncompressed: lesson files are small text, and a stored zip needs only a CRC-32.

use std::collections::BTreeMap;

/// The most entries a lesson zip may list.
pub const MAX_ENTRIES: usize = 2000;

/// How an entry's bytes are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

/// One file in a zip: its path, where its (possibly compressed) bytes lie in the zip, and what they must inflate to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub method: Method,
    pub data: std::ops::Range<usize>,
    pub size: usize,
    pub crc32: u32,
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..)?.get(..2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..)?.get(..4)?.try_into().ok()?))
}

fn usize_at(bytes: &[u8], at: usize) -> Option<usize> {
    u32_at(bytes, at).and_then(|n| usize::try_from(n).ok())
}

const NOT_A_ZIP: &str = "The file is not a zip archive: it has no end-of-directory record. Export the folder again as a .zip, or open the folder itself.";

/// The file entries of a zip (folders left out), each no larger than `entry_limit` once inflated.
pub fn entries(bytes: &[u8], entry_limit: usize) -> Result<Vec<Entry>, String> {
    // The end-of-central-directory record is the last 22 bytes, plus a comment of at most 65,535 bytes.
    let earliest = bytes.len().saturating_sub(22 + 65_535);
    let end = (earliest..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&at| u32_at(bytes, at) == Some(0x0605_4b50))
        .ok_or_else(|| NOT_A_ZIP.to_owned())?;
    let count = usize::from(u16_at(bytes, end + 10).unwrap_or(0));
    let directory = usize_at(bytes, end + 16).unwrap_or(usize::MAX);
    if count == 0xffff || directory == 0xffff_ffff {
        return Err("The zip is in the zip64 format, which a lesson never needs; zip the lesson folder again without zip64.".to_owned());
    }
    if count > MAX_ENTRIES {
        return Err(format!(
            "The zip lists {count} entries, over the limit of {MAX_ENTRIES} for a lesson zip."
        ));
    }
    let mut at = directory;
    let mut out = Vec::new();
    for index in 0..count {
        let broken =
            || format!("The zip's directory is damaged at entry {}: re-create the zip.", index + 1);
        if u32_at(bytes, at) != Some(0x0201_4b50) {
            return Err(broken());
        }
        let field = |offset: usize| {
            u16_at(bytes, at.saturating_add(offset)).map(usize::from).ok_or_else(broken)
        };
        let (flags, method) = (field(8)?, field(10)?);
        let crc32 = u32_at(bytes, at.saturating_add(16)).ok_or_else(broken)?;
        let compressed = usize_at(bytes, at.saturating_add(20)).ok_or_else(broken)?;
        let size = usize_at(bytes, at.saturating_add(24)).ok_or_else(broken)?;
        let (name_len, extra_len, comment_len) = (field(28)?, field(30)?, field(32)?);
        let local = usize_at(bytes, at.saturating_add(42)).ok_or_else(broken)?;
        let name_bytes = bytes
            .get(at.saturating_add(46)..)
            .and_then(|b| b.get(..name_len))
            .ok_or_else(broken)?;
        at += 46 + name_len + extra_len + comment_len;
        let name = String::from_utf8_lossy(name_bytes).replace('\\', "/");
        if name.ends_with('/') {
            continue;
        }
        if flags & 1 != 0 {
            return Err(format!(
                "`{name}` in the zip is encrypted; zip the lesson without a password."
            ));
        }
        if name.starts_with('/') || name.split('/').any(|part| part == "..") {
            return Err(format!("`{name}` in the zip points outside the zip's own folder, which a lesson never does."));
        }
        let method = match method {
            0 => Method::Stored,
            8 => Method::Deflated,
            other => return Err(format!("`{name}` in the zip is compressed with method {other}; only stored and deflated entries are read. Zip it again with a common tool.")),
        };
        if size > entry_limit {
            return Err(format!("`{name}` in the zip is {size} bytes, over the {entry_limit}-byte limit for one lesson file."));
        }
        // The local header repeats the name and has its own extra field, so the data starts after both.
        if u32_at(bytes, local) != Some(0x0403_4b50) {
            return Err(format!("The zip's entry `{name}` has no local header where its directory says; re-create the zip."));
        }
        let start = local
            .saturating_add(30)
            .saturating_add(u16_at(bytes, local.saturating_add(26)).map(usize::from).unwrap_or(0))
            .saturating_add(u16_at(bytes, local.saturating_add(28)).map(usize::from).unwrap_or(0));
        let data = start..start.saturating_add(compressed);
        if data.end > bytes.len() || (method == Method::Stored && compressed != size) {
            return Err(format!("The zip's entry `{name}` is cut short; the file may not have finished downloading."));
        }
        out.push(Entry { name, method, data, size, crc32 });
    }
    Ok(out)
}

/// The CRC-32 (IEEE) zip stores for every entry.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// `files` as a zip with every entry stored uncompressed, in path order.
pub fn stored(files: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    let mut count: u16 = 0;
    for (name, text) in files {
        let (name, data) = (name.as_bytes(), text.as_bytes());
        let (Ok(name_len), Ok(size), Ok(offset)) =
            (u16::try_from(name.len()), u32::try_from(data.len()), u32::try_from(out.len()))
        else {
            continue;
        };
        let crc = crc32(data);
        // Version 2.0, bit 11: the name is UTF-8; method 0; a fixed date (1 January 2026) keeps exports reproducible.
        let common = |out: &mut Vec<u8>| {
            for part in [&20u16.to_le_bytes()[..], &0x0800u16.to_le_bytes(), &0u16.to_le_bytes()] {
                out.extend_from_slice(part);
            }
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&((46u16 << 9) | (1 << 5) | 1).to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes());
        common(&mut directory);
        // Comment length, disk, internal attributes (2 bytes each), external attributes (4).
        directory.extend_from_slice(&[0; 10]);
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name);
        count = count.saturating_add(1);
    }
    let (at, len) = (out.len(), directory.len());
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&u32::try_from(at).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    fn files() -> BTreeMap<String, String> {
        [
            ("t/lesson.toml", "format = 1\n"),
            ("t/seed.sql", "SELECT 1;\n"),
            ("t/migrations/ä.py", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn stored_round_trip_ok() {
        let zip = stored(&files());
        let read = entries(&zip, 1024).expect("reads");
        let back: BTreeMap<String, String> = read
            .iter()
            .map(|e| {
                assert_eq!(e.method, Method::Stored);
                let data = &zip[e.data.clone()];
                assert_eq!(crc32(data), e.crc32);
                (e.name.clone(), String::from_utf8(data.to_vec()).expect("utf-8"))
            })
            .collect();
        assert_eq!(back, files());
    }

    #[test]
    fn crc32_known_ok() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn not_a_zip_err() {
        assert_eq!(entries(b"format = 1", 1024), Err(NOT_A_ZIP.to_owned()));
    }

    #[test]
    fn entry_too_big_err() {
        let error = entries(&stored(&files()), 4).expect_err("refused");
        assert!(error.contains("`t/lesson.toml`") && error.contains("4-byte limit"), "{error}");
    }

    #[test]
    fn escape_err() {
        let mut files = files();
        files.insert("../evil.sql".into(), String::new());
        let error = entries(&stored(&files), 1024).expect_err("refused");
        assert!(error.contains("`../evil.sql`"), "{error}");
    }

    proptest! {
        #[test]
        fn damaged_never_panics(cut in 0usize..400, flip in 0usize..400, byte: u8) {
            let mut zip = stored(&files());
            if let Some(b) = zip.get_mut(flip) {
                *b = byte;
            }
            zip.truncate(zip.len().saturating_sub(cut));
            let _ = entries(&zip, 1024);
        }
    }
}
