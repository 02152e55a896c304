import type { RealtimeError, RealtimeRunner } from '../core'
import type { PlaybackController } from '../core'

/** Where a microphone permission stands, as far as the page can tell. */
export type MicrophonePermission = 'unknown' | 'prompt' | 'granted' | 'denied'

/** `unavailable`: the session has no audio engine (`audio: false`, SSR, tests). */
export type RealtimeAudioStatus = 'idle' | 'starting' | 'running' | 'stopped' | 'unavailable'

/** The audio engine's state as the UI reads it; the same object until something changes. */
export interface RealtimeAudioState {
  status: RealtimeAudioStatus
  muted: boolean
  /** The device asked for; `undefined` follows the system default. */
  deviceId: string | undefined
  /** The device the running track actually uses. */
  activeDeviceId: string | undefined
  label: string | undefined
  /** Audio inputs (labels stay empty until permission is granted). */
  devices: readonly MediaDeviceInfo[]
  permission: MicrophonePermission
  /** False while the browser blocks sound (autoplay policy): offer a button for `startAudio`. */
  canPlayAudio: boolean
  error: RealtimeError | undefined
}

/** The runner surface an audio engine binds to. */
export type AudioRunner = Pick<
  RealtimeRunner,
  'model' | 'sendAudio' | 'onEvent' | 'getState' | 'subscribe'
>

/**
 * What the React layer needs from an audio engine. `createBrowserAudio()` is the real one
 * (microphone and player worklets); `createSimulatedAudio()` (testing) fakes levels for stories
 * and tests; pass `audio: false` for a text-only session.
 *
 * The session calls `unlock()` synchronously inside `connect()` (so call `connect` from a click
 * handler: iOS Safari only allows sound started in a gesture), then `start()` while the runner
 * connects, and `stop()` on every end path (disconnect, failure, unmount).
 */
export interface RealtimeAudio {
  /** Given to the runner so barge-in silences the speakers before the provider is told. */
  readonly playback?: PlaybackController
  /**
   * Binds the engine to its runner; returns the unbinding. The session binds it when a component
   * takes ownership of the session (not when the session is built: React may discard that one)
   * and unbinds it after the last owner let go.
   */
  attach(runner: AudioRunner): () => void
  /** Creates or resumes the audio output; must run synchronously inside a user gesture. */
  unlock(): void
  /** Opens the microphone and the player. Rejects with `permission_denied` / `media_unavailable`. */
  start(): Promise<void>
  /** Releases the microphone and the player. Idempotent. */
  stop(): Promise<void>
  setMuted(muted: boolean): void
  /** Switches microphone without reconnecting; `undefined` follows the system default. */
  setDevice(deviceId: string | undefined): Promise<void>
  /** Re-reads the list of audio inputs. */
  refreshDevices(): Promise<void>
  /** Resumes sound blocked by the autoplay policy; call from a click handler. */
  startAudio(): Promise<void>
  /** RMS level 0–1, read by pull (cheap: call it every animation frame). */
  level(source: 'input' | 'output'): number
  getSnapshot(): RealtimeAudioState
  subscribe(listener: () => void): () => void
}

/** The state of a session without an audio engine. */
export function noAudioState(muted: boolean): RealtimeAudioState {
  return {
    status: 'unavailable',
    muted,
    deviceId: undefined,
    activeDeviceId: undefined,
    label: undefined,
    devices: [],
    permission: 'unknown',
    canPlayAudio: false,
    error: undefined,
  }
}
