//! Hosts: the request host as matched, rule hosts (precise, `*.` wildcard, none) and the table
//! that finds the most specific host group for a request in a few map lookups (SPEC §6.2, §11 #3).

use crate::json::ToJson;
use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::index::StrMap;

/// The host of a rule (or of a TLS entry), as a host group key.
///
/// Ordered from the most to the least specific: a precise host beats a wildcard, a wildcard
/// beats a rule without host (SPEC §11 #3).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RuleHost {
    /// `foo.bar.com`: matches exactly that name (lowercased).
    Precise { host: String },
    /// `*.foo.com` (kept with its `*.`): matches names with exactly one more label.
    Wildcard { host: String },
    /// A rule without `host`: matches every host.
    Any,
}

/// A rule host that cannot match anything as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum HostProblem {
    /// `*` other than as the whole first label (`*`, `*.`, `a*.com`, `*.*.com`).
    MisplacedWildcard,
    /// Nothing left once the trailing dot is dropped (`.`).
    Empty,
}

impl RuleHost {
    /// The group key of `rules[].host` (or a `tls[].hosts[]` entry): no host or an empty one is
    /// [`RuleHost::Any`]; names are lowercased and lose one trailing dot, as request hosts do.
    pub fn parse(host: Option<&str>) -> Result<RuleHost, HostProblem> {
        let Some(host) = host.filter(|h| !h.is_empty()) else {
            return Ok(RuleHost::Any);
        };
        let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if host.is_empty() {
            return Err(HostProblem::Empty);
        }
        match host.strip_prefix("*.") {
            Some(suffix) if !suffix.is_empty() && !suffix.contains('*') => Ok(RuleHost::Wildcard { host }),
            Some(_) => Err(HostProblem::MisplacedWildcard),
            None if host.contains('*') => Err(HostProblem::MisplacedWildcard),
            None => Ok(RuleHost::Precise { host }),
        }
    }

    /// Whether a request host (already through [`request_host`]) falls in this group.
    pub fn matches(&self, request_host: &str) -> bool {
        match self {
            RuleHost::Precise { host } => host == request_host,
            RuleHost::Wildcard { .. } => wildcard_suffix_of(request_host) == self.wildcard_suffix(),
            RuleHost::Any => true,
        }
    }

    /// For `*.foo.com`, `foo.com`.
    pub fn wildcard_suffix(&self) -> Option<&str> {
        match self {
            RuleHost::Wildcard { host } => host.get(2..),
            _ => None,
        }
    }

    /// The host as written in a rule, `None` for [`RuleHost::Any`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            RuleHost::Precise { host } | RuleHost::Wildcard { host } => Some(host),
            RuleHost::Any => None,
        }
    }
}

/// The request `Host` as matched: the port stripped (`foo.com:8080`, `[::1]:80`), one trailing
/// dot dropped (`foo.com.`), ASCII-lowercased (nginx compares names case-insensitively).
/// Borrows unless there is something to lowercase.
pub fn request_host(raw: &str) -> Cow<'_, str> {
    // The common case — lowercase, no port, no trailing dot — in one pass, borrowed.
    let plain = |b: &u8| !b.is_ascii_uppercase() && *b != b':';
    if raw.as_bytes().iter().all(plain) && !raw.ends_with('.') {
        return Cow::Borrowed(raw);
    }
    let host = match raw.strip_prefix('[') {
        // An IPv6 literal keeps its brackets; the port follows the `]`.
        Some(rest) => match rest.find(']') {
            Some(end) => raw.get(..end + 2).unwrap_or(raw),
            None => raw,
        },
        None => raw.split(':').next().unwrap_or(raw),
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    }
}

/// The suffix a wildcard group must have for `host` to be in it: what follows the first label,
/// if that label is not empty (`a.foo.com` → `foo.com`; `foo` and `.foo.com` have none).
pub fn wildcard_suffix_of(host: &str) -> Option<&str> {
    let (label, rest) = host.split_once('.')?;
    (!label.is_empty()).then_some(rest)
}

