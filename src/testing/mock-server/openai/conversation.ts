import type { BrainMessage } from '../brain'
import { isRecord } from '../log'
import type { MockVideoFrame } from '../video/image'
import { OpenAIRequestError, openaiErrors } from './errors'
import type { AudioFormat } from './session-config'

/**
 * The OpenAI conversation: ordered items as the client sees them on the wire, plus the audio
 * behind assistant (and spoken user) items so `conversation.item.truncate` can cut it.
 */
export interface StoredItem {
  /** The wire item (`id`, `type`, `status`, `role`, `content`, …) sent in item events. */
  item: Record<string, unknown>
  /** Wire-format audio of an `output_audio` / `input_audio` part, when there is any. */
  audio?: { bytes: Uint8Array; format: AudioFormat }
  /** What the mock "heard" in a spoken user item, whether or not transcription is enabled. */
  heard?: string
  /** What an `input_image` part showed (the last one of the item). */
  image?: MockVideoFrame
}

const ROLE_CONTENT: Record<string, readonly string[]> = {
  user: ['input_text', 'input_audio', 'input_image'],
  assistant: ['output_text', 'output_audio'],
  system: ['input_text'],
}

/** Validates a client `conversation.item.create` item and gives it an id and a status. */
export function parseClientItem(value: unknown, newId: () => string): StoredItem {
  if (value === undefined) throw openaiErrors.missing('item')
  if (!isRecord(value)) throw openaiErrors.invalidType('item', 'an object', value)
  const id = typeof value.id === 'string' && value.id !== '' ? value.id : newId()
  switch (value.type) {
    case 'message': {
      const role = value.role
      const allowed = typeof role === 'string' ? ROLE_CONTENT[role] : undefined
      if (role === undefined) throw openaiErrors.missing('item.role')
      if (!allowed) throw openaiErrors.invalidValue('item.role', role, Object.keys(ROLE_CONTENT))
      if (!Array.isArray(value.content)) throw openaiErrors.missing('item.content')
      value.content.forEach((part, index) => {
        const type = isRecord(part) ? part.type : undefined
        if (typeof type !== 'string' || !allowed.includes(type)) {
          throw openaiErrors.invalidValue(`item.content[${index}].type`, type, allowed)
        }
      })
      return {
        item: {
          id,
          type: 'message',
          status: 'completed',
          role,
          content: structuredClone(value.content),
        },
      }
    }
    case 'function_call':
      for (const key of ['call_id', 'name', 'arguments'] as const) {
        if (typeof value[key] !== 'string') throw openaiErrors.missing(`item.${key}`)
      }
      return {
        item: {
          id,
          type: 'function_call',
          status: 'completed',
          name: value.name,
          call_id: value.call_id,
          arguments: value.arguments,
        },
      }
    case 'function_call_output':
      if (typeof value.call_id !== 'string') throw openaiErrors.missing('item.call_id')
      if (typeof value.output !== 'string') {
        throw value.output === undefined
          ? openaiErrors.missing('item.output')
          : openaiErrors.invalidType('item.output', 'a string', value.output)
      }
      return {
        item: { id, type: 'function_call_output', call_id: value.call_id, output: value.output },
      }
    case undefined:
      throw openaiErrors.missing('item.type')
    default:
      throw openaiErrors.invalidValue('item.type', value.type, [
        'message',
        'function_call',
        'function_call_output',
      ])
  }
}

export class Conversation {
  readonly #items: StoredItem[] = []

  get items(): readonly StoredItem[] {
    return this.#items
  }

  get(id: string): StoredItem | undefined {
    return this.#items.find((stored) => stored.item.id === id)
  }

  lastId(): string | null {
    const last = this.#items[this.#items.length - 1]
    return last ? String(last.item.id) : null
  }

