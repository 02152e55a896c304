/**
 * Filter design for the resampler: a Kaiser-windowed sinc low-pass, sampled at L fractional
 * offsets (the polyphase table). Kaiser because one parameter, β, trades main-lobe width for
 * side-lobe level, and Kaiser's formulas give β and the length for a target attenuation directly.
 * Runs once per `Resampler`, so it favours clarity (Float64, power series) over speed.
 * @internal
 */

/**
 * Kaiser's estimate of the filter length (in input samples) for `stopbandDb` of attenuation over a
 * transition band of `transition` cycles per input sample.
 * @internal
 */
export function kaiserLength(stopbandDb: number, transition: number): number {
  return (stopbandDb - 7.95) / (14.36 * transition) + 1
}

/**
 * Builds the L×K polyphase table; `cutoff` is the -6 dB point in cycles per input sample. Tap k of
 * phase p weighs the input sample at offset `k - K/2 + 1` from the output's integer position, i.e.
 * at distance `p/L - k + K/2 - 1` from the output's exact time.
 * @internal
 */
export function designPolyphaseTable(
  phases: number,
  taps: number,
  cutoff: number,
  stopbandDb: number,
): Float32Array<ArrayBuffer> {
  const table = new Float32Array(phases * taps)
  const beta = 0.1102 * (stopbandDb - 8.7)
  const i0Beta = besselI0(beta)
  const radius = taps / 2
  const row = new Float64Array(taps)
  for (let p = 0; p < phases; p++) {
    let sum = 0
    for (let k = 0; k < taps; k++) {
      const t = p / phases - k + radius - 1
      const x = t / radius
      const window = x * x >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta
      row[k] = 2 * cutoff * sinc(2 * cutoff * t) * window
      sum += row[k]!
    }
    // Unit DC gain per phase: otherwise tiny per-phase gain differences modulate the signal at
    // the phase rate and show up as spurs.
    for (let k = 0; k < taps; k++) table[p * taps + k] = row[k]! / sum
  }
  return table
}

function sinc(x: number): number {
  if (x === 0) return 1
  const px = Math.PI * x
  return Math.sin(px) / px
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1
  let term = 1
  const q = (x * x) / 4
  for (let k = 1; term > 1e-17 * sum; k++) {
    term *= q / (k * k)
    sum += term
  }
  return sum
}