/// The wildcard `*.<suffix>` shares a suffix with `host` but does not match it because it
/// covers exactly one label: `*.foo.com` vs `foo.com` (no label left) or `a.b.foo.com` (two).
pub fn wildcard_covers_one_label_miss(suffix: &str, host: &str) -> bool {
    if host == suffix {
        return true;
    }
    match host.strip_suffix(suffix).and_then(|h| h.strip_suffix('.')) {
        Some(labels) => labels.contains('.'),
        None => false,
    }
}

/// A precise host that is a parent domain of the request host (`foo.com` for `www.foo.com`):
/// the near miss of forgetting the `*.`.
pub fn is_parent_domain(parent: &str, host: &str) -> bool {
    host.strip_suffix(parent).is_some_and(|h| h.ends_with('.'))
}

/// Host groups by kind, so that the most specific group for a request costs at most three map
/// lookups, whatever the number of hosts.
#[derive(Clone, Debug)]
pub(super) struct HostTable<T> {
    precise: StrMap<(RuleHost, T)>,
    /// Keyed by the suffix after `*.`.
    wildcard: StrMap<(RuleHost, T)>,
    any: Option<(RuleHost, T)>,
}

impl<T> HostTable<T> {
    /// The table of `entries`; of two entries with one host, the first stays.
    pub(super) fn new(entries: impl IntoIterator<Item = (RuleHost, T)>) -> HostTable<T> {
        let mut precise = Vec::new();
        let mut wildcard = Vec::new();
        let mut any = None;
        for (host, value) in entries {
            match &host {
                RuleHost::Precise { host: h } => {
                    precise.push((h.clone(), (host, value)));
                }
                RuleHost::Wildcard { .. } => {
                    let key = host.wildcard_suffix().unwrap_or_default().to_string();
                    wildcard.push((key, (host, value)));
                }
                RuleHost::Any => {
                    if any.is_none() {
                        any = Some((host, value));
                    }
                }
            }
        }
        HostTable {
            precise: StrMap::new(precise),
            wildcard: StrMap::new(wildcard),
            any,
        }
    }

    pub(super) fn precise(&self, host: &str) -> Option<&(RuleHost, T)> {
        self.precise.get(host)
    }

    pub(super) fn wildcard(&self, suffix: &str) -> Option<&(RuleHost, T)> {
        self.wildcard.get(suffix)
    }

    pub(super) fn any(&self) -> Option<&(RuleHost, T)> {
        self.any.as_ref()
    }

    /// The wildcard group `host` falls in, if any.
    pub(super) fn matching_wildcard(&self, host: &str) -> Option<&(RuleHost, T)> {
        wildcard_suffix_of(host).and_then(|suffix| self.wildcard.get(suffix))
    }

    /// The most specific group for `host`: precise, else wildcard, else no-host.
    pub(super) fn most_specific(&self, host: &str) -> Option<&(RuleHost, T)> {
        self.precise(host).or_else(|| self.less_specific(host))
    }

    /// [`precise`](Self::precise) with the host's [`hash`](super::index::hash) already known.
    #[inline]
    pub(super) fn precise_hashed(&self, host: &str, h: u64) -> Option<&(RuleHost, T)> {
        self.precise.get_hashed(host, h)
    }

    /// The group for `host` when no precise one is: wildcard, else no-host.
    pub(super) fn less_specific(&self, host: &str) -> Option<&(RuleHost, T)> {
        self.matching_wildcard(host).or_else(|| self.any())
    }
}

/// The suffixes of `host` after each of its dots, left to right (`a.b.c` → `b.c`, `c`).
pub(super) fn suffixes(host: &str) -> impl Iterator<Item = &str> {
    host.match_indices('.')
        .filter_map(move |(i, _)| host.get(i + 1..))
}
