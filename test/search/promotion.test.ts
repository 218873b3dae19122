// Successive halving's promotion and the front, on hand-made candidate records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatedCandidate, frontOf, preFilterKeep, promote } from '../../src/search/promotion.js';
import type { CandidateRecord } from '../../src/search/types.js';

/** A candidate with one result per rung: [validation accuracy, epoch seconds]. */
function candidate(hash: string, peakMB: number, rungs: [number, number][]): CandidateRecord {
  return {
    hash,
    name: hash,
    genome: {},
    params: 1,
    macs: 1,
    peakBytes: peakMB * 1e6,
    excluded: null,
    violation: 0,
    latencyMs: null,
    latencyS: 0,
    proxy: null,
    proxyS: 0,
    rungs: rungs.map(([valAcc, meanEpochS], i) => ({
      epochs: i + 1,
      valAcc,
      testAcc: null,
      meanEpochS,
      peakTensorBytes: peakMB * 1e6,
      trainS: 1,
    })),
    runDir: null,
  };
}

const names = (records: CandidateRecord[]) => records.map((r) => r.hash).sort();

describe('successive-halving promotion', () => {
  // After one epoch the big networks lead in accuracy; the small ones lead in memory and time.
  const rung0 = [
    candidate('big-a', 400, [[0.72, 50]]),
    candidate('big-b', 420, [[0.73, 55]]),
    candidate('mid-dominated', 300, [[0.6, 60]]),
    candidate('small', 80, [[0.62, 12]]),
    candidate('tiny', 60, [[0.55, 9]]),
    candidate('slow-tiny', 61, [[0.5, 30]]),
  ];

  it('promotes the rung non-dominated candidates, not only the most accurate', () => {
    const promoted = promote(rung0, 0, 4, 'epoch-time');
    assert.deepEqual(names(promoted), ['big-a', 'big-b', 'small', 'tiny']);
    // Plain ASHA (by accuracy) would have cut 'tiny' for 'mid-dominated'.
    assert.ok(!promoted.some((r) => r.hash === 'mid-dominated'));
  });

  it('cuts the last front by crowding, keeping its extremes', () => {
    const promoted = promote(rung0, 0, 2, 'epoch-time');
    assert.deepEqual(names(promoted), ['big-b', 'tiny'], 'the most accurate and the smallest');
  });

  it('does not depend on the order of the candidates', () => {
    const reversed = promote([...rung0].reverse(), 0, 3, 'epoch-time');
    assert.deepEqual(names(reversed), names(promote(rung0, 0, 3, 'epoch-time')));
  });
});

describe('the proxy pre-filter', () => {
  const scored = (hash: string, proxy: number, peakMB: number, macs: number): CandidateRecord => ({
    ...candidate(hash, peakMB, []),
    proxy,
    macs,
  });

  it('keeps small networks the proxy alone would cut', () => {
    const offspring = [
      scored('big', 20, 300, 1e9),
      scored('big-dominated', 10, 310, 1.1e9),
      scored('small', 5, 60, 1e8),
    ];
    assert.deepEqual(names(preFilterKeep(offspring, 2, 'epoch-time')), ['big', 'small']);
  });
});

describe('the front', () => {
  it('compares only candidates trained through every rung', () => {
    const complete = candidate('complete', 100, [
      [0.6, 10],
      [0.7, 10],
    ]);
    // Smaller, but its one-epoch accuracy is not comparable with four-epoch accuracies.
    const stopped = candidate('stopped', 50, [[0.65, 5]]);
    assert.deepEqual(names(frontOf([complete, stopped], 'epoch-time', 2)), ['complete']);
    const finished = candidate('finished', 50, [
      [0.65, 5],
      [0.66, 5],
    ]);
    assert.deepEqual(names(frontOf([complete, finished], 'epoch-time', 2)), ['complete', 'finished']);
  });

  it('ranks fully trained before stopped before untrained candidates for selection', () => {
    const full = evaluatedCandidate(
      candidate('full', 100, [
        [0.1, 99],
        [0.1, 99],
      ]),
      'epoch-time',
      2,
    );
    const stopped = evaluatedCandidate(candidate('stopped', 10, [[0.9, 1]]), 'epoch-time', 2);
    const untrained = evaluatedCandidate(candidate('untrained', 10, []), 'epoch-time', 2);
    assert.equal(full.violation, 0);
    assert.ok(stopped.violation > 0 && stopped.violation < untrained.violation);
  });
});
