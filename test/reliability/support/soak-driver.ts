import type { RealtimeErrorCode } from '../../../src/core'
import { seededRandom, silence, tone } from './fixtures'
import type { Provider } from './fixtures'
import { ReliabilityCase } from './harness'
import { checkAgreement } from './invariants'

/**
 * A seeded random session: a user who talks, types, asks for tools and interrupts, an app that
 * changes the agent's instructions (alone and in bursts) and sometimes hangs up, and a network
 * and a provider that fail in every way the mock can inject. Everything runs on simulated time,
 * driven from quiet point to quiet point, so a seed replays the same session.
 */
export interface SoakOptions {
  provider: Provider
  seed: number
  /** Simulated minutes to run. */
  minutes: number
}

/** Error codes the injected faults and misbehaving tools legitimately produce. */
export const soakErrorCodes: readonly RealtimeErrorCode[] = [
  'protocol_error',
  'frame_too_large',
  'server_error',
  'tool_timeout',
  'tool_failed',
  'invalid_tool_arguments',
  'resumption_failed',
]

type Action = { name: string; weight: number; run: (soak: SoakRun) => Promise<void> }

const phrases = [
  'Hello there.',
  'What did I say?',
  'Tell me a short story about a lighthouse keeper and his cat.',
  'Thanks, that helps.',
  'Can you repeat that more slowly?',
]
const cities = ['Paris', 'London', 'Lisbon', 'Oslo', 'Nairobi', 'Lima']

export class SoakRun {
  readonly test: ReliabilityCase
  readonly random: () => number
  readonly log: string[] = []
  readonly violations: string[] = []
  #updates = 0

  private constructor(test: ReliabilityCase, seed: number) {
    this.test = test
    this.random = seededRandom(seed)
  }

  static async start(options: SoakOptions): Promise<SoakRun> {
    const test = await ReliabilityCase.start({
      provider: options.provider,
      seed: options.seed,
      maxEvents: 5_000,
      maxInboundFrameBytes: 256 * 1024,
      // Paced output on simulated time: faults and barge-ins can land mid-response.
      brain: { firstAudioDelayMs: 200, chunkIntervalMs: 50, replyWords: 16 },
      runner: { toolTimeoutMs: 6_000 },
    })
    await test.connect()
    return new SoakRun(test, options.seed)
  }

  /** Runs random actions until `minutes` of simulated time have passed. */
  async run(minutes: number): Promise<void> {
    const end = minutes * 60_000
    while (this.test.clock.now() < end) {
      const action = this.#pick()
      this.log.push(`${this.test.clock.now()}ms ${action.name}`)
      await action.run(this)
      await this.recover()
      for (const problem of checkAgreement(this.test)) {
        this.violations.push(`after "${action.name}" at ${this.test.clock.now()}ms: ${problem}`)
      }
      this.test.recorder.storeViolations.length = 0
      // The ledger keeps what the invariants need; the raw frames can go.
      this.test.server.log.clear()
    }
    // A last turn: whatever the final fault was, the conversation must go on after it.
    await this.test.say('Thank you, goodbye.')
  }

  /** Waits for a settled session; reconnects like an app would after a failure. */
  async recover(): Promise<void> {
    const { test } = this
    const stopped = (): boolean => {
      const { connection } = test.runner.getState()
      return connection === 'failed' || connection === 'closed'
    }
    await test.until(() => test.isSettled() || stopped(), 'a settled or stopped session')
    if (stopped()) {
      await test.connect()
      await test.until(() => test.isSettled(), 'the app to reconnect')
    }
  }

  pickOne<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)]!
  }

  between(min: number, max: number): number {
    return Math.round(min + this.random() * (max - min))
  }

  update(count: number): void {
    for (let n = 0; n < count; n++) {
      const version = ++this.#updates
      const bridge = this.random() < 0.5 ? `Update ${version} is live.` : undefined
      this.test.recorder.update(this.test.runner, `Instruction version ${version}.`, bridge)
    }
  }

  #pick(): Action {
    const available = actions.filter(
      (action) => this.test.provider === 'gemini' || action.name !== 'go-away',
    )
    const total = available.reduce((sum, action) => sum + action.weight, 0)
    let roll = this.random() * total
    for (const action of available) {
      roll -= action.weight
      if (roll < 0) return action
    }
    return available.at(-1)!
  }
}

