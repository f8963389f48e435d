//! [`Collate`]: how a [`DataLoader`](super::DataLoader) turns a list of items into a batch
//! (`torch.utils.data.default_collate`).

use crate::{Error, Result, Tensor};

/// Combines the items of one batch, as `default_collate` does: tensors are stacked along a
/// new dim 0, numbers become a 1-d tensor, and tuples and `Vec`s are collated field by field
/// (so a batch of `(x, y)` pairs becomes one `(xs, ys)` pair).
///
/// ```
/// use torchlight::data::Collate;
/// use torchlight::Tensor;
/// let items = vec![(Tensor::zeros(&[2]), 1i64), (Tensor::ones(&[2]), 0i64)];
/// let (x, y) = Collate::collate(items).unwrap();
/// assert_eq!(x.shape(), &[2, 2]);
/// assert_eq!(y.to_vec::<i64>(), vec![1, 0]);
/// ```
pub trait Collate: Sized {
    /// What a batch of these items becomes.
    type Batch;

    /// Collates a non-empty batch; `Err` with torch's message when the items do not fit
    /// together (tensors of different shapes, lists of different lengths).
    fn collate(items: Vec<Self>) -> Result<Self::Batch>;
}

impl Collate for Tensor {
    type Batch = Tensor;

    fn collate(items: Vec<Tensor>) -> Result<Tensor> {
        Tensor::try_stack(&items, 0)
    }
}

/// Numbers become a 1-d tensor of their dtype: Python floats give float64, ints int64.
macro_rules! scalar_impl {
    ($($t:ty),*) => {$(
        impl Collate for $t {
            type Batch = Tensor;

            fn collate(items: Vec<$t>) -> Result<Tensor> {
                let n = items.len();
                Ok(Tensor::from_vec(items, &[n]))
            }
        }
    )*};
}
scalar_impl!(f32, f64, i64, bool);

/// A sequence: every item must have the same length; element `k` of the batch collates
/// element `k` of every item.
impl<T: Collate> Collate for Vec<T> {
    type Batch = Vec<T::Batch>;

    fn collate(items: Vec<Vec<T>>) -> Result<Vec<T::Batch>> {
        let width = items.first().map_or(0, Vec::len);
        if items.iter().any(|it| it.len() != width) {
            return Err(Error::Runtime("each element in list of batch should be of equal size".into()));
        }
        let mut columns: Vec<Vec<T>> = (0..width).map(|_| Vec::with_capacity(items.len())).collect();
        for item in items {
            for (column, value) in columns.iter_mut().zip(item) {
                column.push(value);
            }
        }
        columns.into_iter().map(T::collate).collect()
    }
}

macro_rules! tuple_impl {
    ($($name:ident $col:ident $idx:tt),+) => {
        impl<$($name: Collate),+> Collate for ($($name,)+) {
            type Batch = ($($name::Batch,)+);

            fn collate(items: Vec<Self>) -> Result<Self::Batch> {
                $(let mut $col = Vec::with_capacity(items.len());)+
                for item in items {
                    $($col.push(item.$idx);)+
                }
                Ok(($($name::collate($col)?,)+))
            }
        }
    };
}
tuple_impl!(A a 0);
tuple_impl!(A a 0, B b 1);
tuple_impl!(A a 0, B b 1, C c 2);
tuple_impl!(A a 0, B b 1, C c 2, D d 3);
tuple_impl!(A a 0, B b 1, C c 2, D d 3, E e 4);
