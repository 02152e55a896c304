import { RealtimeError } from '../errors'
import { defaultMediaDevices } from './browser-env'
import { microphoneError } from './media-errors'
import { defaultMoved, listMicrophones } from './microphone-devices'
import { MicrophoneSource, openMicrophone, stopTracks } from './microphone-source'
import { CaptureNode } from './capture-node'
import { SharedAudioContext } from './shared-audio-context'
import { SnapshotStore } from './snapshot-store'
import { loadAudioWorklet } from './worklet-module'
import type { MicrophoneCaptureOptions, MicrophoneSnapshot } from './microphone-types'

export type {
  MicrophoneCaptureOptions,
  MicrophoneSnapshot,
  MicrophoneStatus,
} from './microphone-types'

/**
 * The microphone, resampled (anti-aliased) to the provider's rate in an AudioWorklet and cut into
 * 20 ms PCM16 frames.
 *
 * - The AudioContext runs at the device's rate; resampling happens in the worklet. Forcing a
 *   16 or 24 kHz context breaks Firefox.
 * - Mute keeps frames flowing, as silence: the provider's voice detection then sees the user stop
 *   (a mute mid-sentence ends the turn instead of leaving it open), and its audio clock stays in
 *   step with real time. The track is also disabled, so the browser shows the microphone as off.
 * - `setDevice` swaps the source under the running worklet: no reconnect, no gap in frames.
 *   Following the default device, a `devicechange` that moves the default (a headset plugged in)
 *   re-opens on the new one; a device that disappears falls back to the default.
 * - The track is stopped on every end path: `stop()`, a failed start, an unrecoverable device
 *   loss, a worklet error, and the AudioContext being closed.
 *
 * @example
 * const mic = new MicrophoneCapture({ sampleRate: 24_000, onFrame: (pcm) => runner.sendAudio(pcm) })
 * button.onclick = () => mic.start() // inside the gesture
 * mic.setMuted(true)
 * await mic.setDevice(devices[1].deviceId)
 * await mic.stop()
 */
export class MicrophoneCapture {
  readonly #options: MicrophoneCaptureOptions
  readonly #audio: SharedAudioContext
  readonly #ownsAudio: boolean
  readonly #store: SnapshotStore<MicrophoneSnapshot>
  #starting: Promise<void> | undefined
  #switching: Promise<void> = Promise.resolve()
  #context: AudioContext | undefined
  #node: CaptureNode | undefined
  #source: MicrophoneSource | undefined
  /** Bumped by every start and release: a start that sees it change was overtaken by stop(). */
  #generation = 0
  #frames = 0
  #cleanups: Array<() => void> = []

