import { isRealtimeError } from '../../../src/core'
import type {
  ConversationItem,
  RealtimeError,
  RealtimeRunner,
  RealtimeStore,
  RealtimeStoreState,
  RunnerEvent,
  RunnerSessionUpdate,
  RunnerSnapshot,
  UpdateSessionResult,
} from '../../../src/core'

/** A runner event as kept by the recorder (audio bytes dropped, only their length kept). */
export type RecordedEvent = (
  | Exclude<RunnerEvent, { type: 'audio.delta' }>
  | { type: 'audio.delta'; itemId: string; responseId: string; bytes: number }
) & {
  /** Simulated time when it was emitted. */
  at: number
  /** Frames the mock had logged when it was emitted. */
  wireSeq: number
}

/** A `runner.updateSession` call and how it ended. */
export interface UpdateRecord {
  readonly index: number
  readonly instruction: string | undefined
  readonly bridgeMessage: string | undefined
  status: 'pending' | 'resolved' | 'rejected'
  result?: UpdateSessionResult
  error?: unknown
}

/** A point in the conversation: the transcript as it was when a fault was injected. */
export interface FaultMark {
  readonly label: string
  readonly at: number
  readonly items: readonly ConversationItem[]
}

/**
 * Captures everything a reliability case observes: runner events (and handler callbacks), runner
 * snapshots, the store's published states (each checked for internal consistency as it is
 * published), context updates, fault marks, and anything reported with `console.error`.
 */
export class Recorder {
  readonly events: RecordedEvent[] = []
  readonly handlerErrors: unknown[] = []
  readonly rejections: Array<{ label: string; error: unknown }> = []
  readonly updates: UpdateRecord[] = []
  readonly marks: FaultMark[] = []
  readonly storeViolations: string[] = []
  readonly consoleErrors: unknown[][] = []
  /** Tool outcomes, errors and status changes are kept whole even when `events` is trimmed. */
  readonly toolFinished: Array<{ callId: string; status: string; sent: boolean }> = []
  readonly cancelledCalls = new Set<string>()
  readonly errorEvents: Array<{ error: unknown; frameType: string | undefined }> = []
  readonly statuses: Array<{ status: string; previous: string }> = []
  /** Events kept at most (a long soak forgets the oldest); `eventCount` keeps counting. */
  readonly maxEvents: number
  eventCount = 0
  /** `response.done` events with status `completed`. */
  completedResponses = 0
  audioDeltas = 0
  storeStates = 0
  snapshots = 0
  lastStoreState: RealtimeStoreState | undefined
  readonly #now: () => number
  readonly #wireSeq: () => number
  readonly #stops: Array<() => void> = []

  constructor(options: { now: () => number; wireSeq: () => number; maxEvents?: number }) {
    this.#now = options.now
    this.#wireSeq = options.wireSeq
    this.maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY
  }

  /** Handler callbacks for the runner's options: errors reach `onError` typed. */
  handlers(): { onError: (error: RealtimeError) => void } {
    return { onError: (error) => this.handlerErrors.push(error) }
  }

