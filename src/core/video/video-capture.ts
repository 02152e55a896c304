import { RealtimeError, isRealtimeError } from '../errors'
import type { VideoMimeType } from '../events'
import { SnapshotStore } from '../audio/snapshot-store'
import { defaultScheduler } from '../runner/scheduler'
import type { Scheduler } from '../runner/scheduler'
import type {
  VideoAttachment,
  VideoFrameSink,
  VideoInputStatus,
  VideoSourceKind,
} from '../runner/video'
import { createFrameGrabber } from './frame-grabber'
import type { FrameEncoderKind } from './frame-encoder'
import type { FrameGrabber, FrameGrabberFactory } from './frame-grabber'
import { FrameTicker } from './frame-ticker'
import {
  fitWithin,
  listCameras,
  openVideoStream,
  stopStream,
  videoMediaDevices,
} from './video-devices'
import type { VideoStreamFactory } from './video-devices'
import { videoError } from './video-errors'

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
  /** The stream of a `custom` source (a canvas's `captureStream()`, a remote track…). */
  stream?: VideoStreamFactory
  /** Encode in a worker where the page allows it (default `true`). */
  offMainThread?: boolean
  scheduler?: Scheduler
  /** Replaces the default `<video>` + canvas pipeline (tests, custom encoders). */
  grabber?: FrameGrabberFactory
  /** Failures after `start()` resolved: the camera unplugged, encoding failing. */
  onError?: (error: RealtimeError) => void
}

/** Consecutive encoding failures after which the capture gives up. */
const MAX_FAILED_FRAMES = 3

/**
 * Video from the camera or the screen, sampled at a fixed rate (default 1 frame/s), scaled to a
 * maximum edge (default 768 px), encoded to JPEG off the main thread where the browser allows,
 * and sent to a sink — a `RealtimeRunner`.
 *
 * - Back-pressure: never more than one frame in flight. A tick that comes while the previous
 *   frame is still being grabbed or encoded, or while the sink cannot send (`canSendVideo()`:
 *   reconnecting, or the socket behind), is skipped and counted — nothing is queued.
 * - The track is released on every end path: `stop()`, a failed start, the user's "Stop
 *   sharing" (the track ends), a lost camera, and the session ending (the runner stops the
 *   source it has attached when it closes or fails).
 * - Importing it touches no browser global; `start()` reports a missing API as a typed error.
 *
 * @example
 * const camera = new VideoCapture({ sink: runner, source: 'camera', frameRate: 1 })
 * button.onclick = () => camera.start() // screen sharing needs the click
 * camera.subscribe(() => console.log(camera.getSnapshot().framesSkipped))
 * await camera.stop()
 */
export class VideoCapture {
  readonly #options: VideoCaptureOptions
  readonly #store: SnapshotStore<VideoCaptureSnapshot>
  readonly #ticker: FrameTicker
  readonly #mimeType: VideoMimeType
  #starting: Promise<void> | undefined
  #generation = 0
  #grabber: FrameGrabber | undefined
  #attachment: VideoAttachment | undefined
  #busy = false
  #failures = 0
  #cleanups: Array<() => void> = []

