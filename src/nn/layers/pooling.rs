//! Pooling and resizing layers: [`MaxPool1d`], [`AvgPool1d`], [`MaxPool2d`], [`AvgPool2d`],
//! [`AdaptiveAvgPool2d`], [`Upsample`].

use super::py_bool;
use crate::format::python_repr;
use crate::nn::functional::{self as F, Size2};
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::{Result, Tensor};

/// A size as PyTorch prints the argument: `2` when both dims agree, `(2, 3)` otherwise.
fn size_repr(s: Size2) -> String {
    if s.0[0] == s.0[1] {
        s.0[0].to_string()
    } else {
        format!("({}, {})", s.0[0], s.0[1])
    }
}

/// Implements `Module` for a parameterless layer whose forward is `try_forward`.
macro_rules! stateless_module {
    ($name:ident) => {
        impl Module for $name {
            #[track_caller]
            fn forward(&self, input: &Tensor) -> Tensor {
                crate::error::unwrap(self.try_forward(input))
            }
            fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
            fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
            fn training_flag(&self) -> Option<&TrainingFlag> {
                Some(&self.training)
            }
            fn type_name(&self) -> String {
                stringify!($name).into()
            }
            fn extra_repr(&self) -> String {
                self.repr_args()
            }
        }
    };
}

/// 1-D max pooling over `[n, c, l]` or `[c, l]` (`torch.nn.MaxPool1d`); the stride
/// defaults to the kernel size.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let pool = nn::MaxPool1d::new(2);
/// assert_eq!(pool.forward(&Tensor::ones(&[4, 3, 9])).shape(), &[4, 3, 4]);
/// assert_eq!(pool.repr(), "MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
/// ```
pub struct MaxPool1d {
    /// Window size.
    pub kernel_size: usize,
    /// Step between windows.
    pub stride: usize,
    /// Implicit `-inf` padding on both sides.
    pub padding: usize,
    /// Spacing between window taps.
    pub dilation: usize,
    /// Whether the output size rounds up.
    pub ceil_mode: bool,
    training: TrainingFlag,
}

impl MaxPool1d {
    /// `nn.MaxPool1d(kernel_size)`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool1d::new(3).stride, 3);
    /// ```
    pub fn new(kernel_size: usize) -> MaxPool1d {
        MaxPool1d {
            kernel_size,
            stride: kernel_size,
            padding: 0,
            dilation: 1,
            ceil_mode: false,
            training: TrainingFlag::default(),
        }
    }

    /// Sets `stride`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool1d::new(3).stride(1).stride, 1);
    /// ```
    pub fn stride(mut self, stride: usize) -> MaxPool1d {
        self.stride = stride;
        self
    }

    /// Sets `padding`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool1d::new(3).padding(1).padding, 1);
    /// ```
    pub fn padding(mut self, padding: usize) -> MaxPool1d {
        self.padding = padding;
        self
    }

    /// Sets `dilation`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool1d::new(3).dilation(2).dilation, 2);
    /// ```
    pub fn dilation(mut self, dilation: usize) -> MaxPool1d {
        self.dilation = dilation;
        self
    }

    /// Sets `ceil_mode`.
    ///
    /// ```
    /// assert!(torchlight::nn::MaxPool1d::new(3).ceil_mode(true).ceil_mode);
    /// ```
    pub fn ceil_mode(mut self, ceil_mode: bool) -> MaxPool1d {
        self.ceil_mode = ceil_mode;
        self
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::MaxPool1d::new(2).try_forward(&Tensor::ones(&[4])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        F::try_max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)
    }

    /// The maxima and their positions along the length (`return_indices=True`).
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let x = Tensor::from_vec(vec![1.0f32, 3.0, 2.0, 5.0], &[1, 4]);
    /// let (_, i) = nn::MaxPool1d::new(2).try_forward_with_indices(&x).unwrap();
    /// assert_eq!(i.to_vec::<i64>(), vec![1, 3]);
    /// ```
    pub fn try_forward_with_indices(&self, input: &Tensor) -> Result<(Tensor, Tensor)> {
        F::try_max_pool1d_with_indices(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
        )
    }

    fn repr_args(&self) -> String {
        format!(
            "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            py_bool(self.ceil_mode)
        )
    }
}

stateless_module!(MaxPool1d);

