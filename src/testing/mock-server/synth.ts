import { floatToPcm16 } from '../../core/audio/pcm'
import { createRandom, hashString } from './random'

/**
 * The mock's default voice: speech-like sound, not speech. Each word becomes syllables; each
 * syllable is a voiced buzz (a glottal pulse train with a falling, wobbling pitch) shaped by three
 * formant resonators tuned to its vowel, with consonants as short noise bursts, stops as brief
 * gaps and punctuation as pauses. It is audible, clearly non-silent and changes with the text, so
 * meters, players and barge-in logic get realistic input — and it is deterministic (the noise is
 * seeded from the text) and free of GPL code. Tests and the demo can plug in a real synthesizer
 * (for example the `espeak-ng` package) through the brain's `synthesize` option instead.
 */
export type Synthesize = (text: string, sampleRate: number) => Int16Array | Promise<Int16Array>

export interface SpeechSynthesizerOptions {
  /** Base pitch in Hz. Default 140. */
  pitchHz?: number
  /** Peak level, 0…1 of full scale. Default 0.5 (-6 dBFS). */
  amplitude?: number
  /** Speaking rate as a multiplier of every duration (2 = twice as slow). Default 1. */
  slowness?: number
  /** Mixed into the per-text noise seed. */
  seed?: number
}

interface Segment {
  ms: number
  /** Voiced (buzz) level and noise level, 0…1. */
  voice: number
  noise: number
  formants: readonly [number, number, number]
  /** Centre of the noise band, Hz. */
  noiseHz: number
}

const VOWELS: Record<string, readonly [number, number, number]> = {
  a: [730, 1090, 2440],
  e: [530, 1840, 2480],
  i: [270, 2290, 3010],
  o: [570, 840, 2410],
  u: [300, 870, 2240],
  y: [270, 2290, 3010],
}
const NEUTRAL: readonly [number, number, number] = [500, 1500, 2500]
const NASAL: readonly [number, number, number] = [250, 1200, 2500]
const LIQUID: readonly [number, number, number] = [350, 1250, 2600]

function pause(ms: number): Segment {
  return { ms, voice: 0, noise: 0, formants: NEUTRAL, noiseHz: 3000 }
}

function consonant(letter: string, next: readonly [number, number, number]): Segment[] {
  if ('szcx'.includes(letter))
    return [{ ms: 70, voice: 0, noise: 0.12, formants: next, noiseHz: 5500 }]
  if ('fhv'.includes(letter)) {
    return [{ ms: 55, voice: letter === 'v' ? 0.3 : 0, noise: 0.1, formants: next, noiseHz: 3500 }]
  }
  if ('ptkbdgq'.includes(letter)) {
    return [pause(30), { ms: 18, voice: 0, noise: 0.25, formants: next, noiseHz: 2500 }]
  }
  if ('mn'.includes(letter)) return [{ ms: 60, voice: 0.45, noise: 0, formants: NASAL, noiseHz: 0 }]
  return [{ ms: 50, voice: 0.6, noise: 0, formants: LIQUID, noiseHz: 0 }]
}

