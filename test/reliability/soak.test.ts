import { describe, expect, it, vi } from 'vitest'
import { providers, type Provider } from './support/fixtures'
import { finishCase } from './support/invariants'
import { SoakRun, soakErrorCodes } from './support/soak-driver'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * The soak: a seeded random session per provider — speech, typing, tool calls, context updates
 * (alone, in bursts, mid-response), barge-ins, hang-ups, and every fault the mock injects — for
 * SOAK_MINUTES simulated minutes (2 in CI, e.g. SOAK_MINUTES=30 on demand), with agreement checked
 * at every quiet point and all invariants at the end.
 *
 * The seed is printed; SOAK_SEED=<n> replays a run exactly (SOAK_SEED=random picks a new one).
 */
const minutes = Number(process.env.SOAK_MINUTES ?? 2)
const seed =
  process.env.SOAK_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.SOAK_SEED ?? 20_261_125)
const timeout = Math.max(120_000, minutes * 30_000)

describe.each(providers)('%s soak', (provider) => {
  it(`${minutes} simulated minutes with seed ${seed}`, { timeout }, async () => {
    console.log(
      `soak ${provider}: seed ${seed}, ${minutes} simulated minutes ` +
        `(replay: SOAK_SEED=${seed} SOAK_MINUTES=${minutes} npx vitest run --project core test/reliability/soak.test.ts)`,
    )
    const soak = await SoakRun.start({ provider, seed, minutes })
    try {
      await soak.run(minutes)
      if (soak.violations.length > 0) throw new Error(soak.violations.join('\n'))
      await finishCase(soak.test, { errors: soakErrorCodes })
    } catch (error) {
      const actions = soak.log.slice(-25).join('\n  ')
      throw new Error(
        `soak ${provider} failed with SOAK_SEED=${seed} after ${soak.log.length} actions; last:\n  ${actions}\n${String(error)}`,
        { cause: error },
      )
    }
  })
})

describe('soak replay', () => {
  /** One short soak: the actions it took (with their simulated times) and the transcript. */
  async function soakOnce(provider: Provider, replaySeed: number) {
    const soak = await SoakRun.start({ provider, seed: replaySeed, minutes: 0.5 })
    await soak.run(0.5)
    const transcript = soak.test.runner.getState().items.map((item) => ({
      kind: item.kind,
      status: item.status,
      text: item.kind === 'message' ? `${item.role}: ${item.text}` : item.name,
    }))
    await finishCase(soak.test, { errors: soakErrorCodes })
    return { actions: [...soak.log], transcript }
  }

  it.each(providers)('%s: the same seed replays the same session', async (provider) => {
    const first = await soakOnce(provider, 4_242)
    const second = await soakOnce(provider, 4_242)
    expect(first.actions.length).toBeGreaterThan(5)
    expect(second.actions).toEqual(first.actions)
    expect(second.transcript).toEqual(first.transcript)
    // And a different seed is a different session (the comparison can fail).
    const other = await soakOnce(provider, 4_243)
    expect(other.actions).not.toEqual(first.actions)
  })
})