/// 1-D average pooling over `[n, c, l]` or `[c, l]` (`torch.nn.AvgPool1d`); the stride
/// defaults to the kernel size.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let pool = nn::AvgPool1d::new(2);
/// assert_eq!(pool.forward(&Tensor::ones(&[4, 3, 9])).shape(), &[4, 3, 4]);
/// // PyTorch prints AvgPool1d's sizes as 1-tuples.
/// assert_eq!(pool.repr(), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))");
/// ```
pub struct AvgPool1d {
    /// Window size.
    pub kernel_size: usize,
    /// Step between windows.
    pub stride: usize,
    /// Implicit zero padding on both sides.
    pub padding: usize,
    /// Whether the output size rounds up.
    pub ceil_mode: bool,
    /// Whether padding counts in the divisor.
    pub count_include_pad: bool,
    training: TrainingFlag,
}

impl AvgPool1d {
    /// `nn.AvgPool1d(kernel_size)`.
    ///
    /// ```
    /// assert!(torchlight::nn::AvgPool1d::new(3).count_include_pad);
    /// ```
    pub fn new(kernel_size: usize) -> AvgPool1d {
        AvgPool1d {
            kernel_size,
            stride: kernel_size,
            padding: 0,
            ceil_mode: false,
            count_include_pad: true,
            training: TrainingFlag::default(),
        }
    }

    /// Sets `stride`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::AvgPool1d::new(3).stride(1).stride, 1);
    /// ```
    pub fn stride(mut self, stride: usize) -> AvgPool1d {
        self.stride = stride;
        self
    }

    /// Sets `padding`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::AvgPool1d::new(3).padding(1).padding, 1);
    /// ```
    pub fn padding(mut self, padding: usize) -> AvgPool1d {
        self.padding = padding;
        self
    }

    /// Sets `ceil_mode`.
    ///
    /// ```
    /// assert!(torchlight::nn::AvgPool1d::new(3).ceil_mode(true).ceil_mode);
    /// ```
    pub fn ceil_mode(mut self, ceil_mode: bool) -> AvgPool1d {
        self.ceil_mode = ceil_mode;
        self
    }

    /// Sets `count_include_pad`.
    ///
    /// ```
    /// assert!(!torchlight::nn::AvgPool1d::new(3).count_include_pad(false).count_include_pad);
    /// ```
    pub fn count_include_pad(mut self, count_include_pad: bool) -> AvgPool1d {
        self.count_include_pad = count_include_pad;
        self
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::AvgPool1d::new(2).try_forward(&Tensor::ones(&[4])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        F::try_avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)
    }

    fn repr_args(&self) -> String {
        format!("kernel_size=({},), stride=({},), padding=({},)", self.kernel_size, self.stride, self.padding)
    }
}

stateless_module!(AvgPool1d);

/// 2-D max pooling (`torch.nn.MaxPool2d`); the stride defaults to the kernel size.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let pool = nn::MaxPool2d::new(2);
/// assert_eq!(pool.forward(&Tensor::ones(&[1, 3, 8, 8])).shape(), &[1, 3, 4, 4]);
/// assert_eq!(pool.repr(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
/// ```
pub struct MaxPool2d {
    /// Window size.
    pub kernel_size: Size2,
    /// Step between windows.
    pub stride: Size2,
    /// Implicit `-inf` padding on both sides.
    pub padding: Size2,
    /// Spacing between window taps.
    pub dilation: Size2,
    /// Whether the output size rounds up.
    pub ceil_mode: bool,
    training: TrainingFlag,
}

impl MaxPool2d {
    /// `nn.MaxPool2d(kernel_size)`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool2d::new(3).stride.0, [3, 3]);
    /// ```
    pub fn new(kernel_size: impl Into<Size2>) -> MaxPool2d {
        let k = kernel_size.into();
        MaxPool2d {
            kernel_size: k,
            stride: k,
            padding: Size2([0, 0]),
            dilation: Size2([1, 1]),
            ceil_mode: false,
            training: TrainingFlag::default(),
        }
    }

    /// Sets `stride`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool2d::new(3).stride(1).stride.0, [1, 1]);
    /// ```
    pub fn stride(mut self, stride: impl Into<Size2>) -> MaxPool2d {
        self.stride = stride.into();
        self
    }

    /// Sets `padding`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool2d::new(3).padding(1).padding.0, [1, 1]);
    /// ```
    pub fn padding(mut self, padding: impl Into<Size2>) -> MaxPool2d {
        self.padding = padding.into();
        self
    }

