//! [`Conv1d`], [`Conv2d`] and [`ConvTranspose2d`], with their keyword arguments gathered in
//! [`ConvOptions`].

use super::{py_bool, py_tuple};
use crate::nn::functional::{self as F, Padding, Size2};
use crate::nn::init::{self, FanMode, Nonlinearity};
use crate::nn::{Module, Parameter, TrainingFlag, Visitor, VisitorMut};
use crate::{Result, Tensor};

/// PyTorch's keyword arguments of a convolution layer: stride, padding, dilation, groups,
/// bias and (transposed only) output_padding. They are fixed before the weights are drawn,
/// so the random stream matches PyTorch's constructor.
///
/// ```
/// use torchlight::nn;
/// let opts = nn::ConvOptions::new().stride(2).padding(1).bias(false);
/// assert_eq!(opts.stride, nn::functional::Size2([2, 2]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ConvOptions {
    /// Step between windows (default 1).
    pub stride: Size2,
    /// Zero padding, or `'same'` / `'valid'` (default 0).
    pub padding: Padding,
    /// Spacing between kernel taps (default 1).
    pub dilation: Size2,
    /// Number of channel groups (default 1).
    pub groups: usize,
    /// Whether the layer has a bias (default true).
    pub bias: bool,
    /// Extra output size on one side, for transposed convolutions (default 0).
    pub output_padding: Size2,
}

impl Default for ConvOptions {
    fn default() -> ConvOptions {
        ConvOptions {
            stride: Size2([1, 1]),
            padding: Padding::Explicit(vec![0]),
            dilation: Size2([1, 1]),
            groups: 1,
            bias: true,
            output_padding: Size2([0, 0]),
        }
    }
}

impl ConvOptions {
    /// PyTorch's defaults.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ConvOptions::new().groups, 1);
    /// ```
    pub fn new() -> ConvOptions {
        ConvOptions::default()
    }

    /// Sets `stride`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ConvOptions::new().stride((1, 2)).stride.0, [1, 2]);
    /// ```
    pub fn stride(mut self, stride: impl Into<Size2>) -> ConvOptions {
        self.stride = stride.into();
        self
    }

    /// Sets `padding` (a number, a pair, `Padding::Same` or `Padding::Valid`).
    ///
    /// ```
    /// use torchlight::nn::{self, functional::Padding};
    /// assert_eq!(nn::ConvOptions::new().padding(Padding::Same).padding, Padding::Same);
    /// ```
    pub fn padding(mut self, padding: impl Into<Padding>) -> ConvOptions {
        self.padding = padding.into();
        self
    }

    /// Sets `dilation`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ConvOptions::new().dilation(2).dilation.0, [2, 2]);
    /// ```
    pub fn dilation(mut self, dilation: impl Into<Size2>) -> ConvOptions {
        self.dilation = dilation.into();
        self
    }

    /// Sets `groups`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ConvOptions::new().groups(4).groups, 4);
    /// ```
    pub fn groups(mut self, groups: usize) -> ConvOptions {
        self.groups = groups;
        self
    }

    /// With `false`, no bias (`bias=False`).
    ///
    /// ```
    /// assert!(!torchlight::nn::ConvOptions::new().bias(false).bias);
    /// ```
    pub fn bias(mut self, bias: bool) -> ConvOptions {
        self.bias = bias;
        self
    }

    /// Sets `output_padding` (transposed convolutions).
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ConvOptions::new().output_padding(1).output_padding.0, [1, 1]);
    /// ```
    pub fn output_padding(mut self, output_padding: impl Into<Size2>) -> ConvOptions {
        self.output_padding = output_padding.into();
        self
    }
}

