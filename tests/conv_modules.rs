//! The convolution-family layers as modules, against PyTorch (the `modules` section of
//! tests/fixtures/conv.json, from scripts/gen_conv_fixtures.py): initial values bit for bit
//! under `manual_seed`, printed forms, and BatchNorm2d's running statistics through training
//! steps and evaluation. The functional ops underneath are checked in tests/conv_pool.rs.

mod common;

use common::{assert_close, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::nn::{self, functional::Padding, ConvOptions, Module};
use torchlight::Tensor;

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("conv.json"))
}

/// The layer the fixture names, built as PyTorch's constructor call would build it.
fn build(name: &str) -> (Tensor, Option<Tensor>) {
    match name {
        "Conv2d(3, 8, 5)" => {
            let m = nn::Conv2d::new(3, 8, 5);
            (m.weight, m.bias)
        }
        "Conv2d(4, 6, (3, 2), groups=2, bias=False)" => {
            let m = nn::Conv2d::with_options(4, 6, (3, 2), ConvOptions::new().groups(2).bias(false));
            (m.weight, m.bias)
        }
        "Conv1d(2, 4, 3)" => {
            let m = nn::Conv1d::new(2, 4, 3);
            (m.weight, m.bias)
        }
        "ConvTranspose2d(4, 6, 3, stride=2, groups=2)" => {
            let m = nn::ConvTranspose2d::with_options(4, 6, 3, ConvOptions::new().stride(2).groups(2));
            (m.weight, m.bias)
        }
        other => panic!("no builder for {other}"),
    }
}

#[test]
fn conv_layers_draw_pytorchs_initial_values() {
    let _g = common::global_rng();
    for c in fixture()["modules"]["init"].as_array().unwrap() {
        let name = c["module"].as_str().unwrap();
        let what = format!("seed {} {name}", c["seed"]);
        torchlight::manual_seed(c["seed"].as_u64().unwrap());
        let (weight, bias) = build(name);
        assert_close(&weight, &c["weight"], 0.0, 0.0, &format!("{what}: weight"));
        match bias {
            Some(b) => assert_close(&b, &c["bias"], 0.0, 0.0, &format!("{what}: bias")),
            None => assert!(c["bias"].is_null(), "{what}: bias expected"),
        }
        assert!(weight.requires_grad() && weight.is_leaf());
        // The generator advanced exactly as far as PyTorch's.
        assert_close(&Tensor::rand(&[3]), &c["next"], 0.0, 0.0, &format!("{what}: next draw"));
    }
}

#[test]
fn layers_print_as_pytorch_prints_them() {
    // Building the convolutions draws their initial values from the global generator.
    let _g = common::global_rng();
    let r = &fixture()["modules"]["repr"];
    let same = Padding::Same;
    let cases: Vec<(&str, String)> = vec![
        ("conv2d_pad", nn::Conv2d::with_options(1, 8, 3, ConvOptions::new().padding(1)).repr()),
        (
            "conv2d_same",
            nn::Conv2d::with_options(4, 8, (3, 5), ConvOptions::new().padding(same).dilation(2).groups(2).bias(false))
                .repr(),
        ),
        ("conv1d_stride", nn::Conv1d::with_options(2, 4, 3, ConvOptions::new().stride(2)).repr()),
        (
            "conv_transpose2d",
            nn::ConvTranspose2d::with_options(4, 6, 3, ConvOptions::new().stride(2).output_padding(1)).repr(),
        ),
        ("max_pool", nn::MaxPool2d::new(2).repr()),
        ("max_pool_opts", nn::MaxPool2d::new(3).stride(1).padding(1).ceil_mode(true).repr()),
        ("max_pool_rect", nn::MaxPool2d::new((2, 3)).repr()),
        ("avg_pool", nn::AvgPool2d::new(2).repr()),
        ("max_pool1d", nn::MaxPool1d::new(3).repr()),
        ("max_pool1d_opts", nn::MaxPool1d::new(3).stride(2).padding(1).dilation(2).ceil_mode(true).repr()),
        ("avg_pool1d", nn::AvgPool1d::new(3).repr()),
        ("avg_pool1d_opts", nn::AvgPool1d::new(3).stride(1).padding(1).ceil_mode(true).count_include_pad(false).repr()),
        ("adaptive", nn::AdaptiveAvgPool2d::new((2, 3)).repr()),
        ("batch_norm2d", nn::BatchNorm2d::new(16).repr()),
        ("batch_norm1d", nn::BatchNorm1d::new(4).momentum(None).affine(false).repr()),
        ("group_norm", nn::GroupNorm::new(2, 4).repr()),
        ("dropout2d", nn::Dropout2d::new(0.3).repr()),
        ("upsample_scale", nn::Upsample::scale_factor(2.0).repr()),
        ("upsample_size", nn::Upsample::size(&[4, 6]).repr()),
    ];
    for (name, ours) in cases {
        assert_eq!(ours, r[name].as_str().unwrap(), "{name}");
    }
}

