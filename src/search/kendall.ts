// Kendall's rank correlation τ-b (ties in either variable allowed): how well one score orders
// candidates as another does; +1 the same order, -1 reversed, 0 unrelated. O(n²), fine for the tens to
// hundreds of architectures a search trains.

/** τ-b of paired values, or null when fewer than two pairs or one side is constant. */
export function kendallTau(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length)
    throw new RangeError(`kendallTau: ${xs.length} x values but ${ys.length} y values`);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < xs.length; i += 1)
    for (let j = i + 1; j < xs.length; j += 1) {
      const dx = Math.sign(xs[i]! - xs[j]!);
      const dy = Math.sign(ys[i]! - ys[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX += 1;
      else if (dy === 0) tiesY += 1;
      else if (dx === dy) concordant += 1;
      else discordant += 1;
    }
  const pairsX = concordant + discordant + tiesY; // pairs not tied in x
  const pairsY = concordant + discordant + tiesX; // pairs not tied in y
  if (pairsX === 0 || pairsY === 0) return null;
  return (concordant - discordant) / Math.sqrt(pairsX * pairsY);
}
