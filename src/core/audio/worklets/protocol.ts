/**
 * The messages between the main thread and the two AudioWorklet processors. Types and constants
 * only: this file is imported on both sides, so it must not touch any global at import time.
 *
 * Messages flow at frame rate (50 per second for capture, ~50 per second for player reports),
 * never at render-quantum rate (375 per second at 48 kHz): a main thread that is busy rendering a
 * UI should not be flooded, and nothing the UI shows needs more than animation-frame resolution.
 */

/** Processor names, registered by the module in `worklets/entry.ts`. */
export const CAPTURE_PROCESSOR = 'adk-realtime-capture'
export const PLAYER_PROCESSOR = 'adk-realtime-player'

/** `processorOptions` of the capture node. */
export interface CaptureProcessorOptions {
  /** The provider's input rate (24 kHz OpenAI, 16 kHz Gemini). */
  targetRate: number
  frameMs: number
  muted: boolean
  /** Shared slots (see `stats-buffer.ts`), only when the page is cross-origin isolated. */
  stats?: SharedArrayBuffer
}

export type CaptureCommand = { type: 'mute'; muted: boolean } | { type: 'stop' }

export interface CaptureFrameMessage {
  type: 'frame'
  /** PCM16 little-endian mono at `targetRate`, exactly `frameMs` long; transferred. */
  pcm: ArrayBuffer
  /** RMS of the frame, 0–1 (0 while muted). */
  level: number
  /** Frames captured so far, this one included. */
  index: number
  /** Context time (seconds) at the end of the render quantum that completed the frame. */
  time: number
}

export interface WorkletErrorMessage {
  type: 'error'
  message: string
}

export type CaptureMessage = CaptureFrameMessage | WorkletErrorMessage

/** `processorOptions` of the player node. */
export interface PlayerProcessorOptions {
  /** Audio buffered before playback starts (and restarts after an underrun), in frames. */
  prebufferFrames: number
  /** Render quanta between two stats reports while something changes. */
  reportQuanta: number
  stats?: SharedArrayBuffer
}

export type PlayerCommand =
  /** Audio at the context rate for item `seq` (the main thread maps seq ↔ item id). */
  | { type: 'push'; seq: number; samples: Float32Array }
  /** No more audio is expected for now: play what is buffered even below the prebuffer. */
  | { type: 'end' }
  /** Drop everything queued and go silent from the next render quantum. */
  | { type: 'interrupt'; id: number }
  | { type: 'stop' }

export interface PlayerStatsMessage {
  type: 'stats'
  /** `currentFrame` at the end of the render quantum that made the report. */
  frame: number
  /** That quantum's length in frames (128 today): it started at `frame - quantum`. */
  quantum: number
  /** Frames taken from the queue so far: played plus dropped by interrupts. */
  consumed: number
  /** Frames waiting in the queue. */
  queued: number
  /** True while frames are being rendered (false while idle or prebuffering). */
  playing: boolean
  /** RMS of the output since the previous report, 0–1. */
  level: number
  underruns: number
  /** Played frames of every item that played since the previous report: [seq, played]. */
  items: Array<[number, number]>
}

export interface PlayerInterruptedMessage {
  type: 'interrupted'
  id: number
  /** The item that was playing or waiting, with its exact played frames; -1 when none. */
  seq: number
  played: number
  /** Frames dropped from the queue. */
  dropped: number
  /** `currentFrame` of the first render quantum after the interrupt: silent from here on. */
  silentFrom: number
}

export type PlayerMessage = PlayerStatsMessage | PlayerInterruptedMessage | WorkletErrorMessage
