import type { SessionUpdateInput } from './config'
import type { RealtimeError } from './errors'

/**
 * Unified, provider-neutral events. Providers translate their wire messages into `ServerEvent`s
 * at the boundary (audio is decoded there, once, into PCM16 bytes with its sample rate), and
 * translate `ClientEvent`s into wire messages.
 *
 * Nothing is silently lost: a provider message the library does not model becomes a `raw`
 * event; a malformed or unknown-shaped frame becomes an `error` event carrying the frame's type,
 * and the session goes on.
 */

export type ProviderName = 'openai' | 'gemini' | (string & {})

/** Who is speaking in a conversation item. */
export type Role = 'user' | 'assistant' | 'system'

/** Token usage, normalised across providers. Absent fields were not reported. */
export interface Usage {
  inputTokens?: number
  outputTokens?: number
  totalTokens?: number
  cachedTokens?: number
  inputTextTokens?: number
  inputAudioTokens?: number
  inputImageTokens?: number
  outputTextTokens?: number
  outputAudioTokens?: number
  /** Gemini: tokens spent on tool-use prompts and thinking. */
  toolUsePromptTokens?: number
  thoughtsTokens?: number
}

export interface RateLimit {
  name: string
  limit: number
  remaining: number
  resetSeconds: number
}

export type ResponseStatus = 'completed' | 'cancelled' | 'failed' | 'incomplete'

interface Base {
  /** The provider's own event id, when it sends one (OpenAI `event_id`). */
  eventId?: string
}

export interface SessionReadyEvent extends Base {
  type: 'session.ready'
  /** The provider's session id (OpenAI `sess_…`, Vertex `sessionId`), when it reports one. */
  providerSessionId?: string
  /** The provider's view of the session, verbatim. */
  session?: unknown
}
export interface SessionUpdatedEvent extends Base {
  type: 'session.updated'
  session?: unknown
}
export interface SpeechStartedEvent extends Base {
  type: 'speech.started'
  audioStartMs?: number
  itemId?: string
}
export interface SpeechStoppedEvent extends Base {
  type: 'speech.stopped'
  audioEndMs?: number
  itemId?: string
}
/** The user's audio buffer was committed as a conversation item. */
export interface InputCommittedEvent extends Base {
  type: 'input.committed'
  itemId: string
  previousItemId?: string
}
export interface InputClearedEvent extends Base {
  type: 'input.cleared'
}
export type ItemKind = 'message' | 'function_call' | 'function_call_output' | 'other'
export interface ItemAddedEvent extends Base {
  type: 'item.added'
  itemId: string
  previousItemId?: string
  kind: ItemKind
  role?: Role
  /** Text content known when the item was added (a typed user message, a seeded item). */
  text?: string
  /**
   * Gemini: the user's words were transcribed after the answer to them had begun (transcriptions
   * are not ordered relative to the model's output); the item belongs before that answer's item.
   */
  beforeItemId?: string
  /** A `function_call` item's call id and function name (OpenAI sends them with the item). */
  callId?: string
  name?: string
  /**
   * The item re-creates earlier conversation on a new connection (an OpenAI reconnect seeds the
   * history as text). It is not new conversation: the transcript already holds it.
   */
  seeded?: boolean
  /**
   * Set by the runner, not the provider: this user message is the bridge message the runner
   * sent after a context change (an instruction to the model, not the user's words).
   */
  bridge?: boolean
}
export interface ItemTruncatedEvent extends Base {
  type: 'item.truncated'
  itemId: string
  contentIndex: number
  audioEndMs: number
}
export interface ItemDeletedEvent extends Base {
  type: 'item.deleted'
  itemId: string
}
export interface ResponseStartedEvent extends Base {
  type: 'response.started'
  responseId: string
}
export interface ResponseDoneEvent extends Base {
  type: 'response.done'
  responseId: string
  status: ResponseStatus
  /** Provider's reason for a non-completed status, verbatim. */
  statusDetails?: unknown
  usage?: Usage
}
export interface AudioDeltaEvent extends Base {
  type: 'audio.delta'
  responseId: string
  itemId: string
  contentIndex?: number
  /** PCM16 little-endian mono (decoded from G.711 when that was negotiated). */
  pcm: Uint8Array
  sampleRate: number
}
export interface AudioDoneEvent extends Base {
  type: 'audio.done'
  responseId: string
  itemId: string
}
export interface TextDeltaEvent extends Base {
  type: 'text.delta'
  responseId: string
  itemId: string
  delta: string
}
export interface TextDoneEvent extends Base {
  type: 'text.done'
  responseId: string
  itemId: string
  text: string
}
/** Transcript of the assistant's speech. */
export interface TranscriptDeltaEvent extends Base {
  type: 'transcript.delta'
  responseId: string
  itemId: string
  delta: string
}
export interface TranscriptDoneEvent extends Base {
  type: 'transcript.done'
  responseId: string
  itemId: string
  transcript: string
}
/** Transcript of the user's speech. */
export interface InputTranscriptDeltaEvent extends Base {
  type: 'inputTranscript.delta'
  itemId: string
  delta: string
}
export interface InputTranscriptDoneEvent extends Base {
  type: 'inputTranscript.done'
  itemId: string
  transcript: string
}
export interface InputTranscriptFailedEvent extends Base {
  type: 'inputTranscript.failed'
  itemId: string
  error: RealtimeError
}
export interface ToolArgumentsDeltaEvent extends Base {
  type: 'tool.argumentsDelta'
  callId: string
  responseId?: string
  itemId?: string
  delta: string
}
/** The model asks for a tool. `arguments` is the raw JSON text, parsed later by the runner. */
export interface ToolCallEvent extends Base {
  type: 'tool.call'
  callId: string
  name: string
  arguments: string
  responseId?: string
  itemId?: string
}
/** The provider withdrew tool calls (Gemini `toolCallCancellation`, e.g. on barge-in). */
export interface ToolCancelledEvent extends Base {
  type: 'tool.cancelled'
  callIds: string[]
}
/** The model stopped speaking because the user barged in. */
export interface InterruptedEvent extends Base {
  type: 'interrupted'
  responseId?: string
}
/** Gemini `sessionResumptionUpdate`. Only a resumable update carries a usable handle. */
export interface ResumptionUpdateEvent extends Base {
  type: 'resumption.update'
  resumable: boolean
  handle?: string
  /**
   * Vertex transparent resumption: the index (int64, as a decimal string) of the last client
   * message included in the state a resume restores. Messages sent after it must be sent again
   * after resuming, so a client need buffer only those.
   */
  lastConsumedClientMessageIndex?: string
}
/** The provider will close this connection soon (Gemini `goAway`). */
export interface GoAwayEvent extends Base {
  type: 'goAway'
  timeLeftMs: number
}
export interface UsageEvent extends Base {
  type: 'usage'
  usage: Usage
}
export interface RateLimitsEvent extends Base {
  type: 'rateLimits'
  limits: RateLimit[]
}
/** OpenAI WebRTC `output_audio_buffer.started|stopped|cleared`. */
export interface OutputAudioEvent extends Base {
  type: 'outputAudio.started' | 'outputAudio.stopped' | 'outputAudio.cleared'
  responseId?: string
}
export interface ErrorEvent extends Base {
  type: 'error'
  error: RealtimeError
  /** The wire type of the frame that caused it, when a frame did. */
  frameType?: string
  /** The client `event_id` this error answers (OpenAI), for correlation. */
  clientEventId?: string
}
/** A provider message the library does not model, passed through untouched. */
export interface RawEvent extends Base {
  type: 'raw'
  provider: ProviderName
  /** The wire type (`type` on OpenAI, the top-level key on Gemini). */
  frameType: string
  data: unknown
}

