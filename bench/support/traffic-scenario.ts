/**
 * The long OpenAI Realtime (GA) session the throughput and memory benchmarks stream: what the
 * server sends, as JSON text frames, built lazily (an hour of audio is ~250 MB of frames).
 *
 * The session is `rounds` tool-call rounds. Each round is what a server-VAD voice turn with a tool
 * looks like on the wire (shapes and order follow the recorded GA sessions in
 * ../shared/fixtures/recorded/openai):
 *
 * 1. the user's turn: `speech_started`, `speech_stopped`, `committed`, the user item, and its
 *    input transcription (deltas, then `completed`);
 * 2. response A: a `get_weather` function call with streamed arguments, `response.done`,
 *    `rate_limits.updated` — then the server waits for the client's `function_call_output` and
 *    `response.create`;
 * 3. response B: the spoken answer, `audioSeconds / rounds` of 24 kHz PCM16 in `deltaMs` deltas,
 *    with one transcript delta (a word or punctuation token, with the `obfuscation` field real
 *    deltas carry) ahead of every `deltasPerToken` audio deltas — 320 ms per token, about 3 tokens
 *    a second, the pace of speech — then the `done` events and `response.done`.
 */

export interface TrafficScenario {
  /** Assistant audio in the whole session. */
  audioSeconds: number
  /** Audio per `response.output_audio.delta`. */
  deltaMs: number
  /** Tool-call rounds; the audio is split evenly between their spoken answers. */
  rounds: number
  /** One transcript delta per this many audio deltas. */
  deltasPerToken: number
}

export const OUTPUT_RATE = 24_000

/** 10 minutes of audio in 40 ms deltas with 20 tool-call rounds (issue 9). */
export const THROUGHPUT_SCENARIO: TrafficScenario = {
  audioSeconds: 600,
  deltaMs: 40,
  rounds: 20,
  deltasPerToken: 8,
}

/** Deltas of one spoken answer. */
export function deltasPerRound(scenario: TrafficScenario): number {
  return Math.round((scenario.audioSeconds * 1000) / scenario.deltaMs / scenario.rounds)
}

/** PCM bytes of assistant audio the client must receive in the whole session. */
export function expectedAudioBytes(scenario: TrafficScenario): number {
  const samplesPerDelta = (OUTPUT_RATE * scenario.deltaMs) / 1000
  return deltasPerRound(scenario) * scenario.rounds * samplesPerDelta * 2
}

/** `response.done` events in the whole session (two per round). */
export function expectedResponses(scenario: TrafficScenario): number {
  return scenario.rounds * 2
}

export const CITIES = ['Paris', 'London', 'Tokyo', 'Lisbon', 'Nairobi', 'Lima', 'Oslo', 'Seoul']

export function weatherAnswer(city: string): string {
  return `It is sunny and 21 degrees in ${city}.`
}

const SPEECH =
  'The weather there is mild today , with a light breeze from the west and a few clouds later in the afternoon . ' +
  'If you are heading out this evening , a thin jacket should be enough , and the rain is not expected before tomorrow morning . '
const TOKENS = SPEECH.trim()
  .split(' ')
  .map((word, index) => (index === 0 || word === ',' || word === '.' ? word : ` ${word}`))

/** Speech-like PCM16: a few harmonics, a syllable-rate envelope and seeded noise. */
function audioPool(deltaMs: number, count: number): string[] {
  const samples = (OUTPUT_RATE * deltaMs) / 1000
  const pool: string[] = []
  let seed = 987_654_321
  let n = 0
  for (let chunk = 0; chunk < count; chunk++) {
    const pcm = Buffer.alloc(samples * 2)
    for (let i = 0; i < samples; i++, n++) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
      const t = n / OUTPUT_RATE
      const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t)
      const voice =
        0.5 * Math.sin(2 * Math.PI * 140 * t) +
        0.25 * Math.sin(2 * Math.PI * 280 * t) +
        0.12 * Math.sin(2 * Math.PI * 700 * t)
      const value = 0.5 * envelope * voice + 0.03 * (seed / 2 ** 32 - 0.5)
      pcm.writeInt16LE(Math.max(-32_768, Math.min(32_767, Math.round(value * 32_767))), i * 2)
    }
    pool.push(pcm.toString('base64'))
  }
  return pool
}

/**
 * Event ids and the items of one session. Everything the script sends is deterministic (ids by
 * round), so the server can render a scenario once and send the same bytes on every connection.
 */
