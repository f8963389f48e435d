//! Numerical helpers of `nn::init`: `erf` (for `trunc_normal_`'s mass test), the truncated
//! normal samplers, and a Householder QR for `orthogonal_`.

use crate::random::default_generator;
use crate::{FloatElement, Result, Tensor};

/// The error function in f64, accurate to a few ulp: the Maclaurin series below 2.5, the
/// Laplace continued fraction of `erfc` above.
pub(super) fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let ax = x.abs();
    let r = if ax < 2.5 {
        // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
        let x2 = ax * ax;
        let (mut term, mut sum, mut n) = (ax, ax, 0.0f64);
        loop {
            n += 1.0;
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        sum * std::f64::consts::FRAC_2_SQRT_PI
    } else if ax > 6.0 {
        1.0
    } else {
        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), from the tail up.
        let mut f = ax;
        for k in (1..=60).rev() {
            f = ax + (k as f64) * 0.5 / f;
        }
        1.0 - (-ax * ax).exp() / (f * std::f64::consts::PI.sqrt())
    };
    if x < 0.0 {
        -r
    } else {
        r
    }
}

fn norm_cdf(x: f64) -> f64 {
    (1.0 + erf(x / 2f64.sqrt())) / 2.0
}

/// `nn.init._no_grad_trunc_normal_`, with PyTorch's draws: the elementwise steps run on the
/// host in the tensor's dtype, the random numbers come from the tensor fills.
pub(super) fn trunc_normal<T: FloatElement>(t: &Tensor, mean: f64, std: f64, a: f64, b: f64) -> Result<()> {
    if std == 0.0 {
        return Err(crate::Error::Value("float division by zero".into()));
    }
    let generator = default_generator();
    let shape = t.shape().to_vec();
    let scratch = || Tensor::empty_dtype(&shape, T::DTYPE);
    let p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std);
    if p > 0.3 {
        // Redraw the out-of-range values from the normal until none is left.
        let (lo, hi) = (T::from_f64(a), T::from_f64(b));
        t.try_normal_with(mean, std, &generator)?;
        let mut result = t.to_vec::<T>();
        let fresh = scratch();
        let mut changed = false;
        loop {
            let mask: Vec<bool> = result.iter().map(|&x| x < lo || x > hi).collect();
            if !mask.contains(&true) {
                break;
            }
            fresh.try_normal_with(mean, std, &generator)?;
            for ((r, f), m) in result.iter_mut().zip(fresh.to_vec::<T>()).zip(&mask) {
                if *m {
                    *r = f;
                }
            }
            changed = true;
        }
        if changed {
            t.try_copy_(&Tensor::from_vec(result, &shape))?;
        }
        return Ok(());
    }
    // Little mass in [a, b]: uniform candidates accepted with probability density/peak.
    let mode = a.max(mean.min(b));
    let z = (mode - mean) / std;
    let log_peak = -0.5 * (z * z);
    let (tm, ts, tp) = (T::from_f64(mean), T::from_f64(std), T::from_f64(log_peak));
    let log_density = |c: T| {
        let z = (c - tm) / ts;
        z * z * T::from_f64(-0.5) - tp
    };
    let accept = scratch();
    let draw_pending = |cands: &[T]| -> Result<Vec<bool>> {
        accept.try_uniform_with(0.0, 1.0, &generator)?;
        Ok(accept.to_vec::<T>().iter().zip(cands).map(|(&u, &c)| u.ln() > log_density(c)).collect())
    };
    t.try_uniform_with(a, b, &generator)?;
    let mut result = t.to_vec::<T>();
    let mut pending = draw_pending(&result)?;
    if !pending.contains(&true) {
        return Ok(());
    }
    let cand_t = scratch();
    loop {
        cand_t.try_uniform_with(a, b, &generator)?;
        let cands = cand_t.to_vec::<T>();
        for ((r, &c), &p) in result.iter_mut().zip(&cands).zip(&pending) {
            if p {
                *r = c;
            }
        }
        let again = draw_pending(&cands)?;
        for (p, q) in pending.iter_mut().zip(again) {
            *p = *p && q;
        }
        if !pending.contains(&true) {
            break;
        }
    }
    t.try_copy_(&Tensor::from_vec(result, &shape))
}