/// Allocates and draws a convolution's parameters as `_ConvNd.reset_parameters` does.
#[track_caller]
fn make_params(
    in_channels: usize,
    out_channels: usize,
    kernel: &[usize],
    transposed: bool,
    options: &ConvOptions,
) -> (Tensor, Option<Tensor>) {
    let g = options.groups;
    assert!(g > 0, "groups must be a positive integer");
    assert!(in_channels % g == 0, "in_channels must be divisible by groups");
    assert!(out_channels % g == 0, "out_channels must be divisible by groups");
    let mut shape = if transposed { vec![in_channels, out_channels / g] } else { vec![out_channels, in_channels / g] };
    shape.extend_from_slice(kernel);
    let weight = Parameter(Tensor::empty(&shape));
    let bias = options.bias.then(|| Parameter(Tensor::empty(&[out_channels])));
    reset_parameters(&weight, bias.as_ref());
    (weight, bias)
}

fn reset_parameters(weight: &Tensor, bias: Option<&Tensor>) {
    init::kaiming_uniform_(weight, 5f64.sqrt(), FanMode::FanIn, Nonlinearity::LeakyRelu);
    if let Some(b) = bias {
        let (fan_in, _) = init::calculate_fan_in_and_fan_out(weight);
        let bound = if fan_in > 0 { 1.0 / (fan_in as f64).sqrt() } else { 0.0 };
        init::uniform_(b, -bound, bound);
    }
}

/// PyTorch's `_ConvNd.extra_repr`.
fn extra_repr(
    in_channels: usize,
    out_channels: usize,
    kernel: &[usize],
    has_bias: bool,
    transposed: bool,
    o: &ConvOptions,
) -> String {
    let spatial = kernel.len();
    let dims = |s: Size2| -> String { py_tuple(&s.0[2 - spatial..]) };
    let mut s = format!("{in_channels}, {out_channels}, kernel_size={}, stride={}", py_tuple(kernel), dims(o.stride));
    match &o.padding {
        Padding::Same => s += ", padding=same",
        Padding::Valid => s += ", padding=valid",
        Padding::Explicit(p) if p.iter().any(|&v| v != 0) => {
            let full: Vec<usize> = if p.len() == 1 { vec![p[0]; spatial] } else { p.clone() };
            s += &format!(", padding={}", py_tuple(&full));
        }
        Padding::Explicit(_) => {}
    }
    if o.dilation.0[2 - spatial..].iter().any(|&d| d != 1) {
        s += &format!(", dilation={}", dims(o.dilation));
    }
    if transposed && o.output_padding.0[2 - spatial..].iter().any(|&d| d != 0) {
        s += &format!(", output_padding={}", dims(o.output_padding));
    }
    if o.groups != 1 {
        s += &format!(", groups={}", o.groups);
    }
    if !has_bias {
        s += &format!(", bias={}", py_bool(false));
    }
    s
}