  constructor(options: VideoCaptureOptions) {
    this.#options = options
    this.#mimeType = options.mimeType ?? 'image/jpeg'
    this.#ticker = new FrameTicker(
      options.scheduler ?? defaultScheduler,
      options.frameRate ?? 1,
      () => void this.#tick(),
    )
    this.#store = new SnapshotStore<VideoCaptureSnapshot>({
      status: 'idle',
      source: options.source ?? 'camera',
      deviceId: options.deviceId,
      activeDeviceId: undefined,
      label: undefined,
      devices: [],
      stream: undefined,
      frameSize: undefined,
      encoder: undefined,
      framesSent: 0,
      framesSkipped: 0,
      error: undefined,
    })
  }

  getSnapshot(): VideoCaptureSnapshot {
    return this.#store.get()
  }

  subscribe(listener: () => void): () => void {
    return this.#store.subscribe(listener)
  }

  /**
   * Opens the camera or asks which screen to share (call it from a click: screen sharing needs
   * the gesture), then starts sending frames. Rejects with `permission_denied` or
   * `media_unavailable` and releases everything.
   */
  start(): Promise<void> {
    if (this.#starting !== undefined) return this.#starting
    if (this.#snapshot.status === 'running') return Promise.resolve()
    const generation = ++this.#generation
    this.#update({ status: 'starting', error: undefined })
    this.#attachment ??= this.#options.sink.attachVideo?.({ stop: () => this.stop() })
    this.#report()
    const starting = this.#start(generation).catch((cause: unknown) => {
      const error = videoError(cause, this.#snapshot.source, this.#snapshot.deviceId)
      if (generation === this.#generation) this.#release({ status: 'stopped', error })
      throw error
    })
    this.#starting = starting
    void starting.then(
      () => this.#settled(starting),
      () => this.#settled(starting),
    )
    return starting
  }

  /** Stops sampling and releases the camera or screen. Idempotent. */
  stop(): Promise<void> {
    if (this.#snapshot.status !== 'stopped' || this.#starting !== undefined) {
      this.#release({ status: 'stopped' })
    }
    return Promise.resolve()
  }

  /** Switches camera while running (no gap in the session); on failure the current one stays. */
  async setDevice(deviceId: string | undefined): Promise<void> {
    if (this.#snapshot.status !== 'running' || this.#snapshot.source !== 'camera') {
      this.#update({ deviceId })
      return
    }
    const generation = this.#generation
    let stream: MediaStream
    try {
      stream = await this.#open(deviceId)
    } catch (cause) {
      throw videoError(cause, 'camera', deviceId)
    }
    if (generation !== this.#generation) return stopStream(stream)
    const grabber = await this.#grabberFor(stream).catch((error: unknown) => {
      stopStream(stream)
      throw error
    })
    if (generation !== this.#generation) {
      grabber.dispose()
      return stopStream(stream)
    }
    const previous = { stream: this.#snapshot.stream, grabber: this.#grabber }
    this.#use(stream, grabber)
    this.#update({ deviceId })
    previous.grabber?.dispose()
    if (previous.stream !== undefined) stopStream(previous.stream)
  }

  /** Cameras now (labels need permission first). */
  async listDevices(): Promise<MediaDeviceInfo[]> {
    return listCameras(videoMediaDevices('camera', this.#options.mediaDevices))
  }

  async #start(generation: number): Promise<void> {
    const stream = await this.#open(this.#snapshot.deviceId)
    if (generation !== this.#generation) return stopStream(stream)
    let grabber: FrameGrabber
    try {
      grabber = await this.#grabberFor(stream)
    } catch (error) {
      stopStream(stream)
      throw error
    }
    if (generation !== this.#generation) {
      grabber.dispose()
      return stopStream(stream)
    }
    this.#use(stream, grabber)
    this.#update({ status: 'running' })
    this.#report()
    this.#ticker.start()
    if (this.#snapshot.source === 'camera') this.#watchDevices()
  }

  #open(deviceId: string | undefined): Promise<MediaStream> {
    const { mediaDevices, constraints, stream } = this.#options
    return openVideoStream(this.#snapshot.source, {
      devices: mediaDevices,
      deviceId,
      constraints,
      stream,
    })
  }

  async #grabberFor(stream: MediaStream): Promise<FrameGrabber> {
    const factory =
      this.#options.grabber ??
      ((s: MediaStream) =>
        createFrameGrabber(
          s,
          this.#options.offMainThread === undefined
            ? {}
            : { offMainThread: this.#options.offMainThread },
        ))
    return factory(stream)
  }

  /** Makes `stream` the live one: the user's "Stop sharing" or an unplugged camera ends it. */
  #use(stream: MediaStream, grabber: FrameGrabber): void {
    this.#grabber = grabber
    const track = stream.getVideoTracks()[0]
    const onEnded = (): void => {
      if (this.#snapshot.stream !== stream) return
      const error =
        this.#snapshot.source === 'camera'
          ? new RealtimeError(
              'media_unavailable',
              'The camera stopped (unplugged, or taken by the system).',
            )
          : undefined
      if (error !== undefined) this.#reportError(error)
      this.#release(error === undefined ? { status: 'stopped' } : { status: 'stopped', error })
    }
    track?.addEventListener('ended', onEnded)
    this.#cleanups.push(() => track?.removeEventListener('ended', onEnded))
    const settings = track?.getSettings()
    this.#update({ stream, activeDeviceId: settings?.deviceId, label: track?.label })
  }

  async #tick(): Promise<void> {
    const grabber = this.#grabber
    if (this.#snapshot.status !== 'running' || grabber === undefined) return
    if (this.#busy || this.#options.sink.canSendVideo?.() === false) return this.#skip(true)
    const picture = grabber.size
    if (picture === undefined) return // no frame from the stream yet
    const size = fitWithin(picture.width, picture.height, this.#options.maxEdge ?? 768)
    const generation = this.#generation
    this.#busy = true
    let bytes: Uint8Array
    try {
      bytes = await grabber.grab(size, {
        mimeType: this.#mimeType,
        quality: this.#options.quality ?? 0.8,
      })
    } catch (cause) {
      if (generation !== this.#generation) return
      return this.#encodingFailed(cause)
    } finally {
      this.#busy = false
    }
    if (generation !== this.#generation) return
    this.#failures = 0
    const frameSize = this.#snapshot.frameSize
    if (frameSize?.width !== size.width || frameSize.height !== size.height) {
      this.#update({ frameSize: size })
    }
    this.#update({ encoder: grabber.encoder })
    let sent: boolean
    try {
      sent = this.#options.sink.sendVideoFrame(bytes, { mimeType: this.#mimeType })
    } catch (error) {
      if (!isRealtimeError(error, 'not_connected'))
        return this.#fail(RealtimeError.from(error, 'media_unavailable'))
      sent = false
    }
    // A frame the sink dropped is counted by the sink too (the runner's `framesSkipped`).
    if (sent) this.#update({ framesSent: this.#snapshot.framesSent + 1 })
    else this.#skip(false)
  }

  /** `report`: the sink did not see this frame, so it is told (it counts it in its state). */
  #skip(report: boolean): void {
    this.#update({ framesSkipped: this.#snapshot.framesSkipped + 1 })
    if (report) this.#attachment?.skipped()
  }

  #encodingFailed(cause: unknown): void {
    this.#skip(true)
    if (isRealtimeError(cause, 'cancelled')) return // the encoder was replaced mid-frame
    if (++this.#failures < MAX_FAILED_FRAMES) return
    this.#fail(
      RealtimeError.from(cause, 'media_unavailable', `Frames cannot be encoded: ${String(cause)}`),
    )
  }

  #watchDevices(): void {
    let devices: MediaDevices
    try {
      devices = videoMediaDevices('camera', this.#options.mediaDevices)
    } catch {
      return
    }
    const refresh = (): void => {
      listCameras(devices).then(
        (cameras) => this.#update({ devices: cameras }),
        () => {},
      )
    }
    devices.addEventListener('devicechange', refresh)
    this.#cleanups.push(() => devices.removeEventListener('devicechange', refresh))
    refresh()
  }

  #fail(error: RealtimeError): void {
    this.#reportError(error)
    this.#release({ status: 'stopped', error })
  }

  #reportError(error: RealtimeError): void {
    try {
      this.#options.onError?.(error)
    } catch (callbackError) {
      console.error(callbackError)
    }
  }

  #release(patch: Partial<VideoCaptureSnapshot>): void {
    this.#generation += 1
    this.#ticker.stop()
    for (const cleanup of this.#cleanups.splice(0)) cleanup()
    this.#grabber?.dispose()
    this.#grabber = undefined
    const stream = this.#snapshot.stream
    if (stream !== undefined) stopStream(stream)
    this.#update({ ...patch, stream: undefined, frameSize: undefined })
    const attachment = this.#attachment
    this.#attachment = undefined
    attachment?.detach()
  }

  #settled(starting: Promise<void>): void {
    if (this.#starting === starting) this.#starting = undefined
  }

  #report(): void {
    this.#attachment?.report({ status: this.#snapshot.status, source: this.#snapshot.source })
  }

  get #snapshot(): VideoCaptureSnapshot {
    return this.#store.get()
  }

  #update(patch: Partial<VideoCaptureSnapshot>): void {
    this.#store.update(patch)
  }
}
