//! The simulated clock: milliseconds since the simulation's epoch, rendered as RFC 3339 for the
//! timestamps objects carry. Nothing here reads a real clock.

use alloc::format;
use alloc::string::String;

/// The instant simulated time 0 maps to: 2026-01-01T00:00:00Z, in seconds since the Unix epoch.
pub const EPOCH_UNIX_SECONDS: i64 = 1_767_225_600;

/// `ms` after the simulation epoch as `2026-01-01T00:00:05Z` (RFC 3339, second precision, as
/// the API server writes `creationTimestamp`).
pub fn rfc3339(ms: u64) -> String {
    let secs = EPOCH_UNIX_SECONDS + (ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_simulated_instants() {
        let cases = [
            (0, "2026-01-01T00:00:00Z"),
            (5_999, "2026-01-01T00:00:05Z"),
            (86_400_000 * 59, "2026-03-01T00:00:00Z"),
            (86_400_000 * 365, "2027-01-01T00:00:00Z"),
            (3_723_000, "2026-01-01T01:02:03Z"),
        ];
        for (ms, want) in cases {
            assert_eq!(super::rfc3339(ms), want);
        }
    }
}
