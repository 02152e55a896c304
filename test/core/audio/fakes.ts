// Stand-ins for Web Audio and the microphone, enough to drive MicrophoneCapture, AudioPlayer and
// createBrowserAudio in Node: contexts that close, worklet nodes whose port a test speaks through,
// and a MediaDevices whose permission prompts a test answers by hand (in any order).
import { vi } from 'vitest'
import type { PlayerStatsMessage } from '../../../src/core/audio/worklets/protocol'

export class FakeTrack extends EventTarget {
  readonly kind = 'audio'
  enabled = true
  readyState: 'live' | 'ended' = 'live'
  readonly label: string
  constructor(readonly deviceId: string) {
    super()
    this.label = `Microphone ${deviceId}`
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId }
  }
  stop(): void {
    this.readyState = 'ended'
  }
}

export class FakeWorkletNode {
  readonly port = {
    postMessage: (_message: unknown) => {},
    onmessage: null as ((event: { data: unknown }) => void) | null,
  }
  onprocessorerror: unknown = null
  constructor(
    readonly context: FakeContext,
    readonly name: string,
  ) {
    audioFakes.nodes.push(this)
  }
  connect(): void {}
  disconnect(): void {}
}

export class FakeContext extends EventTarget {
  state: AudioContextState = 'suspended'
  readonly sampleRate = 48_000
  currentTime = 0
  readonly destination = {}
  readonly audioWorklet = { addModule: () => audioFakes.moduleLoad ?? Promise.resolve() }
  /** Streams connected to this context (`createMediaStreamSource`). */
  readonly sources: MediaStream[] = []
  constructor() {
    super()
    audioFakes.contexts.push(this)
  }
  resume(): Promise<void> {
    this.#set('running')
    return Promise.resolve()
  }
  close(): Promise<void> {
    if (!audioFakes.closeLater) {
      this.#set('closed')
      return Promise.resolve()
    }
    return new Promise((resolve) =>
      setTimeout(() => {
        this.#set('closed')
        resolve()
      }, 0),
    )
  }
  createBufferSource() {
    return { buffer: null, connect() {}, start() {} }
  }
  createBuffer() {
    return {}
  }
  createMediaStreamSource(stream: MediaStream) {
    this.sources.push(stream)
    return { connect() {}, disconnect() {} }
  }
  #set(state: AudioContextState): void {
    this.state = state
    this.dispatchEvent(new Event('statechange'))
  }
}

/** What the fakes created in the current test. */
export const audioFakes = {
  contexts: [] as FakeContext[],
  nodes: [] as FakeWorkletNode[],
  /** While set, loading the worklet module waits for it. */
  moduleLoad: undefined as Promise<void> | undefined,
  /** `close()` changes `state` only when it completes (a later task), not at once. */
  closeLater: false,
}

/** Installs `AudioContext` and `AudioWorkletNode`; undo with `vi.unstubAllGlobals()`. */
export function installWebAudio(): void {
  audioFakes.contexts.length = 0
  audioFakes.nodes.length = 0
  audioFakes.moduleLoad = undefined
  audioFakes.closeLater = false
  vi.stubGlobal('AudioContext', FakeContext)
  vi.stubGlobal('AudioWorkletNode', FakeWorkletNode)
}

/** The player worklet's node, once created. */
export function playerNode(): FakeWorkletNode {
  const node = audioFakes.nodes.find((candidate) => candidate.name === 'adk-realtime-player')
  if (node === undefined) throw new Error('no player node')
  return node
}

/** The player worklet reports output starting or stopping. */
export function reportPlaying(playing: boolean): void {
  const message: PlayerStatsMessage = {
    type: 'stats',
    frame: 1280,
    quantum: 128,
    consumed: 128,
    queued: playing ? 4000 : 0,
    playing,
    level: playing ? 0.3 : 0,
    underruns: 0,
    items: [],
  }
  playerNode().port.onmessage?.({ data: message })
}

export interface MicrophoneRequest {
  /** `undefined`: the default device. */
  deviceId: string | undefined
  track: FakeTrack
  grant(): void
  refuse(name: string): void
}

/** A MediaDevices whose every `getUserMedia` waits until the test grants or refuses it. */
export function fakeMicrophones(): { devices: MediaDevices; requests: MicrophoneRequest[] } {
  const requests: MicrophoneRequest[] = []
  const getUserMedia = (constraints: MediaStreamConstraints): Promise<MediaStream> =>
    new Promise((resolve, reject) => {
      const audio = constraints.audio as { deviceId?: { exact?: string } }
      const deviceId = audio.deviceId?.exact
      const track = new FakeTrack(deviceId ?? 'default')
      const stream = { getTracks: () => [track], getAudioTracks: () => [track] }
      requests.push({
        deviceId,
        track,
        grant: () => resolve(stream as unknown as MediaStream),
        refuse: (name) => reject(new DOMException('refused', name)),
      })
    })
  const devices = Object.assign(new EventTarget(), {
    getUserMedia,
    enumerateDevices: () => Promise.resolve([] as MediaDeviceInfo[]),
  })
  return { devices: devices as unknown as MediaDevices, requests }
}

/** Lets promise chains and a macrotask run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
  await new Promise((resolve) => setTimeout(resolve, 0))
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((done) => (resolve = done))
  return { promise, resolve }
}