export class FrameContext {
  #event = 0
  readonly #prefix: string
  readonly items = new Map<string, Record<string, unknown>>()
  readonly audio: string[]

  /** `prefix` keeps the ids of frames answering the client apart from the script's. */
  constructor(scenario: TrafficScenario, prefix = 'event_') {
    this.audio = audioPool(scenario.deltaMs, 50)
    this.#prefix = prefix
  }

  eventId(): string {
    this.#event += 1
    return `${this.#prefix}${this.#event.toString(36).padStart(8, '0')}`
  }

  /** A frame: `type`, a fresh `event_id`, then the fields. */
  frame(type: string, fields: Record<string, unknown>): string {
    return JSON.stringify({ type, event_id: this.eventId(), ...fields })
  }

  /** `conversation.item.added` + `.done` for an item that arrives whole. */
  wholeItem(item: Record<string, unknown>, previous: string | null): string[] {
    this.items.set(item.id as string, item)
    return [
      this.frame('conversation.item.added', { previous_item_id: previous, item }),
      this.frame('conversation.item.done', { previous_item_id: previous, item }),
    ]
  }
}

/** The ids of round `round`'s items, chained as the service chains `previous_item_id`. */
export function roundItems(round: number): {
  user: string
  call: string
  output: string
  answer: string
  beforeUser: string | null
} {
  return {
    user: `item_user_${round}`,
    call: `item_call_${round}`,
    output: `item_output_${round}`,
    answer: `item_answer_${round}`,
    beforeUser: round === 0 ? null : `item_answer_${round - 1}`,
  }
}

function obfuscation(text: string): string {
  return 'x'.repeat(Math.max(4, 16 - text.length))
}

function responseObject(id: string, status: string, output: unknown[]): Record<string, unknown> {
  return {
    object: 'realtime.response',
    id,
    status,
    status_details: null,
    output,
    conversation_id: 'conv_bench',
    output_modalities: ['audio'],
    max_output_tokens: 'inf',
    audio: { output: { format: { type: 'audio/pcm', rate: OUTPUT_RATE }, voice: 'marin' } },
    usage:
      status === 'in_progress'
        ? null
        : {
            total_tokens: 1_200,
            input_tokens: 800,
            output_tokens: 400,
            input_token_details: {
              text_tokens: 300,
              audio_tokens: 500,
              image_tokens: 0,
              cached_tokens: 256,
              cached_tokens_details: { text_tokens: 256, audio_tokens: 0, image_tokens: 0 },
            },
            output_token_details: { text_tokens: 100, audio_tokens: 300 },
          },
    metadata: null,
  }
}

function rateLimits(ctx: FrameContext): string {
  return ctx.frame('rate_limits.updated', {
    rate_limits: [
      { name: 'requests', limit: 5_000, remaining: 4_999, reset_seconds: 0.012 },
      { name: 'tokens', limit: 800_000, remaining: 795_000, reset_seconds: 0.375 },
    ],
  })
}

