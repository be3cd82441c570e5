//! A small deterministic POSIX tar (ustar) writer and a strict reader, for the
//! OPA bundle. Written by hand rather than with the `tar` crate so that every
//! header byte is ours: regular files only, mode 0644, uid/gid 0, no user or
//! group names, mtime 0. A path longer than ustar's name field uses the
//! `prefix` field, or a PAX `path` record when it cannot be split.

// Public Interface

/// One regular file of an archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

/// The archive of `entries`, in the order given.
pub fn write(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let (name, prefix) = match split_name(&e.name) {
            Some(np) => np,
            None => {
                let record = pax_record("path", &e.name);
                let short = truncate(&e.name, 100);
                out.extend_from_slice(&header("././@PaxHeader", "", record.len(), b'x'));
                push_padded(&mut out, record.as_bytes());
                (short, "")
            }
        };
        out.extend_from_slice(&header(name, prefix, e.data.len(), b'0'));
        push_padded(&mut out, &e.data);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

/// The regular files of an archive. Fails on a bad checksum, a truncated
/// archive, or any entry that is not a regular file (PAX headers aside).
pub fn read(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    let mut at = 0usize;
    let mut pax_path: Option<String> = None;
    loop {
        let Some(h) = bytes.get(at..at + BLOCK) else {
            return Err("the archive ends without its end-of-archive marker".into());
        };
        if h.iter().all(|b| *b == 0) {
            return Ok(out);
        }
        let stored = octal(field(h, 148, 8)).ok_or("a header has an unreadable checksum")?;
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u64::from(*b)
                }
            })
            .sum();
        if sum != stored {
            return Err(format!("header at byte {at} has a bad checksum"));
        }
        let size = octal(field(h, 124, 12)).ok_or("a header has an unreadable size")?;
        let size = usize::try_from(size).map_err(|_| "an entry is too large")?;
        let start = at + BLOCK;
        let data = bytes
            .get(start..start.saturating_add(size))
            .ok_or("the archive is truncated")?;
        at = start + size.div_ceil(BLOCK) * BLOCK;
        let typeflag = h.get(156).copied().unwrap_or(0);
        match typeflag {
            b'x' => pax_path = parse_pax(data)?.or(pax_path),
            b'g' => {}
            b'0' | 0 => {
                let name = match pax_path.take() {
                    Some(p) => p,
                    None => {
                        let name = cstr(field(h, 0, 100))?;
                        let prefix = cstr(field(h, 345, 155))?;
                        if prefix.is_empty() {
                            name
                        } else {
                            format!("{prefix}/{name}")
                        }
                    }
                };
                // Strict: an entry that would land outside the archive's root
                // (`..`, a backslash, a second leading `/`) is refused, never
                // returned. One leading `/` is the root itself (OPA's names).
                if let Err(why) = super::paths::check(name.strip_prefix('/').unwrap_or(&name)) {
                    return Err(format!("entry `{name}` {why}"));
                }
                out.push(Entry {
                    name,
                    data: data.to_vec(),
                });
            }
            other => {
                let name = cstr(field(h, 0, 100)).unwrap_or_default();
                return Err(format!(
                    "entry `{name}` is not a regular file (type `{}`)",
                    char::from(other)
                ));
            }
        }
    }
}

const BLOCK: usize = 512;

fn header(name: &str, prefix: &str, size: usize, typeflag: u8) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    put(&mut h, 0, name.as_bytes());
    put(&mut h, 100, b"0000644\0");
    put(&mut h, 108, b"0000000\0");
    put(&mut h, 116, b"0000000\0");
    put(&mut h, 124, format!("{size:011o}\0").as_bytes());
    put(&mut h, 136, b"00000000000\0");
    put(&mut h, 148, b"        ");
    put(&mut h, 156, &[typeflag]);
    put(&mut h, 257, b"ustar\0");
    put(&mut h, 263, b"00");
    put(&mut h, 329, b"0000000\0");
    put(&mut h, 337, b"0000000\0");
    put(&mut h, 345, prefix.as_bytes());
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    put(&mut h, 148, format!("{sum:06o}\0 ").as_bytes());
    h
}

