// Measures what one op holds around a training step, for the per-op keep rules of src/layers
// (src/analysis/memory.ts): the allocator bytes it keeps for backward beyond its input and output, and
// the peaks of its forward and of its backward, above what was allocated before each. Needs the built
// addon and dist/.
//   node test/analysis/calibration/op-peak.mjs KIND CHANNELS SIDE BATCH [nchw|channels-last] [fp32|bf16] [OUT_CHANNELS]
// KIND: pointwise, conv3x3, depthwise, batchnorm, relu, relu6, swish. Under bf16 the op runs inside
// autocast on a bfloat16 input (as inside a network, after its first convolution), or on a float32
// one with FLOAT32_INPUT=1 (the first convolution). Prints one JSON line.
import {
  F,
  autocast,
  keep,
  memoryStats,
  onesLike,
  randn,
  resetPeakMemory,
  tidy,
  zeros,
  ones,
} from '../../../dist/src/engine/index.js';
import { relu6FromRelu } from '../../../dist/src/nn/index.js';

const [kind, c, side, n, format = 'nchw', precision = 'fp32', out] = process.argv.slice(2);
const [C, H, N] = [Number(c), Number(side), Number(n)];
const O = Number(out ?? c);
const layout = format === 'channels-last' ? 'channels_last' : 'contiguous';
const parameter = (shape) => keep(tidy(() => randn(shape).mul(0.1))).requiresGrad_();
const bf16 = precision === 'bf16';
const ops = {
  pointwise: () => {
    const w = parameter([O, C, 1, 1]);
    return [[w], (x) => F.conv2d(x, w)];
  },
  conv3x3: () => {
    const w = parameter([O, C, 3, 3]);
    return [[w], (x) => F.conv2d(x, w, null, { padding: 'same' })];
  },
  depthwise: () => {
    const w = parameter([C, 1, 3, 3]);
    return [[w], (x) => F.conv2d(x, w, null, { padding: 'same', groups: C })];
  },
  batchnorm: () => {
    const [g, b] = [parameter([C]), parameter([C])];
    const [mean, variance] = [keep(zeros([C])), keep(ones([C]))];
    const bn = (x) =>
      F.batchNorm(x, { weight: g, bias: b, runningMean: mean, runningVar: variance, training: true });
    return [[g, b], bn];
  },
  relu: () => [[], (x) => F.relu(x)],
  // As src/nn/activation.ts runs it: libtorch's relu6 on float32, relu6FromRelu on bfloat16.
  relu6: () => [[], (x) => (x.dtype === 'bfloat16' ? relu6FromRelu(x) : F.relu6(x))],
  swish: () => [[], (x) => F.silu(x)],
};
if (!ops[kind]) throw new Error(`KIND is one of ${Object.keys(ops).join(', ')}; got ${kind}`);
const [params, op] = ops[kind]();
const image = keep(tidy(() => randn([N, C, H, H]).contiguous(layout)));

function step() {
  const x = bf16 && !process.env.FLOAT32_INPUT ? image.to('bfloat16') : image.clone();
  x.requiresGrad_();
  const before = memoryStats().currentBytes;
  resetPeakMemory();
  const y = bf16 ? autocast(() => op(x)) : op(x);
  const forwardPeak = memoryStats().peakBytes - before;
  const gradient = onesLike(y);
  const afterForward = memoryStats().currentBytes;
  resetPeakMemory();
  y.backward(gradient);
  const result = {
    kind,
    channels: C,
    outChannels: O,
    side: H,
    batch: N,
    format,
    precision,
    inputBytes: x.nbytes,
    inputDtype: x.dtype,
    outputBytes: y.nbytes,
    outputDtype: y.dtype,
    weightBytes: params.reduce((sum, p) => sum + p.nbytes, 0),
    keptBeyondInputAndOutput: afterForward - before - y.nbytes - gradient.nbytes,
    forwardPeak,
    backwardPeak: memoryStats().peakBytes - afterForward,
  };
  for (const p of params) p.grad = null;
  return result;
}
tidy(step); // warm-up: oneDNN's first call allocates caches
console.log(JSON.stringify(tidy(step)));