    /// Sets `dilation`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::MaxPool2d::new(3).dilation(2).dilation.0, [2, 2]);
    /// ```
    pub fn dilation(mut self, dilation: impl Into<Size2>) -> MaxPool2d {
        self.dilation = dilation.into();
        self
    }

    /// Sets `ceil_mode`.
    ///
    /// ```
    /// assert!(torchlight::nn::MaxPool2d::new(3).ceil_mode(true).ceil_mode);
    /// ```
    pub fn ceil_mode(mut self, ceil_mode: bool) -> MaxPool2d {
        self.ceil_mode = ceil_mode;
        self
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::MaxPool2d::new(2).try_forward(&Tensor::ones(&[4])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        Ok(self.try_forward_with_indices(input)?.0)
    }

    /// The maxima and their flat indices in each plane (`return_indices=True`).
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let (v, i) = nn::MaxPool2d::new(2).try_forward_with_indices(&Tensor::ones(&[1, 2, 2])).unwrap();
    /// assert_eq!((v.shape(), i.to_vec::<i64>()), (&[1usize, 1, 1][..], vec![0]));
    /// ```
    pub fn try_forward_with_indices(&self, input: &Tensor) -> Result<(Tensor, Tensor)> {
        F::try_max_pool2d_with_indices(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
        )
    }

    fn repr_args(&self) -> String {
        format!(
            "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
            size_repr(self.kernel_size),
            size_repr(self.stride),
            size_repr(self.padding),
            size_repr(self.dilation),
            py_bool(self.ceil_mode)
        )
    }
}

stateless_module!(MaxPool2d);

/// 2-D average pooling (`torch.nn.AvgPool2d`); the stride defaults to the kernel size.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let pool = nn::AvgPool2d::new(2);
/// assert_eq!(pool.forward(&Tensor::ones(&[1, 3, 8, 8])).shape(), &[1, 3, 4, 4]);
/// assert_eq!(pool.repr(), "AvgPool2d(kernel_size=2, stride=2, padding=0)");
/// ```
pub struct AvgPool2d {
    /// Window size.
    pub kernel_size: Size2,
    /// Step between windows.
    pub stride: Size2,
    /// Implicit zero padding on both sides.
    pub padding: Size2,
    /// Whether the output size rounds up.
    pub ceil_mode: bool,
    /// Whether padding counts in the divisor.
    pub count_include_pad: bool,
    /// A fixed divisor instead of the window size.
    pub divisor_override: Option<i64>,
    training: TrainingFlag,
}

impl AvgPool2d {
    /// `nn.AvgPool2d(kernel_size)`.
    ///
    /// ```
    /// assert!(torchlight::nn::AvgPool2d::new(3).count_include_pad);
    /// ```
    pub fn new(kernel_size: impl Into<Size2>) -> AvgPool2d {
        let k = kernel_size.into();
        AvgPool2d {
            kernel_size: k,
            stride: k,
            padding: Size2([0, 0]),
            ceil_mode: false,
            count_include_pad: true,
            divisor_override: None,
            training: TrainingFlag::default(),
        }
    }

    /// Sets `stride`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::AvgPool2d::new(3).stride(1).stride.0, [1, 1]);
    /// ```
    pub fn stride(mut self, stride: impl Into<Size2>) -> AvgPool2d {
        self.stride = stride.into();
        self
    }

    /// Sets `padding`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::AvgPool2d::new(3).padding(1).padding.0, [1, 1]);
    /// ```
    pub fn padding(mut self, padding: impl Into<Size2>) -> AvgPool2d {
        self.padding = padding.into();
        self
    }

    /// Sets `ceil_mode`.
    ///
    /// ```
    /// assert!(torchlight::nn::AvgPool2d::new(3).ceil_mode(true).ceil_mode);
    /// ```
    pub fn ceil_mode(mut self, ceil_mode: bool) -> AvgPool2d {
        self.ceil_mode = ceil_mode;
        self
    }

    /// Sets `count_include_pad`.
    ///
    /// ```
    /// assert!(!torchlight::nn::AvgPool2d::new(3).count_include_pad(false).count_include_pad);
    /// ```
    pub fn count_include_pad(mut self, count_include_pad: bool) -> AvgPool2d {
        self.count_include_pad = count_include_pad;
        self
    }

    /// Sets `divisor_override`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::AvgPool2d::new(3).divisor_override(4).divisor_override, Some(4));
    /// ```
    pub fn divisor_override(mut self, divisor: i64) -> AvgPool2d {
        self.divisor_override = Some(divisor);
        self
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::AvgPool2d::new(2).try_forward(&Tensor::ones(&[4])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        F::try_avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )
    }

