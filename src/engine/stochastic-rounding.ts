// Stochastic rounding of float32 to bfloat16, from the engine's own tensor ops (the addon has no
// bit casts). bfloat16 keeps 8 significant bits: rounded to nearest, an update smaller than half a
// unit in the last place (2^-9 of the value) is lost every time — Adam's second moment then never
// decays, since 1 − β2 = 0.001 of it is below that. Rounded up with probability equal to the fraction
// of the unit passed, the stored value is right on average, so small updates add up as they should.
import { rand, type Generator } from './creation.js';
import type { Tensor } from './tensor.js';

/** bfloat16's significand bits, the leading one included. */
const SIGNIFICAND_BITS = 8;
/** bfloat16's smallest subnormal, 2^-133: the spacing of its values below 2^-126. */
const SMALLEST_SPACING = 2 ** -133;
/** The spacing in bfloat16's top binade (2^127 … 2^128): an infinite x keeps it and stays infinite. */
const LARGEST_SPACING = 2 ** (127 + 1 - SIGNIFICAND_BITS);

/**
 * x (float32) rounded to one of the two bfloat16 values around it, the upper with probability equal
 * to x's distance from the lower over their spacing (an unbiased rounding: its mean is x). A value
 * that bfloat16 holds exactly stays as it is; NaN stays NaN. The random draw comes from generator.
 */
export function stochasticRoundToBfloat16(x: Tensor, generator: Generator): Tensor {
  const spacing = bfloat16Spacing(x);
  // x / spacing is exact (a power of two) and lies between two whole numbers, the two neighbours.
  const scaled = x.div(spacing);
  const lower = scaled.floor();
  scaled.add_(lower, -1); // now the fraction passed, in [0, 1)
  const draw = rand(x.shape, { generator });
  // rand's float32 draws are multiples of 2^-24 and the fraction one of 2^-16: P(draw < fraction) is
  // exactly the fraction.
  const roundUp = draw.lt(scaled);
  draw.dispose();
  scaled.dispose();
  lower.add_(roundUp);
  roundUp.dispose();
  lower.mul_(spacing); // exact: both neighbours are bfloat16 values
  spacing.dispose();
  try {
    return lower.to('bfloat16');
  } finally {
    lower.dispose();
  }
}

/**
 * The spacing of bfloat16 values in the binade of each |x|: 2^(⌊log2 |x|⌋ − 7), from 2^-133 to 2^120.
 * log and exp are not exact, so the exponent is estimated, the power of two made exact by rounding
 * it to bfloat16, and an estimate one binade off corrected by where |x| / spacing falls.
 */
function bfloat16Spacing(x: Tensor): Tensor {
  const magnitude = x.abs();
  const log = magnitude.log();
  log.mul_(1 / Math.LN2);
  const exponent = log.floor();
  log.dispose();
  exponent.add_(1 - SIGNIFICAND_BITS).mul_(Math.LN2);
  const estimate = exponent.exp();
  exponent.dispose();
  const asBfloat16 = estimate.to('bfloat16');
  estimate.dispose();
  const spacing = asBfloat16.to('float32');
  asBfloat16.dispose();
  const scaled = magnitude.div(spacing);
  magnitude.dispose();
  // A binade's values are 2^7 … 2^8 − 1 spacings.
  scaleWhere(spacing, scaled.ge(2 ** SIGNIFICAND_BITS), 'mul_');
  scaleWhere(spacing, scaled.lt(2 ** (SIGNIFICAND_BITS - 1)), 'div_');
  scaled.dispose();
  // Zero and subnormals: the smallest spacing (log of 0 is −∞, and exp of a very negative exponent
  // 0); infinities the largest, so they stay infinite instead of becoming ∞/∞ = NaN.
  try {
    return spacing.clamp(SMALLEST_SPACING, LARGEST_SPACING);
  } finally {
    spacing.dispose();
  }
}

/** Doubles (mul_) or halves (div_) spacing where mask is set. */
function scaleWhere(spacing: Tensor, mask: Tensor, operation: 'mul_' | 'div_'): void {
  const factor = mask.to('float32');
  mask.dispose();
  factor.add_(1);
  spacing[operation](factor);
  factor.dispose();
}
