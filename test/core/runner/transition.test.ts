import { describe, expect, it } from 'vitest'
import {
  RealtimeError,
  defaultTransitionOptions,
  quietActivity,
  transition,
} from '../../../src/core'
import type {
  Activity,
  PendingResumption,
  RunnerEffect,
  RunnerState,
  TransitionOptions,
} from '../../../src/core'

const config = { instruction: 'new' }
const options: TransitionOptions = {
  responseAfterToolOutputs: true,
  reconnect: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 },
  goAwayMarginMs: 500,
}
const gemini: TransitionOptions = { ...options, responseAfterToolOutputs: false }

const idle: RunnerState = { status: 'idle' }
const active = (patch: Partial<Activity>): Activity => ({ ...quietActivity, ...patch })
const generating: RunnerState = { status: 'generating', activity: active({ responseActive: true }) }
const executingTool: RunnerState = {
  status: 'executingTool',
  activity: active({ responseActive: true, toolsInFlight: 1 }),
}
const pending = (patch: Partial<PendingResumption> = {}): PendingResumption => ({
  reason: 'contextMutation',
  config,
  attempts: 0,
  queuedAt: 0,
  ...patch,
})
const pendingWhileGenerating: RunnerState = {
  status: 'pendingResumption',
  activity: active({ responseActive: true }),
  pending: pending(),
}
const resuming = (
  patch: Partial<PendingResumption> = {},
  waitingForRetry = false,
): RunnerState => ({
  status: 'resuming',
  pending: pending({ attempts: 1, ...patch }),
  waitingForRetry,
})
const types = (effects: RunnerEffect[]): string[] => effects.map((effect) => effect.type)
const failure = new RealtimeError('connection_failed', 'refused')

describe('transition: the crate table (reference §2.4)', () => {
  it('should go from idle to generating on response.started', () => {
    expect(transition(idle, { type: 'response.started' }, options).state.status).toBe('generating')
  })

  it('should go from generating or idle to executingTool on a tool call', () => {
    for (const from of [idle, generating]) {
      const { state } = transition(from, { type: 'tool.call', callId: 'c1' }, options)
      expect(state.status).toBe('executingTool')
      expect(state.status === 'executingTool' && state.activity.toolsInFlight).toBe(1)
    }
  })

  it('should return to idle on response.done when nothing else runs', () => {
    for (const from of [idle, generating]) {
      expect(transition(from, { type: 'response.done' }, options).state).toEqual({ status: 'idle' })
    }
  })

  it('should run a queued resumption on response.done (pendingResumption → resuming)', () => {
    const { state, effects } = transition(
      pendingWhileGenerating,
      { type: 'response.done' },
      options,
    )
    expect(state.status).toBe('resuming')
    expect(state.status === 'resuming' && state.pending.attempts).toBe(1)
    expect(types(effects)).toContain('startResumption')
  })

  it('should start a resumption at once when idle (the crate stayed idle while reconnecting)', () => {
    const { state, effects } = transition(
      idle,
      { type: 'resumption.requested', config, bridgeMessage: 'hi', at: 5 },
      options,
    )
    expect(state).toEqual({
      status: 'resuming',
      pending: { reason: 'contextMutation', config, bridgeMessage: 'hi', attempts: 1, queuedAt: 5 },
      waitingForRetry: false,
    })
    expect(types(effects)).toEqual(['cancelDeadline', 'startResumption'])
  })

  it('should queue a resumption while generating, executing a tool, or already pending', () => {
    for (const from of [generating, executingTool, pendingWhileGenerating]) {
      const { state, effects } = transition(
        from,
        { type: 'resumption.requested', config, at: 1 },
        options,
      )
      expect(state.status).toBe('pendingResumption')
      expect(state.status === 'pendingResumption' && state.pending.attempts).toBe(0)
      expect(effects).toEqual([])
    }
  })

  it('should let the last queued mutation win', () => {
    const first = transition(
      generating,
      { type: 'resumption.requested', config: { instruction: 'a' }, bridgeMessage: 'A', at: 1 },
      options,
    ).state
    const second = transition(
      first,
      { type: 'resumption.requested', config: { instruction: 'b' }, bridgeMessage: 'B', at: 2 },
      options,
    ).state
    expect(second.status === 'pendingResumption' && second.pending).toMatchObject({
      config: { instruction: 'b' },
      bridgeMessage: 'B',
      queuedAt: 1,
    })
  })

  it('should keep a queued bridge message when a later change has none', () => {
    const first = transition(
      generating,
      { type: 'resumption.requested', config: { instruction: 'a' }, bridgeMessage: 'A', at: 1 },
      options,
    ).state
    const second = transition(
      first,
      { type: 'resumption.requested', config: { instruction: 'b' }, at: 2 },
      options,
    ).state
    expect(second.status === 'pendingResumption' && second.pending).toMatchObject({
      config: { instruction: 'b' },
      bridgeMessage: 'A',
    })
  })

  it('should stay pendingResumption on response.started and tool calls, tracking activity', () => {
    const started = transition(pendingWhileGenerating, { type: 'response.started' }, options).state
    expect(started.status).toBe('pendingResumption')
    const tool = transition(started, { type: 'tool.call', callId: 'c1' }, options).state
    expect(tool.status).toBe('pendingResumption')
    expect(tool.status === 'pendingResumption' && tool.activity.toolsInFlight).toBe(1)
  })
})

