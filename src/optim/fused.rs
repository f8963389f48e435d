//! Single-pass optimizer updates.
//!
//! PyTorch's single-tensor Adam runs about eight elementwise ops per parameter, each a full
//! pass over memory, two of them allocating. Here each element of the parameter, its
//! gradient and its state is read once and written once, computing the same per-element
//! rounding as those ops in the same order (the element rules are the ops' own:
//! `lerp_fn`, `addcmul_elem`, `addcdiv_elem`), so the results are bit-identical to the
//! op-by-op path, which stays the fallback for layouts the fused loop does not take.

use crate::ops::pointwise::{addcdiv_elem, addcmul_elem, lerp_fn};
use crate::ops::GRAIN_SIZE;
use crate::{DType, Element, FloatElement, Tensor};

/// Runs `f(param, grad, [state_0, ...])` over the tensors' elements as slices (whole, or in
/// two halves on two threads), updating in place. Returns false, touching nothing, unless every tensor is contiguous with the
/// parameter's shape and dtype `T` and no two share storage; the caller then takes the
/// op-by-op path. Bumps the version counters of the parameter and states, as the in-place
/// ops do.
fn for_each_element<T: Element, const N: usize>(
    param: &Tensor,
    grad: &Tensor,
    state: [&Tensor; N],
    f: impl Fn(&mut [T], &[T], [&mut [T]; N]) + Sync,
) -> bool {
    // Inline storage: this runs for every parameter at every step.
    let all: smallvec::SmallVec<[&Tensor; 5]> = [param, grad].into_iter().chain(state).collect();
    let fits = |t: &&Tensor| t.dtype() == T::DTYPE && t.is_contiguous() && t.shape() == param.shape();
    if !all.iter().all(fits) {
        return false;
    }
    for (i, a) in all.iter().enumerate() {
        if all[i + 1..].iter().any(|b| a.shares_storage(b)) {
            return false;
        }
    }
    let n = param.numel();
    {
        let g_guard = grad.0.storage.read();
        let g = &T::slice(&g_guard)[grad.0.layout.offset..][..n];
        let mut p_guard = param.0.storage.write();
        let p = &mut T::slice_mut(&mut p_guard)[param.0.layout.offset..][..n];
        let mut s_guards = state.map(|t| t.0.storage.write());
        let mut s_iter = s_guards.iter_mut().zip(state);
        let s: [&mut [T]; N] = std::array::from_fn(|_| {
            let (guard, t) = s_iter.next().expect("one guard per state tensor");
            &mut T::slice_mut(guard)[t.0.layout.offset..][..n]
        });
        let run = &f;
        if n >= GRAIN_SIZE && crate::get_num_threads() > 1 {
            // Two halves on two threads: the update is memory-bound, so finer splits only
            // add scheduling.
            let mid = n / 2;
            let (p0, p1) = p.split_at_mut(mid);
            let (g0, g1) = g.split_at(mid);
            let mut s0: [&mut [T]; N] = std::array::from_fn(|_| &mut [][..]);
            let mut s1: [&mut [T]; N] = std::array::from_fn(|_| &mut [][..]);
            for (k, x) in s.into_iter().enumerate() {
                (s0[k], s1[k]) = x.split_at_mut(mid);
            }
            crate::threads::install(|| rayon::join(|| run(p0, g0, s0), || run(p1, g1, s1)));
        } else {
            run(p, g, s);
        }
    }
    for t in [param].into_iter().chain(state) {
        t.0.storage.bump_version();
    }
    true
}

/// The per-step scalars of one Adam update, as `_single_tensor_adam` computes them in
/// Python floats.
pub(crate) struct AdamStep {
    /// `1 - beta1`, the weight of `exp_avg.lerp_(grad, 1 - beta1)`.
    pub lerp_weight: f64,
    /// `beta2`.
    pub beta2: f64,
    /// `1 - beta2`.
    pub one_minus_beta2: f64,
    /// `lr / bias_correction1`.
    pub step_size: f64,
    /// `bias_correction2 ** 0.5`.
    pub bias_correction2_sqrt: f64,
    /// `eps`.
    pub eps: f64,
    /// The gradient is negated first (`maximize=True`).
    pub maximize: bool,
    /// Weight decay through the gradient (`grad.add(param, alpha=wd)`), when not 0.
    pub coupled_decay: f64,
    /// Decoupled weight decay factor (`param.mul_(1 - lr * wd)`), when not 1.
    pub decoupled_factor: f64,
}

