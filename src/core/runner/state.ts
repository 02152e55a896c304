import type { RealtimeConfig } from '../config'
import type { RealtimeError } from '../errors'
import type { ServerEvent } from '../events'

/** Why the runner is (or will be) replacing its connection. */
export type ResumptionReason = 'contextMutation' | 'goAway' | 'disconnect'

/**
 * A resumption that has been asked for and not yet completed. It stays visible (in the runner's
 * state and in the store) until a connection succeeds, including after the retry budget ran out:
 * an unapplied context mutation is never dropped silently.
 */
export interface PendingResumption {
  reason: ResumptionReason
  /**
   * The merged config of the unapplied context mutation, when there is one. Shown to the app;
   * the runner always connects with the canonical config and the newest resumable handle as they
   * are when the attempt starts, not with this snapshot.
   */
  config?: RealtimeConfig
  /** Sent as a user message once the new connection is up, exactly once. */
  bridgeMessage?: string
  /** Connection attempts made so far for this resumption. */
  attempts: number
  /** Scheduler time when it was first queued. */
  queuedAt: number
  /** Scheduler time by which a go-away says the provider will close the connection. */
  deadline?: number
}

/** What the model and the tools are doing on the current connection. */
export interface Activity {
  /** A response is in progress: started (or first output seen) and not done. */
  responseActive: boolean
  /** Tool calls accepted and not yet settled. */
  toolsInFlight: number
  /** Tool outputs were sent this turn and the follow-up response is not asked for yet. */
  outputsPending: boolean
  /** A response was asked for (or is expected after tool outputs) and has not started. */
  responseRequested: boolean
}

export const quietActivity: Activity = {
  responseActive: false,
  toolsInFlight: 0,
  outputsPending: false,
  responseRequested: false,
}

/**
 * The runner's state: the Rust crate's four states, with the missing fifth (`resuming`) and with
 * the activity counters the crate lost when it entered `PendingResumption`.
 *
 * ```text
 *            response.started / first model output            tool.call
 *   ┌──────┐ ───────────────────────────────────▶ ┌────────────┐ ─────────▶ ┌───────────────┐
 *   │ idle │ ◀──────────── response.done ──────── │ generating │ ◀───────── │ executingTool │
 *   └──────┘ ◀───────── last tool settled, no response active or owed ───── └───────────────┘
 *     │  ▲                                   (busy states)  │ resumption requested / go-away
 *     │  │                                                  ▼
 *     │  │                                     ┌───────────────────┐
 *     │  │                                     │ pendingResumption │
 *     │  │                                     └───────────────────┘
 *     │  │ resumption.succeeded                  │ quiet again, or go-away deadline
 *     │  │                     ┌──────────┐ ◀────┘
 *     │  └──────────────────── │ resuming │ ◀──── disconnected (from any connected state)
 *     └─ resumption requested  └──────────┘
 *        or go-away while idle   │      ▲
 *                                │      └── retry.due (backoff timer after resumption.failed)
 *                                └──▶ pendingResumption + connection `failed` (budget spent)
 * ```
 *
 * - `idle`: connected; nothing generating, no tool running; a resumption may run now.
 * - `generating`: the model is producing a response (OpenAI `response.created`; Gemini's first
 *   model part), or one is expected after tool outputs.
 * - `executingTool`: one or more tool calls in flight (`activity.toolsInFlight`).
 * - `pendingResumption`: a resumption waits for the session to be quiet. Also the resting state
 *   after the retry budget ran out, so the unapplied mutation stays visible.
 * - `resuming`: the old connection is closed and a new one is being opened (break-before-make,
 *   because Gemini rejects a resume while the old socket is open). `waitingForRetry` is true
 *   while a backoff timer runs.
 */
export type RunnerState =
  | { status: 'idle' }
  | { status: 'generating'; activity: Activity }
  | { status: 'executingTool'; activity: Activity }
  | { status: 'pendingResumption'; activity: Activity; pending: PendingResumption }
  | { status: 'resuming'; pending: PendingResumption; waitingForRetry: boolean }

export type RunnerStatus = RunnerState['status']

export const idleState: RunnerState = { status: 'idle' }

