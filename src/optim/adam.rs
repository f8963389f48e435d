//! Adam and AdamW (`torch/optim/adam.py`, `_single_tensor_adam`, non-capturable branch).
//! AdamW is Adam with decoupled weight decay, as in PyTorch.

use super::core::{check_nonneg, impl_optimizer, inc_step, single_group, step_tensor, Core, ParamState, Tensors};
use super::{fused, Dict, ParamGroup, Value};
use crate::error::unwrap;
use crate::{Error, Result, Tensor};
use std::collections::BTreeMap;

/// The options of [`Adam`] and [`AdamW`], with PyTorch's defaults for Adam
/// ([`AdamOptions::adamw`] for AdamW's).
///
/// ```
/// let o = torchlight::optim::AdamOptions::default();
/// assert_eq!((o.lr, o.betas, o.eps, o.weight_decay), (1e-3, (0.9, 0.999), 1e-8, 0.0));
/// assert_eq!(torchlight::optim::AdamOptions::adamw().weight_decay, 1e-2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AdamOptions {
    /// Learning rate (default `1e-3`).
    pub lr: f64,
    /// Decay rates of the first and second moment averages (default `(0.9, 0.999)`).
    pub betas: (f64, f64),
    /// Added to the denominator (default `1e-8`).
    pub eps: f64,
    /// Weight decay (Adam: L2 penalty, default 0; AdamW: decoupled, default `1e-2`).
    pub weight_decay: f64,
    /// Use the maximum of past second moments (AMSGrad; default false).
    pub amsgrad: bool,
    /// Maximize the objective (default false).
    pub maximize: bool,
    /// Decay the weights directly instead of through the gradient (true for AdamW).
    pub decoupled_weight_decay: bool,
}

impl Default for AdamOptions {
    fn default() -> Self {
        AdamOptions {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            maximize: false,
            decoupled_weight_decay: false,
        }
    }
}

impl AdamOptions {
    /// AdamW's defaults: decoupled weight decay of `1e-2`.
    ///
    /// ```
    /// assert!(torchlight::optim::AdamOptions::adamw().decoupled_weight_decay);
    /// ```
    pub fn adamw() -> AdamOptions {
        AdamOptions { weight_decay: 1e-2, decoupled_weight_decay: true, ..Default::default() }
    }

    /// PyTorch's constructor checks, in its order.
    ///
    /// ```
    /// let o = torchlight::optim::AdamOptions { betas: (1.0, 0.999), ..Default::default() };
    /// assert_eq!(o.validate().unwrap_err().to_string(), "Invalid beta parameter at index 0: 1.0");
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_nonneg(self.lr, "learning rate")?;
        check_nonneg(self.eps, "epsilon value")?;
        for (i, b) in [self.betas.0, self.betas.1].into_iter().enumerate() {
            if !(0.0..1.0).contains(&b) {
                return Err(Error::Value(format!(
                    "Invalid beta parameter at index {i}: {}",
                    crate::format::python_repr(b)
                )));
            }
        }
        check_nonneg(self.weight_decay, "weight_decay value")
    }

    fn to_dict(&self) -> Dict {
        Dict::new()
            .with("lr", self.lr)
            .with("betas", self.betas)
            .with("eps", self.eps)
            .with("weight_decay", self.weight_decay)
            .with("amsgrad", self.amsgrad)
            .with("maximize", self.maximize)
            .with("foreach", Value::None)
            .with("capturable", false)
            .with("differentiable", false)
            .with("fused", Value::None)
            .with("decoupled_weight_decay", self.decoupled_weight_decay)
    }

    fn from_dict(d: &Dict) -> Result<AdamOptions> {
        Ok(AdamOptions {
            lr: d.f64("lr")?,
            betas: d.f64_pair("betas")?,
            eps: d.f64("eps")?,
            weight_decay: d.f64("weight_decay")?,
            amsgrad: d.bool("amsgrad")?,
            maximize: d.bool("maximize")?,
            decoupled_weight_decay: d.bool("decoupled_weight_decay")?,
        })
    }
}

struct AdamState {
    step: f64,
    exp_avg: Tensor,
    exp_avg_sq: Tensor,
    max_exp_avg_sq: Option<Tensor>,
}

impl ParamState for AdamState {
    fn to_tensors(&self) -> BTreeMap<String, Tensor> {
        let mut m = BTreeMap::new();
        m.insert("step".to_string(), step_tensor(self.step));
        m.insert("exp_avg".to_string(), self.exp_avg.copy());
        m.insert("exp_avg_sq".to_string(), self.exp_avg_sq.copy());
        if let Some(t) = &self.max_exp_avg_sq {
            m.insert("max_exp_avg_sq".to_string(), t.copy());
        }
        m
    }

    fn from_tensors(t: &Tensors, p: &Tensor) -> Result<Self> {
        Ok(AdamState {
            step: t.step()?,
            exp_avg: t.tensor("exp_avg", p)?,
            exp_avg_sq: t.tensor("exp_avg_sq", p)?,
            max_exp_avg_sq: t.optional("max_exp_avg_sq", p)?,
        })
    }
}

