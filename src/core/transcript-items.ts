import type { Role } from './events'
import type { ConversationItem, MessageItem, ToolCallItem, TranscriptState } from './transcript'

/**
 * The item-level updates `reduceTranscript` is made of: find an item by id (creating it where the
 * conversation puts it when it is new) and replace it, returning the same state when nothing
 * changed.
 */

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

export function ensureMessage(
  state: TranscriptState,
  id: string,
  role: Role,
  responseId: string | undefined,
  update: (item: MessageItem) => MessageItem,
  beforeId?: string,
): TranscriptState {
  const index = indexOf(state, 'message', id)
  if (index >= 0)
    return replaceAt(state, index, update(learn(state.items[index] as MessageItem, responseId)))
  const created: MessageItem = { kind: 'message', id, role, text: '', status: 'inProgress' }
  if (responseId !== undefined) created.responseId = responseId
  // New items go last, unless the provider says the item belongs before one already shown.
  const at = beforeId === undefined ? -1 : state.items.findIndex((item) => item.id === beforeId)
  const items = state.items.slice()
  items.splice(at < 0 ? items.length : at, 0, update(created))
  return { items }
}

/**
 * An item announced before its response was known (`item.added` carries no response id) learns
 * it from the first event that has it, so the response's end reaches it.
 */
function learn<T extends ConversationItem>(item: T, responseId: string | undefined): T {
  return responseId === undefined || item.responseId !== undefined ? item : { ...item, responseId }
}

export function ensureToolCall(
  state: TranscriptState,
  callId: string,
  name: string,
  responseId: string | undefined,
  update: (item: ToolCallItem) => ToolCallItem,
): TranscriptState {
  const index = indexOf(state, 'toolCall', callId)
  if (index >= 0)
    return replaceAt(state, index, update(learn(state.items[index] as ToolCallItem, responseId)))
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

export function interruptAssistant(
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

export function mapItems(
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