export type ServerEvent =
  | SessionReadyEvent
  | SessionUpdatedEvent
  | SpeechStartedEvent
  | SpeechStoppedEvent
  | InputCommittedEvent
  | InputClearedEvent
  | ItemAddedEvent
  | ItemTruncatedEvent
  | ItemDeletedEvent
  | ResponseStartedEvent
  | ResponseDoneEvent
  | AudioDeltaEvent
  | AudioDoneEvent
  | TextDeltaEvent
  | TextDoneEvent
  | TranscriptDeltaEvent
  | TranscriptDoneEvent
  | InputTranscriptDeltaEvent
  | InputTranscriptDoneEvent
  | InputTranscriptFailedEvent
  | ToolArgumentsDeltaEvent
  | ToolCallEvent
  | ToolCancelledEvent
  | InterruptedEvent
  | ResumptionUpdateEvent
  | GoAwayEvent
  | UsageEvent
  | RateLimitsEvent
  | OutputAudioEvent
  | ErrorEvent
  | RawEvent

export type ServerEventType = ServerEvent['type']
/** The event of one type: `ServerEventOf<'tool.call'>`. */
export type ServerEventOf<TType extends ServerEventType> = Extract<ServerEvent, { type: TType }>

/** A tool's answer. `output` is sent as-is when a string, JSON-encoded otherwise. */
export interface ToolResult {
  callId: string
  /** The tool's name; Gemini's `functionResponses` require it. */
  name: string
  output: unknown
  /** True when `output` describes a failure (bad arguments, handler error, timeout). */
  isError?: boolean
}

/** Per-response overrides (OpenAI `response.create`). */
export interface ResponseOptions {
  instructions?: string
  modalities?: Array<'text' | 'audio'>
  /** Extra fields for the provider's response request, verbatim. */
  extra?: Record<string, unknown>
}

/** The image formats video frames travel in. */
export type VideoMimeType = 'image/jpeg' | 'image/png'

/** A conversation item to seed into a fresh session (reconnect without resumption). */
export interface SeedItem {
  role: Role
  text: string
}

/**
 * What the app asks the session to do, provider-neutral. The runner intercepts
 * `session.update` (the crate's `UpdateSession` intent) and turns it into a context mutation.
 */
export type ClientEvent =
  | { type: 'audio.append'; pcm: Uint8Array }
  /** One video frame: JPEG or PNG bytes. Never buffered by the runner (see `sendVideoFrame`). */
  | { type: 'video.frame'; frame: Uint8Array; mimeType: VideoMimeType }
  | { type: 'audio.commit' }
  | { type: 'audio.clear' }
  | { type: 'text'; text: string; role?: Role }
  | { type: 'tool.result'; result: ToolResult }
  | { type: 'response.create'; options?: ResponseOptions }
  | { type: 'response.cancel' }
  | { type: 'item.truncate'; itemId: string; audioEndMs: number; contentIndex?: number }
  | { type: 'session.update'; update: SessionUpdateInput; bridgeMessage?: string }
  /** A provider wire message, sent verbatim (escape hatch). */
  | { type: 'raw'; data: unknown }

export type ClientEventType = ClientEvent['type']