/// Adam and AdamW: `DECOUPLED` selects AdamW's defaults. Use the aliases [`Adam`] and
/// [`AdamW`].
pub struct AdamBase<const DECOUPLED: bool> {
    core: Core<AdamState>,
    options: AdamOptions,
}

/// Adam (`torch.optim.Adam`): `p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)` with running
/// averages `m` of the gradient and `v` of its square and bias corrections
/// `bc = 1 - beta^step`.
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::from_slice(&[1.0f32]).requires_grad_(true);
/// let mut opt = optim::Adam::new(vec![w.clone()], 0.1).betas(0.8, 0.99).amsgrad(true);
/// (&w * &w).sum().backward();
/// opt.step(); // the first step moves by about lr
/// assert!((w.to_vec::<f32>()[0] - 0.9).abs() < 1e-6);
/// ```
pub type Adam = AdamBase<false>;

/// AdamW (`torch.optim.AdamW`): Adam with decoupled weight decay `p *= 1 - lr * wd`,
/// default `weight_decay = 1e-2`.
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::from_slice(&[1.0f32]).requires_grad_(true);
/// let mut opt = optim::AdamW::new(vec![w.clone()], 0.1);
/// w.mul(0.0).sum().backward(); // zero gradient: only the decay acts
/// opt.step();
/// assert_eq!(w.to_vec::<f32>(), vec![0.999]);
/// ```
pub type AdamW = AdamBase<true>;

impl Adam {
    /// Adam over `params` with learning rate `lr`, other options at their defaults.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]).requires_grad_(true);
    /// let _ = torchlight::optim::Adam::new(vec![w], 1e-3).weight_decay(1e-4);
    /// ```
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f64) -> Adam {
        unwrap(Adam::try_new(single_group(params), AdamOptions { lr, ..Default::default() }))
    }

    /// Adam over several param groups.
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer, ParamGroup}, Tensor};
    /// let a = Tensor::zeros(&[1]).requires_grad_(true);
    /// let opt = optim::Adam::from_groups(vec![ParamGroup::new(vec![a]).with("lr", 0.5)], 0.1);
    /// assert_eq!(opt.get_lr(), vec![0.5]);
    /// ```
    #[track_caller]
    pub fn from_groups(groups: Vec<ParamGroup>, lr: f64) -> Adam {
        unwrap(Adam::try_new(groups, AdamOptions { lr, ..Default::default() }))
    }

    /// Decouples the weight decay from the gradient (`decoupled_weight_decay=`), which makes
    /// this Adam an AdamW.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adam::new(vec![w], 0.1).weight_decay(0.01).decoupled_weight_decay(true);
    /// ```
    #[track_caller]
    pub fn decoupled_weight_decay(self, decoupled: bool) -> Adam {
        self.update(|o| o.decoupled_weight_decay = decoupled)
    }
}

impl AdamW {
    /// AdamW over `params` with learning rate `lr`, other options at AdamW's defaults.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]).requires_grad_(true);
    /// let _ = torchlight::optim::AdamW::new(vec![w], 1e-3).weight_decay(0.1);
    /// ```
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f64) -> AdamW {
        unwrap(AdamW::try_new(single_group(params), AdamOptions { lr, ..AdamOptions::adamw() }))
    }

    /// AdamW over several param groups.
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer, ParamGroup}, Tensor};
    /// let a = Tensor::zeros(&[1]).requires_grad_(true);
    /// let opt = optim::AdamW::from_groups(vec![ParamGroup::new(vec![a]).with("weight_decay", 0.0)], 0.1);
    /// assert_eq!(opt.param_groups()[0].get("weight_decay").unwrap().as_f64(), Some(0.0));
    /// ```
    #[track_caller]
    pub fn from_groups(groups: Vec<ParamGroup>, lr: f64) -> AdamW {
        unwrap(AdamW::try_new(groups, AdamOptions { lr, ..AdamOptions::adamw() }))
    }
}

impl<const DECOUPLED: bool> AdamBase<DECOUPLED> {
    /// Fallible constructor from param groups and every option. For [`AdamW`],
    /// `decoupled_weight_decay` is forced on, as PyTorch's AdamW does.
    ///
    /// ```
    /// use torchlight::{optim::{Adam, AdamOptions, ParamGroup}, Tensor};
    /// let w = Tensor::zeros(&[1]).requires_grad_(true);
    /// let o = AdamOptions { weight_decay: -1.0, ..Default::default() };
    /// let err = Adam::try_new(vec![ParamGroup::new(vec![w])], o).err().unwrap();
    /// assert_eq!(err.to_string(), "Invalid weight_decay value: -1.0");
    /// ```
    pub fn try_new(groups: Vec<ParamGroup>, mut options: AdamOptions) -> Result<Self> {
        options.decoupled_weight_decay |= DECOUPLED;
        options.validate()?;
        Ok(AdamBase { core: Core::new(groups, options.to_dict())?, options })
    }

