//! Compute backends. The CPU backend is the only one today; others plug in here.

pub mod cpu;
