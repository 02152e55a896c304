import type { RealtimeError } from '../errors'
import type { SharedAudioContext } from './shared-audio-context'

export type MicrophoneStatus = 'idle' | 'starting' | 'running' | 'stopped'

/** The capture's observable state; the same object until something changes. */
export interface MicrophoneSnapshot {
  status: MicrophoneStatus
  muted: boolean
  /** The device asked for; `undefined` follows the system default. */
  deviceId: string | undefined
  /** The track in use: its device id and label. */
  activeDeviceId: string | undefined
  label: string | undefined
  /** Audio inputs, refreshed on `devicechange`. Labels are empty until permission is granted. */
  devices: readonly MediaDeviceInfo[]
  error: RealtimeError | undefined
}

export interface MicrophoneCaptureOptions {
  /** The provider's input rate: 24000 for OpenAI, 16000 for Gemini. */
  sampleRate: number
  /**
   * Each frame: PCM16 little-endian mono, `frameMs` long, with its own buffer; its RMS level, its
   * number (from 1) and the context time (seconds) at which its last sample was captured.
   */
  onFrame: (
    pcm: Uint8Array<ArrayBuffer>,
    info: { level: number; index: number; time: number },
  ) => void
  /** Default 20. */
  frameMs?: number
  deviceId?: string
  muted?: boolean
  /** The shared context (see `SharedAudioContext`); by default the capture creates and owns one. */
  audio?: SharedAudioContext | AudioContext
  /** Extra constraints over the defaults (echo cancellation, noise suppression, auto gain on). */
  constraints?: MediaTrackConstraints
  mediaDevices?: MediaDevices
  /** Self-hosted worklet module, for a CSP without `blob:` (see `loadAudioWorklet`). */
  workletUrl?: string | URL
  /** Failures after `start()` resolved: device lost with no fallback, worklet error. */
  onError?: (error: RealtimeError) => void
}
