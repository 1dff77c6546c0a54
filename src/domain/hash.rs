//! Hashes. Revisions are identified by the BLAKE3 hash of their canonical JSON (fast enough to
//! hash every item of a 350,000-item import without slowing it); files handed to other tools
//! get SHA-256, which those tools expect.

use sha2::{Digest, Sha256};

/// Lower-case hex BLAKE3 of a revision's canonical JSON.
pub fn content_hash(canonical_json: &str) -> String {
    blake3::hash(canonical_json.as_bytes()).to_hex().to_string()
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blake3_known_vector() {
        assert_eq!(
            content_hash("abc"),
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
    }

    #[test]
    fn known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
