import type { IncomingHttpHeaders } from 'node:http'
import type { BrainMessage, MockBrain } from '../brain'
import { reportBrainFailure, whenReady, type MockClock } from '../clock'
import type { IncomingFrame, WireConnection } from '../connection'
import type { ServerContext } from '../context'
import type { FaultController, FaultTarget, MockCloseSpec } from '../faults'
import { geminiKind } from '../log'
import { IdFactory } from '../random'
import type { Route } from '../routing'
import { checkGeminiCredentials } from './auth'
import { geminiClose, type GeminiClose } from './errors'
import { UserInput, type InputEvent } from './input'
import {
  audioChunksOf,
  clientMessage,
  clientTurnsOf,
  CloseWith,
  duration,
  realtimeInputOf,
  toolResponsesOf,
  videoChunksOf,
} from './messages'
import { normalizeKeys } from './normalize'
import type { SessionRecord } from './resumption'
import { isSetup, readSetup, type GeminiSetup } from './setup'
import { GeminiTurn, type TurnHost } from './turn'
import { TurnQueue } from './turn-queue'
import { ImageError, type MockVideoFrame } from '../video/image'
import { VideoInput } from '../video/input'
import { videoLimits } from '../video/limits'

type GeminiRoute = Extract<Route, { protocol: 'gemini' }>

/**
 * One Gemini Live connection: `setup` → `setupComplete`, then realtime input, client content and
 * tool responses, with model turns, barge-in, resumption handles and go-away.
 */
export class GeminiSession implements TurnHost, FaultTarget {
  readonly history: BrainMessage[] = []
  readonly #conn: WireConnection
  readonly #context: ServerContext
  readonly #route: GeminiRoute
  readonly #headers: IncomingHttpHeaders
  readonly #ids: IdFactory
  #setup: GeminiSetup | undefined
  #input: UserInput | undefined
  readonly #turns: TurnQueue
  #record: SessionRecord | undefined
  #clientMessages = 0
  #spokenTurns = 0
  #timers: unknown[] = []
  readonly #video: VideoInput

