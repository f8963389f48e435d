//! Padding layers (`torch.nn.ZeroPad2d`, `ReflectionPad1d`, ...): [`F::pad`] with the
//! padding fixed at construction, one type per PyTorch class.

use super::py_tuple;
use crate::nn::functional::{self as F, PadMode};
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::Tensor;

/// `(left, right, ...)` for `dims` padded dims: one size for every side, or all of them.
fn expand_padding(padding: &[i64], dims: usize, name: &str) -> Vec<i64> {
    match padding.len() {
        1 => vec![padding[0]; 2 * dims],
        n if n == 2 * dims => padding.to_vec(),
        n => panic!("{name}: padding must have 1 or {} sizes, got {n}", 2 * dims),
    }
}

macro_rules! pad_layers {
    ($($name:ident, $dims:expr, $mode:ident, $what:literal, $example:literal;)*) => {$(
        #[doc = concat!("Pads the last ", stringify!($dims), " dim(s) ", $what, " (`torch.nn.", stringify!($name), "`).")]
        ///
        /// ```
        /// use torchlight::{nn, nn::Module, Tensor};
        #[doc = $example]
        /// ```
        pub struct $name {
            /// `(left, right, top, bottom, front, back)`, as many pairs as padded dims.
            pub padding: Vec<i64>,
            training: TrainingFlag,
        }

        impl $name {
            /// Pads by `padding`: one size for every side, or a (before, after) pair per
            /// padded dim, last dim first. Panics on any other count.
            pub fn new(padding: &[i64]) -> $name {
                $name { padding: expand_padding(padding, $dims, stringify!($name)), training: TrainingFlag::default() }
            }
        }

        impl Module for $name {
            #[track_caller]
            fn forward(&self, input: &Tensor) -> Tensor {
                F::pad(input, &self.padding, PadMode::$mode, None)
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
                py_tuple(&self.padding)
            }
        }
    )*};
}

pad_layers! {
    ZeroPad1d, 1, Constant, "with zeros",
        "assert_eq!(nn::ZeroPad1d::new(&[1, 0]).forward(&Tensor::ones(&[1, 2])).to_vec::<f32>(), vec![0.0, 1.0, 1.0]);";
    ZeroPad2d, 2, Constant, "with zeros",
        "assert_eq!(nn::ZeroPad2d::new(&[1]).forward(&Tensor::ones(&[1, 2, 2])).shape(), &[1, 4, 4]);";
    ZeroPad3d, 3, Constant, "with zeros",
        "assert_eq!(nn::ZeroPad3d::new(&[1]).forward(&Tensor::ones(&[1, 1, 1, 1])).shape(), &[1, 3, 3, 3]);";
    ReflectionPad1d, 1, Reflect, "with their mirror image",
        "assert_eq!(nn::ReflectionPad1d::new(&[2]).forward(&Tensor::arange(0.0, 3.0, 1.0).reshape(&[1, 3])).to_vec::<f32>(), vec![2.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0]);";
    ReflectionPad2d, 2, Reflect, "with their mirror image",
        "assert_eq!(nn::ReflectionPad2d::new(&[1, 1, 2, 0]).forward(&Tensor::ones(&[1, 3, 3])).shape(), &[1, 5, 5]);";
    ReflectionPad3d, 3, Reflect, "with their mirror image",
        "assert_eq!(nn::ReflectionPad3d::new(&[1]).forward(&Tensor::ones(&[1, 2, 2, 2])).shape(), &[1, 4, 4, 4]);";
    ReplicationPad1d, 1, Replicate, "with copies of the edge",
        "assert_eq!(nn::ReplicationPad1d::new(&[0, 2]).forward(&Tensor::arange(0.0, 2.0, 1.0).reshape(&[1, 2])).to_vec::<f32>(), vec![0.0, 1.0, 1.0, 1.0]);";
    ReplicationPad2d, 2, Replicate, "with copies of the edge",
        "assert_eq!(nn::ReplicationPad2d::new(&[1]).forward(&Tensor::ones(&[1, 1, 2])).shape(), &[1, 3, 4]);";
    ReplicationPad3d, 3, Replicate, "with copies of the edge",
        "assert_eq!(nn::ReplicationPad3d::new(&[1]).repr(), \"ReplicationPad3d((1, 1, 1, 1, 1, 1))\");";
    CircularPad1d, 1, Circular, "by wrapping around",
        "assert_eq!(nn::CircularPad1d::new(&[1]).forward(&Tensor::arange(0.0, 3.0, 1.0).reshape(&[1, 3])).to_vec::<f32>(), vec![2.0, 0.0, 1.0, 2.0, 0.0]);";
    CircularPad2d, 2, Circular, "by wrapping around",
        "assert_eq!(nn::CircularPad2d::new(&[1]).forward(&Tensor::ones(&[1, 2, 2])).shape(), &[1, 4, 4]);";
    CircularPad3d, 3, Circular, "by wrapping around",
        "assert_eq!(nn::CircularPad3d::new(&[1]).forward(&Tensor::ones(&[1, 2, 2, 2])).shape(), &[1, 4, 4, 4]);";
}

macro_rules! constant_pad_layers {
    ($($name:ident, $dims:expr, $example:literal;)*) => {$(
        #[doc = concat!("Pads the last ", stringify!($dims), " dim(s) with a constant (`torch.nn.", stringify!($name), "`).")]
        ///
        /// ```
        /// use torchlight::{nn, nn::Module, Tensor};
        #[doc = $example]
        /// ```
        pub struct $name {
            /// `(left, right, top, bottom, front, back)`, as many pairs as padded dims.
            pub padding: Vec<i64>,
            /// The fill value.
            pub value: f64,
            training: TrainingFlag,
        }

        impl $name {
            /// Pads by `padding` (one size for every side, or a pair per padded dim, last
            /// dim first) with `value`. Panics on any other count.
            pub fn new(padding: &[i64], value: f64) -> $name {
                let padding = expand_padding(padding, $dims, stringify!($name));
                $name { padding, value, training: TrainingFlag::default() }
            }
        }

        impl Module for $name {
            #[track_caller]
            fn forward(&self, input: &Tensor) -> Tensor {
                F::pad(input, &self.padding, PadMode::Constant, Some(self.value))
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
                format!("padding={}, value={}", py_tuple(&self.padding), crate::format::python_repr(self.value))
            }
        }
    )*};
}

constant_pad_layers! {
    ConstantPad1d, 1,
        "assert_eq!(nn::ConstantPad1d::new(&[1, 0], 3.5).forward(&Tensor::ones(&[1, 1])).to_vec::<f32>(), vec![3.5, 1.0]);";
    ConstantPad2d, 2,
        "assert_eq!(nn::ConstantPad2d::new(&[1], 0.0).repr(), \"ConstantPad2d(padding=(1, 1, 1, 1), value=0.0)\");";
    ConstantPad3d, 3,
        "assert_eq!(nn::ConstantPad3d::new(&[1], -1.0).forward(&Tensor::ones(&[1, 1, 1])).shape(), &[3, 3, 3]);";
}
