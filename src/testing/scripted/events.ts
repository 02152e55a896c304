import type { ResponseStatus, ServerEvent, ServerEventOf } from '../../core/events'

/**
 * Small builders for the server events tests and stories script most, so a script reads like
 * the conversation it plays. Anything else can be written as a plain `ServerEvent` object.
 */
export const serverEvents = {
  responseStarted(responseId = 'resp_1'): ServerEventOf<'response.started'> {
    return { type: 'response.started', responseId }
  },
  responseDone(
    responseId = 'resp_1',
    status: ResponseStatus = 'completed',
  ): ServerEventOf<'response.done'> {
    return { type: 'response.done', responseId, status }
  },
  /** `ms` milliseconds of silence-free test tone bytes (PCM16) at `sampleRate`. */
  audioDelta(
    options: {
      itemId?: string
      responseId?: string
      ms?: number
      sampleRate?: number
    } = {},
  ): ServerEventOf<'audio.delta'> {
    const sampleRate = options.sampleRate ?? 24_000
    const samples = Math.round(((options.ms ?? 20) / 1000) * sampleRate)
    const pcm = new Uint8Array(samples * 2)
    for (let index = 0; index < samples; index += 1) {
      const value = Math.round(Math.sin(index / 8) * 8_000)
      pcm[index * 2] = value & 0xff
      pcm[index * 2 + 1] = (value >> 8) & 0xff
    }
    return {
      type: 'audio.delta',
      responseId: options.responseId ?? 'resp_1',
      itemId: options.itemId ?? 'item_a1',
      pcm,
      sampleRate,
    }
  },
  transcriptDelta(
    delta: string,
    itemId = 'item_a1',
    responseId = 'resp_1',
  ): ServerEventOf<'transcript.delta'> {
    return { type: 'transcript.delta', responseId, itemId, delta }
  },
  inputTranscriptDelta(delta: string, itemId = 'item_u1'): ServerEventOf<'inputTranscript.delta'> {
    return { type: 'inputTranscript.delta', itemId, delta }
  },
  toolCall(
    callId: string,
    name: string,
    args: string | Record<string, unknown> = {},
    responseId = 'resp_1',
  ): ServerEventOf<'tool.call'> {
    return {
      type: 'tool.call',
      callId,
      name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args),
      responseId,
    }
  },
  speechStarted(itemId = 'item_u1'): ServerEventOf<'speech.started'> {
    return { type: 'speech.started', itemId }
  },
  speechStopped(itemId = 'item_u1'): ServerEventOf<'speech.stopped'> {
    return { type: 'speech.stopped', itemId }
  },
  resumptionUpdate(
    handle: string | undefined,
    resumable = true,
  ): ServerEventOf<'resumption.update'> {
    return handle === undefined
      ? { type: 'resumption.update', resumable }
      : { type: 'resumption.update', resumable, handle }
  },
  goAway(timeLeftMs: number): ServerEventOf<'goAway'> {
    return { type: 'goAway', timeLeftMs }
  },
} satisfies Record<string, (...args: never[]) => ServerEvent>
