import { ImageError, readVideoFrame, type MockVideoFrame, type VideoFrameLimits } from './image'

/** Proto3 JSON base64: standard or URL-safe alphabet, optional padding. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/**
 * One connection's video input: every frame is validated and described as it arrives (see
 * `readVideoFrame`), and the latest one is what the brain "sees". Frames are not kept: a long
 * session at one frame a second holds one frame's description, not its history.
 */
export class VideoInput {
  readonly #limits: VideoFrameLimits
  #latest: MockVideoFrame | undefined
  #received = 0

  constructor(limits: VideoFrameLimits) {
    this.#limits = limits
  }

  get latest(): MockVideoFrame | undefined {
    return this.#latest
  }

  /** Frames accepted on this connection. */
  get received(): number {
    return this.#received
  }

  /** A base64 frame as it travels on the wire. Throws `ImageError` when it is refused. */
  receive(data: unknown, mimeType: unknown): MockVideoFrame {
    if (typeof data !== 'string' || !BASE64.test(data)) {
      throw new ImageError('the frame data is not base64')
    }
    const bytes = Buffer.from(data.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    const frame = readVideoFrame(bytes, String(mimeType), this.#limits)
    this.#latest = frame
    this.#received++
    return frame
  }
}
