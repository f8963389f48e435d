//! The order of one epoch: torch's `SequentialSampler` / `RandomSampler` and `BatchSampler`,
//! with the same draws from the same generators at the same points.

use crate::random::{default_generator, randperm, Generator, RandomScalar};

/// `torch.empty((), dtype=torch.int64).random_(generator=g).item()`: one 64-bit draw taken
/// modulo 2^63.
pub(crate) fn draw_seed(generator: &Generator) -> i64 {
    i64::random_default(&mut generator.lock())
}

/// torch draws a base seed (for seeding its worker processes) from the loader's generator,
/// or the global one, every time an iterator is created, shuffled or not. torchlight's
/// workers are threads sharing one generator and have no use for it, but the draw is still
/// taken so that the global stream after `for batch in &loader` is torch's.
pub(crate) fn draw_base_seed(loader_generator: Option<&Generator>) {
    match loader_generator {
        Some(g) => draw_seed(g),
        None => draw_seed(&default_generator()),
    };
}

/// One epoch's sample order and the generator it was drawn from.
pub(crate) struct EpochOrder {
    pub(crate) indices: Vec<usize>,
    /// The loader's own generator when a shuffle drew from it (see [`EpochOrder::finish`]).
    explicit: Option<Generator>,
}

impl EpochOrder {
    /// `iter(sampler)` up to its first item. Without a generator, `RandomSampler` seeds a fresh
    /// `torch.Generator` with a seed drawn from the global generator, then permutes with it.
    pub(crate) fn draw(n: usize, shuffle: bool, loader_generator: Option<&Generator>) -> EpochOrder {
        if !shuffle {
            return EpochOrder { indices: (0..n).collect(), explicit: None };
        }
        let (generator, explicit) = match loader_generator {
            Some(g) => (g.clone(), Some(g.clone())),
            None => (Generator::with_seed(draw_seed(&default_generator()) as u64), None),
        };
        let indices = randperm(&mut generator.lock(), n).into_iter().map(|i| i as usize).collect();
        EpochOrder { indices, explicit }
    }

    /// The end of the epoch. `RandomSampler.__iter__` ends with
    /// `yield from torch.randperm(n, generator=generator).tolist()[:num_samples % n]`, which
    /// draws a whole second permutation and keeps none of it once the first is used up. That
    /// draw moves the loader's generator, so the next epoch's order depends on it; a private
    /// generator seeded from the global one is dropped instead, where the draw is unobservable.
    pub(crate) fn finish(self) {
        if let Some(g) = self.explicit {
            randperm(&mut g.lock(), self.indices.len());
        }
    }
}

/// `BatchSampler`: consecutive chunks of `batch_size`; with `drop_last` a short final chunk is
/// left out.
pub(crate) fn batches(indices: &[usize], batch_size: usize, drop_last: bool) -> Vec<Vec<usize>> {
    indices.chunks(batch_size).filter(|c| !drop_last || c.len() == batch_size).map(<[usize]>::to_vec).collect()
}

/// `len(loader)`: the number of batches in an epoch.
pub(crate) fn num_batches(n: usize, batch_size: usize, drop_last: bool) -> usize {
    if drop_last {
        n / batch_size
    } else {
        n.div_ceil(batch_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_match_their_count() {
        for n in 0..12 {
            for bs in 1..5 {
                for drop_last in [false, true] {
                    let idx: Vec<usize> = (0..n).collect();
                    assert_eq!(batches(&idx, bs, drop_last).len(), num_batches(n, bs, drop_last), "{n} {bs}");
                }
            }
        }
    }
}
