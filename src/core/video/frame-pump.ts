import { RealtimeError, isRealtimeError } from '../errors'
import type { VideoMimeType } from '../events'
import type { VideoFrameSink } from '../runner/video'
import type { FrameEncoderKind } from './frame-encoder'
import type { FrameGrabber } from './frame-grabber'
import { fitWithin } from './video-devices'

/** Consecutive encoding failures after which the capture gives up. */
const MAX_FAILED_FRAMES = 3

export interface FramePumpOptions {
  sink: VideoFrameSink
  maxEdge: number
  mimeType: VideoMimeType
  quality: number
  /** A frame went out, at this size, encoded there. */
  sent(size: { width: number; height: number }, encoder: FrameEncoderKind | undefined): void
  /** A tick produced no frame. `report`: the sink never saw it, so it must be told. */
  skipped(report: boolean): void
  /** Frames cannot be made any more (encoding keeps failing, the sink threw). */
  failed(error: RealtimeError): void
}

/**
 * One tick of a capture: take a frame from the grabber, scaled to the maximum edge, and send it
 * — unless the previous frame is still in flight or the sink cannot send, in which case the tick
 * is skipped and counted. Never more than one frame in flight, never a queue.
 * @internal
 */
export class FramePump {
  readonly #options: FramePumpOptions
  #busy = false
  #failures = 0
  /** Bumped by `reset()`: a frame finishing for an older stream is dropped. */
  #generation = 0

  constructor(options: FramePumpOptions) {
    this.#options = options
  }

  /** Forgets the frame in flight (the stream changed or the capture stopped). */
  reset(): void {
    this.#generation += 1
    this.#busy = false
    this.#failures = 0
  }

  async tick(grabber: FrameGrabber): Promise<void> {
    const options = this.#options
    if (this.#busy || options.sink.canSendVideo?.() === false) return options.skipped(true)
    const picture = grabber.size
    if (picture === undefined) return // no frame from the stream yet
    const size = fitWithin(picture.width, picture.height, options.maxEdge)
    const generation = this.#generation
    this.#busy = true
    let bytes: Uint8Array
    try {
      bytes = await grabber.grab(size, { mimeType: options.mimeType, quality: options.quality })
    } catch (cause) {
      if (generation === this.#generation) this.#encodingFailed(cause)
      return
    } finally {
      if (generation === this.#generation) this.#busy = false
    }
    if (generation !== this.#generation) return
    this.#failures = 0
    let sent: boolean
    try {
      sent = options.sink.sendVideoFrame(bytes, { mimeType: options.mimeType })
    } catch (error) {
      if (!isRealtimeError(error, 'not_connected')) {
        return options.failed(RealtimeError.from(error, 'media_unavailable'))
      }
      sent = false
    }
    // A frame the sink dropped is counted by the sink itself (the runner's `framesSkipped`).
    if (sent) options.sent(size, grabber.encoder)
    else options.skipped(false)
  }

  #encodingFailed(cause: unknown): void {
    this.#options.skipped(true)
    if (isRealtimeError(cause, 'cancelled')) return // the encoder was replaced mid-frame
    if (++this.#failures < MAX_FAILED_FRAMES) return
    this.#options.failed(
      RealtimeError.from(cause, 'media_unavailable', `Frames cannot be encoded: ${String(cause)}`),
    )
  }
}