  constructor(options: MicrophoneCaptureOptions) {
    this.#options = options
    const audio = options.audio
    this.#ownsAudio = audio === undefined
    this.#audio =
      audio instanceof SharedAudioContext
        ? audio
        : new SharedAudioContext(audio === undefined ? {} : { context: audio })
    this.#store = new SnapshotStore<MicrophoneSnapshot>({
      status: 'idle',
      muted: options.muted ?? false,
      deviceId: options.deviceId,
      activeDeviceId: undefined,
      label: undefined,
      devices: [],
      error: undefined,
    })
  }

  getSnapshot(): MicrophoneSnapshot {
    return this.#store.get()
  }

  subscribe(listener: () => void): () => void {
    return this.#store.subscribe(listener)
  }

  /** RMS of the latest frame, 0–1. Cheap: read it every animation frame. */
  get level(): number {
    return this.#node?.level ?? 0
  }

  /** Frames delivered so far. */
  get frames(): number {
    return this.#frames
  }

  /** The track in use, while running. */
  get track(): MediaStreamTrack | undefined {
    return this.#source?.track
  }

  /** The AudioContext's rate (the device's), once started. */
  get contextSampleRate(): number | undefined {
    return this.#context?.sampleRate
  }

  /**
   * Opens the microphone. Call it from a user gesture: it unlocks the AudioContext synchronously
   * first. Rejects with `permission_denied` or `media_unavailable` (and releases everything). A
   * start that `stop()` overtook resolves without starting: what it opened is released.
   */
  start(): Promise<void> {
    if (this.#starting !== undefined) return this.#starting
    let context: AudioContext
    try {
      // Synchronously, before any await: this is what makes iOS Safari allow audio.
      context = this.#audio.unlock()
    } catch (error) {
      return Promise.reject(microphoneError(error))
    }
    const generation = ++this.#generation
    this.#update({ status: 'starting', error: undefined })
    this.#starting = this.#start(context, generation).catch((cause: unknown) => {
      if (generation !== this.#generation) return // stopped meanwhile: the failure is moot
      const error = microphoneError(cause, this.#snapshot.deviceId)
      void this.#release({ status: 'stopped', error })
      throw error
    })
    return this.#starting
  }

  async #start(context: AudioContext, generation: number): Promise<void> {
    this.#context = context
    const requested = this.#snapshot.deviceId
    const stream = await openMicrophone(this.#devices(), requested, this.#options.constraints)
    try {
      // stop() (and maybe another start) during the prompt or the module load: release the
      // stream this start opened; the newer start opens its own.
      if (generation !== this.#generation) return stopTracks(stream)
      await loadAudioWorklet(context, this.#options.workletUrl)
      if (generation !== this.#generation) return stopTracks(stream)
      this.#connect(context, stream)
    } catch (error) {
      stopTracks(stream)
      throw error
    }
    this.#update({ status: 'running' })
    void this.#refreshDevices()
    this.#follow(requested)
  }

  #connect(context: AudioContext, stream: MediaStream): void {
    const node = new CaptureNode({
      context,
      targetRate: this.#options.sampleRate,
      frameMs: this.#options.frameMs ?? 20,
      muted: this.#snapshot.muted,
      onFrame: (pcm, info) => this.#onFrame(pcm, info),
      onError: (message) => this.#fail(`The microphone worklet failed: ${message}`),
    })
    this.#node = node
    const source = new MicrophoneSource({
      devices: () => this.#devices(),
      constraints: this.#options.constraints,
      context,
      input: node.node,
      active: () => this.#snapshot.status === 'starting' || this.#snapshot.status === 'running',
      onLost: () => void this.#onTrackLost(),
    })
    this.#source = source
    source.setMuted(this.#snapshot.muted)
    source.use(stream)
    this.#updateTrack()
    const onState = (): void => {
      if (context.state === 'closed') void this.stop()
    }
    context.addEventListener('statechange', onState)
    const devices = this.#devices()
    const onDeviceChange = (): void => void this.#onDeviceChange()
    devices.addEventListener('devicechange', onDeviceChange)
    this.#cleanups.push(
      () => context.removeEventListener('statechange', onState),
      () => devices.removeEventListener('devicechange', onDeviceChange),
    )
  }

  /** `setDevice()` during the start only recorded the choice: switch to it now it is running. */
  #follow(opened: string | undefined): void {
    const wanted = this.#snapshot.deviceId
    if (wanted === opened) return
    this.#update({ deviceId: opened }) // the device in use, until the switch succeeds
    this.setDevice(wanted).catch((error: unknown) => {
      // #switchTo has already reported it if the capture lost its microphone.
      if (this.#snapshot.status === 'running') this.#report(microphoneError(error, wanted))
    })
  }

  /**
   * Silences the microphone (frames keep coming, as zeros — see the class notes) and disables the
   * track so the browser's indicator shows it off.
   */
  setMuted(muted: boolean): void {
    if (muted === this.#snapshot.muted) return
    this.#source?.setMuted(muted)
    this.#node?.setMuted(muted)
    this.#update({ muted })
  }

  /**
   * Switches to another microphone (`undefined`: the system default) without interrupting the
   * session. On failure the current microphone stays in use and the typed error is thrown.
   */
  setDevice(deviceId: string | undefined): Promise<void> {
    const run = this.#switching.then(() => this.#switchTo(deviceId))
    this.#switching = run.catch(() => {})
    return run
  }

  /** Audio inputs now (labels need permission first). */
  async listDevices(): Promise<MediaDeviceInfo[]> {
    return listMicrophones(this.#devices())
  }

  /** Stops capture and releases the microphone and (if owned) the AudioContext. Idempotent. */
  async stop(): Promise<void> {
    if (this.#snapshot.status === 'stopped' && this.#source === undefined) return
    await this.#release({ status: 'stopped' })
  }

  async #switchTo(deviceId: string | undefined): Promise<void> {
    const source = this.#source
    if (this.#snapshot.status !== 'running' || source === undefined) {
      if (this.#snapshot.status !== 'stopped') this.#update({ deviceId })
      return
    }
    const failure = await source.switchTo(deviceId, this.#snapshot.deviceId)
    if (failure?.lost === true) this.#fail(failure.error)
    if (failure !== undefined) throw failure.error
    this.#update({ deviceId })
    this.#updateTrack()
  }

  async #onDeviceChange(): Promise<void> {
    const devices = await this.#refreshDevices()
    if (this.#snapshot.deviceId === undefined && defaultMoved(devices, this.track)) {
      await this.setDevice(undefined).catch((error: RealtimeError) => this.#report(error))
    }
  }

  async #onTrackLost(): Promise<void> {
    try {
      await this.setDevice(undefined)
    } catch (error) {
      // #switchTo has already failed the capture if not even the default could be opened.
      if (this.#snapshot.status === 'running') this.#fail(microphoneError(error))
    }
  }

  #updateTrack(): void {
    const track = this.track
    this.#update({ activeDeviceId: track?.getSettings().deviceId, label: track?.label })
  }

  #onFrame(
    pcm: Uint8Array<ArrayBuffer>,
    info: { level: number; index: number; time: number },
  ): void {
    if (this.#snapshot.status !== 'running') return
    this.#frames = info.index
    try {
      this.#options.onFrame(pcm, info)
    } catch (error) {
      console.error(error) // an app callback bug must not stop the microphone
    }
  }

  async #refreshDevices(): Promise<MediaDeviceInfo[]> {
    try {
      const devices = await listMicrophones(this.#devices())
      this.#update({ devices })
      return devices
    } catch {
      return [...this.#snapshot.devices]
    }
  }

  #devices(): MediaDevices {
    return this.#options.mediaDevices ?? defaultMediaDevices()
  }

  #fail(cause: RealtimeError | string): void {
    const error = typeof cause === 'string' ? new RealtimeError('media_unavailable', cause) : cause
    this.#report(error)
    void this.#release({ status: 'stopped', error })
  }

  #report(error: RealtimeError): void {
    this.#update({ error })
    try {
      this.#options.onError?.(error)
    } catch (callbackError) {
      console.error(callbackError)
    }
  }

  async #release(patch: Partial<MicrophoneSnapshot>): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0)) cleanup()
    this.#node?.dispose()
    this.#node = undefined
    this.#source?.release()
    this.#source = undefined
    this.#generation += 1
    this.#starting = undefined
    this.#update(patch)
    if (this.#ownsAudio) await this.#audio.close().catch(() => {})
  }

  get #snapshot(): MicrophoneSnapshot {
    return this.#store.get()
  }

  #update(patch: Partial<MicrophoneSnapshot>): void {
    this.#store.update(patch)
  }
}
