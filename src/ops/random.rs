//! Random tensors: `rand`, `randn`, `randint`, `randperm`, `normal`, and the in-place
//! `uniform_`, `normal_`, `random_`, `bernoulli_`, all drawing from PyTorch's generator
//! streams in storage order.

use crate::error::unwrap;
use crate::random::{self, default_generator, Generator};
use crate::{DType, Element, Error, Result, Tensor};

/// Runs `f` on the tensor's elements in storage order (PyTorch's iteration order for random
/// fills), passing whether the tensor is contiguous.
fn fill_storage_order<T: Element>(t: &Tensor, f: impl FnOnce(&mut [T], bool)) {
    let l = t.layout().clone();
    let n = l.numel();
    if l.is_dense() {
        {
            let mut guard = t.0.storage.write();
            let data = T::slice_mut(&mut guard);
            f(&mut data[l.offset..l.offset + n], l.is_contiguous());
        }
        t.0.storage.bump_version();
    } else {
        // With gaps between elements PyTorch's iterator still walks memory order: dims sorted
        // from the largest stride to the smallest. Fill a buffer in that order and copy it into
        // the view of `t` whose logical order that is.
        let mut dims: Vec<usize> = (0..l.dim()).collect();
        dims.sort_by_key(|&d| std::cmp::Reverse(l.strides[d]));
        let walk = crate::Layout {
            shape: dims.iter().map(|&d| l.shape[d]).collect(),
            strides: dims.iter().map(|&d| l.strides[d]).collect(),
            offset: l.offset,
        };
        let mut tmp = vec![T::default(); n];
        f(&mut tmp, false);
        let view = t.alias_with_layout(walk);
        crate::no_grad(|| view.copy_kernel(&Tensor::from_vec(tmp, view.shape())));
    }
}

/// PyTorch's dispatch error for a float-only kernel (`kernel` is its name in the message).
fn check_float(t: &Tensor, kernel: &str) -> Result<()> {
    if !t.dtype().is_floating_point() {
        return Err(crate::error::not_implemented(kernel, t.dtype()));
    }
    Ok(())
}

impl Tensor {
    /// Runs a random fill in place. With autograd, the fill still writes `self`'s storage in
    /// its own storage order, and the result is recorded as node `name` giving the old value
    /// a zero gradient (PyTorch's `UniformBackward0`, ...).
    fn random_inplace(&self, name: &'static str, fill: impl FnOnce(&Tensor)) -> Result<()> {
        // Exactly one of the two paths runs; the cell hands `fill` to it.
        let fill = std::cell::Cell::new(Some(fill));
        self.inplace(
            &[],
            |t| (fill.take().unwrap())(t),
            |snap| {
                (fill.take().unwrap())(&self.detach());
                let fresh = self.detach().copy();
                Tensor::record_overwrite(name, snap, &fresh);
                Ok(fresh)
            },
        )
    }

    /// Fills with uniform values in `[from, to)` (`tensor.uniform_(from, to)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[3]);
    /// t.uniform_(-1.0, 1.0);
    /// assert!(t.to_vec::<f32>().iter().all(|v| (-1.0..1.0).contains(v)));
    /// ```
    #[track_caller]
    pub fn uniform_(&self, from: f64, to: f64) -> &Tensor {
        unwrap(self.try_uniform_with(from, to, &default_generator()));
        self
    }

    /// Fallible `uniform_` drawing from `generator`.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// let t = torchlight::Tensor::zeros(&[5]);
    /// t.try_uniform_with(0.0, 1.0, &g).unwrap();
    /// assert_eq!(t.to_vec::<f32>()[0], 0.49625659);
    /// ```
    pub fn try_uniform_with(&self, from: f64, to: f64, generator: &Generator) -> Result<()> {
        check_float(self, "check_uniform_bounds")?;
        if from > to {
            return Err(Error::Runtime(format!(
                "uniform_ expects to return a [from, to) range, but found from={from} > to={to}"
            )));
        }
        self.random_inplace("UniformBackward0", |t| match t.dtype() {
            DType::F32 => fill_storage_order::<f32>(t, |s, _| random::uniform_f32(&mut generator.lock(), s, from, to)),
            _ => fill_storage_order::<f64>(t, |s, _| random::uniform_f64(&mut generator.lock(), s, from, to)),
        })
    }

