import { describe, expect, it, vi } from 'vitest'
import { isRealtimeError } from '../../src/core'
import { providers } from './support/fixtures'
import { ReliabilityCase } from './support/harness'
import { finishCase } from './support/invariants'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * A hundred connect/close cycles on one runner, with a conversation turn every tenth cycle and a
 * close that lands while the connect is still in flight every tenth cycle. Nothing accumulates:
 * no session, socket, timer or listener outlives its cycle, the transcript keeps each turn once,
 * and a close during a connect cancels it with a typed error.
 */
describe.each(providers)('%s: 100 connect/close cycles', (provider) => {
  it('leaves nothing behind', async () => {
    const test = await ReliabilityCase.start({ provider })
    for (let cycle = 0; cycle < 100; cycle++) {
      if (cycle % 10 === 5) {
        // The app hangs up before the provider acknowledged the setup.
        const connecting = test.recorder.expectTyped('connect', () => test.runner.connect())
        await test.runner.close()
        await connecting
        await test.quiet()
        continue
      }
      await test.connect()
      expect(test.runner.getState().connection).toBe('connected')
      if (cycle % 10 === 0) await test.say(`This is cycle ${cycle}.`)
      await test.runner.close()
      await test.quiet()
      expect(test.model.subscriptions()).toBe(0)
      expect(test.server.connections()).toEqual([])
    }
    const cancelled = test.recorder.rejections.filter(({ label }) => label === 'connect')
    expect(cancelled).toHaveLength(10)
    expect(cancelled.every(({ error }) => isRealtimeError(error, 'cancelled'))).toBe(true)
    expect(test.model.connects).toBe(100)
    await finishCase(test, { errors: ['cancelled'] })
  })
})
