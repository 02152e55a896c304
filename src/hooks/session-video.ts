import { VideoCapture } from '../core'
import type {
  RealtimeModel,
  VideoCaptureOptions,
  VideoFrameSink,
  VideoStreamFactory,
} from '../core'

/** The runner surface the captures send to (a `RealtimeRunner` of any context type). */
type VideoRunner = Required<VideoFrameSink> & { readonly model: RealtimeModel }

/** The video sources a session offers. */
export type SessionVideoSource = 'camera' | 'screen'

/** Video options of `useRealtimeSession` (read once, when the session is created). */
export interface SessionVideoOptions extends Partial<
  Pick<
    VideoCaptureOptions,
    | 'frameRate'
    | 'maxEdge'
    | 'mimeType'
    | 'quality'
    | 'constraints'
    | 'mediaDevices'
    | 'offMainThread'
    | 'scheduler'
    | 'grabber'
  >
> {
  /**
   * Streams that stand in for the camera and the screen: a canvas's `captureStream()` in
   * stories and tests, a processed stream in an app.
   */
  streams?: Partial<Record<SessionVideoSource, VideoStreamFactory>>
}

/**
 * One session's camera and screen captures, created on first use and sending to the session's
 * runner. The runner takes one video source at a time (starting the screen stops the camera),
 * stops it when the session closes or fails, and the session stops both when it is torn down.
 */
export class SessionVideo {
  readonly #runner: VideoRunner
  readonly #options: SessionVideoOptions
  readonly #captures = new Map<SessionVideoSource, VideoCapture>()

  constructor(runner: VideoRunner, options: SessionVideoOptions = {}) {
    this.#runner = runner
    this.#options = options
  }

  /** The model takes video frames (`capabilities.video`). */
  get supported(): boolean {
    return this.#runner.model.capabilities.video !== null
  }

  /**
   * Whether `source` can be captured here: a stand-in stream is configured, or the media devices
   * (injected, else the browser's) have the method it needs. Read at call time, never on import.
   */
  canCapture(source: SessionVideoSource): boolean {
    if (this.#options.streams?.[source] !== undefined) return true
    const devices: Partial<MediaDevices> | undefined =
      this.#options.mediaDevices ??
      (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices
    const method = source === 'screen' ? devices?.getDisplayMedia : devices?.getUserMedia
    return typeof method === 'function'
  }

  /** The capture of `source`, created (touching no browser API) the first time. */
  capture(source: SessionVideoSource): VideoCapture {
    let capture = this.#captures.get(source)
    if (capture === undefined) {
      const { streams, frameRate, ...rest } = this.#options
      const max = this.#runner.model.capabilities.video?.maxFramesPerSecond ?? 1
      const stream = streams?.[source]
      capture = new VideoCapture({
        ...rest,
        sink: this.#runner,
        source,
        // Never faster than the provider takes.
        frameRate: Math.min(frameRate ?? 1, max),
        ...(stream === undefined ? {} : { stream }),
      })
      this.#captures.set(source, capture)
    }
    return capture
  }

  /** Stops both sources (and releases their tracks). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#captures.values()].map((capture) => capture.stop()))
  }
}
