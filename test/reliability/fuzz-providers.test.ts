import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  GeminiRealtimeModel,
  GeminiTurnTracker,
  OpenAIRealtimeModel,
  RealtimeError,
  parseOpenAIServerFrame,
  parseRealtimeConfig,
  readGeminiMessage,
} from '../../src/core'
import type { RealtimeSession, ServerEvent } from '../../src/core'
import { PcmAligner } from '../../src/core/providers/pcm-aligner'
import { decodeGeminiFrame } from '../../src/core/providers/gemini/protocol-server'
import { WireShapeError } from '../../src/core/providers/wire-reader'
import { fakeFactory } from '../core/transport/fake-socket'
import type { FakeSocket } from '../core/transport/fake-socket'
import type { Provider } from './support/fixtures'
import { eventProblem, fuzzParameters, fuzzSeed, randomFrame, sessionFrame } from './support/fuzz'
import type { WireFrame } from './support/fuzz'
import { ReliabilityCase } from './support/harness'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * Both providers' parsers and sessions, fed random and mutated server frames (seeded fast-check;
 * the seed is printed and FUZZ_SEED=<n> replays it, FUZZ_RUNS=<n> searches longer). The corpus
 * is what the mock server really sends in a session with speech, tools, barge-in, resumption
 * updates, go-away and errors; mutations replace and delete fields, rename message types, cut
 * and corrupt the text. Whatever arrives, nothing throws out of the session, every event is one
 * of the unified types with fields of the right types, errors are `RealtimeError`s, and the
 * session stays open.
 */
const corpus: Record<Provider, string[]> = { openai: [], gemini: [] }
const types: Record<Provider, string[]> = { openai: [], gemini: [] }

/** Records a real session against the mock and keeps a few frames of every kind it sent. */
async function record(provider: Provider): Promise<void> {
  const test = await ReliabilityCase.start({ provider, brain: { chunkIntervalMs: 50 } })
  const frames: string[] = []
  const perKind = new Map<string, number>()
  const stop = test.server.log.subscribe((frame) => {
    if (frame.direction !== 'out' || typeof frame.message !== 'object') return
    const count = perKind.get(frame.kind) ?? 0
    if (count >= 3) return
    perKind.set(frame.kind, count + 1)
    frames.push(JSON.stringify(frame.message))
  })
  await test.connect()
  await test.say('What is the weather in Paris?')
  await test.say('Please use the broken tool.')
  await test.speak()
  await test.until(() => test.isSettled() && test.recorder.completedResponses >= 3, 'speech')
  test.send('Please do a slow lookup 9000.')
  await test.until(() => test.toolLog.started.length === 1, 'the slow tool')
  await test.speak()
  await test.settle()
  test.inject({ type: 'serverError' })
  await test.settle()
  if (provider === 'gemini') {
    test.inject({ type: 'goAway', timeLeftMs: 5_000 })
    await test.settle()
  }
  stop()
  await test.closeRunner()
  await test.dispose()
  corpus[provider] = frames
  types[provider] = [...perKind.keys()].map((kind) => kind.split(/[.+]/)[0]!)
  if (provider === 'openai') types.openai = [...perKind.keys()]
}

/** A session on a scripted socket, connected the way the model connects. */
async function fakeSession(provider: Provider): Promise<{
  session: RealtimeSession
  socket: FakeSocket
  events: ServerEvent[]
}> {
  const { factory, sockets } = fakeFactory()
  const model =
    provider === 'openai'
      ? new OpenAIRealtimeModel({ apiKey: 'sk-test', webSocketFactory: factory })
      : new GeminiRealtimeModel({ apiKey: 'key', webSocketFactory: factory })
  const connecting = model.connect(parseRealtimeConfig({ instruction: 'Fuzz.' }))
  const socket = await eventually(() => sockets[0])
  socket.open(provider === 'openai' ? 'realtime' : '')
  await eventually(() => (socket.sent.length > 0 ? true : undefined))
  if (provider === 'openai') {
    socket.receive(JSON.stringify({ type: 'session.created', session: { id: 'sess_fuzz' } }))
    socket.receive(JSON.stringify({ type: 'session.updated', session: { id: 'sess_fuzz' } }))
  } else {
    socket.receive(JSON.stringify({ setupComplete: {} }))
  }
  const session = await connecting
  const events: ServerEvent[] = []
  session.subscribe((event) => events.push(event))
  return { session, socket, events }
}

