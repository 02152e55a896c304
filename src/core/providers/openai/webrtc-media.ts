import { microphoneError } from '../../audio/media-errors'
import { microphoneConstraints } from '../../audio/microphone-devices'
import { defaultMediaDevices } from '../../audio/browser-env'
import { createAudioElement, createMeterContext } from './webrtc-env'

/** Where the microphone of a WebRTC session comes from. */
export type WebRTCMicrophone =
  /** A stream the app opened; its tracks are sent and never stopped by the library. */
  | MediaStream
  /** Open one with `getUserMedia` (echo cancellation, noise suppression, auto gain on). */
  | { deviceId?: string; constraints?: MediaTrackConstraints; mediaDevices?: MediaDevices }
  /** Receive only: no microphone (text input). */
  | false

export interface WebRTCMediaOptions {
  microphone: WebRTCMicrophone | undefined
  /** Plays the remote track; default: a detached `<audio autoplay>` element the session owns. */
  audioElement: HTMLAudioElement | undefined
  /** Runs the level meters; default: a context the session creates and closes. */
  audioContext: AudioContext | undefined
}

/**
 * The media ends of a WebRTC session: the microphone track it sends, the remote track it plays,
 * and pull-based level meters (AnalyserNode RMS, read at animation-frame rate — never pushed).
 * `release()` stops every track the session opened, detaches the player and closes the context
 * the session created; it is idempotent and safe on a half-built session.
 * @internal
 */
export class WebRTCMedia {
  readonly #options: WebRTCMediaOptions
  #ownedStream: MediaStream | undefined
  #microphone: MediaStream | undefined
  #element: HTMLAudioElement | undefined
  #ownsElement = false
  #context: AudioContext | undefined
  #ownsContext = false
  #input: AnalyserNode | undefined
  #output: AnalyserNode | undefined
  #sources: AudioNode[] = []
  #buffer: Float32Array<ArrayBuffer> | undefined
  #released = false

  constructor(options: WebRTCMediaOptions) {
    this.#options = options
    // Created first, synchronously inside the caller's gesture, so the browser lets it run.
    this.#context = options.audioContext ?? createMeterContext()
    this.#ownsContext = options.audioContext === undefined && this.#context !== undefined
    if (this.#context?.state === 'suspended') this.#context.resume().catch(() => {})
  }

  /** The stream whose audio track is sent, once opened (`undefined` when receive-only). */
  get microphone(): MediaStream | undefined {
    return this.#microphone
  }

  /** The element playing the agent (owned or given). */
  get audioElement(): HTMLAudioElement | undefined {
    return this.#element
  }

  /** Opens (or adopts) the microphone. Throws `permission_denied` / `media_unavailable`. */
  async openMicrophone(): Promise<MediaStream | undefined> {
    const option = this.#options.microphone ?? {}
    // Released already (the connect was aborted or failed): never prompt for the microphone.
    if (option === false || this.#released) return undefined
    if (isMediaStream(option)) {
      this.#microphone = option
    } else {
      const devices = option.mediaDevices ?? defaultMediaDevices()
      try {
        const constraints = microphoneConstraints(option.deviceId, option.constraints)
        this.#ownedStream = await devices.getUserMedia(constraints)
      } catch (error) {
        throw microphoneError(error, option.deviceId)
      }
      // Released while the permission prompt was open: give the microphone back at once.
      if (this.#released) {
        this.#stopOwned()
        return undefined
      }
      this.#microphone = this.#ownedStream
    }
    this.#input = this.#meter(this.#microphone)
    return this.#microphone
  }

  /** Plays the agent's track and meters it. */
  playRemote(stream: MediaStream): void {
    if (this.#released) return
    this.#element ??= this.#options.audioElement
    if (this.#element === undefined) {
      this.#element = createAudioElement()
      this.#ownsElement = this.#element !== undefined
    }
    if (this.#element !== undefined) {
      this.#element.srcObject = stream
      this.#element.play?.()?.catch?.(() => {}) // autoplay refused: the app's startAudio retries
    }
    this.#output = this.#meter(stream)
  }

  /** Microphone RMS, 0–1 (0 while muted or receive-only). */
  get inputLevel(): number {
    return this.#rms(this.#input)
  }

  /** RMS of the agent's voice as received, 0–1. */
  get outputLevel(): number {
    return this.#rms(this.#output)
  }

  /** Resumes playback the browser blocked (call it from a click). */
  async startAudio(): Promise<void> {
    await this.#context?.resume()
    await this.#element?.play()
  }

  /** Disables (mutes) or enables the microphone track; the browser shows it as off. */
  setMuted(muted: boolean): void {
    for (const track of this.#microphone?.getAudioTracks() ?? []) track.enabled = !muted
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    for (const node of this.#sources) node.disconnect()
    this.#sources = []
    this.#input = undefined
    this.#output = undefined
    this.#stopOwned()
    this.#microphone = undefined
    if (this.#element !== undefined) {
      this.#element.pause?.()
      this.#element.srcObject = null
      if (this.#ownsElement) this.#element.remove?.()
    }
    if (this.#ownsContext && this.#context?.state !== 'closed') {
      this.#context?.close().catch(() => {})
    }
  }

  #stopOwned(): void {
    for (const track of this.#ownedStream?.getTracks() ?? []) track.stop()
    this.#ownedStream = undefined
  }

  #meter(stream: MediaStream): AnalyserNode | undefined {
    const context = this.#context
    if (context === undefined || stream.getAudioTracks().length === 0) return undefined
    try {
      const source = context.createMediaStreamSource(stream)
      const analyser = context.createAnalyser()
      analyser.fftSize = 1024
      source.connect(analyser)
      this.#sources.push(source, analyser)
      return analyser
    } catch {
      return undefined // a meter is a nicety: never fail the call for it
    }
  }

  #rms(analyser: AnalyserNode | undefined): number {
    if (analyser === undefined) return 0
    if (this.#buffer?.length !== analyser.fftSize) this.#buffer = new Float32Array(analyser.fftSize)
    analyser.getFloatTimeDomainData(this.#buffer)
    let sum = 0
    for (const sample of this.#buffer) sum += sample * sample
    return Math.min(1, Math.sqrt(sum / this.#buffer.length))
  }
}

function isMediaStream(value: unknown): value is MediaStream {
  return typeof (value as MediaStream).getTracks === 'function'
}
