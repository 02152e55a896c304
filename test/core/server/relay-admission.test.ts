import type { IncomingMessage } from 'node:http'
import { createConnection } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayLogEntry } from '../../../src/server'
import { addressBucket } from '../../../src/server/relay-admission'
import {
  connect,
  portOf,
  rawExchange,
  runCleanups,
  setup,
  until,
  upgradeRequest,
} from './relay-helpers'

afterEach(runCleanups)

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** An `authorize` that answers later, like one that asks a session store. */
const slowAuthorize = async (): Promise<boolean> => {
  await delay(60)
  return true
}

/**
 * An `authorize` that is still pending when its client leaves: it tells the test it has started,
 * then answers yes only once the relay's side of the socket has ended, so the relay always
 * sees a client that left mid-`authorize` (no race between timers and the FIN or RST). After
 * `open()` it answers yes at once.
 */
function authorizeOutlivingClient(): {
  authorize: (request: IncomingMessage) => Promise<boolean>
  started: () => Promise<void>
  open: () => void
} {
  let holding = true
  let signal: () => void = () => {}
  let startedPromise = new Promise<void>((resolve) => (signal = resolve))
  return {
    authorize: async (request) => {
      if (!holding) return true
      signal()
      // A reset closes the relay's socket; a FIN only ends it (half-open until the relay acts).
      await new Promise((resolve) => {
        request.socket.once('end', resolve)
        request.socket.once('close', resolve)
      })
      return true
    },
    started: async () => {
      await startedPromise
      startedPromise = new Promise<void>((resolve) => (signal = resolve))
    },
    open: () => {
      holding = false
    },
  }
}

/** Opens a raw TCP socket, starts a valid upgrade, and ends it the chosen way mid-`authorize`. */
async function abandonDuringAuthorize(
  url: string,
  how: 'end' | 'reset',
  authorizing: () => Promise<void>,
): Promise<void> {
  const socket = createConnection({ host: '127.0.0.1', port: portOf(url) })
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(upgradeRequest(new URL(url).pathname))
  await authorizing()
  if (how === 'reset') socket.resetAndDestroy()
  else socket.destroy()
  await new Promise((resolve) => socket.once('close', resolve))
}

/** Sends a whole upgrade request on a raw socket and resets the connection once it is written. */
function upgradeAndReset(port: number, request: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () =>
      socket.write(request, () => {
        socket.resetAndDestroy()
        resolve()
      }),
    )
    socket.on('error', () => resolve())
  })
}

