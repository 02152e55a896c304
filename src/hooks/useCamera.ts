'use client'
import { useVideoControls } from './video-controls'
import type { VideoControls } from './video-controls'

/**
 * The session's camera: start, stop, the camera list, the chosen and active device, status,
 * frames sent and skipped, and the last error (`permission_denied`, `media_unavailable`).
 * Frames go to the model at most as fast as it takes them (1 frame/s), scaled to 768 px; the
 * camera stops, releasing its track, when the session ends, when the screen share starts, and
 * when the component that owns the session unmounts.
 *
 * @example
 * ```tsx
 * const camera = useCamera()
 * <button disabled={!camera.available} aria-pressed={camera.active} onClick={() => void camera.toggle()}>
 *   Camera
 * </button>
 * ```
 */
export function useCamera(): VideoControls {
  return useVideoControls('camera', 'useCamera')
}
