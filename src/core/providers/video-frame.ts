import { encodeBase64 } from '../audio/base64'
import { RealtimeError } from '../errors'
import type { VideoMimeType } from '../events'
import type { ProviderCapabilities } from '../session'

const SIGNATURES: Record<VideoMimeType, readonly number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
}

/**
 * Checks a frame at the provider boundary: a JPEG or PNG whose first bytes match its declared
 * type. Catches the usual mistakes (raw RGBA pixels, a data URL's text, a PNG labelled JPEG)
 * before the provider refuses them — Gemini by closing the whole connection.
 *
 * @throws RealtimeError `invalid_video` otherwise.
 */
export function assertVideoFrame(frame: Uint8Array, mimeType: VideoMimeType): void {
  const signature = SIGNATURES[mimeType] as readonly number[] | undefined
  if (signature === undefined) {
    throw new RealtimeError(
      'invalid_video',
      `Video frames must be image/jpeg or image/png (got "${String(mimeType)}")`,
    )
  }
  if (frame.byteLength <= signature.length || signature.some((byte, i) => frame[i] !== byte)) {
    throw new RealtimeError(
      'invalid_video',
      `The ${frame.byteLength}-byte frame is not a ${mimeType} image (wrong signature)`,
    )
  }
}

/** Throws `unsupported` for a provider without video input. */
export function assertVideoSupported(capabilities: ProviderCapabilities, provider: string): void {
  if (capabilities.video === null) {
    throw new RealtimeError('unsupported', `The ${provider} session does not take video frames`)
  }
}

/** `data:image/jpeg;base64,…`, the form OpenAI's `input_image.image_url` takes. */
export function videoDataUrl(frame: Uint8Array, mimeType: VideoMimeType): string {
  return `data:${mimeType};base64,${encodeBase64(frame)}`
}
