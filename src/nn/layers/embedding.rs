//! [`Embedding`]: a lookup table of vectors.

use crate::nn::init;
use crate::nn::{Module, Parameter, TrainingFlag, Visitor, VisitorMut};
use crate::{DType, Error, Result, Tensor};

/// A table of `num_embeddings` vectors of size `embedding_dim`, indexed by int64 tensors
/// (`torch.nn.Embedding`): the output has the input's shape plus `embedding_dim`.
///
/// The weight is drawn from `N(0, 1)` as PyTorch draws it; with a padding index, that row is
/// zeroed and never receives a gradient.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let emb = nn::Embedding::new(10, 3).padding_idx(0);
/// let y = emb.forward(&Tensor::from_vec(vec![1i64, 0, 4, 9], &[2, 2]));
/// assert_eq!(y.shape(), &[2, 2, 3]);
/// assert_eq!(y.to_vec::<f32>()[3..6], [0.0, 0.0, 0.0]);
/// ```
pub struct Embedding {
    /// The table, `(num_embeddings, embedding_dim)`.
    pub weight: Tensor,
    /// The number of rows.
    pub num_embeddings: usize,
    /// The size of each vector.
    pub embedding_dim: usize,
    /// The row that pads sequences: kept out of gradient updates.
    pub padding_idx: Option<usize>,
    training: TrainingFlag,
}

impl Embedding {
    /// A table drawn from `N(0, 1)` (`nn.Embedding(num_embeddings, embedding_dim)`).
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Embedding::new(5, 2).weight.shape(), &[5, 2]);
    /// ```
    pub fn new(num_embeddings: usize, embedding_dim: usize) -> Embedding {
        let weight = Parameter(Tensor::empty(&[num_embeddings, embedding_dim]));
        init::normal_(&weight, 0.0, 1.0);
        Embedding { weight, num_embeddings, embedding_dim, padding_idx: None, training: TrainingFlag::default() }
    }

    /// Sets the padding row (PyTorch's `padding_idx=`; negative counts from the end) and
    /// zeroes it, as the constructor does. Panics when out of range, as PyTorch asserts.
    ///
    /// ```
    /// let e = torchlight::nn::Embedding::new(4, 2).padding_idx(-1);
    /// assert_eq!(e.padding_idx, Some(3));
    /// ```
    #[track_caller]
    pub fn padding_idx(mut self, padding_idx: i64) -> Embedding {
        let n = self.num_embeddings as i64;
        assert!((-n..n).contains(&padding_idx), "Padding_idx must be within num_embeddings");
        let idx = if padding_idx < 0 { padding_idx + n } else { padding_idx } as usize;
        crate::no_grad(|| {
            self.weight.select(0, idx as i64).fill_(0.0);
        });
        self.padding_idx = Some(idx);
        self
    }

    /// A table holding `embeddings` (`nn.Embedding.from_pretrained(embeddings, freeze)`):
    /// the weight shares its storage and requires grad unless `freeze`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let e = nn::Embedding::from_pretrained(Tensor::ones(&[3, 2]), true);
    /// assert!(!e.weight.requires_grad());
    /// ```
    #[track_caller]
    pub fn from_pretrained(embeddings: Tensor, freeze: bool) -> Embedding {
        assert_eq!(embeddings.dim(), 2, "Embeddings parameter is expected to be 2-dimensional");
        let (num_embeddings, embedding_dim) = (embeddings.shape()[0], embeddings.shape()[1]);
        let weight = Parameter(embeddings).requires_grad_(!freeze);
        Embedding { weight, num_embeddings, embedding_dim, padding_idx: None, training: TrainingFlag::default() }
    }

    /// Fallible twin of `forward`: the rows of the weight at `input`'s indices.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let err = nn::Embedding::new(3, 2).try_forward(&Tensor::from_slice(&[3i64])).unwrap_err();
    /// assert_eq!(err.to_string(), "index out of range in self");
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        if input.dtype() != DType::I64 {
            let name = match input.dtype() {
                DType::Bool => "CPUBoolType",
                other => other.legacy_type_name(),
            };
            return Err(Error::Runtime(format!(
                "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; \
                 but got {name} instead (while checking arguments for embedding)"
            )));
        }
        let flat = input.try_reshape(&[-1])?;
        let mut rows = self.weight.try_index_select(0, &flat)?;
        if let Some(pad) = self.padding_idx {
            // The padding row keeps its value but passes no gradient back to the table.
            let keep = flat.ne(pad as i64).unsqueeze(1);
            if rows.requires_grad() {
                rows = crate::try_where(&keep, &rows, &rows.detach())?;
            }
        }
        let mut shape: Vec<i64> = input.shape().iter().map(|&s| s as i64).collect();
        shape.push(self.embedding_dim as i64);
        rows.try_reshape(&shape)
    }
}

impl Module for Embedding {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::error::unwrap(self.try_forward(input))
    }
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        v.param("weight", &self.weight);
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        v.param("weight", &mut self.weight);
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Embedding".into()
    }
    fn extra_repr(&self) -> String {
        let mut s = format!("{}, {}", self.num_embeddings, self.embedding_dim);
        if let Some(p) = self.padding_idx {
            s.push_str(&format!(", padding_idx={p}"));
        }
        s
    }
}
