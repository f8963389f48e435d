//! Convolution (`torch.convolution`): 1-D and 2-D, strided, padded (also asymmetrically, for
//! `padding='same'`), dilated, grouped, and transposed, as im2col + matrix products.
//!
//! The forward records one `ConvolutionBackward0` node, as PyTorch does. Outside a graph
//! (the forward itself, and a backward without `create_graph`) the three products run on the
//! per-image kernels of `backend::cpu::conv`; when they must be recorded they are composed of
//! differentiable ops (`unfold`, `fold`, `matmul`), so the gradients differentiate again.

use super::window::{fold4d, unfold4d};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record};
use crate::backend::cpu::conv::{conv2d_forward, conv2d_input_grad, conv2d_weight_grad, ConvShape};
use crate::backend::cpu::window::Window2d;
use crate::error::not_implemented;
use crate::{DType, Error, Result, Tensor};

/// Which product of a convolution to run on the kernels.
#[derive(Clone, Copy)]
enum Product {
    Forward,
    InputGrad,
    WeightGrad,
}

/// Runs `product` on the per-image kernels when nothing needs recording; `None` when the
/// operands require grad in grad mode (the caller composes differentiable ops instead).
/// `a` is the image-like operand (`x` or `dy`), `b` the other; `s` and `g` describe the
/// plain convolution.
fn kernel_product(
    product: Product,
    a: &Tensor,
    b: &Tensor,
    bias: Option<&Tensor>,
    s: ConvShape,
    g: &Window2d,
) -> Option<Tensor> {
    if needs_grad(&[a, b]) || bias.is_some_and(|t| needs_grad(&[t])) {
        return None;
    }
    let (a, b) = (a.contiguous(), b.contiguous());
    let bias = bias.map(Tensor::contiguous);
    macro_rules! run {
        ($T:ty) => {{
            a.with_slice(|da: &[$T], la| {
                b.with_slice(|db: &[$T], lb| {
                    let (da, db) = (&da[la.offset..la.offset + la.numel()], &db[lb.offset..lb.offset + lb.numel()]);
                    match product {
                        Product::Forward => {
                            let out = match &bias {
                                Some(t) => t.with_slice(|bt: &[$T], l| {
                                    conv2d_forward(da, db, Some(&bt[l.offset..l.offset + s.o]), s, g)
                                }),
                                None => conv2d_forward(da, db, None, s, g),
                            };
                            Tensor::from_aligned(out, &[s.n, s.o, g.output[0], g.output[1]])
                        }
                        Product::InputGrad => {
                            Tensor::from_aligned(conv2d_input_grad(da, db, s, g), &[s.n, s.c, g.input[0], g.input[1]])
                        }
                        Product::WeightGrad => Tensor::from_vec(
                            conv2d_weight_grad(da, db, s, g),
                            &[s.o, s.c / s.groups, g.kernel[0], g.kernel[1]],
                        ),
                    }
                })
            })
        }};
    }
    match a.dtype() {
        DType::F32 => Some(run!(f32)),
        DType::F64 => Some(run!(f64)),
        _ => None,
    }
}

/// Everything about a convolution but its tensors, in 2-D form (a 1-D convolution is a 2-D
/// one over planes of height 1).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConvParams {
    pub stride: [usize; 2],
    pub pad_before: [usize; 2],
    pub pad_after: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
    /// A transposed convolution (the adjoint of the plain one).
    pub transposed: bool,
    /// Extra size added to one side of a transposed convolution's output.
    pub output_padding: [usize; 2],
}

/// `y = conv(x, w) + b` on 4-D tensors: `x` `[n, c, h, w]`, `w` `[o, c / groups, kh, kw]`,
/// `b` `[o]`.
fn conv_forward(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, g: Window2d, groups: usize) -> Result<Tensor> {
    let (n, o) = (x.shape()[0], w.shape()[0]);
    let s = ConvShape { n, c: x.shape()[1], o, groups };
    if let Some(y) = kernel_product(Product::Forward, x, w, bias, s, &g) {
        return Ok(y);
    }
    let [oh, ow] = g.output();
    let cols = unfold4d(x, g)?; // [n, c * kh * kw, L]
    let k = cols.shape()[1] / groups;
    let cols = cols.reshape_usize(&[n, groups, k, oh * ow]);
    let wm = w.reshape_usize(&[groups, o / groups, k]);
    let y = wm.try_matmul(&cols)?.reshape_usize(&[n, o, oh, ow]);
    match bias {
        Some(b) => y.try_add(&b.reshape_usize(&[1, o, 1, 1])),
        None => Ok(y),
    }
}

