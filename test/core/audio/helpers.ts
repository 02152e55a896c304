/**
 * Deterministic test data for the DSP tests: a seeded PRNG (mulberry32) so every run sees the
 * same "random" samples, chunk sizes and byte strings.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Integer in [min, max], inclusive. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

export function randomBytes(random: () => number, length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = randomInt(random, 0, 255)
  return bytes
}

export function randomInt16(random: () => number, length: number): Int16Array<ArrayBuffer> {
  const samples = new Int16Array(length)
  for (let i = 0; i < length; i++) samples[i] = randomInt(random, -32768, 32767)
  return samples
}

/** Uniform white noise in [-amplitude, amplitude). */
export function noise(
  random: () => number,
  length: number,
  amplitude = 0.5,
): Float32Array<ArrayBuffer> {
  const samples = new Float32Array(length)
  for (let i = 0; i < length; i++) samples[i] = (random() * 2 - 1) * amplitude
  return samples
}

export function sine(
  frequency: number,
  sampleRate: number,
  length: number,
  amplitude = 0.5,
): Float32Array<ArrayBuffer> {
  const samples = new Float32Array(length)
  for (let i = 0; i < length; i++) {
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate)
  }
  return samples
}

/** RMS of samples[from, to), accumulated in float64. */
export function rmsOf(samples: ArrayLike<number>, from = 0, to = samples.length): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!
  return Math.sqrt(sum / (to - from))
}

export function db(ratio: number): number {
  return 20 * Math.log10(ratio)
}

/** Index of the first element where the arrays differ (Object.is), or -1 if identical. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i
  return -1
}

export function concat(parts: ReadonlyArray<Float32Array>): Float32Array<ArrayBuffer> {
  const total = parts.reduce((sum, part) => sum + part.length, 0)
  const out = new Float32Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Returns the thrown value, or fails the caller's expectation by returning undefined. */
export function caught(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}
