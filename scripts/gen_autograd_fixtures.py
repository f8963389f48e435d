#!/usr/bin/env python3
"""Write tests/fixtures/autograd.json: autograd behaviour and messages recorded from PyTorch.

Run by hand (never by CI) from the repository root:

    ~/torchenv/bin/python scripts/gen_autograd_fixtures.py

`messages` holds the exact error texts; each entry of `cases` names a scenario that
tests/autograd.rs replays step by step, with the inputs and the resulting gradients (or the
error). Tensors use the format of tests/common/mod.rs.
"""

import json
import math
import os

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "autograd.json")


def num(v):
    if isinstance(v, (bool, int)):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "data": [num(v) for v in t.reshape(-1).tolist()]}


def q(t):
    """Rounds to a multiple of 1/64 so inputs are short and exact."""
    return torch.round(t * 64) / 64


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the expected value
        return str(e)
    raise AssertionError("expected an error")


MESSAGES = {}
CASES = {}


def messages():
    x = torch.randn(3, requires_grad=True)
    m = MESSAGES
    m["int_requires_grad"] = err(lambda: torch.tensor([1, 2]).requires_grad_())
    m["nonleaf_requires_grad"] = err(lambda: (x * 2).requires_grad_(False))
    m["nonscalar_backward"] = err(lambda: (x * 2).backward())
    m["shape_mismatch"] = err(lambda: (x * 2).backward(torch.ones(2)))
    m["shape_mismatch_0d"] = err(lambda: (x.sum() * 2).backward(torch.ones(1)))
    m["no_grad_fn"] = err(lambda: torch.randn(3).sum().backward())
    m["no_grad_fn_nonscalar"] = err(lambda: torch.randn(3).backward())
    m["no_grad_fn_bool"] = err(lambda: (x.sum() > 0).backward())
    m["backward_twice"] = err(lambda: [y := (x * x).sum(), y.backward(), y.backward()])
    m["unused_input"] = err(lambda: torch.autograd.grad((x * 2).sum(), [x, torch.randn(3, requires_grad=True)]))
    m["grad_of_plain"] = err(lambda: torch.autograd.grad((x * 2).sum(), [torch.randn(3)]))
    m["retain_grad_plain"] = err(lambda: torch.randn(3).retain_grad())
    m["leaf_inplace"] = err(lambda: torch.randn(3, requires_grad=True).add_(1))
    m["view_of_leaf_inplace"] = err(lambda: torch.randn(3, requires_grad=True)[0].add_(1))
    m["view_of_leaf_inplace_t"] = err(lambda: torch.randn(2, 3, requires_grad=True).t().mul_(2))

    # Version counter: a saved output modified (b = a.exp(); b.add_(1)).
    def saved_output():
        a = torch.randn(3, requires_grad=True)
        b = a.exp()
        b.add_(1)
        b.sum().backward()

    m["version_saved_output"] = err(saved_output)

    # A saved input (sin saves its input b) modified afterwards: named by b's grad_fn now.
    def saved_input():
        a = torch.randn(3, requires_grad=True)
        b = a * 2
        c = b.sin()
        b.add_(1)
        c.sum().backward()

    m["version_saved_input"] = err(saved_input)

    # A plain (history-free) input saved by mul, modified under no_grad: no "which is output" clause.
    def saved_plain():
        w = torch.randn(2, 3, requires_grad=True)
        x = torch.randn(2, 3)
        y = (w * x).sum()
        with torch.no_grad():
            x.add_(1)
        y.backward()

    m["version_saved_plain"] = err(saved_plain)

    def saved_leaf_0d():
        w = torch.randn((), dtype=torch.float64, requires_grad=True)
        y = w * w
        with torch.no_grad():
            w.add_(1)
        y.backward()

    m["version_saved_leaf_0d"] = err(saved_leaf_0d)

    # detach() shares the version counter: x*x saved x, modified through the detached alias.
    def through_detach():
        x = torch.randn(3, requires_grad=True)
        y = (x * x).sum()
        x.detach().add_(1)
        y.backward()

    m["version_through_detach"] = err(through_detach)

    # b.mul_(b) saves b (as `other`) and then overwrites it.
    def mul_self():
        a = torch.randn(3, requires_grad=True)
        b = a * 2
        b.add_(1)
        b.mul_(b)
        b.sum().backward()

    m["version_mul_self"] = err(mul_self)

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * x * x
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    def custom_saved_output():
        a = torch.randn(2, 2, requires_grad=True)
        b = Cube.apply(a)
        b.mul_(2)
        b.sum().backward()

    m["version_custom_function"] = err(custom_saved_output)


