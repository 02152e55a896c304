import type { MockFrame, MockRealtimeServer } from '../../../src/testing'

/** What crossed one mock connection, reduced to the facts the invariants need. */
export interface ConnectionLedger {
  readonly id: string
  readonly protocol: 'openai' | 'gemini'
  /** OpenAI `session.created` id, or Gemini's first resumption handle (see `TracingModel`). */
  key: string | undefined
  /** Tool calls the mock made on this connection, by call id. */
  readonly calls: Map<string, { name: string; seq: number }>
  /** Tool results the client sent on this connection, counted by call id. */
  readonly results: Map<string, number>
  /** Calls the mock withdrew (Gemini `toolCallCancellation`). */
  readonly cancelled: Set<string>
  /** The instructions the connection ran with, in order (OpenAI `session.updated`, Gemini `setup`). */
  readonly instructions: Array<{ text: string; seq: number }>
  /** A resumption handle the client resumed with (Gemini `setup.sessionResumption.handle`). */
  resumedWith: string | undefined
  /** User text the client sent (typed turns, bridge messages and re-seeded history). */
  readonly userTexts: string[]
  /** Assistant replies the mock completed, with the seq of the frame that completed each. */
  readonly replies: Array<{ text: string; seq: number }>
  /** PCM bytes of user audio received. */
  audioBytesIn: number
  framesIn: number
  framesOut: number
  /** Gemini: the transcript of the turn in progress. */
  turnText: string
}

/**
 * Reads the mock server's frame log as it grows and keeps, per connection, the tool calls and
 * results, the config, the user's text and the completed replies. Being incremental, it lets a
 * long soak clear the log (`server.log.clear()`) without losing what the invariants check.
 */
export class WireLedger {
  readonly connections = new Map<string, ConnectionLedger>()
  /** Frames logged so far (never reset). */
  seq = 0
  readonly #unsubscribe: () => void

  constructor(server: MockRealtimeServer) {
    this.#unsubscribe = server.log.subscribe((frame) => this.#record(frame))
  }

  stop(): void {
    this.#unsubscribe()
  }

  get(id: string): ConnectionLedger {
    let entry = this.connections.get(id)
    if (!entry) {
      entry = {
        id,
        protocol: id.startsWith('gemini') ? 'gemini' : 'openai',
        key: undefined,
        calls: new Map(),
        results: new Map(),
        cancelled: new Set(),
        instructions: [],
        resumedWith: undefined,
        userTexts: [],
        replies: [],
        audioBytesIn: 0,
        framesIn: 0,
        framesOut: 0,
        turnText: '',
      }
      this.connections.set(id, entry)
    }
    return entry
  }

  /** The connection whose key the runner's session revealed. */
  byKey(key: string | undefined): ConnectionLedger | undefined {
    if (key === undefined) return undefined
    return [...this.connections.values()].find((entry) => entry.key === key)
  }

  /** The connection that issued a call id. */
  callOwner(callId: string): ConnectionLedger | undefined {
    return [...this.connections.values()].find((entry) => entry.calls.has(callId))
  }

  #record(frame: MockFrame): void {
    this.seq = frame.seq + 1
    const entry = this.get(frame.connectionId)
    if (frame.direction === 'in') entry.framesIn++
    else entry.framesOut++
    const message = record(frame.message)
    if (!message) return
    if (frame.protocol === 'openai') {
      if (frame.direction === 'in') openaiIn(entry, message)
      else openaiOut(entry, message, frame.seq)
    } else if (frame.direction === 'in') geminiIn(entry, message, frame.seq)
    else geminiOut(entry, message, frame.seq)
  }
}

function openaiIn(entry: ConnectionLedger, message: Record<string, unknown>): void {
  if (message.type === 'input_audio_buffer.append' && typeof message.audio === 'string') {
    entry.audioBytesIn += base64Bytes(message.audio)
    return
  }
  if (message.type !== 'conversation.item.create') return
  const item = record(message.item)
  if (item?.type === 'function_call_output' && typeof item.call_id === 'string') {
    entry.results.set(item.call_id, (entry.results.get(item.call_id) ?? 0) + 1)
  } else if (item?.type === 'message' && item.role === 'user' && Array.isArray(item.content)) {
    for (const part of item.content) {
      const content = record(part)
      if (typeof content?.text === 'string') entry.userTexts.push(content.text)
    }
  }
}

