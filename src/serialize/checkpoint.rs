//! [`Checkpoint`]: everything needed to resume training, in one safetensors file; the
//! torchlight counterpart of
//!
//! ```python
//! torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
//!             "scheduler": sched.state_dict(), "rng": torch.get_rng_state(), "epoch": 2}, path)
//! ```
//!
//! A checkpoint is a list of named entries: module state dicts, optimizer state dicts,
//! [`Dict`]s (scheduler state dicts, or any Python-like dict), generator states and single
//! [`Value`]s (the epoch, a best loss, a run name). Saving and loading keep every bit: tensors
//! are stored in their own dtype, and floats in the metadata are written as the shortest
//! decimal that reads back to the same `f64`.
//!
//! The layout is plain safetensors, readable from Python with `safetensors.safe_open`:
//!
//! - tensors under prefixed names: `model.0.weight` for the state dict entry `model`,
//!   `optimizer.state.3.exp_avg` for the state of parameter 3 of the optimizer entry
//!   `optimizer`;
//! - one metadata string per entry, named as the entry, holding a JSON object (as Python's
//!   `json` module writes it, `NaN` and `Infinity` included) with its `"kind"` (`state_dict`,
//!   `optimizer`, `dict`, `rng_state` or `value`) and its content: the tensor keys in order
//!   (`"keys"`), the optimizer's `"param_groups"` and the state keys of each parameter
//!   (`"state"`), the dict or value itself (`"value"`), or a generator state as hexadecimal
//!   bytes (`"hex"`, `bytes.fromhex` in Python);
//! - the metadata string `torchlight.checkpoint`: `{"format_version": 1, "entries": [...]}`,
//!   the entry names in order.
//!
//! [`Checkpoint::save`] writes atomically, as [`save_file`] does: a failed
//! save leaves the previous file as it was.
//!
//! ```
//! use torchlight::nn::{self, Module};
//! use torchlight::optim::lr_scheduler::{LRScheduler, StepLR};
//! use torchlight::optim::{self, Optimizer};
//! use torchlight::{self as tl, Checkpoint, Tensor};
//!
//! let path = std::env::temp_dir().join(format!("checkpoint-module-doc-{}.safetensors", std::process::id()));
//! tl::manual_seed(0);
//! let model = nn::Linear::new(3, 2);
//! let mut opt = optim::Adam::new(model.parameters(), 1e-2);
//! let mut sched = StepLR::new(&mut opt, 1, 0.5);
//! model.forward(&Tensor::randn(&[4, 3])).sum().backward();
//! opt.step();
//! sched.step(&mut opt);
//!
//! let mut ck = Checkpoint::new();
//! ck.put_state_dict("model", &model.state_dict());
//! ck.put_optimizer("optimizer", &opt.state_dict());
//! ck.put_dict("scheduler", &sched.state_dict());
//! ck.put_rng_state("rng", &tl::random::get_rng_state());
//! ck.put_value("epoch", 1i64);
//! ck.save(&path).unwrap();
//!
//! // Later, in another process: build the same objects, then restore their states.
//! let model2 = nn::Linear::new(3, 2);
//! let mut opt2 = optim::Adam::new(model2.parameters(), 1e-2);
//! let mut sched2 = StepLR::new(&mut opt2, 1, 0.5);
//! let ck = Checkpoint::load(&path).unwrap();
//! model2.load_state_dict(ck.state_dict("model").unwrap(), true).unwrap();
//! opt2.load_state_dict(ck.optimizer("optimizer").unwrap());
//! sched2.load_state_dict(ck.dict("scheduler").unwrap());
//! tl::random::set_rng_state(ck.rng_state("rng").unwrap()).unwrap();
//! assert_eq!(ck.value("epoch").unwrap().as_i64(), Some(1));
//! assert!(model2.weight.equal(&model.weight));
//! assert_eq!(opt2.get_lr(), opt.get_lr());
//! assert_eq!(sched2.get_last_lr(), sched.get_last_lr());
//! std::fs::remove_file(&path).unwrap();
//! ```

