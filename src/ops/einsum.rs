//! `einsum`: sums of products over labelled dims, written as PyTorch's equation strings.
//! As in PyTorch (without opt_einsum), the operands are contracted left to right, each pair
//! by one batched matrix product, after taking the diagonal of labels repeated within an
//! operand; a dim is summed as soon as no later operand and not the output needs it. The
//! gradient comes from the ops it is built of.

use crate::error::unwrap;
use crate::{Error, Result, Tensor};

/// One subscript of an operand: a letter, or `...`.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Sub {
    Label(u8),
    Ellipsis,
}

fn err(msg: String) -> Error {
    Error::Runtime(format!("einsum(): {msg}"))
}

/// Parses one comma-separated term. `start` is its offset in the equation and `who` names
/// it ("operand 0", "output"), for messages.
fn parse_term(term: &str, start: usize, who: &str) -> Result<Vec<Sub>> {
    let bytes = term.as_bytes();
    let mut subs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' => {}
            b'.' => {
                if subs.contains(&Sub::Ellipsis) {
                    return Err(err(format!("found '.' for {who} for which an ellipsis was already found")));
                }
                if bytes.get(i + 1) != Some(&b'.') || bytes.get(i + 2) != Some(&b'.') {
                    let hint = if who == "output" { " (...)" } else { "" };
                    return Err(err(format!("found '.' for {who} that is not part of any ellipsis{hint}")));
                }
                subs.push(Sub::Ellipsis);
                i += 2;
            }
            c if c.is_ascii_alphabetic() => subs.push(Sub::Label(c)),
            _ => {
                return Err(err(format!(
                    "invalid subscript given at index {} in the equation string, subscripts must be in [a-zA-Z]",
                    start + i
                )));
            }
        }
        i += 1;
    }
    Ok(subs)
}

/// Einstein summation (`torch.einsum`): `equation` names each operand's dims with letters
/// (`...` for any number of broadcast dims), separated by commas, optionally followed by
/// `->` and the output's letters. Without `->`, the output holds `...` and then the letters
/// that occur once, in alphabetical order. Letters absent from the output are summed over.
///
/// ```
/// use torchlight::{einsum, Tensor};
/// let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
/// let b = Tensor::from_vec(vec![5.0f32, 6.0, 7.0, 8.0], &[2, 2]);
/// assert_eq!(einsum("ij,jk->ik", &[&a, &b]).to_vec::<f32>(), a.matmul(&b).to_vec::<f32>());
/// assert_eq!(einsum("ii", &[&a]).item(), 5.0); // the trace
/// assert_eq!(einsum("ij->j", &[&a]).to_vec::<f32>(), vec![4.0, 6.0]);
/// ```
#[track_caller]
pub fn einsum(equation: &str, operands: &[&Tensor]) -> Tensor {
    unwrap(try_einsum(equation, operands))
}

