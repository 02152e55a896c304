import { encodeBase64 } from '../../../core/audio/base64'
import { pcm16ToBytes } from '../../../core/audio/pcm'
import { chunkAudio, SPEECH_RATE } from '../audio-out'
import type { BrainMessage, BrainToolCall, MockBrain } from '../brain'
import { wait, type MockClock } from '../clock'
import type { FaultController } from '../faults'
import { splitDeltas } from '../openai/transcription'
import type { MockVideoFrame } from '../video/image'
import type { GeminiSetup } from './setup'

/**
 * One Gemini model turn: optional input transcription, then either a `toolCall` (the turn then
 * waits for every `toolResponse`) or the model's speech — `modelTurn` audio parts at 24 kHz with
 * `outputTranscription` running ahead of them — then `generationComplete` and `turnComplete` with
 * `usageMetadata`. A barge-in ends it with `interrupted`, `toolCallCancellation` for calls still
 * pending, and `turnComplete`, and never `generationComplete` (wire-protocols §1.6).
 */
export interface TurnHost {
  send(message: Record<string, unknown>): void
  readonly clock: MockClock
  readonly brain: MockBrain
  readonly faults: FaultController
  readonly open: boolean
  readonly setup: GeminiSetup
  readonly vertex: boolean
  readonly history: BrainMessage[]
  /** The latest video frame, if any. */
  readonly video: MockVideoFrame | undefined
  newCallId(): string
  /** Sends a `sessionResumptionUpdate` when the client asked for them. */
  resumptionPoint(resumable: boolean): void
  onTurnEnded(turn: GeminiTurn): void
  /** The brain failed: the session ends the way the service ends on an internal error. */
  fail(error: unknown): void
}

export interface ToolResponse {
  id?: string
  name?: string
  response: unknown
}

export class GeminiTurn {
  readonly #host: TurnHost
  readonly #abort = new AbortController()
  readonly #pending = new Map<string, string>()
  readonly #inputTranscript: string | undefined
  #finished = false
  #started = false
  #spoken = ''
  #outputTokens = 0

  constructor(host: TurnHost, inputTranscript?: string) {
    this.#host = host
    this.#inputTranscript = inputTranscript
  }

  get finished(): boolean {
    return this.#finished
  }

  get awaitingTools(): boolean {
    return this.#pending.size > 0
  }

  async run(): Promise<void> {
    const transcript = this.#inputTranscript
    if (transcript !== undefined && this.#host.setup.inputTranscription) {
      for (const piece of pieces(transcript, 3)) {
        this.#host.send({ serverContent: { inputTranscription: { text: piece } } })
      }
    }
    await this.#generate()
  }

