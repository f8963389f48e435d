//! Python's `repr(float)`: the shortest decimal that round-trips, in Python's layout.

/// Formats `v` exactly as Python's `repr(v)` / `print(v)` does for a float.
///
/// ```
/// use torchlight::format::python_repr;
/// assert_eq!(python_repr(3238.30126953125), "3238.30126953125");
/// assert_eq!(python_repr(1.0), "1.0");
/// assert_eq!(python_repr(1e-5), "1e-05");
/// assert_eq!(python_repr(-2.5e16), "-2.5e+16");
/// assert_eq!(python_repr(0.0001), "0.0001");
/// assert_eq!(python_repr(184.501983642578125), "184.50198364257812");
/// ```
pub fn python_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e3".
    let shortest = format!("{v:e}");
    let n_digits = shortest.split_once('e').expect("exponent").0.chars().filter(|c| c.is_ascii_digit()).count();
    // The shortest digit count is right, but for 17 digits several strings round-trip and
    // Python picks the correctly rounded one: format again at that precision.
    let s = format!("{v:.*e}", n_digits.saturating_sub(1));
    let (mantissa, exp) = s.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let body = if exp >= 0 {
            if n > exp + 1 {
                format!("{}.{}", &digits[..(exp + 1) as usize], &digits[(exp + 1) as usize..])
            } else {
                format!("{}{}.0", digits, "0".repeat((exp + 1 - n) as usize))
            }
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{esign}{:02}", exp.abs())
    }
}
