/**
 * DSP throughput in audio-seconds per CPU-second ("× realtime" on one core).
 *
 * Run: `npx tsx bench/dsp.ts` (or `npm run bench`). Each benchmark streams 60 s of audio in 20 ms
 * blocks — the block size the capture and playback paths use — so per-call overhead counts.
 * CPU time comes from `process.cpuUsage()` (user + system of this process), which other load on
 * the machine distorts far less than wall time. Each repetition runs whole passes until it has
 * used ≥ 0.2 s of CPU; the figure is the median of 7 repetitions after 2 warm-up ones.
 */
import {
  decodeBase64,
  decodeBase64Portable,
  encodeBase64,
  encodeBase64Portable,
} from '../src/core/audio/base64'
import { encodeMuLaw } from '../src/core/audio/g711'
import { floatToPcm16Bytes } from '../src/core/audio/pcm'
import { Resampler } from '../src/core/audio/resample'

const AUDIO_SECONDS = 60
const BLOCK_MS = 20
const WARMUP = 2
const REPETITIONS = 7
const MIN_CPU_SECONDS = 0.2

interface Benchmark {
  name: string
  /** Processes AUDIO_SECONDS of audio once; returns something derived from the output. */
  pass: () => number
}

/** Deterministic test signal: a 440 Hz tone plus seeded noise, so output is never trivial. */
function signal(sampleRate: number): Float32Array {
  const samples = new Float32Array(sampleRate * AUDIO_SECONDS)
  let seed = 12345
  for (let i = 0; i < samples.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    const noise = seed / 2 ** 32 - 0.5
    samples[i] = 0.4 * Math.sin((2 * Math.PI * 440 * i) / sampleRate) + 0.1 * noise
  }
  return samples
}

function blocksOf<T extends { length: number; subarray(a: number, b: number): T }>(
  data: T,
  blockLength: number,
): T[] {
  const blocks: T[] = []
  for (let i = 0; i < data.length; i += blockLength) blocks.push(data.subarray(i, i + blockLength))
  return blocks
}

function resampleBenchmark(from: number, to: number): Benchmark {
  const blocks = blocksOf(signal(from), (from * BLOCK_MS) / 1000)
  return {
    name: `resample ${from / 1000}k → ${to / 1000}k`,
    pass: () => {
      const resampler = new Resampler({ inputRate: from, outputRate: to })
      let check = 0
      for (const block of blocks) check += resampler.process(block).length
      return check + resampler.flush().length
    },
  }
}

const RATE = 24_000 // provider rate for the PCM16 and base64 benchmarks
const floatBlocks = blocksOf(signal(RATE), (RATE * BLOCK_MS) / 1000)
const byteBlocks = floatBlocks.map((block) => floatToPcm16Bytes(block))
const textBlocks = byteBlocks.map((bytes) => encodeBase64(bytes))
const int16Blocks = byteBlocks.map((bytes) => new Int16Array(bytes.buffer))

const benchmarks: Benchmark[] = [
  resampleBenchmark(48_000, 24_000),
  resampleBenchmark(48_000, 16_000),
  resampleBenchmark(44_100, 24_000),
  resampleBenchmark(44_100, 16_000),
  resampleBenchmark(24_000, 48_000),
  {
    name: 'PCM16 encode (Float32 → Int16 → LE bytes), 24 kHz',
    pass: () => floatBlocks.reduce((sum, block) => sum + floatToPcm16Bytes(block).length, 0),
  },
  {
    name: 'base64 encode, 24 kHz PCM16',
    pass: () => byteBlocks.reduce((sum, bytes) => sum + encodeBase64(bytes).length, 0),
  },
  {
    name: 'base64 decode, 24 kHz PCM16',
    pass: () => textBlocks.reduce((sum, text) => sum + decodeBase64(text).length, 0),
  },
  {
    name: 'base64 encode, pure-JS fallback',
    pass: () => byteBlocks.reduce((sum, bytes) => sum + encodeBase64Portable(bytes).length, 0),
  },
  {
    name: 'base64 decode, pure-JS fallback',
    pass: () => textBlocks.reduce((sum, text) => sum + decodeBase64Portable(text).length, 0),
  },
  {
    name: 'G.711 μ-law encode, 24 kHz PCM16',
    pass: () => int16Blocks.reduce((sum, block) => sum + encodeMuLaw(block).length, 0),
  },
]

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e6
}

function measure(benchmark: Benchmark): { median: number; min: number; max: number } {
  const figures: number[] = []
  let sink = 0
  for (let rep = 0; rep < WARMUP + REPETITIONS; rep++) {
    const start = process.cpuUsage()
    let passes = 0
    let elapsed: number
    do {
      sink += benchmark.pass()
      passes++
      elapsed = cpuSeconds(start)
    } while (elapsed < MIN_CPU_SECONDS)
    if (rep >= WARMUP) figures.push((passes * AUDIO_SECONDS) / elapsed)
  }
  if (sink === 0) throw new Error(`${benchmark.name} produced no output`)
  figures.sort((a, b) => a - b)
  return {
    median: figures[Math.floor(figures.length / 2)]!,
    min: figures[0]!,
    max: figures[figures.length - 1]!,
  }
}

const round = (x: number): string => Math.round(x).toLocaleString('en-US')
console.log(`node ${process.version}, ${AUDIO_SECONDS} s of audio in ${BLOCK_MS} ms blocks`)
console.log('benchmark | median × realtime | min–max')
console.log('--- | ---: | ---:')
for (const benchmark of benchmarks) {
  const { median, min, max } = measure(benchmark)
  console.log(`${benchmark.name} | ${round(median)} | ${round(min)}–${round(max)}`)
}
