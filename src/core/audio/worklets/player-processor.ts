import { PlaybackQueue } from '../playback-queue'
import type { PlaybackQueueState } from '../playback-queue'
import { PLAYER_SLOT, StatsView } from '../stats-buffer'
import { PLAYER_PROCESSOR } from './protocol'
import type { PlayerCommand, PlayerMessage, PlayerProcessorOptions } from './protocol'
import { registerOnce, workletScope } from './scope'

/**
 * Registers the player processor: a {@link PlaybackQueue} rendered into one output channel, with
 * per-item played counters, output RMS, and reports at ~50 Hz while anything changes (none while
 * idle). Runs inside the AudioWorklet; see `worklets/entry.ts`.
 */
export function registerPlayerProcessor(): void {
  const scope = workletScope()

  class PlayerProcessor extends scope.AudioWorkletProcessor {
    readonly #queue: PlaybackQueue
    readonly #stats: StatsView | undefined
    readonly #reportQuanta: number
    #quanta = 0
    #sumSquares = 0
    #levelFrames = 0
    #level = 0
    #reportedState: PlaybackQueueState = 'idle'
    #reportedLevel = 0
    /** An interrupt waiting for the next quantum, which is the first silent one. */
    #interrupt: Omit<Extract<PlayerMessage, { type: 'interrupted' }>, 'silentFrom'> | undefined
    #stopped = false

    constructor(options: AudioWorkletNodeOptions) {
      super(options)
      const config = options.processorOptions as PlayerProcessorOptions
      this.#queue = new PlaybackQueue({ prebufferFrames: config.prebufferFrames })
      this.#reportQuanta = Math.max(1, config.reportQuanta)
      this.#stats = config.stats === undefined ? undefined : new StatsView(config.stats)
      this.port.onmessage = (event: MessageEvent<PlayerCommand>) => this.#command(event.data)
    }

    #command(command: PlayerCommand): void {
      switch (command.type) {
        case 'push':
          this.#queue.push(command.seq, command.samples)
          return
        case 'end':
          this.#queue.end()
          return
        case 'interrupt': {
          const cut = this.#queue.interrupt()
          this.#interrupt = {
            type: 'interrupted',
            id: command.id,
            seq: cut?.seq ?? -1,
            played: cut?.played ?? 0,
            dropped: cut?.dropped ?? 0,
          }
          this.#stats?.setCounter(PLAYER_SLOT.consumed, this.#queue.consumed)
          return
        }
        case 'stop':
          this.#stopped = true
          return
      }
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      if (this.#stopped) return false
      const channels = outputs[0]
      const out = channels?.[0]
      if (channels === undefined || out === undefined) return true
      try {
        const written = this.#queue.render(out)
        for (let c = 1; c < channels.length; c++) channels[c]!.set(out)
        this.#measure(out, written)
        if (this.#interrupt !== undefined) {
          const message: PlayerMessage = { ...this.#interrupt, silentFrom: scope.currentFrame }
          this.#interrupt = undefined
          this.port.postMessage(message)
        }
        this.#maybeReport(out.length)
      } catch (error) {
        // Keep the node alive (silence) but say why: a dead player node is the bug we avoid.
        out.fill(0)
        const message: PlayerMessage = { type: 'error', message: String(error) }
        this.port.postMessage(message)
      }
      return true
    }

    #measure(out: Float32Array, written: number): void {
      let sum = 0
      for (let i = 0; i < written; i++) sum += out[i]! * out[i]!
      this.#sumSquares += sum
      this.#levelFrames += out.length
      this.#quanta += 1
      const stats = this.#stats
      if (stats !== undefined) {
        stats.setCounter(PLAYER_SLOT.consumed, this.#queue.consumed)
        stats.setCounter(PLAYER_SLOT.playing, this.#queue.state === 'playing' ? 1 : 0)
        stats.setCounter(PLAYER_SLOT.underruns, this.#queue.underruns)
      }
      if (this.#quanta % this.#reportQuanta === 0) {
        this.#level = Math.sqrt(this.#sumSquares / this.#levelFrames)
        this.#sumSquares = 0
        this.#levelFrames = 0
        stats?.setLevel(PLAYER_SLOT.level, this.#level)
      }
    }

    #maybeReport(quantum: number): void {
      const state = this.#queue.state
      const changed = state !== this.#reportedState
      const windowDone = this.#quanta % this.#reportQuanta === 0
      const active = state !== 'idle' || this.#level !== this.#reportedLevel
      if (!changed && !(windowDone && active)) return
      this.#reportedState = state
      this.#reportedLevel = this.#level
      const message: PlayerMessage = {
        type: 'stats',
        // The end of this quantum: `consumed` already includes it.
        frame: scope.currentFrame + quantum,
        quantum,
        consumed: this.#queue.consumed,
        queued: this.#queue.queued,
        playing: state === 'playing',
        level: this.#level,
        underruns: this.#queue.underruns,
        items: this.#queue.takeTouched(),
      }
      this.port.postMessage(message)
    }
  }

  registerOnce(PLAYER_PROCESSOR, PlayerProcessor)
}
