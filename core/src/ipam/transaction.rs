//! All-or-nothing allocation: try several allocations, keep them all or none.
//!
//! Applying a batch of manifests may take a ClusterIP, several NodePorts and a LoadBalancer IP,
//! and a later object in the batch may still fail. Cloning an allocator to get a fallback copy
//! is too slow for a /12 (a 128 KiB bitmap per apply), so changes go through a [`Transaction`]
//! instead: it borrows the allocator, records each change in a journal, and on drop undoes
//! them in reverse order unless [`Transaction::commit`] was called. Rollback costs one bit flip
//! per change and leaves the bitmap and its per-band counts exactly as they were.
//!
//! A batch over several allocators holds one transaction per allocator and commits them all
//! once everything succeeded; returning early with `?` drops (rolls back) all of them:
//!
//! ```text
//! let mut ips = ipam.service_ips.begin();
//! let mut ports = ipam.node_ports.begin();
//! let ip = ips.allocate_next(&mut rng)?;
//! ports.allocate_specific(30080)?;        // fails → both transactions roll back
//! let port = ports.allocate_next(&mut rng)?;
//! ips.commit();
//! ports.commit();
//! ```
//!
//! The journal restores the allocator, not the caller's [`Rng`]: a caller that wants the whole
//! simulation back where it was also restores its generator (it is `Clone`).

use crate::json::ToJson;
use alloc::vec::Vec;
use core::ops::Deref;

use super::alloc_error::AllocError;
use super::band::DynamicPick;
use crate::rng::Rng;

/// What the allocators have in common, so one [`Transaction`] type serves them all.
pub trait Allocator {
    /// `Ipv4Addr` for IP allocators, `u16` for port allocators.
    type Value: Copy;

    /// Takes a value someone asked for.
    fn allocate_specific(&mut self, value: Self::Value) -> Result<(), AllocError>;

    /// Takes a free value the allocator chooses, saying how it chose.
    fn allocate_next_explained(&mut self, rng: &mut Rng) -> Result<DynamicPick<Self::Value>, AllocError>;

    /// Frees a value; `false` (and no change) if it was not allocated or is out of range, as
    /// upstream's `Release` is a no-op then.
    fn release(&mut self, value: Self::Value) -> bool;
}

/// One change made inside a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum Change<V> {
    Allocated(V),
    Released(V),
}

/// Changes to one allocator that are undone on drop unless committed. See the module doc.
#[must_use = "dropping a transaction rolls it back; call commit() to keep its changes"]
pub struct Transaction<'a, A: Allocator> {
    allocator: &'a mut A,
    journal: Vec<Change<A::Value>>,
}

impl<'a, A: Allocator> Transaction<'a, A> {
    pub fn new(allocator: &'a mut A) -> Self {
        Transaction {
            allocator,
            journal: Vec::new(),
        }
    }

    pub fn allocate_specific(&mut self, value: A::Value) -> Result<(), AllocError> {
        self.allocator.allocate_specific(value)?;
        self.journal.push(Change::Allocated(value));
        Ok(())
    }

    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<A::Value, AllocError> {
        self.allocate_next_explained(rng).map(|pick| pick.value)
    }

    pub fn allocate_next_explained(&mut self, rng: &mut Rng) -> Result<DynamicPick<A::Value>, AllocError> {
        let pick = self.allocator.allocate_next_explained(rng)?;
        self.journal.push(Change::Allocated(pick.value));
        Ok(pick)
    }

    /// Frees a value now (a later allocation in the same transaction may reuse it); rollback
    /// takes it back.
    pub fn release(&mut self, value: A::Value) -> bool {
        let released = self.allocator.release(value);
        if released {
            self.journal.push(Change::Released(value));
        }
        released
    }

    /// The changes so far, oldest first.
    pub fn changes(&self) -> &[Change<A::Value>] {
        &self.journal
    }

    /// Keeps every change and returns them, oldest first.
    pub fn commit(mut self) -> Vec<Change<A::Value>> {
        core::mem::take(&mut self.journal)
    }

    /// Undoes every change (the same as dropping the transaction; this spells it out).
    pub fn rollback(self) {}
}

impl<A: Allocator> Deref for Transaction<'_, A> {
    type Target = A;

    /// Read access to the allocator (counts, `is_allocated`, …) while the transaction is open.
    fn deref(&self) -> &A {
        self.allocator
    }
}

