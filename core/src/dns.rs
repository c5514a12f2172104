//! Cluster DNS, answered the way CoreDNS's `kubernetes` plugin answers it (SPEC §4).
//!
//! A lookup from a pod walks its resolver's search path (`ClusterFirst`: `<ns>.svc.<zone>`,
//! `svc.<zone>`, `<zone>`, `options ndots:5`) and every name tried is reported with its outcome,
//! so a trace can show why `db` from namespace `test` does not find `db` in `prod`.
//!
//! Records are read from Services and EndpointSlices, as CoreDNS reads them: a ClusterIP
//! Service answers its ClusterIP; a headless Service answers one A record per ready endpoint
//! (`ready` already honours `publishNotReadyAddresses`); endpoints with a hostname, and
//! StatefulSet pods through it, answer `<hostname>.<svc>.<ns>.svc.<zone>`; named ports answer
//! SRV; ExternalName answers a CNAME; `<a-b-c-d>.<ns>.pod.<zone>` answers `a.b.c.d`.

use crate::json::{FromJson, ToJson};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cluster::Cluster;
use crate::model::{EndpointSlice, Kind, Object, Service, ServiceType};
use crate::sort::SharedSort;

/// `options ndots:5` of the pod resolver.
pub const NDOTS: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
pub enum RecordType {
    A,
    #[serde(rename = "SRV")]
    Srv,
    #[serde(rename = "CNAME")]
    Cname,
}

/// One resource record.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Record {
    A {
        name: String,
        ip: String,
        source: RecordSource,
    },
    #[serde(rename = "CNAME")]
    Cname { name: String, target: String },
    #[serde(rename = "SRV")]
    Srv {
        name: String,
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
}

/// Which object a record comes from.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RecordSource {
    /// The Service's ClusterIP.
    ClusterIp { service: String },
    /// A ready endpoint of a headless Service.
    Endpoint {
        service: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pod: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hostname: Option<String>,
    },
    /// A `<a-b-c-d>.<ns>.pod` name; `pod` names the pod with that IP, if there is one.
    PodIp {
        #[serde(skip_serializing_if = "Option::is_none")]
        pod: Option<String>,
    },
}