  attach(runner: RealtimeRunner, store: RealtimeStore): void {
    this.#stops.push(runner.onEvent((event) => this.#onEvent(event)))
    this.#stops.push(
      runner.subscribe(() => {
        this.snapshots++
      }),
    )
    this.#stops.push(
      store.subscribe((state) => {
        this.storeStates++
        this.lastStoreState = state
        for (const problem of storeProblems(state)) {
          this.storeViolations.push(`${problem} (store state #${this.storeStates})`)
        }
      }),
    )
  }

  detach(): void {
    for (const stop of this.#stops.splice(0)) stop()
  }

  /** Records a fault about to be injected, with the transcript as it is now. */
  mark(label: string, snapshot: RunnerSnapshot): void {
    this.marks.push({ label, at: this.#now(), items: snapshot.items })
  }

  /** Runs a runner call whose rejection must be typed; records the rejection. */
  async expectTyped<T>(label: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call()
    } catch (error) {
      this.rejections.push({ label, error })
      return undefined
    }
  }

  /** Calls `runner.updateSession` and records how it ends (it is not awaited here). */
  update(
    runner: RealtimeRunner,
    instruction: string | undefined,
    bridgeMessage?: string,
    extra: Omit<RunnerSessionUpdate, 'instruction'> = {},
  ): { record: UpdateRecord; done: Promise<void> } {
    const record: UpdateRecord = {
      index: this.updates.length,
      instruction,
      bridgeMessage,
      status: 'pending',
    }
    this.updates.push(record)
    const delta = instruction === undefined ? extra : { ...extra, instruction }
    const done = runner
      .updateSession(delta, bridgeMessage === undefined ? {} : { bridgeMessage })
      .then(
        (result) => {
          record.status = 'resolved'
          record.result = result
        },
        (error: unknown) => {
          record.status = 'rejected'
          record.error = error
        },
      )
    return { record, done }
  }

  ofType<TType extends RecordedEvent['type']>(
    type: TType,
  ): Array<Extract<RecordedEvent, { type: TType }>> {
    return this.events.filter((event) => event.type === type) as never
  }

  /** Every error that surfaced anywhere, for the typed-errors invariant. */
  surfacedErrors(): Array<{ where: string; error: unknown }> {
    return [
      ...this.errorEvents.map(({ error }) => ({ where: 'error event', error })),
      ...this.handlerErrors.map((error) => ({ where: 'onError', error })),
      ...this.rejections.map(({ label, error }) => ({ where: `rejected ${label}`, error })),
      ...this.updates
        .filter((update) => update.status === 'rejected')
        .map((update) => ({ where: `updateSession #${update.index}`, error: update.error })),
    ]
  }

  #onEvent(event: RunnerEvent): void {
    this.eventCount++
    if (event.type === 'tool.finished') {
      this.toolFinished.push({ callId: event.callId, status: event.status, sent: event.sent })
    } else if (event.type === 'tool.cancelled') {
      for (const callId of event.callIds) this.cancelledCalls.add(callId)
    } else if (event.type === 'error') {
      this.errorEvents.push({ error: event.error, frameType: event.frameType })
    } else if (event.type === 'connection.status') {
      this.statuses.push({ status: event.status, previous: event.previous })
    }
    if (event.type === 'response.done' && event.status === 'completed') this.completedResponses++
    if (event.type === 'audio.delta') this.audioDeltas++
    const stamp = { at: this.#now(), wireSeq: this.#wireSeq() }
    const recorded =
      event.type === 'audio.delta'
        ? {
            type: event.type,
            itemId: event.itemId,
            responseId: event.responseId,
            bytes: event.pcm.byteLength,
            ...stamp,
          }
        : { ...event, ...stamp }
    this.events.push(recorded as RecordedEvent)
    if (this.events.length > this.maxEvents * 1.25) {
      this.events.splice(0, this.events.length - this.maxEvents)
    }
  }
}

/**
 * What must hold in every state a UI can see. The runner may pass through intermediate states
 * inside one synchronous step (it changes its state, then runs the effect that changes the
 * connection), but the store publishes at most once per frame, after the step.
 */
export function storeProblems(state: RealtimeStoreState): string[] {
  const problems: string[] = []
  const { connection, runnerState, pendingResumption, agentState, sessionId } = state
  if (connection === 'connected' && sessionId === null) problems.push('connected without a session')
  if (connection === 'connected' && runnerState === 'resuming')
    problems.push('connected while resuming')
  if (runnerState === 'resuming' && connection !== 'reconnecting')
    problems.push(`resuming while the connection is "${connection}"`)
  if (connection === 'reconnecting' && runnerState !== 'resuming')
    problems.push(`reconnecting while the runner is "${runnerState}"`)
  if ((connection === 'closed' || connection === 'idle') && runnerState !== 'idle')
    problems.push(`connection "${connection}" with runner state "${runnerState}"`)
  if ((connection === 'closed' || connection === 'idle') && sessionId !== null)
    problems.push(`connection "${connection}" still has a session`)
  const pendingExpected = runnerState === 'pendingResumption' || runnerState === 'resuming'
  if (pendingExpected !== (pendingResumption !== null))
    problems.push(
      `runner state "${runnerState}" with pendingResumption ${pendingResumption === null ? 'null' : 'set'}`,
    )
  if ((agentState === 'disconnected') !== (connection !== 'connected'))
    problems.push(`agent state "${agentState}" with connection "${connection}"`)
  if (state.lastError !== null && !isRealtimeError(state.lastError))
    problems.push('lastError is not a RealtimeError')
  return problems
}