  /** Accepts the client's function responses; returns false when none belonged to this turn. */
  toolResponses(responses: readonly ToolResponse[]): boolean {
    let consumed = false
    for (const response of responses) {
      const id =
        response.id !== undefined && this.#pending.has(response.id)
          ? response.id
          : [...this.#pending].find(([, name]) => name === response.name)?.[0]
      if (id === undefined) continue
      const name = this.#pending.get(id) ?? ''
      this.#pending.delete(id)
      this.#host.history.push({ role: 'toolResult', callId: id, name, output: response.response })
      consumed = true
    }
    if (consumed && this.#pending.size === 0 && !this.#finished) {
      this.#generate().catch((error: unknown) => this.#host.fail(error))
    }
    return consumed
  }

  /** Barge-in: stop now, tell the client, and end the turn. */
  interrupt(): void {
    if (this.#finished) return
    this.#finished = true
    this.#abort.abort()
    if (this.#spoken !== '')
      this.#host.history.push({ role: 'assistant', text: this.#spoken, interrupted: true })
    this.#host.send({ serverContent: { interrupted: true } })
    if (this.#pending.size > 0) {
      this.#host.send({ toolCallCancellation: { ids: [...this.#pending.keys()] } })
      this.#pending.clear()
    }
    this.#host.send({ serverContent: { turnComplete: true }, usageMetadata: this.#usage() })
    this.#end()
  }

  async #generate(): Promise<void> {
    const { brain, setup, history, video } = this.#host
    const reply = await brain.reply({
      provider: 'gemini',
      instructions: setup.instructions,
      history: [...history],
      tools: setup.tools,
      toolChoice: 'auto',
      ...(video === undefined ? {} : { video }),
    })
    if (this.#stopped()) return
    if (!this.#started) {
      this.#started = true
      this.#host.resumptionPoint(false)
    }
    if (reply.type === 'toolCalls') {
      this.#callTools(reply.calls)
      return
    }
    await this.#speak(reply.text)
    if (this.#stopped()) return
    this.#finished = true
    history.push({ role: 'assistant', text: this.#spoken })
    this.#host.send({ serverContent: { generationComplete: true } })
    this.#host.send({ serverContent: { turnComplete: true }, usageMetadata: this.#usage() })
    this.#end()
  }

  #callTools(calls: readonly BrainToolCall[]): void {
    const functionCalls = calls.map((call) => ({
      name: call.name,
      args: call.args,
      id: this.#host.newCallId(),
    }))
    if (this.#host.setup.codePreamble) {
      const code = calls
        .map((call) => `print(default_api.${call.name}(${pythonArgs(call.args)}))`)
        .join('\n')
      this.#host.send({
        serverContent: { modelTurn: { parts: [{ executableCode: { language: 'PYTHON', code } }] } },
      })
    }
    for (const call of functionCalls) {
      this.#pending.set(call.id, call.name)
      this.#host.history.push({
        role: 'toolCall',
        callId: call.id,
        name: call.name,
        args: call.args,
      })
    }
    this.#host.send({ toolCall: { functionCalls } })
    this.#host.faults.toolCallSent()
  }

  async #speak(text: string): Promise<void> {
    const { brain, clock, setup, vertex } = this.#host
    if (setup.modality === 'TEXT') {
      await wait(clock, brain.timing.firstAudioDelayMs, this.#abort.signal)
      for (const piece of pieces(text, 6)) {
        if (this.#stopped()) return
        this.#spoken += piece
        this.#outputTokens += Math.ceil(piece.length / 4)
        this.#host.send({ serverContent: { modelTurn: { parts: [{ text: piece }] } } })
        await wait(clock, brain.timing.chunkIntervalMs, this.#abort.signal)
      }
      return
    }
    if (setup.nativeAudio) {
      const thought = '**Answering briefly**\n\nI will reply in a short, friendly sentence.\n\n'
      this.#host.send({
        serverContent: { modelTurn: { parts: [{ text: thought, thought: true }] } },
      })
    }
    const pcm = await brain.synthesize(text, SPEECH_RATE)
    if (this.#stopped()) return
    const chunks = chunkAudio(
      pcm16ToBytes(pcm),
      (SPEECH_RATE * 2) / 1000,
      brain.timing.audioChunkMs,
    )
    const transcript = pieces(text, 3)
    const lead = Math.max(1, Math.ceil(chunks.length / 2))
    const mimeType = vertex ? 'audio/pcm' : 'audio/pcm;rate=24000'
    let sent = 0
    await wait(clock, brain.timing.firstAudioDelayMs, this.#abort.signal)
    for (let k = 0; k < chunks.length; k++) {
      if (this.#stopped()) return
      const due =
        k + 1 >= lead ? transcript.length : Math.ceil(((k + 1) * transcript.length) / lead)
      for (; sent < due; sent++) {
        this.#spoken += transcript[sent]
        if (setup.outputTranscription) {
          this.#host.send({ serverContent: { outputTranscription: { text: transcript[sent] } } })
        }
      }
      const chunk = chunks[k]!
      this.#outputTokens += Math.ceil(chunk.length / 48 / 40)
      const part = { inlineData: { mimeType, data: encodeBase64(chunk) } }
      this.#host.send({
        serverContent: { modelTurn: vertex ? { role: 'model', parts: [part] } : { parts: [part] } },
      })
      this.#host.faults.audioChunkSent(k + 1)
      if (k < chunks.length - 1) await wait(clock, brain.timing.chunkIntervalMs, this.#abort.signal)
    }
  }

  #stopped(): boolean {
    return this.#finished || !this.#host.open
  }

  /** The safe point comes first: ending the turn may start a spoken turn that was waiting. */
  #end(): void {
    this.#host.resumptionPoint(true)
    this.#host.onTurnEnded(this)
  }

  /** Deterministic counts: ~4 characters per text token; audio at 25 tokens per second. */
  #usage(): Record<string, unknown> {
    const { history, setup } = this.#host
    const instructions = setup.instructions
    const prompt = Math.ceil((instructions.length + JSON.stringify(history).length) / 4)
    const modality = this.#host.setup.modality
    const response = this.#outputTokens
    if (this.#host.vertex) {
      return {
        promptTokenCount: prompt,
        candidatesTokenCount: response,
        totalTokenCount: prompt + response,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
        candidatesTokensDetails: [{ modality, tokenCount: response }],
      }
    }
    return {
      promptTokenCount: prompt,
      responseTokenCount: response,
      totalTokenCount: prompt + response,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
      responseTokensDetails: [{ modality, tokenCount: response }],
    }
  }
}

/** Text in pieces of about `size` words, each keeping its leading space. */
function pieces(text: string, size: number): string[] {
  const tokens = splitDeltas(text)
  const out: string[] = []
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size).join(''))
  return out
}

/** `{ city: 'Paris' }` → `city='Paris'`, the way the service prints its code preamble. */
function pythonArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' ? `'${value}'` : JSON.stringify(value)}`,
    )
    .join(', ')
}
