import type { RealtimeError } from './errors'
import type { Role, SeedItem, ServerEvent } from './events'
import type { ConnectionStatusEvent, PlaybackInterruptedEvent } from './runner/options'

/**
 * The conversation as a UI shows it, built by a pure reducer from unified server events and the
 * runner's tool lifecycle events. Deltas accumulate per item (so interleaved user and assistant
 * transcripts never mix), items keep the order in which the conversation created them, and
 * every update returns new objects for what changed only, so `===` tells a renderer what to redraw.
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
        const role = event.role ?? 'assistant'
        // A typed or seeded message arrives whole; a spoken one fills in from its transcript.
        const whole = event.text !== undefined && role !== 'assistant'
        return ensureMessage(state, event.itemId, role, undefined, (item) => ({
          ...item,
          text: event.text ?? item.text,
          status: whole ? 'completed' : item.status,
        }))
      }
      return state
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
      const completed = event.status === 'completed'
      return mapItems(state, (item) =>
        item.kind === 'message' &&
        item.role === 'assistant' &&
        item.responseId === event.responseId &&
        (item.status === 'inProgress' || (!completed && item.status === 'completed'))
          ? { ...item, status: completed ? 'completed' : 'interrupted' }
          : item,
      )
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

function indexOf(state: TranscriptState, kind: ConversationItem['kind'], id: string): number {
  // Recent items change most: search from the end.
  for (let index = state.items.length - 1; index >= 0; index -= 1) {
    const item = state.items[index]
    if (item?.id === id && item.kind === kind) return index
  }
  return -1
}

function replaceAt(state: TranscriptState, index: number, item: ConversationItem): TranscriptState {
  if (state.items[index] === item) return state
  const items = state.items.slice()
  items[index] = item
  return { items }
}

function ensureMessage(
  state: TranscriptState,
  id: string,
  role: Role,
  responseId: string | undefined,
  update: (item: MessageItem) => MessageItem,
): TranscriptState {
  const index = indexOf(state, 'message', id)
  if (index >= 0) {
    const existing = state.items[index] as MessageItem
    // An item announced before its response was known (`item.added` carries no response id)
    // learns it from the first event that has it, so the response's end reaches it.
    const known =
      responseId === undefined || existing.responseId !== undefined
        ? existing
        : { ...existing, responseId }
    return replaceAt(state, index, update(known))
  }
  const created: MessageItem = { kind: 'message', id, role, text: '', status: 'inProgress' }
  if (responseId !== undefined) created.responseId = responseId
  return { items: [...state.items, update(created)] }
}

function ensureToolCall(
  state: TranscriptState,
  callId: string,
  name: string,
  responseId: string | undefined,
  update: (item: ToolCallItem) => ToolCallItem,
): TranscriptState {
  const index = indexOf(state, 'toolCall', callId)
  if (index >= 0) return replaceAt(state, index, update(state.items[index] as ToolCallItem))
  const created: ToolCallItem = {
    kind: 'toolCall',
    id: callId,
    name,
    arguments: '',
    status: 'pending',
  }
  if (responseId !== undefined) created.responseId = responseId
  return { items: [...state.items, update(created)] }
}

function interruptAssistant(
  state: TranscriptState,
  matches: (item: MessageItem) => boolean,
): TranscriptState {
  return mapItems(state, (item) =>
    item.kind === 'message' &&
    item.role === 'assistant' &&
    item.status !== 'interrupted' &&
    matches(item)
      ? { ...item, status: 'interrupted' }
      : item,
  )
}

function mapItems(
  state: TranscriptState,
  update: (item: ConversationItem) => ConversationItem,
): TranscriptState {
  let changed = false
  const items = state.items.map((item) => {
    const next = update(item)
    if (next !== item) changed = true
    return next
  })
  return changed ? { items } : state
}