macro_rules! conv_module {
    ($(#[$doc:meta])* $name:ident, transposed = $transposed:expr, $forward:expr) => {
        $(#[$doc])*
        pub struct $name {
            /// The weight: `[out, in / groups, *kernel]`, or `[in, out / groups, *kernel]` when
            /// transposed.
            pub weight: Tensor,
            /// The bias, `[out]`, or `None` for a layer without one.
            pub bias: Option<Tensor>,
            /// Channels of the input.
            pub in_channels: usize,
            /// Channels of the output.
            pub out_channels: usize,
            /// The kernel's spatial size.
            pub kernel_size: Vec<usize>,
            /// Stride, padding, dilation, groups, output_padding.
            pub options: ConvOptions,
            training: TrainingFlag,
        }

        impl Module for $name {
            #[track_caller]
            fn forward(&self, input: &Tensor) -> Tensor {
                crate::error::unwrap(self.try_forward(input))
            }
            fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
                super::visit_params(v, Some(&self.weight), self.bias.as_ref());
            }
            fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
                super::visit_params_mut(v, Some(&mut self.weight), self.bias.as_mut());
            }
            fn training_flag(&self) -> Option<&TrainingFlag> {
                Some(&self.training)
            }
            fn type_name(&self) -> String {
                stringify!($name).into()
            }
            fn extra_repr(&self) -> String {
                extra_repr(self.in_channels, self.out_channels, &self.kernel_size, self.bias.is_some(), $transposed, &self.options)
            }
        }

        impl $name {
            #[track_caller]
            fn build(in_channels: usize, out_channels: usize, kernel_size: Vec<usize>, options: ConvOptions) -> $name {
                let (weight, bias) = make_params(in_channels, out_channels, &kernel_size, $transposed, &options);
                $name { weight, bias, in_channels, out_channels, kernel_size, options, training: TrainingFlag::default() }
            }

            /// Draws new initial values, as the constructor does (`reset_parameters()`).
            ///
            /// ```
            #[doc = concat!("let c = torchlight::nn::", stringify!($name), "::new(2, 4, 3);")]
            /// c.reset_parameters();
            /// assert!(c.weight.requires_grad());
            /// ```
            pub fn reset_parameters(&self) {
                reset_parameters(&self.weight, self.bias.as_ref())
            }

            /// Fallible twin of `forward`.
            ///
            /// ```
            /// use torchlight::Tensor;
            #[doc = concat!("let c = torchlight::nn::", stringify!($name), "::new(2, 4, 3);")]
            /// assert!(c.try_forward(&Tensor::ones(&[1, 3, 8, 8])).is_err());
            /// ```
            pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
                #[allow(clippy::redundant_closure_call)]
                ($forward)(self, input)
            }
        }
    };
}

conv_module!(
/// A 1-D convolution layer (`torch.nn.Conv1d`): weight `[out, in / groups, k]`, initialised
/// as PyTorch does (Kaiming-uniform with `a = √5`, bias `U(±1/√fan_in)`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let conv = nn::Conv1d::new(2, 4, 3);
/// assert_eq!(conv.forward(&Tensor::ones(&[5, 2, 10])).shape(), &[5, 4, 8]);
/// assert_eq!(conv.repr(), "Conv1d(2, 4, kernel_size=(3,), stride=(1,))");
/// ```
Conv1d, transposed = false, |c: &Conv1d, x: &Tensor| {
    let o = &c.options;
    F::try_conv1d(x, &c.weight, c.bias.as_ref(), o.stride.0[1], o.padding.clone(), o.dilation.0[1], o.groups)
});

impl Conv1d {
    /// `nn.Conv1d(in_channels, out_channels, kernel_size)` with PyTorch's defaults.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Conv1d::new(2, 4, 3).weight.shape(), &[4, 2, 3]);
    /// ```
    #[track_caller]
    pub fn new(in_channels: usize, out_channels: usize, kernel_size: usize) -> Conv1d {
        Conv1d::with_options(in_channels, out_channels, kernel_size, ConvOptions::default())
    }

    /// `nn.Conv1d` with keyword arguments.
    ///
    /// ```
    /// use torchlight::nn;
    /// let c = nn::Conv1d::with_options(4, 4, 3, nn::ConvOptions::new().groups(2).bias(false));
    /// assert_eq!(c.weight.shape(), &[4, 2, 3]);
    /// ```
    #[track_caller]
    pub fn with_options(in_channels: usize, out_channels: usize, kernel_size: usize, options: ConvOptions) -> Conv1d {
        Conv1d::build(in_channels, out_channels, vec![kernel_size], options)
    }
}

conv_module!(
/// A 2-D convolution layer (`torch.nn.Conv2d`): weight `[out, in / groups, kh, kw]`,
/// initialised as PyTorch does, so `manual_seed` gives PyTorch's initial values.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let conv = nn::Conv2d::with_options(1, 8, 3, nn::ConvOptions::new().padding(1));
/// assert_eq!(conv.forward(&Tensor::ones(&[2, 1, 28, 28])).shape(), &[2, 8, 28, 28]);
/// assert_eq!(conv.repr(), "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
/// ```
Conv2d, transposed = false, |c: &Conv2d, x: &Tensor| {
    let o = &c.options;
    F::try_conv2d(x, &c.weight, c.bias.as_ref(), o.stride, o.padding.clone(), o.dilation, o.groups)
});