describe('transition: fixes over the crate', () => {
  it('should stay in executingTool when the response ends while a tool still runs', () => {
    const { state } = transition(executingTool, { type: 'response.done' }, options)
    expect(state.status).toBe('executingTool')
  })

  it('should ask for exactly one response after the last tool output of a turn', () => {
    let state = transition(generating, { type: 'tool.call', callId: 'a' }, options).state
    state = transition(state, { type: 'tool.call', callId: 'b' }, options).state
    state = transition(state, { type: 'response.done' }, options).state
    const first = transition(
      state,
      { type: 'tool.settled', callId: 'a', outputSent: true },
      options,
    )
    expect(types(first.effects)).toEqual([])
    const last = transition(
      first.state,
      { type: 'tool.settled', callId: 'b', outputSent: true },
      options,
    )
    expect(types(last.effects)).toEqual(['requestResponse'])
    expect(last.state.status).toBe('generating')
  })

  it('should wait for response.done before asking when outputs finish first', () => {
    let state = transition(generating, { type: 'tool.call', callId: 'a' }, options).state
    const settled = transition(
      state,
      { type: 'tool.settled', callId: 'a', outputSent: true },
      options,
    )
    expect(types(settled.effects)).toEqual([])
    state = settled.state
    const done = transition(state, { type: 'response.done' }, options)
    expect(types(done.effects)).toEqual(['requestResponse'])
  })

  it('should not ask for a response on a provider that continues by itself', () => {
    let state = transition(generating, { type: 'tool.call', callId: 'a' }, gemini).state
    state = transition(state, { type: 'response.done' }, gemini).state
    const last = transition(state, { type: 'tool.settled', callId: 'a', outputSent: true }, gemini)
    expect(last.effects).toEqual([])
    expect(last.state.status).toBe('generating')
  })

  it('should end in idle when the turn that made the call goes on with the output (Gemini)', () => {
    // toolCall → toolResponse → speech → turnComplete: one turn, as Gemini Live sends it.
    let state = transition(generating, { type: 'tool.call', callId: 'a' }, gemini).state
    state = transition(state, { type: 'tool.settled', callId: 'a', outputSent: true }, gemini).state
    expect(state.status).toBe('generating')
    const done = transition(state, { type: 'response.done' }, gemini)
    expect(done).toEqual({ state: { status: 'idle' }, effects: [] })
  })

  it('should not ask for a response when no output was sent (cancelled call)', () => {
    const state = transition(idle, { type: 'tool.call', callId: 'a' }, options).state
    const next = transition(
      state,
      { type: 'tool.settled', callId: 'a', outputSent: false },
      options,
    )
    expect(next).toEqual({ state: { status: 'idle' }, effects: [] })
  })

  it('should treat the first model output as the start of a response (Gemini)', () => {
    expect(transition(idle, { type: 'model.output' }, gemini).state.status).toBe('generating')
    expect(transition(generating, { type: 'model.output' }, gemini).state).toBe(generating)
  })

  it('should end generation on interrupted even without response.done', () => {
    expect(transition(generating, { type: 'interrupted' }, gemini).state).toEqual(idle)
  })

  it('should hold a queued resumption while a requested response is owed, until it ends', () => {
    // A user message went out (Gemini answers it by itself): tearing the connection down now
    // would lose the answer.
    const owed = transition(idle, { type: 'response.requested' }, gemini).state
    expect(owed).toEqual({ status: 'generating', activity: active({ responseRequested: true }) })
    const queued = transition(owed, { type: 'resumption.requested', config, at: 1 }, gemini).state
    expect(queued.status).toBe('pendingResumption')
    const started = transition(queued, { type: 'model.output' }, gemini).state
    const done = transition(started, { type: 'response.done' }, gemini)
    expect(done.state.status).toBe('resuming')
    expect(types(done.effects)).toEqual(['cancelDeadline', 'startResumption'])
  })

  it('should settle an owed response that ends without any output (a bare turnComplete)', () => {
    const owed = transition(idle, { type: 'response.requested' }, gemini).state
    expect(transition(owed, { type: 'response.done' }, gemini).state).toEqual(idle)
  })

  it('should ignore a response request while a response is active', () => {
    expect(transition(generating, { type: 'response.requested' }, options).state).toBe(generating)
  })

  it('should be quiet again when the provider refuses the requested response', () => {
    const outputs = transition(
      transition(idle, { type: 'tool.call', callId: 'a' }, options).state,
      { type: 'tool.settled', callId: 'a', outputSent: true },
      options,
    )
    expect(types(outputs.effects)).toEqual(['requestResponse'])
    expect(outputs.state.status).toBe('generating')
    const refused = transition(outputs.state, { type: 'response.refused' }, options)
    expect(refused).toEqual({ state: idle, effects: [] })
  })

  it('should run a queued resumption once the requested response is refused', () => {
    const owed: RunnerState = {
      status: 'pendingResumption',
      activity: active({ responseRequested: true }),
      pending: pending(),
    }
    const refused = transition(owed, { type: 'response.refused' }, options)
    expect(refused.state.status).toBe('resuming')
    expect(types(refused.effects)).toEqual(['cancelDeadline', 'startResumption'])
  })
})

