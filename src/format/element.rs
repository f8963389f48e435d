//! Per-element formatting: torch's `_Formatter` and Python's float format specs.

use super::{FormatOptions, FormatValues};

/// Chooses one notation and width for all shown elements, then formats each.
pub(super) struct ElementFormatter<'a> {
    values: FormatValues<'a>,
    precision: usize,
    int_mode: bool,
    sci_mode: bool,
    max_width: usize,
}

impl<'a> ElementFormatter<'a> {
    /// Inspect the elements at `shown` (flat indices into `values`).
    pub(super) fn new(values: FormatValues<'a>, shown: &[usize], opts: &FormatOptions) -> Self {
        let mut f =
            ElementFormatter { values, precision: opts.precision, int_mode: true, sci_mode: false, max_width: 1 };
        match values {
            FormatValues::I64(v) => {
                for &i in shown {
                    f.max_width = f.max_width.max(v[i].to_string().len());
                }
            }
            FormatValues::Bool(v) => {
                for &i in shown {
                    f.max_width = f.max_width.max(bool_str(v[i]).len());
                }
            }
            FormatValues::F32(_) | FormatValues::F64(_) => f.inspect_floats(shown, opts),
        }
        f
    }

    fn inspect_floats(&mut self, shown: &[usize], opts: &FormatOptions) {
        let nonzero_finite: Vec<f64> =
            shown.iter().map(|&i| self.float(i)).filter(|x| x.is_finite() && *x != 0.0).collect();
        if nonzero_finite.is_empty() {
            return;
        }
        let abs = nonzero_finite.iter().map(|x| x.abs());
        let min = abs.clone().fold(f64::INFINITY, f64::min);
        let max = abs.fold(0.0, f64::max);
        self.int_mode = nonzero_finite.iter().all(|x| *x == x.ceil());
        self.sci_mode = opts.sci_mode.unwrap_or(max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4);
        for &x in &nonzero_finite {
            let len = if self.sci_mode {
                py_sci(x, self.precision).len()
            } else if self.int_mode {
                // Room for the trailing "." that marks a float.
                py_fixed(x, 0).len() + 1
            } else {
                py_fixed(x, self.precision).len()
            };
            self.max_width = self.max_width.max(len);
        }
    }

    fn float(&self, i: usize) -> f64 {
        match self.values {
            FormatValues::F32(v) => f64::from(v[i]),
            FormatValues::F64(v) => v[i],
            FormatValues::I64(_) | FormatValues::Bool(_) => unreachable!("not a float tensor"),
        }
    }

    /// Width every element is padded to (`_Formatter.width`).
    pub(super) fn width(&self) -> usize {
        self.max_width
    }

    /// The element at flat index `i`, right-aligned to [`Self::width`].
    pub(super) fn format(&self, i: usize) -> String {
        let s = match self.values {
            FormatValues::I64(v) => v[i].to_string(),
            FormatValues::Bool(v) => bool_str(v[i]).to_string(),
            FormatValues::F32(_) | FormatValues::F64(_) => {
                let x = self.float(i);
                if self.sci_mode {
                    py_sci(x, self.precision)
                } else if self.int_mode {
                    let mut s = py_fixed(x, 0);
                    if x.is_finite() {
                        s.push('.');
                    }
                    s
                } else {
                    py_fixed(x, self.precision)
                }
            }
        };
        let pad = self.max_width.saturating_sub(s.len());
        " ".repeat(pad) + &s
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Python's non-finite spellings (`nan` never shows a sign).
fn py_non_finite(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("nan".to_string())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "inf" } else { "-inf" }.to_string())
    } else {
        None
    }
}

/// Python's `'{:.Nf}'.format(x)`. Rust's `{:.N}` rounds the exact binary
/// value half-to-even, like Python, and keeps the sign of `-0.0`.
pub(super) fn py_fixed(x: f64, precision: usize) -> String {
    py_non_finite(x).unwrap_or_else(|| format!("{x:.precision$}"))
}

/// Python's `'{:.Ne}'.format(x)`: Rust's mantissa with a signed exponent of
/// at least two digits (`1.0000e-05`, `1.0000e+100`).
pub(super) fn py_sci(x: f64, precision: usize) -> String {
    if let Some(s) = py_non_finite(x) {
        return s;
    }
    let s = format!("{x:.precision$e}");
    let (mantissa, exp) = s.split_once('e').expect("`{:e}` output has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}