use super::decode::decode;
use super::file::save_file;
use super::header::{self, Origin, SIZE_LEN};
use crate::nn::StateDict;
use crate::optim::{Dict, OptimizerStateDict, Value};
use crate::{Error, Result, Tensor};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The metadata key of the checkpoint's index (format version and entry names).
const INDEX_KEY: &str = "torchlight.checkpoint";

/// The layout version written; files of a later version are refused.
const FORMAT_VERSION: i64 = 1;

/// One named part of a checkpoint.
#[derive(Clone)]
enum Entry {
    StateDict(StateDict),
    Optimizer(OptimizerStateDict),
    Dict(Dict),
    RngState(Vec<u8>),
    Value(Value),
}

impl Entry {
    /// The `"kind"` written in the metadata.
    fn kind(&self) -> &'static str {
        match self {
            Entry::StateDict(_) => "state_dict",
            Entry::Optimizer(_) => "optimizer",
            Entry::Dict(_) => "dict",
            Entry::RngState(_) => "rng_state",
            Entry::Value(_) => "value",
        }
    }

    /// What the entry is, for messages.
    fn what(&self) -> &'static str {
        match self {
            Entry::StateDict(_) => "a state dict",
            Entry::Optimizer(_) => "an optimizer state dict",
            Entry::Dict(_) => "a dict",
            Entry::RngState(_) => "an RNG state",
            Entry::Value(_) => "a value",
        }
    }
}

/// A training checkpoint: named state dicts, optimizer states, dicts, generator states and
/// values, saved to and loaded from one safetensors file (the dict PyTorch programs pass to
/// `torch.save`). See the [module documentation](crate::serialize::checkpoint) for the file layout.
///
/// `put_*` adds an entry or replaces the one of the same name (keeping its place, as a Python
/// dict does); the getters return an `Err` naming the file and the entry when it is missing
/// or of another kind.
///
/// ```
/// use torchlight::{nn::{self, Module}, Checkpoint};
/// let path = std::env::temp_dir().join(format!("checkpoint-doc-{}.safetensors", std::process::id()));
/// let model = nn::Linear::new(2, 1);
/// let mut ck = Checkpoint::new();
/// ck.put_state_dict("model", &model.state_dict()).put_value("epoch", 7i64);
/// ck.save(&path).unwrap();
///
/// let ck = Checkpoint::load(&path).unwrap();
/// assert_eq!(ck.names().collect::<Vec<_>>(), ["model", "epoch"]);
/// assert!(ck.state_dict("model").unwrap()["weight"].equal(&model.weight));
/// let err = ck.optimizer("optimizer").unwrap_err().to_string();
/// assert!(err.starts_with("KeyError: 'optimizer'") && err.contains("checkpoint-doc-"), "{err}");
/// std::fs::remove_file(&path).unwrap();
/// ```
#[derive(Clone, Default)]
pub struct Checkpoint {
    entries: Vec<(String, Entry)>,
    /// The file it was loaded from, for messages.
    path: Option<PathBuf>,
}

impl fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(name, e)| (name, e.kind()))).finish()
    }
}

impl Checkpoint {
    /// An empty checkpoint.
    ///
    /// ```
    /// assert!(torchlight::Checkpoint::new().is_empty());
    /// ```
    pub fn new() -> Checkpoint {
        Checkpoint::default()
    }