/// The gradient of [`conv_forward`] with respect to `x`: `fold(wᵀ · dy)`. It is also the
/// forward of a transposed convolution.
fn conv_input_grad(dy: &Tensor, w: &Tensor, g: Window2d, groups: usize) -> Result<Tensor> {
    let (n, o) = (dy.shape()[0], w.shape()[0]);
    let cin = w.shape()[1] * groups;
    let s = ConvShape { n, c: cin, o, groups };
    if let Some(dx) = kernel_product(Product::InputGrad, dy, w, None, s, &g) {
        return Ok(dx);
    }
    let k = w.shape()[1] * g.taps();
    let [oh, ow] = g.output();
    let dy = dy.reshape_usize(&[n, groups, o / groups, oh * ow]);
    let wm = w.reshape_usize(&[groups, o / groups, k]);
    let cols = wm.transpose(-1, -2).try_matmul(&dy)?.reshape_usize(&[n, groups * k, oh * ow]);
    fold4d(&cols, cin, g)
}

/// The gradient of [`conv_forward`] with respect to `w`: `Σₙ dy · unfold(x)ᵀ`.
fn conv_weight_grad(dy: &Tensor, x: &Tensor, w_shape: &[usize], g: Window2d, groups: usize) -> Result<Tensor> {
    let (n, o) = (dy.shape()[0], w_shape[0]);
    let s = ConvShape { n, c: w_shape[1] * groups, o, groups };
    if let Some(dw) = kernel_product(Product::WeightGrad, dy, x, None, s, &g) {
        return Ok(dw);
    }
    let [oh, ow] = g.output();
    let k = w_shape[1] * g.taps();
    let cols = unfold4d(x, g)?.reshape_usize(&[n, groups, k, oh * ow]);
    let dy = dy.reshape_usize(&[n, groups, o / groups, oh * ow]);
    let gw = dy.try_matmul(&cols.transpose(-1, -2))?.try_sum_dim(&[0], false)?;
    Ok(gw.reshape_usize(w_shape))
}

