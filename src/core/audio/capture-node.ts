import { CAPTURE_SLOT, StatsView, createStatsBuffer } from './stats-buffer'
import { CAPTURE_PROCESSOR } from './worklets/protocol'
import type { CaptureCommand, CaptureMessage, CaptureProcessorOptions } from './worklets/protocol'

export interface CaptureNodeOptions {
  context: AudioContext
  targetRate: number
  frameMs: number
  muted: boolean
  onFrame: (
    pcm: Uint8Array<ArrayBuffer>,
    info: { level: number; index: number; time: number },
  ) => void
  onError: (message: string) => void
}

/**
 * The capture worklet node seen from the main thread: frames in, mute and stop out, and the level
 * of the latest frame (from shared memory when the page is cross-origin isolated). The worklet
 * module must already be loaded into the context.
 * @internal
 */
export class CaptureNode {
  readonly node: AudioWorkletNode
  readonly #stats: StatsView | undefined
  #level = 0
  #disposed = false

  constructor(options: CaptureNodeOptions) {
    const stats = createStatsBuffer()
    this.#stats = stats === undefined ? undefined : new StatsView(stats)
    const processorOptions: CaptureProcessorOptions = {
      targetRate: options.targetRate,
      frameMs: options.frameMs,
      muted: options.muted,
      ...(stats === undefined ? {} : { stats }),
    }
    const node = new AudioWorkletNode(options.context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      // Web Audio mixes a stereo microphone down to mono before the worklet sees it.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions,
    })
    node.port.onmessage = (event: MessageEvent<CaptureMessage>) => {
      const message = event.data
      if (this.#disposed) return
      if (message.type === 'error') return options.onError(message.message)
      this.#level = message.level
      options.onFrame(new Uint8Array(message.pcm), {
        level: message.level,
        index: message.index,
        time: message.time,
      })
    }
    node.onprocessorerror = () => options.onError('the processor stopped with an error')
    // The output is silent; connecting it makes every browser pull the node (Safari does not
    // process nodes that lead nowhere).
    node.connect(options.context.destination)
    this.node = node
  }

  /** RMS of the latest frame, 0–1. */
  get level(): number {
    return this.#stats?.level(CAPTURE_SLOT.level) ?? this.#level
  }

  setMuted(muted: boolean): void {
    this.#post({ type: 'mute', muted })
    if (muted) this.#level = 0
  }

  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    this.#post({ type: 'stop' })
    this.node.port.onmessage = null
    this.node.disconnect()
  }

  #post(command: CaptureCommand): void {
    this.node.port.postMessage(command)
  }
}
