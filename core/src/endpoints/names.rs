//! Deterministic EndpointSlice names.
//!
//! Upstream the controller sets `generateName: "<svc>-"` and the API server appends five
//! random characters from `bcdfghjklmnpqrstvwxz2456789` (apimachinery `util/rand`), cutting the
//! prefix to 58 characters first so the name fits in 63. kroute draws the five characters from
//! the caller's [`Rng`], so the same seed gives the same names, and skips names already taken.

use alloc::string::String;

use super::output::ReconcileError;
use crate::rng::Rng;

const ALPHABET: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";
const SUFFIX_LEN: usize = 5;
const MAX_PREFIX_LEN: usize = 63 - SUFFIX_LEN;
/// Draws before giving up; with 27^5 ≈ 14M names a collision run this long does not happen.
const MAX_ATTEMPTS: usize = 1000;

/// `<svc>-`, cut to 58 bytes (at a character boundary) as the API server does.
pub fn slice_name_prefix(service_name: &str) -> String {
    let mut prefix = String::with_capacity(service_name.len() + 1);
    prefix.push_str(service_name);
    prefix.push('-');
    if prefix.len() > MAX_PREFIX_LEN {
        let mut cut = MAX_PREFIX_LEN;
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        prefix.truncate(cut);
    }
    prefix
}

/// A fresh `<prefix><5 chars>` for which `taken` is false.
pub(crate) fn generate_name(
    prefix: &str,
    rng: &mut Rng,
    taken: impl Fn(&str) -> bool,
) -> Result<String, ReconcileError> {
    for _ in 0..MAX_ATTEMPTS {
        let mut name = String::with_capacity(prefix.len() + SUFFIX_LEN);
        name.push_str(prefix);
        for _ in 0..SUFFIX_LEN {
            let i = rng.below(ALPHABET.len() as u64) as usize;
            name.push(char::from(ALPHABET.get(i).copied().unwrap_or(b'b')));
        }
        if !taken(&name) {
            return Ok(name);
        }
    }
    Err(ReconcileError::NamesExhausted {
        prefix: prefix.into(),
    })
}