    fn repr_args(&self) -> String {
        format!(
            "kernel_size={}, stride={}, padding={}",
            size_repr(self.kernel_size),
            size_repr(self.stride),
            size_repr(self.padding)
        )
    }
}

stateless_module!(AvgPool2d);

/// Average pooling to a fixed output size (`torch.nn.AdaptiveAvgPool2d`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let gap = nn::AdaptiveAvgPool2d::new(1);
/// assert_eq!(gap.forward(&Tensor::ones(&[2, 8, 5, 5])).shape(), &[2, 8, 1, 1]);
/// assert_eq!(gap.repr(), "AdaptiveAvgPool2d(output_size=1)");
/// ```
pub struct AdaptiveAvgPool2d {
    /// The output plane size.
    pub output_size: Size2,
    training: TrainingFlag,
}

impl AdaptiveAvgPool2d {
    /// `nn.AdaptiveAvgPool2d(output_size)`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::AdaptiveAvgPool2d::new((2, 3)).output_size.0, [2, 3]);
    /// ```
    pub fn new(output_size: impl Into<Size2>) -> AdaptiveAvgPool2d {
        AdaptiveAvgPool2d { output_size: output_size.into(), training: TrainingFlag::default() }
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::AdaptiveAvgPool2d::new(1).try_forward(&Tensor::ones(&[4])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        F::try_adaptive_avg_pool2d(input, self.output_size)
    }

    fn repr_args(&self) -> String {
        format!("output_size={}", size_repr(self.output_size))
    }
}

stateless_module!(AdaptiveAvgPool2d);

/// Nearest-neighbour upsampling (`torch.nn.Upsample(mode='nearest')`, also
/// `nn.UpsamplingNearest2d`), to a size or by a scale factor.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let up = nn::Upsample::scale_factor(2.0);
/// assert_eq!(up.forward(&Tensor::ones(&[1, 3, 4, 4])).shape(), &[1, 3, 8, 8]);
/// assert_eq!(up.repr(), "Upsample(scale_factor=2.0, mode='nearest')");
/// ```
pub struct Upsample {
    /// The output's spatial size, if set.
    pub size: Option<Vec<usize>>,
    /// The multiplier of each spatial dim, if set.
    pub scale_factor: Option<Vec<f64>>,
    training: TrainingFlag,
}

impl Upsample {
    /// Upsampling to a fixed spatial size (`nn.Upsample(size=...)`).
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Upsample::size(&[4, 6]).size, Some(vec![4, 6]));
    /// ```
    pub fn size(size: &[usize]) -> Upsample {
        Upsample { size: Some(size.to_vec()), scale_factor: None, training: TrainingFlag::default() }
    }

    /// Upsampling by one factor on every spatial dim (`nn.Upsample(scale_factor=...)`).
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Upsample::scale_factor(2.0).scale_factor, Some(vec![2.0]));
    /// ```
    pub fn scale_factor(factor: f64) -> Upsample {
        Upsample { size: None, scale_factor: Some(vec![factor]), training: TrainingFlag::default() }
    }

    /// Upsampling by one factor per spatial dim.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Upsample::scale_factors(&[2.0, 3.0]).scale_factor, Some(vec![2.0, 3.0]));
    /// ```
    pub fn scale_factors(factors: &[f64]) -> Upsample {
        Upsample { size: None, scale_factor: Some(factors.to_vec()), training: TrainingFlag::default() }
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::Upsample::scale_factor(2.0).try_forward(&Tensor::ones(&[4])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        F::try_upsample_nearest(input, self.size.as_deref(), self.scale_factor.as_deref())
    }

    fn repr_args(&self) -> String {
        let one = |v: &[String]| if v.len() == 1 { v[0].clone() } else { format!("({})", v.join(", ")) };
        match (&self.size, &self.scale_factor) {
            (Some(s), _) => {
                format!("size={}, mode='nearest'", one(&s.iter().map(|v| v.to_string()).collect::<Vec<_>>()))
            }
            (None, Some(f)) => {
                format!("scale_factor={}, mode='nearest'", one(&f.iter().map(|&v| python_repr(v)).collect::<Vec<_>>()))
            }
            (None, None) => "mode='nearest'".into(),
        }
    }
}

stateless_module!(Upsample);