describe('transition: into and out of resuming', () => {
  it('should enter resuming from every connected state on an unexpected disconnect', () => {
    for (const from of [idle, generating, executingTool, pendingWhileGenerating]) {
      const { state, effects } = transition(from, { type: 'disconnected', at: 9 }, options)
      expect(state).toMatchObject({ status: 'resuming', waitingForRetry: true })
      expect(state.status === 'resuming' && state.pending.reason).toBe('disconnect')
      expect(effects).toContainEqual({ type: 'scheduleRetry', attempt: 1, delayMs: 100 })
    }
  })

  it('should keep an unapplied mutation when the connection drops', () => {
    const { state } = transition(pendingWhileGenerating, { type: 'disconnected', at: 9 }, options)
    expect(state.status === 'resuming' && state.pending).toMatchObject({ config, queuedAt: 0 })
  })

  it('should leave resuming for idle on success, injecting the bridge message', () => {
    const { state, effects } = transition(
      resuming({ bridgeMessage: 'Now in French' }),
      { type: 'resumption.succeeded' },
      options,
    )
    expect(state).toEqual(idle)
    expect(effects).toContainEqual({ type: 'injectBridgeMessage', message: 'Now in French' })
  })

  it('should schedule retries with exponential backoff after failures', () => {
    const first = transition(
      resuming({ attempts: 1 }),
      { type: 'resumption.failed', error: failure },
      options,
    )
    expect(first.state).toMatchObject({ status: 'resuming', waitingForRetry: true })
    expect(first.effects).toEqual([{ type: 'scheduleRetry', attempt: 2, delayMs: 100 }])
    const due = transition(first.state, { type: 'retry.due' }, options)
    expect(due.state).toMatchObject({
      status: 'resuming',
      waitingForRetry: false,
      pending: { attempts: 2 },
    })
    expect(types(due.effects)).toContain('startResumption')
    const second = transition(due.state, { type: 'resumption.failed', error: failure }, options)
    expect(second.effects).toEqual([{ type: 'scheduleRetry', attempt: 3, delayMs: 200 }])
  })

  it('should give up after the budget, keeping the pending mutation', () => {
    const { state, effects } = transition(
      resuming({ attempts: 3, bridgeMessage: 'B' }),
      { type: 'resumption.failed', error: failure },
      options,
    )
    expect(state).toMatchObject({
      status: 'pendingResumption',
      pending: { config, bridgeMessage: 'B' },
    })
    expect(types(effects)).toContain('resumptionFailed')
  })

  it('should give up at once on an error that cannot be retried', () => {
    const auth = new RealtimeError('auth_failed', 'bad key')
    const { effects } = transition(resuming(), { type: 'resumption.failed', error: auth }, options)
    expect(types(effects)).toContain('resumptionFailed')
  })

  it('should remember a mutation requested while resuming (bridge last write wins)', () => {
    const { state, effects } = transition(
      resuming({ bridgeMessage: 'old' }),
      { type: 'resumption.requested', config: { instruction: 'x' }, bridgeMessage: 'new', at: 3 },
      options,
    )
    expect(state).toMatchObject({
      status: 'resuming',
      pending: { bridgeMessage: 'new', config: { instruction: 'x' } },
    })
    expect(effects).toEqual([])
  })

  it('should ignore events of the replaced connection while resuming', () => {
    const from = resuming()
    for (const event of [
      { type: 'response.started' },
      { type: 'response.done' },
      { type: 'tool.call', callId: 'x' },
      { type: 'disconnected', at: 1 },
      { type: 'goAway', timeLeftMs: 10, at: 1 },
      { type: 'retry.due' },
    ] as const) {
      expect(transition(from, event, options)).toEqual({ state: from, effects: [] })
    }
  })

  it('should ignore late resumption results outside resuming', () => {
    expect(transition(idle, { type: 'resumption.succeeded' }, options).state).toBe(idle)
    expect(transition(idle, { type: 'resumption.failed', error: failure }, options).state).toBe(
      idle,
    )
  })

  it('should leave resuming for idle on close, cancelling timers and tools', () => {
    const { state, effects } = transition(resuming({}, true), { type: 'closed' }, options)
    expect(state).toEqual(idle)
    expect(types(effects)).toEqual(['cancelTimers', 'abortTools'])
  })

  it('should run a queued resumption when the last tool settles (pendingResumption → resuming)', () => {
    // A cancelled call: nothing was sent, so no response is owed and the session is quiet.
    const waiting: RunnerState = {
      status: 'pendingResumption',
      activity: active({ toolsInFlight: 1 }),
      pending: pending({ bridgeMessage: 'B' }),
    }
    const { state, effects } = transition(
      waiting,
      { type: 'tool.settled', callId: 'c1', outputSent: false },
      options,
    )
    expect(state).toMatchObject({ status: 'resuming', waitingForRetry: false })
    expect(state.status === 'resuming' && state.pending).toMatchObject({
      attempts: 1,
      bridgeMessage: 'B',
    })
    expect(types(effects)).toEqual(['cancelDeadline', 'startResumption'])
  })

  it('should keep waiting when the last tool settles with an output still to answer', () => {
    const waiting: RunnerState = {
      status: 'pendingResumption',
      activity: active({ toolsInFlight: 1 }),
      pending: pending(),
    }
    const { state, effects } = transition(
      waiting,
      { type: 'tool.settled', callId: 'c1', outputSent: true },
      options,
    )
    // The output needs its response first; the resumption runs after that response is done.
    expect(state.status).toBe('pendingResumption')
    expect(types(effects)).toEqual(['requestResponse'])
  })

  it('should run a queued resumption when the response is interrupted', () => {
    const { state, effects } = transition(pendingWhileGenerating, { type: 'interrupted' }, options)
    expect(state).toMatchObject({ status: 'resuming', pending: { attempts: 1 } })
    expect(types(effects)).toContain('startResumption')
  })

  it('should leave resuming for idle on a manual connect, cancelling the retry and owing the bridge', () => {
    for (const waitingForRetry of [false, true]) {
      const { state, effects } = transition(
        resuming({ bridgeMessage: 'B' }, waitingForRetry),
        { type: 'connected' },
        options,
      )
      expect(state).toEqual(idle)
      expect(effects).toEqual([
        { type: 'cancelTimers' },
        { type: 'injectBridgeMessage', message: 'B' },
      ])
    }
  })

  it('should ignore a late attempt result while waiting for the retry timer', () => {
    const waiting = resuming({ attempts: 2 }, true)
    for (const event of [
      { type: 'resumption.succeeded' },
      { type: 'resumption.failed', error: failure },
    ] as const) {
      expect(transition(waiting, event, options)).toEqual({ state: waiting, effects: [] })
    }
  })

  it('should leave a failed resumption for idle on a manual connect, owing the bridge', () => {
    const failed: RunnerState = {
      status: 'pendingResumption',
      activity: quietActivity,
      pending: pending({ attempts: 3, bridgeMessage: 'B' }),
    }
    const { state, effects } = transition(failed, { type: 'connected' }, options)
    expect(state).toEqual(idle)
    expect(effects).toContainEqual({ type: 'injectBridgeMessage', message: 'B' })
  })
})

