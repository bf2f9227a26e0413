//! The findings of one rule on one report, as its evaluator lists them.
//!
//! A large table's loop is split into parts evaluated in parallel, each listing its own
//! findings. Appending each part's vector to the rule's copied every finding once more, on
//! one core, after the parts were done: on a million rows with 20 000 findings, 9 MB of
//! fresh memory and a tail of the run with the other core idle. The list keeps each part's
//! vector as it is, and the run's list ([`super::Outcome::findings`]) takes them in order.

use crate::finding::Finding;

/// Findings per vector once a list is long: about 450 KB, which the allocator maps and gives
/// back on its own (with 256, peak memory of a million-row run rose by 8 MB).
const CHUNK: usize = 1024;

#[derive(Debug, Default)]
pub(super) struct FindingList {
    /// Vectors taken whole (the parts'), in order, all before `last`.
    taken: Vec<Vec<Finding>>,
    /// How many findings `taken` holds.
    taken_len: usize,
    /// Findings pushed one by one since the last vector taken.
    last: Vec<Finding>,
}

impl FindingList {
    pub fn len(&self) -> usize {
        self.taken_len + self.last.len()
    }

    /// Listed after the others. A full vector of [`CHUNK`] findings is set aside whole and a
    /// new one begun, rather than grown: growing copied every finding again at each doubling,
    /// into fresh memory (a fifth of a million-row run's page faults).
    pub fn push(&mut self, f: Finding) {
        if self.last.len() >= CHUNK && self.last.len() == self.last.capacity() {
            self.taken_len += self.last.len();
            let full = std::mem::replace(&mut self.last, Vec::with_capacity(CHUNK));
            self.taken.push(full);
        }
        self.last.push(f);
    }

    /// The finding at `i`, in the order listed.
    pub fn get(&self, i: usize) -> Option<&Finding> {
        match i.checked_sub(self.taken_len) {
            Some(j) => self.last.get(j),
            None => self.place(i).and_then(|(v, j)| self.taken.get(v)?.get(j)),
        }
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut Finding> {
        match i.checked_sub(self.taken_len) {
            Some(j) => self.last.get_mut(j),
            None => {
                let (v, j) = self.place(i)?;
                self.taken.get_mut(v)?.get_mut(j)
            }
        }
    }

    /// Which vector of `taken` holds finding `i`, and where in it.
    fn place(&self, mut i: usize) -> Option<(usize, usize)> {
        for (v, taken) in self.taken.iter().enumerate() {
            if i < taken.len() {
                return Some((v, i));
            }
            i -= taken.len();
        }
        None
    }

    /// The first `room` findings of `other` after these, each of its vectors taken whole.
    pub fn take(&mut self, other: FindingList, mut room: usize) {
        for mut v in other.into_vecs() {
            if room == 0 {
                break;
            }
            v.truncate(room);
            room -= v.len();
            if !self.last.is_empty() {
                self.taken_len += self.last.len();
                self.taken.push(std::mem::take(&mut self.last));
            }
            self.taken_len += v.len();
            self.taken.push(v);
        }
    }

    /// The first `room` findings moved to the end of `out`. An empty `out` takes the first
    /// vector as it is, with room made at once for `total` findings in all.
    pub fn move_into(self, out: &mut Vec<Finding>, mut room: usize, total: usize) {
        for mut v in self.into_vecs() {
            if room == 0 {
                break;
            }
            v.truncate(room);
            room -= v.len();
            if out.is_empty() {
                *out = v;
                out.reserve_exact(total.saturating_sub(out.len()));
            } else {
                out.append(&mut v);
            }
        }
    }

    /// The findings' vectors in order, none empty.
    fn into_vecs(self) -> impl Iterator<Item = Vec<Finding>> {
        self.taken
            .into_iter()
            .chain(std::iter::once(self.last))
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(n: usize) -> Finding {
        let mut f = crate::finding::Finding::for_tests();
        f.line = n;
        f
    }

    fn lines(v: &[Finding]) -> Vec<usize> {
        v.iter().map(|f| f.line).collect()
    }

    #[test]
    fn findings_keep_their_order_through_parts_and_caps() {
        let part = |from: usize, n: usize| {
            let mut l = FindingList::default();
            (from..from + n).for_each(|i| l.push(finding(i)));
            l
        };
        let mut list = part(0, 2);
        list.take(part(2, 3), 10);
        list.push(finding(5));
        list.take(FindingList::default(), 10);
        list.take(part(6, 4), 2);
        assert_eq!(list.len(), 8);
        assert_eq!(list.get(3).map(|f| f.line), Some(3));
        assert_eq!(list.get(5).map(|f| f.line), Some(5));
        assert_eq!(list.get(7).map(|f| f.line), Some(7));
        assert!(list.get(8).is_none());
        if let Some(f) = list.get_mut(4) {
            f.line = 40;
        }
        let mut out = Vec::new();
        list.move_into(&mut out, 6, 100);
        assert_eq!(lines(&out), [0, 1, 2, 3, 40, 5]);
        assert!(out.capacity() >= 100);
        part(100, 3).move_into(&mut out, 2, 0);
        assert_eq!(lines(&out), [0, 1, 2, 3, 40, 5, 100, 101]);
    }

    #[test]
    fn a_long_list_is_kept_in_whole_vectors_in_order() {
        let mut list = FindingList::default();
        let n = 3 * CHUNK + 7;
        for i in 0..n {
            list.push(finding(i));
            // The finding just pushed is where `len` said it would be.
            assert_eq!(list.get(i).map(|f| f.line), Some(i));
        }
        assert!(list.taken.len() >= 2, "set aside in chunks, not grown");
        assert!(list.taken.iter().all(|v| v.capacity() == v.len()));
        assert_eq!(list.get(CHUNK).map(|f| f.line), Some(CHUNK));
        if let Some(f) = list.get_mut(CHUNK + 1) {
            f.line = 0;
        }
        let mut out = Vec::new();
        list.move_into(&mut out, n - 1, n);
        let want: Vec<usize> = (0..n - 1)
            .map(|i| if i == CHUNK + 1 { 0 } else { i })
            .collect();
        assert_eq!(lines(&out), want);
    }
}
