import { z } from 'zod'
import { defineTool } from '../../../src/core'
import type { ToolInput } from '../../../src/core'
import { createMockBrain } from '../../../src/testing'
import type { MockBrain, MockBrainOptions } from '../../../src/testing'
import { sleep } from './virtual-clock'
import type { ClockView } from './virtual-clock'

export type Provider = 'openai' | 'gemini'
export const providers: readonly Provider[] = ['openai', 'gemini']

/** Tool activity a case can assert on: which handlers ran, and which saw their signal abort. */
export interface ToolLog {
  started: string[]
  aborted: string[]
  finished: string[]
}

/**
 * The tools every case registers. Each is reached through a phrase the mock brain maps to it:
 * "weather in Paris" → `get_weather`, "slow lookup 3000" → `slow_lookup` (sleeps 3 s of
 * simulated time, aborting with its signal), "broken tool" → `broken_tool` (throws), "bad
 * arguments" → `get_weather` with a number for `city` (fails validation).
 */
export function caseTools(clock: ClockView, log: ToolLog): ToolInput[] {
  return [
    defineTool({
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: z.object({ city: z.string() }),
      handler: ({ city }) => `It is sunny and 21 degrees in ${city}.`,
    }),
    defineTool({
      name: 'slow_lookup',
      description: 'A lookup that takes a while.',
      parameters: z.object({ ms: z.number() }),
      handler: async ({ ms }, { signal, callId }) => {
        log.started.push(callId)
        signal.addEventListener('abort', () => log.aborted.push(callId), { once: true })
        await sleep(clock, ms, signal)
        log.finished.push(callId)
        return `The lookup took ${ms} milliseconds.`
      },
    }),
    defineTool({
      name: 'broken_tool',
      description: 'A tool that always fails.',
      parameters: z.object({}),
      handler: () => {
        throw new Error('the backend is down')
      },
    }),
  ]
}

/**
 * The mock's brain for reliability cases: spoken turns are heard as numbered phrases (so every
 * one is distinct), replies are short, and the phrases above reach the tools.
 */
export function caseBrain(options: MockBrainOptions = {}): MockBrain {
  let spoken = 0
  return createMockBrain({
    replyWords: 10,
    transcripts: () => `Spoken phrase number ${++spoken}.`,
    intents: [
      { match: /\bslow lookup (\d+)/i, tool: 'slow_lookup', args: (m) => ({ ms: Number(m[1]) }) },
      { match: /\bbroken tool\b/i, tool: 'broken_tool', args: () => ({}) },
      { match: /\bbad arguments\b/i, tool: 'get_weather', args: () => ({ city: 42 }) },
    ],
    ...options,
  })
}

/** `ms` of a 220 Hz tone at -12 dBFS, PCM16 little-endian: loud enough for the mock's VAD. */
export function tone(ms: number, sampleRate: number): Uint8Array {
  const count = Math.round((sampleRate * ms) / 1000)
  const out = new Uint8Array(count * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < count; i++) {
    const sample = Math.round(Math.sin((2 * Math.PI * 220 * i) / sampleRate) * 0.25 * 32767)
    view.setInt16(i * 2, sample, true)
  }
  return out
}

export function silence(ms: number, sampleRate: number): Uint8Array {
  return new Uint8Array(Math.round((sampleRate * ms) / 1000) * 2)
}

/** A small seeded generator (mulberry32): the same seed gives the same session. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
