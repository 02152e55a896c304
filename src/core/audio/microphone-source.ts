import type { RealtimeError } from '../errors'
import { microphoneError } from './media-errors'
import { microphoneConstraints } from './microphone-devices'

export interface MicrophoneSourceOptions {
  devices: () => MediaDevices
  constraints: MediaTrackConstraints | undefined
  /** The graph the microphone feeds (the capture worklet node). */
  context: AudioContext
  input: AudioNode
  /** False once the capture is stopping: a stream opened meanwhile is released at once. */
  active: () => boolean
  /** The track ended without `release()`: unplugged, permission revoked, or taken by the OS. */
  onLost: () => void
}

/**
 * The microphone end of the capture graph: opens a device with the capture constraints, connects
 * its stream to the worklet, and swaps devices under the running worklet. Owns the tracks: every
 * stream it opened is stopped when replaced or released.
 * @internal
 */
export class MicrophoneSource {
  readonly #options: MicrophoneSourceOptions
  #stream: MediaStream | undefined
  #node: MediaStreamAudioSourceNode | undefined
  #muted = false

  constructor(options: MicrophoneSourceOptions) {
    this.#options = options
  }

  get track(): MediaStreamTrack | undefined {
    return this.#stream?.getAudioTracks()[0]
  }

  open(deviceId: string | undefined): Promise<MediaStream> {
    return openMicrophone(this.#options.devices(), deviceId, this.#options.constraints)
  }

  /** Connects `stream`, replacing (and stopping) the current one. */
  use(stream: MediaStream): void {
    if (!this.#options.active()) return stopTracks(stream)
    this.release()
    this.#stream = stream
    this.#node = this.#options.context.createMediaStreamSource(stream)
    this.#node.connect(this.#options.input)
    const track = this.track
    if (track === undefined) return
    track.enabled = !this.#muted
    track.addEventListener('ended', () => {
      if (this.#stream === stream) this.#options.onLost()
    })
  }

  /** Disabling the track makes the browser show the microphone as off. */
  setMuted(muted: boolean): void {
    this.#muted = muted
    const track = this.track
    if (track !== undefined) track.enabled = !muted
  }

  /**
   * Opens `deviceId` and swaps it in. Some platforms (Android) cannot open a second microphone
   * while one is open: then the current one is released and the new one tried again, and if that
   * still fails, `previous` is re-opened. Throws the typed error of the new device; `lost` is set
   * when not even `previous` could be re-opened (the capture has no microphone any more).
   */
  async switchTo(
    deviceId: string | undefined,
    previous: string | undefined,
  ): Promise<{ error: RealtimeError; lost: boolean } | undefined> {
    let stream: MediaStream
    try {
      stream = await this.open(deviceId)
    } catch (cause) {
      const error = microphoneError(cause, deviceId)
      if (!error.retriable) return { error, lost: false }
      this.release()
      try {
        stream = await this.open(deviceId)
      } catch (retryCause) {
        const retryError = microphoneError(retryCause, deviceId)
        try {
          this.use(await this.open(previous))
          return { error: retryError, lost: false }
        } catch {
          return { error: retryError, lost: true }
        }
      }
    }
    this.use(stream)
    return undefined
  }

  /** Disconnects and stops the current stream. */
  release(): void {
    this.#node?.disconnect()
    this.#node = undefined
    if (this.#stream !== undefined) stopTracks(this.#stream)
    this.#stream = undefined
  }
}

/** Opens a device (`undefined`: the default) with the capture constraints; typed errors. */
export async function openMicrophone(
  devices: MediaDevices,
  deviceId: string | undefined,
  constraints: MediaTrackConstraints | undefined,
): Promise<MediaStream> {
  try {
    return await devices.getUserMedia(microphoneConstraints(deviceId, constraints))
  } catch (error) {
    throw microphoneError(error, deviceId)
  }
}

export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop()
}
