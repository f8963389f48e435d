//! Test helpers: the values recorded from real PyTorch.
//!
//! * `tests/fixtures/random.json`, written by `scripts/gen_random_fixtures.py`;
//! * `../shared/pytorch-golden.json`, the values `pytorch-semantics.md` quotes.

use std::sync::OnceLock;

use serde_json::Value;

/// The seeds every per-seed fixture case was recorded for.
pub(crate) const SEEDS: [u64; 3] = [0, 1, 42];

const FIXTURE_JSON: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/random.json"));

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| serde_json::from_str(FIXTURE_JSON).expect("tests/fixtures/random.json parses"))
}

/// The fixture's cases that are not per seed.
pub(crate) fn global() -> &'static Value {
    &fixture()["global"]
}

/// One per-seed case; each starts right after `torch.manual_seed(seed)`.
pub(crate) fn seed_case(seed: u64, name: &str) -> &'static Value {
    let v = &fixture()["seeds"][seed.to_string().as_str()][name];
    assert!(!v.is_null(), "fixture has no case {name:?} for seed {seed}");
    v
}

/// `../shared/pytorch-golden.json`.
pub(crate) fn golden() -> &'static Value {
    static G: OnceLock<Value> = OnceLock::new();
    G.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pytorch-golden.json");
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {path}: {e} (shared/ must sit beside the project)"));
        serde_json::from_str(&text).expect("pytorch-golden.json parses")
    })
}

fn parse_hex(v: &Value, digits: usize) -> Vec<u64> {
    let s = v.as_str().expect("hex string");
    assert_eq!(s.len() % digits, 0, "hex string length");
    (0..s.len() / digits)
        .map(|i| u64::from_str_radix(&s[i * digits..(i + 1) * digits], 16).expect("hex digits"))
        .collect()
}

/// Bytes of a hex string (the `get_rng_state()` cases).
pub(crate) fn hex_bytes(v: &Value) -> Vec<u8> {
    parse_hex(v, 2).into_iter().map(|b| b as u8).collect()
}

/// f32 values stored as concatenated 8-digit bit patterns.
pub(crate) fn f32_values(v: &Value) -> Vec<f32> {
    parse_hex(v, 8).into_iter().map(|b| f32::from_bits(b as u32)).collect()
}

/// f64 values stored as concatenated 16-digit bit patterns.
pub(crate) fn f64_values(v: &Value) -> Vec<f64> {
    parse_hex(v, 16).into_iter().map(f64::from_bits).collect()
}

/// A JSON list of integers.
pub(crate) fn ints(v: &Value) -> Vec<i64> {
    v.as_array().expect("integer list").iter().map(|x| x.as_i64().expect("i64")).collect()
}

/// The bit patterns of a golden entry `[values, ["0x...", ...]]`.
pub(crate) fn golden_f32_bits(key: &str) -> Vec<u32> {
    golden_hex(key).into_iter().map(|b| b as u32).collect()
}

/// The bit patterns of a golden entry `[values, ["0x...", ...]]` holding f64 values.
pub(crate) fn golden_f64_bits(key: &str) -> Vec<u64> {
    golden_hex(key)
}

fn golden_hex(key: &str) -> Vec<u64> {
    golden()[key][1]
        .as_array()
        .unwrap_or_else(|| panic!("golden entry {key:?}"))
        .iter()
        .map(|h| u64::from_str_radix(h.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .collect()
}

fn assert_bits_eq(got: &[u64], want: &[u64], width: usize, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let bad: Vec<usize> = (0..got.len()).filter(|&i| got[i] != want[i]).collect();
    if let Some(&i) = bad.first() {
        panic!(
            "{what}: {} of {} values differ; first at index {i}: got {:0width$x}, want {:0width$x}",
            bad.len(),
            got.len(),
            got[i],
            want[i],
        );
    }
}

/// Asserts `got` equals the hex-encoded f32 case bit for bit, reporting the first mismatch.
pub(crate) fn assert_f32_bits(got: &[f32], want: &Value, what: &str) {
    let got: Vec<u64> = got.iter().map(|x| u64::from(x.to_bits())).collect();
    assert_bits_eq(&got, &parse_hex(want, 8), 8, what);
}

/// Asserts `got` equals the hex-encoded f64 case bit for bit, reporting the first mismatch.
pub(crate) fn assert_f64_bits(got: &[f64], want: &Value, what: &str) {
    let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
    assert_bits_eq(&got, &parse_hex(want, 16), 16, what);
}
