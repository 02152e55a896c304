import type { RealtimeError } from '../errors'
import type { VideoMimeType } from '../events'
import type { Scheduler } from '../runner/scheduler'
import type { VideoFrameSink, VideoInputStatus, VideoSourceKind } from '../runner/video'
import type { FrameEncoderKind } from './frame-encoder'
import type { FrameGrabberFactory } from './frame-grabber'
import type { VideoStreamFactory } from './video-devices'

/** The capture's observable state; the same object until something changes. */
export interface VideoCaptureSnapshot {
  status: VideoInputStatus
  source: VideoSourceKind
  /** The camera asked for; `undefined` is the system default. */
  deviceId: string | undefined
  /** The track in use: its device id and label. */
  activeDeviceId: string | undefined
  label: string | undefined
  /** Cameras, refreshed on `devicechange` (labels are empty until permission is granted). */
  devices: readonly MediaDeviceInfo[]
  /** The live stream while running, for a preview (`<VideoPreview>`). */
  stream: MediaStream | undefined
  /** The size frames are sent at (after scaling to `maxEdge`), once the first one was taken. */
  frameSize: { width: number; height: number } | undefined
  /** Where the last frame was encoded: `worker` (off the main thread), `offscreen` or `canvas`. */
  encoder: FrameEncoderKind | undefined
  framesSent: number
  /** Ticks without a frame sent: the previous frame still encoding, or the link behind or down. */
  framesSkipped: number
  error: RealtimeError | undefined
}

export interface VideoCaptureOptions {
  /** Where frames go: a `RealtimeRunner`, or any `VideoFrameSink`. */
  sink: VideoFrameSink
  /** `camera` (default), `screen` (the browser's share picker) or `custom` (`stream`). */
  source?: VideoSourceKind
  /** Frames sampled per second (default 1; the providers take at most 1). */
  frameRate?: number
  /** Longest edge of a frame sent, in pixels (default 768); larger pictures are scaled down. */
  maxEdge?: number
  /** Default `image/jpeg`. */
  mimeType?: VideoMimeType
  /** JPEG quality, 0–1 (default 0.8). */
  quality?: number
  /** The camera to open (`source: 'camera'`); default the system's. */
  deviceId?: string
  /** Extra constraints for `getUserMedia` / `getDisplayMedia`. */
  constraints?: MediaTrackConstraints
  mediaDevices?: MediaDevices
  /**
   * The stream of a `custom` source (a canvas's `captureStream()`, a remote track…); for the
   * camera or the screen, a stand-in for the real device (stories, tests).
   */
  stream?: VideoStreamFactory
  /** Encode in a worker where the page allows it (default `true`). */
  offMainThread?: boolean
  scheduler?: Scheduler
  /** Replaces the default `<video>` + canvas pipeline (tests, custom encoders). */
  grabber?: FrameGrabberFactory
  /** Failures after `start()` resolved: the camera unplugged, encoding failing. */
  onError?: (error: RealtimeError) => void
}
