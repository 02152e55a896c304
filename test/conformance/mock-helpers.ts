import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { rmsDbfs } from '../../src/core/audio/level'

/**
 * Shared helpers of the mock-server conformance tests. Nothing here waits on wall-clock time:
 * every wait resolves on an event, and vitest's test timeout is the only bound.
 */

/** An append-only list of events that can be awaited by predicate. */
export class Inbox<T> {
  readonly items: T[] = []
  readonly #waiters: Array<{
    predicate: (item: T) => boolean
    resolve: (item: T) => void
    from: number
  }> = []

  push = (item: T): void => {
    this.items.push(item)
    for (const waiter of [...this.#waiters]) {
      if (this.items.length - 1 >= waiter.from && waiter.predicate(item)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        waiter.resolve(item)
      }
    }
  }

  /** The first item at index ≥ `from` that matches, now or later. */
  next(predicate: (item: T) => boolean, from = 0): Promise<T> {
    const found = this.items.slice(from).find(predicate)
    if (found !== undefined) return Promise.resolve(found)
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve, from }))
  }

  get length(): number {
    return this.items.length
  }
}

/** A self-signed certificate for 127.0.0.1, made with the `openssl` command. */
export function makeSelfSignedCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'adk-mock-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Level of little-endian PCM16 bytes, in dBFS. */
export function pcmLevelDb(bytes: Uint8Array): number {
  const samples = new Int16Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length - (bytes.length % 2)),
  )
  return rmsDbfs(samples)
}

export function concatBase64(chunks: readonly string[]): Buffer {
  return Buffer.concat(chunks.map((chunk) => Buffer.from(chunk, 'base64')))
}

export interface RawClient {
  ws: WebSocket
  messages: Inbox<Record<string, unknown>>
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>
  opened: Promise<void>
  /** Errors the `ws` client reported (for example a frame over its `maxPayload`). */
  errors: Inbox<Error>
  send(message: unknown): void
}

/** A plain `ws` client that parses every frame (text or binary) as JSON. */
export function rawClient(
  url: string,
  options: WebSocket.ClientOptions & { protocols?: string[] } = {},
): RawClient {
  const { protocols, ...rest } = options
  const ws = new WebSocket(url, protocols ?? [], rest)
  const messages = new Inbox<Record<string, unknown>>()
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const text = data.toString('utf8')
    try {
      messages.push({ ...(JSON.parse(text) as Record<string, unknown>), __binary: isBinary })
    } catch {
      messages.push({ __malformed: text, __binary: isBinary })
    }
  })
  const errors = new Inbox<Error>()
  ws.on('error', errors.push)
  return {
    ws,
    messages,
    errors,
    closed: new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
    opened: new Promise((resolve) => ws.on('open', () => resolve())),
    send: (message) => ws.send(JSON.stringify(message)),
  }
}

/** A tone burst: `ms` of a 220 Hz sine at -12 dBFS, as PCM16 little-endian bytes. */
export function tone(ms: number, sampleRate: number, amplitude = 0.25): Buffer {
  const count = Math.round((sampleRate * ms) / 1000)
  const out = Buffer.alloc(count * 2)
  for (let i = 0; i < count; i++) {
    out.writeInt16LE(
      Math.round(Math.sin((2 * Math.PI * 220 * i) / sampleRate) * amplitude * 32767),
      i * 2,
    )
  }
  return out
}

export function silence(ms: number, sampleRate: number): Buffer {
  return Buffer.alloc(Math.round((sampleRate * ms) / 1000) * 2)
}

interface ManualTimer {
  at: number
  seq: number
  callback: () => void
}

/** A clock that only moves when told to: timers fire inside `advance`, in order. */
export class ManualClock {
  #now = 0
  #seq = 0
  readonly #timers: ManualTimer[] = []

  now = (): number => this.#now

  setTimeout = (callback: () => void, ms: number): unknown => {
    const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback }
    this.#timers.push(timer)
    return timer
  }

  clearTimeout = (timer: unknown): void => {
    const index = this.#timers.indexOf(timer as ManualTimer)
    if (index >= 0) this.#timers.splice(index, 1)
  }

  /** How many timers are set and not yet run or cleared. */
  get pending(): number {
    return this.#timers.length
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms
    for (;;) {
      const due = this.#timers
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.#timers.splice(this.#timers.indexOf(due), 1)
      this.#now = due.at
      due.callback()
    }
    this.#now = target
  }
}

/** Opens an OpenAI connection with a bearer key and waits for `session.created`. */
export async function openaiSession(
  url: string,
  options: { key?: string; protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<RawClient> {
  const client = rawClient(url, {
    headers: { Authorization: `Bearer ${options.key ?? 'sk-test'}`, ...options.headers },
    ...(options.protocols ? { protocols: options.protocols } : {}),
  })
  await client.messages.next((message) => message.type === 'session.created')
  return client
}

/** Sends a user text item and asks for a response; resolves once `until` has arrived. */
export async function openaiTextTurn(
  client: RawClient,
  text: string,
  until: string,
): Promise<void> {
  client.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  })
  client.send({ type: 'response.create' })
  await client.messages.next((message) => message.type === until)
}

/** Opens a Gemini connection (on the SDK's `//ws/…` path), sends `setup` and waits for `setupComplete`. */
export async function geminiSession(
  baseUrl: string,
  setup: Record<string, unknown>,
  options: { key?: string; query?: string } = {},
): Promise<RawClient> {
  const wsBase = baseUrl.replace(/^http/, 'ws')
  const query = options.query ?? `key=${options.key ?? 'TEST_KEY'}`
  const client = rawClient(
    `${wsBase}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?${query}`,
  )
  await client.opened
  client.send({
    setup: { model: 'models/gemini-2.5-flash-native-audio-preview-09-2025', ...setup },
  })
  await client.messages.next((message) => message.setupComplete !== undefined)
  return client
}

/** The `type`s of the OpenAI events received so far, from index `from`. */
export function typesOf(client: RawClient, from = 0): string[] {
  return client.messages.items.slice(from).map((message) => String(message.type))
}
