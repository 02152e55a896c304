/**
 * The slice of `werift` (a pure-TypeScript WebRTC stack) the mock's WebRTC endpoint uses, typed
 * structurally so nothing of `adk-realtime/testing` depends on werift's types, and loaded by a
 * dynamic import on the first call: users who never place a WebRTC call need no werift at all.
 */

export interface WeriftEvent<TArgs extends unknown[]> {
  subscribe(listener: (...args: TArgs) => void): unknown
}

export interface WeriftDataChannel {
  readonly label: string
  readonly readyState: 'connecting' | 'open' | 'closing' | 'closed'
  readonly stateChanged: WeriftEvent<[string]>
  readonly onMessage: WeriftEvent<[string | Buffer]>
  send(data: string): void
  close(): void
}

export interface WeriftTrack {
  readonly kind: string
  readonly onReceiveRtp: WeriftEvent<[{ payload: Buffer; header: { payloadType: number } }]>
  writeRtp(packet: unknown): void
  stop(): void
}

export interface WeriftTransceiver {
  readonly kind: string
  readonly sender: { replaceTrack(track: WeriftTrack | null): Promise<void> }
  /** The direction the remote offered (`recvonly` from a listen-only browser). */
  readonly offerDirection: string
  setDirection(direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'): void
}

export interface WeriftPeerConnection {
  readonly connectionState: string
  readonly localDescription: { sdp: string } | null
  readonly onDataChannel: WeriftEvent<[WeriftDataChannel]>
  readonly connectionStateChange: WeriftEvent<[string]>
  /** Remote tracks, announced while the offer is applied. */
  readonly onTrack: WeriftEvent<[WeriftTrack]>
  setRemoteDescription(description: { type: 'offer'; sdp: string }): Promise<void>
  createAnswer(): Promise<{ type: string; sdp: string }>
  setLocalDescription(description: { type: string; sdp: string }): Promise<unknown>
  getTransceivers(): WeriftTransceiver[]
  close(): Promise<void>
}

export interface WeriftModule {
  RTCPeerConnection: new (config: Record<string, unknown>) => WeriftPeerConnection
  RTCRtpCodecParameters: new (props: Record<string, unknown>) => unknown
  MediaStreamTrack: new (props: { kind: 'audio' }) => WeriftTrack
  RtpHeader: new (props: Record<string, unknown>) => unknown
  RtpPacket: new (header: unknown, payload: Buffer) => unknown
}

let loading: Promise<WeriftModule> | undefined

/** Imports werift once; rejects when it is not installed. */
export function loadWerift(): Promise<WeriftModule> {
  // Never followed by a bundler (the magic comments; the specifier is a variable): builds that
  // never place a call must not need werift. In Node it resolves like any dependency.
  const specifier = 'werift'
  loading ??= (
    import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<WeriftModule>
  ).catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}