/// Fallible twin of [`einsum`].
///
/// ```
/// let a = torchlight::Tensor::ones(&[2, 3]);
/// let e = torchlight::try_einsum("ijk", &[&a]).unwrap_err();
/// assert!(e.to_string().starts_with("einsum(): the number of subscripts in the equation (3)"));
/// ```
pub fn try_einsum(equation: &str, operands: &[&Tensor]) -> Result<Tensor> {
    if operands.is_empty() {
        return Err(Error::Value(
            "einsum(): must specify the equation string and at least one operand, or at least one operand and its \
             subscripts list"
                .into(),
        ));
    }
    let (lhs, rhs) = match equation.find("->") {
        Some(p) => (&equation[..p], Some((&equation[p + 2..], p + 2))),
        None => (equation, None),
    };
    let mut terms = Vec::new();
    let mut start = 0;
    for (i, term) in lhs.split(',').enumerate() {
        terms.push(parse_term(term, start, &format!("operand {i}"))?);
        start += term.len() + 1;
    }
    if terms.len() < operands.len() {
        return Err(err("more operands were provided than specified in the equation".into()));
    }
    if terms.len() > operands.len() {
        return Err(err("fewer operands were provided than specified in the equation".into()));
    }
    dtype_check(operands)?;

    // Each operand's ellipsis covers the dims its letters leave; the widest sets the count.
    let mut ell_dims = vec![0usize; operands.len()];
    for (i, (subs, t)) in terms.iter().zip(operands).enumerate() {
        let letters = subs.iter().filter(|s| **s != Sub::Ellipsis).count();
        let has_ell = subs.contains(&Sub::Ellipsis);
        if (!has_ell && letters != t.dim()) || (has_ell && letters > t.dim()) {
            let tail = if has_ell { "" } else { " and no ellipsis was given" };
            let cmp = if has_ell { "is more than" } else { "does not match" };
            return Err(err(format!(
                "the number of subscripts in the equation ({letters}) {cmp} the number of dimensions ({}) for \
                 operand {i}{tail}",
                t.dim()
            )));
        }
        ell_dims[i] = t.dim() - letters;
    }
    let ell = ell_dims.iter().copied().max().unwrap_or(0);
    let any_ell = terms.iter().any(|s| s.contains(&Sub::Ellipsis));

    // Letters by how often they occur, in PyTorch's label order (A-Z, then a-z: ASCII).
    let mut count = [0usize; 128];
    for s in terms.iter().flatten() {
        if let Sub::Label(c) = s {
            count[*c as usize] += 1;
        }
    }
    let output: Vec<Sub> = match rhs {
        Some((out, at)) => {
            let subs = parse_term(out, at, "output")?;
            for (k, s) in subs.iter().enumerate() {
                if let Sub::Label(c) = s {
                    if subs[..k].contains(s) {
                        return Err(err(format!(
                            "output subscript {} appears more than once in the output",
                            *c as char
                        )));
                    }
                    if count[*c as usize] == 0 {
                        return Err(err(format!(
                            "output subscript {} does not appear in the equation for any input operand",
                            *c as char
                        )));
                    }
                }
            }
            subs
        }
        None => {
            let once = (0u8..128).filter(|&c| count[c as usize] == 1).map(Sub::Label);
            (if any_ell { vec![Sub::Ellipsis] } else { vec![] }).into_iter().chain(once).collect()
        }
    };

    // The global dim order: the output's dims first (the ellipsis where the output puts
    // it), then the summed letters. Ellipsis dim `k` of `ell` is `Dim::Ell(k)`.
    #[derive(Clone, Copy, PartialEq)]
    enum Dim {
        Ell(usize),
        Label(u8),
    }
    let mut order: Vec<Dim> = Vec::new();
    for s in &output {
        match s {
            Sub::Ellipsis => order.extend((0..ell).map(Dim::Ell)),
            Sub::Label(c) => order.push(Dim::Label(*c)),
        }
    }
    if !output.contains(&Sub::Ellipsis) {
        // Broadcast dims not in the output are summed.
        order.extend((0..ell).map(Dim::Ell));
    }
    let out_dims = output.iter().map(|s| if *s == Sub::Ellipsis { ell } else { 1 }).sum::<usize>();
    order.extend((0u8..128).filter(|&c| count[c as usize] > 0 && !output.contains(&Sub::Label(c))).map(Dim::Label));

    // Each operand in the global order, with size 1 where it lacks a dim.
    let mut full = Vec::with_capacity(operands.len());
    for (i, (subs, t)) in terms.iter().zip(operands).enumerate() {
        let mut dims: Vec<Dim> = Vec::new();
        for s in subs {
            match s {
                Sub::Ellipsis => dims.extend((ell - ell_dims[i]..ell).map(Dim::Ell)),
                Sub::Label(c) => dims.push(Dim::Label(*c)),
            }
        }
        let mut x = (*t).clone();
        // A letter repeated within an operand picks its diagonal.
        while let Some((p, q)) =
            (0..dims.len()).find_map(|p| (p + 1..dims.len()).find(|&q| dims[q] == dims[p]).map(|q| (p, q)))
        {
            let (sp, sq) = (x.shape()[p], x.shape()[q]);
            if sp != sq {
                let Dim::Label(c) = dims[p] else { unreachable!("ellipsis dims are distinct") };
                return Err(err(format!(
                    "subscript {} is repeated for operand {i} but the sizes don't match, {sq} != {sp}",
                    c as char
                )));
            }
            x = x.try_diagonal(0, p as i64, q as i64)?;
            let d = dims.remove(q);
            dims.remove(p);
            dims.push(d);
        }
        let perm: Vec<i64> = order.iter().filter_map(|d| dims.iter().position(|e| e == d)).map(|p| p as i64).collect();
        let x = x.try_permute(&perm)?;
        let mut shape = Vec::with_capacity(order.len());
        let mut it = x.shape().iter();
        for d in &order {
            shape.push(if dims.contains(d) { *it.next().expect("one size per present dim") } else { 1 });
        }
        full.push(x.reshape_usize(&shape));
    }
    // Sizes must agree wherever two operands have a dim at a size other than 1.
    let mut seen = vec![1usize; order.len()];
    for (i, t) in full.iter().enumerate() {
        for (k, d) in order.iter().enumerate() {
            let size = t.shape()[k];
            if size != 1 && seen[k] != 1 && seen[k] != size {
                return Err(err(match d {
                    Dim::Label(c) => format!(
                        "subscript {} has size {size} for operand {i} which does not broadcast with previously seen \
                         size {}",
                        *c as char, seen[k]
                    ),
                    Dim::Ell(g) => format!(
                        "dimension {} covered by ellipsis in operand {i}has size {size} which does not broadcast with \
                         previously seen ellipsis with size {} for the respective dimension",
                        g - (ell - ell_dims[i]),
                        seen[k]
                    ),
                }));
            }
            if size != 1 {
                seen[k] = size;
            }
        }
    }
    // How many operands still have each summed dim at a size other than 1.
    let n = order.len();
    let mut live: Vec<usize> =
        (0..n).map(|k| if k < out_dims { 0 } else { full.iter().filter(|t| t.shape()[k] != 1).count() }).collect();
    let mut acc = full[0].clone();
    if full.len() == 1 {
        let sum: Vec<i64> = (out_dims..n).map(|k| k as i64).collect();
        if !sum.is_empty() {
            acc = acc.try_sum_dim(&sum, true)?;
        }
    }
    for b in &full[1..] {
        let mut b = b.clone();
        let mut sum_dims = Vec::new();
        for (k, live) in live.iter_mut().enumerate().skip(out_dims) {
            let (sa, sb) = (acc.shape()[k], b.shape()[k]);
            if sa != 1 && sb != 1 {
                *live -= 1;
                if *live == 1 {
                    sum_dims.push(k);
                    *live = 0;
                }
            } else if *live == 1 {
                // Only one side has it and nothing later does: sum it there first.
                if sa != 1 {
                    acc = acc.try_sum_dim(&[k as i64], true)?;
                    *live = 0;
                } else if sb != 1 {
                    b = b.try_sum_dim(&[k as i64], true)?;
                    *live = 0;
                }
            }
        }
        acc = if sum_dims.is_empty() { acc.try_mul(&b)? } else { sumproduct_pair(&acc, &b, &sum_dims)? };
    }
    // Drop the summed (now size 1) dims: the output's dims come first.
    let shape: Vec<usize> = acc.shape()[..out_dims].to_vec();
    Ok(acc.reshape_usize(&shape))
}

