//! Reading the PyTorch fixture files under `tests/fixtures/` in unit tests.
//!
//! The files are written by `scripts/gen_*_fixtures.py`. Float results are
//! stored as hex bit patterns; long outputs as a digest (`len`, the first 16
//! values and an FNV-1a hash of all bit patterns, or the exact sum for
//! integers).

use serde_json::Value;

/// Parses `tests/fixtures/{name}`.
pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A `"0x..."` bit pattern.
pub fn hex(v: &Value) -> u64 {
    let s = v.as_str().expect("hex string");
    u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex bits")
}

/// A float argument stored as Python's `repr` (read back exactly).
pub fn float_arg(v: &Value) -> f64 {
    match v.as_str().expect("repr string") {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" => f64::NAN,
        s => s.parse().expect("float repr"),
    }
}

/// FNV-1a over 64-bit words, as the fixture scripts compute it.
pub fn fnv1a(words: impl IntoIterator<Item = u64>) -> u64 {
    words.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, w| (h ^ w).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Checks float results given as bit patterns against a fixture `out` entry.
pub fn check_bits(out: &Value, got: &[u64], what: &str) {
    if let Some(all) = out.get("bits") {
        let want: Vec<u64> = all.as_array().unwrap().iter().map(hex).collect();
        assert_eq!(got.len(), want.len(), "{what}: length");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{what}: element {i}: got {g:#x}, torch {w:#x}");
        }
        return;
    }
    assert_eq!(got.len() as u64, out["len"].as_u64().unwrap(), "{what}: length");
    for (i, w) in out["head"].as_array().unwrap().iter().enumerate() {
        assert_eq!(got[i], hex(w), "{what}: element {i}");
    }
    assert_eq!(fnv1a(got.iter().copied()), hex(&out["fnv1a"]), "{what}: hash of all bits");
}

/// Checks integer results against a fixture `out` entry.
pub fn check_ints(out: &Value, got: &[i64], what: &str) {
    let parse = |v: &Value| -> i64 { v.as_str().unwrap().parse().unwrap() };
    if let Some(all) = out.get("bits") {
        let want: Vec<i64> = all.as_array().unwrap().iter().map(parse).collect();
        assert_eq!(got, &want[..], "{what}");
        return;
    }
    assert_eq!(got.len() as u64, out["len"].as_u64().unwrap(), "{what}: length");
    let head: Vec<i64> = out["head"].as_array().unwrap().iter().map(parse).collect();
    assert_eq!(&got[..head.len()], &head[..], "{what}: head");
    let sum: i128 = got.iter().map(|&v| v as i128).sum();
    assert_eq!(sum.to_string(), out["sum"].as_str().unwrap(), "{what}: sum");
}
