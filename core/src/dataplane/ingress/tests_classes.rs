//! IngressClass selection (SPEC §6.7; the newest default is in `tests_decisions`).

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use crate::json;

use super::tests::*;
use super::*;
use crate::model::Ingress;

// ---------------------------------------------------------------------------------------------
// Class selection (SPEC §6.7)

/// (name, ingressClassName, class annotation, router's controller, skip reason or routed)
type ClassCase = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<SkipReason>,
);

#[test]
fn class_selection_table() {
    let classes = [
        ingress_class("nginx", "k8s.io/ingress-nginx", true),
        ingress_class("gce", "k8s.io/gce", false),
    ];
    let class_inputs: Vec<IngressClassInput> = classes
        .iter()
        .map(|class| IngressClassInput { class, created_ms: 0 })
        .collect();
    let with = |name: &str, field: Option<&str>, annotation: Option<&str>| -> Ingress {
        let mut v = json!({"metadata": {"name": name, "namespace": "default"},
                           "spec": {"rules": [rule(None, vec![p("/", "Prefix", name)])]}});
        if let Some(f) = field {
            v["spec"]["ingressClassName"] = json!(f);
        }
        if let Some(a) = annotation {
            v["metadata"]["annotations"] = json!({"kubernetes.io/ingress.class": a});
        }
        from(v)
    };
    // (name, field, annotation, controller, expected skip reason or None = routed)
    let nginx = Some("k8s.io/ingress-nginx");
    let cases: &[ClassCase] = &[
        ("field", Some("nginx"), None, nginx, None),
        ("annotation", None, Some("nginx"), nginx, None),
        ("default", None, None, nginx, None),
        (
            "other",
            Some("gce"),
            None,
            nginx,
            Some(SkipReason::OtherController {
                class: "gce".to_string(),
                controller: "k8s.io/gce".to_string(),
            }),
        ),
        ("any-controller", Some("gce"), None, None, None),
        (
            "missing",
            Some("traefik"),
            None,
            nginx,
            Some(SkipReason::ClassNotFound {
                class: "traefik".to_string(),
            }),
        ),
        // The annotation takes priority over the field (SPEC §6.7).
        (
            "both",
            Some("nginx"),
            Some("gce"),
            nginx,
            Some(SkipReason::OtherController {
                class: "gce".to_string(),
                controller: "k8s.io/gce".to_string(),
            }),
        ),
        (
            "default-other",
            None,
            None,
            Some("k8s.io/gce"),
            Some(SkipReason::DefaultClassOfOtherController {
                class: "nginx".to_string(),
                controller: "k8s.io/ingress-nginx".to_string(),
            }),
        ),
    ];
    for (name, field, annotation, controller, skip) in cases {
        let ingress = with(name, *field, *annotation);
        let inputs = [IngressInput {
            ingress: &ingress,
            created_ms: 0,
        }];
        let (router, warnings) = IngressRouter::build(&inputs, &class_inputs, *controller);
        let skipped = warnings.iter().find_map(|w| match w {
            IngressWarning::Skipped { reason, .. } => Some(reason.clone()),
            _ => None,
        });
        assert_eq!(&skipped, skip, "{name}");
        assert_eq!(router.ingresses().count(), usize::from(skip.is_none()), "{name}");
        if *name == "both" {
            assert_eq!(
                warnings[0],
                IngressWarning::ClassAnnotationDiffers {
                    ingress: iref("both"),
                    field: "nginx".to_string(),
                    annotation: "gce".to_string()
                }
            );
        }
    }
    // No default class: a classless Ingress is nobody's.
    let ingress = with("classless", None, None);
    let (_, warnings) = IngressRouter::build(
        &[IngressInput {
            ingress: &ingress,
            created_ms: 0,
        }],
        &class_inputs[1..],
        None,
    );
    assert_eq!(
        warnings,
        [IngressWarning::Skipped {
            ingress: iref("classless"),
            reason: SkipReason::NoClass
        }]
    );
}

#[test]
fn a_repeated_name_is_skipped() {
    let a = ing("same", vec![rule(None, vec![p("/", "Prefix", "first")])], None);
    let b = ing("same", vec![rule(None, vec![p("/", "Prefix", "second")])], None);
    let (router, warnings) = IngressRouter::build_all(&[&a, &b]);
    assert_eq!(
        warnings,
        [IngressWarning::Skipped {
            ingress: iref("same"),
            reason: SkipReason::DuplicateName
        }]
    );
    assert_eq!(summary(&router.route("h", "/")), "same / Prefix -> first");
}