fn put(h: &mut [u8; BLOCK], at: usize, bytes: &[u8]) {
    if let Some(dst) = h.get_mut(at..at + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
}

fn push_padded(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    let rem = data.len() % BLOCK;
    if rem != 0 {
        out.resize(out.len() + BLOCK - rem, 0);
    }
}

/// `(name, prefix)` when the path fits ustar's fields.
fn split_name(path: &str) -> Option<(&str, &str)> {
    if path.len() <= 100 {
        return Some((path, ""));
    }
    path.char_indices()
        .filter(|(_, c)| *c == '/')
        .map(|(i, _)| i)
        .find(|&i| i <= 155 && path.len() - i - 1 <= 100 && i + 1 < path.len())
        .and_then(|i| Some((path.get(i + 1..)?, path.get(..i)?)))
}

/// The longest prefix of `s` of at most `max` bytes, on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// `LEN key=value\n`, LEN counting the whole record.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while len.to_string().len() + body.len() != len {
        len += 1;
    }
    format!("{len}{body}")
}

fn parse_pax(data: &[u8]) -> Result<Option<String>, String> {
    let text = std::str::from_utf8(data).map_err(|_| "a PAX header is not UTF-8")?;
    let mut rest = text;
    let mut path = None;
    while !rest.is_empty() {
        let (len, _) = rest.split_once(' ').ok_or("a PAX record has no length")?;
        let n: usize = len.parse().map_err(|_| "a PAX record has a bad length")?;
        let record = rest.get(..n).ok_or("a PAX record is truncated")?;
        rest = rest.get(n..).unwrap_or("");
        let kv = record
            .get(len.len() + 1..)
            .and_then(|r| r.strip_suffix('\n'))
            .ok_or("a PAX record is malformed")?;
        if let Some(p) = kv.strip_prefix("path=") {
            path = Some(p.to_owned());
        }
    }
    Ok(path)
}

fn field(h: &[u8], at: usize, len: usize) -> &[u8] {
    h.get(at..at + len).unwrap_or(&[])
}

fn cstr(bytes: &[u8]) -> Result<String, String> {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    let s = bytes.get(..end).unwrap_or(&[]);
    String::from_utf8(s.to_vec()).map_err(|_| "an entry name is not UTF-8".to_owned())
}

fn octal(bytes: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let digits = text.trim_matches(|c: char| c == '\0' || c == ' ');
    if digits.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(digits, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            data: data.to_vec(),
        }
    }

    #[test]
    fn round_trips_short_prefixed_and_pax_names() {
        let long_dir = "d".repeat(120);
        let prefixed = format!("/{long_dir}/file.rego");
        let pax = format!("/{}", "x".repeat(300));
        let entries = vec![
            e("/.manifest", b"{}"),
            e("/data.json", &[b'a'; 700]),
            e(&prefixed, b""),
            e(&pax, b"p"),
        ];
        let bytes = write(&entries);
        assert_eq!(bytes.len() % BLOCK, 0);
        assert_eq!(read(&bytes), Ok(entries));
    }

    #[test]
    fn headers_are_deterministic_ustar() {
        let bytes = write(&[e("/a", b"x")]);
        assert_eq!(bytes.get(257..263), Some(&b"ustar\0"[..]));
        assert_eq!(bytes.get(136..148), Some(&b"00000000000\0"[..]));
        assert_eq!(bytes, write(&[e("/a", b"x")]));
    }

    #[test]
    fn entries_outside_the_root_are_refused() {
        for bad in [
            "/pmth/workspace/../secret/leak.rego",
            "../x",
            "//etc/x",
            "/a\\b",
        ] {
            let bytes = write(&[e("/.manifest", b"{}"), e(bad, b"x")]);
            let err = read(&bytes).err().unwrap_or_default();
            assert!(err.contains("entry"), "{bad}: {err}");
        }
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let mut bytes = write(&[e("/a", b"hello")]);
        if let Some(b) = bytes.get_mut(3) {
            *b ^= 1;
        }
        assert!(read(&bytes).is_err());
        let good = write(&[e("/a", b"hello")]);
        for cut in [0, 10, 511, 512, 700, 1024] {
            assert!(
                read(good.get(..cut).unwrap_or(&[])).is_err(),
                "cut at {cut}"
            );
        }
        assert!(read(&[]).is_err());
    }
}
