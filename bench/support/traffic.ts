import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ConnectionStats } from './traffic-server'
import type { TrafficScenario } from './traffic-scenario'

export interface TrafficServer {
  /** `ws://127.0.0.1:<port>/v1/realtime` */
  url: string
  /** Resolves with the stats of the next connection that closes. */
  nextClose(): Promise<ConnectionStats>
  close(): Promise<void>
}

/**
 * Starts bench/support/traffic-server.ts in its own process (so its CPU is not the measured
 * process's) and resolves once it listens on 127.0.0.1. With `cache`, the server renders the
 * session once and replays the same bytes to every connection (fast, but it holds them all:
 * ~50 MB for 10 minutes of audio).
 */
export async function startTrafficServer(
  scenario: TrafficScenario,
  options: { cache?: boolean } = {},
): Promise<TrafficServer> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./traffic-server.ts', import.meta.url)),
    [JSON.stringify(scenario), options.cache === true ? 'cache' : 'no-cache'],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const closes: ConnectionStats[] = []
  const waiters: Array<(stats: ConnectionStats) => void> = []
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const cleanup = (): void => {
    child.kill()
  }
  process.once('exit', cleanup)
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`traffic server exited (${code})`)))
    child.on('message', (message: { type: 'listening'; port: number } | ConnectionStats) => {
      if (message.type === 'listening') resolve(message.port)
      else {
        const waiter = waiters.shift()
        if (waiter) waiter(message)
        else closes.push(message)
      }
    })
  })
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    nextClose: () => {
      const stats = closes.shift()
      return stats ? Promise.resolve(stats) : new Promise((resolve) => waiters.push(resolve))
    },
    async close() {
      process.off('exit', cleanup)
      child.disconnect()
      await exited
    },
  }
}
