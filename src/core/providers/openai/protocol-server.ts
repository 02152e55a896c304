import type { AudioEncoding } from '../../config'
import { RealtimeError } from '../../errors'
import type { ServerEvent } from '../../events'
import { decodeUtf8 } from '../../transport/utf8'
import type { PcmAligner } from '../pcm-aligner'
import { WireReader, WireShapeError, isJsonObject, protocolError } from '../wire-reader'
import { optional } from '../optional'
import { audioDelta, errorEvent, itemAdded, location, responseDone } from './protocol-server-events'

/** What the translation needs from the session. */
export interface OpenAIServerContext {
  /** Negotiated output encoding; G.711 is decoded to PCM16 here, once. */
  outputFormat: AudioEncoding
  /** Keeps PCM16 deltas sample-aligned per item. */
  aligner: PcmAligner
  /** The wire type of the client message we sent with this `event_id`, if it was ours. */
  clientEventType?: (eventId: string) => string | undefined
}

/**
 * GA server events this library does not translate: they pass through as `raw` events. Types
 * outside this list and the translated ones are unknown, and also raise a `protocol_error`.
 */
const UNMODELLED_GA_EVENTS: ReadonlySet<string> = new Set([
  'session.created',
  'conversation.created',
  'conversation.item.done',
  'conversation.item.retrieved',
  'conversation.item.input_audio_transcription.segment',
  'input_audio_buffer.timeout_triggered',
  'input_audio_buffer.dtmf_event_received',
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'mcp_list_tools.in_progress',
  'mcp_list_tools.completed',
  'mcp_list_tools.failed',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_call.in_progress',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'transcription_session.updated',
])

/** Beta event names still accepted on input, mapped to their GA names. */
const BETA_ALIASES: Readonly<Record<string, string>> = {
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
  'conversation.item.created': 'conversation.item.added',
}

/**
 * One OpenAI server frame → unified events. Pure apart from the aligner, and never throws:
 * invalid JSON, a frame without `type` or a field of the wrong type becomes one `error` event
 * (code `protocol_error`, or `invalid_audio` for undecodable audio) naming the frame's type, and
 * the caller goes on with the next frame. GA events we do not translate become `raw` events; a
 * type outside the GA protocol becomes a `raw` event followed by a `protocol_error` event.
 *
 * @example
 * parseOpenAIServerFrame('{"type":"input_audio_buffer.speech_started","event_id":"e1","audio_start_ms":10,"item_id":"i1"}', context)
 * // [{ type: 'speech.started', eventId: 'e1', audioStartMs: 10, itemId: 'i1' }]
 */
export function parseOpenAIServerFrame(
  data: string | Uint8Array,
  context: OpenAIServerContext,
): ServerEvent[] {
  let frame: unknown
  try {
    frame = JSON.parse(typeof data === 'string' ? data : decodeUtf8(data))
  } catch (error) {
    return [malformed('invalid_json', error)]
  }
  if (!isJsonObject(frame) || typeof frame.type !== 'string') {
    return [
      malformed(
        'invalid_shape',
        new WireShapeError('type', 'a string', isJsonObject(frame) ? frame.type : frame),
      ),
    ]
  }
  const type = BETA_ALIASES[frame.type] ?? frame.type
  try {
    return translate(type, new WireReader(frame), context)
  } catch (error) {
    if (error instanceof RealtimeError) {
      return [{ type: 'error', error, frameType: frame.type, ...eventIdOf(frame) }]
    }
    return [malformed(frame.type, error, frame)]
  }
}

function malformed(
  frameType: string,
  cause: unknown,
  frame?: Record<string, unknown>,
): ServerEvent {
  return { type: 'error', error: protocolError(frameType, cause), frameType, ...eventIdOf(frame) }
}

function eventIdOf(frame: Record<string, unknown> | undefined): { eventId?: string } {
  return typeof frame?.event_id === 'string' ? { eventId: frame.event_id } : {}
}

