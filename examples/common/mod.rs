//! What the seed examples share: the `--seed N` argument and Python's float printing.
#![allow(dead_code)]

/// The value of `--seed N` (default 0), as the reference programs take `sys.argv[1]`.
pub fn seed_arg() -> u64 {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--seed") {
        Some(i) => args.get(i + 1).and_then(|s| s.parse().ok()).expect("usage: --seed N"),
        None => 0,
    }
}

/// Python's `str(float)`, so printed losses read exactly like the reference's.
pub fn py(v: f64) -> String {
    torchlight::format::python_repr(v)
}

pub mod classifier;
pub mod plot;

/// The value of `--name VALUE`, if given.
pub fn arg_value(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    Some(args.get(i + 1).cloned().unwrap_or_else(|| panic!("usage: {name} VALUE")))
}

/// Python's `f"{v:.3e}"` (`7.430e-07`): Rust writes the exponent without sign padding.
pub fn sci3(v: f64) -> String {
    let s = format!("{v:.3e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}
