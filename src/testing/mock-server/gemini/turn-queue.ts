import type { BrainMessage } from '../brain'
import type { GeminiTurn, ToolResponse } from './turn'

/** What the queue needs from its session. */
export interface TurnQueueHost {
  readonly history: BrainMessage[]
  /** A model turn, not started yet, answering `inputTranscript` when the user spoke. */
  newTurn(inputTranscript: string | undefined): GeminiTurn
  /** A turn failed (the brain threw): the session ends as the service ends on an internal error. */
  fail(error: unknown): void
}

/**
 * The model turns of one Gemini session, one at a time. A spoken user turn that ends while the
 * model is still on a turn — talking over the user with `activityHandling: NO_INTERRUPTION`, or
 * waiting for tool responses — is answered once that turn has ended, as the service does: two
 * turns at once would interleave their messages, and a tool response would reach the wrong one.
 * Typed input (`realtimeInput.text`, complete client content) interrupts the turn in progress,
 * whatever the activity handling.
 */
export class TurnQueue {
  readonly #host: TurnQueueHost
  /** Transcripts of spoken turns heard while another turn was in progress, oldest first. */
  readonly #waiting: string[] = []
  #current: GeminiTurn | undefined
  #closed = false

  constructor(host: TurnQueueHost) {
    this.#host = host
  }

  /** A spoken turn the brain has heard: answered now, or after the turn in progress. */
  spoken(transcript: string): void {
    if (this.#closed) return
    if (this.#current !== undefined) this.#waiting.push(transcript)
    else this.#start(transcript)
  }

  /**
   * A typed turn: interrupts the turn in progress and is answered at once. Spoken turns still
   * waiting were heard before it, so they join the conversation first, unanswered on their own.
   */
  typed(text: string | undefined): void {
    if (this.#closed) return
    const waiting = this.#waiting.splice(0)
    this.#current?.interrupt()
    for (const transcript of waiting) this.#hear(transcript)
    if (text !== undefined) this.#host.history.push({ role: 'user', text, spoken: false })
    this.#start(undefined)
  }

  /** Barge-in: the user started speaking over the model. */
  interrupt(): void {
    this.#current?.interrupt()
  }

  /** Function responses go to the turn in progress: the only one that can hold calls. */
  toolResponses(responses: readonly ToolResponse[]): void {
    this.#current?.toolResponses(responses)
  }

  /** A turn has ended (completed or interrupted): the next waiting spoken turn starts. */
  ended(turn: GeminiTurn): void {
    if (this.#current !== turn) return
    this.#current = undefined
    const next = this.#waiting.shift()
    if (next !== undefined) this.#start(next) // close() empties the queue first
  }

  /** The connection closed: nothing waiting is answered, and the turn in progress stops. */
  close(): void {
    this.#closed = true
    this.#waiting.length = 0
    this.#current?.interrupt()
  }

  #hear(transcript: string): void {
    this.#host.history.push({ role: 'user', text: transcript, spoken: true })
  }

  #start(inputTranscript: string | undefined): void {
    if (inputTranscript !== undefined) this.#hear(inputTranscript)
    const turn = this.#host.newTurn(inputTranscript)
    this.#current = turn
    turn.run().catch((error: unknown) => this.#host.fail(error))
  }
}
