import { RealtimeError, isRealtimeError } from '../errors'
import type { RealtimeSession, VideoFrameOptions } from '../session'
import type { ConnectionStatus } from './options'

/** The lifecycle of a video source (a camera or screen capture). */
export type VideoInputStatus = 'idle' | 'starting' | 'running' | 'stopped'

/** Where frames come from: `custom` is any other `MediaStream` (a canvas, a file). */
export type VideoSourceKind = 'camera' | 'screen' | 'custom'

/** The runner's video input, as its snapshot and the store show it. Replaced, never mutated. */
export interface VideoInputState {
  /** The attached source's status; `idle` when none is attached. */
  status: VideoInputStatus
  source: VideoSourceKind | null
  /** Frames put on the wire since the runner was created. */
  framesSent: number
  /**
   * Frames not sent: dropped by the runner (not connected, or the socket behind) or skipped by
   * the source before grabbing them (the socket behind, or its previous frame still encoding).
   * Video is never queued, so this is where a slow link shows.
   */
  framesSkipped: number
}

/** A source the runner stops when the session ends (`close()`, a failure) or another replaces it. */
export interface VideoSourceLink {
  stop(): unknown
}

/** What an attached source reports to the runner. */
export interface VideoAttachment {
  /** The source's status and kind, shown in the runner's `video` state. */
  report(state: { status: VideoInputStatus; source: VideoSourceKind }): void
  /** One frame the source skipped without offering it (counted in `framesSkipped`). */
  skipped(): void
  /** The source is gone: `video.status` returns to `idle`; the counters stay. */
  detach(): void
}

/**
 * Where a `VideoCapture` sends its frames. A `RealtimeRunner` is one; anything else that takes
 * encoded frames can be (a recorder, a test double).
 */
export interface VideoFrameSink {
  /** Sends one encoded frame; `false` when it was dropped (not connected, the link behind). */
  sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): boolean
  /** Whether a frame would be sent now; a capture skips grabbing one when not. */
  canSendVideo?(): boolean
  /** Registers a running source for the session's lifetime (see `RealtimeRunner.attachVideo`). */
  attachVideo?(source: VideoSourceLink): VideoAttachment
}

export interface VideoOutletHost {
  session(): RealtimeSession | undefined
  connection(): ConnectionStatus
  supported(): boolean
  /** The video state changed. */
  changed(): void
}

export const initialVideoState: VideoInputState = Object.freeze({
  status: 'idle',
  source: null,
  framesSent: 0,
  framesSkipped: 0,
})

/**
 * The runner's video path. Unlike audio, frames are never held: while (re)connecting, or while
 * the socket has more than `maxBufferedBytes` waiting to go out, a frame is dropped and counted.
 * A late frame is worth nothing (the next one is a second away), and a queue of them would only
 * delay the user's voice behind it.
 */
export class VideoOutlet {
  readonly #host: VideoOutletHost
  readonly #maxBufferedBytes: number
  #state: VideoInputState = initialVideoState
  #source: { link: VideoSourceLink } | undefined

  constructor(host: VideoOutletHost, maxBufferedBytes: number) {
    this.#host = host
    this.#maxBufferedBytes = Math.max(0, maxBufferedBytes)
  }

  get state(): VideoInputState {
    return this.#state
  }

  canSend(): boolean {
    const session = this.#host.session()
    return (
      this.#host.supported() &&
      this.#host.connection() === 'connected' &&
      session !== undefined &&
      session.isConnected() &&
      (session.bufferedAmount ?? 0) <= this.#maxBufferedBytes
    )
  }

  send(frame: Uint8Array, options: VideoFrameOptions): boolean {
    if (!this.#host.supported()) {
      throw new RealtimeError('unsupported', 'This model does not take video frames')
    }
    const connection = this.#host.connection()
    if (
      connection !== 'connected' &&
      connection !== 'connecting' &&
      connection !== 'reconnecting'
    ) {
      throw new RealtimeError(
        'not_connected',
        `Cannot send a video frame: the runner is not connected (status "${connection}")`,
      )
    }
    const session = this.#host.session()
    if (session === undefined || !this.canSend()) return this.#skip()
    try {
      session.sendVideoFrame(frame, options)
    } catch (error) {
      // The socket closed under us: the frame is lost like any other while reconnecting.
      if (isRealtimeError(error, 'not_connected')) return this.#skip()
      throw error
    }
    this.#patch({ framesSent: this.#state.framesSent + 1 })
    return true
  }

  /** One source at a time: attaching another stops the previous one. */
  attach(link: VideoSourceLink): VideoAttachment {
    const previous = this.#source
    const entry = { link }
    this.#source = entry
    if (previous !== undefined) previous.link.stop()
    const current = (): boolean => this.#source === entry
    return {
      report: (state) => {
        if (current()) this.#patch({ status: state.status, source: state.source })
      },
      skipped: () => {
        this.#skip()
      },
      detach: () => {
        if (!current()) return
        this.#source = undefined
        this.#patch({ status: 'idle', source: null })
      },
    }
  }

  /** The session ended: the source is stopped (it detaches itself). */
  stopSource(): void {
    const source = this.#source
    if (source === undefined) return
    this.#source = undefined
    this.#patch({ status: 'idle', source: null })
    source.link.stop()
  }

  #skip(): false {
    this.#patch({ framesSkipped: this.#state.framesSkipped + 1 })
    return false
  }

  #patch(patch: Partial<VideoInputState>): void {
    const keys = Object.keys(patch) as Array<keyof VideoInputState>
    if (keys.every((key) => patch[key] === this.#state[key])) return
    this.#state = { ...this.#state, ...patch }
    this.#host.changed()
  }
}