/// What happened to one name the resolver tried.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Attempt {
    /// The cluster zone answered.
    Answered { fqdn: String },
    /// The name is in the cluster zone and nothing answers it.
    NxDomain { fqdn: String, why: NxReason },
    /// Outside the cluster zone: the upstream resolver would answer; kroute does not simulate
    /// the Internet.
    Upstream { fqdn: String },
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum NxReason {
    NoSuchService {
        service: String,
        namespace: String,
    },
    NoSuchNamespace {
        namespace: String,
    },
    /// A headless Service with no ready endpoint (SPEC §4: NXDOMAIN if none).
    NoReadyEndpoints {
        service: String,
    },
    NoSuchHostname {
        service: String,
        hostname: String,
    },
    NoSuchPort {
        service: String,
        port: String,
        protocol: String,
    },
    /// The record type does not exist for this name (an A query for an ExternalName answers
    /// with its CNAME instead, so this is only SRV on a name without named ports, and such).
    NoRecordOfType,
    NotAClusterName,
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct DnsAnswer {
    pub query: String,
    pub record_type: RecordType,
    /// The search path used (empty for an absolute name or a lookup from outside the cluster).
    pub search: Vec<String>,
    /// Every name tried, in order, until one answered.
    pub attempts: Vec<Attempt>,
    pub records: Vec<Record>,
}

impl DnsAnswer {
    /// The addresses of the A records (after following a CNAME inside the cluster).
    pub fn addresses(&self) -> Vec<&str> {
        self.records
            .iter()
            .filter_map(|r| match r {
                Record::A { ip, .. } => Some(ip.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Cluster {
    /// The `ClusterFirst` search path of a pod in `namespace`.
    pub fn dns_search_path(&self, namespace: &str) -> Vec<String> {
        let zone = &self.config.cluster_domain;
        alloc::vec![
            format!("{namespace}.svc.{zone}"),
            format!("svc.{zone}"),
            zone.clone()
        ]
    }

    /// Resolves `name` as a pod in `from_namespace` would (`None`: an absolute lookup, as from
    /// a node or a debugging tool).
    pub fn resolve(&self, name: &str, record_type: RecordType, from_namespace: Option<&str>) -> DnsAnswer {
        let query = name.trim().to_ascii_lowercase();
        let absolute = query.ends_with('.');
        let bare = query.trim_end_matches('.').to_string();
        let search = match from_namespace {
            Some(ns) if !absolute => self.dns_search_path(ns),
            _ => Vec::new(),
        };
        let mut candidates: Vec<String> = Vec::new();
        let dots = bare.matches('.').count();
        if search.is_empty() || dots >= NDOTS {
            candidates.push(bare.clone());
        }
        for domain in &search {
            candidates.push(format!("{bare}.{domain}"));
        }
        if !search.is_empty() && dots < NDOTS {
            candidates.push(bare.clone());
        }
        let mut answer = DnsAnswer {
            query: name.to_string(),
            record_type,
            search,
            attempts: Vec::new(),
            records: Vec::new(),
        };
        for fqdn in candidates {
            match self.lookup(&fqdn, record_type) {
                Lookup::Records(records) => {
                    answer.attempts.push(Attempt::Answered { fqdn });
                    answer.records = records;
                    break;
                }
                Lookup::Nx(why) => answer.attempts.push(Attempt::NxDomain { fqdn, why }),
                Lookup::Upstream => {
                    answer.attempts.push(Attempt::Upstream { fqdn });
                    break;
                }
            }
        }
        answer
    }

    fn lookup(&self, fqdn: &str, record_type: RecordType) -> Lookup {
        let zone = self.config.cluster_domain.to_ascii_lowercase();
        let Some(inner) = fqdn.strip_suffix(&zone).and_then(|s| s.strip_suffix('.')) else {
            return if fqdn == zone {
                Lookup::Nx(NxReason::NotAClusterName)
            } else {
                Lookup::Upstream
            };
        };
        let labels: Vec<&str> = inner.split('.').collect();
        match labels.as_slice() {
            [svc, ns, "svc"] => self.service_records(ns, svc, None, record_type, fqdn),
            [host, svc, ns, "svc"] if !host.starts_with('_') => {
                self.service_records(ns, svc, Some(host), record_type, fqdn)
            }
            [port, proto, svc, ns, "svc"] if port.starts_with('_') && proto.starts_with('_') => {
                if record_type != RecordType::Srv {
                    return Lookup::Nx(NxReason::NoRecordOfType);
                }
                self.srv_records(ns, svc, &port[1..], &proto[1..], fqdn)
            }
            [dashed, ns, "pod"] => self.pod_record(ns, dashed, record_type, fqdn),
            _ => Lookup::Nx(NxReason::NotAClusterName),
        }
    }

    fn service(&self, ns: &str, name: &str) -> Result<&Service, NxReason> {
        if self.get(Kind::Namespace, None, ns).is_none() {
            return Err(NxReason::NoSuchNamespace {
                namespace: ns.to_string(),
            });
        }
        match self.get(Kind::Service, Some(ns), name) {
            Some(Object::Service(s)) => Ok(s),
            _ => Err(NxReason::NoSuchService {
                service: name.to_string(),
                namespace: ns.to_string(),
            }),
        }
    }

    /// The EndpointSlices that belong to a Service (by the `kubernetes.io/service-name` label).
    pub fn service_slices(&self, namespace: &str, service: &str) -> Vec<&EndpointSlice> {
        self.list(Kind::EndpointSlice, Some(namespace))
            .into_iter()
            .filter_map(|o| match o {
                Object::EndpointSlice(s)
                    if s.metadata
                        .labels
                        .get("kubernetes.io/service-name")
                        .map(String::as_str)
                        == Some(service) =>
                {
                    Some(s)
                }
                _ => None,
            })
            .collect()
    }

    fn service_records(
        &self,
        ns: &str,
        name: &str,
        host: Option<&str>,
        ty: RecordType,
        fqdn: &str,
    ) -> Lookup {
        let svc = match self.service(ns, name) {
            Ok(s) => s,
            Err(why) => return Lookup::Nx(why),
        };
        if svc.service_type() == ServiceType::ExternalName && host.is_none() {
            let target = svc.spec.external_name.clone().unwrap_or_default();
            return Lookup::Records(alloc::vec![Record::Cname {
                name: fqdn.to_string(),
                target
            }]);
        }
        if ty == RecordType::Srv || ty == RecordType::Cname {
            return Lookup::Nx(NxReason::NoRecordOfType);
        }
        if !svc.is_headless() && host.is_none() {
            return match svc.spec.cluster_ip.as_deref() {
                Some(ip) if !ip.is_empty() => Lookup::Records(alloc::vec![Record::A {
                    name: fqdn.to_string(),
                    ip: ip.to_string(),
                    source: RecordSource::ClusterIp {
                        service: name.to_string()
                    },
                }]),
                _ => Lookup::Nx(NxReason::NoRecordOfType),
            };
        }
        let mut records = Vec::new();
        for slice in self.service_slices(ns, name) {
            for ep in &slice.endpoints {
                if ep.conditions.ready == Some(false) {
                    continue;
                }
                let Some(ip) = ep.addresses.first() else { continue };
                let matches_host = match host {
                    None => true,
                    Some(h) => ep.hostname.as_deref() == Some(h) || dashed(ip) == h,
                };
                if matches_host {
                    records.push(Record::A {
                        name: fqdn.to_string(),
                        ip: ip.clone(),
                        source: RecordSource::Endpoint {
                            service: name.to_string(),
                            pod: ep.target_ref.as_ref().map(|r| r.name.clone()),
                            hostname: ep.hostname.clone(),
                        },
                    });
                }
            }
        }
        if records.is_empty() {
            return Lookup::Nx(match host {
                Some(h) => NxReason::NoSuchHostname {
                    service: name.to_string(),
                    hostname: h.to_string(),
                },
                None => NxReason::NoReadyEndpoints {
                    service: name.to_string(),
                },
            });
        }
        records.stable_sort_by(|a, b| record_ip(a).cmp(record_ip(b)));
        Lookup::Records(records)
    }

    fn srv_records(&self, ns: &str, name: &str, port: &str, proto: &str, fqdn: &str) -> Lookup {
        let svc = match self.service(ns, name) {
            Ok(s) => s,
            Err(why) => return Lookup::Nx(why),
        };
        let zone = &self.config.cluster_domain;
        let svc_fqdn = format!("{name}.{ns}.svc.{zone}");
        let sp = svc.spec.ports.iter().find(|p| {
            p.name.as_deref() == Some(port)
                && p.protocol.as_deref().unwrap_or("TCP").eq_ignore_ascii_case(proto)
        });
        let Some(sp) = sp else {
            return Lookup::Nx(NxReason::NoSuchPort {
                service: name.to_string(),
                port: port.to_string(),
                protocol: proto.to_string(),
            });
        };
        if !svc.is_headless() {
            let port = u16::try_from(sp.port).unwrap_or(0);
            return Lookup::Records(alloc::vec![Record::Srv {
                name: fqdn.to_string(),
                priority: 0,
                weight: 100,
                port,
                target: svc_fqdn,
            }]);
        }
        let mut records = Vec::new();
        for slice in self.service_slices(ns, name) {
            let Some(ep_port) = slice
                .ports
                .iter()
                .find(|p| p.name.as_deref() == Some(port))
                .and_then(|p| p.port)
            else {
                continue;
            };
            for ep in slice
                .endpoints
                .iter()
                .filter(|e| e.conditions.ready != Some(false))
            {
                let Some(ip) = ep.addresses.first() else { continue };
                let host = ep.hostname.clone().unwrap_or_else(|| dashed(ip));
                records.push(Record::Srv {
                    name: fqdn.to_string(),
                    priority: 0,
                    weight: 100,
                    port: u16::try_from(ep_port).unwrap_or(0),
                    target: format!("{host}.{svc_fqdn}"),
                });
            }
        }
        if records.is_empty() {
            return Lookup::Nx(NxReason::NoReadyEndpoints {
                service: name.to_string(),
            });
        }
        records.stable_sort_by(|a, b| srv_target(a).cmp(srv_target(b)));
        Lookup::Records(records)
    }

    fn pod_record(&self, ns: &str, dashed_ip: &str, ty: RecordType, fqdn: &str) -> Lookup {
        if ty != RecordType::A {
            return Lookup::Nx(NxReason::NoRecordOfType);
        }
        let ip = dashed_ip.replace('-', ".");
        if ip.parse::<core::net::Ipv4Addr>().is_err() {
            return Lookup::Nx(NxReason::NotAClusterName);
        }
        if self.get(Kind::Namespace, None, ns).is_none() {
            return Lookup::Nx(NxReason::NoSuchNamespace {
                namespace: ns.to_string(),
            });
        }
        let pod = self.list(Kind::Pod, Some(ns)).into_iter().find_map(|o| match o {
            Object::Pod(p) if p.status.pod_ip.as_deref() == Some(ip.as_str()) => {
                Some(p.metadata.name.clone())
            }
            _ => None,
        });
        Lookup::Records(alloc::vec![Record::A {
            name: fqdn.to_string(),
            ip,
            source: RecordSource::PodIp { pod }
        }])
    }
}

enum Lookup {
    Records(Vec<Record>),
    Nx(NxReason),
    Upstream,
}

fn dashed(ip: &str) -> String {
    ip.replace('.', "-")
}

fn record_ip(r: &Record) -> &str {
    match r {
        Record::A { ip, .. } => ip,
        _ => "",
    }
}

fn srv_target(r: &Record) -> &str {
    match r {
        Record::Srv { target, .. } => target,
        _ => "",
    }
}
