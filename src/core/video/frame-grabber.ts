import { RealtimeError } from '../errors'
import { createFrameEncoder } from './frame-encoder'
import type { EncodeOptions, FrameEncoder, FrameEncoderKind } from './frame-encoder'

/** Turns a live video stream into encoded still frames. */
export interface FrameGrabber {
  /** The stream's current picture size; `undefined` until the first frame has arrived. */
  readonly size: { width: number; height: number } | undefined
  /** Where frames are encoded (`worker` when off the main thread). */
  readonly encoder?: FrameEncoderKind
  /** The current picture, scaled to `size`, encoded. */
  grab(size: { width: number; height: number }, options: EncodeOptions): Promise<Uint8Array>
  dispose(): void
}

/** Makes the grabber for a stream (injected in tests and for custom pipelines). */
export type FrameGrabberFactory = (stream: MediaStream) => FrameGrabber | Promise<FrameGrabber>

/**
 * The default grabber: the stream plays in a detached, muted `<video>` element;
 * `createImageBitmap` takes its current frame already scaled (the browser resizes off the main
 * thread where it can), and the encoder turns the bitmap into JPEG or PNG bytes — in a worker
 * when the page allows it.
 */
export async function createFrameGrabber(
  stream: MediaStream,
  options: { offMainThread?: boolean | undefined } = {},
): Promise<FrameGrabber> {
  if (typeof document === 'undefined' || typeof createImageBitmap !== 'function') {
    throw new RealtimeError(
      'media_unavailable',
      'Video capture needs a browser (document and createImageBitmap)',
    )
  }
  const video = document.createElement('video')
  video.muted = true
  video.playsInline = true
  video.srcObject = stream
  const encoder: FrameEncoder = createFrameEncoder(options)
  try {
    await video.play()
  } catch (cause) {
    video.srcObject = null
    encoder.dispose()
    throw RealtimeError.from(cause, 'media_unavailable', 'The video stream could not be played')
  }
  return {
    get size() {
      // HAVE_CURRENT_DATA: there is a picture to take.
      if (video.readyState < 2 || video.videoWidth === 0) return undefined
      return { width: video.videoWidth, height: video.videoHeight }
    },
    get encoder() {
      return encoder.kind
    },
    async grab(size, encodeOptions) {
      const picture = await createImageBitmap(video, {
        resizeWidth: size.width,
        resizeHeight: size.height,
        resizeQuality: 'medium',
      })
      return encoder.encode(picture, encodeOptions)
    },
    dispose() {
      video.pause()
      video.srcObject = null
      encoder.dispose()
    },
  }
}
