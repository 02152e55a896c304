import { createStore } from 'zustand/vanilla'
import type { StoreApi } from 'zustand/vanilla'
import type { RealtimeError } from './errors'
import type { Usage } from './events'
import type { ConnectionStatus, RunnerEvent, RunnerSnapshot } from './runner/options'
import { activityOf } from './runner/state'
import type { PendingResumption, RunnerStatus } from './runner/state'
import { initialVideoState } from './runner/video'
import type { VideoInputState } from './runner/video'
import type { ConversationItem } from './transcript'

/** What a UI shows the agent doing. */
export type AgentState = 'listening' | 'thinking' | 'speaking' | 'executingTool' | 'disconnected'

export interface LatencyMetrics {
  /**
   * End of the user's speech to the first audio of the answer, for the latest turn: first audible
   * (playback started) where the runner knows it, else first audio received.
   */
  responseMs: number | null
  /** Duration of each finished tool call, by call id. */
  toolDurationsMs: Readonly<Record<string, number>>
}

/** The UI's mirror of one runner. Replaced immutably; unchanged parts keep their identity. */
export interface RealtimeStoreState {
  connection: ConnectionStatus
  runnerState: RunnerStatus
  /** A resumption waiting or running, and an unapplied mutation after a failure. */
  pendingResumption: PendingResumption | null
  agentState: AgentState
  userSpeaking: boolean
  /**
   * The user hears the agent: follows the runner's `playback.started` / `playback.stopped`, i.e.
   * the local player when it reports (the browser audio engine), the provider's output buffer over
   * WebRTC, and otherwise the audio stream — so it stays true while buffered audio plays out after
   * the provider finished sending.
   */
  agentSpeaking: boolean
  items: readonly ConversationItem[]
  /** Token usage summed over the session. */
  usage: Usage
  latency: LatencyMetrics
  lastError: RealtimeError | null
  sessionId: string | null
  agent: string | null
  /**
   * The camera or screen being sent: its status and kind, frames sent, and frames skipped
   * (dropped while reconnecting or while the socket was behind — video is never queued).
   */
  video: VideoInputState
}

/** A read-only zustand store (works with `useStore(store, selector)`) plus its lifecycle. */
export interface RealtimeStore extends Pick<
  StoreApi<RealtimeStoreState>,
  'getState' | 'getInitialState' | 'subscribe'
> {
  /** Publishes pending changes now instead of at the next frame. */
  flush(): void
  /** Stops mirroring the runner and drops pending notifications. */
  destroy(): void
}

export interface RealtimeStoreOptions {
  /**
   * Schedules one publication; returns a cancel function. Default: the next animation frame
   * where `requestAnimationFrame` exists, otherwise a microtask (Node, SSR, tests).
   */
  schedule?: (publish: () => void) => () => void
  /** Clock for latency metrics (default `Date.now`). */
  now?: () => number
}

/** The runner surface the store reads (a `RealtimeRunner` satisfies it). */
export interface RealtimeStoreSource {
  getState(): RunnerSnapshot
  subscribe(listener: (snapshot: RunnerSnapshot) => void): () => void
  onEvent(listener: (event: RunnerEvent) => void): () => void
}

function defaultSchedule(publish: () => void): () => void {
  const frame = globalThis.requestAnimationFrame as typeof requestAnimationFrame | undefined
  if (typeof frame === 'function') {
    const id = frame(() => publish())
    return () => globalThis.cancelAnimationFrame(id)
  }
  let cancelled = false
  queueMicrotask(() => {
    if (!cancelled) publish()
  })
  return () => {
    cancelled = true
  }
}

/**
 * Creates the store a UI reads: connection, runner state, pending resumption, derived agent
 * state, speaking flags, conversation items, usage, latency and the last error.
 *
 * Streaming deltas arrive far faster than a screen refreshes, so changes are collected and
 * published at most once per animation frame (once per microtask in Node): a thousand transcript
 * deltas in one tick cause one notification, not a thousand renders.
 *
 * @example
 * const store = createRealtimeStore(runner)
 * const unsubscribe = store.subscribe((state) => render(state.items, state.agentState))
 * // React: const items = useStore(store, (s) => s.items)
 */
