"""Where a training step's time goes, operator by operator, on the libtorch pareto-edge also runs.

Debian's libtorch is stripped, so `perf` cannot name the functions inside it; PyTorch's profiler can.
This runs the same architecture as pareto-edge (bench/models/torch_model.py) through the same
libtorch 1.13 kernels (oneDNN convolutions, ATen BatchNorm and elementwise ops), channels-last, Adam,
and prints the self time per step of the operators that cost the most. The convolutions' share is a
floor for any engine on these kernels, pareto-edge included.

    node bin/pareto-edge.js summary xception-lite --input 96 --classes 2 --describe > /tmp/xl.json
    GOMP_SPINCOUNT=1000 /usr/bin/python3 bench/profile/torch_ops.py /tmp/xl.json [--batch 16] [--bf16] [--steps 5]
        [--relu6-from-relu]

GOMP_SPINCOUNT=1000 is the wait policy pareto-edge sets for itself (src/engine/wait-policy.ts).

Needs Debian's python3-torch, hence /usr/bin/python3 (PARETO_EDGE_BENCH=1 bash scripts/setup.sh). Run it alone.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "models"))
import torch_model  # noqa: E402


def wait_policy():
    """As pareto-edge's benchmarks name it (src/engine/wait-policy.ts); set it as pareto-edge does."""
    if os.environ.get("GOMP_SPINCOUNT"):
        return f"GOMP_SPINCOUNT {os.environ['GOMP_SPINCOUNT']}"
    return f"OMP_WAIT_POLICY {os.environ.get('OMP_WAIT_POLICY', 'unset')}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("description")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bf16", action="store_true", help="forward and loss under bfloat16 autocast")
    parser.add_argument("--rows", type=int, default=15)
    parser.add_argument(
        "--relu6-from-relu",
        action="store_true",
        help="ReLU6 as pareto-edge runs it in bf16 (src/nn/activation.ts): PyTorch's own has no bf16 backward",
    )
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    description = json.load(open(args.description))
    if args.relu6_from_relu:
        torch_model.ACTIVATIONS["relu6"] = lambda x: torch.where(x < 6, F.relu(x), torch.tensor(6.0, dtype=x.dtype))
    model = torch_model.build(description).to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters())
    side = description["input"]["height"]
    x = torch.randn(args.batch, description["input"]["channels"], side, description["input"]["width"]).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 2, (args.batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    with torch.autograd.profiler.profile() as profile:
        for _ in range(args.steps):
            step()
    averages = sorted(profile.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total_ms = sum(e.self_cpu_time_total for e in averages) / 1000 / args.steps
    precision = "bf16 autocast" if args.bf16 else "fp32"
    print(f"{description['name']}, {side} px, batch {args.batch}, {args.threads} threads, {precision}, {wait_policy()}")
    print(f"self time per step, summed over operators: {total_ms:.1f} ms\n")
    print("| operator | ms per step | share | calls per step |")
    print("|---|---:|---:|---:|")
    for event in averages[: args.rows]:
        ms = event.self_cpu_time_total / 1000 / args.steps
        print(f"| {event.key} | {ms:.1f} | {100 * ms / total_ms:.1f}% | {event.count // args.steps} |")
    convolutions = sum(e.self_cpu_time_total for e in averages
                       if e.key in ("aten::convolution_backward", "aten::mkldnn_convolution"))
    print(f"\nconvolutions (forward and backward, oneDNN): {convolutions / 1000 / args.steps:.1f} ms per step")


if __name__ == "__main__":
    main()
