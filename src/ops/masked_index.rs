//! Selection by a bool mask: `where` (an elementwise choice between two operands) and
//! `masked_select` (the masked elements as a 1-D tensor), each with its gradient.

use super::binary::Operand;
use super::promote::result_type;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::strided::{broadcast_strides, walk};
use crate::error::unwrap;
use crate::tensor::layout::{broadcast_shapes, contiguous_strides};
use crate::{dispatch, DType, Element, Error, Result, Scalar, Tensor};

/// `torch.where(condition, x, y)`: `x` where `condition` is true, else `y`, broadcast
/// together; `x` and `y` may be tensors or numbers and are promoted as a binary op's
/// operands. The free-function form of [`Tensor::where_cond`].
///
/// ```
/// use torchlight::{where_, Tensor};
/// let c = Tensor::from_slice(&[true, false, true]);
/// let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
/// assert_eq!(where_(&c, &x, 0.0).to_vec::<f32>(), vec![1.0, 0.0, 3.0]);
/// assert_eq!(where_(&c, 1, 2).to_vec::<i64>(), vec![1, 2, 1]);
/// ```
#[track_caller]
pub fn where_<'a, 'b>(condition: &Tensor, x: impl Into<Operand<'a>>, y: impl Into<Operand<'b>>) -> Tensor {
    unwrap(try_where(condition, x, y))
}

/// Fallible twin of [`where_`].
///
/// ```
/// use torchlight::{try_where, Tensor};
/// let err = try_where(&Tensor::from_slice(&[1i64]), 1.0, 2.0).unwrap_err();
/// assert!(err.to_string().starts_with("where expected condition to be a boolean tensor"));
/// ```
pub fn try_where<'a, 'b>(condition: &Tensor, x: impl Into<Operand<'a>>, y: impl Into<Operand<'b>>) -> Result<Tensor> {
    let (x, y) = (x.into(), y.into());
    if condition.dtype() != DType::Bool {
        return Err(Error::Runtime(format!(
            "where expected condition to be a boolean tensor, but got a tensor with dtype {}",
            condition.dtype().scalar_name()
        )));
    }
    let dtype = result_type(&[x, y]);
    let shape = broadcast_shapes(&broadcast_shapes(condition.shape(), x.shape())?, y.shape())?;
    let operand = |o: Operand| match o {
        Operand::Tensor(t) => t.detach().to_dtype(dtype),
        Operand::Scalar(s) => Tensor::full_dtype(&[], s, dtype),
    };
    let (xt, yt) = (operand(x), operand(y));
    let out = dispatch!(dtype, T => where_kernel::<T>(condition, &xt, &yt, &shape));
    let inputs: Vec<&Tensor> = x.tensor().into_iter().chain(y.tensor()).collect();
    if needs_grad(&inputs) {
        // Which of x and y are tensors, in the order of `inputs`.
        let sides: Vec<bool> = [x.tensor().is_some().then_some(true), y.tensor().is_some().then_some(false)]
            .into_iter()
            .flatten()
            .collect();
        record_unary("WhereBackward0", &inputs, &out, [SavedTensor::input(condition)], move |ctx| {
            let (g, c) = (ctx.grad(), &ctx.saved[0]);
            let zero = Scalar::Float(0.0);
            sides
                .iter()
                .enumerate()
                .map(|(i, &is_x)| {
                    if !ctx.needs(i) {
                        return Ok(None);
                    }
                    let r = if is_x { try_where(c, g, zero) } else { try_where(c, zero, g) };
                    r.map(Some)
                })
                .collect()
        });
    }
    Ok(out)
}

