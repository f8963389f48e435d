//! State dicts in the safetensors format (`safetensors.torch`): files that PyTorch writes with
//! `save_file(model.state_dict(), path)` load here, and files written here load in PyTorch.
//!
//! - [`save_file`] / [`load_file`]: a [`StateDict`](crate::nn::StateDict) to and from a file;
//!   writing is atomic (a temporary file in the same directory, synced, then renamed over the
//!   target), so a failed save leaves the previous file as it was.
//! - [`save`] / [`load`]: the same to and from bytes in memory.
//! - [`read_metadata`]: the text metadata of a file, read from its header alone.
//! - [`Checkpoint`]: a training checkpoint (model, optimizer, scheduler, generator states,
//!   epoch) in one file, to resume training in another process.
//! - On modules: [`Module::save_file`](crate::nn::Module::save_file) and
//!   [`Module::load_file`](crate::nn::Module::load_file).
//!
//! Tensors of every dtype (bool, int64, float32, float64) are stored in their own dtype and in
//! logical order, whatever their strides. A file that cannot be read, is truncated or corrupt,
//! or holds a dtype torchlight lacks, is an `Err` naming the path and what is wrong.
//!
//! ```
//! use torchlight::nn::{self, Module};
//! let path = std::env::temp_dir().join(format!("serialize-doc-{}.safetensors", std::process::id()));
//! let model = nn::Sequential::new().add(nn::Linear::new(3, 4)).add(nn::ReLU::new()).add(nn::Linear::new(4, 2));
//! torchlight::save_file(&model.state_dict(), &path, None).unwrap();
//!
//! let copy = nn::Sequential::new().add(nn::Linear::new(3, 4)).add(nn::ReLU::new()).add(nn::Linear::new(4, 2));
//! copy.load_state_dict(&torchlight::load_file(&path).unwrap(), true).unwrap();
//! assert!(copy.get::<nn::Linear>(0).unwrap().weight.equal(&model.get::<nn::Linear>(0).unwrap().weight));
//! std::fs::remove_file(&path).unwrap();
//! ```

mod atomic;
pub mod checkpoint;
mod decode;
mod dtype;
mod encode;
mod file;
mod header;
mod json;

pub use checkpoint::Checkpoint;
pub use decode::load;
pub use encode::save;
pub use file::{load_file, read_metadata, save_file};
