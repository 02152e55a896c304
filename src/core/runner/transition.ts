import { backoffDelay, defaultReconnectPolicy } from './backoff'
import type { ReconnectPolicy } from './backoff'
import { activityOf, isQuiet, pendingOf, quietActivity } from './state'
import type {
  Activity,
  PendingResumption,
  RunnerEffect,
  RunnerMachineEvent,
  RunnerState,
  TransitionResult,
} from './state'

/** Provider and policy facts the state machine needs; everything else comes in events. */
export interface TransitionOptions {
  /** The provider needs a response request after tool outputs (OpenAI). */
  responseAfterToolOutputs: boolean
  reconnect: Pick<ReconnectPolicy, 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs' | 'multiplier'>
  /** How long before a go-away deadline a busy session is resumed anyway. */
  goAwayMarginMs: number
}

export const defaultTransitionOptions: TransitionOptions = {
  responseAfterToolOutputs: true,
  reconnect: defaultReconnectPolicy,
  goAwayMarginMs: 2_000,
}

/**
 * The runner's state machine, as a pure function: no I/O, no clock, no randomness. The runner
 * feeds it one event at a time from its mailbox and executes the returned effects in order.
 * See `RunnerState` for the lifecycle.
 *
 * Where it differs from the Rust crate (reference §2.4):
 * - `response.done` while tools still run stays in `executingTool`, and a queued resumption waits
 *   until the session is quiet, not merely until the next `response.done`.
 * - Gemini has no `response.created`; its first model output counts as the start of a response.
 * - A resumption has its own `resuming` state, so a second request cannot start a parallel one,
 *   and failed attempts are retried on a timer (`scheduleRetry`), not on a `response.done` that
 *   cannot arrive without a connection.
 *
 * @example
 * let state: RunnerState = { status: 'idle' }
 * const step = transition(state, { type: 'response.started' })
 * state = step.state // { status: 'generating', … }
 */
export function transition(
  state: RunnerState,
  event: RunnerMachineEvent,
  options: TransitionOptions = defaultTransitionOptions,
): TransitionResult {
  if (state.status === 'resuming') return fromResuming(state, event, options)
  const activity = activityOf(state)
  const pending = pendingOf(state)

  switch (event.type) {
    case 'response.started':
      return settle({ ...activity, responseActive: true, responseRequested: false }, pending, [])
    case 'model.output':
      if (activity.responseActive) return unchanged(state)
      return settle({ ...activity, responseActive: true, responseRequested: false }, pending, [])
    case 'response.done':
    case 'interrupted': {
      // `interrupted` ends generation too: Gemini may send it without a turnComplete, which
      // left the crate stuck in `Generating`. A turn that ends without any output (Gemini can
      // answer a message with a bare turnComplete) settles a request it answered.
      const effects: RunnerEffect[] = []
      const next = afterOutputs(
        { ...activity, responseActive: false, responseRequested: false },
        effects,
        options,
      )
      return settle(next, pending, effects)
    }
    case 'response.requested':
      // A reply is owed: a resumption must not tear the connection down before it comes.
      if (activity.responseActive) return unchanged(state)
      return settle({ ...activity, responseRequested: true }, pending, [])
    case 'response.refused':
      // No response is coming for that request; the session may be quiet again.
      return settle({ ...activity, responseRequested: false }, pending, [])
    case 'tool.call':
      return settle({ ...activity, toolsInFlight: activity.toolsInFlight + 1 }, pending, [])
    case 'tool.settled': {
      const effects: RunnerEffect[] = []
      // A provider that continues by itself (Gemini) answers an output sent while its turn is
      // still open in that same turn (toolCall → toolResponse → speech → turnComplete, as the
      // recorded sessions show): its `response.done` is the answer, and no further response is
      // owed. Counting it as pending would leave the runner `generating` forever after the turn.
      const answeredInTurn = activity.responseActive && !options.responseAfterToolOutputs
      const next = afterOutputs(
        {
          ...activity,
          toolsInFlight: Math.max(0, activity.toolsInFlight - 1),
          outputsPending: activity.outputsPending || (event.outputSent && !answeredInTurn),
        },
        effects,
        options,
      )
      return settle(next, pending, effects)
    }
    case 'resumption.requested': {
      // Last write wins, as in the crate: the runner connects with the canonical config anyway,
      // so only the newest bridge message matters — but a change without one does not take back
      // the one an earlier change queued (as while resuming). A go-away deadline is kept.
      const bridgeMessage = event.bridgeMessage ?? pending?.bridgeMessage
      const queued: PendingResumption = {
        reason: 'contextMutation',
        config: event.config,
        attempts: 0,
        queuedAt: pending?.queuedAt ?? event.at,
        ...(bridgeMessage === undefined ? {} : { bridgeMessage }),
        ...(pending?.deadline === undefined ? {} : { deadline: pending.deadline }),
      }
      return settle(activity, queued, [])
    }
    case 'goAway': {
      const deadline = event.at + event.timeLeftMs
      const queued: PendingResumption = pending
        ? { ...pending, deadline: Math.min(deadline, pending.deadline ?? deadline) }
        : { reason: 'goAway', attempts: 0, queuedAt: event.at, deadline }
      if (isQuiet(activity)) return startResuming(queued, [])
      const delayMs = Math.max(0, event.timeLeftMs - options.goAwayMarginMs)
      if (delayMs === 0) return startResuming(queued, [])
      return settle(activity, queued, [{ type: 'scheduleDeadline', delayMs }])
    }
    case 'goAway.deadline':
      // The provider is about to close the connection: resume now even if busy, since waiting
      // for the response to finish would lose the connection and the response anyway.
      if (!pending) return unchanged(state)
      return startResuming(pending, [])
    case 'disconnected': {
      const resumption: PendingResumption = {
        ...pending,
        reason: 'disconnect',
        attempts: 0,
        queuedAt: pending?.queuedAt ?? event.at,
      }
      const delayMs = backoffDelay(options.reconnect, 1)
      return {
        state: { status: 'resuming', pending: resumption, waitingForRetry: true },
        effects: [{ type: 'cancelDeadline' }, { type: 'scheduleRetry', attempt: 1, delayMs }],
      }
    }
    case 'connected':
      return connected(pending)
    case 'closed':
      return {
        state: { status: 'idle' },
        effects: [{ type: 'cancelTimers' }, { type: 'abortTools' }],
      }
    case 'resumption.succeeded':
    case 'resumption.failed':
    case 'retry.due':
      // Only meaningful while resuming; a late result from a superseded attempt is ignored.
      return unchanged(state)
  }
}

