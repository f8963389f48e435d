//! One lane of `log256_ps` and `sincos256_ps` from `aten/src/ATen/native/cpu/avx_mathfun.h`
//! (Cephes polynomials), as torch's AVX2 build computes them.
//!
//! Each step rounds exactly as the vector code does. Where GCC fused a multiply with the following
//! add into an FMA instruction, the code here uses `mul_add`; everywhere else it uses plain f32
//! operations, which Rust never contracts. That reproduces torch's float32 `randn` bit for bit.

/// `f32(2.0f * c10::pi<double>)`, the Box–Muller angle scale of the float32 fill path.
pub(crate) const TWO_PI_F32: f32 = f32::from_bits(0x40c9_0fdb);

const MIN_NORM_POS: f32 = f32::from_bits(0x0080_0000);
const SQRTHF: f32 = f32::from_bits(0x3f35_04f3);
const LOG_P: [f32; 9] = [
    f32::from_bits(0x3d90_21bb),
    f32::from_bits(0xbdeb_d1b8),
    f32::from_bits(0x3def_251a),
    f32::from_bits(0xbdfe_5d4f),
    f32::from_bits(0x3e11_e9bf),
    f32::from_bits(0xbe2a_ae50),
    f32::from_bits(0x3e4c_ceac),
    f32::from_bits(0xbe7f_fffc),
    f32::from_bits(0x3eaa_aaaa),
];
const LOG_Q1: f32 = f32::from_bits(0xb95e_8083);
const LOG_Q2: f32 = f32::from_bits(0x3f31_8000);

const FOPI: f32 = f32::from_bits(0x3fa2_f983);
const MINUS_DP1: f32 = f32::from_bits(0xbf49_0000);
const MINUS_DP2: f32 = f32::from_bits(0xb97d_a000);
const MINUS_DP3: f32 = f32::from_bits(0xb322_2169);
const SINCOF: [f32; 3] = [f32::from_bits(0xb94c_a1f9), f32::from_bits(0x3c08_839e), f32::from_bits(0xbe2a_aaa3)];
const COSCOF: [f32; 3] = [f32::from_bits(0x37cc_f5ce), f32::from_bits(0xbab6_061a), f32::from_bits(0x3d2a_aaa5)];

/// `_mm256_cvttps_epi32` on one lane: truncation, with 0x80000000 for NaN and out-of-range input.
#[inline(always)]
fn cvtt_f32_i32(v: f32) -> i32 {
    if v.is_nan() || !(-2_147_483_648.0..2_147_483_648.0).contains(&v) {
        i32::MIN
    } else {
        v as i32
    }
}

