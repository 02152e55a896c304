import { PCM16_SCALE } from './pcm'

/**
 * Signal levels for meters and voice-activity heuristics. Full scale is 1.0 for Float32 samples;
 * Int16 samples are measured exactly as if converted with `pcm16ToFloat` first (divided by 32767,
 * with -32768 counted as -32767), so both inputs agree and a level never exceeds 1.
 *
 * dBFS here is `20·log10(level)` with full scale = 1.0: a full-scale square wave is 0 dBFS and a
 * full-scale sine -3.01 dBFS (the AES-17 convention would call that sine 0 dBFS; meters that want
 * it add 3.01 dB).
 */

/**
 * Floor used by {@link toDbfs} and {@link rmsDbfs}: silence reads -100 dBFS rather than
 * `-Infinity`, so it can be averaged, animated and serialised to JSON. 16-bit audio's own noise
 * floor is about -96 dBFS, so nothing real is hidden below it.
 */
export const DEFAULT_DBFS_FLOOR = -100

/**
 * Root-mean-square level in [0, 1]; 0 for an empty array.
 *
 * @example
 * rmsLevel(new Float32Array([0.5, -0.5])) // 0.5
 */
export function rmsLevel(samples: Float32Array | Int16Array): number {
  const n = samples.length
  if (n === 0) return 0
  let sum = 0
  if (samples instanceof Int16Array) {
    for (let i = 0; i < n; i++) {
      const s = samples[i]!
      const v = s < -PCM16_SCALE ? -PCM16_SCALE : s
      sum += v * v
    }
    return Math.sqrt(sum / n) / PCM16_SCALE
  }
  for (let i = 0; i < n; i++) {
    const v = samples[i]!
    sum += v * v
  }
  return Math.sqrt(sum / n)
}

/**
 * Largest absolute sample value in [0, 1] (Float32 input is not clamped, so a clipping source can
 * read above 1); 0 for an empty array.
 *
 * @example
 * peakLevel(new Int16Array([100, -32768])) // 1
 */
export function peakLevel(samples: Float32Array | Int16Array): number {
  let max = 0
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i]!)
    if (v > max) max = v
  }
  if (samples instanceof Int16Array) return Math.min(max, PCM16_SCALE) / PCM16_SCALE
  return max
}

/**
 * Converts a linear level (RMS or peak) to dBFS, never below `floorDb`. Pass `-Infinity` as the
 * floor to get the unclamped value.
 *
 * @example
 * toDbfs(0.5) // -6.0206
 * toDbfs(0) // -100
 */
export function toDbfs(level: number, floorDb: number = DEFAULT_DBFS_FLOOR): number {
  const db = 20 * Math.log10(level)
  // Math.max would turn a NaN level into NaN; treat it as silence instead.
  return db > floorDb ? db : floorDb
}

/**
 * RMS level in dBFS, clamped to `floorDb`.
 *
 * @example
 * rmsDbfs(frame) > -50 // "someone might be speaking"
 */
export function rmsDbfs(
  samples: Float32Array | Int16Array,
  floorDb: number = DEFAULT_DBFS_FLOOR,
): number {
  return toDbfs(rmsLevel(samples), floorDb)
}
