//! Nested brackets, line wrapping and summarization (`_tensor_str_with_formatter`,
//! `_vector_str`, `get_summarized_data`).

use super::element::ElementFormatter;
use super::FormatOptions;

/// Flat indices of the elements a summarized print shows, in the order
/// `get_summarized_data` would produce them.
///
/// `offset` is the flat index of the sub-tensor's first element; the layout is
/// row-major and contiguous.
pub(super) fn summarized_indices(shape: &[usize], offset: usize, edge: usize, out: &mut Vec<usize>) {
    match shape {
        [] => out.push(offset),
        &[n] => {
            // `cat(self[:edge], self[-edge:])`; with edge == 0 the second
            // slice is `self[0:]`, the whole row.
            if edge > 0 && n > 2 * edge {
                out.extend(offset..offset + edge);
                out.extend(offset + n - edge..offset + n);
            } else {
                out.extend(offset..offset + n);
            }
        }
        &[n, ref rest @ ..] => {
            if edge == 0 {
                return; // `self.new_empty(...)`
            }
            let stride: usize = rest.iter().product();
            let rows: Vec<usize> = if n > 2 * edge { (0..edge).chain(n - edge..n).collect() } else { (0..n).collect() };
            for i in rows {
                summarized_indices(rest, offset + i * stride, edge, out);
            }
        }
    }
}

/// Renders the value part of a non-empty tensor.
pub(super) struct Layout<'a> {
    pub(super) formatter: &'a ElementFormatter<'a>,
    pub(super) opts: &'a FormatOptions,
    pub(super) summarize: bool,
}

impl Layout<'_> {
    /// The sub-tensor of `shape` starting at flat index `offset`, whose first
    /// line begins `indent` columns in.
    pub(super) fn tensor_str(&self, shape: &[usize], offset: usize, indent: usize) -> String {
        let (n, rest) = match shape {
            [] => return self.formatter.format(offset),
            &[n] => return self.vector_str(n, offset, indent),
            [n, rest @ ..] => (*n, rest),
        };
        let edge = self.opts.edgeitems;
        let stride: usize = rest.iter().product();
        let sub = |i: usize| self.tensor_str(rest, offset + i * stride, indent + 1);
        let slices: Vec<String> = if self.summarize && n > 2 * edge {
            (0..edge).map(sub).chain(std::iter::once("...".to_string())).chain((n - edge..n).map(sub)).collect()
        } else {
            (0..n).map(sub).collect()
        };
        // One newline per remaining dimension: blank lines between 3-D blocks.
        let sep = format!(",{}{}", "\n".repeat(shape.len() - 1), " ".repeat(indent + 1));
        format!("[{}]", slices.join(&sep))
    }

    fn vector_str(&self, n: usize, offset: usize, indent: usize) -> String {
        let edge = self.opts.edgeitems;
        // Each element takes its width plus ", ".
        let element_length = (self.formatter.width() + 2) as i64;
        let per_line = (self.opts.linewidth as i64 - indent as i64).div_euclid(element_length).max(1) as usize;
        let fmt = |i: usize| self.formatter.format(offset + i);
        let data: Vec<String> = if self.summarize && edge == 0 {
            vec!["...".to_string()]
        } else if self.summarize && n > 2 * edge {
            (0..edge).map(fmt).chain(std::iter::once(" ...".to_string())).chain((n - edge..n).map(fmt)).collect()
        } else {
            (0..n).map(fmt).collect()
        };
        let lines: Vec<String> = data.chunks(per_line).map(|c| c.join(", ")).collect();
        let sep = format!(",\n{}", " ".repeat(indent + 1));
        format!("[{}]", lines.join(&sep))
    }
}