    /// Fills with normal values (`tensor.normal_(mean, std)`).
    ///
    /// ```
    /// torchlight::manual_seed(0);
    /// let t = torchlight::Tensor::zeros(&[2]);
    /// t.normal_(0.0, 1.0);
    /// assert_eq!(t.to_vec::<f32>(), vec![1.5409961, -0.2934289]);
    /// ```
    #[track_caller]
    pub fn normal_(&self, mean: f64, std: f64) -> &Tensor {
        unwrap(self.try_normal_with(mean, std, &default_generator()));
        self
    }

    /// Fallible `normal_` drawing from `generator`.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// assert!(torchlight::Tensor::zeros(&[2]).try_normal_with(0.0, -1.0, &g).is_err());
    /// ```
    pub fn try_normal_with(&self, mean: f64, std: f64, generator: &Generator) -> Result<()> {
        check_float(self, "normal_kernel_cpu")?;
        if std < 0.0 {
            return Err(Error::Runtime(format!("normal expects std >= 0.0, but found std {std}")));
        }
        if self.numel() == 0 {
            return Ok(());
        }
        self.random_inplace("NormalBackward0", |t| match t.dtype() {
            DType::F32 => {
                fill_storage_order::<f32>(t, |s, c| random::normal_f32(&mut generator.lock(), s, mean, std, c))
            }
            _ => fill_storage_order::<f64>(t, |s, c| random::normal_f64(&mut generator.lock(), s, mean, std, c)),
        })
    }

    /// Fills with integers drawn uniformly from `[low, high)` (`tensor.random_(low, high)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros_dtype(&[4], torchlight::DType::I64);
    /// t.random_(0, 3);
    /// assert!(t.to_vec::<i64>().iter().all(|v| (0..3).contains(v)));
    /// ```
    #[track_caller]
    pub fn random_(&self, low: i64, high: i64) -> &Tensor {
        unwrap(self.try_random_with(low, high, &default_generator()));
        self
    }

    /// Fallible `random_` drawing from `generator`.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// assert!(torchlight::Tensor::zeros(&[1]).try_random_with(3, 3, &g).is_err());
    /// ```
    pub fn try_random_with(&self, low: i64, high: i64, generator: &Generator) -> Result<()> {
        if low >= high {
            return Err(Error::Runtime(format!(
                "random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )));
        }
        self.random_inplace("RandomBackward0", |t| {
            crate::dispatch!(t.dtype(), T => fill_storage_order::<T>(t, |s, _| random::random_range(&mut generator.lock(), s, low, high)))
        })
    }

    /// Fills with 1 with probability `p`, else 0 (`tensor.bernoulli_(p)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[4]);
    /// t.bernoulli_(1.0);
    /// assert_eq!(t.to_vec::<f32>(), vec![1.0; 4]);
    /// ```
    #[track_caller]
    pub fn bernoulli_(&self, p: f64) -> &Tensor {
        unwrap(self.try_bernoulli_with(p, &default_generator()));
        self
    }

    /// Fallible `bernoulli_` drawing from `generator`.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// assert!(torchlight::Tensor::zeros(&[1]).try_bernoulli_with(1.5, &g).is_err());
    /// ```
    pub fn try_bernoulli_with(&self, p: f64, generator: &Generator) -> Result<()> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Runtime(format!("bernoulli_ expects p to be in [0, 1], but got p={p}")));
        }
        self.random_inplace("BernoulliBackward2", |t| {
            crate::dispatch!(t.dtype(), T => fill_storage_order::<T>(t, |s, _| random::bernoulli_scalar(&mut generator.lock(), s, p)))
        })
    }

    /// Uniform values in `[0, 1)` of the default dtype (`torch.rand`).
    ///
    /// ```
    /// torchlight::manual_seed(0);
    /// assert_eq!(torchlight::Tensor::rand(&[2]).to_vec::<f32>(), vec![0.49625659, 0.7682218]);
    /// ```
    pub fn rand(shape: &[usize]) -> Tensor {
        Tensor::rand_dtype(shape, crate::get_default_dtype())
    }

