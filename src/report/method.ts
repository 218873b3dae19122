// "How this was measured": what each number in the report is, from the documented meaning of the
// RunSummary fields, and how it differs from what the paper measured.
import type { RunGroup } from './groups.js';
import { escapeHtml } from './html-escape.js';
import { groupTitle } from './tables.js';

export function methodSection(groups: readonly RunGroup[]): string {
  const setups = groups
    .map((group) => `<li>${escapeHtml(groupTitle(group))}: ${escapeHtml(setupOf(group))}</li>`)
    .join('\n');
  return `<section id="method">
<h2>How this was measured</h2>
<dl class="method">
<dt>Accuracy</dt>
<dd><em>Train acc</em> is the last epoch's training accuracy (<code>final.trainAcc</code>) and <em>Test acc</em>
the accuracy on the held-out test split after training (<code>final.testAcc</code>; a dash when the dataset has
no test split). The accuracy curves show each epoch's training accuracy (<code>acc</code>, dashed) and
validation accuracy (<code>valAcc</code>, solid). Accuracies are fractions of images classified correctly,
shown as percentages. Test accuracy uses BatchNorm's moving statistics, as Keras and the paper do, unless
the run was trained with <code>--recalibrate-bn</code>: then the statistics were re-estimated from the
training images after the last epoch (<code>batchNormRecalibration</code>), and the table notes say so.</dd>

<dt>Peak tensor memory — our training-memory measure</dt>
<dd>The largest number of bytes of live tensor storage at any moment, counted by the engine's counting
CPU allocator: libtorch is given an allocator (<code>c10::SetCPUAllocator</code>) that records the size of every
block it hands out and takes back, so the count covers every CPU tensor — weights, gradients, optimizer
state, activations kept for the backward pass, temporaries — and its peak is exact, not sampled. It leaves
out memory that is not a tensor: the JavaScript heap, image buffers before they become tensors, program
code and libraries. It is the memory the architecture and batch size decide, i.e. what must fit on the
device. Curves: each epoch's peak (<code>peakTensorBytes</code>); tables and Pareto plots: the run's peak
(<code>memory.peakTensorBytes</code>).</dd>

<dt>Peak process RSS</dt>
<dd>The resident set size of the training process, sampled from <code>/proc</code> while it trains: all the
physical memory the process holds — tensors plus the Node.js runtime, libtorch and its libraries, the
JavaScript heap and allocator slack. Curves: each epoch's peak (<code>peakRssBytes</code>, dashed); tables: the
run's peak (<code>memory.peakRssBytes</code>). The mean over the samples is kept too
(<code>memory.meanRssBytes</code>).</dd>

<dt>Avg system memory per epoch — the paper's measure, for comparison</dt>
<dd>The whole machine's used RAM, read once at the end of each epoch, averaged over the epochs
(<code>memory.paperAvgMemBytes</code>). This is what the paper's <em>Avg Mem. per Epoch</em> column reports (read
with <code>jtop</code> on a Jetson Xavier NX). It counts every other process and the operating system, and one
reading per epoch misses the peaks, so it moves with whatever else runs on the machine; the paper's
differences between models (≈ 820–895 MB) are differences of this system-wide figure. Use it only to compare
with the paper; compare models with the peak tensor memory.</dd>

<dt>Time per epoch</dt>
<dd>Wall-clock time of each epoch's training pass (<code>timeS</code>), averaged over the epochs
(<code>time.meanEpochS</code>) — the paper's <em>Avg Time per Epoch</em>.</dd>

<dt>Inference time</dt>
<dd>The median latency of one forward pass over a batch of images, repeated
(<code>inference.batchMs.median</code>; the 95th percentile and the per-image latency are in <code>run.json</code>).
The paper reports an <em>Avg Inf. Time</em> without saying how many images it covers.</dd>

<dt>Units</dt>
<dd>MB = 10<sup>6</sup> bytes; s = seconds; ms = milliseconds; #Params in millions (M), counted like Keras
(BatchNorm moving statistics included).</dd>

<dt>Pareto analysis</dt>
<dd>A model <em>dominates</em> another when it is at least as good on every chosen objective and strictly better
on one. Rank 1 is the set no model dominates (the Pareto front); rank 2 is the front of what remains, and so
on. The <em>hypervolume</em> is the volume of objective space the models dominate, measured up to a reference
point 10% of each objective's range beyond its worst value, normalised by the box between that point and the
best value of every objective; a model's <em>HV share</em> is the part of it no other model covers. Quadrants
follow the paper's Figure 4: an accuracy frontier (70% unless <code>--accuracy-frontier</code> says otherwise)
and a cost frontier at the midpoint of the smallest and largest value (or <code>--memory-frontier</code>); a
value on a frontier counts as meeting it.</dd>
</dl>
<p>Set-up of the runs:</p>
<ul>
${setups}
</ul>
</section>`;
}

function setupOf(group: RunGroup): string {
  return group.runs
    .map((run) => {
      const summary = run.summary;
      return `${run.label} ${summary.inputSize}×${summary.inputSize} px, training batch ${summary.batchSize}, ${summary.history.length} of ${summary.epochs} epochs, inference batch ${summary.inference.batchSize}`;
    })
    .join('; ');
}
