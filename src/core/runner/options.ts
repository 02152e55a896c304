import type { RealtimeAgent } from '../agent'
import type { RealtimeConfigInput } from '../config'
import type { RealtimeError } from '../errors'
import type {
  AudioDeltaEvent,
  ResponseDoneEvent,
  ServerEvent,
  SpeechStartedEvent,
  SpeechStoppedEvent,
  TextDeltaEvent,
  ToolCallEvent,
  TranscriptDeltaEvent,
} from '../events'
import type { DisconnectReason, RealtimeModel } from '../session'
import type { ConversationItem, ToolFinishedEvent, ToolStartedEvent } from '../transcript'
import type { ReconnectPolicy } from './backoff'
import type { InterruptionResult, PlaybackController } from './interruption'
import type { PlaybackChangeEvent } from './playback-state'
import type { Scheduler } from './scheduler'
import type { PendingResumption, RunnerState } from './state'
import type { ToolInput } from './tools'
import type { VideoInputState } from './video'

/** The connection as a UI shows it. */
export type ConnectionStatus =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'failed'

export interface ConnectionStatusEvent {
  type: 'connection.status'
  status: ConnectionStatus
  previous: ConnectionStatus
}

/** A connection ended. `expected` is false for drops the runner will try to recover from. */
export interface DisconnectedEvent {
  type: 'disconnected'
  reason: DisconnectReason
  expected: boolean
}

export interface PlaybackInterruptedEvent extends InterruptionResult {
  type: 'playback.interrupted'
  automatic: boolean
}

export interface AgentChangedEvent {
  type: 'agent.changed'
  from: string
  to: string
}

/** Events only the runner produces. */
export type RunnerLifecycleEvent =
  | ToolStartedEvent
  | ToolFinishedEvent
  | ConnectionStatusEvent
  | DisconnectedEvent
  | PlaybackInterruptedEvent
  | PlaybackChangeEvent
  | AgentChangedEvent

/** Everything the runner emits, in order: provider events and its own lifecycle events. */
export type RunnerEvent = ServerEvent | RunnerLifecycleEvent

/**
 * Callbacks, the crate's `EventHandler` with the hooks it lacked (tool calls and results,
 * disconnects, connection status). A callback that throws is reported with `console.error` and
 * does not stop the runner.
 */
export interface RunnerEventHandlers {
  onEvent?(event: RunnerEvent): void
  onAudio?(pcm: Uint8Array, event: AudioDeltaEvent): void
  onText?(delta: string, event: TextDeltaEvent): void
  onTranscript?(delta: string, event: TranscriptDeltaEvent): void
  onSpeechStarted?(event: SpeechStartedEvent): void
  onSpeechStopped?(event: SpeechStoppedEvent): void
  onResponseDone?(event: ResponseDoneEvent): void
  onToolCall?(event: ToolCallEvent): void
  onToolResult?(event: ToolFinishedEvent): void
  onError?(error: RealtimeError): void
  onDisconnect?(reason: DisconnectReason, expected: boolean): void
  onConnectionStatus?(status: ConnectionStatus): void
}

export interface RealtimeRunnerOptions<TContext = unknown> {
  model: RealtimeModel
  /** Initial session config (validated; `invalid_config` names the field). */
  config?: RealtimeConfigInput | undefined
  /** Shorthand for `config.instruction`. */
  instruction?: string | undefined
  /** Shorthand for `config.voice`. */
  voice?: string | undefined
  /** Tools with handlers (or bare definitions the app answers with `sendToolResponse`). */
  tools?: readonly ToolInput[] | undefined
  /** An agent: its instructions, voice, tools and sub-agents (applied over `config`). */
  agent?: RealtimeAgent<TContext> | undefined
  /** Passed to the agent's instruction functions. */
  context?: TContext | undefined
  handlers?: RunnerEventHandlers | undefined
  /** Run tool handlers automatically (default `true`). */
  autoExecuteTools?: boolean | undefined
  /** Send tool results to the model automatically (default `true`). */
  autoRespondTools?: boolean | undefined
  /** Tool calls running at once (default 4); more wait their turn. */
  maxConcurrentTools?: number | undefined
  /** Per-call timeout (default 30 s); the handler's signal is aborted when it expires. */
  toolTimeoutMs?: number | undefined
  /** Reconnect automatically after an unexpected drop (default `true`). */
  autoReconnect?: boolean | undefined
  reconnect?: Partial<ReconnectPolicy> | undefined
  /** How long before a go-away deadline a busy session is resumed anyway (default 2 s). */
  goAwayMarginMs?: number | undefined
  /** Outgoing audio kept while (re)connecting (default 5 s); older audio is dropped and counted. */
  maxBufferedAudioMs?: number | undefined
  /**
   * A video frame is dropped (and counted) while the socket has more than this many bytes
   * waiting to be sent (default 64 KiB, about a second of OpenAI audio): frames never queue
   * ahead of the user's voice.
   */
  maxBufferedVideoBytes?: number | undefined
  /** A connect attempt that is not acknowledged within this time fails as `timeout` (default 15 s). */
  connectTimeoutMs?: number | undefined
  /** Local playback, stopped first on barge-in. */
  playback?: PlaybackController | undefined
  scheduler?: Scheduler | undefined
  /** Source of randomness for backoff jitter (default `Math.random`). */
  random?: (() => number) | undefined
}

/** The runner's observable state (`getState()` / `subscribe()`). Replaced, never mutated. */
export interface RunnerSnapshot {
  connection: ConnectionStatus
  state: RunnerState
  /** The resumption waiting or in progress, also after the retry budget ran out. */
  pendingResumption: PendingResumption | undefined
  sessionId: string | undefined
  /** The active agent's name, when the runner was given an agent. */
  agent: string | undefined
  items: readonly ConversationItem[]
  lastError: RealtimeError | undefined
  /** Outgoing audio dropped while (re)connecting. */
  droppedAudio: { chunks: number; bytes: number }
  /** The video input: its source's status, frames sent and frames skipped. */
  video: VideoInputState
}

/** What `updateSession` did with a change. */
export type UpdateSessionResult =
  /** Applied on the open connection. */
  | { kind: 'applied' }
  /** Needs a new connection, which started now. */
  | { kind: 'resuming' }
  /** Needs a new connection, queued until the session is quiet. */
  | { kind: 'queued' }
  /** Not connected: stored, and used by the next connect. */
  | { kind: 'stored' }