    fn put(&mut self, name: &str, entry: Entry) -> &mut Self {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some((_, e)) => *e = entry,
            None => self.entries.push((name.to_string(), entry)),
        }
        self
    }

    /// Adds a module's state dict (`ckpt["model"] = model.state_dict()`); its tensors are
    /// stored under `"{name}.{key}"`, in their own dtype.
    ///
    /// ```
    /// use torchlight::{nn::{self, Module}, Checkpoint};
    /// let mut ck = Checkpoint::new();
    /// ck.put_state_dict("model", &nn::Linear::new(2, 2).state_dict());
    /// assert_eq!(ck.state_dict("model").unwrap().len(), 2);
    /// ```
    pub fn put_state_dict(&mut self, name: &str, state_dict: &StateDict) -> &mut Self {
        self.put(name, Entry::StateDict(state_dict.clone()))
    }

    /// Adds an optimizer's state dict (`ckpt["optimizer"] = opt.state_dict()`): the
    /// per-parameter tensors under `"{name}.state.{index}.{key}"`, the param groups as JSON.
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer}, Checkpoint, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[2]).requires_grad_(true)], 0.1);
    /// let mut ck = Checkpoint::new();
    /// ck.put_optimizer("optimizer", &opt.state_dict());
    /// assert_eq!(ck.optimizer("optimizer").unwrap().param_groups[0].f64("lr").unwrap(), 0.1);
    /// ```
    pub fn put_optimizer(&mut self, name: &str, state_dict: &OptimizerStateDict) -> &mut Self {
        self.put(name, Entry::Optimizer(state_dict.clone()))
    }

    /// Adds a dict of plain values, such as a learning-rate scheduler's state dict
    /// (`ckpt["scheduler"] = sched.state_dict()`).
    ///
    /// ```
    /// use torchlight::{optim::Dict, Checkpoint};
    /// let mut ck = Checkpoint::new();
    /// ck.put_dict("config", &Dict::new().with("lr", 1e-3).with("mode", "min"));
    /// assert_eq!(ck.dict("config").unwrap().str("mode").unwrap(), "min");
    /// ```
    pub fn put_dict(&mut self, name: &str, dict: &Dict) -> &mut Self {
        self.put(name, Entry::Dict(dict.clone()))
    }

    /// Adds a generator state: the bytes of [`get_rng_state`](crate::random::get_rng_state)
    /// (`ckpt["rng"] = torch.get_rng_state()`) or of
    /// [`Generator::get_state`](crate::Generator::get_state).
    ///
    /// ```
    /// use torchlight::{random::Generator, Checkpoint};
    /// let g = Generator::with_seed(5);
    /// let mut ck = Checkpoint::new();
    /// ck.put_rng_state("loader_rng", &g.get_state());
    /// assert_eq!(ck.rng_state("loader_rng").unwrap(), g.get_state().as_slice());
    /// ```
    pub fn put_rng_state(&mut self, name: &str, state: &[u8]) -> &mut Self {
        self.put(name, Entry::RngState(state.to_vec()))
    }

    /// Adds a single value: an epoch (`2i64`), a float, a string, a list or a nested dict.
    ///
    /// ```
    /// let mut ck = torchlight::Checkpoint::new();
    /// ck.put_value("epoch", 2i64).put_value("best_loss", 0.125);
    /// assert_eq!(ck.value("epoch").unwrap().as_i64(), Some(2));
    /// ```
    pub fn put_value(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.put(name, Entry::Value(value.into()))
    }

    /// The entry names, in the order they were put.
    ///
    /// ```
    /// let mut ck = torchlight::Checkpoint::new();
    /// ck.put_value("b", 1i64).put_value("a", 2i64).put_value("b", 3i64);
    /// assert_eq!(ck.names().collect::<Vec<_>>(), ["b", "a"]);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// Whether there is an entry `name`, of any kind (`name in ckpt`).
    ///
    /// ```
    /// let mut ck = torchlight::Checkpoint::new();
    /// ck.put_value("epoch", 1i64);
    /// assert!(ck.contains("epoch") && !ck.contains("model"));
    /// ```
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// The number of entries.
    ///
    /// ```
    /// assert_eq!(torchlight::Checkpoint::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// assert!(torchlight::Checkpoint::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes an entry, returning whether it was there (`del ckpt[name]`).
    ///
    /// ```
    /// let mut ck = torchlight::Checkpoint::new();
    /// ck.put_value("epoch", 1i64);
    /// assert!(ck.remove("epoch") && !ck.remove("epoch"));
    /// ```
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(n, _)| n != name);
        self.entries.len() != before
    }

    /// `this checkpoint` or `checkpoint 'path'`, for messages.
    fn source(&self) -> String {
        match &self.path {
            Some(p) => format!("checkpoint '{}'", p.display()),
            None => "the checkpoint".into(),
        }
    }

    /// The entry `name`, or a `KeyError` naming the file and the entries it has.
    fn entry(&self, name: &str) -> Result<&Entry> {
        if let Some((_, e)) = self.entries.iter().find(|(n, _)| n == name) {
            return Ok(e);
        }
        let has = if self.entries.is_empty() {
            "has no entries".to_string()
        } else {
            let names: Vec<String> = self.entries.iter().map(|(n, _)| format!("'{n}'")).collect();
            format!("has entries {}", names.join(", "))
        };
        Err(Error::Value(format!("KeyError: '{name}' ({} {has})", self.source())))
    }

    /// The `TypeError` for an entry of another kind than asked for.
    fn wrong_kind(&self, name: &str, entry: &Entry, wanted: &str) -> Error {
        Error::Type(format!("entry '{name}' of {} is {}, not {wanted}", self.source(), entry.what()))
    }

    /// The state dict entry `name` (`ckpt["model"]`), ready for
    /// [`Module::load_state_dict`](crate::nn::Module::load_state_dict).
    ///
    /// ```
    /// use torchlight::{nn::{self, Module}, Checkpoint};
    /// let mut ck = Checkpoint::new();
    /// ck.put_state_dict("model", &nn::Linear::new(2, 2).state_dict()).put_value("epoch", 1i64);
    /// nn::Linear::new(2, 2).load_state_dict(ck.state_dict("model").unwrap(), true).unwrap();
    /// assert!(ck.state_dict("epoch").is_err());
    /// ```
    pub fn state_dict(&self, name: &str) -> Result<&StateDict> {
        match self.entry(name)? {
            Entry::StateDict(sd) => Ok(sd),
            e => Err(self.wrong_kind(name, e, "a state dict")),
        }
    }

    /// The optimizer state dict entry `name`, ready for
    /// [`Optimizer::load_state_dict`](crate::optim::Optimizer::load_state_dict).
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer}, Checkpoint, Tensor};
    /// let mut opt = optim::Adam::new(vec![Tensor::zeros(&[2]).requires_grad_(true)], 1e-3);
    /// let mut ck = Checkpoint::new();
    /// ck.put_optimizer("optimizer", &opt.state_dict());
    /// opt.load_state_dict(ck.optimizer("optimizer").unwrap());
    /// ```
    pub fn optimizer(&self, name: &str) -> Result<&OptimizerStateDict> {
        match self.entry(name)? {
            Entry::Optimizer(sd) => Ok(sd),
            e => Err(self.wrong_kind(name, e, "an optimizer state dict")),
        }
    }

    /// The dict entry `name`, such as a scheduler's state for
    /// [`LRScheduler::load_state_dict`](crate::optim::lr_scheduler::LRScheduler::load_state_dict).
    ///
    /// ```
    /// use torchlight::{optim::Dict, Checkpoint};
    /// let mut ck = Checkpoint::new();
    /// ck.put_dict("scheduler", &Dict::new().with("last_epoch", 3i64));
    /// assert_eq!(ck.dict("scheduler").unwrap().i64("last_epoch").unwrap(), 3);
    /// ```
    pub fn dict(&self, name: &str) -> Result<&Dict> {
        match self.entry(name)? {
            Entry::Dict(d) => Ok(d),
            e => Err(self.wrong_kind(name, e, "a dict")),
        }
    }

    /// The generator state entry `name`, for
    /// [`set_rng_state`](crate::random::set_rng_state) or
    /// [`Generator::set_state`](crate::Generator::set_state).
    ///
    /// ```
    /// use torchlight::{random, Checkpoint};
    /// let mut ck = Checkpoint::new();
    /// ck.put_rng_state("rng", &random::get_rng_state());
    /// random::set_rng_state(ck.rng_state("rng").unwrap()).unwrap();
    /// ```
    pub fn rng_state(&self, name: &str) -> Result<&[u8]> {
        match self.entry(name)? {
            Entry::RngState(b) => Ok(b),
            e => Err(self.wrong_kind(name, e, "an RNG state")),
        }
    }

    /// The value entry `name` (`ckpt["epoch"]`).
    ///
    /// ```
    /// let mut ck = torchlight::Checkpoint::new();
    /// ck.put_value("run", "baseline");
    /// assert_eq!(ck.value("run").unwrap().as_str(), Some("baseline"));
    /// assert!(ck.value("epoch").is_err());
    /// ```
    pub fn value(&self, name: &str) -> Result<&Value> {
        match self.entry(name)? {
            Entry::Value(v) => Ok(v),
            e => Err(self.wrong_kind(name, e, "a value")),
        }
    }

    /// Writes the checkpoint to a safetensors file (`torch.save(ckpt, path)`), atomically:
    /// if anything fails, a previous file at `path` is left as it was.
    ///
    /// An empty entry name, the reserved name `torchlight.checkpoint`, or two entries that
    /// would store a tensor under the same name (`"a"` with key `"b.c"` and `"a.b"` with key
    /// `"c"`) are an `Error::Value`.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("checkpoint-save-doc-{}.safetensors", std::process::id()));
    /// let mut ck = torchlight::Checkpoint::new();
    /// ck.put_value("epoch", 3i64);
    /// ck.save(&path).unwrap();
    /// assert_eq!(torchlight::Checkpoint::load(&path).unwrap().value("epoch").unwrap().as_i64(), Some(3));
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let (tensors, metadata) = self.encode()?;
        save_file(&tensors, path, Some(metadata))
    }

    /// The tensors and metadata strings of the file.
    fn encode(&self) -> Result<(StateDict, HashMap<String, String>)> {
        let mut tensors = Tensors::default();
        let mut metadata = HashMap::new();
        let mut names = Vec::with_capacity(self.entries.len());
        for (name, entry) in &self.entries {
            if name.is_empty() || name == INDEX_KEY {
                return Err(Error::Value(format!("a checkpoint entry cannot be named '{name}'")));
            }
            let mut desc = Dict::new().with("kind", entry.kind());
            match entry {
                Entry::StateDict(sd) => {
                    for (key, t) in sd.iter() {
                        tensors.add(name, format!("{name}.{key}"), t)?;
                    }
                    desc.set("keys", str_list(sd.keys()));
                }
                Entry::Optimizer(osd) => {
                    let mut state = Dict::new();
                    for (index, map) in &osd.state {
                        for (key, t) in map {
                            tensors.add(name, format!("{name}.state.{index}.{key}"), t)?;
                        }
                        state.set(&index.to_string(), str_list(map.keys().map(String::as_str)));
                    }
                    desc.set("state", state);
                    desc.set("param_groups", Value::List(osd.param_groups.iter().cloned().map(Value::Dict).collect()));
                }
                Entry::Dict(d) => desc.set("value", d.clone()),
                Entry::RngState(bytes) => desc.set("hex", Value::Str(hex(bytes))),
                Entry::Value(v) => desc.set("value", v.clone()),
            }
            metadata.insert(name.clone(), super::json::to_string(&Value::Dict(desc)));
            names.push(Value::Str(name.clone()));
        }
        let index = Dict::new().with("format_version", FORMAT_VERSION).with("entries", Value::List(names));
        metadata.insert(INDEX_KEY.to_string(), super::json::to_string(&Value::Dict(index)));
        Ok((tensors.sd, metadata))
    }

    /// Reads a checkpoint written by [`Checkpoint::save`] (`torch.load(path)`).
    ///
    /// A file that cannot be read is an `Error::Io`; a corrupt file, or a safetensors file
    /// that is no checkpoint (a plain state dict: read it with
    /// [`load_file`](super::load_file)), an `Error::Format` naming the path and what is wrong.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("checkpoint-load-doc-{}.safetensors", std::process::id()));
    /// torchlight::save_file(&torchlight::nn::StateDict::new(), &path, None).unwrap();
    /// let err = torchlight::Checkpoint::load(&path).unwrap_err();
    /// assert!(matches!(err, torchlight::Error::Format(_)), "{err}");
    /// std::fs::remove_file(&path).unwrap();
    /// assert!(matches!(torchlight::Checkpoint::load(&path), Err(torchlight::Error::Io { .. })));
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Checkpoint> {
        let path = path.as_ref();
        let data = std::fs::read(path)
            .map_err(|source| Error::Io { context: format!("could not read '{}'", path.display()), source })?;
        let origin = Origin::File(path);
        // One read serves both the tensors and the metadata, so they come from the same file
        // even if another process replaces it meanwhile.
        let tensors = decode(&data, origin)?;
        let n = header::header_len(&data, data.len() as u64, origin)?;
        let header = header::parse(&data[SIZE_LEN..SIZE_LEN + n], (data.len() - SIZE_LEN - n) as u64, origin)?;
        let metadata = header.metadata().clone().unwrap_or_default();
        let bad = |what: String| Error::Format(format!("'{}' is not a valid checkpoint: {what}", path.display()));
        let entries = decode_entries(tensors, &metadata).map_err(bad)?;
        Ok(Checkpoint { entries, path: Some(path.to_path_buf()) })
    }
}

