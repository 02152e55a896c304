import { get } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayLogEntry } from '../../../src/server'
import {
  apiKey,
  connect,
  portOf,
  rawExchange,
  runCleanups,
  setup,
  until,
  upgradeRequest,
  type UpstreamConnection,
} from './relay-helpers'

afterEach(runCleanups)

/** An upstream that echoes the key every way a provider might: text, binary JSON, close reason. */
function leakKey(connection: UpstreamConnection): void {
  const error = { error: { message: `Incorrect API key provided: ${apiKey}` } }
  connection.socket.send(JSON.stringify({ type: 'error', ...error }))
  // Gemini sends its JSON in binary frames; its errors echo the `?key=` of the URL.
  connection.socket.send(Buffer.from(JSON.stringify({ ...error, url: connection.url })), {
    binary: true,
  })
  setTimeout(() => connection.socket.close(1008, `bad key ${apiKey}`), 20)
}

/** A plain HTTP request to the relay's own server: status line, headers and body. */
function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url.replace(/^ws/, 'http'), (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () =>
        resolve(`HTTP ${res.statusCode} ${JSON.stringify(res.rawHeaders)} ${body}`),
      )
    }).on('error', reject)
  })
}

describe('createRelayServer key redaction', () => {
  it.each(['openai', 'gemini'] as const)(
    'should never let the %s API key reach the browser, in text or binary frames, close reasons or HTTP responses, nor onLog',
    async (protocol) => {
      const log: RelayLogEntry[] = []
      const { relay, upstream } = await setup(
        {
          allowedOrigins: ['https://ok.example'],
          perIpLimit: 1,
          authorize: (req) => req.headers['x-user'] !== 'mallory',
          onLog: (entry) => log.push(entry),
        },
        leakKey,
      )
      const url = protocol === 'openai' ? relay.openaiUrl : relay.geminiUrl
      const browser = connect(url, { origin: 'https://ok.example' })
      await browser.opened
      const closed = await browser.closed
      // The upstream really did see the key (in the Gemini URL or the OpenAI header).
      const sentUpstream =
        JSON.stringify(upstream.connections[0]!.headers) + upstream.connections[0]!.url
      expect(sentUpstream).toContain(apiKey)

      await until(() => relay.connectionCount() === 0)
      const refusals = [
        connect(url, { origin: 'https://nope.example' }), // 403
        connect(url, { origin: 'https://ok.example', headers: { 'x-user': 'mallory' } }), // 401
        connect(`${relay.url}/elsewhere`), // 404
      ]
      const holder = connect(url, { origin: 'https://ok.example' })
      await holder.opened
      refusals.push(connect(url, { origin: 'https://ok.example' })) // 429: holder has the slot
      const statuses = await Promise.all(refusals.map((refusal) => refusal.refused))
      expect(statuses).toEqual([403, 401, 404, 429])
      const port = portOf(relay.url)
      const path = new URL(url).pathname
      const everything = [
        ...browser.frames,
        ...browser.http,
        closed.reason,
        ...refusals.flatMap((refusal) => refusal.http),
        await httpGet(relay.url), // 426 for plain HTTP
        await rawExchange(port, upgradeRequest(path, { 'Sec-WebSocket-Key': 'bad' })), // 400
      ]
      expect(browser.http[0]).toMatch(/^HTTP 101 /)
      expect(everything.filter((item) => /^HTTP(\/1\.1)? [1-5]\d\d /.test(item))).toHaveLength(7)
      for (const item of everything) expect(item).not.toContain(apiKey)
      expect(closed).toEqual({ code: 1008, reason: 'bad key [redacted]' })
      // Logs often travel further than the server (a log service, a ticket): redacted too.
      expect(log).toContainEqual({
        type: 'closed',
        code: 1008,
        reason: 'bad key [redacted]',
        by: 'upstream',
      })
      expect(JSON.stringify(log)).not.toContain(apiKey)
      // Redacted, not dropped, and the binary frame is still binary (the Gemini SDK expects it).
      expect(browser.binary).toEqual([false, true])
      expect(JSON.parse(browser.frames[1]!).error.message).toBe(
        'Incorrect API key provided: [redacted]',
      )
    },
  )
})