  constructor(
    conn: WireConnection,
    context: ServerContext,
    route: GeminiRoute,
    headers: IncomingHttpHeaders,
    seed: number,
  ) {
    this.#conn = conn
    this.#context = context
    this.#route = route
    this.#headers = headers
    this.#ids = new IdFactory(seed)
    this.#video = new VideoInput(videoLimits(context.options))
    this.#turns = new TurnQueue({
      history: this.history,
      newTurn: (inputTranscript) => new GeminiTurn(this, inputTranscript),
      fail: (error) => this.fail(error),
    })
    conn.faults.attach(this)
    conn.onMessage((frame) => this.#receive(frame))
    conn.onClose(() => this.#closed())
  }

  get clock(): MockClock {
    return this.#context.clock
  }
  get brain(): MockBrain {
    return this.#context.brain
  }
  get faults(): FaultController {
    return this.#conn.faults
  }
  get open(): boolean {
    return this.#conn.open
  }
  get vertex(): boolean {
    return this.#route.variant === 'vertex'
  }
  /** The latest video frame: what the brain "sees". */
  get video(): MockVideoFrame | undefined {
    return this.#video.latest
  }
  get setup(): GeminiSetup {
    if (!this.#setup) throw new Error('setup has not been received')
    return this.#setup
  }

  send(message: Record<string, unknown>): void {
    this.#conn.send(message)
  }

  newCallId(): string {
    return this.vertex ? this.#ids.uuid() : this.#ids.functionCallId()
  }

  resumptionPoint(resumable: boolean): void {
    const resumption = this.#setup?.resumption
    if (!resumption || !this.#record) return
    const update: Record<string, unknown> = { resumable }
    if (resumable) {
      const handle = this.#ids.token(48)
      this.#context.resumption.issue(handle, this.#record, this.history)
      update.newHandle = handle
    }
    if (resumption.transparent)
      update.lastConsumedClientMessageIndex = String(this.#clientMessages - 1)
    this.send({ sessionResumptionUpdate: update })
  }

  onTurnEnded(turn: GeminiTurn): void {
    this.#turns.ended(turn)
  }

  fail(error: unknown): void {
    reportBrainFailure(error)
    this.#close(geminiClose.internal)
  }

  // --- FaultTarget ---------------------------------------------------------------------------

  sendMalformed(): void {
    this.#conn.sendRaw('{"serverContent":{"modelTurn":', '<malformed>')
  }
  sendOversize(bytes: number): void {
    const data = 'A'.repeat(Math.max(4, bytes - (bytes % 4)))
    this.send({
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] },
      },
    })
  }
  sendServerError(): void {
    this.#conn.close(geminiClose.internal.code, geminiClose.internal.reason)
  }
  sendGoAway(timeLeftMs: number): void {
    this.send({ goAway: { timeLeft: duration(timeLeftMs) } })
    this.#timers.push(
      this.clock.setTimeout(
        () => this.#conn.close(geminiClose.deadline.code, geminiClose.deadline.reason),
        timeLeftMs,
      ),
    )
  }
  drop(close: MockCloseSpec | undefined): void {
    this.#conn.drop(close)
  }

  // --- client messages -----------------------------------------------------------------------

  #receive(frame: IncomingFrame): void {
    let raw: unknown
    try {
      raw = JSON.parse(frame.text)
    } catch {
      this.#conn.logIncoming(frame.text, '<malformed>', frame)
      this.#close(geminiClose.invalidJson)
      return
    }
    this.#conn.logIncoming(raw, geminiKind(raw), frame)
    this.#clientMessages++
    try {
      this.#dispatch(normalizeKeys(raw))
    } catch (error) {
      if (!(error instanceof CloseWith)) throw error
      this.#close(error.close)
    }
  }

  #dispatch(value: unknown): void {
    const message = clientMessage(value)
    if (message.setup !== undefined) return this.#onSetup(message.setup)
    if (!this.#setup) throw new CloseWith(geminiClose.invalidArgument)
    if (message.realtimeInput !== undefined) this.#onRealtimeInput(message.realtimeInput)
    if (message.clientContent !== undefined) this.#onClientContent(message.clientContent)
    if (message.toolResponse !== undefined) this.#onToolResponse(message.toolResponse)
  }

  #onSetup(value: unknown): void {
    if (this.#setup) throw new CloseWith(geminiClose.invalidArgument)
    const denied = checkGeminiCredentials(this.#route, this.#headers, this.#context)
    if (denied) throw new CloseWith(denied)
    const setup = readSetup(value, this.#route, this.#context.options)
    if (!isSetup(setup)) throw new CloseWith(setup)
    const handle = setup.resumption?.handle
    if (handle !== undefined) {
      const refused = this.faults.takeRefuseResume() || this.#context.resumption.takeRefusal()
      if (refused) throw new CloseWith(geminiClose.unavailable)
      const resumed = this.#context.resumption.resolve(handle)
      if (!resumed) throw new CloseWith(geminiClose.invalidArgument)
      if (resumed.record.connected()) throw new CloseWith(geminiClose.internal)
      this.history.push(...resumed.history)
      this.#record = resumed.record
    } else {
      this.#record = { id: this.#ids.uuid(), connected: () => false }
    }
    this.#record.connected = () => this.#conn.open
    this.#setup = setup
    this.#input = new UserInput(setup)
    this.send({ setupComplete: this.vertex ? { sessionId: this.#record.id } : {} })
    this.resumptionPoint(true)
    this.#startLifetime()
  }

  #onRealtimeInput(value: unknown): void {
    const input = this.#input!
    const realtime = realtimeInputOf(value)
    for (const chunk of audioChunksOf(realtime)) this.#onInput(input.audio(chunk.pcm, chunk.rate))
    for (const chunk of videoChunksOf(realtime)) this.#onVideo(chunk.data, chunk.mimeType)
    if (realtime.activityStart !== undefined) this.#onInput(input.activityStart())
    if (realtime.activityEnd !== undefined) this.#onInput(input.activityEnd())
    if (realtime.audioStreamEnd === true) this.#onInput(input.streamEnd())
    if (typeof realtime.text === 'string') this.#userText(realtime.text)
  }

  /** A frame that is not a decodable JPEG/PNG within the limits closes the socket, as the service does. */
  #onVideo(data: unknown, mimeType: unknown): void {
    try {
      this.#video.receive(data, mimeType)
    } catch (error) {
      if (error instanceof ImageError) throw new CloseWith(geminiClose.invalidArgument)
      throw error
    }
  }

  #onInput(events: InputEvent[]): void {
    for (const event of events) {
      if (event.type === 'speechStarted') {
        if (this.setup.interrupts) this.#turns.interrupt()
        continue
      }
      const turn = this.#spokenTurns++
      whenReady(
        () => this.brain.transcribe({ pcm: event.pcm, sampleRate: event.sampleRate, turn }),
        (text) => this.#turns.spoken(text),
        (error) => this.fail(error),
      )
    }
  }

  #onClientContent(value: unknown): void {
    if (typeof value !== 'object' || value === null)
      throw new CloseWith(geminiClose.invalidArgument)
    const content = value as Record<string, unknown>
    this.history.push(...clientTurnsOf(content))
    if (content.turnComplete === true) this.#userText(undefined)
  }

  /** A typed user turn (`realtimeInput.text`, or client content with `turnComplete`). */
  #userText(text: string | undefined): void {
    this.#turns.typed(text)
  }

  #onToolResponse(value: unknown): void {
    // A response to no pending call (already cancelled, or never made) is ignored, as the service does.
    this.#turns.toolResponses(toolResponsesOf(value))
  }

  #startLifetime(): void {
    const lifetime = this.#context.options.connectionLifetimeMs
    if (lifetime === undefined) return
    const lead = Math.min(
      this.#context.options.goAwayLeadMs ?? Math.min(50_000, lifetime / 2),
      lifetime,
    )
    this.#timers.push(this.clock.setTimeout(() => this.sendGoAway(lead), lifetime - lead))
  }

  #close(close: GeminiClose): void {
    this.#conn.close(close.code, close.reason)
  }

  #closed(): void {
    for (const timer of this.#timers) this.clock.clearTimeout(timer)
    this.#timers = []
    this.#turns.close()
  }
}