/// PyTorch's einsum refuses operands of different dtypes (its products need one dtype).
fn dtype_check(operands: &[&Tensor]) -> Result<()> {
    let first = operands[0].dtype();
    match operands.iter().find(|t| t.dtype() != first) {
        Some(t) => Err(Error::Runtime(format!(
            "expected scalar type {} but found {}",
            first.scalar_name(),
            t.dtype().scalar_name()
        ))),
        None => Ok(()),
    }
}

/// The product of `a` and `b` (same rank, broadcastable sizes) summed over `sum` (dims
/// where both have the same size), as one batched matrix product. The result keeps every
/// dim, with size 1 at the summed ones.
fn sumproduct_pair(a: &Tensor, b: &Tensor, sum: &[usize]) -> Result<Tensor> {
    let n = a.dim();
    let (sa, sb) = (a.shape(), b.shape());
    // Batch: both have it; left/right: one side only; the rest are 1 on both sides.
    let (mut batch, mut left, mut right) = (Vec::new(), Vec::new(), Vec::new());
    for k in (0..n).filter(|k| !sum.contains(k)) {
        match (sa[k] != 1, sb[k] != 1) {
            (true, true) => batch.push(k),
            (true, false) => left.push(k),
            (false, true) => right.push(k),
            (false, false) => {}
        }
    }
    let size = |s: &[usize], dims: &[usize]| dims.iter().map(|&k| s[k]).product::<usize>();
    let ones: Vec<usize> = (0..n).filter(|k| !sum.contains(k) && sa[*k] == 1 && sb[*k] == 1).collect();
    let perm = |dims: &[&[usize]]| dims.concat().iter().map(|&k| k as i64).collect::<Vec<i64>>();
    let (nb, nl, nr, ns) = (size(sa, &batch), size(sa, &left), size(sb, &right), size(sa, sum));
    let a3 = a.try_permute(&perm(&[&batch, &left, sum, &right, &ones]))?.reshape_usize(&[nb, nl, ns]);
    let b3 = b.try_permute(&perm(&[&batch, sum, &right, &left, &ones]))?.reshape_usize(&[nb, ns, nr]);
    let prod = a3.try_bmm(&b3)?;
    // Back to every dim in order: batch, left, right sizes, then 1 for the others.
    let mut shape: Vec<usize> = batch.iter().map(|&k| sa[k]).collect();
    shape.extend(left.iter().map(|&k| sa[k]));
    shape.extend(right.iter().map(|&k| sb[k]));
    let placed: Vec<usize> = [batch.as_slice(), &left, &right].concat();
    shape.extend(std::iter::repeat_n(1, n - placed.len()));
    let rest: Vec<usize> = (0..n).filter(|k| !placed.contains(k)).collect();
    let from: Vec<usize> = [placed.as_slice(), &rest].concat();
    let mut inverse = vec![0i64; n];
    for (pos, &k) in from.iter().enumerate() {
        inverse[k] = pos as i64;
    }
    prod.reshape_usize(&shape).try_permute(&inverse)
}
