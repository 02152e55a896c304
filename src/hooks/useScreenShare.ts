'use client'
import { useVideoControls } from './video-controls'
import type { VideoControls } from './video-controls'

/**
 * The session's screen share (`getDisplayMedia`): start it from a click (the browser shows its
 * picker; cancelling it is a `permission_denied` error), stop it, and its status and counters.
 * The browser's own "Stop sharing" ends it too. `available` is false where the browser cannot
 * share a screen (most mobile browsers) or the model takes no video.
 *
 * @example
 * ```tsx
 * const screen = useScreenShare()
 * {screen.available && <button onClick={() => void screen.toggle()}>Share screen</button>}
 * ```
 */
export function useScreenShare(): VideoControls {
  return useVideoControls('screen', 'useScreenShare')
}
