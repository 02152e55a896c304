import { RealtimeError } from '../errors'
import type { VideoMimeType } from '../events'

export interface EncodeOptions {
  mimeType: VideoMimeType
  /** JPEG quality, 0–1. */
  quality: number
}

/** Where frames are encoded: a worker, an `OffscreenCanvas` on the page, or a `<canvas>`. */
export type FrameEncoderKind = 'worker' | 'offscreen' | 'canvas'

/** Encodes a picture (already at its final size) to JPEG or PNG bytes. */
export interface FrameEncoder {
  readonly kind: FrameEncoderKind
  encode(picture: ImageBitmap, options: EncodeOptions): Promise<Uint8Array>
  dispose(): void
}

// The worker: draws the bitmap it is handed on one reused OffscreenCanvas and encodes it there,
// so JPEG encoding never runs on the page's main thread. Plain JS, loaded from a blob: URL.
const WORKER_SOURCE = `
let canvas, context
self.onmessage = async (event) => {
  const { id, bitmap, mimeType, quality } = event.data
  try {
    if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
      context = canvas.getContext('2d')
    }
    context.drawImage(bitmap, 0, 0)
    bitmap.close()
    const blob = await canvas.convertToBlob({ type: mimeType, quality })
    const buffer = await blob.arrayBuffer()
    self.postMessage({ id, buffer }, [buffer])
  } catch (error) {
    self.postMessage({ id, error: String(error && error.message || error) })
  }
}
`

/**
 * The best encoder the page allows: a worker with an `OffscreenCanvas` (the JPEG encoder runs
 * off the main thread), else an `OffscreenCanvas` on the page (`convertToBlob` is asynchronous),
 * else a `<canvas>` and `toBlob`. A worker that cannot start (a CSP without `worker-src blob:`)
 * falls back to the page, frame by frame, without failing the capture.
 */
export function createFrameEncoder(
  options: { offMainThread?: boolean | undefined } = {},
): FrameEncoder {
  const scope = globalThis as { OffscreenCanvas?: unknown; Worker?: unknown }
  if (
    options.offMainThread !== false &&
    typeof scope.Worker === 'function' &&
    typeof scope.OffscreenCanvas === 'function'
  ) {
    return new WorkerEncoder()
  }
  return pageEncoder()
}

function pageEncoder(): FrameEncoder {
  const hasOffscreen =
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'function'
  return {
    kind: hasOffscreen ? 'offscreen' : 'canvas',
    encode: (picture, options) =>
      hasOffscreen ? encodeOffscreen(picture, options) : encodeCanvas(picture, options),
    dispose: () => {},
  }
}

async function encodeOffscreen(picture: ImageBitmap, options: EncodeOptions): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(picture.width, picture.height)
  const context = canvas.getContext('2d')
  if (context === null)
    throw new RealtimeError('media_unavailable', 'No 2D canvas to encode frames')
  context.drawImage(picture, 0, 0)
  picture.close()
  const blob = await canvas.convertToBlob({ type: options.mimeType, quality: options.quality })
  return new Uint8Array(await blob.arrayBuffer())
}

async function encodeCanvas(picture: ImageBitmap, options: EncodeOptions): Promise<Uint8Array> {
  const canvas = document.createElement('canvas')
  canvas.width = picture.width
  canvas.height = picture.height
  const context = canvas.getContext('2d')
  if (context === null)
    throw new RealtimeError('media_unavailable', 'No 2D canvas to encode frames')
  context.drawImage(picture, 0, 0)
  picture.close()
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, options.mimeType, options.quality),
  )
  if (blob === null)
    throw new RealtimeError('media_unavailable', 'The browser could not encode a frame')
  return new Uint8Array(await blob.arrayBuffer())
}

interface Pending {
  resolve: (bytes: Uint8Array) => void
  reject: (error: RealtimeError) => void
}

class WorkerEncoder implements FrameEncoder {
  #worker: Worker | undefined
  #url: string | undefined
  #broken = false
  #nextId = 0
  readonly #pending = new Map<number, Pending>()
  readonly #fallback = pageEncoder()

  get kind(): FrameEncoderKind {
    return this.#broken ? this.#fallback.kind : 'worker'
  }

  encode(picture: ImageBitmap, options: EncodeOptions): Promise<Uint8Array> {
    const worker = this.#broken ? undefined : this.#start()
    if (worker === undefined) return this.#fallback.encode(picture, options)
    const id = ++this.#nextId
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      // The bitmap is transferred: the worker owns (and closes) it.
      worker.postMessage({ id, bitmap: picture, ...options }, [picture])
    })
  }

  dispose(): void {
    this.#worker?.terminate()
    this.#worker = undefined
    if (this.#url !== undefined) URL.revokeObjectURL(this.#url)
    this.#url = undefined
    this.#failPending('The frame encoder was stopped')
  }

  #start(): Worker | undefined {
    if (this.#worker !== undefined) return this.#worker
    try {
      this.#url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }))
      const worker = new Worker(this.#url)
      worker.onmessage = (
        event: MessageEvent<{ id: number; buffer?: ArrayBuffer; error?: string }>,
      ) => {
        const { id, buffer, error } = event.data
        const pending = this.#pending.get(id)
        this.#pending.delete(id)
        if (buffer !== undefined) pending?.resolve(new Uint8Array(buffer))
        else
          pending?.reject(new RealtimeError('media_unavailable', `Frame encoding failed: ${error}`))
      }
      // A worker the page may not run (CSP) reports an error event instead of starting.
      worker.onerror = (event) => {
        event.preventDefault()
        this.#broken = true
        this.dispose()
      }
      this.#worker = worker
      return worker
    } catch {
      this.#broken = true
      return undefined
    }
  }

  #failPending(message: string): void {
    for (const pending of this.#pending.values()) {
      pending.reject(new RealtimeError('cancelled', message))
    }
    this.#pending.clear()
  }
}
