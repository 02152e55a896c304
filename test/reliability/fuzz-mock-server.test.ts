import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createMockRealtimeServer } from '../../src/testing'
import type { MockRealtimeServer } from '../../src/testing'
import { geminiSession, openaiSession } from '../conformance/mock-helpers'
import type { Provider } from './support/fixtures'
import { fuzzParameters, fuzzSeed, sessionFrame } from './support/fuzz'
import type { WireFrame } from './support/fuzz'
import { ReliabilityCase } from './support/harness'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * The mock server's request handling, fed random and mutated client frames over real sockets
 * (seeded fast-check; FUZZ_SEED=<n> replays). The corpus is what our runner really sends — config
 * updates, audio, text, tool results, Gemini setup — plus the client events it never sends. Each
 * run is one connection: for Gemini, half the runs set up first so later frames reach the deeper
 * handlers. The mock must never throw (an exception in a socket handler would take the whole
 * server down), must answer or close with a protocol close code, and must keep serving: after
 * every fuzzed connection, a clean client still completes a turn.
 */
const corpus: Record<Provider, string[]> = { openai: [], gemini: [] }
const types: Record<Provider, string[]> = { openai: [], gemini: [] }
let server: MockRealtimeServer
const crashes: unknown[] = []
const onCrash = (error: unknown): void => void crashes.push(error)

const extraOpenAI = [
  { type: 'response.cancel' },
  { type: 'response.cancel', response_id: 'resp_x' },
  { type: 'input_audio_buffer.commit' },
  { type: 'input_audio_buffer.clear' },
  { type: 'conversation.item.truncate', item_id: 'item_x', content_index: 0, audio_end_ms: 10 },
  { type: 'conversation.item.delete', item_id: 'item_x' },
  { type: 'conversation.item.retrieve', item_id: 'item_x' },
  { type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } },
  {
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: { input: { turn_detection: null } },
      tool_choice: 'required',
    },
  },
]
const extraGemini = [
  { realtimeInput: { activityStart: {} } },
  { realtimeInput: { activityEnd: {} } },
  { realtimeInput: { audioStreamEnd: true } },
  { realtimeInput: { text: 'Hello.' } },
  { clientContent: { turns: [{ role: 'user', parts: [{ text: 'Hi' }] }], turnComplete: true } },
  { toolResponse: { functionResponses: [{ id: 'x', name: 'get_weather', response: { ok: 1 } }] } },
]

/** The frames our own runner sends in a session with speech, tools and a context change. */
async function record(provider: Provider): Promise<void> {
  const test = await ReliabilityCase.start({ provider })
  const frames = new Map<string, string[]>()
  const stop = test.server.log.subscribe((frame) => {
    if (frame.direction !== 'in' || typeof frame.message !== 'object') return
    const list = frames.get(frame.kind) ?? []
    if (list.length < 3) list.push(JSON.stringify(frame.message))
    frames.set(frame.kind, list)
  })
  await test.connect()
  await test.say('What is the weather in Paris?')
  await test.speak()
  await test.settle()
  test.recorder.update(test.runner, 'Be brief.', 'Now be brief.')
  await test.settle()
  stop()
  await test.closeRunner()
  await test.dispose()
  const extra = provider === 'openai' ? extraOpenAI : extraGemini
  corpus[provider] = [...frames.values()].flat().concat(extra.map((item) => JSON.stringify(item)))
  types[provider] =
    provider === 'openai'
      ? [...new Set([...frames.keys(), ...extraOpenAI.map((item) => item.type)])]
      : ['setup', 'realtimeInput', 'clientContent', 'toolResponse']
}

const setup = {
  setup: {
    model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
    tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' } }] }],
    sessionResumption: {},
  },
}

/** One fuzzed connection; resolves once the mock has answered everything (or closed). */
async function fuzzConnection(
  provider: Provider,
  setUpFirst: boolean,
  frames: readonly WireFrame[],
): Promise<{ closed: number | undefined }> {
  const url = provider === 'openai' ? server.openaiUrl : `${server.geminiUrl}?key=fuzz-key`
  const socket = new WebSocket(url, provider === 'openai' ? ['realtime'] : [], {
    headers: provider === 'openai' ? { Authorization: 'Bearer sk-fuzz' } : {},
  })
  let closed: number | undefined
  const closing = new Promise<void>((resolve) =>
    socket.on('close', (code) => {
      closed = code
      resolve()
    }),
  )
  socket.on('error', () => {})
  await new Promise<void>((resolve) => {
    socket.once('open', () => resolve())
    socket.once('close', () => resolve())
  })
  if (provider === 'gemini' && setUpFirst && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(setup))
  }
  for (const frame of frames) {
    if (socket.readyState !== WebSocket.OPEN) break
    socket.send(frame, { binary: typeof frame !== 'string' })
  }
  if (socket.readyState === WebSocket.OPEN) {
    // Frames are handled in order: the pong comes after the mock handled every one of them.
    const pong = new Promise((resolve) => socket.once('pong', resolve))
    socket.ping()
    await Promise.race([pong, closing])
  }
  if (socket.readyState === WebSocket.OPEN) socket.close()
  await closing
  return { closed }
}

/** Close codes a protocol endpoint may send (or 1006 for a drop). */
function validClose(code: number | undefined): boolean {
  return code !== undefined && ((code >= 1000 && code <= 1014) || (code >= 3000 && code <= 4999))
}

beforeAll(async () => {
  console.log(`fuzz seed ${fuzzSeed} (replay: FUZZ_SEED=${fuzzSeed})`)
  await record('openai')
  await record('gemini')
  server = await createMockRealtimeServer({ seed: fuzzSeed, pingIntervalMs: 0 })
  process.on('uncaughtExceptionMonitor', onCrash)
}, 60_000)

afterAll(async () => {
  process.off('uncaughtExceptionMonitor', onCrash)
  await server.close()
})

describe.each(['openai', 'gemini'] as const)('mock server, fuzzed %s client frames', (provider) => {
  it(
    'never throws, answers or closes properly, and keeps serving',
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          // Valid frames lead the connection into a deeper state (a turn streaming, a tool call
          // pending) before the fuzzed ones arrive.
          fc
            .tuple(
              fc.array(fc.constantFrom(...corpus[provider]), { maxLength: 6 }),
              fc.array(sessionFrame(corpus[provider], types[provider]), {
                minLength: 1,
                maxLength: 6,
              }),
            )
            .map(([lead, fuzzed]) => [...lead, ...fuzzed]),
          async (setUpFirst, frames) => {
            const { closed } = await fuzzConnection(provider, setUpFirst, frames)
            expect(crashes).toEqual([])
            expect(validClose(closed), `close ${closed}`).toBe(true)
          },
        ),
        { ...fuzzParameters(), numRuns: Math.ceil(fuzzParameters().numRuns! / 2) },
      )
      // The server sees each close a moment after the client does.
      for (let i = 0; i < 1_000 && server.connections().length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      expect(server.connections()).toEqual([])
      // Still serving: a clean client completes a turn.
      if (provider === 'openai') {
        const client = await openaiSession(server.openaiUrl)
        client.send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi.' }] },
        })
        client.send({ type: 'response.create' })
        await client.messages.next((message) => message.type === 'response.done')
        client.ws.close()
      } else {
        const client = await geminiSession(server.url, {})
        client.send({ realtimeInput: { text: 'Hi.' } })
        await client.messages.next(
          (message) =>
            (message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete ===
            true,
        )
        client.ws.close()
      }
    },
  )
})
