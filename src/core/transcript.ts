import type { RealtimeError } from './errors'
import type { Role, SeedItem, ServerEvent } from './events'
import type { ConnectionStatusEvent, PlaybackInterruptedEvent } from './runner/options'
import { ensureMessage, ensureToolCall, interruptAssistant, mapItems } from './transcript-items'

/**
 * The conversation as a UI shows it, built by a pure reducer from unified server events and the
 * runner's tool lifecycle events. Deltas accumulate per item (so interleaved user and assistant
 * transcripts never mix), items keep the order in which the conversation created them, and
 * every update returns new objects for what changed only, so `===` tells a renderer what to redraw.
 *
 * A user item that never gets a transcript (OpenAI without input transcription) is completed,
 * empty, when a response ends: the model has answered it, so nothing is still being said. A
 * transcript that arrives later still fills it in; a renderer may skip it while it is empty.
 */

export type MessageStatus = 'inProgress' | 'completed' | 'interrupted'

export interface MessageItem {
  kind: 'message'
  id: string
  role: Role
  /** Live text: the transcript (or text output) so far, final once `status` is not `inProgress`. */
  text: string
  status: MessageStatus
  responseId?: string
  /**
   * The bridge message the runner sent after a context change (`updateSession(…, {
   * bridgeMessage })`, a handoff): an instruction to the model in the user's role, not the
   * user's words. `<Transcript>` shows it as a note, not as a user message.
   */
  bridge?: true
}

export type ToolCallStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface ToolCallItem {
  kind: 'toolCall'
  /** The call id. */
  id: string
  name: string
  /** Raw JSON argument text, as streamed by the model. */
  arguments: string
  status: ToolCallStatus
  result?: unknown
  error?: RealtimeError
  durationMs?: number
  responseId?: string
}

export type ConversationItem = MessageItem | ToolCallItem

/** The runner announces each tool run it starts… */
export interface ToolStartedEvent {
  type: 'tool.started'
  callId: string
  name: string
  arguments: string
}

/** …and how it ended. `sent` tells whether the output reached the model. */
export interface ToolFinishedEvent {
  type: 'tool.finished'
  callId: string
  name: string
  status: 'completed' | 'failed' | 'cancelled'
  output: unknown
  isError: boolean
  error?: RealtimeError
  durationMs: number
  sent: boolean
}

export type TranscriptEvent =
  | ServerEvent
  | ToolStartedEvent
  | ToolFinishedEvent
  | PlaybackInterruptedEvent
  | ConnectionStatusEvent

export interface TranscriptState {
  items: readonly ConversationItem[]
}

export const emptyTranscript: TranscriptState = { items: [] }

/**
 * Applies one event. Returns the same state object when the event changes nothing.
 *
 * @example
 * let transcript = emptyTranscript
 * for (const event of events) transcript = reduceTranscript(transcript, event)
 * transcript.items // [{ kind: 'message', role: 'user', text: 'Hi', status: 'completed', … }, …]
 */
