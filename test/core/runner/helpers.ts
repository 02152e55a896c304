import { vi } from 'vitest'
import { RealtimeRunner } from '../../../src/core'
import type { RealtimeRunnerOptions, RunnerEvent } from '../../../src/core'
import { createScriptedModel } from '../../../src/testing'
import type { ScriptedModelOptions, ScriptedSession } from '../../../src/testing'

/** Lets queued microtasks (connects, tool promises, mailbox posts) run. */
export async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0)
}

export interface Harness {
  model: ReturnType<typeof createScriptedModel>
  runner: RealtimeRunner
  events: RunnerEvent[]
  /** The newest open session; throws if there is none. */
  session(): ScriptedSession
  /** Events of one type seen so far. */
  eventsOf<TType extends RunnerEvent['type']>(
    type: TType,
  ): Array<Extract<RunnerEvent, { type: TType }>>
}

/** A runner on a scripted model, with jitter off so retry times are exact. */
export function createHarness(
  modelOptions: ScriptedModelOptions = {},
  runnerOptions: Partial<RealtimeRunnerOptions> = {},
): Harness {
  const model = createScriptedModel(modelOptions)
  const runner = new RealtimeRunner({
    model,
    instruction: 'You are helpful.',
    reconnect: { jitter: 0, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, maxAttempts: 4 },
    ...runnerOptions,
  })
  const events: RunnerEvent[] = []
  runner.onEvent((event) => events.push(event))
  return {
    model,
    runner,
    events,
    session() {
      const session = model.session
      if (!session) throw new Error('no open scripted session')
      return session
    },
    eventsOf(type) {
      return events.filter((event) => event.type === type) as never
    },
  }
}

/** A promise with its resolve/reject exposed, for handlers a test finishes by hand. */
export function deferred<TValue = unknown>(): {
  promise: Promise<TValue>
  resolve: (value: TValue) => void
  reject: (error: unknown) => void
} {
  let resolve!: (value: TValue) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<TValue>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
