import type { MockRealtimeServerOptions } from '../options'
import { DEFAULT_VIDEO_FRAME_LIMITS, type VideoFrameLimits } from './image'

/** The server's `video` option over the defaults. */
export function videoLimits(options: MockRealtimeServerOptions): VideoFrameLimits {
  return {
    maxBytes: options.video?.maxFrameBytes ?? DEFAULT_VIDEO_FRAME_LIMITS.maxBytes,
    maxPixels: options.video?.maxPixels ?? DEFAULT_VIDEO_FRAME_LIMITS.maxPixels,
  }
}
