import { RealtimeError } from '../errors'
import { SnapshotStore } from '../audio/snapshot-store'
import { defaultScheduler } from '../runner/scheduler'
import type { VideoAttachment } from '../runner/video'
import { createFrameGrabber } from './frame-grabber'
import type { FrameGrabber } from './frame-grabber'
import { FramePump } from './frame-pump'
import { FrameTicker } from './frame-ticker'
import type { VideoCaptureOptions, VideoCaptureSnapshot } from './video-capture-types'
import { listCameras, openVideoStream, stopStream, videoMediaDevices } from './video-devices'
import { videoError } from './video-errors'

export type { VideoCaptureOptions, VideoCaptureSnapshot } from './video-capture-types'

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
  readonly #pump: FramePump
  #starting: Promise<void> | undefined
  #generation = 0
  #grabber: FrameGrabber | undefined
  #attachment: VideoAttachment | undefined
  #cleanups: Array<() => void> = []

  constructor(options: VideoCaptureOptions) {
    this.#options = options
    this.#ticker = new FrameTicker(
      options.scheduler ?? defaultScheduler,
      options.frameRate ?? 1,
      () => this.#tick(),
    )
    this.#pump = new FramePump({
      sink: options.sink,
      maxEdge: options.maxEdge ?? 768,
      mimeType: options.mimeType ?? 'image/jpeg',
      quality: options.quality ?? 0.8,
      sent: (frameSize, encoder) => {
        const previous = this.#snapshot.frameSize
        const same = previous?.width === frameSize.width && previous.height === frameSize.height
        this.#update({
          framesSent: this.#snapshot.framesSent + 1,
          encoder,
          ...(same ? {} : { frameSize }),
        })
      },
      skipped: (report) => {
        this.#update({ framesSkipped: this.#snapshot.framesSkipped + 1 })
        if (report) this.#attachment?.skipped()
      },
      failed: (error) => this.#fail(error),
    })
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
    const opened = await this.#openLive(deviceId, this.#generation).catch((cause: unknown) => {
      throw videoError(cause, 'camera', deviceId)
    })
    if (opened === undefined) return
    const previous = { stream: this.#snapshot.stream, grabber: this.#grabber }
    this.#pump.reset()
    this.#use(opened.stream, opened.grabber)
    this.#update({ deviceId })
    previous.grabber?.dispose()
    if (previous.stream !== undefined) stopStream(previous.stream)
  }

  /** Cameras now (labels need permission first). */
  async listDevices(): Promise<MediaDeviceInfo[]> {
    return listCameras(videoMediaDevices('camera', this.#options.mediaDevices))
  }

  /** Reads the camera list again into `devices`. */
  async refreshDevices(): Promise<void> {
    this.#update({ devices: await this.listDevices() })
  }

  async #start(generation: number): Promise<void> {
    const opened = await this.#openLive(this.#snapshot.deviceId, generation)
    if (opened === undefined) return
    this.#use(opened.stream, opened.grabber)
    this.#update({ status: 'running' })
    this.#report()
    this.#ticker.start()
    if (this.#snapshot.source === 'camera') this.#watchDevices()
  }

  /**
   * Opens a stream and its grabber. When the capture moved on meanwhile (stopped, restarted),
   * both are released at once and `undefined` comes back.
   */
  async #openLive(
    deviceId: string | undefined,
    generation: number,
  ): Promise<{ stream: MediaStream; grabber: FrameGrabber } | undefined> {
    const { mediaDevices, constraints, stream: factory, grabber, offMainThread } = this.#options
    const stream = await openVideoStream(this.#snapshot.source, {
      devices: mediaDevices,
      deviceId,
      constraints,
      stream: factory,
    })
    if (generation !== this.#generation) {
      stopStream(stream)
      return undefined
    }
    let made: FrameGrabber
    try {
      made = await (grabber ?? ((s) => createFrameGrabber(s, { offMainThread })))(stream)
    } catch (error) {
      stopStream(stream)
      throw error
    }
    if (generation === this.#generation) return { stream, grabber: made }
    made.dispose()
    stopStream(stream)
    return undefined
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

  #tick(): void {
    const grabber = this.#grabber
    if (this.#snapshot.status === 'running' && grabber !== undefined) void this.#pump.tick(grabber)
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
    this.#starting = undefined // a start() after this one opens afresh, not the abandoned promise
    this.#ticker.stop()
    this.#pump.reset()
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
