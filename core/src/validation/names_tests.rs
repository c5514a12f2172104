//! Table tests for the name rules. Lists marked with a source are transcribed from apimachinery
//! `pkg/util/validation/validation_test.go` / `ip_test.go`; the rest are boundary cases of ours.

use super::*;
use alloc::string::ToString;
use alloc::vec;
use std::string::String;

fn a(n: usize) -> String {
    "a".repeat(n)
}

/// One harness for every string check: `good` must yield no message, `bad` at least one.
fn check(what: &str, f: fn(&str) -> Vec<String>, good: &[String], bad: &[String]) {
    for v in good {
        let msgs = f(v);
        assert!(
            msgs.is_empty(),
            "{what}: expected {v:?} to be valid, got {msgs:?}"
        );
    }
    for v in bad {
        assert!(!f(v).is_empty(), "{what}: expected {v:?} to be invalid");
    }
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn with(mut list: Vec<String>, extra: impl IntoIterator<Item = String>) -> Vec<String> {
    list.extend(extra);
    list
}

#[test]
fn dns1123_label() {
    // apimachinery pkg/util/validation/validation_test.go TestIsDNS1123Label
    let good = owned(&[
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
    ]);
    let bad = owned(&[
        "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_",
        "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    ]);
    check(
        "dns1123 label",
        is_dns1123_label,
        &with(good, [a(63)]),
        &with(bad, [a(64)]),
    );
}

#[test]
fn dns1123_subdomain() {
    // apimachinery pkg/util/validation/validation_test.go TestIsDNS1123Subdomain
    let good = owned(&[
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
        "a.a",
        "ab.a",
        "abc.a",
        "a1.a",
        "a-1.a",
        "a--1--2--b.a",
        "a.1",
        "ab.1",
        "abc.1",
        "a1.1",
        "a-1.1",
        "a--1--2--b.1",
        "0.a",
        "01.a",
        "012.a",
        "1a.a",
        "1-a.a",
        "1--a--b--2",
        "0.1",
        "01.1",
        "012.1",
        "1a.1",
        "1-a.1",
        "1--a--b--2.1",
        "a.b.c.d.e",
        "aa.bb.cc.dd.ee",
        "1.2.3.4.5",
        "11.22.33.44.55",
    ]);
    let bad = owned(&[
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "_a",
        "a_b",
        "1_",
        "_1",
        "1_2",
        ".",
        "a.",
        ".a",
        "a..b",
        "1.",
        ".1",
        "1..2",
        " ",
        "a ",
        " a",
        "a b",
        "1 ",
        " 1",
        "1 2",
        "A.a",
        "aB.a",
        "ab.A",
        "A1.a",
        "a1.A",
        "A.1",
        "aB.1",
        "A1.1",
        "1A.1",
        "0.A",
        "01.A",
        "012.A",
        "1A.a",
        "1a.A",
        "A.B.C.D.E",
        "AA.BB.CC.DD.EE",
        "a.B.c.d.e",
        "aa.bB.cc.dd.ee",
        "a@b",
        "a,b",
        "a_b",
        "a;b",
        "a:b",
        "a%b",
        "a?b",
        "a$b",
    ]);
    // Boundary: 253 is the limit however it is split into labels.
    let dotted_253 = std::format!("{}.{}.{}.{}", a(63), a(63), a(63), a(61));
    let dotted_254 = std::format!("{}.{}.{}.{}", a(63), a(63), a(63), a(62));
    check(
        "dns1123 subdomain",
        is_dns1123_subdomain,
        &with(good, [a(253), dotted_253]),
        &with(bad, [a(254), dotted_254]),
    );
    // Upstream quirk, kept: a subdomain checks the total length and the character pattern, not
    // each label's length, so a 64-character label inside a short subdomain passes.
    assert!(is_dns1123_subdomain(&std::format!("{}.b", a(64))).is_empty());
}

#[test]
fn dns1035_label() {
    // apimachinery pkg/util/validation/validation_test.go TestIsDNS1035Label
    let good = owned(&["a", "ab", "abc", "a1", "a-1", "a--1--2--b"]);
    let bad = owned(&[
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "_a",
        "a_b",
        "1_",
        "_1",
        "1_2",
        ".",
        "a.",
        ".a",
        "a.b",
        "1.",
        ".1",
        "1.2",
        " ",
        "a ",
        " a",
        "a b",
        "1 ",
        " 1",
        "1 2",
    ]);
    check(
        "dns1035 label",
        is_dns1035_label,
        &with(good, [a(63)]),
        &with(bad, [a(64)]),
    );
}

#[test]
fn qualified_name() {
    // apimachinery pkg/util/validation/validation_test.go TestIsQualifiedName
    let good = owned(&[
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
    ]);
    let bad = owned(&[
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
    ]);
    // Boundaries of ours: the underscore and dot are inner-only, an empty key, a 63/64 name
    // behind a valid prefix.
    let ours_bad = owned(&["", "_a", "a_", ".a", "a.", "a/b/", "app.kubernetes.io/"]);
    check(
        "qualified name",
        is_qualified_name,
        &with(
            good,
            [
                a(63),
                std::format!("{}/{}", a(253), "b".repeat(63)),
                std::format!("x.io/{}", a(63)),
            ],
        ),
        &with(
            bad,
            [
                a(64),
                std::format!("{}/abc", a(254)),
                std::format!("x.io/{}", a(64)),
            ]
            .into_iter()
            .chain(ours_bad),
        ),
    );
}

#[test]
fn label_value() {
    // apimachinery pkg/util/validation/validation_test.go TestIsValidLabelValue
    let good = owned(&[
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "end-with-num-1",
        "1234",
        "",
    ]);
    let bad = owned(&[
        "nospecialchars%^=@",
        "Tama-nui-te-rā.is.Māori.sun",
        "\\backslashes\\are\\bad",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts.with.dot",
        "ends.with.dot.",
    ]);
    // Ours: uppercase, underscores and dots are fine inside a value; '/' is not.
    let ours_good = owned(&["MyValue", "my_value", "v1.2.3", "A"]);
    let ours_bad = owned(&["a/b", "_x", "x_", " x", "x y"]);
    check(
        "label value",
        is_valid_label_value,
        &with(good, [a(63)].into_iter().chain(ours_good)),
        &with(bad, [a(64)].into_iter().chain(ours_bad)),
    );
}

#[test]
fn port_name() {
    // apimachinery pkg/util/validation/validation_test.go TestIsValidPortName
    let good = owned(&[
        "telnet",
        "re-mail-ck",
        "pop3",
        "a",
        "a-1",
        "1-a",
        "a-1-b-2-c",
        "1-a-2-b-3",
    ]);
    let bad = owned(&[
        "longerthan15characters",
        "",
        "12345",
        "1-2-3-4",
        "-begin",
        "end-",
        "two--hyphens",
        "whois++",
    ]);
    let ours_bad = owned(&["HTTP", "http_alt", "a.b"]);
    check(
        "port name",
        is_valid_port_name,
        &with(good, [a(15)]),
        &with(bad, [a(16)].into_iter().chain(ours_bad)),
    );
}

#[test]
fn port_num() {
    // apimachinery pkg/util/validation/validation_test.go TestIsValidPortNum
    for good in [1, 2, 1000, 16384, 32768, 65535] {
        assert!(is_valid_port_num(good).is_empty(), "{good}");
    }
    for bad in [0, -1, 65536, 100000, i64::MIN, i64::MAX] {
        assert_eq!(
            is_valid_port_num(bad),
            vec![String::from("must be between 1 and 65535, inclusive")]
        );
    }
}

#[test]
fn wildcard_dns1123_subdomain() {
    // apimachinery pkg/util/validation/validation_test.go TestIsWildcardDNS1123Subdomain
    let good = owned(&["*.example.com", "*.bar.com", "*.foo.bar.com"]);
    let bad = owned(&["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"]);
    let ours_bad = owned(&["*.", "*.Example.com", "example.com", "", "**.a"]);
    check(
        "wildcard subdomain",
        is_wildcard_dns1123_subdomain,
        &with(good, [std::format!("*.{}", a(251))]),
        &with(bad, [std::format!("*.{}", a(252))].into_iter().chain(ours_bad)),
    );
}

#[test]
fn ip_sloppy() {
    // apimachinery pkg/util/validation/ip_test.go TestIsValidIP, the `legacyErr` column (the
    // lenient parser behind "must not be an IP")
    let good = owned(&[
        "1.2.3.4",
        "0.0.0.0",
        "255.255.255.255",
        "1234::abcd",
        "::",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "0:0:0:0:0:0:0:0",
        "0001:002:03:4::",
        "1234::ABCD",
        "1.1.1.01",
        "::ffff:1.1.1.1",
    ]);
    let bad = owned(&[
        "",
        "aaaaaaa",
        "myhost.mydomain",
        "1.2.3.0/24",
        "1.2.3.400",
        "-1.0.0.0",
        "2001:db8::10005",
        "1.2.3.4:80",
        "[2001:db8::1]",
        "[2001:db8::1]:80",
        "example.com:80",
        "1234::abcd%eth0",
        "169.254.0.0%eth0",
    ]);
    // Ours: Go net.ParseIP edge cases.
    let ours_good = owned(&[
        "::1",
        "1::",
        "1:2:3:4:5:6:1.2.3.4",
        "::1.2.3.4",
        "1:2:3:4:5:6:7::",
        "10.0.0.1",
    ]);
    let ours_bad = owned(&[
        "1.2.3",
        "1.2.3.4.5",
        "1..2.3",
        "1.2.3.",
        ":::",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "1:2:3:4:5:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1:",
        ":1",
        "1:2:3:4:5:6:7",
        "::1.2.3",
        "a.b.c.d",
    ]);
    check("ip", is_valid_ip, &with(good, ours_good), &with(bad, ours_bad));
}

/// Exact wording, because the UI shows these strings and users search for them.
#[test]
fn messages_match_upstream_wording() {
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            is_dns1123_label("My_Name"),
            vec![
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and \
                 must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used \
                 for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            ],
        ),
        (is_dns1123_label("a.b"), vec!["must not contain dots"]),
        (
            is_dns1123_label(&a(64)),
            vec!["must be no more than 63 characters"],
        ),
        (
            is_dns1035_label("1abc"),
            vec![
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an \
                 alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', \
                 regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            ],
        ),
        (
            is_dns1123_subdomain("Example.com"),
            vec![
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', \
                 and must start and end with an alphanumeric character (e.g. 'example.com', regex used for \
                 validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            ],
        ),
        (
            is_qualified_name("/simple"),
            vec!["prefix part must be non-empty"],
        ),
        (
            is_qualified_name("example.com/"),
            vec![
                "name part must be non-empty",
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end \
                 with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for \
                 validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
        ),
        (
            is_qualified_name("a/b/c"),
            vec![
                "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start \
                 and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex \
                 used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS \
                 subdomain prefix and '/' (e.g. 'example.com/MyName')",
            ],
        ),
        (
            is_valid_label_value("-x"),
            vec![
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', \
                 and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or \
                 '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
        ),
        (
            is_valid_port_name("-AB--"),
            vec![
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)",
                "must not contain consecutive hyphens",
                "must not begin or end with a hyphen",
            ],
        ),
        (is_valid_ip("1.2.3.4:80"), vec!["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    // Too long and malformed are both reported.
    let long_bad = std::format!("{}_", a(64));
    assert_eq!(is_valid_label_value(&long_bad).len(), 2);
    assert_eq!(is_qualified_name(&std::format!("Bad_/{}", a(64))).len(), 2);
}