describe('createRelayServer admission', () => {
  it('should hold maxConnections for simultaneous clients while an async authorize is pending', async () => {
    const log: RelayLogEntry[] = []
    const { relay } = await setup({
      maxConnections: 2,
      perIpLimit: 10,
      authorize: slowAuthorize,
      onLog: (entry) => log.push(entry),
    })
    const burst = Array.from({ length: 5 }, () => connect(relay.openaiUrl))
    const outcomes = await Promise.all(burst.map((browser) => browser.refused))
    expect(outcomes.filter((status) => status === undefined)).toHaveLength(2)
    expect(outcomes.filter((status) => status === 503)).toHaveLength(3)
    expect(relay.connectionCount()).toBe(2)
    // A refused burst gives back nothing it did not take: closing the two frees both slots.
    for (const browser of burst) browser.socket.close()
    await until(() => relay.connectionCount() === 0)
    await Promise.all([connect(relay.openaiUrl).opened, connect(relay.openaiUrl).opened])
    expect(log.filter((entry) => entry.type === 'open')).toHaveLength(4)
  })

  it('should free the slot of a handshake that ws aborts (bad Sec-WebSocket-Key, bad version)', async () => {
    const { relay } = await setup({ maxConnections: 1, perIpLimit: 1, authorize: slowAuthorize })
    const port = portOf(relay.url)
    const path = new URL(relay.openaiUrl).pathname
    const badKey = await rawExchange(port, upgradeRequest(path, { 'Sec-WebSocket-Key': 'short' }))
    expect(badKey).toMatch(/^HTTP\/1\.1 400 /)
    const badVersion = await rawExchange(
      port,
      upgradeRequest(path, { 'Sec-WebSocket-Version': '7' }),
    )
    expect(badVersion).toMatch(/^HTTP\/1\.1 400 /)
    await until(() => relay.connectionCount() === 0)
    // Both the per-IP and the global slot are free again: a valid client gets in.
    expect(await connect(relay.openaiUrl).refused).toBeUndefined()
    expect(relay.connectionCount()).toBe(1)
  })

  it('should free the slot of a client that leaves or resets during an async authorize, without crashing', async () => {
    const gate = authorizeOutlivingClient()
    const { relay, upstream } = await setup({
      maxConnections: 1,
      perIpLimit: 1,
      authorize: gate.authorize,
    })
    await abandonDuringAuthorize(relay.openaiUrl, 'end', gate.started)
    await until(() => relay.connectionCount() === 0) // the one slot is free again
    await abandonDuringAuthorize(relay.geminiUrl, 'reset', gate.started)
    await until(() => relay.connectionCount() === 0)
    expect(upstream.connections).toHaveLength(0) // nobody dialled the provider for them
    gate.open()
    const browser = connect(relay.openaiUrl)
    expect(await browser.refused).toBeUndefined() // opened: neither slot leaked
    expect(relay.connectionCount()).toBe(1)
    browser.socket.close()
    await until(() => relay.connectionCount() === 0)
  })

  it('should free the slot when authorize refuses or throws', async () => {
    let verdict: 'no' | 'throw' | 'yes' = 'no'
    const { relay } = await setup({
      maxConnections: 1,
      perIpLimit: 1,
      authorize: async () => {
        await delay(10)
        if (verdict === 'throw') throw new Error('auth backend down')
        return verdict === 'yes'
      },
    })
    expect(await connect(relay.openaiUrl).refused).toBe(401)
    verdict = 'throw'
    expect(await connect(relay.openaiUrl).refused).toBe(401)
    verdict = 'yes'
    await connect(relay.openaiUrl).opened
  })

  it('should survive clients that reset while being refused (bad origin, wrong path) and keep serving', async () => {
    const { relay } = await setup({ allowedOrigins: ['https://ok.example'] })
    const port = portOf(relay.url)
    const origin = { Origin: 'https://evil.example' }
    // Node drops its own error listener at 'upgrade': an RST racing the refusal's write used to
    // reach a socket with none, and end the process (this test run with it).
    for (let i = 0; i < 300; i++) {
      const path = i % 2 === 0 ? new URL(relay.openaiUrl).pathname : '/elsewhere'
      await upgradeAndReset(port, upgradeRequest(path, origin))
      if (i % 2 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await connect(relay.openaiUrl, { origin: 'https://ok.example' }).refused).toBeUndefined()
  })

  it('should count IPv6 clients per /64 and IPv4-mapped ones as IPv4', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressBucket('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(addressBucket('::ffff:c000:207')).toBe('192.0.2.7')
    expect(addressBucket('192.0.2.7')).toBe('192.0.2.7')
    expect(addressBucket('unknown')).toBe('unknown')
  })

  it('should take the client IP from ipOf behind a trusted proxy, per /64 for IPv6', async () => {
    const log: RelayLogEntry[] = []
    const { relay } = await setup({
      perIpLimit: 1,
      ipOf: (request) => {
        const forwarded = request.headers['x-forwarded-for']
        if (forwarded === 'throw') throw new Error('unreadable header')
        return typeof forwarded === 'string' ? forwarded : undefined
      },
      onLog: (entry) => log.push(entry),
    })
    const from = (ip: string) => connect(relay.openaiUrl, { headers: { 'x-forwarded-for': ip } })
    const opened = [from('198.51.100.1'), from('198.51.100.2'), from('2001:db8:0:1::1')]
    expect(await Promise.all(opened.map((browser) => browser.refused))).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    // The same address, and another in the same /64, are over the limit of one.
    expect(await from('198.51.100.1').refused).toBe(429)
    expect(await from('2001:db8:0:1:ffff::2').refused).toBe(429)
    // Without an answer (or with a throw) the socket's address counts: 127.0.0.1, free so far.
    expect(await connect(relay.openaiUrl).refused).toBeUndefined()
    expect(await from('throw').refused).toBe(429)
    const ips = log.flatMap((entry) => (entry.type === 'open' ? [entry.ip] : []))
    expect(ips.sort()).toEqual(['127.0.0.1', '198.51.100.1', '198.51.100.2', '2001:db8:0:1::1'])
  })
})
