import { RealtimeError } from '../../errors'

/**
 * The browser globals an OpenAI WebRTC session needs, read only when a session connects — never
 * at import time — so importing the library in Node or during server-side rendering touches
 * nothing. Each can be injected instead (tests, React Native, a custom `fetch`).
 */

/** How a peer connection is made: the global `RTCPeerConnection`, or an injected one (tests). */
export type PeerConnectionFactory = (configuration?: RTCConfiguration) => RTCPeerConnection

/** The `fetch` surface the SDP exchange uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{
  ok: boolean
  status: number
  statusText: string
  headers: { get(name: string): string | null }
  text(): Promise<string>
}>

function scope(): Record<string, unknown> {
  return globalThis as unknown as Record<string, unknown>
}

/** `new RTCPeerConnection(configuration)`, or `unsupported` where WebRTC does not exist. */
export const defaultPeerConnectionFactory: PeerConnectionFactory = (configuration) => {
  const Constructor = scope().RTCPeerConnection as
    (new (configuration?: RTCConfiguration) => RTCPeerConnection) | undefined
  if (typeof Constructor !== 'function') {
    throw new RealtimeError(
      'unsupported',
      'WebRTC is not available here (no RTCPeerConnection): use OpenAIRealtimeModel (WebSocket), ' +
        'or pass peerConnectionFactory',
    )
  }
  return new Constructor(configuration)
}

/** The global `fetch`, or `unsupported`. */
export function defaultFetch(): FetchLike {
  const fetch = scope().fetch as FetchLike | undefined
  if (typeof fetch !== 'function') {
    throw new RealtimeError('unsupported', 'No fetch implementation is available: pass fetch')
  }
  return (url, init) => fetch(url, init)
}

/** An `<audio autoplay>` element for the remote track, or `undefined` outside a page. */
export function createAudioElement(): HTMLAudioElement | undefined {
  const document = scope().document as Document | undefined
  if (document === undefined || typeof document.createElement !== 'function') return undefined
  const element = document.createElement('audio')
  element.autoplay = true
  return element
}

/** A new AudioContext for level meters, or `undefined` where Web Audio does not exist. */
export function createMeterContext(): AudioContext | undefined {
  const Constructor = (scope().AudioContext ?? scope().webkitAudioContext) as
    (new () => AudioContext) | undefined
  if (typeof Constructor !== 'function') return undefined
  try {
    return new Constructor()
  } catch {
    return undefined // too many contexts, or a sandboxed frame: the levels just read 0
  }
}
