//! Matrix products: `matmul` with PyTorch's 1-D, 2-D, batched and broadcast rules, and
//! `mm`, `bmm`, `mv`, `dot`, `outer`. Transposed operands are read through their strides
//! (the gemm kernel takes any row and column stride), never copied.

use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::matmul::{gemm_strided, matmul_i64, GemmElem, MatMut, MatRef};
use crate::backend::cpu::strided::walk;
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::{DType, Element, Error, Result, Tensor};

/// `out[b] = a[b] @ b[b]` for operands already broadcast to `batch`, dtype `T`.
fn batched_gemm<T: GemmElem + Element>(
    a: &Tensor,
    b: &Tensor,
    batch: &[usize],
    m: usize,
    k: usize,
    n: usize,
) -> Tensor {
    let nb: usize = batch.iter().product();
    let len = nb * m * n;
    // Every element is written by the products below, so the buffer is not zero-filled
    // first (that fill was 2-3% of an MLP training step).
    let mut out = crate::AlignedVec::<T>::with_capacity(len);
    let slots = &mut out.spare_capacity_mut()[..len];
    let threads = crate::get_num_threads();
    a.with_slice(|da: &[T], la| {
        b.with_slice(|db: &[T], lb| {
            let nd = la.dim();
            let (ars, acs) = (la.strides[nd - 2], la.strides[nd - 1]);
            let (brs, bcs) = (lb.strides[nd - 2], lb.strides[nd - 1]);
            let mut idx = 0;
            walk(batch, [&la.strides[..nd - 2], &lb.strides[..nd - 2]], [la.offset, lb.offset], |[oa, ob]| {
                let lhs = MatRef::new(da, oa, m, k, ars, acs);
                let rhs = MatRef::new(db, ob, k, n, brs, bcs);
                let mut dst = MatMut::uninit(&mut slots[idx * m * n..(idx + 1) * m * n], m, n);
                gemm_strided(&mut dst, &lhs, &rhs, false, threads);
                idx += 1;
            });
            // `walk` skips everything when a batch dim is 0; the output is then empty too.
        })
    });
    // SAFETY: `walk` visited every batch index once (none when the output is empty), and
    // `gemm_strided` without accumulation writes every element of its `m x n` output (it
    // panics rather than return early), so all `len` slots are written.
    unsafe { out.set_len(len) };
    let mut shape = batch.to_vec();
    shape.extend([m, n]);
    Tensor::from_aligned(out, &shape)
}

fn batched_i64(a: &Tensor, b: &Tensor, batch: &[usize], m: usize, k: usize, n: usize) -> Tensor {
    let nb: usize = batch.iter().product();
    let mut out = vec![0i64; nb * m * n];
    a.with_slice(|da: &[i64], la| {
        b.with_slice(|db: &[i64], lb| {
            let nd = la.dim();
            let mut idx = 0;
            walk(batch, [&la.strides[..nd - 2], &lb.strides[..nd - 2]], [la.offset, lb.offset], |[oa, ob]| {
                let lhs = MatRef::new(da, oa, m, k, la.strides[nd - 2], la.strides[nd - 1]);
                let rhs = MatRef::new(db, ob, k, n, lb.strides[nd - 2], lb.strides[nd - 1]);
                let mut dst = MatMut::new(&mut out[idx * m * n..(idx + 1) * m * n], 0, m, n, n, 1);
                matmul_i64(&mut dst, &lhs, &rhs, false);
                idx += 1;
            });
        })
    });
    let mut shape = batch.to_vec();
    shape.extend([m, n]);
    Tensor::from_vec(out, &shape)
}

/// Whether `t` is a matrix stored column by column (the transpose of a contiguous one).
fn column_major(t: &Tensor) -> bool {
    let (s, st) = (t.shape(), t.stride());
    t.dim() == 2 && s[0] > 1 && s[1] > 1 && st[0] == 1 && st[1] == s[0]
}