/** Text → a list of segments (the "phonetics" are letter-based on purpose: no dictionary). */
function plan(text: string): Segment[] {
  const segments: Segment[] = []
  const tokens = text.toLowerCase().match(/[a-z0-9']+|[.,!?;:]/g) ?? []
  for (const token of tokens) {
    if (/^[.!?]$/.test(token)) segments.push(pause(300))
    else if (/^[,;:]$/.test(token)) segments.push(pause(180))
    else {
      // Digits are spoken as one syllable each.
      const letters = token.replace(/[0-9]/g, 'o').replace(/'/g, '')
      const groups = letters.match(/[aeiouy]+|[^aeiouy]+/g) ?? []
      let stressed = true
      for (let i = 0; i < groups.length; i++) {
        const group = groups[i]!
        const vowel = VOWELS[group[0]!]
        if (vowel) {
          segments.push({
            ms: stressed ? 140 : 100,
            voice: 1,
            noise: 0.02,
            formants: vowel,
            noiseHz: 0,
          })
          stressed = false
          continue
        }
        const nextVowel = VOWELS[groups[i + 1]?.[0] ?? ''] ?? NEUTRAL
        for (const letter of group.slice(0, 2)) segments.push(...consonant(letter, nextVowel))
      }
      segments.push(pause(45))
    }
  }
  return segments
}

/** A two-pole resonator whose centre frequency can glide. */
class Resonator {
  #y1 = 0
  #y2 = 0
  process(x: number, hz: number, bandwidthHz: number, sampleRate: number): number {
    const r = Math.exp((-Math.PI * bandwidthHz) / sampleRate)
    const theta = (2 * Math.PI * Math.min(hz, sampleRate * 0.45)) / sampleRate
    const y = (1 - r) * x + 2 * r * Math.cos(theta) * this.#y1 - r * r * this.#y2
    this.#y2 = this.#y1
    this.#y1 = y
    return y
  }
}

/**
 * @example
 * const synthesize = createSpeechSynthesizer({ pitchHz: 180 })
 * const pcm = synthesize('Hello there.', 24_000) // Int16Array, about a second of buzz
 */
export function createSpeechSynthesizer(
  options: SpeechSynthesizerOptions = {},
): (text: string, sampleRate: number) => Int16Array<ArrayBuffer> {
  const pitchHz = options.pitchHz ?? 140
  const amplitude = options.amplitude ?? 0.5
  const slowness = options.slowness ?? 1
  return (text, sampleRate) => {
    const segments = plan(text)
    const total = segments.reduce(
      (sum, segment) => sum + Math.round((segment.ms * slowness * sampleRate) / 1000),
      0,
    )
    const out = new Float32Array(total)
    const random = createRandom(hashString(text, options.seed ?? 0x9e3779b9))
    const formantFilters = [new Resonator(), new Resonator(), new Resonator()]
    const noiseFilter = new Resonator()
    // Per-sample smoothing: formants glide over ~15 ms, levels over ~8 ms (no clicks).
    const glide = 1 - Math.exp(-1000 / (15 * sampleRate))
    const fade = 1 - Math.exp(-1000 / (8 * sampleRate))
    const formants = [...NEUTRAL]
    let voice = 0
    let noise = 0
    let phase = 0
    let previousPulse = 0
    let index = 0
    for (const segment of segments) {
      const length = Math.round((segment.ms * slowness * sampleRate) / 1000)
      for (let n = 0; n < length; n++, index++) {
        const progress = index / Math.max(1, total)
        // Declination over the utterance, a rise-fall inside each segment and a little jitter.
        const f0 =
          pitchHz *
          (1 - 0.15 * progress) *
          (1 + 0.06 * Math.sin((Math.PI * n) / Math.max(1, length))) *
          (1 + 0.01 * (random() - 0.5))
        phase += f0 / sampleRate
        if (phase >= 1) phase -= 1
        // Rosenberg-style glottal pulse; its derivative adds the lip-radiation tilt.
        const pulse =
          phase < 0.6
            ? 0.5 * (1 - Math.cos((Math.PI * phase) / 0.6))
            : Math.cos((Math.PI * (phase - 0.6)) / 0.8)
        const source = pulse - previousPulse
        previousPulse = pulse
        for (let k = 0; k < 3; k++) formants[k]! += (segment.formants[k]! - formants[k]!) * glide
        voice += (segment.voice - voice) * fade
        noise += (segment.noise - noise) * fade
        let voiced = source * 40
        voiced = formantFilters[0]!.process(voiced, formants[0]!, 90, sampleRate)
        voiced += formantFilters[1]!.process(voiced, formants[1]!, 110, sampleRate) * 0.6
        voiced += formantFilters[2]!.process(voiced, formants[2]!, 150, sampleRate) * 0.3
        const hiss =
          segment.noiseHz > 0
            ? noiseFilter.process(random() * 2 - 1, segment.noiseHz, 2000, sampleRate) * 4
            : (random() * 2 - 1) * 0.3
        out[index] = voiced * voice + hiss * noise
      }
    }
    let peak = 0
    for (const sample of out) peak = Math.max(peak, Math.abs(sample))
    if (peak > 0) {
      const gain = amplitude / peak
      for (let i = 0; i < out.length; i++) out[i]! *= gain
    }
    return floatToPcm16(out) as Int16Array<ArrayBuffer>
  }
}
