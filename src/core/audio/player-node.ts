import { PLAYER_SLOT, StatsView, createStatsBuffer, unwrapCounter } from './stats-buffer'
import { loadAudioWorklet } from './worklet-module'
import { PLAYER_PROCESSOR } from './worklets/protocol'
import type {
  PlayerCommand,
  PlayerInterruptedMessage,
  PlayerMessage,
  PlayerProcessorOptions,
  PlayerStatsMessage,
} from './worklets/protocol'

export interface PlayerNodeOptions {
  prebufferMs: number
  workletUrl: string | URL | undefined
  connect: ((output: AudioNode, context: AudioContext) => void) | undefined
  onStats: (message: PlayerStatsMessage) => void
  onInterrupted: (message: PlayerInterruptedMessage) => void
  onError: (message: string) => void
}

/**
 * The player worklet node seen from the main thread: commands in (queued until the module has
 * loaded, so audio can be enqueued right after `start()`), reports out, and the frames it has
 * consumed — read from shared memory when the page is cross-origin isolated (exact to a render
 * quantum), otherwise from its latest report (~every 20 ms) advanced by the context clock.
 * @internal
 */
export class PlayerNode {
  readonly #context: AudioContext
  readonly #options: PlayerNodeOptions
  #node: AudioWorkletNode | undefined
  #pending: Array<[PlayerCommand, Transferable[]]> = []
  #stats: StatsView | undefined
  #report: Pick<PlayerStatsMessage, 'frame' | 'consumed' | 'queued' | 'playing'> = {
    frame: 0,
    consumed: 0,
    queued: 0,
    playing: false,
  }
  #level = 0
  #underruns = 0
  #disposed = false

  constructor(context: AudioContext, options: PlayerNodeOptions) {
    this.#context = context
    this.#options = options
  }

  /** Loads the module (once per context) and creates the node. */
  async create(): Promise<void> {
    const context = this.#context
    await loadAudioWorklet(context, this.#options.workletUrl)
    if (this.#disposed) return
    const stats = createStatsBuffer()
    this.#stats = stats === undefined ? undefined : new StatsView(stats)
    const processorOptions: PlayerProcessorOptions = {
      prebufferFrames: Math.round((this.#options.prebufferMs / 1000) * context.sampleRate),
      // Reports (and the level window) every ~20 ms: enough for a meter at animation-frame
      // rate, far below the render-quantum rate.
      reportQuanta: Math.max(1, Math.round((context.sampleRate * 0.02) / 128)),
      ...(stats === undefined ? {} : { stats }),
    }
    const node = new AudioWorkletNode(context, PLAYER_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions,
    })
    node.port.onmessage = (event: MessageEvent<PlayerMessage>) => this.#onMessage(event.data)
    node.onprocessorerror = () => this.#options.onError('the processor stopped with an error')
    const connect = this.#options.connect ?? ((output, ctx) => output.connect(ctx.destination))
    connect(node, context)
    this.#node = node
    for (const [command, transfer] of this.#pending.splice(0))
      node.port.postMessage(command, transfer)
  }

  post(command: PlayerCommand, transfer: Transferable[] = []): void {
    if (this.#disposed) return
    if (this.#node !== undefined) this.#node.port.postMessage(command, transfer)
    else this.#pending.push([command, transfer])
  }

  /**
   * Frames the worklet has consumed (played, or dropped by an interrupt) by now, never more than
   * `posted` and never less than `floor`.
   */
  consumed(posted: number, floor: number): number {
    let consumed: number
    if (this.#stats !== undefined) {
      consumed = unwrapCounter(posted, this.#stats.counter(PLAYER_SLOT.consumed))
    } else {
      const report = this.#report
      consumed = report.consumed
      if (report.playing) {
        // Advance the report by the context clock, but never past what the worklet had queued
        // then (it may have run dry since).
        const now = Math.round(this.#context.currentTime * this.#context.sampleRate)
        consumed += Math.min(Math.max(0, now - report.frame), report.queued)
      }
    }
    return Math.min(posted, Math.max(consumed, floor))
  }

  /** Output RMS over the last ~20 ms, 0–1. */
  get level(): number {
    return this.#stats?.level(PLAYER_SLOT.level) ?? this.#level
  }

  get underruns(): number {
    return this.#stats?.counter(PLAYER_SLOT.underruns) ?? this.#underruns
  }

  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    this.#pending = []
    const node = this.#node
    if (node === undefined) return
    node.port.postMessage({ type: 'stop' } satisfies PlayerCommand)
    node.port.onmessage = null
    node.disconnect()
    this.#node = undefined
  }

  #onMessage(message: PlayerMessage): void {
    switch (message.type) {
      case 'stats':
        this.#report = message
        this.#level = message.level
        this.#underruns = message.underruns
        return this.#options.onStats(message)
      case 'interrupted':
        return this.#options.onInterrupted(message)
      case 'error':
        return this.#options.onError(message.message)
    }
  }
}
