//! PyTorch's CPU random number generation, bit for bit.
//!
//! `manual_seed(s)` followed by the same sequence of random ops gives exactly the values
//! PyTorch 2.15 gives on an x86-64 CPU with AVX2 (the float32 `randn` fill path reproduces
//! torch's AVX2 polynomial kernel, which also runs on AVX-512 CPUs).
//!
//! * [`Mt19937`] is the engine, [`GeneratorState`] the engine plus seed and Box–Muller cache,
//!   [`Generator`] a shared, lockable handle (`torch.Generator`), and [`default_generator`]
//!   the process-wide one that [`manual_seed`] seeds.
//! * The kernels take the locked `&mut GeneratorState` and a mutable slice holding the
//!   tensor's elements in **storage order** (the order torch's `TensorIterator` visits them):
//!   [`uniform_f32`], [`normal_f32`], [`random_range`], [`randperm`], [`bernoulli_scalar`], ...
//!   Argument checks that torch does before its kernels (`from <= to`, `std >= 0`,
//!   `0 <= p <= 1`) are the caller's.
//! * [`Generator::get_state`] / [`Generator::set_state`] use `torch.get_rng_state()`'s
//!   5056-byte layout, so states move between torch and torchlight.
//!
//! Float64 normals and the scalar normal path call the platform libm (`log`, `log1p`, `sin`,
//! `cos`), as torch does; on Linux both use glibc. Dropout masks follow torch's non-MKL kernel
//! (AMD CPUs, non-MKL builds); MKL builds on Intel CPUs draw different masks.
//!
//! ```
//! use torchlight::random::{normal_f32, Generator};
//! let g = Generator::with_seed(0);
//! let mut x = vec![0f32; 5];
//! normal_f32(&mut g.lock(), &mut x, 0.0, 1.0, true);
//! // torch.manual_seed(0); torch.randn(5)
//! assert_eq!(x, [1.5409961, -0.2934289, -2.1787894, 0.56843126, -1.0845224]);
//! ```

mod avx_mathfun;
mod bernoulli;
mod generator;
mod global;
mod integer;
mod mt19937;
mod normal;
mod randperm;
mod state_bytes;
mod uniform;

#[cfg(test)]
mod fixtures;

pub use avx_mathfun::{avx_log, avx_sincos};
pub use bernoulli::{
    bernoulli_scalar, bernoulli_scalar_f32, bernoulli_scalar_f64, bernoulli_tensor_f32, bernoulli_tensor_f64,
};
pub use generator::{Generator, GeneratorState, DEFAULT_RNG_SEED};
pub use global::{default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state};
pub use integer::{
    random_default, random_from_range, random_full_range, random_range, random_range_i64, update_from, update_to,
    RandomFloat, RandomScalar, RANDOM64_THRESHOLD,
};
pub use mt19937::{Mt19937, MT_STATE_N};
pub use normal::{normal_f32, normal_f64, normal_fill_f32, normal_fill_f64, sample_normal, NORMAL_FILL_MIN_NUMEL};
pub use randperm::{randperm, RANDPERM_SMALL_LIMIT};
pub use state_bytes::{RngStateError, RNG_STATE_SIZE};
pub use uniform::{uniform_f32, uniform_f64, unit_f32, unit_f64};