/// Checks shapes and runs a convolution on `input` (`[n, c, *spatial]` or unbatched
/// `[c, *spatial]`, with one or two spatial dims) and `weight` (`[o, c / groups, *kernel]`,
/// or `[c, o / groups, *kernel]` when transposed). `op` names the function in messages.
pub(crate) fn convolution(
    op: &str,
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    p: &ConvParams,
) -> Result<Tensor> {
    let spatial = weight.dim().saturating_sub(2);
    let batched = input.dim() == spatial + 2;
    if !(1..=2).contains(&spatial) || !(batched || input.dim() == spatial + 1) {
        return Err(Error::Runtime(format!(
            "Expected {}D (unbatched) or {}D (batched) input to {op}, but got input of size: {:?}",
            spatial + 1,
            spatial + 2,
            input.shape()
        )));
    }
    // PyTorch's CPU kernel checks the weight's (then the bias's) dtype against the input's.
    for other in std::iter::once(weight).chain(bias) {
        if other.dtype() != input.dtype() {
            return Err(Error::Runtime(format!(
                "expected scalar type {} but found {}",
                input.dtype().scalar_name(),
                other.dtype().scalar_name()
            )));
        }
    }
    if !input.dtype().is_floating_point() {
        return Err(not_implemented("slow_conv2d_cpu", input.dtype()));
    }
    // Work on 4-D views: unbatched inputs gain a batch dim, 1-D ones a unit height.
    let x = if batched { input.clone() } else { input.unsqueeze(0) };
    let (x, w) = if spatial == 1 { (x.unsqueeze(2), weight.unsqueeze(2)) } else { (x, weight.clone()) };
    let (xs, ws) = (x.shape().to_vec(), w.shape().to_vec());
    let groups = p.groups;
    let in_channels = if p.transposed { ws[0] } else { ws[1] * groups };
    let out_channels = if p.transposed { ws[1] * groups } else { ws[0] };
    if groups == 0 {
        return Err(Error::Runtime("non-positive groups is not supported".into()));
    }
    if ws[0] % groups != 0 {
        return Err(Error::Runtime(format!(
            "Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size [{:?}] instead",
            weight.shape()
        )));
    }
    if xs[1] != in_channels {
        let expect = if p.transposed {
            format!(
                "Given transposed=1, weight of size {:?}, expected input{:?} to have {} channels",
                weight.shape(),
                input_shape_for_msg(input, batched),
                in_channels
            )
        } else {
            format!(
                "Given groups={groups}, weight of size {:?}, expected input{:?} to have {} channels",
                weight.shape(),
                input_shape_for_msg(input, batched),
                in_channels
            )
        };
        return Err(Error::Runtime(format!("{expect}, but got {} channels instead", xs[1])));
    }
    if let Some(b) = bias {
        if b.shape() != [out_channels] {
            return Err(Error::Runtime(format!(
                "Given weight of size {:?}, expected bias to be 1-dimensional with {out_channels} elements, but got bias of size {:?} instead",
                weight.shape(),
                b.shape()
            )));
        }
    }
    let kernel = [ws[2], ws[3]];
    let plane = [xs[2], xs[3]];
    let geom = if p.transposed {
        let (op, st, dl) = (p.output_padding, p.stride, p.dilation);
        if (0..2).any(|d| op[d] >= st[d] && op[d] >= dl[d]) {
            return Err(Error::Runtime(format!(
                "output padding must be smaller than either stride or dilation, but got output_padding_height: {} output_padding_width: {} stride_height: {} stride_width: {} dilation_height: {} dilation_width: {}",
                op[0], op[1], st[0], st[1], dl[0], dl[1]
            )));
        }
        // The plain convolution whose adjoint this is reads a plane of the output's size.
        let full: Vec<isize> = (0..2)
            .map(|d| {
                (plane[d] as isize - 1) * st[d] as isize - (p.pad_before[d] + p.pad_after[d]) as isize
                    + (dl[d] * (kernel[d] - 1)) as isize
                    + op[d] as isize
                    + 1
            })
            .collect();
        if full.iter().any(|&f| f <= 0) {
            return Err(Error::Runtime(format!(
                "Given input size per channel: {}. Calculated output size per channel: {}. Output size is too small",
                size_msg(&plane[2 - spatial..]),
                size_msg(&full[2 - spatial..])
            )));
        }
        // Its window count is this op's input size (output_padding may leave rows that no
        // window reaches: they get only the bias).
        let out = [full[0] as usize, full[1] as usize];
        Window2d { kernel, stride: st, pad_before: p.pad_before, dilation: dl, input: out, output: plane }
    } else {
        let Some(g) = Window2d::conv(kernel, p.stride, p.pad_before, p.pad_after, p.dilation, plane) else {
            let padded: Vec<usize> = (0..2).map(|d| plane[d] + p.pad_before[d] + p.pad_after[d]).collect();
            let eff: Vec<usize> = (0..2).map(|d| p.dilation[d] * (kernel[d] - 1) + 1).collect();
            return Err(Error::Runtime(format!(
                "Calculated padded input size per channel: {}. Kernel size: {}. Kernel size can't be greater than actual input size",
                size_msg(&padded[2 - spatial..]),
                size_msg(&eff[2 - spatial..])
            )));
        };
        g
    };

    let (xd, wd, bd) = (x.detach(), w.detach(), bias.map(Tensor::detach));
    let y = crate::no_grad(|| -> Result<Tensor> {
        if !p.transposed {
            return conv_forward(&xd, &wd, bd.as_ref(), geom, groups);
        }
        let y = conv_input_grad(&xd, &wd, geom, groups)?;
        match &bd {
            Some(b) => y.try_add(&b.reshape_usize(&[1, out_channels, 1, 1])),
            None => Ok(y),
        }
    })?;
    // Back to the caller's rank: drop the unit height, then the batch dim.
    let y = if spatial == 1 { y.squeeze_dim(2) } else { y };
    let y = if batched { y } else { y.squeeze_dim(0) };

    let mut inputs = vec![input, weight];
    inputs.extend(bias);
    if needs_grad(&inputs) {
        let (in_shape, w_shape) = (input.shape().to_vec(), weight.shape().to_vec());
        let transposed = p.transposed;
        let saved = vec![SavedTensor::input(input), SavedTensor::input(weight)];
        record("ConvolutionBackward0", &inputs, &[&y], saved, move |ctx| {
            let (x, w) = (&ctx.saved[0], &ctx.saved[1]);
            let as4d = |t: &Tensor, batched_t: bool| {
                let t = if batched_t { t.clone() } else { t.unsqueeze(0) };
                if spatial == 1 {
                    t.unsqueeze(2)
                } else {
                    t
                }
            };
            let (x4, w4, dy) = (as4d(x, batched), as4d(w, true), as4d(ctx.grad(), batched));
            let gx = if !ctx.needs(0) {
                None
            } else if transposed {
                Some(conv_forward(&dy, &w4, None, geom, groups)?)
            } else {
                Some(conv_input_grad(&dy, &w4, geom, groups)?)
            };
            let gw = if !ctx.needs(1) {
                None
            } else if transposed {
                // The transposed forward is conv_input_grad(x, w): its weight gradient pairs
                // the input with the unfolded output gradient.
                Some(conv_weight_grad(&x4, &dy, w4.shape(), geom, groups)?)
            } else {
                Some(conv_weight_grad(&dy, &x4, w4.shape(), geom, groups)?)
            };
            let mut grads = vec![gx.map(|g| g.reshape_usize(&in_shape)), gw.map(|g| g.reshape_usize(&w_shape))];
            if ctx.needs_input_grad.len() > 2 {
                // Spatial dims first: a contiguous inner sum, then a short one over the batch.
                grads.push(ctx.needs(2).then(|| dy.sum_dim(&[2, 3], false).sum_dim(&[0], false)));
            }
            Ok(grads)
        });
    }
    Ok(y)
}

/// The input's shape as PyTorch prints it in channel errors (batched form).
fn input_shape_for_msg(input: &Tensor, batched: bool) -> Vec<usize> {
    let mut s = input.shape().to_vec();
    if !batched {
        s.insert(0, 1);
    }
    s
}

/// `(2 x 2)` for two dims, `(2)` for one, as PyTorch's size messages print them.
fn size_msg<T: std::fmt::Display>(dims: &[T]) -> String {
    format!("({})", dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" x "))
}