/// The transpose of a row-major `rows × cols` matrix.
pub(super) fn transpose(m: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut out = vec![0.0; m.len()];
    for i in 0..rows {
        for j in 0..cols {
            out[j * rows + i] = m[i * cols + j];
        }
    }
    out
}

/// The `Q` of the reduced QR factorisation of a row-major `m × n` matrix (`m ≥ n`), with each
/// column multiplied by the sign of `R`'s diagonal entry, which makes it unique whatever
/// the reflection signs (`orthogonal_`'s `q *= sign(diag(r))`).
pub(super) fn orthonormal_q(a: &[f64], m: usize, n: usize) -> Vec<f64> {
    debug_assert!(m >= n && a.len() == m * n);
    let mut r = a.to_vec();
    let mut reflectors: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n);
    for k in 0..n {
        // Householder vector v = x - alpha e1 with alpha = -sign(x0) |x|, which avoids cancellation.
        let x: Vec<f64> = (k..m).map(|i| r[i * n + k]).collect();
        let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        let alpha = if x[0] >= 0.0 { -norm } else { norm };
        let mut v = x;
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|e| e * e).sum();
        if vv > 0.0 {
            for j in k..n {
                let s: f64 = (k..m).map(|i| v[i - k] * r[i * n + j]).sum();
                let f = 2.0 * s / vv;
                for i in k..m {
                    r[i * n + j] -= f * v[i - k];
                }
            }
        }
        reflectors.push((v, vv));
    }
    // Q = H0 H1 ... H(n-1) applied to the first n columns of the identity.
    let mut q = vec![0.0; m * n];
    for j in 0..n {
        q[j * n + j] = 1.0;
    }
    for (k, (v, vv)) in reflectors.iter().enumerate().rev() {
        if *vv == 0.0 {
            continue;
        }
        for j in 0..n {
            let s: f64 = (k..m).map(|i| v[i - k] * q[i * n + j]).sum();
            let f = 2.0 * s / vv;
            for i in k..m {
                q[i * n + j] -= f * v[i - k];
            }
        }
    }
    for j in 0..n {
        let d = r[j * n + j];
        let sign = if d > 0.0 {
            1.0
        } else if d < 0.0 {
            -1.0
        } else {
            0.0
        };
        for i in 0..m {
            q[i * n + j] *= sign;
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        // Python's `math.erf` (glibc) at these points.
        let cases = [
            (0.5, 0.5204998778130465),
            (1.0, 0.8427007929497149),
            (2.0, 0.9953222650189527),
            (std::f64::consts::SQRT_2, 0.9544997361036416),
            (2.6, 0.9997639655834707),
            (3.0, 0.9999779095030014),
            (4.0, 0.9999999845827421),
        ];
        for (x, e) in cases {
            assert!((erf(x) - e).abs() < 2e-15, "erf({x}) = {} vs {e}", erf(x));
            assert!((erf(-x) + e).abs() < 2e-15);
        }
    }

    #[test]
    fn q_is_orthonormal_with_positive_r_diagonal() {
        let a = [2.0, -1.0, 0.5, 1.0, 3.0, -2.0, 0.0, 1.0, 1.0, -1.0, 2.0, 0.5];
        let q = orthonormal_q(&a, 4, 3);
        for i in 0..3 {
            for j in 0..3 {
                let dot: f64 = (0..4).map(|r| q[r * 3 + i] * q[r * 3 + j]).sum();
                assert!((dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        // R = Qᵀ A must be upper triangular with a positive diagonal.
        for i in 0..3 {
            for j in 0..3 {
                let rij: f64 = (0..4).map(|r| q[r * 3 + i] * a[r * 3 + j]).sum();
                if i > j {
                    assert!(rij.abs() < 1e-12);
                } else if i == j {
                    assert!(rij > 0.0);
                }
            }
        }
    }
}