/** Steps 1 and 2 of a round: the user's turn and the function-call response. */
export function* userTurnAndToolCall(ctx: FrameContext, round: number): Generator<string> {
  const city = CITIES[round % CITIES.length] as string
  const ids = roundItems(round)
  const userItem = ids.user
  const responseId = `resp_tool_${round}`
  const callItem = ids.call
  const callId = `call_${round}`
  const startMs = round * 60_000
  yield ctx.frame('input_audio_buffer.speech_started', {
    audio_start_ms: startMs,
    item_id: userItem,
  })
  yield ctx.frame('input_audio_buffer.speech_stopped', {
    audio_end_ms: startMs + 2_100,
    item_id: userItem,
  })
  yield ctx.frame('input_audio_buffer.committed', {
    previous_item_id: ids.beforeUser,
    item_id: userItem,
  })
  const user = {
    id: userItem,
    type: 'message',
    status: 'completed',
    role: 'user',
    content: [{ type: 'input_audio', transcript: null }],
  }
  yield* ctx.wholeItem(user, ids.beforeUser)
  yield ctx.frame('response.created', { response: responseObject(responseId, 'in_progress', []) })
  const question = ['What', ' is', ' the', ' weather', ' in', ` ${city}`, '?']
  for (const delta of question) {
    yield ctx.frame('conversation.item.input_audio_transcription.delta', {
      item_id: userItem,
      content_index: 0,
      delta,
      obfuscation: obfuscation(delta),
    })
  }
  const transcript = question.join('')
  ctx.items.set(userItem, { ...user, content: [{ type: 'input_audio', transcript }] })
  yield ctx.frame('conversation.item.input_audio_transcription.completed', {
    item_id: userItem,
    content_index: 0,
    transcript,
    usage: { type: 'duration', seconds: 2 },
  })
  const pending = {
    id: callItem,
    type: 'function_call',
    status: 'in_progress',
    name: 'get_weather',
    call_id: callId,
    arguments: '',
  }
  yield ctx.frame('response.output_item.added', {
    response_id: responseId,
    output_index: 0,
    item: pending,
  })
  yield ctx.frame('conversation.item.added', { previous_item_id: userItem, item: pending })
  const argumentDeltas = ['{"', 'city', '":"', city, '"}']
  for (const delta of argumentDeltas) {
    yield ctx.frame('response.function_call_arguments.delta', {
      response_id: responseId,
      item_id: callItem,
      output_index: 0,
      call_id: callId,
      delta,
      obfuscation: obfuscation(delta),
    })
  }
  const args = argumentDeltas.join('')
  yield ctx.frame('response.function_call_arguments.done', {
    response_id: responseId,
    item_id: callItem,
    output_index: 0,
    call_id: callId,
    name: 'get_weather',
    arguments: args,
  })
  const done = { ...pending, status: 'completed', arguments: args }
  ctx.items.set(callItem, done)
  yield ctx.frame('conversation.item.done', { previous_item_id: userItem, item: done })
  yield ctx.frame('response.output_item.done', {
    response_id: responseId,
    output_index: 0,
    item: done,
  })
  yield ctx.frame('response.done', { response: responseObject(responseId, 'completed', [done]) })
  yield rateLimits(ctx)
}

/** Step 3 of a round: the spoken answer. */
export function* spokenAnswer(
  ctx: FrameContext,
  scenario: TrafficScenario,
  round: number,
): Generator<string> {
  const responseId = `resp_answer_${round}`
  const ids = roundItems(round)
  const itemId = ids.answer
  const deltas = deltasPerRound(scenario)
  const item = {
    id: itemId,
    type: 'message',
    status: 'in_progress',
    role: 'assistant',
    content: [],
  }
  const location = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 }
  yield ctx.frame('response.created', { response: responseObject(responseId, 'in_progress', []) })
  yield ctx.frame('response.output_item.added', {
    response_id: responseId,
    output_index: 0,
    item,
  })
  yield ctx.frame('conversation.item.added', { previous_item_id: ids.output, item })
  yield ctx.frame('response.content_part.added', {
    ...location,
    part: { type: 'audio', transcript: '' },
  })
  const parts: string[] = []
  let token = round * 7
  for (let k = 0; k < deltas; k++) {
    if (k % scenario.deltasPerToken === 0) {
      let delta = TOKENS[token % TOKENS.length] as string
      if (parts.length === 0) delta = delta.trimStart()
      token += 1
      parts.push(delta)
      yield ctx.frame('response.output_audio_transcript.delta', {
        ...location,
        delta,
        obfuscation: obfuscation(delta),
      })
    }
    yield ctx.frame('response.output_audio.delta', {
      ...location,
      delta: ctx.audio[(round + k) % ctx.audio.length],
    })
  }
  const transcript = parts.join('')
  yield ctx.frame('response.output_audio.done', location)
  yield ctx.frame('response.output_audio_transcript.done', { ...location, transcript })
  yield ctx.frame('response.content_part.done', {
    ...location,
    part: { type: 'audio', transcript },
  })
  const done = {
    ...item,
    status: 'completed',
    content: [{ type: 'output_audio', transcript }],
  }
  ctx.items.set(itemId, done)
  yield ctx.frame('conversation.item.done', { previous_item_id: ids.output, item: done })
  yield ctx.frame('response.output_item.done', {
    response_id: responseId,
    output_index: 0,
    item: done,
  })
  yield ctx.frame('response.done', { response: responseObject(responseId, 'completed', [done]) })
  yield rateLimits(ctx)
}

/** The assistant transcript of round `round`'s spoken answer (what the client must keep). */
export function answerTranscript(scenario: TrafficScenario, round: number): string {
  const parts: string[] = []
  let token = round * 7
  for (let k = 0; k < deltasPerRound(scenario); k += scenario.deltasPerToken) {
    let delta = TOKENS[token % TOKENS.length] as string
    if (parts.length === 0) delta = delta.trimStart()
    token += 1
    parts.push(delta)
  }
  return parts.join('')
}
