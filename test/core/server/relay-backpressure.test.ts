import type { ClientRequestArgs } from 'node:http'
import { createConnection, type NetConnectOpts, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { createRelayServer, relayCloseCodes, type RelayLogEntry } from '../../../src/server'
import { createMockRealtimeServer } from '../../../src/testing'
import { cleanups, connect, runCleanups, setup, until } from './relay-helpers'

// Megabytes through loopback on a shared machine: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000 })

afterEach(runCleanups)

const LIMIT = 256 * 1024
/** Past the kernel's socket buffers on loopback (a few MB each way) with room to spare. */
const GIVE_UP_AFTER = 48 * 1024 * 1024

/**
 * A browser tab that stops reading: its socket is paused, and stays paused (ws would otherwise
 * resume a socket it paused for its own reasons) until `resumeReading()`.
 */
async function stalledBrowser(url: string) {
  let raw: Socket | undefined
  const browser = new WebSocket(url, {
    // ws hands its request options over as they are; for ws:// they hold host and port.
    createConnection: (options: ClientRequestArgs) =>
      (raw = createConnection(options as NetConnectOpts)),
  })
  browser.on('error', () => {})
  cleanups.push(async () => browser.terminate())
  await new Promise((resolve) => browser.once('open', resolve))
  const socket = raw!
  const resume = socket.resume.bind(socket)
  socket.resume = () => socket
  socket.pause()
  const resumeReading = (): void => {
    delete (socket as { resume?: unknown }).resume
    resume()
  }
  return { browser, resumeReading }
}

describe('createRelayServer buffer limits', () => {
  it('should close with 1013 when the upstream reads too slowly for what the browser sends', async () => {
    // The mock stops reading its socket: TCP pushes back and the relay's upstream buffer grows.
    const mock = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'throttleReads', bytesPerSecond: 1_000 }],
    })
    cleanups.push(() => mock.close())
    const log: RelayLogEntry[] = []
    const relay = await createRelayServer({
      upstream: 'mock',
      apiKey: 'sk-any',
      upstreamUrls: { openai: `ws://127.0.0.1:${mock.port}/v1/realtime` },
      maxBufferedBytes: LIMIT,
      onLog: (entry) => log.push(entry),
    })
    cleanups.push(relay.close)
    const browser = connect(relay.openaiUrl, { protocols: ['realtime'] })
    await browser.opened
    await until(() => mock.connections().length === 1)
    const append = JSON.stringify({
      type: 'input_audio_buffer.append',
      audio: Buffer.alloc(48 * 1024).toString('base64'),
    })
    let sent = 0
    while (browser.socket.readyState === WebSocket.OPEN && sent < GIVE_UP_AFTER) {
      await new Promise((resolve) => browser.socket.send(append, resolve))
      sent += append.length
    }
    expect(await browser.closed).toEqual({
      code: relayCloseCodes.backpressure,
      reason: 'relay upstream buffer full',
    })
    expect(log).toContainEqual({
      type: 'closed',
      code: 1013,
      reason: 'relay upstream buffer full',
      by: 'relay',
    })
    await until(() => relay.connectionCount() === 0, 10_000)
  })

  it('should close with 1013 when the browser stops reading what the upstream sends', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    let upstreamClosed: number | undefined
    const log: RelayLogEntry[] = []
    const { relay } = await setup(
      { maxBufferedBytes: LIMIT, onLog: (entry) => log.push(entry) },
      (connection) => {
        let sent = 0
        connection.socket.on('close', (code) => (upstreamClosed = code))
        const pump = (): void => {
          if (connection.socket.readyState !== WebSocket.OPEN || sent > GIVE_UP_AFTER) return
          sent += chunk.length
          connection.socket.send(chunk, { binary: true }, () => setImmediate(pump))
        }
        pump()
      },
    )
    const { browser, resumeReading } = await stalledBrowser(relay.openaiUrl)
    const closed = new Promise<number>((resolve) => browser.once('close', resolve))

    await until(() => upstreamClosed !== undefined, 30_000)
    expect(log).toContainEqual({
      type: 'closed',
      code: 1013,
      reason: 'relay client buffer full',
      by: 'relay',
    })
    expect(upstreamClosed).toBe(1000)
    // Reading again, the browser drains what was queued and then finds the relay's close frame.
    resumeReading()
    expect(await closed).toBe(relayCloseCodes.backpressure)
  })

  it('should close with 1013 when the browser sends what the policy refuses and never reads the answers', async () => {
    const log: RelayLogEntry[] = []
    const { relay } = await setup({
      maxBufferedBytes: LIMIT,
      sessionPolicy: { locked: ['instructions'] },
      onLog: (entry) => log.push(entry),
    })
    const { browser } = await stalledBrowser(relay.openaiUrl)
    // Watch what the relay queues for the browser: it sends nothing else on this connection.
    const send = WebSocket.prototype.send
    let mostQueued = 0
    vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (this: WebSocket, ...args) {
      send.apply(this, args)
      if (this !== browser) mostQueued = Math.max(mostQueued, this.bufferedAmount)
    })
    cleanups.push(async () => void vi.restoreAllMocks())
    // One byte that is not JSON, answered with a ~250-byte error event: unbounded, those answers
    // once grew the relay's memory by tens of megabytes.
    const full = () => log.some((entry) => entry.type === 'closed' && entry.code === 1013)
    for (let sent = 0; !full() && sent < GIVE_UP_AFTER / 250; sent += 500) {
      for (let i = 0; i < 499; i++) browser.send('x')
      await new Promise((resolve) => browser.send('x', resolve))
    }
    await until(full)
    expect(log).toContainEqual({
      type: 'closed',
      code: 1013,
      reason: 'relay client buffer full',
      by: 'relay',
    })
    expect(mostQueued).toBeLessThan(LIMIT + 1024)
  })
})