    #[track_caller]
    fn update(mut self, f: impl FnOnce(&mut AdamOptions)) -> Self {
        f(&mut self.options);
        unwrap(self.options.validate());
        for (k, v) in self.options.to_dict().iter() {
            if self.core.defaults.get(k) != Some(v) {
                self.core.set_default(k, v.clone());
            }
        }
        self
    }

    /// Sets the moment decay rates (`betas=(beta1, beta2)`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adam::new(vec![w], 0.1).betas(0.8, 0.99);
    /// ```
    #[track_caller]
    pub fn betas(self, beta1: f64, beta2: f64) -> Self {
        self.update(|o| o.betas = (beta1, beta2))
    }

    /// Sets the term added to the denominator (`eps=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adam::new(vec![w], 0.1).eps(1e-6);
    /// ```
    #[track_caller]
    pub fn eps(self, eps: f64) -> Self {
        self.update(|o| o.eps = eps)
    }

    /// Sets the weight decay (`weight_decay=`): an L2 penalty for Adam, decoupled for AdamW.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::AdamW::new(vec![w], 0.1).weight_decay(0.05);
    /// ```
    #[track_caller]
    pub fn weight_decay(self, weight_decay: f64) -> Self {
        self.update(|o| o.weight_decay = weight_decay)
    }

    /// AMSGrad (`amsgrad=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adam::new(vec![w], 0.1).amsgrad(true);
    /// ```
    #[track_caller]
    pub fn amsgrad(self, amsgrad: bool) -> Self {
        self.update(|o| o.amsgrad = amsgrad)
    }

    /// Maximizes the objective (`maximize=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adam::new(vec![w], 0.1).maximize(true);
    /// ```
    #[track_caller]
    pub fn maximize(self, maximize: bool) -> Self {
        self.update(|o| o.maximize = maximize)
    }

    fn step_impl(&mut self) -> Result<()> {
        let Core { groups, state, .. } = &mut self.core;
        for group in groups.iter() {
            let o = AdamOptions::from_dict(&group.options)?;
            let (beta1, beta2) = o.betas;
            for p in &group.params {
                let Some(grad) = p.grad() else { continue };
                let st = state.get_or_insert_with(p, || AdamState {
                    step: 0.0,
                    exp_avg: p.zeros_like(),
                    exp_avg_sq: p.zeros_like(),
                    max_exp_avg_sq: o.amsgrad.then(|| p.zeros_like()),
                });
                st.step = inc_step(st.step);
                // Python float arithmetic on the step count, in double.
                let bias_correction1 = 1.0 - beta1.powf(st.step);
                let bias_correction2 = 1.0 - beta2.powf(st.step);
                let step_size = o.lr / bias_correction1;
                // `bias_correction2 ** 0.5` is libm pow, which need not equal sqrt; black_box
                // keeps the compiler from turning it into one.
                let bias_correction2_sqrt = bias_correction2.powf(std::hint::black_box(0.5));
                if o.amsgrad && st.max_exp_avg_sq.is_none() {
                    st.max_exp_avg_sq = Some(p.zeros_like());
                }
                let decay = o.weight_decay != 0.0;
                let k = fused::AdamStep {
                    lerp_weight: 1.0 - beta1,
                    beta2,
                    one_minus_beta2: 1.0 - beta2,
                    step_size,
                    bias_correction2_sqrt,
                    eps: o.eps,
                    maximize: o.maximize,
                    coupled_decay: if decay && !o.decoupled_weight_decay { o.weight_decay } else { 0.0 },
                    decoupled_factor: if decay && o.decoupled_weight_decay { 1.0 - o.lr * o.weight_decay } else { 1.0 },
                };
                let max = if o.amsgrad { st.max_exp_avg_sq.as_ref() } else { None };
                let tensors = fused::AdamTensors {
                    param: p,
                    grad: &grad,
                    exp_avg: &st.exp_avg,
                    exp_avg_sq: &st.exp_avg_sq,
                    max_exp_avg_sq: max,
                };
                if fused::adam(&tensors, &k) {
                    continue;
                }
                // The op-by-op path, for layouts the fused loop does not take.
                let mut g = if o.maximize { grad.neg() } else { grad };
                if o.weight_decay != 0.0 {
                    if o.decoupled_weight_decay {
                        p.mul_(1.0 - o.lr * o.weight_decay);
                    } else {
                        g = g.add_scaled(p, o.weight_decay);
                    }
                }
                st.exp_avg.lerp_(&g, 1.0 - beta1);
                st.exp_avg_sq.mul_(beta2).addcmul_(&g, &g, 1.0 - beta2);
                let second = if o.amsgrad {
                    let max = st.max_exp_avg_sq.as_ref().expect("made above when amsgrad is on");
                    max.copy_(&max.maximum(&st.exp_avg_sq));
                    max.sqrt()
                } else {
                    st.exp_avg_sq.sqrt()
                };
                let denom = second / bias_correction2_sqrt;
                denom.add_(o.eps);
                p.addcdiv_(&st.exp_avg, &denom, -step_size);
            }
        }
        Ok(())
    }
}

impl_optimizer!([const DECOUPLED: bool] AdamBase<DECOUPLED>);
