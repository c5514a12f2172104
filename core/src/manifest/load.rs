//! A whole cluster from a manifest text: what the playground's editor and the examples do on
//! every Apply. The text is the desired state, so each load starts from a fresh cluster (an
//! object removed from the text is gone), applies everything atomically and lets the simulated
//! clock run until the pods have started.

use alloc::vec::Vec;

use super::{locate_errors, parse_manifests, IssueKind, ManifestError, ManifestIssue, ManifestObject};
use crate::cluster::{ApplyError, ChangeReport, Cluster, ClusterConfig};

/// How long a load lets the clock run: enough for pods to start (the default start delay is
/// 2 s) and for a StatefulSet of a few replicas to come up in order.
pub const SETTLE_MS: u64 = 30_000;

/// A loaded cluster and where its objects came from.
#[derive(Debug)]
pub struct Loaded {
    pub cluster: Cluster,
    /// The apply's events and warnings (skipped kinds, dangling references, …).
    pub report: ChangeReport,
    /// The objects with their documents and lines, to map an object back to the text.
    pub objects: Vec<ManifestObject>,
    /// The apply's dangling references (a Service selecting nothing, a backend naming a
    /// missing Service…), positioned in the text: warnings, not errors.
    pub reference_warnings: Vec<ManifestIssue>,
}

/// Parses `text`, applies it to a fresh cluster made from `config`, and advances the clock by
/// `settle_ms`. Any error — YAML, shape, validation, admission — comes back positioned; nothing
/// is half-applied.
pub fn load_cluster(text: &str, config: ClusterConfig, settle_ms: u64) -> Result<Loaded, ManifestError> {
    let objects = parse_manifests(text)?;
    let mut cluster = Cluster::new(config).map_err(|e| ManifestError {
        errors: alloc::vec![ManifestIssue {
            doc: 0,
            line: 1,
            column: 1,
            object: None,
            path: None,
            kind: IssueKind::Field(crate::error::FieldErrorKind::Invalid),
            message: alloc::format!("{e}"),
        }],
    })?;
    let batch = objects.iter().map(|m| m.object.clone()).collect();
    let mut report = match cluster.apply(batch) {
        Ok(report) => report,
        Err(ApplyError::Invalid(errors)) => return Err(locate_errors(&objects, text, &errors)),
        Err(other) => {
            return Err(ManifestError {
                errors: alloc::vec![ManifestIssue {
                    doc: 0,
                    line: 1,
                    column: 1,
                    object: None,
                    path: None,
                    kind: IssueKind::Field(crate::error::FieldErrorKind::Invalid),
                    message: alloc::format!("{other}"),
                }],
            })
        }
    };
    let settled = cluster.advance(settle_ms);
    report.events.extend(settled.events);
    report.warnings.extend(settled.warnings);
    let reference_warnings = super::locate_references(&objects, text, &report.references);
    Ok(Loaded {
        cluster,
        report,
        objects,
        reference_warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_is_all_or_nothing_and_positions_its_errors() {
        // (text, Ok(pods) or Err(line of the first issue))
        let svc_bad_port =
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: 70000\n";
        let cases: [(&str, Result<usize, usize>); 4] = [
            (crate::examples::STATEFULSET_YAML, Ok(4)),
            (crate::examples::NODEPORT_YAML, Ok(3)),
            (svc_bad_port, Err(6)),
            (
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n   b: c\n",
                Err(5),
            ),
        ];
        for (text, want) in cases {
            let got = load_cluster(text, ClusterConfig::default(), SETTLE_MS)
                .map(|l| l.cluster.list(crate::model::Kind::Pod, None).len())
                .map_err(|e| e.errors[0].line);
            assert_eq!(got, want, "{text}");
        }
    }
}