  /**
   * Inserts after `previousItemId` (`undefined` appends, `'root'` puts it first) and returns the
   * id of the item before it, as `previous_item_id` of the item events.
   */
  insert(stored: StoredItem, previousItemId?: string | null): string | null {
    if (previousItemId === undefined || previousItemId === null) {
      const previous = this.lastId()
      this.#items.push(stored)
      return previous
    }
    if (previousItemId === 'root') {
      this.#items.unshift(stored)
      return null
    }
    const index = this.#items.findIndex((entry) => entry.item.id === previousItemId)
    if (index < 0) throw openaiErrors.itemNotFound('previous_item_id', previousItemId)
    this.#items.splice(index + 1, 0, stored)
    return previousItemId
  }

  delete(id: string): void {
    const index = this.#items.findIndex((entry) => entry.item.id === id)
    if (index < 0) throw openaiErrors.itemNotFound('item_id', id)
    this.#items.splice(index, 1)
  }

  /**
   * Cuts an assistant item's audio at `audioEndMs` and its transcript to the words heard by then
   * (words are spread evenly over the audio).
   */
  truncate(id: string, contentIndex: number, audioEndMs: number): void {
    const stored = this.get(id)
    if (!stored) throw openaiErrors.itemNotFound('item_id', id)
    const content = stored.item.content
    const part = Array.isArray(content) ? content[contentIndex] : undefined
    if (
      stored.item.role !== 'assistant' ||
      !isRecord(part) ||
      part.type !== 'output_audio' ||
      !stored.audio
    ) {
      throw new OpenAIRequestError(
        'invalid_value',
        'Only assistant messages with audio content can be truncated.',
        'content_index',
      )
    }
    const { bytes, format } = stored.audio
    const bytesPerMs = (format.rate * (format.type === 'audio/pcm' ? 2 : 1)) / 1000
    const durationMs = bytes.length / bytesPerMs
    if (audioEndMs > durationMs) throw openaiErrors.audioTooShort(durationMs, audioEndMs)
    let keep = Math.floor(audioEndMs * bytesPerMs)
    if (format.type === 'audio/pcm') keep -= keep % 2
    stored.audio = { bytes: bytes.slice(0, keep), format }
    if (typeof part.transcript === 'string') {
      const words = part.transcript.split(/\s+/).filter((word) => word !== '')
      const heard = durationMs === 0 ? 0 : Math.floor((words.length * audioEndMs) / durationMs)
      part.transcript = words.slice(0, heard).join(' ')
    }
  }

  /** The newest image in the conversation: the video frame the brain "sees". */
  latestImage(): MockVideoFrame | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const image = this.#items[i]!.image
      if (image !== undefined) return image
    }
    return undefined
  }

  /** The conversation as the brain sees it. */
  toHistory(): BrainMessage[] {
    return this.#items.flatMap((stored) => historyOf(stored.item, stored.heard))
  }
}

/** The provider-neutral view of one wire item. */
export function historyOf(item: Record<string, unknown>, heard?: string): BrainMessage[] {
  if (item.type === 'function_call') {
    return [
      {
        role: 'toolCall',
        callId: String(item.call_id),
        name: String(item.name),
        args: parseArguments(item.arguments),
      },
    ]
  }
  if (item.type === 'function_call_output') {
    return [{ role: 'toolResult', callId: String(item.call_id), name: '', output: item.output }]
  }
  if (item.type !== 'message' || !Array.isArray(item.content)) return []
  const texts: string[] = []
  let spoken = false
  let images = 0
  for (const part of item.content) {
    if (!isRecord(part)) continue
    if (typeof part.text === 'string') texts.push(part.text)
    else if (typeof part.transcript === 'string') texts.push(part.transcript)
    if (part.type === 'input_audio') spoken = true
    if (part.type === 'input_image') images++
  }
  // A video frame is something the user shows, not a turn: the brain sees it as `video`.
  if (images > 0 && images === item.content.length && heard === undefined) return []
  const text = heard ?? texts.join(' ')
  if (item.role === 'user') return [{ role: 'user', text, spoken }]
  if (item.role === 'assistant') return [{ role: 'assistant', text }]
  return []
}

function parseArguments(value: unknown): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(String(value))
    return isRecord(parsed) ? parsed : {}
  } catch {
    return {}
  }
}
