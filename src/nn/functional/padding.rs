//! `F::pad`: constant, reflect, replicate and circular padding of the last dims, with
//! PyTorch's argument checks, messages and gradient nodes.

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::ops::index::index_select_backward;
use crate::{Error, Result, Tensor};

/// How [`pad`] fills the new elements (`mode=` in `F.pad`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PadMode {
    /// A constant value (`'constant'`, the default); negative pads crop.
    Constant,
    /// The mirror image without the edge element (`'reflect'`): `[1, 2, 3]` padded by 2 on
    /// the left starts `3, 2, 1, ...`.
    Reflect,
    /// The edge element repeated (`'replicate'`).
    Replicate,
    /// Wrap-around: the other end of the dim (`'circular'`).
    Circular,
}

impl PadMode {
    fn name(self) -> &'static str {
        match self {
            PadMode::Constant => "constant",
            PadMode::Reflect => "reflect",
            PadMode::Replicate => "replicate",
            PadMode::Circular => "circular",
        }
    }
}

/// Pads the last `pad.len() / 2` dims of `input` (`torch.nn.functional.pad`). `pad` lists
/// (before, after) pairs starting from the last dim: `[left, right, top, bottom, ...]`.
/// `value` fills for [`PadMode::Constant`] (PyTorch's default `None` is 0); the other modes
/// pad 1 to 3 dims of an input with one or two more dims and take no value.
///
/// ```
/// use torchlight::nn::functional::{self as F, PadMode};
/// use torchlight::Tensor;
/// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[1, 3]);
/// assert_eq!(F::pad(&x, &[1, 2], PadMode::Constant, None).to_vec::<f32>(), vec![0.0, 1.0, 2.0, 3.0, 0.0, 0.0]);
/// assert_eq!(F::pad(&x, &[2, 1], PadMode::Reflect, None).to_vec::<f32>(), vec![3.0, 2.0, 1.0, 2.0, 3.0, 2.0]);
/// assert_eq!(F::pad(&x, &[1, 1], PadMode::Replicate, None).to_vec::<f32>(), vec![1.0, 1.0, 2.0, 3.0, 3.0]);
/// assert_eq!(F::pad(&x, &[1, 1], PadMode::Circular, None).to_vec::<f32>(), vec![3.0, 1.0, 2.0, 3.0, 1.0]);
/// ```
#[track_caller]
pub fn pad(input: &Tensor, pad: &[i64], mode: PadMode, value: Option<f64>) -> Tensor {
    unwrap(try_pad(input, pad, mode, value))
}