#[test]
fn batch_norm2d_tracks_running_statistics_like_pytorch() {
    for case in fixture()["modules"]["batch_norm"].as_array().unwrap() {
        let momentum = case["momentum"].as_f64();
        let what = format!("momentum {momentum:?}");
        let bn = nn::BatchNorm2d::new(3).momentum(momentum);
        torchlight::no_grad(|| {
            bn.weight.as_ref().unwrap().copy_(&Tensor::from_slice(&[1.5f32, 0.5, -1.0]));
            bn.bias.as_ref().unwrap().copy_(&Tensor::from_slice(&[0.1f32, -0.2, 0.3]));
        });
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let y = bn.forward(&tensor_from(&step["x"]));
            let at = format!("{what}, step {i}");
            assert_close(&y, &step["y"], 1e-5, 1e-5, &format!("{at}: output"));
            assert_close(bn.running_mean.as_ref().unwrap(), &step["running_mean"], 1e-6, 1e-6, &format!("{at}: mean"));
            assert_close(bn.running_var.as_ref().unwrap(), &step["running_var"], 1e-6, 1e-6, &format!("{at}: var"));
            let tracked = bn.num_batches_tracked.as_ref().unwrap();
            assert_eq!(tracked.item(), step["num_batches_tracked"].as_f64().unwrap(), "{at}: num_batches_tracked");
        }
        bn.eval();
        let before = bn.running_mean.as_ref().unwrap().to_vec::<f32>();
        let y = bn.forward(&tensor_from(&case["eval_x"]));
        assert_close(&y, &case["eval_y"], 1e-5, 1e-5, &format!("{what}: eval output"));
        assert_eq!(bn.running_mean.as_ref().unwrap().to_vec::<f32>(), before, "{what}: eval keeps the statistics");
        let sd = bn.state_dict();
        let keys: Vec<&str> = sd.keys().collect();
        let expected: Vec<&str> =
            case["state_dict_keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, expected, "{what}: state dict keys");
    }
}

#[test]
fn batch_norm_state_round_trips_through_a_state_dict() {
    // Running statistics and the int64 counter are buffers: they load into a fresh layer.
    let bn = nn::BatchNorm2d::new(2);
    bn.forward(&Tensor::from_vec((0..16).map(|v| v as f32).collect(), &[2, 2, 2, 2]));
    let fresh = nn::BatchNorm2d::new(2);
    fresh.load_state_dict(&bn.state_dict(), true).unwrap();
    assert!(fresh.running_mean.as_ref().unwrap().equal(bn.running_mean.as_ref().unwrap()));
    assert!(fresh.running_var.as_ref().unwrap().equal(bn.running_var.as_ref().unwrap()));
    assert_eq!(fresh.num_batches_tracked.as_ref().unwrap().item(), 1.0);
    // Without running statistics, evaluation normalises with the batch's own.
    let plain = nn::BatchNorm2d::new(2).track_running_stats(false);
    plain.eval();
    let y = plain.forward(&Tensor::from_vec((0..16).map(|v| v as f32).collect(), &[2, 2, 2, 2]));
    assert!(y.mean().item().abs() < 1e-6);
    assert_eq!(plain.state_dict().keys().collect::<Vec<_>>(), ["weight", "bias"]);
}

#[test]
fn layers_run_forward_and_backward() {
    let _g = common::global_rng();
    torchlight::manual_seed(0);
    let model = nn::Sequential::new()
        .add(nn::Conv2d::with_options(2, 4, 3, ConvOptions::new().padding(1)))
        .add(nn::BatchNorm2d::new(4))
        .add(nn::ReLU::new())
        .add(nn::MaxPool2d::new(2))
        .add(nn::GroupNorm::new(2, 4))
        .add(nn::Dropout2d::new(0.5))
        .add(nn::Upsample::scale_factor(2.0))
        .add(nn::ConvTranspose2d::with_options(4, 2, 2, ConvOptions::new().stride(2)))
        .add(nn::AvgPool2d::new(2))
        .add(nn::AdaptiveAvgPool2d::new(1));
    let y = model.forward(&Tensor::randn(&[3, 2, 8, 8]));
    assert_eq!(y.shape(), &[3, 2, 1, 1]);
    y.sum().backward();
    for (name, p) in model.named_parameters() {
        let g = p.grad().unwrap_or_else(|| panic!("{name} has no gradient"));
        assert_eq!(g.shape(), p.shape(), "{name}");
        assert!(g.to_vec::<f32>().iter().all(|v| v.is_finite()), "{name}");
    }
}