/// The tensors being gathered for a file, with the entry that stores each, so that a clash
/// of names between entries is an error rather than a lost tensor.
#[derive(Default)]
struct Tensors<'a> {
    sd: StateDict,
    owner: HashMap<String, &'a str>,
}

impl<'a> Tensors<'a> {
    fn add(&mut self, entry: &'a str, name: String, t: &Tensor) -> Result<()> {
        if let Some(other) = self.owner.insert(name.clone(), entry) {
            return Err(Error::Value(format!(
                "checkpoint entries '{other}' and '{entry}' both store a tensor named '{name}'; rename one of them"
            )));
        }
        self.sd.insert(name, t.clone());
        Ok(())
    }
}

/// A list of strings as a [`Value`].
fn str_list<'s>(items: impl Iterator<Item = &'s str>) -> Value {
    Value::List(items.map(|s| Value::Str(s.to_string())).collect())
}

/// Lower-case hexadecimal digits of `bytes` (Python's `bytes.hex()`).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The bytes of a hexadecimal string (`bytes.fromhex`, without spaces).
fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes().chunks_exact(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

/// The entries described by the file's metadata, with their tensors; every tensor must
/// belong to one. Errors say what is wrong, for [`Checkpoint::load`] to name the file.
fn decode_entries(
    tensors: StateDict,
    metadata: &HashMap<String, String>,
) -> std::result::Result<Vec<(String, Entry)>, String> {
    let index_text = metadata.get(INDEX_KEY).ok_or_else(|| {
        format!("its metadata has no '{INDEX_KEY}' index (a plain state dict is read with load_file)")
    })?;
    let index = match super::json::parse(index_text) {
        Ok(Value::Dict(d)) => d,
        Ok(_) => return Err(format!("the '{INDEX_KEY}' index is not a JSON object")),
        Err(e) => return Err(format!("the '{INDEX_KEY}' index is not valid JSON: {e}")),
    };
    let version = index.get("format_version").and_then(Value::as_i64);
    match version {
        Some(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!("it has format version {v}; this torchlight reads version {FORMAT_VERSION}"));
        }
        None => return Err(format!("the '{INDEX_KEY}' index has no integer 'format_version'")),
    }
    let names = index
        .get("entries")
        .and_then(as_str_list)
        .ok_or_else(|| format!("the '{INDEX_KEY}' index has no 'entries' list of names"))?;
    let mut pool: HashMap<String, Tensor> = tensors.into_iter().collect();
    let mut entries: Vec<(String, Entry)> = Vec::with_capacity(names.len());
    for name in names {
        if entries.iter().any(|(n, _)| *n == name) {
            return Err(format!("the entry '{name}' is listed twice"));
        }
        let entry = decode_entry(&name, metadata, &mut pool).map_err(|what| format!("entry '{name}': {what}"))?;
        entries.push((name, entry));
    }
    if let Some(stray) = pool.keys().min() {
        return Err(format!("the tensor '{stray}' belongs to no entry"));
    }
    Ok(entries)
}

