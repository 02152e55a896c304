import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createRelayServer } from '../../src/server'
import type { RelayLogEntry, RelayServer } from '../../src/server'
import { createMockRealtimeServer } from '../../src/testing'
import type { MockRealtimeServer } from '../../src/testing'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * The relay's security cases under load: 200 concurrent browser connections (100 OpenAI from
 * 127.0.0.1, 100 Gemini from 127.0.0.2 — Linux routes all of 127/8 to loopback, so each
 * address is its own client IP) through the relay to the mock, while other browsers knock with
 * a wrong origin, no credentials, one connection too many per IP and one too many overall.
 *
 * Every connection tags its traffic (`tag-<n>`), and no frame may cross: each browser sees only
 * its own tag, and each upstream connection carries exactly one. The relay's key reaches the
 * mock (which accepts no other) and never a browser, locked session fields are filtered, an
 * over-size message closes only its own connection, and a freed slot can be used again.
 */
const KEY = 'sk-relay-LOAD-secret-42'
const ORIGIN = 'https://app.example'
const PER_IP = 100

let mock: MockRealtimeServer
let relay: RelayServer
const log: RelayLogEntry[] = []

interface Browser {
  tag: number
  socket: WebSocket
  texts: string[]
  closed: Promise<number>
}

function open(
  url: string,
  options: { address?: string; origin?: string; token?: string; tag?: number } = {},
): Promise<Browser | number> {
  const socket = new WebSocket(url, url.includes('/openai') ? ['realtime'] : [], {
    localAddress: options.address ?? '127.0.0.1',
    headers: {
      origin: options.origin ?? ORIGIN,
      ...(options.token === undefined ? {} : { 'x-user-token': options.token }),
    },
    perMessageDeflate: false,
  })
  const texts: string[] = []
  socket.on('message', (data: Buffer) => texts.push(data.toString('utf8')))
  socket.on('error', () => {})
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)))
  return new Promise((resolve) => {
    socket.once('open', () => resolve({ tag: options.tag ?? -1, socket, texts, closed }))
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
    // Neither opened nor refused (a reset): a status no assertion accepts, instead of a hang.
    socket.once('close', () => resolve(-1))
  })
}

function tagsIn(text: string): Set<number> {
  return new Set([...text.matchAll(/tag-(\d+)/g)].map((match) => Number(match[1])))
}

async function until(condition: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 3_000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`timed out waiting for ${label}`)
}

beforeAll(async () => {
  mock = await createMockRealtimeServer({
    pingIntervalMs: 0,
    // The mock accepts only the relay's key: a session that works proves the relay added it.
    keys: { openai: [KEY], gemini: [KEY] },
  })
  const base = `ws://127.0.0.1:${mock.port}`
  relay = await createRelayServer({
    upstream: 'mock',
    apiKey: KEY,
    upstreamUrls: { openai: `${base}/v1/realtime`, gemini: base },
    maxConnections: 2 * PER_IP,
    perIpLimit: PER_IP,
    allowedOrigins: [ORIGIN],
    authorize: (request) => {
      const token = request.headers['x-user-token']
      return typeof token === 'string' && token.startsWith('user-') ? { user: token } : false
    },
    maxMessageBytes: 64 * 1024,
    sessionPolicy: { locked: ['instructions', 'systemInstruction'], onViolation: 'filter' },
    onLog: (entry) => log.push(entry),
  })
})

afterAll(async () => {
  await relay.close()
  await mock.close()
})

