import { RealtimeError } from '../errors'
import { defaultMediaDevices } from './browser-env'
import { microphoneError } from './media-errors'
import { defaultMoved, listMicrophones, microphoneConstraints } from './microphone-devices'
import { SharedAudioContext } from './shared-audio-context'
import { CAPTURE_SLOT, StatsView, createStatsBuffer } from './stats-buffer'
import { loadAudioWorklet } from './worklet-module'
import { CAPTURE_PROCESSOR } from './worklets/protocol'
import type { CaptureCommand, CaptureMessage, CaptureProcessorOptions } from './worklets/protocol'

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
  /** Each frame: PCM16 little-endian mono, `frameMs` long, with its own buffer. */
  onFrame: (pcm: Uint8Array<ArrayBuffer>, info: { level: number; index: number }) => void
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
  readonly #listeners = new Set<() => void>()
  #snapshot: MicrophoneSnapshot
  #starting: Promise<void> | undefined
  #switching: Promise<void> = Promise.resolve()
  #context: AudioContext | undefined
  #node: AudioWorkletNode | undefined
  #source: MediaStreamAudioSourceNode | undefined
  #stream: MediaStream | undefined
  #stats: StatsView | undefined
  #level = 0
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
    this.#snapshot = {
      status: 'idle',
      muted: options.muted ?? false,
      deviceId: options.deviceId,
      activeDeviceId: undefined,
      label: undefined,
      devices: [],
      error: undefined,
    }
  }

  getSnapshot(): MicrophoneSnapshot {
    return this.#snapshot
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** RMS of the latest frame, 0–1. Cheap: read it every animation frame. */
  get level(): number {
    return this.#stats?.level(CAPTURE_SLOT.level) ?? this.#level
  }

  /** Frames delivered so far. */
  get frames(): number {
    return this.#frames
  }

  /** The track in use, while running. */
  get track(): MediaStreamTrack | undefined {
    return this.#stream?.getAudioTracks()[0]
  }

  /** The AudioContext's rate (the device's), once started. */
  get contextSampleRate(): number | undefined {
    return this.#context?.sampleRate
  }

  /**
   * Opens the microphone. Call it from a user gesture: it unlocks the AudioContext synchronously
   * first. Rejects with `permission_denied` or `media_unavailable` (and releases everything).
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
    this.#update({ status: 'starting', error: undefined })
    this.#starting = this.#start(context).catch((cause: unknown) => {
      const error = microphoneError(cause, this.#snapshot.deviceId)
      void this.#release({ status: 'stopped', error })
      throw error
    })
    return this.#starting
  }

  async #start(context: AudioContext): Promise<void> {
    this.#context = context
    const stream = await this.#open(this.#snapshot.deviceId)
    // stop() during the permission prompt: release what the prompt just granted.
    if (this.#snapshot.status !== 'starting') return this.#stopTracks(stream)
    this.#stream = stream
    await loadAudioWorklet(context, this.#options.workletUrl)
    if (this.#snapshot.status !== 'starting') return
    const stats = createStatsBuffer()
    this.#stats = stats === undefined ? undefined : new StatsView(stats)
    const processorOptions: CaptureProcessorOptions = {
      targetRate: this.#options.sampleRate,
      frameMs: this.#options.frameMs ?? 20,
      muted: this.#snapshot.muted,
      ...(stats === undefined ? {} : { stats }),
    }
    const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      // Web Audio mixes a stereo microphone down to mono before the worklet sees it.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions,
    })
    node.port.onmessage = (event: MessageEvent<CaptureMessage>) => this.#onMessage(event.data)
    node.onprocessorerror = () => this.#fail('The microphone worklet stopped with an error')
    // The output is silent; connecting it makes every browser pull the node (Safari does not
    // process nodes that lead nowhere).
    node.connect(context.destination)
    this.#node = node
    this.#attach(stream)
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
    this.#update({ status: 'running' })
    void this.#refreshDevices()
  }

  /**
   * Silences the microphone (frames keep coming, as zeros — see the class notes) and disables the
   * track so the browser's indicator shows it off.
   */
  setMuted(muted: boolean): void {
    if (muted === this.#snapshot.muted) return
    const track = this.track
    if (track !== undefined) track.enabled = !muted
    const command: CaptureCommand = { type: 'mute', muted }
    this.#node?.port.postMessage(command)
    if (muted) this.#level = 0
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
    if (this.#snapshot.status === 'stopped' && this.#stream === undefined) return
    await this.#release({ status: 'stopped' })
  }

  async #switchTo(deviceId: string | undefined): Promise<void> {
    const status = this.#snapshot.status
    if (status !== 'running') {
      if (status !== 'stopped') this.#update({ deviceId })
      return
    }
    let stream: MediaStream
    try {
      stream = await this.#open(deviceId)
    } catch (cause) {
      // Some platforms (Android) cannot open a second microphone while one is open: release
      // the current one and try again, then go back to it if the new one still fails.
      const error = microphoneError(cause, deviceId)
      if (!error.retriable) throw error
      this.#detachSource()
      try {
        stream = await this.#open(deviceId)
      } catch (retryCause) {
        const error = microphoneError(retryCause, deviceId)
        try {
          this.#attach(await this.#open(this.#snapshot.deviceId))
        } catch {
          this.#fail(error)
        }
        throw error
      }
    }
    if (this.#snapshot.status !== 'running') return this.#stopTracks(stream)
    this.#detachSource()
    this.#update({ deviceId })
    this.#attach(stream)
  }

  async #onDeviceChange(): Promise<void> {
    const devices = await this.#refreshDevices()
    if (this.#snapshot.deviceId === undefined && defaultMoved(devices, this.track)) {
      await this.setDevice(undefined).catch((error: RealtimeError) => this.#report(error))
    }
  }

  #attach(stream: MediaStream): void {
    const context = this.#context
    const node = this.#node
    if (context === undefined || node === undefined) return
    this.#stream = stream
    const source = context.createMediaStreamSource(stream)
    source.connect(node)
    this.#source = source
    const track = stream.getAudioTracks()[0]
    if (track !== undefined) {
      track.enabled = !this.#snapshot.muted
      // 'ended' without stop(): unplugged, permission revoked, or the OS took the device.
      track.addEventListener('ended', () => {
        if (this.#stream === stream) void this.#onTrackLost()
      })
    }
    const settings = track?.getSettings()
    this.#update({ activeDeviceId: settings?.deviceId, label: track?.label })
  }

  async #onTrackLost(): Promise<void> {
    try {
      await this.setDevice(undefined)
    } catch (error) {
      // #switchTo has already failed the capture if not even the default could be opened.
      if (this.#snapshot.status === 'running') this.#fail(microphoneError(error))
    }
  }

  #detachSource(): void {
    this.#source?.disconnect()
    this.#source = undefined
    if (this.#stream !== undefined) this.#stopTracks(this.#stream)
    this.#stream = undefined
  }

  #onMessage(message: CaptureMessage): void {
    if (message.type === 'error') {
      this.#fail(`The microphone worklet failed: ${message.message}`)
      return
    }
    if (this.#snapshot.status !== 'running') return
    this.#level = message.level
    this.#frames = message.index
    try {
      this.#options.onFrame(new Uint8Array(message.pcm), {
        level: message.level,
        index: message.index,
      })
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

  async #open(deviceId: string | undefined): Promise<MediaStream> {
    try {
      return await this.#devices().getUserMedia(
        microphoneConstraints(deviceId, this.#options.constraints),
      )
    } catch (error) {
      throw microphoneError(error, deviceId)
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
    const node = this.#node
    if (node !== undefined) {
      const command: CaptureCommand = { type: 'stop' }
      node.port.postMessage(command)
      node.port.onmessage = null
      node.disconnect()
    }
    this.#node = undefined
    this.#detachSource()
    this.#starting = undefined
    this.#level = 0
    this.#update(patch)
    if (this.#ownsAudio) await this.#audio.close().catch(() => {})
  }

  #stopTracks(stream: MediaStream): void {
    for (const track of stream.getTracks()) track.stop()
  }

  #update(patch: Partial<MicrophoneSnapshot>): void {
    const next = { ...this.#snapshot, ...patch }
    const keys = Object.keys(patch) as Array<keyof MicrophoneSnapshot>
    if (keys.every((key) => next[key] === this.#snapshot[key])) return
    this.#snapshot = next
    for (const listener of [...this.#listeners]) listener()
  }
}
