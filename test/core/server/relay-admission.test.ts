import { createConnection } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayLogEntry } from '../../../src/server'
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

/** Opens a raw TCP socket, starts a valid upgrade, and ends it the chosen way mid-`authorize`. */
async function abandonDuringAuthorize(url: string, how: 'end' | 'reset'): Promise<void> {
  const socket = createConnection({ host: '127.0.0.1', port: portOf(url) })
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(upgradeRequest(new URL(url).pathname))
  await delay(15)
  if (how === 'reset') socket.resetAndDestroy()
  else socket.destroy()
  await new Promise((resolve) => socket.once('close', resolve))
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
    const { relay, upstream } = await setup({
      maxConnections: 1,
      perIpLimit: 1,
      authorize: slowAuthorize,
    })
    await abandonDuringAuthorize(relay.openaiUrl, 'end')
    await abandonDuringAuthorize(relay.geminiUrl, 'reset')
    await delay(100) // both authorizations settle after their clients are gone
    await until(() => relay.connectionCount() === 0)
    expect(upstream.connections).toHaveLength(0) // nobody dialled the provider for them
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
})
