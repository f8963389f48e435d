//! Numbers in error messages as C++ `std::ostream` prints a double (`%g`).

/// `x` as `printf("%g")` writes it: 6 significant digits, trailing zeros
/// removed, exponent form below 1e-4 or from 1e6 on; `nan`, `inf`, `-0`.
pub fn format_g(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip_zeros(mantissa), exp.abs())
    } else {
        strip_zeros(&format!("{x:.*}", (5 - exp) as usize)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_g;

    #[test]
    fn matches_printf_g() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1"),
            (1.5, "1.5"),
            (-3.25, "-3.25"),
            (1e-7, "1e-07"),
            (123456789.0, "1.23457e+08"),
            (999999.4, "999999"),
            (999999.5, "1e+06"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (1e300, "1e+300"),
            (f64::NEG_INFINITY, "-inf"),
            (-0.0, "-0"),
            (100.0, "100"),
        ];
        for (x, want) in cases {
            assert_eq!(format_g(x), want, "{x:e}");
        }
    }
}