function translate(type: string, r: WireReader, context: OpenAIServerContext): ServerEvent[] {
  const base = eventIdOf(r.value)
  switch (type) {
    case 'session.updated':
      return [{ type: 'session.updated', ...base, session: r.object('session').value }]
    case 'input_audio_buffer.speech_started':
      return [
        {
          type: 'speech.started',
          ...base,
          audioStartMs: r.number('audio_start_ms'),
          itemId: r.string('item_id'),
        },
      ]
    case 'input_audio_buffer.speech_stopped':
      return [
        {
          type: 'speech.stopped',
          ...base,
          audioEndMs: r.number('audio_end_ms'),
          itemId: r.string('item_id'),
        },
      ]
    case 'input_audio_buffer.committed':
      return [
        {
          type: 'input.committed',
          ...base,
          itemId: r.string('item_id'),
          ...optional('previousItemId', r.optionalString('previous_item_id')),
        },
      ]
    case 'input_audio_buffer.cleared':
      return [{ type: 'input.cleared', ...base }]
    case 'conversation.item.added':
      return [itemAdded(r, base)]
    case 'conversation.item.truncated':
      return [
        {
          type: 'item.truncated',
          ...base,
          itemId: r.string('item_id'),
          contentIndex: r.number('content_index'),
          audioEndMs: r.number('audio_end_ms'),
        },
      ]
    case 'conversation.item.deleted':
      return [{ type: 'item.deleted', ...base, itemId: r.string('item_id') }]
    case 'conversation.item.input_audio_transcription.delta':
      return [
        {
          type: 'inputTranscript.delta',
          ...base,
          itemId: r.string('item_id'),
          delta: r.optionalString('delta') ?? '',
        },
      ]
    case 'conversation.item.input_audio_transcription.completed':
      return [
        {
          type: 'inputTranscript.done',
          ...base,
          itemId: r.string('item_id'),
          transcript: r.string('transcript'),
        },
      ]
    case 'conversation.item.input_audio_transcription.failed': {
      const error = r.object('error')
      const message = error.optionalString('message') ?? 'Input transcription failed'
      return [
        {
          type: 'inputTranscript.failed',
          ...base,
          itemId: r.string('item_id'),
          error: new RealtimeError('server_error', `OpenAI: ${message}`, {
            providerCode: error.optionalString('code') ?? 'transcription_failed',
          }),
        },
      ]
    }
    case 'response.created':
      return [{ type: 'response.started', ...base, responseId: r.object('response').string('id') }]
    case 'response.done':
      return [responseDone(r, base)]
    case 'response.output_audio.delta':
      return audioDelta(r, base, context)
    case 'response.output_audio.done':
      context.aligner.end(r.string('item_id'))
      return [
        {
          type: 'audio.done',
          ...base,
          responseId: r.string('response_id'),
          itemId: r.string('item_id'),
        },
      ]
    case 'response.output_audio_transcript.delta':
      return [{ type: 'transcript.delta', ...base, ...location(r), delta: r.string('delta') }]
    case 'response.output_audio_transcript.done':
      return [
        { type: 'transcript.done', ...base, ...location(r), transcript: r.string('transcript') },
      ]
    case 'response.output_text.delta':
      return [{ type: 'text.delta', ...base, ...location(r), delta: r.string('delta') }]
    case 'response.output_text.done':
      return [{ type: 'text.done', ...base, ...location(r), text: r.string('text') }]
    case 'response.function_call_arguments.delta':
      return [
        {
          type: 'tool.argumentsDelta',
          ...base,
          callId: r.string('call_id'),
          delta: r.string('delta'),
          ...optional('responseId', r.optionalString('response_id')),
          ...optional('itemId', r.optionalString('item_id')),
        },
      ]
    case 'response.function_call_arguments.done':
      return [
        {
          type: 'tool.call',
          ...base,
          callId: r.string('call_id'),
          name: r.string('name'),
          arguments: r.string('arguments'),
          ...optional('responseId', r.optionalString('response_id')),
          ...optional('itemId', r.optionalString('item_id')),
        },
      ]
    case 'rate_limits.updated':
      return [
        {
          type: 'rateLimits',
          ...base,
          limits: r.objects('rate_limits').map((limit) => ({
            name: limit.optionalString('name') ?? 'unknown',
            limit: limit.optionalNumber('limit') ?? 0,
            remaining: limit.optionalNumber('remaining') ?? 0,
            resetSeconds: limit.optionalNumber('reset_seconds') ?? 0,
          })),
        },
      ]
    case 'output_audio_buffer.started':
    case 'output_audio_buffer.stopped':
    case 'output_audio_buffer.cleared': {
      const kind = type.slice('output_audio_buffer.'.length) as 'started' | 'stopped' | 'cleared'
      return [
        {
          type: `outputAudio.${kind}`,
          ...base,
          ...optional('responseId', r.optionalString('response_id')),
        },
      ]
    }
    case 'error':
      return [errorEvent(r, base, context)]
    default: {
      const raw: ServerEvent = {
        type: 'raw',
        ...base,
        provider: 'openai',
        frameType: type,
        data: r.value,
      }
      if (UNMODELLED_GA_EVENTS.has(type)) return [raw]
      // A type outside the GA protocol: pass it on, and say so, since it may be schema drift.
      const error = new RealtimeError(
        'protocol_error',
        `Unknown OpenAI event type "${type}"; passed on as a raw event`,
      )
      return [raw, { type: 'error', ...base, error, frameType: type }]
    }
  }
}