/// Fallible twin of [`pad`].
///
/// ```
/// use torchlight::nn::functional::{self as F, PadMode};
/// let e = F::try_pad(&torchlight::Tensor::ones(&[2, 3]), &[1], PadMode::Constant, None).unwrap_err();
/// assert_eq!(e.to_string(), "Padding length must be divisible by 2");
/// ```
pub fn try_pad(input: &Tensor, pad: &[i64], mode: PadMode, value: Option<f64>) -> Result<Tensor> {
    let ndim = input.dim();
    if pad.len() % 2 != 0 {
        return Err(Error::Runtime("Padding length must be divisible by 2".into()));
    }
    if pad.len() > ndim * 2 {
        return Err(Error::Runtime(format!(
            "Padding length should be less than or equal to two times the input dimension but got padding length {} \
             and input of dimension {ndim}",
            pad.len()
        )));
    }
    if mode == PadMode::Constant {
        return constant_pad(input, pad, value.unwrap_or(0.0));
    }
    if value.is_some_and(|v| v != 0.0) {
        return Err(Error::Runtime(format!("Padding mode \"{}\" doesn't take in value argument", mode.name())));
    }
    let dims = pad.len() / 2;
    if dims == 0 || dims > 3 || !(ndim == dims + 1 || ndim == dims + 2) {
        return Err(Error::NotImplemented(format!(
            "Padding size {} is not supported for {ndim}D input tensor.\nSupported combinations for non-constant \
             padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: padding size \
             = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)",
            pad.len()
        )));
    }
    if mode != PadMode::Circular {
        // Every dim but a batch dim must be non-empty.
        let batch = ndim == dims + 2;
        if input.shape().iter().enumerate().any(|(k, &s)| s == 0 && !(batch && k == 0)) {
            return Err(Error::Runtime(format!(
                "Expected {}D or {}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for \
                 input, but got: {:?}",
                dims + 1,
                dims + 2,
                input.shape()
            )));
        }
    }
    // The source index of every output position, per padded dim (last dim first, as `pad`).
    let mut plan = Vec::with_capacity(dims);
    for j in 0..dims {
        let d = ndim - 1 - j;
        let (before, after) = (pad[2 * j], pad[2 * j + 1]);
        let n = input.shape()[d] as i64;
        match mode {
            PadMode::Reflect if before >= n || after >= n => {
                // PyTorch numbers the pair as an argument of reflection_pad{1,2,3}d.
                return Err(Error::Runtime(format!(
                    "Argument #{}: Padding size should be less than the corresponding input dimension, but got: \
                     padding ({before}, {after}) at dimension {d} of input {:?}",
                    4 + 2 * j,
                    input.shape()
                )));
            }
            PadMode::Circular if before > n || after > n => {
                return Err(Error::Runtime("Padding value causes wrapping around more than once.".into()));
            }
            _ => {}
        }
        let len = n + before + after;
        let kept = n + before.min(0) + after.min(0);
        if mode == PadMode::Circular && len > 0 && kept <= 0 {
            // PyTorch reads uninitialised memory here; there is nothing left to wrap around.
            return Err(Error::Runtime(format!(
                "Padding ({before}, {after}) crops all {n} elements of dimension {d}, leaving nothing to wrap around"
            )));
        }
        if len < 0 || (len == 0 && mode != PadMode::Circular) {
            return Err(Error::Runtime(format!("input (W: {n}) is too small. Calculated output W: {len}")));
        }
        let idx: Vec<i64> = (0..len)
            .map(|o| {
                let i = o - before;
                match mode {
                    PadMode::Reflect => {
                        let i = i.abs();
                        if i >= n {
                            2 * (n - 1) - i
                        } else {
                            i
                        }
                    }
                    PadMode::Replicate => i.clamp(0, n - 1),
                    // PyTorch crops first, then wraps around what is left.
                    _ => (o - before.max(0)).rem_euclid(kept) - before.min(0),
                }
            })
            .collect();
        plan.push((d, Tensor::from_vec(idx, &[len as usize])));
    }
    let mut out = input.detach();
    let mut shapes = Vec::with_capacity(dims);
    crate::no_grad(|| -> Result<()> {
        for (d, idx) in &plan {
            shapes.push(out.shape().to_vec());
            out = out.try_index_select(*d as i64, idx)?;
        }
        Ok(())
    })?;
    if needs_grad(&[input]) {
        let node = match mode {
            PadMode::Reflect => ["ReflectionPad1DBackward0", "ReflectionPad2DBackward0", "ReflectionPad3DBackward0"],
            PadMode::Replicate => {
                ["ReplicationPad1DBackward0", "ReplicationPad2DBackward0", "ReplicationPad3DBackward0"]
            }
            _ => ["torch::autograd::CopySlices"; 3],
        }[dims - 1];
        record_unary(node, &[input], &out, [], move |ctx| {
            // Each output element's gradient goes back to the element it copies.
            let mut g = ctx.grad().clone();
            for ((d, idx), shape) in plan.iter().zip(&shapes).rev() {
                g = index_select_backward(&g, *d, idx, shape)?;
            }
            Ok(vec![Some(g)])
        });
    }
    Ok(out)
}

/// `constant_pad_nd`: negative pads crop first, then the result is `value` around the rest.
/// Its gradient is the same padding with the pads negated.
fn constant_pad(input: &Tensor, pad: &[i64], value: f64) -> Result<Tensor> {
    let ndim = input.dim();
    let mut cropped = input.detach();
    for (j, pair) in pad.chunks(2).enumerate() {
        let d = ndim - 1 - j;
        let n = cropped.shape()[d] as i64;
        let (start, len) = (-pair[0].min(0), n + pair[0].min(0) + pair[1].min(0));
        if len < 0 {
            return Err(Error::Runtime("narrow(): length must be non-negative.".into()));
        }
        cropped = cropped.try_narrow(d as i64, start, len as usize)?;
    }
    let mut shape = input.shape().to_vec();
    for (j, pair) in pad.chunks(2).enumerate() {
        let d = ndim - 1 - j;
        let new = input.shape()[d] as i64 + pair[0] + pair[1];
        if new < 0 {
            return Err(Error::Runtime(format!(
                "The input size {}, plus negative padding {} and {} resulted in a negative output size, which is \
                 invalid. Check dimension {d} of your input.",
                input.shape()[d],
                pair[0],
                pair[1]
            )));
        }
        shape[d] = new as usize;
    }
    let out = Tensor::full_dtype(&shape, value, input.dtype());
    crate::no_grad(|| -> Result<()> {
        let mut region = out.clone();
        for (j, pair) in pad.chunks(2).enumerate() {
            let d = ndim - 1 - j;
            region = region.try_narrow(d as i64, pair[0].max(0), cropped.shape()[d])?;
        }
        region.try_copy_(&cropped)?;
        Ok(())
    })?;
    if needs_grad(&[input]) {
        let back: Vec<i64> = pad.iter().map(|&p| -p).collect();
        record_unary("ConstantPadNdBackward0", &[input], &out, [], move |ctx| {
            Ok(vec![Some(constant_pad(ctx.grad(), &back, 0.0)?)])
        });
    }
    Ok(out)
}
