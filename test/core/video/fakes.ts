// Stand-ins for the browser's media objects, enough for VideoCapture in Node (and jsdom): tracks
// that can end, streams, a MediaDevices with a camera list, and a frame grabber whose frames a
// test releases by hand.
import type { FrameGrabber, FrameGrabberFactory } from '../../../src/core'

export class FakeTrack extends EventTarget {
  readonly kind = 'video'
  readyState: 'live' | 'ended' = 'live'
  constructor(
    readonly deviceId: string,
    readonly label = `Camera ${deviceId}`,
  ) {
    super()
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId, width: 1280, height: 720 }
  }
  stop(): void {
    this.readyState = 'ended'
  }
  /** The track ends on its own: "Stop sharing", an unplugged camera. */
  end(): void {
    this.readyState = 'ended'
    this.dispatchEvent(new Event('ended'))
  }
}

export function fakeStream(deviceId = 'cam-1'): MediaStream {
  const track = new FakeTrack(deviceId)
  return {
    getTracks: () => [track],
    getVideoTracks: () => [track],
  } as unknown as MediaStream
}

export function trackOf(stream: MediaStream | undefined): FakeTrack {
  const track = stream?.getVideoTracks()[0] as FakeTrack | undefined
  if (track === undefined) throw new Error('no track')
  return track
}

export interface FakeDevices {
  devices: MediaDevices
  streams: MediaStream[]
  /** Makes the next request fail with this DOMException name. */
  failNext(name: string): void
  /** Holds the next request until `release()` is called. */
  holdNext(): { release: () => void }
}

export function fakeMediaDevices(): FakeDevices {
  const streams: MediaStream[] = []
  let failure: string | undefined
  let hold: Promise<void> | undefined
  const target = new EventTarget()
  const open = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
    if (hold !== undefined) {
      const waiting = hold
      hold = undefined
      await waiting
    }
    if (failure !== undefined) {
      const name = failure
      failure = undefined
      throw new DOMException('refused', name)
    }
    const video = constraints?.video as { deviceId?: { exact?: string } } | undefined
    const stream = fakeStream(video?.deviceId?.exact ?? 'cam-1')
    streams.push(stream)
    return stream
  }
  const devices = Object.assign(target, {
    getUserMedia: open,
    getDisplayMedia: open,
    enumerateDevices: () =>
      Promise.resolve([
        { kind: 'videoinput', deviceId: 'cam-1', label: 'Front', groupId: 'g1' },
        { kind: 'videoinput', deviceId: 'cam-2', label: 'Back', groupId: 'g2' },
        { kind: 'audioinput', deviceId: 'mic-1', label: 'Mic', groupId: 'g3' },
      ] as MediaDeviceInfo[]),
  })
  return {
    devices: devices as unknown as MediaDevices,
    streams,
    failNext: (name) => {
      failure = name
    },
    holdNext: () => {
      let release!: () => void
      hold = new Promise((resolve) => (release = resolve))
      return { release }
    },
  }
}

/** A JPEG-signed byte string (the runner checks the signature). */
export const fakeJpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2])

export interface FakeGrabbers {
  factory: FrameGrabberFactory
  /** Every grab: the size asked for. */
  grabs: Array<{ width: number; height: number }>
  /** Grabs in flight right now, and the most there ever were. */
  inFlight: number
  maxInFlight: number
  disposed: number
  /** `auto` (default): frames are ready at once. `manual`: each waits for `finish()`. */
  mode: 'auto' | 'manual'
  finish(error?: Error): void
  /** The stream's picture size (`undefined`: no frame yet). */
  size: { width: number; height: number } | undefined
}

export function fakeGrabbers(): FakeGrabbers {
  const waiting: Array<{ resolve: (bytes: Uint8Array) => void; reject: (e: Error) => void }> = []
  const state: FakeGrabbers = {
    grabs: [],
    inFlight: 0,
    maxInFlight: 0,
    disposed: 0,
    mode: 'auto',
    size: { width: 1280, height: 720 },
    finish(error) {
      const next = waiting.shift()
      if (error) next?.reject(error)
      else next?.resolve(fakeJpeg)
    },
    factory: (): FrameGrabber => ({
      get size() {
        return state.size
      },
      async grab(size) {
        state.grabs.push(size)
        state.inFlight++
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
        try {
          if (state.mode === 'auto') return fakeJpeg
          return await new Promise<Uint8Array>((resolve, reject) =>
            waiting.push({ resolve, reject }),
          )
        } finally {
          state.inFlight--
        }
      },
      dispose() {
        state.disposed++
      },
    }),
  }
  return state
}