/// Product of two tensors with at least 2 dims each, batch dims broadcast.
fn matmul_nd(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let (ad, bd) = (a.dim(), b.dim());
    let (m, k) = (a.shape()[ad - 2], a.shape()[ad - 1]);
    let (k2, n) = (b.shape()[bd - 2], b.shape()[bd - 1]);
    if k != k2 {
        return Err(Error::Runtime(format!(
            "mat1 and mat2 shapes cannot be multiplied ({}x{k} and {k2}x{n})",
            a.shape()[..ad - 1].iter().product::<usize>()
        )));
    }
    if a.dtype() != b.dtype() {
        return Err(Error::Runtime(format!(
            "expected m1 and m2 to have the same dtype, but got: {} != {}",
            a.dtype().scalar_name().to_lowercase(),
            b.dtype().scalar_name().to_lowercase()
        )));
    }
    let batch = broadcast_shapes(&a.shape()[..ad - 2], &b.shape()[..bd - 2])?;
    let mut sa = batch.to_vec();
    sa.extend([m, k]);
    let mut sb = batch.to_vec();
    sb.extend([k, n]);
    let (ea, eb) = (a.detach().expand(&sa), b.detach().expand(&sb));
    let out = match a.dtype() {
        DType::F32 => batched_gemm::<f32>(&ea, &eb, &batch, m, k, n),
        DType::F64 => batched_gemm::<f64>(&ea, &eb, &batch, m, k, n),
        DType::I64 => batched_i64(&ea, &eb, &batch, m, k, n),
        DType::Bool => {
            return Err(Error::Runtime("\"addmm_impl_cpu_\" not implemented for 'Bool'".into()));
        }
    };
    if needs_grad(&[a, b]) {
        record_unary("MmBackward0", &[a, b], &out, [SavedTensor::input(a), SavedTensor::input(b)], |ctx| {
            let (x, y) = (&ctx.saved[0], &ctx.saved[1]);
            let g = ctx.grad();
            // As PyTorch's mm_mat1/mat2_backward: an operand stored column-major (a
            // transposed view, as `x.matmul(&w.t())` passes the weight) gets its gradient in the
            // same layout, (bᵀ·aᵀ)ᵀ, so the weight's gradient comes out contiguous.
            let gx = ctx.needs(0).then(|| {
                if column_major(x) {
                    y.matmul(&g.transpose(-1, -2)).transpose(-1, -2)
                } else {
                    g.matmul(&y.transpose(-1, -2))
                }
            });
            let gy = ctx.needs(1).then(|| {
                if column_major(y) {
                    g.transpose(-1, -2).matmul(x).transpose(-1, -2)
                } else {
                    x.transpose(-1, -2).matmul(g)
                }
            });
            Ok(vec![gx, gy])
        });
    }
    Ok(out)
}