export function reduceTranscript(state: TranscriptState, event: TranscriptEvent): TranscriptState {
  switch (event.type) {
    case 'item.added':
      // History re-created on a new connection is already in the transcript.
      if (event.seeded === true) return state
      if (event.kind === 'message') {
        // A typed, seeded or injected message arrives whole; a spoken one (and a response's
        // answer) fills in from its transcript or text.
        const text = event.text
        const bridge = event.bridge === true ? { bridge: true as const } : {}
        return ensureMessage(
          state,
          event.itemId,
          event.role ?? 'assistant',
          undefined,
          (item) => (text === undefined ? item : { ...item, text, status: 'completed', ...bridge }),
          event.beforeItemId,
        )
      }
      // Named from the start, so a call its response cut off still shows what it was.
      if (event.kind !== 'function_call' || event.callId === undefined) return state
      return ensureToolCall(state, event.callId, event.name ?? '', undefined, (item) => item)
    case 'input.committed':
      return ensureMessage(state, event.itemId, 'user', undefined, (item) => item)
    case 'inputTranscript.delta':
      return ensureMessage(state, event.itemId, 'user', undefined, (item) => ({
        ...item,
        text: item.text + event.delta,
      }))
    case 'inputTranscript.done':
      return ensureMessage(state, event.itemId, 'user', undefined, (item) => ({
        ...item,
        text: event.transcript,
        status: 'completed',
      }))
    case 'inputTranscript.failed':
      return ensureMessage(state, event.itemId, 'user', undefined, (item) => ({
        ...item,
        status: 'completed',
      }))
    case 'text.delta':
    case 'transcript.delta':
      return ensureMessage(state, event.itemId, 'assistant', event.responseId, (item) => ({
        ...item,
        text: item.text + event.delta,
      }))
    case 'text.done':
    case 'transcript.done': {
      const text = event.type === 'text.done' ? event.text : event.transcript
      return ensureMessage(state, event.itemId, 'assistant', event.responseId, (item) => ({
        ...item,
        text,
        status: item.status === 'interrupted' ? 'interrupted' : 'completed',
      }))
    }
    case 'audio.delta':
      return ensureMessage(state, event.itemId, 'assistant', event.responseId, (item) => item)
    case 'response.done': {
      // A response that did not complete (cancelled by a barge-in, cut at the token limit,
      // failed) leaves its answer interrupted, also when the provider already closed the item
      // with the partial transcript (OpenAI sends `transcript.done` before `response.done`).
      // Its calls still pending (one cut off before its first argument has no response id yet)
      // will never run. An empty user item is done (see above).
      const completed = event.status === 'completed'
      const ours = (item: ConversationItem) =>
        (item.responseId ?? event.responseId) === event.responseId
      return mapItems(state, (item) => {
        if (item.kind === 'toolCall')
          return !completed && item.status === 'pending' && ours(item)
            ? { ...item, status: 'cancelled' }
            : item
        if (item.role === 'user')
          return item.status === 'inProgress' && item.text === ''
            ? { ...item, status: 'completed' }
            : item
        return item.role === 'assistant' &&
          item.responseId === event.responseId &&
          (item.status === 'inProgress' || (!completed && item.status === 'completed'))
          ? { ...item, status: completed ? 'completed' : 'interrupted' }
          : item
      })
    }
    case 'interrupted':
      return mapItems(state, (item) =>
        item.kind === 'message' &&
        item.role === 'assistant' &&
        item.status === 'inProgress' &&
        (event.responseId === undefined || item.responseId === event.responseId)
          ? { ...item, status: 'interrupted' }
          : item,
      )
    case 'playback.interrupted':
      // The runner stopped playback (barge-in): the item is interrupted now — not when the
      // provider confirms, which it never does for an answer it had finished sending.
      if (event.itemId !== undefined) return interruptAssistant(state, (i) => i.id === event.itemId)
      return event.cancelled ? interruptAssistant(state, (i) => i.status === 'inProgress') : state
    case 'outputAudio.cleared':
      // WebRTC: the provider cut the audio it was playing (its own barge-in detection, or our
      // `output_audio_buffer.clear`), also after the response had completed.
      if (event.responseId === undefined) return state
      return interruptAssistant(state, (i) => i.responseId === event.responseId)
    case 'item.truncated':
      return mapItems(state, (item) =>
        item.kind === 'message' && item.id === event.itemId && item.status !== 'interrupted'
          ? { ...item, status: 'interrupted' }
          : item,
      )
    case 'item.deleted': {
      const items = state.items.filter((item) => item.id !== event.itemId)
      return items.length === state.items.length ? state : { items }
    }
    case 'tool.argumentsDelta':
      return ensureToolCall(state, event.callId, '', event.responseId, (item) => ({
        ...item,
        arguments: item.arguments + event.delta,
      }))
    case 'tool.call':
      return ensureToolCall(state, event.callId, event.name, event.responseId, (item) => ({
        ...item,
        name: event.name,
        arguments: event.arguments,
      }))
    case 'tool.started':
      return ensureToolCall(state, event.callId, event.name, undefined, (item) => ({
        ...item,
        name: event.name,
        arguments: item.arguments === '' ? event.arguments : item.arguments,
        status: 'running',
      }))
    case 'tool.finished':
      return ensureToolCall(state, event.callId, event.name, undefined, (item) => {
        const next: ToolCallItem = {
          ...item,
          status: event.status,
          durationMs: event.durationMs,
        }
        if (event.status !== 'cancelled') next.result = event.output
        if (event.error) next.error = event.error
        return next
      })
    case 'connection.status':
      // The connection ended (dropped, replaced or closed): what was still being said on it
      // will never be finished, so it must not look in progress forever.
      if (event.status !== 'reconnecting' && event.status !== 'closed' && event.status !== 'failed')
        return state
      return mapItems(state, (item) =>
        item.kind === 'message' && item.status === 'inProgress'
          ? { ...item, status: 'interrupted' }
          : item,
      )
    case 'tool.cancelled': {
      const ids = new Set(event.callIds)
      return mapItems(state, (item) =>
        item.kind === 'toolCall' &&
        ids.has(item.id) &&
        (item.status === 'pending' || item.status === 'running')
          ? { ...item, status: 'cancelled' }
          : item,
      )
    }
    default:
      return state
  }
}

/** The conversation as text items, for re-seeding a session that cannot be resumed. */
export function transcriptToSeedItems(state: TranscriptState): SeedItem[] {
  const seeds: SeedItem[] = []
  for (const item of state.items) {
    if (item.kind !== 'message' || item.text.trim() === '') continue
    seeds.push({ role: item.role, text: item.text })
  }
  return seeds
}
