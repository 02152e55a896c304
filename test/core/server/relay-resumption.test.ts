// Gemini resumption handles through the relay, bound to the user they were issued to. The
// upstream is our mock server, which issues real handles and resumes real conversations.
import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { GeminiRealtimeModel, RealtimeRunner, defaultWebSocketFactory } from '../../../src/core'
import { createMemoryHandleStore, createRelayServer } from '../../../src/server'
import type {
  RelayLogEntry,
  RelayServerOptions,
  ResumptionBinding,
  ResumptionHandleStore,
} from '../../../src/server'
import { createMockRealtimeServer } from '../../../src/testing'
import type { MockRealtimeServer } from '../../../src/testing'
import { rawClient, type RawClient } from '../../conformance/mock-helpers'

const key = 'relay-gemini-key'
const MODEL = 'models/gemini-2.5-flash-native-audio-preview-09-2025'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Users name themselves in a header; a real app would read a session cookie in `authorize`. */
const authorize = (request: IncomingMessage) => {
  const user = request.headers['x-user']
  return typeof user === 'string' ? { user } : {}
}
const byUser: ResumptionBinding = {
  owner: (claims) => (typeof claims.user === 'string' ? claims.user : undefined),
}

async function setup(options: Partial<RelayServerOptions> = {}) {
  const mock = await createMockRealtimeServer({ keys: { gemini: [key] } })
  cleanups.push(mock.close)
  const log: RelayLogEntry[] = []
  const relay = await createRelayServer({
    upstream: 'mock',
    apiKey: key,
    upstreamUrls: { gemini: mock.url },
    authorize,
    resumption: byUser,
    onLog: (entry) => log.push(entry),
    ...options,
  })
  cleanups.push(relay.close)
  return { mock, relay, log }
}

function open(url: string, user?: string): RawClient {
  const client = rawClient(url, user === undefined ? {} : { headers: { 'x-user': user } })
  cleanups.push(async () => client.ws.terminate())
  return client
}