const actions: Action[] = [
  { name: 'say', weight: 6, run: async (s) => s.test.send(s.pickOne(phrases)) },
  {
    name: 'speak',
    weight: 4,
    run: async (s) => s.test.speak(s.between(300, 1_200), s.between(700, 1_200)),
  },
  {
    name: 'weather',
    weight: 2,
    run: async (s) => s.test.send(`What is the weather in ${s.pickOne(cities)}?`),
  },
  {
    name: 'slow tool',
    weight: 2,
    run: async (s) => s.test.send(`Please do a slow lookup ${s.between(500, 9_000)}.`),
  },
  { name: 'broken tool', weight: 1, run: async (s) => s.test.send('Please use the broken tool.') },
  { name: 'bad arguments', weight: 1, run: async (s) => s.test.send('Try the bad arguments.') },
  { name: 'update', weight: 2, run: async (s) => s.update(1) },
  { name: 'update burst', weight: 1, run: async (s) => s.update(s.between(3, 12)) },
  {
    name: 'update mid-response',
    weight: 1,
    run: async (s) => {
      s.test.send(s.pickOne(phrases))
      await streaming(s)
      s.update(s.between(1, 5))
    },
  },
  {
    name: 'barge-in',
    weight: 2,
    run: async (s) => {
      s.test.send('Tell me a short story about a lighthouse keeper and his cat.')
      await streaming(s)
      await s.test.stream(tone(s.between(300, 800), s.test.inputRate))
      await s.test.stream(silence(900, s.test.inputRate))
    },
  },
  { name: 'idle', weight: 2, run: async (s) => s.test.advance(s.between(1_000, 8_000)) },
  { name: 'drop while idle', weight: 1, run: async (s) => s.test.drop('drop while idle') },
  {
    name: 'drop mid-response',
    weight: 1,
    run: async (s) => {
      s.test.inject({ type: 'dropMidResponse', afterAudioChunks: s.between(1, 6) })
      s.test.send(s.pickOne(phrases))
    },
  },
  {
    name: 'drop mid-tool-call',
    weight: 1,
    run: async (s) => {
      s.test.inject({ type: 'dropMidToolCall' })
      s.test.send(`Please do a slow lookup ${s.between(500, 4_000)}.`)
    },
  },
  {
    name: 'malformed frame',
    weight: 1,
    run: async (s) => s.test.inject({ type: 'malformedFrame' }),
  },
  {
    name: 'over-size frame',
    weight: 1,
    run: async (s) => s.test.inject({ type: 'oversizeFrame', bytes: 512 * 1024 }),
  },
  { name: 'server error', weight: 1, run: async (s) => s.test.inject({ type: 'serverError' }) },
  {
    name: 'go-away',
    weight: 1,
    run: async (s) => s.test.inject({ type: 'goAway', timeLeftMs: s.between(1_000, 15_000) }),
  },
  {
    name: 'refused resumes',
    weight: 1,
    run: async (s) => {
      const refused = s.between(1, 2)
      s.test.faultsForNext(...Array.from({ length: refused }, () => [s.test.refusal()]))
      if (s.test.provider === 'gemini' && s.random() < 0.5) s.update(1)
      else s.test.drop('refused resumes')
    },
  },
  {
    name: 'every resume refused',
    weight: 0.3,
    run: async (s) => {
      s.test.faultsForNext(...Array.from({ length: 4 }, () => [s.test.refusal()]))
      s.test.drop('every resume refused')
      await s.test.until(() => s.test.runner.getState().connection === 'failed', 'the failure')
    },
  },
  {
    name: 'hang up and call again',
    weight: 0.5,
    run: async (s) => {
      await s.test.runner.close()
      await s.test.quiet()
      await s.test.connect()
    },
  },
]

/** Waits until the response just asked for has started streaming audio. */
async function streaming(s: SoakRun): Promise<void> {
  const before = s.test.recorder.audioDeltas
  await s.test.until(
    () =>
      s.test.recorder.audioDeltas > before || s.test.runner.getState().connection !== 'connected',
    'the response to stream',
  )
}