describe('transition: go-away', () => {
  it('should resume at once when idle', () => {
    const { state, effects } = transition(
      idle,
      { type: 'goAway', timeLeftMs: 10_000, at: 0 },
      options,
    )
    expect(state).toMatchObject({
      status: 'resuming',
      pending: { reason: 'goAway', deadline: 10_000 },
    })
    expect(types(effects)).toContain('startResumption')
  })

  it('should queue while busy and schedule a deadline before the provider closes', () => {
    const { state, effects } = transition(
      generating,
      { type: 'goAway', timeLeftMs: 10_000, at: 0 },
      options,
    )
    expect(state.status).toBe('pendingResumption')
    expect(effects).toEqual([{ type: 'scheduleDeadline', delayMs: 9_500 }])
    const forced = transition(state, { type: 'goAway.deadline' }, options)
    expect(forced.state.status).toBe('resuming')
    expect(types(forced.effects)).toContain('startResumption')
  })

  it('should resume at once when busy and the deadline is within the margin', () => {
    const { state } = transition(generating, { type: 'goAway', timeLeftMs: 100, at: 0 }, options)
    expect(state.status).toBe('resuming')
  })

  it('should ignore a deadline with nothing pending', () => {
    expect(transition(generating, { type: 'goAway.deadline' }, options).state).toBe(generating)
  })
})

describe('transition: defaults', () => {
  it('should use the default options when none are given', () => {
    expect(defaultTransitionOptions.responseAfterToolOutputs).toBe(true)
    expect(transition(idle, { type: 'response.started' }).state.status).toBe('generating')
  })
})
