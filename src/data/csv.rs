//! Reader for numeric CSV files: every cell a number, every row the same length.
//!
//! ```
//! use torchlight::data::csv::{self, CsvOptions};
//! let t = csv::parse("x,y\n1,2\n3,4.5\n", &CsvOptions { header: true, ..Default::default() }).unwrap();
//! assert_eq!(t.shape(), &[2, 2]);
//! assert_eq!(t.to_vec::<f32>(), vec![1.0, 2.0, 3.0, 4.5]);
//! ```

use std::path::Path;

use crate::{DType, Element, Error, Result, Tensor};

/// How to read a CSV file.
///
/// ```
/// use torchlight::data::csv::CsvOptions;
/// let o = CsvOptions::default();
/// assert_eq!((o.delimiter, o.header, o.dtype), (',', false, torchlight::get_default_dtype()));
/// let tsv = CsvOptions { delimiter: '\t', header: true, dtype: torchlight::DType::F64 };
/// assert_eq!(tsv.delimiter, '\t');
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CsvOptions {
    /// The field separator (default `,`).
    pub delimiter: char,
    /// Skip the first line, which names the columns (default false).
    pub header: bool,
    /// float32, float64 or int64 (default: the default dtype, float32 unless changed).
    pub dtype: DType,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: ',', header: false, dtype: crate::get_default_dtype() }
    }
}

/// Reads a CSV file of numbers into a 2-d tensor `[rows, columns]`.
///
/// Cells are trimmed of spaces and may be wrapped in double quotes; blank lines are skipped;
/// `\r\n` line ends are accepted. Returns [`Error::Io`] when the file cannot be read and
/// [`Error::Format`] naming the file, the line (and column) and the problem for a cell that is
/// not a number, a row with a different number of fields than the first, text that is not
/// UTF-8, or a file without data rows.
///
/// ```
/// use torchlight::data::csv::{self, CsvOptions};
/// let path = std::env::temp_dir().join("torchlight-doc-table.csv");
/// std::fs::write(&path, "a;b\n1;2\n3;x\n").unwrap();
/// let err = csv::read(&path, &CsvOptions { delimiter: ';', header: true, ..Default::default() }).unwrap_err();
/// assert!(err.to_string().ends_with("line 3, column 2: cannot parse \"x\" as a number"));
/// ```
pub fn read(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Tensor> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|source| Error::Io { context: format!("reading CSV file {name}"), source })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Error::Format(format!("{name}: line {line}: not valid UTF-8 at byte offset {at}")));
        }
    };
    parse_named(text, options, &name)
}

/// Parses CSV text held in memory, like [`read`]; errors name the source `<string>`.
///
/// ```
/// use torchlight::data::csv::{self, CsvOptions};
/// let err = csv::parse("1,2\n3\n", &CsvOptions::default()).unwrap_err();
/// assert_eq!(err.to_string(), "<string>: line 2: expected 2 fields (as on line 1), found 1");
/// ```
pub fn parse(text: &str, options: &CsvOptions) -> Result<Tensor> {
    parse_named(text, options, "<string>")
}

fn parse_named(text: &str, options: &CsvOptions, name: &str) -> Result<Tensor> {
    match options.dtype {
        DType::F32 => parse_as::<f32>(text, options, name, |s| s.parse().ok()),
        DType::F64 => parse_as::<f64>(text, options, name, |s| s.parse().ok()),
        DType::I64 => parse_as::<i64>(text, options, name, |s| s.parse().ok()),
        other => Err(Error::Value(format!("csv: dtype must be float32, float64 or int64, got {other}"))),
    }
}

/// Parses every cell with `parse_cell` (the type's own parser, so each value is rounded once).
fn parse_as<T: Element>(
    text: &str,
    options: &CsvOptions,
    name: &str,
    parse_cell: impl Fn(&str) -> Option<T>,
) -> Result<Tensor> {
    let fail = |msg: String| Err(Error::Format(format!("{name}: {msg}")));
    let mut values = Vec::new();
    // The width and line number of the first data row, which every other row must match.
    let mut first: Option<(usize, usize)> = None;
    let mut rows = 0;
    let skip = usize::from(options.header);
    for (i, line) in text.lines().enumerate().skip(skip) {
        let lineno = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut width = 0;
        for (col, cell) in line.split(options.delimiter).enumerate() {
            let cell = cell.trim();
            let unquoted = cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(cell).trim();
            match parse_cell(unquoted) {
                Some(v) => values.push(v),
                None if unquoted.is_empty() => return fail(format!("line {lineno}, column {}: empty cell", col + 1)),
                None => {
                    return fail(format!("line {lineno}, column {}: cannot parse {unquoted:?} as a number", col + 1));
                }
            }
            width += 1;
        }
        match first {
            None => first = Some((width, lineno)),
            Some((w, at)) if w != width => {
                return fail(format!("line {lineno}: expected {w} fields (as on line {at}), found {width}"));
            }
            Some(_) => {}
        }
        rows += 1;
    }
    let Some((width, _)) = first else {
        return fail("no data rows".to_string());
    };
    Ok(Tensor::from_vec(values, &[rows, width]))
}
