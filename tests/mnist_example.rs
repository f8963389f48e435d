//! Runs the `mnist` example end to end on tiny IDX files that the test writes (one pair plain,
//! one gzip-compressed, as MNIST's mirrors serve them): it must train, report its accuracy,
//! and write its checkpoint and plot. Also checks its error for a folder without the files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example binary next to this test's (target/<profile>/examples/mnist), built first if a
/// partial `cargo test` run did not build examples.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let bin = profile_dir.join("examples").join(name);
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", name])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("running cargo build");
        assert!(status.success(), "cargo build --example {name} failed");
    }
    bin
}

/// An IDX file of unsigned bytes with the given dims.
fn idx_bytes(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        out.extend(d.to_be_bytes());
    }
    out.extend(data);
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// `n` 28x28 images: label k lights up row block k, so the classes are learnable.
fn images_and_labels(n: usize) -> (Vec<u8>, Vec<u8>) {
    let mut images = vec![0u8; n * 784];
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    for (i, &l) in labels.iter().enumerate() {
        let row0 = 2 + 2 * l as usize;
        for r in row0..row0 + 2 {
            for c in 4..24 {
                images[i * 784 + r * 28 + c] = 200 + (i % 50) as u8;
            }
        }
    }
    (images, labels)
}

#[test]
fn mnist_example_trains_on_tiny_idx_files() {
    let dir = std::env::temp_dir().join(format!("torchlight-mnist-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (train_x, train_y) = images_and_labels(40);
    let (test_x, test_y) = images_and_labels(20);
    std::fs::write(dir.join("train-images-idx3-ubyte"), idx_bytes(&[40, 28, 28], &train_x)).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), idx_bytes(&[40], &train_y)).unwrap();
    std::fs::write(dir.join("t10k-images-idx3-ubyte.gz"), gzip(&idx_bytes(&[20, 28, 28], &test_x))).unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte.gz"), gzip(&idx_bytes(&[20], &test_y))).unwrap();
    let (plot, ckpt) = (dir.join("mnist.png"), dir.join("mnist.safetensors"));

    let out = Command::new(example_binary("mnist"))
        .args(["--data", dir.to_str().unwrap(), "--epochs", "2"])
        .args(["--plot", plot.to_str().unwrap(), "--checkpoint", ckpt.to_str().unwrap()])
        .output()
        .expect("running the mnist example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "mnist failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("data: 40 training and 20 test images 28x28"), "{stdout}");
    assert!(stdout.contains("epoch   2  train loss"), "{stdout}");
    assert!(stdout.contains("final test accuracy:"), "{stdout}");
    assert!(std::fs::read(&plot).unwrap().starts_with(b"\x89PNG"), "no PNG written");
    let sd = torchlight::load_file(&ckpt).expect("the checkpoint loads");
    assert_eq!(sd.get("7.weight").expect("Linear(9216, 128) weight").shape(), &[128, 9216]);

    // A folder without the files: a clear error naming what is missing, not a panic.
    std::fs::remove_file(dir.join("train-labels-idx1-ubyte")).unwrap();
    let out = Command::new(example_binary("mnist")).args(["--data", dir.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing train-labels-idx1-ubyte"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
