import { decodeBase64 } from '../../audio/base64'
import { decodeALaw, decodeMuLaw } from '../../audio/g711'
import { pcm16ToBytes } from '../../audio/pcm'
import type {
  AudioDeltaEvent,
  ItemKind,
  ResponseStatus,
  Role,
  ServerEvent,
  Usage,
} from '../../events'
import { optional } from '../optional'
import type { WireReader } from '../wire-reader'
import { openAIErrorFromEvent } from './protocol-errors'
import type { OpenAIServerContext } from './protocol-server'

/**
 * Translators for the OpenAI server events that need more than a field copy: items, responses,
 * usage, audio and errors. Used by `parseOpenAIServerFrame`.
 */

type Base = { eventId?: string }

export function location(r: WireReader): { responseId: string; itemId: string } {
  return { responseId: r.string('response_id'), itemId: r.string('item_id') }
}

const ITEM_KINDS: ReadonlySet<string> = new Set([
  'message',
  'function_call',
  'function_call_output',
])
const ROLES: ReadonlySet<string> = new Set(['user', 'assistant', 'system'])

export function itemAdded(r: WireReader, base: Base): ServerEvent {
  const item = r.object('item')
  const itemType = item.string('type')
  const role = item.optionalString('role')
  const text = (item.optionalObjects('content') ?? [])
    .map((part) => part.optionalString('text') ?? part.optionalString('transcript') ?? '')
    .join('')
  return {
    type: 'item.added',
    ...base,
    itemId: item.string('id'),
    ...optional('previousItemId', r.optionalString('previous_item_id')),
    kind: (ITEM_KINDS.has(itemType) ? itemType : 'other') as ItemKind,
    ...optional('role', role !== undefined && ROLES.has(role) ? (role as Role) : undefined),
    ...optional('text', text === '' ? undefined : text),
    ...optional('callId', item.optionalString('call_id')),
    ...optional('name', item.optionalString('name')),
  }
}

const STATUSES: ReadonlySet<string> = new Set(['completed', 'cancelled', 'failed', 'incomplete'])

export function responseDone(r: WireReader, base: Base): ServerEvent {
  const response = r.object('response')
  const status = response.optionalString('status') ?? 'completed'
  const usage = response.optionalObject('usage')
  return {
    type: 'response.done',
    ...base,
    responseId: response.string('id'),
    status: (STATUSES.has(status) ? status : 'incomplete') as ResponseStatus,
    ...optional(
      'statusDetails',
      response.has('status_details') ? response.value.status_details : undefined,
    ),
    ...optional('usage', usage === undefined ? undefined : toUsage(usage)),
  }
}

/** GA usage → unified usage; absent counts stay absent. */
export function toUsage(usage: WireReader): Usage {
  const input = usage.optionalObject('input_token_details')
  const output = usage.optionalObject('output_token_details')
  return {
    ...optional('inputTokens', usage.optionalNumber('input_tokens')),
    ...optional('outputTokens', usage.optionalNumber('output_tokens')),
    ...optional('totalTokens', usage.optionalNumber('total_tokens')),
    ...optional('cachedTokens', input?.optionalNumber('cached_tokens')),
    ...optional('inputTextTokens', input?.optionalNumber('text_tokens')),
    ...optional('inputAudioTokens', input?.optionalNumber('audio_tokens')),
    ...optional('inputImageTokens', input?.optionalNumber('image_tokens')),
    ...optional('outputTextTokens', output?.optionalNumber('text_tokens')),
    ...optional('outputAudioTokens', output?.optionalNumber('audio_tokens')),
  }
}

/**
 * The hot path: ~25 of these arrive per second of speech, so the event is built field by field
 * (no spreads, no intermediate objects) in one stable shape.
 */
export function audioDelta(r: WireReader, base: Base, context: OpenAIServerContext): ServerEvent[] {
  const responseId = r.string('response_id')
  const itemId = r.string('item_id')
  const payload = decodeBase64(r.string('delta'))
  let pcm: Uint8Array
  let sampleRate = 24000
  if (context.outputFormat === 'pcm16') {
    pcm = context.aligner.align(itemId, payload)
  } else {
    // G.711 is one byte per sample at 8 kHz: decode here so consumers only ever see PCM16.
    const samples =
      context.outputFormat === 'g711_ulaw' ? decodeMuLaw(payload) : decodeALaw(payload)
    pcm = pcm16ToBytes(samples)
    sampleRate = 8000
  }
  if (pcm.byteLength === 0) return []
  const event: AudioDeltaEvent = { type: 'audio.delta', responseId, itemId, pcm, sampleRate }
  if (base.eventId !== undefined) event.eventId = base.eventId
  const contentIndex = r.optionalNumber('content_index')
  if (contentIndex !== undefined) event.contentIndex = contentIndex
  return [event]
}

export function errorEvent(r: WireReader, base: Base, context: OpenAIServerContext): ServerEvent {
  const details = r.object('error')
  const clientEventId = details.optionalString('event_id')
  const clientType =
    clientEventId === undefined ? undefined : context.clientEventType?.(clientEventId)
  const error = openAIErrorFromEvent(
    {
      message: details.optionalString('message') ?? 'Unknown error',
      type: details.optionalString('type') ?? 'error',
      code: details.optionalString('code') ?? null,
      param: details.optionalString('param') ?? null,
    },
    clientType === 'session.update',
  )
  // `frameType` names the client message the error answers when we can tell, so the runner can
  // see that e.g. its `response.create` was refused; otherwise it is the error frame itself.
  return {
    type: 'error',
    ...base,
    error,
    frameType: clientType ?? 'error',
    ...optional('clientEventId', clientEventId),
  }
}
