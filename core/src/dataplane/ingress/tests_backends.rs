//! Default backends (SPEC §6.6, module docs rule 6) and TLS (SPEC §6.8).

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use crate::json;

use crate::json::Value;

use super::tests::*;
use super::*;

use crate::model::Ingress;

// ---------------------------------------------------------------------------------------------
// Default backends (SPEC §6.6, module docs rule 6)

#[test]
fn default_backend_cases() {
    // An Ingress with no rules sends everything to its defaultBackend (SPEC §6.6).
    check(
        &[ing("only", vec![], Some("fallback"))],
        &[("any.host", "/x", "only default -> fallback")],
    );

    // The GKE recipe shape (fixtures/…ingress-custom-default-backend.yaml): a no-host rule
    // and a defaultBackend in one Ingress.
    let gke = [ing(
        "foo-internal",
        vec![rule(None, vec![p("/foo", "Prefix", "foo")])],
        Some("default-be"),
    )];
    check(
        &gke,
        &[
            ("h", "/foo/x", "foo-internal /foo Prefix -> foo"),
            ("h", "/bar", "foo-internal default -> default-be"),
        ],
    );

    // The e2e shape (fixtures/kubernetes-kubernetes__e2e-ingress-http-defaultbackend.yaml).
    let echomap = [ing(
        "echomap",
        vec![
            rule(
                Some("foo.bar.com"),
                vec![p("/foo", "ImplementationSpecific", "echoheadersx")],
            ),
            rule(
                Some("bar.baz.com"),
                vec![
                    p("/bar", "ImplementationSpecific", "echoheadersy"),
                    p("/foo", "ImplementationSpecific", "echoheadersx"),
                ],
            ),
        ],
        Some("echoheadersx"),
    )];
    check(
        &echomap,
        &[
            (
                "foo.bar.com",
                "/foo",
                "echomap /foo ImplementationSpecific -> echoheadersx",
            ),
            ("foo.bar.com", "/bar", "echomap default -> echoheadersx"),
            (
                "bar.baz.com",
                "/bar/1",
                "echomap /bar ImplementationSpecific -> echoheadersy",
            ),
            ("other.com", "/", "echomap default -> echoheadersx"),
        ],
    );

    // Several Ingresses on one host: the oldest *with* a defaultBackend answers for the host;
    // the catch-all prefers an Ingress without rules.
    let merged = [
        ing(
            "a-no-default",
            vec![rule(Some("h.com"), vec![p("/a", "Prefix", "a")])],
            None,
        ),
        ing(
            "b-default",
            vec![rule(Some("h.com"), vec![p("/b", "Prefix", "b")])],
            Some("b-default"),
        ),
        ing(
            "c-default",
            vec![rule(Some("h.com"), vec![p("/c", "Prefix", "c")])],
            Some("c-default"),
        ),
        ing("d-catch-all", vec![], Some("d-default")),
        ing(
            "e-other-host",
            vec![rule(Some("e.com"), vec![p("/e", "Prefix", "e")])],
            None,
        ),
    ];
    check(
        &merged,
        &[
            ("h.com", "/c", "c-default /c Prefix -> c"),
            ("h.com", "/z", "b-default default -> b-default"),
            ("e.com", "/z", "d-catch-all default -> d-default"),
            ("nowhere.com", "/", "d-catch-all default -> d-default"),
        ],
    );
    assert_eq!(
        warnings_of(&merged),
        [
            IngressWarning::DefaultBackendConflict {
                scope: DefaultScope::HostGroup {
                    host: RuleHost::parse(Some("h.com")).unwrap()
                },
                winner: iref("b-default"),
                loser: iref("c-default"),
            },
            IngressWarning::DefaultBackendConflict {
                scope: DefaultScope::CatchAll,
                winner: iref("d-catch-all"),
                loser: iref("b-default"),
            },
            IngressWarning::DefaultBackendConflict {
                scope: DefaultScope::CatchAll,
                winner: iref("d-catch-all"),
                loser: iref("c-default"),
            },
        ]
    );
    let d = route(&merged, "h.com", "/z");
    assert_eq!(kinds(&d)[1..], ["noPathMatched", "defaultBackend"]);

    // No defaultBackend anywhere: 404, and `match_ingress` says `None`.
    let none = [ing(
        "i",
        vec![rule(Some("h.com"), vec![p("/a", "Exact", "a")])],
        None,
    )];
    check(&none, &[("h.com", "/b", "404"), ("x.com", "/a", "404")]);
    assert_eq!(
        kinds(&route(&none, "x.com", "/a")),
        ["noHostGroup", "noDefaultBackend"]
    );
    let refs: Vec<&Ingress> = none.iter().collect();
    assert!(match_ingress(&refs, "h.com", "/b").is_none());
    assert_eq!(
        summary(&match_ingress(&refs, "h.com", "/a").unwrap()),
        "i /a Exact -> a"
    );
}