/** The activity of a state (`resuming` and `idle` have none). */
export function activityOf(state: RunnerState): Activity {
  return state.status === 'idle' || state.status === 'resuming' ? quietActivity : state.activity
}

/** The pending resumption of a state, if any. */
export function pendingOf(state: RunnerState): PendingResumption | undefined {
  return state.status === 'pendingResumption' || state.status === 'resuming'
    ? state.pending
    : undefined
}

export function isQuiet(activity: Activity): boolean {
  return (
    !activity.responseActive &&
    activity.toolsInFlight === 0 &&
    !activity.outputsPending &&
    !activity.responseRequested
  )
}

/** Inputs of the pure `transition` function. Times come in events so the function stays pure. */
export type RunnerMachineEvent =
  | { type: 'response.started' }
  | { type: 'response.done' }
  /** Model output (audio, text, transcript) without a preceding `response.started` (Gemini). */
  | { type: 'model.output' }
  | { type: 'interrupted' }
  /**
   * The app asked for a response the provider owes (a user text message, or OpenAI's
   * `response.create`); until it starts, the session is not quiet.
   */
  | { type: 'response.requested' }
  /** The provider refused a response request (an error answering `response.create`). */
  | { type: 'response.refused' }
  /** A tool call the runner accepted (the crate's `FunctionCallDone`). */
  | { type: 'tool.call'; callId: string }
  | { type: 'tool.settled'; callId: string; outputSent: boolean }
  /** A context mutation the session could not apply in place. */
  | {
      type: 'resumption.requested'
      config: RealtimeConfig
      bridgeMessage?: string
      at: number
    }
  | { type: 'goAway'; timeLeftMs: number; at: number }
  | { type: 'goAway.deadline' }
  /** The current connection ended without the runner asking for it. */
  | { type: 'disconnected'; at: number }
  | { type: 'resumption.succeeded' }
  | { type: 'resumption.failed'; error: RealtimeError }
  | { type: 'retry.due' }
  /** An app-initiated `connect()` succeeded. */
  | { type: 'connected' }
  | { type: 'closed' }

/** Work the runner must do, as data. The runner executes them in order. */
export type RunnerEffect =
  /** Close the current connection (if any) and open a new one; `pending.attempts` is this attempt. */
  | { type: 'startResumption'; pending: PendingResumption }
  /** Post `retry.due` after `delayMs` (the runner adds jitter). `attempt` is the coming attempt. */
  | { type: 'scheduleRetry'; attempt: number; delayMs: number }
  /** Post `goAway.deadline` after `delayMs`. */
  | { type: 'scheduleDeadline'; delayMs: number }
  | { type: 'cancelDeadline' }
  | { type: 'cancelTimers' }
  /** Ask the provider for the response that follows this turn's tool outputs. */
  | { type: 'requestResponse' }
  /**
   * Abort in-flight tools (on close). A reconnect does not abort them: a tool may have side
   * effects worth finishing, its result is simply never sent on another connection, and a new
   * connection that repeats the call id gets the finished result.
   */
  | { type: 'abortTools' }
  | { type: 'injectBridgeMessage'; message: string }
  /** The retry budget is spent (or the error cannot be retried): connection `failed`. */
  | { type: 'resumptionFailed'; pending: PendingResumption; error: RealtimeError }

export interface TransitionResult {
  state: RunnerState
  effects: RunnerEffect[]
}

/**
 * The state-machine event a provider event implies, if any. `responseActive` lets the first
 * model output of a Gemini turn (which has no `response.created`) start a response once.
 */
export function machineEventOf(
  event: ServerEvent,
  responseActive: boolean,
  now: number,
): RunnerMachineEvent | undefined {
  switch (event.type) {
    case 'response.started':
    case 'response.done':
    case 'interrupted':
      return { type: event.type }
    case 'audio.delta':
    case 'text.delta':
    case 'transcript.delta':
      return responseActive ? undefined : { type: 'model.output' }
    case 'goAway':
      return { type: 'goAway', timeLeftMs: event.timeLeftMs, at: now }
    case 'error':
      // Correlated by the provider (OpenAI `event_id`): the response asked for is not coming.
      return event.frameType === 'response.create' ? { type: 'response.refused' } : undefined
    default:
      return undefined
  }
}