function fromResuming(
  state: Extract<RunnerState, { status: 'resuming' }>,
  event: RunnerMachineEvent,
  options: TransitionOptions,
): TransitionResult {
  const { pending } = state
  switch (event.type) {
    case 'resumption.succeeded': {
      if (state.waitingForRetry) return unchanged(state)
      const effects: RunnerEffect[] = [{ type: 'cancelDeadline' }]
      if (pending.bridgeMessage !== undefined) {
        effects.push({ type: 'injectBridgeMessage', message: pending.bridgeMessage })
      }
      return { state: { status: 'idle' }, effects }
    }
    case 'resumption.failed': {
      if (state.waitingForRetry) return unchanged(state)
      const policy = options.reconnect
      if (!event.error.retriable || pending.attempts >= policy.maxAttempts) {
        return {
          state: { status: 'pendingResumption', activity: quietActivity, pending },
          effects: [
            { type: 'cancelDeadline' },
            { type: 'resumptionFailed', pending, error: event.error },
          ],
        }
      }
      const delayMs = backoffDelay(policy, pending.attempts)
      return {
        state: { status: 'resuming', pending, waitingForRetry: true },
        effects: [{ type: 'scheduleRetry', attempt: pending.attempts + 1, delayMs }],
      }
    }
    case 'retry.due':
      if (!state.waitingForRetry) return unchanged(state)
      return startResuming(pending, [])
    case 'resumption.requested': {
      // A mutation while a connection is being rebuilt: the attempt reads the canonical config
      // when it starts, and the runner re-applies the config after success if it changed. Only
      // the bridge message has to be remembered here (last write wins).
      const next: PendingResumption = {
        ...pending,
        config: event.config,
        ...(event.bridgeMessage === undefined ? {} : { bridgeMessage: event.bridgeMessage }),
      }
      return { state: { ...state, pending: next }, effects: [] }
    }
    case 'connected':
      return connected(pending)
    case 'closed':
      return {
        state: { status: 'idle' },
        effects: [{ type: 'cancelTimers' }, { type: 'abortTools' }],
      }
    default:
      // Events of the connection being replaced (responses, tools, go-away, its own close)
      // no longer describe anything: the runner is between connections.
      return unchanged(state)
  }
}

/** When the response is over and no tool runs, the outputs sent this turn need a response. */
function afterOutputs(activity: Activity, effects: RunnerEffect[], options: TransitionOptions) {
  if (!activity.outputsPending || activity.toolsInFlight > 0 || activity.responseActive) {
    return activity
  }
  // Exactly one request per turn, after the last output. Providers that continue on their own
  // (Gemini) get none, but a response is still expected, so the session is not quiet yet.
  if (options.responseAfterToolOutputs) effects.push({ type: 'requestResponse' })
  return { ...activity, outputsPending: false, responseRequested: true }
}

function settle(
  activity: Activity,
  pending: PendingResumption | undefined,
  effects: RunnerEffect[],
): TransitionResult {
  if (pending) {
    if (isQuiet(activity)) return startResuming(pending, effects)
    return { state: { status: 'pendingResumption', activity, pending }, effects }
  }
  if (activity.toolsInFlight > 0) return { state: { status: 'executingTool', activity }, effects }
  if (!isQuiet(activity)) return { state: { status: 'generating', activity }, effects }
  return { state: { status: 'idle' }, effects }
}

function startResuming(pending: PendingResumption, effects: RunnerEffect[]): TransitionResult {
  const attempt: PendingResumption = { ...pending, attempts: pending.attempts + 1 }
  return {
    state: { status: 'resuming', pending: attempt, waitingForRetry: false },
    effects: [
      ...effects,
      { type: 'cancelDeadline' },
      { type: 'startResumption', pending: attempt },
    ],
  }
}

function connected(pending: PendingResumption | undefined): TransitionResult {
  // An app-initiated connect after a failure: the canonical config already holds the mutation,
  // so only its bridge message is still owed.
  const effects: RunnerEffect[] = [{ type: 'cancelTimers' }]
  if (pending?.bridgeMessage !== undefined) {
    effects.push({ type: 'injectBridgeMessage', message: pending.bridgeMessage })
  }
  return { state: { status: 'idle' }, effects }
}

function unchanged(state: RunnerState): TransitionResult {
  return { state, effects: [] }
}