export function createRealtimeStore(
  runner: RealtimeStoreSource,
  options: RealtimeStoreOptions = {},
): RealtimeStore {
  const schedule = options.schedule ?? defaultSchedule
  const now = options.now ?? (() => Date.now())
  let flags = runnerFlags(runner.getState())
  let speechEndedAt: number | null = null
  let awaitingResponse = false
  let destroyed = false
  const withAgentState = (state: RealtimeStoreState): RealtimeStoreState => {
    const agentState = deriveAgentState(
      state,
      flags.toolsRunning,
      flags.responding || awaitingResponse,
    )
    return agentState === state.agentState ? state : { ...state, agentState }
  }
  let draft = withAgentState(fromSnapshot(initialState(), runner.getState()))
  const store = createStore<RealtimeStoreState>()(() => draft)
  let cancelScheduled: (() => void) | undefined

  const publish = (): void => {
    cancelScheduled = undefined
    if (destroyed || draft === store.getState()) return
    store.setState(draft, true)
  }
  const update = (next: RealtimeStoreState): void => {
    if (next === draft || destroyed) return
    draft = withAgentState(next)
    cancelScheduled ??= schedule(publish)
  }

  /** Nobody speaks and no answer is awaited once the connection is gone. */
  const endTurns = (state: RealtimeStoreState): RealtimeStoreState => {
    awaitingResponse = false
    speechEndedAt = null
    return state.userSpeaking || state.agentSpeaking
      ? { ...state, userSpeaking: false, agentSpeaking: false }
      : state
  }

  const offSnapshot = runner.subscribe((snapshot) => {
    flags = runnerFlags(snapshot)
    const next = fromSnapshot(draft, snapshot)
    // Whatever ended it — close(), a failure, a drop — so the next call starts listening and
    // its first latency is not measured from this one's speech.
    update(snapshot.connection === 'connected' ? next : endTurns(next))
  })
  const offEvents = runner.onEvent((event) => {
    switch (event.type) {
      case 'speech.started':
        return update({ ...draft, userSpeaking: true })
      case 'speech.stopped':
        speechEndedAt = now()
        awaitingResponse = true
        return update({ ...draft, userSpeaking: false })
      // The runner reports what the user hears, from the best source it has: the local player,
      // the provider's output buffer (WebRTC), or failing both, the audio stream's start and end.
      case 'playback.started': {
        const latency =
          awaitingResponse && speechEndedAt !== null
            ? { ...draft.latency, responseMs: now() - speechEndedAt }
            : draft.latency
        awaitingResponse = false
        return update({ ...draft, agentSpeaking: true, latency })
      }
      case 'playback.stopped':
        return update(draft.agentSpeaking ? { ...draft, agentSpeaking: false } : draft)
      case 'response.done':
        awaitingResponse = false
        return update({
          ...draft,
          usage: event.usage ? addUsage(draft.usage, event.usage) : draft.usage,
        })
      case 'usage':
        return update({ ...draft, usage: addUsage(draft.usage, event.usage) })
      case 'tool.finished':
        return update({
          ...draft,
          latency: {
            ...draft.latency,
            toolDurationsMs: { ...draft.latency.toolDurationsMs, [event.callId]: event.durationMs },
          },
        })
      default:
        return
    }
  })

  return {
    getState: store.getState,
    getInitialState: store.getInitialState,
    subscribe: store.subscribe,
    flush() {
      cancelScheduled?.()
      publish()
    },
    destroy() {
      destroyed = true
      cancelScheduled?.()
      cancelScheduled = undefined
      offSnapshot()
      offEvents()
    },
  }
}

function initialState(): RealtimeStoreState {
  return {
    connection: 'idle',
    runnerState: 'idle',
    pendingResumption: null,
    agentState: 'disconnected',
    userSpeaking: false,
    agentSpeaking: false,
    items: [],
    usage: {},
    latency: { responseMs: null, toolDurationsMs: {} },
    lastError: null,
    sessionId: null,
    agent: null,
    video: initialVideoState,
  }
}

function runnerFlags(snapshot: RunnerSnapshot): { toolsRunning: boolean; responding: boolean } {
  return {
    toolsRunning: activityOf(snapshot.state).toolsInFlight > 0,
    responding: snapshot.state.status !== 'idle' && snapshot.state.status !== 'resuming',
  }
}

function fromSnapshot(state: RealtimeStoreState, snapshot: RunnerSnapshot): RealtimeStoreState {
  return {
    ...state,
    connection: snapshot.connection,
    runnerState: snapshot.state.status,
    pendingResumption: snapshot.pendingResumption ?? null,
    items: snapshot.items,
    lastError: snapshot.lastError ?? null,
    sessionId: snapshot.sessionId ?? null,
    agent: snapshot.agent ?? null,
    video: snapshot.video,
  }
}

function deriveAgentState(
  state: RealtimeStoreState,
  toolsRunning: boolean,
  responding: boolean,
): AgentState {
  if (state.connection !== 'connected') return 'disconnected'
  if (toolsRunning) return 'executingTool'
  if (state.agentSpeaking) return 'speaking'
  if (state.userSpeaking) return 'listening'
  if (responding) return 'thinking'
  return 'listening'
}

function addUsage(total: Usage, more: Usage): Usage {
  const sum: Record<string, number> = { ...(total as Record<string, number>) }
  for (const [key, value] of Object.entries(more)) {
    if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value
  }
  return sum as Usage
}