async function eventually<T>(value: () => T | undefined): Promise<T> {
  for (let i = 0; i < 1_000; i++) {
    const found = value()
    if (found !== undefined) return found
    await Promise.resolve()
  }
  throw new Error('the fake socket was never used')
}

function toWire(frame: WireFrame): string | ArrayBuffer {
  return typeof frame === 'string' ? frame : frame.slice().buffer
}

beforeAll(async () => {
  console.log(`fuzz seed ${fuzzSeed} (replay: FUZZ_SEED=${fuzzSeed})`)
  await record('openai')
  await record('gemini')
}, 60_000)

describe.each(['openai', 'gemini'] as const)('%s session, fuzzed frames', (provider) => {
  it('never throws, emits only well-formed events and typed errors, and stays open', async () => {
    const consoleError = vi.spyOn(console, 'error')
    expect(corpus[provider].length).toBeGreaterThan(10)
    await fc.assert(
      fc.asyncProperty(
        fc.array(sessionFrame(corpus[provider], types[provider]), { minLength: 1, maxLength: 25 }),
        async (frames) => {
          const { session, socket, events } = await fakeSession(provider)
          for (const frame of frames) socket.receive(toWire(frame))
          await new Promise((resolve) => setImmediate(resolve))
          const problems = events.map(eventProblem).filter((problem) => problem !== undefined)
          expect(problems).toEqual([])
          expect(session.isConnected()).toBe(true)
          socket.serverClose(1000)
          await session.closed
        },
      ),
      fuzzParameters(),
    )
    expect(consoleError).not.toHaveBeenCalled()
    consoleError.mockRestore()
  })
})

describe('parsers, fuzzed frames', () => {
  it('parseOpenAIServerFrame never throws and returns well-formed events', () => {
    const context = { outputFormat: 'pcm16' as const, aligner: new PcmAligner() }
    fc.assert(
      fc.property(sessionFrame(corpus.openai, types.openai), (frame) => {
        const events = parseOpenAIServerFrame(frame, context)
        expect(events.map(eventProblem).filter((problem) => problem !== undefined)).toEqual([])
        // Text that is not a JSON object with a type is exactly one typed error.
        if (typeof frame === 'string' && !isTypedObject(frame)) {
          expect(events).toHaveLength(1)
          expect(events[0]?.type).toBe('error')
        }
      }),
      { ...fuzzParameters(), numRuns: fuzzParameters().numRuns! * 10 },
    )
  })

  it('readGeminiMessage throws only shape and audio errors; the turn tracker never throws', () => {
    const tracker = new GeminiTurnTracker('fuzz')
    fc.assert(
      fc.property(fc.oneof(sessionFrame(corpus.gemini, types.gemini), randomFrame()), (frame) => {
        const decoded = decodeGeminiFrame(frame)
        if ('error' in decoded) return
        let message
        try {
          message = readGeminiMessage(decoded.frame)
        } catch (error) {
          const typed =
            error instanceof WireShapeError ||
            (error instanceof RealtimeError && error.code === 'invalid_audio')
          expect(typed, String(error)).toBe(true)
          return
        }
        const events = tracker.apply(message)
        expect(events.map(eventProblem).filter((problem) => problem !== undefined)).toEqual([])
      }),
      { ...fuzzParameters(), numRuns: fuzzParameters().numRuns! * 10 },
    )
  })
})

function isTypedObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    return (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof (value as { type?: unknown }).type === 'string'
    )
  } catch {
    return false
  }
}