impl Tensor {
    /// Matrix product with PyTorch's rules (`torch.matmul`, `@`): 1-D·1-D is a dot
    /// product, a 1-D operand gains (and then loses) a dim, and batch dims broadcast.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(a.matmul(&a.t()).to_vec::<f32>(), vec![5.0, 11.0, 11.0, 25.0]);
    /// let v = Tensor::from_slice(&[1.0f32, 1.0]);
    /// assert_eq!(a.matmul(&v).to_vec::<f32>(), vec![3.0, 7.0]);
    /// assert_eq!(v.matmul(&v).dim(), 0);
    /// ```
    #[track_caller]
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_matmul(other))
    }

    /// Fallible twin of [`Tensor::matmul`].
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2, 3]);
    /// let e = a.try_matmul(&a).unwrap_err();
    /// assert_eq!(e.to_string(), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
    /// ```
    pub fn try_matmul(&self, other: &Tensor) -> Result<Tensor> {
        let (ad, bd) = (self.dim(), other.dim());
        if ad == 0 || bd == 0 {
            return Err(Error::Runtime(format!(
                "both arguments to matmul need to be at least 1D, but they are {ad}D and {bd}D"
            )));
        }
        match (ad, bd) {
            (1, 1) => self.try_dot(other),
            (1, _) => Ok(matmul_nd(&self.unsqueeze(0), other)?.squeeze_dim(-2)),
            (_, 1) => Ok(matmul_nd(self, &other.unsqueeze(1))?.squeeze_dim(-1)),
            _ => matmul_nd(self, other),
        }
    }

    /// Product of two matrices (`torch.mm`).
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2, 3]);
    /// assert_eq!(a.mm(&a.t()).to_vec::<f32>(), vec![3.0; 4]);
    /// ```
    #[track_caller]
    pub fn mm(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_mm(other))
    }

    /// Fallible twin of [`Tensor::mm`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[3]).try_mm(&torchlight::Tensor::ones(&[3, 1])).is_err());
    /// ```
    pub fn try_mm(&self, other: &Tensor) -> Result<Tensor> {
        if self.dim() != 2 {
            return Err(Error::Runtime("self must be a matrix".into()));
        }
        if other.dim() != 2 {
            return Err(Error::Runtime("mat2 must be a matrix".into()));
        }
        matmul_nd(self, other)
    }

    /// Batched product of two 3-D tensors (`torch.bmm`).
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[4, 2, 3]);
    /// assert_eq!(a.bmm(&a.transpose(1, 2)).shape(), &[4, 2, 2]);
    /// ```
    #[track_caller]
    pub fn bmm(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_bmm(other))
    }

    /// Fallible twin of [`Tensor::bmm`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2, 3]);
    /// assert_eq!(a.try_bmm(&a).unwrap_err().to_string(), "batch1 must be a 3D tensor");
    /// ```
    pub fn try_bmm(&self, other: &Tensor) -> Result<Tensor> {
        if self.dim() != 3 {
            return Err(Error::Runtime("batch1 must be a 3D tensor".into()));
        }
        if other.dim() != 3 {
            return Err(Error::Runtime("batch2 must be a 3D tensor".into()));
        }
        if self.shape()[0] != other.shape()[0] {
            return Err(Error::Runtime(format!(
                "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
                self.shape()[0],
                self.shape()[2],
                other.shape()[0],
                other.shape()[1]
            )));
        }
        matmul_nd(self, other)
    }

    /// Matrix-vector product (`torch.mv`).
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2, 3]);
    /// assert_eq!(a.mv(&torchlight::Tensor::ones(&[3])).to_vec::<f32>(), vec![3.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn mv(&self, vec: &Tensor) -> Tensor {
        assert!(
            self.dim() == 2 && vec.dim() == 1,
            "vector + matrix @ vector expected, got 1, {}, {}",
            self.dim(),
            vec.dim()
        );
        self.matmul(vec)
    }

    /// Dot product of two 1-D tensors (`torch.dot`), a 0-dim tensor.
    ///
    /// ```
    /// let v = torchlight::Tensor::from_slice(&[1.0f32, 2.0]);
    /// assert_eq!(v.dot(&v).item(), 5.0);
    /// ```
    #[track_caller]
    pub fn dot(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_dot(other))
    }

    /// Fallible twin of [`Tensor::dot`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[3]).try_dot(&torchlight::Tensor::ones(&[4])).unwrap_err();
    /// assert!(e.to_string().starts_with("inconsistent tensor size"));
    /// ```
    pub fn try_dot(&self, other: &Tensor) -> Result<Tensor> {
        if self.dim() != 1 || other.dim() != 1 {
            return Err(Error::Runtime(format!(
                "1D tensors expected, but got {}D and {}D tensors",
                self.dim(),
                other.dim()
            )));
        }
        if self.numel() != other.numel() {
            return Err(Error::Runtime(format!(
                "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, \
                 but got {} and {} elements respectively",
                self.numel(),
                other.numel(),
                self.numel(),
                other.numel()
            )));
        }
        Ok(matmul_nd(&self.unsqueeze(0), &other.unsqueeze(1))?.reshape_usize(&[]))
    }

    /// Outer product of two 1-D tensors (`torch.outer`).
    ///
    /// ```
    /// let v = torchlight::Tensor::from_slice(&[1.0f32, 2.0]);
    /// assert_eq!(v.outer(&v).to_vec::<f32>(), vec![1.0, 2.0, 2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn outer(&self, other: &Tensor) -> Tensor {
        assert!(
            self.dim() == 1 && other.dim() == 1,
            "outer: expected 1-D tensors, got {}D and {}D",
            self.dim(),
            other.dim()
        );
        self.unsqueeze(1) * other.unsqueeze(0)
    }
}