/// One entry from its metadata string, taking its tensors out of `pool`.
fn decode_entry(
    name: &str,
    metadata: &HashMap<String, String>,
    pool: &mut HashMap<String, Tensor>,
) -> std::result::Result<Entry, String> {
    let text = metadata.get(name).ok_or("the metadata has no string of that name")?;
    let desc = match super::json::parse(text) {
        Ok(Value::Dict(d)) => d,
        Ok(_) => return Err("its metadata is not a JSON object".into()),
        Err(e) => return Err(format!("its metadata is not valid JSON: {e}")),
    };
    let kind = desc.get("kind").and_then(Value::as_str).ok_or("its metadata has no 'kind' string")?;
    let mut take = |tensor_name: String| {
        pool.remove(&tensor_name).ok_or_else(|| format!("the tensor '{tensor_name}' is missing from the file"))
    };
    let field = |key: &str| desc.get(key).ok_or_else(|| format!("its metadata has no '{key}'"));
    match kind {
        "state_dict" => {
            let keys = as_str_list(field("keys")?).ok_or("'keys' is not a list of strings")?;
            let mut sd = StateDict::new();
            for key in keys {
                let t = take(format!("{name}.{key}"))?;
                if sd.insert(key.clone(), t).is_some() {
                    return Err(format!("the key '{key}' is listed twice"));
                }
            }
            Ok(Entry::StateDict(sd))
        }
        "optimizer" => {
            let Value::Dict(state) = field("state")? else { return Err("'state' is not a JSON object".into()) };
            let mut osd = OptimizerStateDict::default();
            for (index, keys) in state.iter() {
                let i: usize =
                    index.parse().map_err(|_| format!("the state key '{index}' is not a parameter index"))?;
                let keys =
                    as_str_list(keys).ok_or_else(|| format!("the state of parameter {i} is not a list of names"))?;
                let mut map = BTreeMap::new();
                for key in keys {
                    let t = take(format!("{name}.state.{index}.{key}"))?;
                    map.insert(key, t);
                }
                osd.state.insert(i, map);
            }
            let Value::List(groups) = field("param_groups")? else {
                return Err("'param_groups' is not a list".into());
            };
            for g in groups {
                let Value::Dict(g) = g else { return Err("a param group is not a JSON object".into()) };
                osd.param_groups.push(g.clone());
            }
            Ok(Entry::Optimizer(osd))
        }
        "dict" => match field("value")? {
            Value::Dict(d) => Ok(Entry::Dict(d.clone())),
            _ => Err("'value' is not a JSON object".into()),
        },
        "rng_state" => {
            let hex = field("hex")?.as_str().ok_or("'hex' is not a string")?;
            Ok(Entry::RngState(unhex(hex).ok_or("'hex' is not a string of hexadecimal byte pairs")?))
        }
        "value" => Ok(Entry::Value(field("value")?.clone())),
        other => Err(format!("its kind '{other}' is unknown (written by a newer torchlight?)")),
    }
}

/// The strings of a list of strings.
fn as_str_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::List(items) => items.iter().map(|s| s.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}