const turnComplete = (message: Record<string, unknown>) =>
  (message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true

/** `user` talks once through the relay and hangs up; resolves with the resumable handle issued. */
async function handleAfterTurn(url: string, user: string | undefined): Promise<string> {
  const client = open(url, user)
  await client.opened
  client.send({ setup: { model: MODEL, sessionResumption: {} } })
  await client.messages.next((message) => message.setupComplete !== undefined)
  client.send({ realtimeInput: { text: 'Remember the word pineapple.' } })
  await client.messages.next(turnComplete)
  const update = await client.messages.next(
    (message) =>
      (message.sessionResumptionUpdate as { resumable?: boolean } | undefined)?.resumable === true,
  )
  client.ws.close()
  await client.closed
  return (update.sessionResumptionUpdate as { newHandle: string }).newHandle
}

/** How the relay turns away a resume that is not the user's. */
const REFUSED = { code: 1008, reason: 'resumption handle not issued to this user' }

/**
 * Sends a resuming `setup` (these `setup` fields, or a frame written by hand); resolves with
 * `setupComplete` or the close.
 */
async function resume(
  url: string,
  user: string | undefined,
  resumption: Record<string, unknown> | string,
): Promise<'resumed' | { code: number; reason: string }> {
  const client = open(url, user)
  await client.opened
  if (typeof resumption === 'string') client.ws.send(resumption)
  else client.send({ setup: { model: MODEL, ...resumption } })
  const outcome = await Promise.race([
    client.messages
      .next((message) => message.setupComplete !== undefined)
      .then(() => 'resumed' as const),
    client.closed,
  ])
  client.ws.close()
  return outcome
}

/** The resume attempts the mock saw (a refused one never reaches it). */
function resumesSeen(mock: MockRealtimeServer, handle: string): number {
  return mock.log.frames.filter(
    (frame) => frame.direction === 'in' && JSON.stringify(frame.message).includes(handle),
  ).length
}

describe('relay resumption binding (Gemini)', () => {
  it('should let the user a handle was issued to resume, and close 1008 for anyone else', async () => {
    const { mock, relay, log } = await setup()
    const handle = await handleAfterTurn(relay.geminiUrl, 'alice')

    expect(await resume(relay.geminiUrl, 'bob', { sessionResumption: { handle } })).toEqual(REFUSED)
    expect(await resume(relay.geminiUrl, undefined, { sessionResumption: { handle } })).toEqual(
      REFUSED,
    )
    expect(resumesSeen(mock, handle)).toBe(0)
    expect(log.filter((entry) => entry.type === 'resumption')).toEqual([
      { type: 'resumption', action: 'refused', detail: 'handle not issued to this owner' },
      { type: 'resumption', action: 'refused', detail: 'handle not issued to this owner' },
    ])

    expect(await resume(relay.geminiUrl, 'alice', { sessionResumption: { handle } })).toBe(
      'resumed',
    )
    expect(resumesSeen(mock, handle)).toBe(1)
  })

  it('should refuse handles it never issued, and those asked for in either spelling or twice', async () => {
    const { mock, relay } = await setup()
    const handle = await handleAfterTurn(relay.geminiUrl, 'alice')
    // A handle minted elsewhere (another relay, a direct connection) is nobody's here.
    expect(
      await resume(relay.geminiUrl, 'alice', { sessionResumption: { handle: 'minted-elsewhere' } }),
    ).toEqual(REFUSED)
    // proto JSON reads snake_case too: the check does as well.
    expect(await resume(relay.geminiUrl, 'bob', { session_resumption: { handle } })).toEqual(
      REFUSED,
    )
    // Both spellings at once: every handle must be the user's own.
    expect(
      await resume(relay.geminiUrl, 'alice', {
        sessionResumption: { handle },
        session_resumption: { handle: 'minted-elsewhere' },
      }),
    ).toEqual(REFUSED)
    expect(await resume(relay.geminiUrl, 'alice', { session_resumption: { handle } })).toBe(
      'resumed',
    )
    expect(resumesSeen(mock, handle)).toBe(1)
  })

  it('should check a setup spelled with JSON escapes, and forward exactly what it checked', async () => {
    const { mock, relay } = await setup()
    const handle = await handleAfterTurn(relay.geminiUrl, 'alice')
    // `\u0073etup` is `setup` to every JSON parser: the check reads it too.
    const escaped = `{"\\u0073etup":{"model":"${MODEL}","sessionResumption":{"handle":"${handle}"}}}`
    expect(await resume(relay.geminiUrl, 'bob', escaped)).toEqual(REFUSED)
    expect(await resume(relay.geminiUrl, 'alice', escaped)).toBe('resumed')
    // A duplicate key is read as JSON.parse reads it (the last one wins), perhaps not as
    // upstream would: so the relay forwards its own serialization, not the frame.
    // (Another session of Alice's: the one just resumed may still hold its socket open.)
    const other = await handleAfterTurn(relay.geminiUrl, 'alice')
    const duplicated = `{"setup":{"model":"${MODEL}","sessionResumption":{"handle":"minted-elsewhere"},"sessionResumption":{"handle":"${other}"}}}`
    expect(await resume(relay.geminiUrl, 'alice', duplicated)).toBe('resumed')
    // What the mock read, and its size: the relay's own serialization, byte for byte (the
    // frame as sent would parse the same but weigh more).
    const forwarded = (wanted: string) =>
      mock.log.frames
        .filter(
          (frame) => frame.direction === 'in' && JSON.stringify(frame.message).includes(wanted),
        )
        .map((frame) => ({ message: frame.message, bytes: frame.bytes }))
    const exactly = (message: unknown) => ({
      message,
      bytes: Buffer.byteLength(JSON.stringify(message)),
    })
    expect(forwarded(handle)).toEqual([
      exactly({ setup: { model: MODEL, sessionResumption: { handle } } }),
    ])
    expect(forwarded(other)).toEqual([
      exactly({ setup: { model: MODEL, sessionResumption: { handle: other } } }),
    ])
  })

  it('should not let a key spelled twice hide a handle from the check', async () => {
    const { mock, relay } = await setup()
    const handle = await handleAfterTurn(relay.geminiUrl, 'alice')
    // JSON.parse keeps the last, empty, resumption: a parser keeping the first would resume
    // Alice's conversation for Bob. Upstream gets what the relay read: a session of Bob's own.
    const hiding = `{"setup":{"model":"${MODEL}","sessionResumption":{"handle":"${handle}"},"sessionResumption":{}}}`
    expect(await resume(relay.geminiUrl, 'bob', hiding)).toBe('resumed') // setupComplete
    const fresh = { setup: { model: MODEL, sessionResumption: {} } }
    const setups = mock.log.frames.filter((f) => f.direction === 'in' && f.kind === 'setup')
    expect(setups.at(-1)).toMatchObject({
      message: fresh,
      bytes: Buffer.byteLength(JSON.stringify(fresh)),
    })
  })

  it('should close 1008 for a handle no string can be made of, instead of ending the process', async () => {
    const { relay } = await setup()
    const handle = { toString: 1 } // String(handle) throws
    expect(await resume(relay.geminiUrl, 'alice', { sessionResumption: { handle } })).toEqual({
      code: 1008,
      reason: 'the relay could not check this message',
    })
  })

  it('should not bind or allow resumption for a connection without an owner', async () => {
    const { relay } = await setup()
    const handle = await handleAfterTurn(relay.geminiUrl, undefined)
    expect(await resume(relay.geminiUrl, undefined, { sessionResumption: { handle } })).toEqual(
      REFUSED,
    )
  })

  it('should keep every frame in order while an async store records and looks up handles', async () => {
    const memory = createMemoryHandleStore()
    const calls: string[] = []
    const slow: ResumptionHandleStore = {
      get: async (handle) => {
        calls.push('get')
        await new Promise((resolve) => setTimeout(resolve, 30))
        return memory.get(handle)
      },
      set: async (handle, owner, ttlMs) => {
        calls.push('set')
        await new Promise((resolve) => setTimeout(resolve, 30))
        memory.set(handle, owner, ttlMs)
      },
    }
    const { mock, relay } = await setup({ resumption: { ...byUser, store: slow } })
    const client = open(relay.geminiUrl, 'alice')
    await client.opened
    client.send({ setup: { model: MODEL, sessionResumption: {} } })
    await client.messages.next((message) => message.setupComplete !== undefined)
    client.send({ realtimeInput: { text: 'Say a long sentence, please.' } })
    await client.messages.next(turnComplete)
    await client.messages.next(
      (m) => (m.sessionResumptionUpdate as { resumable?: boolean } | undefined)?.resumable === true,
    )
    client.ws.close()
    await client.closed
    // What the browser got is what the mock sent, in the same order, though the frames after
    // each handle waited for the store.
    const sent = mock.log.frames
      .filter(
        (frame) => frame.direction === 'out' && frame.connectionId === mock.log.connections[0]!.id,
      )
      .map((frame) => JSON.stringify(frame.message))
    const got = client.messages.items.map(({ __binary: _binary, ...message }) =>
      JSON.stringify(message),
    )
    expect(got).toEqual(sent.slice(0, got.length))
    expect(calls).toContain('set')

    // The resume waits for the lookup; audio sent behind the setup is not let past it.
    const again = open(relay.geminiUrl, 'alice')
    await again.opened
    const handle = (
      client.messages.items.findLast(
        (m) => (m.sessionResumptionUpdate as { resumable?: boolean } | undefined)?.resumable,
      )!.sessionResumptionUpdate as { newHandle: string }
    ).newHandle
    again.send({ setup: { model: MODEL, sessionResumption: { handle } } })
    again.send({ realtimeInput: { text: 'And again?' } })
    await again.messages.next((message) => message.setupComplete !== undefined)
    const inbound = mock.log.frames.filter(
      (frame) => frame.direction === 'in' && frame.connectionId === mock.log.connections.at(-1)!.id,
    )
    expect(Object.keys(inbound[0]!.message as object)).toEqual(['setup'])
    await again.messages.next(turnComplete)
    expect(calls.filter((call) => call === 'get')).toHaveLength(1)
  })

  it('should close 1011 when the store cannot be read, and still deliver a handle it could not record', async () => {
    const failing: ResumptionHandleStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => {
        throw new Error('store down')
      },
    }
    const { relay, log } = await setup({ resumption: { ...byUser, store: failing } })
    const handle = await handleAfterTurn(relay.geminiUrl, 'alice')
    expect(handle).toMatch(/./)
    expect(await resume(relay.geminiUrl, 'alice', { sessionResumption: { handle } })).toEqual({
      code: 1011,
      reason: 'relay could not check the resumption handle',
    })
    expect(log).toContainEqual({
      type: 'resumption',
      action: 'storeError',
      detail: 'handle not recorded',
    })
    expect(log).toContainEqual({
      type: 'resumption',
      action: 'storeError',
      detail: 'handle lookup failed',
    })
  })

  it('should let the runner resume its own session through the relay after a drop', async () => {
    const { mock, relay } = await setup()
    const model = new GeminiRealtimeModel({
      auth: 'none',
      baseUrl: relay.geminiUrl,
      // A browser sends its cookie; in Node the factory adds the header `authorize` reads.
      webSocketFactory: (request) =>
        defaultWebSocketFactory({ ...request, headers: { ...request.headers, 'x-user': 'alice' } }),
    })
    let text = ''
    const runner = new RealtimeRunner({
      model,
      config: { modalities: ['text'] },
      reconnect: { initialDelayMs: 10 },
      handlers: { onText: (delta) => (text += delta), onTranscript: (delta) => (text += delta) },
    })
    cleanups.push(() => runner.close())
    await runner.connect()
    runner.sendText('Remember the word pineapple.')
    // The handle arrives after the turn: wait for the mock to have issued a resumable one.
    await mock.log.waitFor(
      (frame) =>
        frame.direction === 'out' && JSON.stringify(frame.message).includes('"resumable":true'),
      { signal: AbortSignal.timeout(10_000) },
    )
    await expect.poll(() => text).not.toBe('')
    const first = mock.log.connections.at(-1)!.id
    mock.connections().at(-1)!.drop()
    const resumed = await mock.log.waitFor(
      (frame) =>
        frame.direction === 'in' &&
        frame.connectionId !== first &&
        JSON.stringify(frame.message).includes('"handle"'),
      { signal: AbortSignal.timeout(10_000) },
    )
    expect(resumed.kind).toBe('setup')
    await expect.poll(() => runner.getState().connection).toBe('connected')
  })
})
