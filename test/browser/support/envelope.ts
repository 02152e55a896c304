// Energy envelopes for comparing captured audio with the WAV the fake microphone plays.
import { readFileSync } from 'node:fs'

/** Reads a canonical PCM16 mono WAV (what speech-wav.ts makes): samples and rate. */
export function readWav(path: string): { samples: Int16Array; sampleRate: number } {
  const bytes = readFileSync(path)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path} is not a WAV file`)
  }
  let offset = 12
  let sampleRate = 0
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4)
    const size = view.getUint32(offset + 4, true)
    const body = offset + 8
    if (id === 'fmt ') {
      const channels = view.getUint16(body + 2, true)
      const bits = view.getUint16(body + 14, true)
      if (channels !== 1 || bits !== 16) throw new Error(`${path}: expected mono 16-bit PCM`)
      sampleRate = view.getUint32(body + 4, true)
    } else if (id === 'data') {
      const samples = new Int16Array(size / 2)
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + i * 2, true)
      return { samples, sampleRate }
    }
    offset = body + size + (size % 2)
  }
  throw new Error(`${path}: no data chunk`)
}

/** RMS per window of `windowMs`, hopping by `windowMs` (0–1 full scale). */
export function envelope(samples: Int16Array, sampleRate: number, windowMs: number): number[] {
  const size = Math.round((sampleRate * windowMs) / 1000)
  const out: number[] = []
  for (let start = 0; start + size <= samples.length; start += size) {
    let sum = 0
    for (let i = start; i < start + size; i++) sum += samples[i]! * samples[i]!
    out.push(Math.sqrt(sum / size) / 32767)
  }
  return out
}

/** Pearson correlation of two equal-length series. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length)
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma
    const y = b[i]! - mb
    sab += x * y
    saa += x * x
    sbb += y * y
  }
  return sab / Math.sqrt(saa * sbb)
}

/** In dB relative to the series' peak, floored at `floorDb`. */
export function toRelativeDb(series: readonly number[], floorDb = -60): number[] {
  const peak = Math.max(...series)
  return series.map((v) => Math.max(floorDb, 20 * Math.log10(v / peak)))
}

/**
 * Best circular alignment of `captured` against the periodic `reference`: the lag (in windows)
 * at which `captured[i]` best matches `reference[(i + lag) % period]`, and that correlation.
 */
export function alignPeriodic(
  captured: readonly number[],
  reference: readonly number[],
): { lag: number; score: number } {
  let best = { lag: 0, score: -Infinity }
  const period = reference.length
  for (let lag = 0; lag < period; lag++) {
    const shifted = captured.map((_, i) => reference[(i + lag) % period]!)
    const score = correlation(captured, shifted)
    if (score > best.score) best = { lag, score }
  }
  return best
}

/** Indices where the series crosses `thresholdDb` upwards (onsets) or downwards (offsets). */
export function crossings(seriesDb: readonly number[], thresholdDb: number): number[] {
  const out: number[] = []
  for (let i = 1; i < seriesDb.length; i++) {
    const before = seriesDb[i - 1]! >= thresholdDb
    const now = seriesDb[i]! >= thresholdDb
    if (before !== now) out.push(i)
  }
  return out
}

/**
 * For each event `at` (an index into `captured`, where `reference[(at + lag) % period]` should
 * line up), the local shift in windows (within ±`search`) that best matches a `span`-window
 * stretch of the reference around it: 0 when the capture's timing is exactly right there.
 * Robust to level changes (correlation ignores gain), unlike threshold crossings on slow ramps.
 */
export function localShifts(
  captured: readonly number[],
  reference: readonly number[],
  lag: number,
  events: readonly number[],
  span: number,
  search: number,
): number[] {
  const period = reference.length
  const shifts: number[] = []
  for (const at of events) {
    const start = at - Math.floor(span / 2)
    if (start - search < 0 || start + span + search > captured.length) continue
    const ref: number[] = []
    for (let i = 0; i < span; i++)
      ref.push(reference[(((start + i + lag) % period) + period) % period]!)
    let best = { shift: 0, score: -Infinity }
    for (let shift = -search; shift <= search; shift++) {
      const score = correlation(captured.slice(start + shift, start + shift + span), ref)
      if (score > best.score) best = { shift, score }
    }
    shifts.push(best.shift)
  }
  return shifts
}
