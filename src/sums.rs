//! Sums of weights per id over a fixed range of ids, for the few ids a
//! round touches: a term's impacts per document in the search export, a
//! question's shared-token weights per other question in the related
//! questions. A dense array with the ids touched since the last drain: no
//! hashing, and a drain costs what was touched, not the whole range.

/// Weights summed per id for the ids that have one. An id's first weight
/// is taken as it is and the rest are added in the order they come, so
/// the sums are the same floats as any sum in that order.
pub struct SparseSums {
    sums: Vec<f32>,
    seen: Vec<bool>,
    touched: Vec<u32>,
}

impl SparseSums {
    /// Sums for the ids `0..n_ids`; others are ignored.
    pub fn new(n_ids: usize) -> Self {
        SparseSums {
            sums: vec![0.0; n_ids],
            seen: vec![false; n_ids],
            touched: Vec::new(),
        }
    }

    pub fn add(&mut self, id: u32, weight: f32) {
        let i = id as usize;
        if let (Some(sum), Some(seen)) = (self.sums.get_mut(i), self.seen.get_mut(i)) {
            if *seen {
                *sum += weight;
            } else {
                *seen = true;
                *sum = weight;
                self.touched.push(id);
            }
        }
    }

    /// Every touched id's sum into `out` (emptied first), ids ascending,
    /// and starts over. The stable sort merges the ascending runs a term's
    /// documents come in, in the export (one per field and segment); a
    /// quicksort was slower there.
    pub fn drain_into(&mut self, out: &mut Vec<(u32, f32)>) {
        self.touched.sort();
        out.clear();
        for &id in &self.touched {
            let i = id as usize;
            if let (Some(sum), Some(seen)) = (self.sums.get(i), self.seen.get_mut(i)) {
                out.push((id, *sum));
                *seen = false;
            }
        }
        self.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::SparseSums;

    #[test]
    fn sums_per_id_in_order_and_starts_over() {
        let mut s = SparseSums::new(10);
        for (id, w) in [(7, 1.5), (2, 0.25), (7, 2.0), (11, 9.0), (2, 0.0)] {
            s.add(id, w);
        }
        let mut out = Vec::new();
        s.drain_into(&mut out);
        // Id 11 is out of range; a weight of 0 still counts as touched.
        assert_eq!(out, vec![(2, 0.25), (7, 3.5)]);
        s.add(3, 1.0);
        s.drain_into(&mut out);
        assert_eq!(out, vec![(3, 1.0)]);
    }
}
