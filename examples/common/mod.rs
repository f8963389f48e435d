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

pub mod plot;

/// The value of `--name VALUE`, if given.
pub fn arg_value(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    Some(args.get(i + 1).cloned().unwrap_or_else(|| panic!("usage: {name} VALUE")))
}
