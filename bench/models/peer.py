"""PyTorch peer of bench/models: the training step or the inference of a pareto-edge model description,
timed, with its allocator peak.

Run by bench/models/run.ts with Debian's /usr/bin/python3 (python3-torch, the libtorch the addon links),
one process per measurement and round. The network is built from the same JSON description by
torch_model.py. A training step is what pareto-edge's `benchModel()` (src/train/bench-model.ts) times:
forward, cross-entropy, backward, Adam (Keras' epsilon 1e-7), gradients freed (set to None) each step,
3 warm-up steps first. --precision bf16 runs the forward and the loss under
torch.autocast('cpu', dtype=torch.bfloat16) and backward outside it, as PyTorch's documentation does.
--mode infer times what benchModel's inference times: eval mode, no gradients, forward and a sum.
An op PyTorch cannot run (1.13 has no bfloat16 backward for ReLU6) is reported as {"error": message}.

Peak memory: with --shim (the LD_PRELOAD library built from test/analysis/calibration/memalign_peak.c,
which counts the bytes libtorch's CPU allocator holds through posix_memalign, as the addon's counting
allocator does), the most bytes held during the steps minus those held before the model was built.
Peak RSS (VmHWM, whole process) is reported as well.

--check FILE --check-description JSON: after timing, build the description JSON (the same model with
dropout rate 0), load the weights and an input from FILE (safetensors written by run.ts: pareto-edge's
state dict, "__input" and its "__logits", computed in training mode without gradients), run the same
forward and report the largest difference of the logits: the two builds compute the same function.

Prints one JSON line.
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_model import build, load_description, parameter_counts, read_safetensors  # noqa: E402


def vm_hwm_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def reset_vm_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def check(description_path, path):
    model = build(load_description(description_path)).train()
    tensors = read_safetensors(path)
    x, expected = tensors.pop("__input"), tensors.pop("__logits")
    own = model.state_dict()
    missing = [n for n in own if n not in tensors and not n.endswith("num_batches_tracked")]
    unexpected = [n for n in tensors if n not in own]
    mismatched = [n for n in tensors if n in own and tuple(own[n].shape) != tuple(tensors[n].shape)]
    result = {"missing": missing[:5], "unexpected": unexpected[:5], "mismatchedShapes": mismatched[:5]}
    if missing or unexpected or mismatched:
        return result
    model.load_state_dict(tensors, strict=False)
    with torch.no_grad():
        logits = model(x.contiguous())
    difference = (logits - expected).abs().max().item()
    scale = expected.abs().max().item()
    return {**result, "maxAbsDifference": difference, "maxAbsLogit": scale}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--description", required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--mode", choices=["train", "infer"], default="train")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--shim", help="the memalign_peak.so preloaded into this process")
    parser.add_argument("--check", help="safetensors with weights, __input and __logits")
    parser.add_argument("--check-description", help="the description the --check weights belong to")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    shim = None
    if args.shim:
        shim = ctypes.CDLL(args.shim)
        shim.memalign_current.restype = ctypes.c_size_t
        shim.memalign_peak.restype = ctypes.c_size_t
    baseline = shim.memalign_current() if shim else 0

    description = load_description(args.description)
    torch.manual_seed(0)
    model = build(description)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt).train(args.mode == "train")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    size = description["input"]["height"]
    x = torch.randn(args.batch, 3, size, size).contiguous(memory_format=fmt)
    y = torch.randint(0, description["numClasses"], (args.batch,))

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    def infer():
        with torch.no_grad():
            return model(x).sum().item()

    step = train_step if args.mode == "train" else infer
    hwm_reset = reset_vm_hwm()
    if shim:
        shim.memalign_reset_peak()
    times = []
    try:
        for _ in range(args.warmup):
            step()
        for _ in range(args.steps):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1000)
    except RuntimeError as error:
        print(json.dumps({"error": str(error).splitlines()[0], "torch": torch.__version__}), flush=True)
        return
    result = {
        "steps_ms": times,
        "peakBytes": shim.memalign_peak() - baseline if shim else None,
        "peakRssBytes": vm_hwm_bytes(),
        "peakRssIsProcessLifetime": not hwm_reset,
        "params": parameter_counts(model),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }
    if args.check:
        result["check"] = check(args.check_description, args.check)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
