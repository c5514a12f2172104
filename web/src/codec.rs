//! The share link's payload: the saved workspace as JSON, deflated, in URL-safe base64
//! (RFC 4648 §5, no padding), so a whole cluster fits in a URL fragment that never leaves the
//! browser (fragments are not sent to servers).

use kroute::json::ToJson;

use crate::state::Saved;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The fragment prefix: `#s=<payload>`.
pub const FRAGMENT_KEY: &str = "s=";

/// The saved workspace as JSON text (what the store keeps and a link carries, deflated).
pub fn to_text(saved: &Saved) -> String {
    kroute::json::to_string(&saved.to_json())
}

/// A saved workspace read back from JSON text; the error says where the text is wrong.
pub fn from_text(text: &str) -> Result<Saved, String> {
    kroute::json::from_str_as(text)
}

pub fn encode(saved: &Saved) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(to_text(saved).as_bytes(), 9);
    base64url(&packed)
}

/// Why a link could not be read, for the user.
pub fn decode(payload: &str) -> Result<Saved, String> {
    let packed = unbase64url(payload.trim()).ok_or("the link is not valid base64url (was it cut short?)")?;
    // A share link holds manifests, not archives: cap what a crafted link can inflate to.
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 8 << 20)
        .map_err(|_| "the link's data is damaged (it does not decompress)".to_owned())?;
    let text = String::from_utf8(json).map_err(|_| "the link's data is not text".to_owned())?;
    from_text(&text).map_err(|e| format!("the link's data is not a kroute workspace: {e}"))
}

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let take = chunk.len() + 1;
        for i in 0..take {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|v| v as u32);
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        for i in 0..produced {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{example_saved, RequestForm};

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            assert_eq!(unbase64url(&base64url(&bytes)).unwrap(), bytes, "{len}");
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn every_example_survives_a_share_link() {
        for ex in kroute::examples::examples() {
            let saved = example_saved(ex.id).unwrap();
            let link = encode(&saved);
            if saved.text.len() > 1_000 {
                assert!(link.len() < saved.text.len(), "{}: compressed", ex.id);
            }
            assert_eq!(decode(&link).unwrap(), saved, "{}", ex.id);
        }
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let good = encode(&Saved {
            text: "a: b".into(),
            request: RequestForm::default(),
            cluster: Default::default(),
        });
        // (payload, start of the message)
        let cases = [
            ("not base64!", "the link is not valid base64url"),
            ("A", "the link is not valid base64url"),
            (&good[..good.len() - 3], "the link's data is damaged"),
            ("AAAA", "the link's data is damaged"),
            (
                &base64url(&miniz_oxide::deflate::compress_to_vec(b"{\"x\":1}", 9)),
                "the link's data is not a kroute workspace",
            ),
        ];
        for (payload, message) in cases {
            let e = decode(payload).unwrap_err();
            assert!(e.starts_with(message), "{payload}: {e}");
        }
    }
}