impl Conv2d {
    /// `nn.Conv2d(in_channels, out_channels, kernel_size)` with PyTorch's defaults.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Conv2d::new(3, 8, (5, 3)).weight.shape(), &[8, 3, 5, 3]);
    /// ```
    #[track_caller]
    pub fn new(in_channels: usize, out_channels: usize, kernel_size: impl Into<Size2>) -> Conv2d {
        Conv2d::with_options(in_channels, out_channels, kernel_size, ConvOptions::default())
    }

    /// `nn.Conv2d` with keyword arguments.
    ///
    /// ```
    /// use torchlight::nn;
    /// let c = nn::Conv2d::with_options(4, 8, 3, nn::ConvOptions::new().stride(2).groups(4));
    /// assert_eq!(c.weight.shape(), &[8, 1, 3, 3]);
    /// ```
    #[track_caller]
    pub fn with_options(
        in_channels: usize,
        out_channels: usize,
        kernel_size: impl Into<Size2>,
        options: ConvOptions,
    ) -> Conv2d {
        Conv2d::build(in_channels, out_channels, kernel_size.into().0.to_vec(), options)
    }
}

conv_module!(
/// A transposed 2-D convolution layer (`torch.nn.ConvTranspose2d`): weight
/// `[in, out / groups, kh, kw]`. Padding must be explicit (PyTorch refuses `'same'` here too).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let up = nn::ConvTranspose2d::with_options(8, 4, 2, nn::ConvOptions::new().stride(2));
/// assert_eq!(up.forward(&Tensor::ones(&[1, 8, 7, 7])).shape(), &[1, 4, 14, 14]);
/// ```
ConvTranspose2d, transposed = true, |c: &ConvTranspose2d, x: &Tensor| {
    let o = &c.options;
    let padding = match &o.padding {
        Padding::Explicit(p) if p.len() == 2 => Size2([p[0], p[1]]),
        Padding::Explicit(p) => Size2([p[0], p[0]]),
        _ => Size2([0, 0]),
    };
    F::try_conv_transpose2d(x, &c.weight, c.bias.as_ref(), o.stride, padding, o.output_padding, o.groups, o.dilation)
});

impl ConvTranspose2d {
    /// `nn.ConvTranspose2d(in_channels, out_channels, kernel_size)` with PyTorch's defaults.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ConvTranspose2d::new(3, 8, 2).weight.shape(), &[3, 8, 2, 2]);
    /// ```
    #[track_caller]
    pub fn new(in_channels: usize, out_channels: usize, kernel_size: impl Into<Size2>) -> ConvTranspose2d {
        ConvTranspose2d::with_options(in_channels, out_channels, kernel_size, ConvOptions::default())
    }

    /// `nn.ConvTranspose2d` with keyword arguments; panics on `'same'` or `'valid'` padding,
    /// as PyTorch raises.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let c = nn::ConvTranspose2d::with_options(4, 4, 3, nn::ConvOptions::new().stride(2).output_padding(1));
    /// assert!(c.repr().contains("output_padding=(1, 1)"));
    /// ```
    #[track_caller]
    pub fn with_options(
        in_channels: usize,
        out_channels: usize,
        kernel_size: impl Into<Size2>,
        options: ConvOptions,
    ) -> ConvTranspose2d {
        assert!(
            matches!(options.padding, Padding::Explicit(_)),
            "Only \"zeros\" padding mode is supported for ConvTranspose2d and padding must be numeric"
        );
        ConvTranspose2d::build(in_channels, out_channels, kernel_size.into().0.to_vec(), options)
    }
}