    /// `torch.rand` with a dtype.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::rand_dtype(&[2], torchlight::DType::F64).dtype(), torchlight::DType::F64);
    /// ```
    #[track_caller]
    pub fn rand_dtype(shape: &[usize], dtype: DType) -> Tensor {
        let t = Tensor::empty_dtype(shape, dtype);
        t.uniform_(0.0, 1.0);
        t
    }

    /// Standard normal values of the default dtype (`torch.randn`).
    ///
    /// ```
    /// torchlight::manual_seed(0);
    /// assert_eq!(torchlight::Tensor::randn(&[]).item(), 1.5409960746765137);
    /// ```
    pub fn randn(shape: &[usize]) -> Tensor {
        Tensor::randn_dtype(shape, crate::get_default_dtype())
    }

    /// `torch.randn` with a dtype.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::randn_dtype(&[3], torchlight::DType::F64).shape(), &[3]);
    /// ```
    #[track_caller]
    pub fn randn_dtype(shape: &[usize], dtype: DType) -> Tensor {
        let t = Tensor::empty_dtype(shape, dtype);
        t.normal_(0.0, 1.0);
        t
    }

    /// `torch.randn` drawing from a given generator.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// assert_eq!(torchlight::Tensor::randn_with(&[], &g).item(), 1.5409960746765137);
    /// ```
    #[track_caller]
    pub fn randn_with(shape: &[usize], generator: &Generator) -> Tensor {
        let t = Tensor::empty(shape);
        unwrap(t.try_normal_with(0.0, 1.0, generator));
        t
    }

    /// Normal values with the given mean and std (`torch.normal(mean, std, size)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::normal(2.0, 0.0, &[3]);
    /// assert_eq!(t.to_vec::<f32>(), vec![2.0; 3]);
    /// ```
    #[track_caller]
    pub fn normal(mean: f64, std: f64, shape: &[usize]) -> Tensor {
        let t = Tensor::empty(shape);
        t.normal_(mean, std);
        t
    }

    /// Random int64 values in `[low, high)` (`torch.randint(low, high, size)`).
    ///
    /// ```
    /// torchlight::manual_seed(0);
    /// assert_eq!(torchlight::Tensor::randint(0, 10, &[4]).to_vec::<i64>(), vec![4, 9, 3, 0]);
    /// ```
    #[track_caller]
    pub fn randint(low: i64, high: i64, shape: &[usize]) -> Tensor {
        let t = Tensor::zeros_dtype(shape, DType::I64);
        t.random_(low, high);
        t
    }

    /// A random permutation of `0..n` as int64 (`torch.randperm(n)`).
    ///
    /// ```
    /// torchlight::manual_seed(0);
    /// assert_eq!(torchlight::Tensor::randperm(4).shape(), &[4]);
    /// ```
    pub fn randperm(n: usize) -> Tensor {
        Tensor::randperm_with(n, &default_generator())
    }

    /// `torch.randperm(n, generator=g)`.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// assert_eq!(torchlight::Tensor::randperm_with(10, &g).to_vec::<i64>(), vec![4, 1, 7, 5, 3, 9, 0, 8, 6, 2]);
    /// ```
    pub fn randperm_with(n: usize, generator: &Generator) -> Tensor {
        Tensor::from_vec(random::randperm(&mut generator.lock(), n), &[n])
    }

    /// Uniform values with this tensor's shape and dtype (`torch.rand_like`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2]).rand_like().shape(), &[2]);
    /// ```
    pub fn rand_like(&self) -> Tensor {
        Tensor::rand_dtype(self.shape(), self.dtype())
    }

    /// Normal values with this tensor's shape and dtype (`torch.randn_like`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2]).randn_like().shape(), &[2]);
    /// ```
    pub fn randn_like(&self) -> Tensor {
        Tensor::randn_dtype(self.shape(), self.dtype())
    }
}
