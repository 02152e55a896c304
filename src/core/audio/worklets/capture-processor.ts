import { CaptureFramer } from '../capture-framer'
import { CAPTURE_SLOT, StatsView } from '../stats-buffer'
import { CAPTURE_PROCESSOR } from './protocol'
import type { CaptureCommand, CaptureMessage, CaptureProcessorOptions } from './protocol'
import { registerOnce, workletScope } from './scope'

/**
 * Registers the capture processor: microphone audio at the context rate in, 20 ms PCM16 frames
 * at the provider's rate out (posted as transferred buffers, with their RMS level). Runs inside
 * the AudioWorklet; see `worklets/entry.ts`.
 */
export function registerCaptureProcessor(): void {
  const scope = workletScope()

  class CaptureProcessor extends scope.AudioWorkletProcessor {
    readonly #framer: CaptureFramer
    readonly #stats: StatsView | undefined
    #muted: boolean
    #frames = 0
    #stopped = false

    constructor(options: AudioWorkletNodeOptions) {
      super(options)
      const config = options.processorOptions as CaptureProcessorOptions
      this.#framer = new CaptureFramer({
        inputRate: scope.sampleRate,
        outputRate: config.targetRate,
        frameMs: config.frameMs,
      })
      this.#muted = config.muted
      this.#stats = config.stats === undefined ? undefined : new StatsView(config.stats)
      this.port.onmessage = (event: MessageEvent<CaptureCommand>) => {
        if (event.data.type === 'mute') this.#muted = event.data.muted
        else this.#stopped = true
      }
    }

    process(inputs: Float32Array[][]): boolean {
      if (this.#stopped) return false
      // The node is created with channelCount 1 / 'explicit', so Web Audio has already mixed
      // any stereo microphone down to this one channel. No channel (the source is being
      // swapped by setDevice) is captured as silence, so frames keep their real-time cadence.
      const channel = inputs[0]?.[0]
      const quantum = channel?.length ?? 128
      try {
        for (const frame of this.#framer.push(channel, this.#muted, quantum)) {
          this.#frames += 1
          this.#stats?.setLevel(CAPTURE_SLOT.level, frame.level)
          this.#stats?.setCounter(CAPTURE_SLOT.frames, this.#frames)
          const message: CaptureMessage = {
            type: 'frame',
            pcm: frame.pcm.buffer,
            level: frame.level,
            index: this.#frames,
            time: scope.currentTime + quantum / scope.sampleRate,
          }
          this.port.postMessage(message, [frame.pcm.buffer])
        }
      } catch (error) {
        // An exception here would kill the processor with only a bare `processorerror` event;
        // report the reason, then stop.
        const message: CaptureMessage = { type: 'error', message: String(error) }
        this.port.postMessage(message)
        this.#stopped = true
        return false
      }
      return true
    }
  }

  registerOnce(CAPTURE_PROCESSOR, CaptureProcessor)
}