impl<A: Allocator> Drop for Transaction<'_, A> {
    fn drop(&mut self) {
        while let Some(change) = self.journal.pop() {
            match change {
                Change::Allocated(v) => {
                    self.allocator.release(v);
                }
                // It was allocated before the transaction released it, and the transaction
                // holds the only borrow, so taking it back cannot fail.
                Change::Released(v) => {
                    let _ = self.allocator.allocate_specific(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipam::{Band, IpAllocator, Ipv4Cidr, LbPool, PortAllocator, PortRange};
    use core::net::Ipv4Addr;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    /// One Service apply: a ClusterIP, two NodePorts, an LB IP; the second NodePort is taken,
    /// so the whole batch must leave no trace.
    fn apply_service(
        ips: &mut IpAllocator,
        ports: &mut PortAllocator,
        lb: &mut LbPool,
        wanted_node_port: u16,
        rng: &mut Rng,
    ) -> Result<(Ipv4Addr, u16, u16, Ipv4Addr), AllocError> {
        let mut ip_tx = ips.begin();
        let mut port_tx = ports.begin();
        let mut lb_tx = lb.begin();
        let cluster_ip = ip_tx.allocate_next(rng)?;
        let first = port_tx.allocate_next(rng)?;
        port_tx.allocate_specific(wanted_node_port)?;
        let lb_ip = lb_tx.allocate_next(rng)?;
        ip_tx.commit();
        port_tx.commit();
        lb_tx.commit();
        Ok((cluster_ip, first, wanted_node_port, lb_ip))
    }

    #[test]
    fn a_failed_batch_leaves_every_allocator_as_it_was() {
        let mut ips = IpAllocator::new(Ipv4Cidr::parse("10.96.0.0/24").unwrap()).unwrap();
        let mut ports = PortAllocator::new(PortRange::parse("30000-30099").unwrap());
        let mut lb = LbPool::default();
        ports.allocate_specific(30080).unwrap();
        let (ips0, ports0, lb0) = (ips.clone(), ports.clone(), lb.clone());

        let mut rng = Rng::new(1);
        let err = apply_service(&mut ips, &mut ports, &mut lb, 30080, &mut rng).unwrap_err();
        assert_eq!(
            err,
            AllocError::AlreadyAllocated {
                value: crate::ipam::AllocValue::Port(30080)
            }
        );
        assert_eq!((&ips, &ports, &lb), (&ips0, &ports0, &lb0));

        let (cluster_ip, first, second, lb_ip) =
            apply_service(&mut ips, &mut ports, &mut lb, 30081, &mut rng).unwrap();
        assert!(ips.is_allocated(cluster_ip) && ports.is_allocated(first) && ports.is_allocated(second));
        assert_eq!(lb_ip, ip("203.0.113.1"));
        assert_eq!((ips.used(), ports.used(), lb.used()), (1, 3, 1));
    }

    #[test]
    fn release_inside_a_transaction_is_undone_in_reverse_order() {
        let mut a = IpAllocator::new(Ipv4Cidr::parse("192.168.1.0/28").unwrap()).unwrap();
        a.allocate_specific(ip("192.168.1.5")).unwrap();
        let before = a.clone();
        let mut tx = a.begin();
        assert!(tx.release(ip("192.168.1.5")));
        assert!(!tx.release(ip("192.168.1.5")), "a second release changes nothing");
        tx.allocate_specific(ip("192.168.1.5")).unwrap(); // reuse inside the transaction
        tx.allocate_specific(ip("192.168.1.6")).unwrap();
        assert_eq!(tx.used(), 2, "reads go through to the allocator");
        assert_eq!(
            tx.changes(),
            &[
                Change::Released(ip("192.168.1.5")),
                Change::Allocated(ip("192.168.1.5")),
                Change::Allocated(ip("192.168.1.6"))
            ]
        );
        drop(tx);
        assert_eq!(a, before);
        assert_eq!((a.used_in(Band::Static), a.used_in(Band::Dynamic)), (0, 1));
    }

    #[test]
    fn commit_returns_the_changes_and_keeps_them() {
        let mut a = PortAllocator::default();
        let mut rng = Rng::new(4);
        let mut tx = a.begin();
        let p = tx.allocate_next(&mut rng).unwrap();
        tx.allocate_specific(30000).unwrap();
        let changes = tx.commit();
        assert_eq!(changes, [Change::Allocated(p), Change::Allocated(30000)]);
        assert!(a.is_allocated(p) && a.is_allocated(30000));
        assert_eq!(a.used_in(Band::Static), 1);
    }
}