fn where_kernel<T: Element>(c: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Tensor {
    let (cl, xl, yl) = (c.layout(), x.layout(), y.layout());
    let sc = broadcast_strides(&cl.shape, &cl.strides, shape);
    let sx = broadcast_strides(&xl.shape, &xl.strides, shape);
    let sy = broadcast_strides(&yl.shape, &yl.strides, shape);
    let mut out = Vec::with_capacity(shape.iter().product());
    c.with_slice(|cd: &[bool], _| {
        x.with_slice(|xd: &[T], _| {
            y.with_slice(|yd: &[T], _| {
                walk(shape, [&sc, &sx, &sy], [cl.offset, xl.offset, yl.offset], |[i, j, k]| {
                    out.push(if cd[i] { xd[j] } else { yd[k] })
                })
            })
        })
    });
    Tensor::from_buffer(T::into_buffer(out), shape)
}

/// Zeros of `shape` with `g`'s elements, in order, where `mask` (broadcast to `shape`) is
/// true: the gradient of `masked_select`, recorded so that it can be differentiated again.
fn masked_scatter_zeros(g: &Tensor, mask: &Tensor, shape: &[usize]) -> Tensor {
    let ml = mask.layout();
    let sm = broadcast_strides(&ml.shape, &ml.strides, shape);
    let so = contiguous_strides(shape);
    let out = dispatch!(g.dtype(), T => {
        let vals: Vec<T> = g.contiguous_vec();
        let mut out = vec![T::default(); shape.iter().product()];
        let mut next = vals.into_iter();
        mask.with_slice(|md: &[bool], _| {
            walk(shape, [&sm, &so], [ml.offset, 0], |[m, o]| {
                if md[m] {
                    out[o] = next.next().unwrap_or_default();
                }
            })
        });
        Tensor::from_buffer(T::into_buffer(out), shape)
    });
    if needs_grad(&[g]) {
        record_unary("MaskedScatterBackward0", &[g], &out, [SavedTensor::input(mask)], |ctx| {
            Ok(vec![Some(ctx.grad().try_masked_select(&ctx.saved[0])?)])
        });
    }
    out
}

impl Tensor {
    /// `torch.where(condition, self, other)`: `self` where `condition` is true, else
    /// `other` (a tensor or a number), broadcast together. See also [`where_`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let x = Tensor::from_slice(&[-1.0f32, 2.0]);
    /// assert_eq!(x.where_cond(&x.gt(0.0), 0.0).to_vec::<f32>(), vec![0.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn where_cond<'a>(&self, condition: &Tensor, other: impl Into<Operand<'a>>) -> Tensor {
        unwrap(self.try_where_cond(condition, other))
    }

    /// Fallible twin of [`Tensor::where_cond`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let x = Tensor::zeros(&[3]);
    /// assert!(x.try_where_cond(&Tensor::ones_dtype(&[2], torchlight::DType::Bool), 1.0).is_err());
    /// ```
    pub fn try_where_cond<'a>(&self, condition: &Tensor, other: impl Into<Operand<'a>>) -> Result<Tensor> {
        try_where(condition, self, other)
    }

    /// The elements where the bool `mask` (broadcast with `self`) is true, as a 1-D tensor
    /// (`tensor.masked_select(mask)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// let m = Tensor::from_slice(&[true, false]);
    /// assert_eq!(t.masked_select(&m).to_vec::<f32>(), vec![1.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn masked_select(&self, mask: &Tensor) -> Tensor {
        unwrap(self.try_masked_select(mask))
    }

    /// Fallible twin of [`Tensor::masked_select`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let err = Tensor::zeros(&[2]).try_masked_select(&Tensor::ones(&[2])).unwrap_err();
    /// assert_eq!(err.to_string(), "masked_select: expected BoolTensor for mask");
    /// ```
    pub fn try_masked_select(&self, mask: &Tensor) -> Result<Tensor> {
        if mask.dtype() != DType::Bool {
            return Err(Error::Runtime("masked_select: expected BoolTensor for mask".into()));
        }
        let shape = broadcast_shapes(mask.shape(), self.shape())?;
        let (sl, ml) = (self.layout(), mask.layout());
        let ss = broadcast_strides(&sl.shape, &sl.strides, &shape);
        let sm = broadcast_strides(&ml.shape, &ml.strides, &shape);
        let out = dispatch!(self.dtype(), T => {
            let mut out: Vec<T> = Vec::new();
            self.with_slice(|d: &[T], _| {
                mask.with_slice(|md: &[bool], _| {
                    walk(&shape, [&ss, &sm], [sl.offset, ml.offset], |[i, m]| {
                        if md[m] {
                            out.push(d[i]);
                        }
                    })
                })
            });
            let n = out.len();
            Tensor::from_buffer(T::into_buffer(out), &[n])
        });
        if needs_grad(&[self]) {
            record_unary("MaskedSelectBackward0", &[self], &out, [SavedTensor::input(mask)], move |ctx| {
                Ok(vec![Some(masked_scatter_zeros(ctx.grad(), &ctx.saved[0], &shape))])
            });
        }
        Ok(out)
    }
}