describe('relay under load', () => {
  it(
    '200 concurrent browsers: limits hold, keys stay server-side, no frame crosses',
    { timeout: 120_000 },
    async () => {
      const openMany = (gemini: boolean): Promise<Array<Browser | number>> =>
        Promise.all(
          Array.from({ length: PER_IP }, (_, n) => {
            const tag = gemini ? PER_IP + n : n
            return open(gemini ? relay.geminiUrl : relay.openaiUrl, {
              address: gemini ? '127.0.0.2' : '127.0.0.1',
              token: `user-${tag}`,
              tag,
            })
          }),
        )
      // 100 OpenAI browsers from one address: that address is full, the relay is not.
      const first = await openMany(false)
      expect(
        await Promise.all([
          open(relay.openaiUrl, { token: 'user-x' }), // a 101st from 127.0.0.1
          open(relay.geminiUrl, { address: '127.0.0.3' }), // no credentials
          open(relay.openaiUrl, { address: '127.0.0.3', origin: 'https://evil.example' }),
        ]),
      ).toEqual([429, 401, 403])
      // 100 Gemini browsers from another: now the relay is full too.
      const second = await openMany(true)
      expect(await open(relay.openaiUrl, { address: '127.0.0.3', token: 'user-y' })).toBe(503)
      const browsers = [...first, ...second].filter(
        (entry): entry is Browser => typeof entry !== 'number',
      )
      expect(browsers).toHaveLength(2 * PER_IP)
      expect(relay.connectionCount()).toBe(2 * PER_IP)

      // Every browser talks at once, each with its own tag, trying to set locked fields too.
      for (const browser of browsers) {
        const tag = `tag-${browser.tag}`
        if (browser.tag < PER_IP) {
          browser.socket.send(
            JSON.stringify({
              type: 'session.update',
              session: {
                type: 'realtime',
                output_modalities: ['text'],
                instructions: `evil ${tag}`,
              },
            }),
          )
          browser.socket.send(
            JSON.stringify({
              type: 'conversation.item.create',
              item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: tag }] },
            }),
          )
          browser.socket.send(JSON.stringify({ type: 'response.create' }))
        } else {
          browser.socket.send(
            JSON.stringify({
              setup: {
                model: 'models/gemini-2.5-flash',
                generationConfig: { responseModalities: ['TEXT'] },
                systemInstruction: { parts: [{ text: `evil ${tag}` }] },
              },
            }),
          )
          browser.socket.send(JSON.stringify({ realtimeInput: { text: tag } }))
        }
      }
      const answered = (browser: Browser): boolean =>
        browser.texts.some((text) =>
          browser.tag < PER_IP ? text.includes('"response.done"') : text.includes('"turnComplete"'),
        )
      await until(() => browsers.every(answered), 'every browser to get its answer')

      for (const browser of browsers) {
        const all = browser.texts.join('\n')
        // Its own answer, nothing of anyone else's, and never the relay's key.
        expect(all).toContain(`You said: tag-${browser.tag}`)
        expect([...tagsIn(all)]).toEqual([browser.tag])
        expect(all).not.toContain(KEY)
      }
      // Upstream, each connection carried exactly one browser's traffic, with the key and
      // without the locked fields.
      const upstream = mock.log.connections.filter(
        (connection) => mock.log.framesOf(connection.id, 'in').length > 0,
      )
      expect(upstream).toHaveLength(2 * PER_IP)
      const seen = new Set<number>()
      for (const connection of upstream) {
        const sent = mock.log
          .framesOf(connection.id, 'in')
          .map((frame) => JSON.stringify(frame.message))
        const tags = tagsIn(sent.join('\n'))
        expect(tags.size).toBe(1)
        for (const tag of tags) seen.add(tag)
        expect(sent.join('\n')).not.toContain('evil')
      }
      expect(seen.size).toBe(2 * PER_IP)
      expect(log.filter((entry) => entry.type === 'policy')).toHaveLength(2 * PER_IP)

      // An over-size message closes only its own connection, and its slot is free again.
      const [victim] = browsers
      victim!.socket.send('x'.repeat(128 * 1024))
      expect(await victim!.closed).toBe(1009)
      await until(() => relay.connectionCount() === 2 * PER_IP - 1, 'the slot to be freed')
      expect(
        browsers.slice(1).every((browser) => browser.socket.readyState === WebSocket.OPEN),
      ).toBe(true)
      const late = await open(relay.openaiUrl, { address: '127.0.0.3', token: 'user-late' })
      expect(typeof late).not.toBe('number')

      for (const browser of [...browsers.slice(1), late as Browser]) browser.socket.close()
      await until(() => relay.connectionCount() === 0, 'the relay to drain')
      await until(() => mock.connections().length === 0, 'the mock to drain')
      const refused = log.filter((entry) => entry.type === 'refused').map((entry) => entry.status)
      expect(refused.sort()).toEqual([401, 403, 429, 503])
    },
  )
})