def case(name, **kw):
    CASES[name] = {k: (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}


def inplace_cases():
    a0 = q(torch.randn(4))
    # 1. b = a*2; b.add_(1); c = b*3; b.mul_(c)
    a = a0.clone().requires_grad_()
    b = a * 2
    b.add_(1)
    c = b * 3
    b.mul_(c)
    b.sum().backward()
    case("mul_by_other", a=a0, grad=a.grad, out=b, grad_fn=type(b.grad_fn).__name__, version=b._version)

    # 2. A chain of in-place ops on a clone of a leaf.
    a = a0.clone().requires_grad_()
    b = a.clone()
    b.mul_(a)
    b.sub_(1.5)
    b.div_(2)
    b.add_(a, alpha=0.5)
    b.clamp_(min=-0.4)
    b.sin().sum().backward()
    case("chain", a=a0, grad=a.grad, out=b)

    # 3. copy_ replaces the value: the gradient flows to the source only.
    a = a0.clone().requires_grad_()
    s = q(torch.randn(4)).requires_grad_()
    b = a * 3
    b.copy_(s * s)
    (b * b).sum().backward()
    case("copy_", a=a0, s=s, grad_a=a.grad, grad_s=s.grad, out=b, grad_fn=type(b.grad_fn).__name__)

    # 4. fill_ / zero_ cut the old value off: zero gradient for a.
    a = a0.clone().requires_grad_()
    b = a * 3
    b.fill_(2.0)
    (b * a).sum().backward()
    case("fill_", a=a0, grad=a.grad, grad_fn=type(b.grad_fn).__name__)

    a = a0.clone().requires_grad_()
    b = a * 3
    b.zero_()
    (b + a * a).sum().backward()
    case("zero_", a=a0, grad=a.grad, grad_fn=type(b.grad_fn).__name__)

    # A random fill of a non-leaf: the values come from the generator, the old history gets zeros.
    a = a0.clone().requires_grad_()
    b = a * 3
    torch.manual_seed(5)
    b.uniform_()
    (b * a).sum().backward()
    case("uniform_", a=a0, grad=a.grad, out=b, grad_fn=type(b.grad_fn).__name__)

    # 5. In-place op whose other operand requires grad, onto a plain tensor.
    a = a0.clone().requires_grad_()
    z = torch.zeros(4)
    z.add_(a * a)
    z.mul_(a)
    z.sum().backward()
    case("plain_self_grad_other", a=a0, grad=a.grad, out=z, grad_fn=type(z.grad_fn).__name__,
         requires_grad=z.requires_grad, is_leaf=z.is_leaf)

    # 6. Modifying the input of an op that saves only its output is fine (sigmoid).
    a = a0.clone().requires_grad_()
    b = a * 2
    c = b.sigmoid()
    b.mul_(3)
    c.sum().backward()
    case("sigmoid_saves_output", a=a0, grad=a.grad)

    # 7. In-place on a non-leaf used twice: exp output saved, then mul_ -> error (message above);
    #    relu_-like clamp_ on an intermediate that nothing saved.
    a = a0.clone().requires_grad_()
    b = a * a
    b.clamp_(min=0.1, max=0.5)
    (b * 2).sum().backward()
    case("clamp_on_nonleaf", a=a0, grad=a.grad)

    # 8. f32 += f64 tensor that requires grad: gradient reaches the f64 leaf in f64.
    a = a0.clone().requires_grad_()
    d = q(torch.randn(4, dtype=torch.float64)).requires_grad_()
    b = a * 1
    b.add_(d * d)
    (b * b).sum().backward()
    case("mixed_dtype_inplace", a=a0, d=d, grad_a=a.grad, grad_d=d.grad, out=b)


def view_inplace_cases():
    """In-place ops on views while recording: CopySlices on the base, AsStridedBackward0 on
    the view, and regeneration of sibling views made before the write."""
    a0 = q(torch.randn(6))
    w0 = q(torch.randn(3))
    names = lambda *ts: [type(t.grad_fn).__name__ for t in ts]

    # A row of a non-leaf, multiplied in place by a leaf.
    a, w = a0.clone().requires_grad_(), w0.clone().requires_grad_()
    b = a.view(2, 3) * 2
    v = b[0]
    v.mul_(w)
    (b * b).sum().backward()
    case("view_row_mul", a=a0, w=w0, out=b, grad_a=a.grad, grad_w=w.grad, grad_fn=names(b, v))

    # A column of a plain tensor, given a history by add_ of a leaf; a view taken before the
    # write now requires grad too.
    w = w0[:2].clone().requires_grad_()
    z = torch.zeros(2, 3)
    s = z[1]
    z[:, 1].add_(w)
    flags = [z.requires_grad, z.is_leaf, s.requires_grad, s.is_leaf]
    gfn = names(z, s)
    (z.sum() + (s * s).sum()).backward()
    case("plain_base_column_add", w=w0[:2], out=z, grad_w=w.grad, grad_fn=gfn, flags=flags)

    # A column of a transposed view (a view of a view), clamp_ in place; then sin of the base.
    a = a0.clone().requires_grad_()
    b = a.view(2, 3) * 1
    b.t()[1].clamp_(min=-0.3, max=0.3)
    b.sin().sum().backward()
    case("transposed_column_clamp", a=a0, out=b, grad_a=a.grad, grad_fn=names(b))

    # Overlapping siblings: v2 was made before v1's write and is regenerated from the base.
    a = a0.clone().requires_grad_()
    b = a * 1
    v1, v2 = b[0:4], b[2:6]
    v1.mul_(2)
    gfn = names(v1, v2, b)
    (v2 * v2).sum().backward()
    case("sibling_regenerated", a=a0, out=v2, grad_a=a.grad, grad_fn=gfn)

    # Strided slice with a step, written by copy_ from a leaf: the old values there get no gradient.
    a, w = a0.clone().requires_grad_(), w0.clone().requires_grad_()
    b = a * 3
    b[::2].copy_(w * w)
    (b * b).sum().backward()
    case("step_slice_copy", a=a0, w=w0, out=b, grad_a=a.grad, grad_w=w.grad, grad_fn=names(b))

    # lerp_ reads the view's old value twice (start and in the weight's term).
    a = a0.clone().requires_grad_()
    e = q(torch.randn(3)).requires_grad_()
    b = a * 1
    b[1:4].lerp_(e, 0.25)
    (b * b).sum().backward()
    case("view_lerp", a=a0, e=e, out=b, grad_a=a.grad, grad_e=e.grad)

    MESSAGES["view_created_in_no_grad"] = err(_no_grad_view_inplace)
    MESSAGES["internal_overlap"] = err(lambda: torch.zeros(1).expand(3).add_(1))


def _no_grad_view_inplace():
    b = torch.randn(3, requires_grad=True) * 1
    with torch.no_grad():
        v = b[0:2]
    v.add_(1)


def grad_cases():
    x0 = q(torch.randn(3, dtype=torch.float64))
    y0 = q(torch.randn(3, dtype=torch.float64))
    x = x0.clone().requires_grad_()
    y = y0.clone().requires_grad_()
    z = (x * y).sum() + x.sin().sum()
    gx, gy = torch.autograd.grad(z, [x, y])
    case("autograd_grad", x=x0, y=y0, gx=gx, gy=gy)

    # grad_outputs for a non-scalar output.
    x = x0.clone().requires_grad_()
    go = q(torch.randn(3, dtype=torch.float64))
    (gx,) = torch.autograd.grad(x.exp() * x, [x], grad_outputs=[go])
    case("grad_outputs", x=x0, go=go, gx=gx)

    # Double backward: d/dx and d2/dx2 of x^3, sin x, exp x, and a product x^2 * sin x.
    for name, f in [("cube", lambda t: t**3), ("sin", torch.sin), ("exp", torch.exp),
                    ("x2sin", lambda t: t * t * torch.sin(t))]:
        x = x0.clone().requires_grad_()
        (d1,) = torch.autograd.grad(f(x).sum(), [x], create_graph=True)
        (d2,) = torch.autograd.grad(d1.sum(), [x], create_graph=True)
        (d3,) = torch.autograd.grad(d2.sum(), [x])
        case("double_" + name, x=x0, d1=d1, d2=d2, d3=d3, d1_grad_fn=type(d1.grad_fn).__name__)

    # backward(create_graph=True) then differentiate x.grad.
    x = x0.clone().requires_grad_()
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    (g2,) = torch.autograd.grad(g.sum(), [x])
    case("backward_create_graph", x=x0, grad=g, grad_requires_grad=g.requires_grad, g2=g2)


def custom_function_cases():
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    x0 = torch.linspace(-1, 1, 9)
    x = x0.clone().requires_grad_()
    y = LegendrePolynomial3.apply(x)
    go = q(torch.randn(9))
    y.backward(go)
    case("legendre", x=x, y=y, go=go, grad=x.grad, grad_fn=type(y.grad_fn).__name__)

    # The tutorial (polynomial_custom_function.py), 50 steps.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    a = torch.full((), 0.0, requires_grad=True)
    b = torch.full((), -1.0, requires_grad=True)
    c = torch.full((), 0.0, requires_grad=True)
    d = torch.full((), 0.3, requires_grad=True)
    lr = 5e-6
    losses = []
    for t in range(50):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    case("legendre_tutorial", losses=losses, params=[a.item(), b.item(), c.item(), d.item()])


def main():
    messages()
    inplace_cases()
    grad_cases()
    custom_function_cases()
    view_inplace_cases()
    fx = {"torch_version": torch.__version__, "messages": MESSAGES, "cases": CASES}
    with open(OUT, "w") as f:
        json.dump(fx, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(MESSAGES)} messages, {len(CASES)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