/// `_mm256_max_ps(a, b)` on one lane: `a > b ? a : b` (so a NaN `a` gives `b`).
#[inline(always)]
fn max_ps(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// Natural logarithm, one lane of `log256_ps`. Returns NaN (all bits set) for `x <= 0`.
///
/// ```
/// let l = torchlight::random::avx_log(0.5);
/// assert!((l - 0.5f32.ln()).abs() < 1e-7);
/// ```
pub fn avx_log(x: f32) -> f32 {
    let invalid = x <= 0.0;
    let x = max_ps(x, MIN_NORM_POS); // cut off denormals
    let bits = x.to_bits();
    let exponent = (bits >> 23) as i32 - 0x7f;
    let mut x = f32::from_bits((bits & !0x7f80_0000) | 0x3f00_0000); // mantissa in [0.5, 1)
    let mut e = exponent as f32 + 1.0;
    let below = x < SQRTHF;
    let tmp = if below { x } else { 0.0 };
    x -= 1.0;
    e -= if below { 1.0 } else { 0.0 };
    x += tmp;
    let z = x * x;
    let mut y = LOG_P[0];
    for &p in &LOG_P[1..] {
        y = y.mul_add(x, p);
    }
    y *= x;
    y = y.mul_add(z, e * LOG_Q1);
    y -= z * 0.5;
    x += y;
    x = e.mul_add(LOG_Q2, x);
    if invalid {
        f32::from_bits(u32::MAX)
    } else {
        x
    }
}

/// Sine and cosine, one lane of `sincos256_ps`. Returns `(sin x, cos x)`.
///
/// ```
/// let (s, c) = torchlight::random::avx_sincos(1.0);
/// assert!((s - 1f32.sin()).abs() < 1e-7 && (c - 1f32.cos()).abs() < 1e-7);
/// ```
pub fn avx_sincos(x: f32) -> (f32, f32) {
    let mut sign_sin = x.to_bits() & 0x8000_0000;
    let mut x = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    // j = (int(x * 4/pi) + 1) & ~1, the octant rounded to even
    let j = cvtt_f32_i32(x * FOPI).wrapping_add(1) & !1;
    let y = j as f32;
    let swap_sign_sin = ((j & 4) as u32) << 29;
    let poly_mask = (j & 2) == 0;
    // extended-precision modular arithmetic: x = ((x - y*DP1) - y*DP2) - y*DP3
    x = y.mul_add(MINUS_DP1, x);
    x = y.mul_add(MINUS_DP2, x);
    x = y.mul_add(MINUS_DP3, x);
    let sign_cos = ((!j.wrapping_sub(2) & 4) as u32) << 29;
    sign_sin ^= swap_sign_sin;

    let z = x * x;
    // cosine polynomial (0 <= x <= pi/4)
    let mut yc = COSCOF[0].mul_add(z, COSCOF[1]).mul_add(z, COSCOF[2]);
    yc *= z;
    yc = yc.mul_add(z, -(z * 0.5));
    yc += 1.0;
    // sine polynomial
    let mut ys = SINCOF[0].mul_add(z, SINCOF[1]).mul_add(z, SINCOF[2]);
    ys *= z;
    ys = ys.mul_add(x, x);

    // select with masks and adds exactly as the vector code (a -0.0 result becomes +0.0)
    let ysin2 = if poly_mask { ys } else { 0.0 };
    let ysin1 = if poly_mask { 0.0 } else { yc };
    let ys_rest = ys - ysin2;
    let yc_rest = yc - ysin1;
    let s = ysin1 + ysin2;
    let c = yc_rest + ys_rest;
    (f32::from_bits(s.to_bits() ^ sign_sin), f32::from_bits(c.to_bits() ^ sign_cos))
}

/// `NormalFill16<float, true>`: Box–Muller on 16 uniforms in place; element `j < 8` pairs with
/// `j + 8`. Uses the polynomial log/sincos above, not libm.
pub(crate) fn normal_fill_16_f32(d: &mut [f32], mean: f32, std: f32) {
    let (lo, hi) = d.split_at_mut(8);
    for (a, b) in lo.iter_mut().zip(&mut hi[..8]) {
        let u1 = 1.0f32 - *a;
        let u2 = *b;
        let radius = (-2.0f32 * avx_log(u1)).sqrt();
        let theta = TWO_PI_F32 * u2;
        let (s, c) = avx_sincos(theta);
        *a = (radius * c).mul_add(std, mean);
        *b = (radius * s).mul_add(std, mean);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_is_close_to_libm_over_the_uniform_range() {
        let mut worst = 0f64;
        for k in 1..=(1u32 << 12) {
            let x = k as f32 / 4096.0;
            let err = (f64::from(avx_log(x)) - f64::from(x).ln()).abs();
            worst = worst.max(err / f64::from(x).ln().abs().max(1e-3));
        }
        assert!(worst < 1e-6, "relative error {worst}");
        assert_eq!(avx_log(1.0), 0.0);
        assert!(avx_log(0.0).is_nan() && avx_log(-1.0).is_nan());
        assert!((avx_log(2f32.powi(-24)) - (-24.0 * std::f32::consts::LN_2)).abs() < 1e-5);
    }

    #[test]
    fn sincos_is_close_to_libm_over_one_turn() {
        for k in 0..4096 {
            let t = TWO_PI_F32 * (k as f32 / 4096.0);
            let (s, c) = avx_sincos(t);
            let (ws, wc) = f64::from(t).sin_cos();
            assert!((f64::from(s) - ws).abs() < 3e-7, "sin({t})");
            assert!((f64::from(c) - wc).abs() < 3e-7, "cos({t})");
        }
        let (s, c) = avx_sincos(-0.5);
        assert!(s < 0.0 && c > 0.0);
    }

    #[test]
    fn cvtt_saturates_like_cvttps2dq() {
        assert_eq!(cvtt_f32_i32(2.9), 2);
        assert_eq!(cvtt_f32_i32(-2.9), -2);
        assert_eq!(cvtt_f32_i32(3e9), i32::MIN);
        assert_eq!(cvtt_f32_i32(f32::NAN), i32::MIN);
    }
}