#[test]
fn a_rule_without_http_still_makes_its_host_a_group() {
    // ingress-nginx: a host rule without `http` creates the server; its requests take the
    // default backend rather than falling through to rules without host.
    let ingresses = [
        from(
            json!({"metadata": {"name": "bare"}, "spec": {"rules": [{"host": "bare.com"}],
            "defaultBackend": {"service": {"name": "bare-default", "port": {"number": 80}}}}}),
        ),
        ing("any", vec![rule(None, vec![p("/", "Prefix", "any")])], None),
    ];
    check(
        &ingresses,
        &[
            ("bare.com", "/", "bare default -> bare-default"),
            ("x.com", "/", "any / Prefix -> any"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// TLS (SPEC §6.8)

fn tls_ingress(name: &str, tls: Value, annotations: Value) -> Ingress {
    from(
        json!({"metadata": {"name": name, "namespace": "default", "annotations": annotations},
                "spec": {"tls": tls, "rules": [
                    rule(Some("secure.com"), vec![p("/", "Prefix", name)]),
                    rule(Some("a.wild.com"), vec![p("/", "Prefix", name)]),
                    rule(Some("plain.com"), vec![p("/", "Prefix", name)])]}}),
    )
}

#[test]
fn tls_hosts_pick_certificates_and_redirect_with_308() {
    let ingresses = [tls_ingress(
        "i",
        json!([{"hosts": ["secure.com"], "secretName": "secure-cert"},
               {"hosts": ["*.wild.com"], "secretName": "wild-cert"}]),
        json!({}),
    )];
    let refs: Vec<&Ingress> = ingresses.iter().collect();
    let (router, warnings) = IngressRouter::build_all(&refs);
    let (reference, _) = ReferenceMatcher::build_all(&refs);
    assert_eq!(warnings, []);
    // (SNI, certificate)
    let certs = [
        ("secure.com", Some("secure-cert")),
        ("SECURE.com:443", Some("secure-cert")),
        ("a.wild.com", Some("wild-cert")),
        ("b.a.wild.com", None),
        ("wild.com", None),
        ("plain.com", None),
    ];
    for (sni, want) in certs {
        let got = router.tls_for(sni).map(|t| t.secret_name.as_deref().unwrap());
        assert_eq!(got, want, "{sni}");
        assert_eq!(reference.tls_for(sni), router.tls_for(sni));
    }
    // (Host, redirected)
    for (host, redirected) in [("secure.com", true), ("a.wild.com", true), ("plain.com", false)] {
        let d = router.route(host, "/");
        assert_eq!(
            d.https_redirect.as_ref().map(|r| r.status),
            redirected.then_some(308),
            "{host}"
        );
        assert_eq!(reference.route(host, "/"), d);
    }
}

#[test]
fn ssl_redirect_false_keeps_plain_http() {
    let ingresses = [tls_ingress(
        "i",
        json!([{"hosts": ["secure.com"], "secretName": "cert"}]),
        json!({"nginx.ingress.kubernetes.io/ssl-redirect": "false"}),
    )];
    let d = route(&ingresses, "secure.com", "/");
    assert_eq!(d.https_redirect, None);
    assert_eq!(
        d.reasons.last(),
        Some(&IngressReason::SslRedirectDisabled { ingress: iref("i") })
    );
}

#[test]
fn tls_conflicts_and_entries_without_hosts_are_reported() {
    let ingresses = [
        tls_ingress(
            "old",
            json!([{"hosts": ["secure.com"], "secretName": "old-cert"}, {"secretName": "x"}]),
            json!({}),
        ),
        tls_ingress(
            "new",
            json!([{"hosts": ["secure.com"], "secretName": "new-cert"}]),
            json!({}),
        ),
    ];
    let refs: Vec<&Ingress> = ingresses.iter().collect();
    let (router, warnings) = IngressRouter::build_all(&refs);
    let tls = |name: &str, secret: &str| TlsMatch {
        ingress: iref(name),
        secret_name: Some(secret.to_string()),
        host: RuleHost::parse(Some("secure.com")).unwrap(),
    };
    assert!(warnings.contains(&IngressWarning::TlsWithoutHosts {
        ingress: iref("old"),
        index: 1
    }));
    assert!(warnings.contains(&IngressWarning::TlsConflict {
        winner: tls("old", "old-cert"),
        loser: tls("new", "new-cert")
    }));
    assert_eq!(router.tls_for("secure.com"), Some(&tls("old", "old-cert")));
}