function openaiOut(entry: ConnectionLedger, message: Record<string, unknown>, seq: number): void {
  switch (message.type) {
    case 'session.created': {
      const id = record(message.session)?.id
      if (typeof id === 'string') entry.key = id
      return
    }
    case 'session.updated': {
      const instructions = record(message.session)?.instructions
      if (typeof instructions === 'string') entry.instructions.push({ text: instructions, seq })
      return
    }
    case 'response.function_call_arguments.done':
      if (typeof message.call_id === 'string') {
        entry.calls.set(message.call_id, { name: String(message.name), seq })
      }
      return
    case 'response.done': {
      const response = record(message.response)
      if (response?.status !== 'completed' || !Array.isArray(response.output)) return
      for (const output of response.output) {
        const item = record(output)
        if (item?.type !== 'message' || !Array.isArray(item.content)) continue
        const text = item.content
          .map((part) => {
            const content = record(part)
            return String(content?.transcript ?? content?.text ?? '')
          })
          .join('')
        if (text !== '') entry.replies.push({ text, seq })
      }
      return
    }
    default:
      return
  }
}

function geminiIn(entry: ConnectionLedger, message: Record<string, unknown>, seq: number): void {
  const setup = record(message.setup)
  if (setup) {
    const parts = record(setup.systemInstruction ?? setup.system_instruction)?.parts
    const text = Array.isArray(parts)
      ? parts.map((part) => String(record(part)?.text ?? '')).join('')
      : ''
    entry.instructions.push({ text, seq })
    const handle = record(setup.sessionResumption ?? setup.session_resumption)?.handle
    if (typeof handle === 'string') entry.resumedWith = handle
  }
  const realtime = record(message.realtimeInput ?? message.realtime_input)
  if (realtime) {
    const audio = record(realtime.audio)
    if (typeof audio?.data === 'string') entry.audioBytesIn += base64Bytes(audio.data)
    if (typeof realtime.text === 'string') entry.userTexts.push(realtime.text)
  }
  const content = record(message.clientContent ?? message.client_content)
  if (content && Array.isArray(content.turns)) {
    for (const turn of content.turns) {
      const value = record(turn)
      if (value?.role !== 'user' || !Array.isArray(value.parts)) continue
      for (const part of value.parts) {
        const text = record(part)?.text
        if (typeof text === 'string') entry.userTexts.push(text)
      }
    }
  }
  const toolResponse = record(message.toolResponse ?? message.tool_response)
  const responses = toolResponse?.functionResponses ?? toolResponse?.function_responses
  if (Array.isArray(responses)) {
    for (const response of responses) {
      const id = record(response)?.id
      if (typeof id === 'string') entry.results.set(id, (entry.results.get(id) ?? 0) + 1)
    }
  }
}

function geminiOut(entry: ConnectionLedger, message: Record<string, unknown>, seq: number): void {
  const resumption = record(message.sessionResumptionUpdate)
  if (resumption && typeof resumption.newHandle === 'string') entry.key ??= resumption.newHandle
  const toolCall = record(message.toolCall)
  if (toolCall && Array.isArray(toolCall.functionCalls)) {
    for (const call of toolCall.functionCalls) {
      const value = record(call)
      if (typeof value?.id === 'string') {
        entry.calls.set(value.id, { name: String(value.name), seq })
      }
    }
  }
  const cancellation = record(message.toolCallCancellation)
  if (cancellation && Array.isArray(cancellation.ids)) {
    for (const id of cancellation.ids) if (typeof id === 'string') entry.cancelled.add(id)
  }
  const content = record(message.serverContent)
  if (!content) return
  const output = record(content.outputTranscription)?.text
  if (typeof output === 'string') entry.turnText += output
  const parts = record(content.modelTurn)?.parts
  if (Array.isArray(parts)) {
    for (const part of parts) {
      const value = record(part)
      if (typeof value?.text === 'string' && value.thought !== true) entry.turnText += value.text
    }
  }
  if (content.interrupted === true) entry.turnText = ''
  if (content.turnComplete === true) {
    if (entry.turnText !== '') entry.replies.push({ text: entry.turnText, seq })
    entry.turnText = ''
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return Math.floor((text.length * 3) / 4) - padding
}