/// The tensors one Adam update reads and writes; `max_exp_avg_sq` is given with AMSGrad.
pub(crate) struct AdamTensors<'a> {
    pub param: &'a Tensor,
    pub grad: &'a Tensor,
    pub exp_avg: &'a Tensor,
    pub exp_avg_sq: &'a Tensor,
    pub max_exp_avg_sq: Option<&'a Tensor>,
}

/// One Adam update of `t.param` in a single pass; false if the layouts need the op-by-op path.
pub(crate) fn adam(t: &AdamTensors, k: &AdamStep) -> bool {
    match t.param.dtype() {
        DType::F32 => adam_typed::<f32>(t, k),
        DType::F64 => adam_typed::<f64>(t, k),
        _ => false,
    }
}

fn adam_typed<T: FloatElement>(t: &AdamTensors, k: &AdamStep) -> bool {
    // One loop per combination of options, so that each is branch-free and vectorises.
    match (k.maximize, k.coupled_decay != 0.0, k.decoupled_factor != 1.0) {
        (false, false, false) => adam_loop::<T, false, false, false>(t, k),
        (false, true, _) => adam_loop::<T, false, true, false>(t, k),
        (false, false, true) => adam_loop::<T, false, false, true>(t, k),
        (true, false, false) => adam_loop::<T, true, false, false>(t, k),
        (true, true, _) => adam_loop::<T, true, true, false>(t, k),
        (true, false, true) => adam_loop::<T, true, false, true>(t, k),
    }
}

fn adam_loop<T: FloatElement, const MAXIMIZE: bool, const COUPLED: bool, const DECOUPLED: bool>(
    t: &AdamTensors,
    k: &AdamStep,
) -> bool {
    // Python numbers meet float tensors as the tensor's dtype, as in the ops.
    let c = |v: f64| T::from_f64(v);
    let lerp = lerp_fn::<T>(k.lerp_weight);
    let (beta2, one_minus_beta2, bc2_sqrt, eps) =
        (c(k.beta2), c(k.one_minus_beta2), c(k.bias_correction2_sqrt), c(k.eps));
    let (neg_step_size, coupled, decoupled) = (c(-k.step_size), c(k.coupled_decay), c(k.decoupled_factor));
    // Everything up to the second moment, shared by the two variants; returns the gradient.
    let moments = move |p: &mut T, g: T, m: &mut T, v: &mut T| {
        let mut g = if MAXIMIZE { -g } else { g };
        if DECOUPLED {
            *p = *p * decoupled;
        }
        if COUPLED {
            g = p.mul_add(coupled, g);
        }
        *m = lerp(*m, g);
        *v = addcmul_elem(one_minus_beta2, *v * beta2, g, g);
    };
    let finish = move |p: &mut T, m: T, second: T| {
        let denom = second.sqrt() / bc2_sqrt + eps;
        *p = addcdiv_elem(neg_step_size, *p, m, denom);
    };
    match t.max_exp_avg_sq {
        None => for_each_element::<T, 2>(t.param, t.grad, [t.exp_avg, t.exp_avg_sq], |p, g, [m, v]| {
            for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                moments(p, g, m, v);
                finish(p, *m, *v);
            }
        }),
        Some(max) => for_each_element::<T, 3>(t.param, t.grad, [t.exp_avg, t.exp_avg_sq, max], |p, g, [m, v, mx]| {
            for ((((p, &g), m), v), mx) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()).zip(mx.iter_mut()) {
                moments(p, g, m, v);
                // torch.maximum: NaN wins, from either side.
                #[allow(clippy::eq_op)]
                let nan = |x: T| x != x;
                *mx = if nan(*mx) || (!nan(*v) && *mx > *v) { *mx } else { *v };
                finish(p, *m, *mx);
            }
        }),
    }
}
