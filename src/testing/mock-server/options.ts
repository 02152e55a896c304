import type { MockBrain } from './brain'
import type { MockClock } from './clock'
import type { MockFaultPlan } from './faults'

/** Which credentials (API keys, tokens) or model names are accepted: a list, or a predicate. */
export type Acceptor = readonly string[] | ((value: string) => boolean)

export interface MockRealtimeServerOptions {
  /** Default `127.0.0.1`: the mock never listens beyond the machine unless asked to. */
  host?: string
  /** Default 0: a free port (read it from `url`). */
  port?: number
  /** Serve `https:`/`wss:` with this certificate (the `openai` client only dials `wss:`). */
  tls?: { key: string | Buffer; cert: string | Buffer }
  /**
   * Accepted credentials per provider. Default: any non-empty key. Ephemeral keys minted by the
   * mock's own `POST /v1/realtime/client_secrets` and `POST /v1alpha/auth_tokens` are always accepted.
   */
  keys?: { openai?: Acceptor; gemini?: Acceptor }
  /** The model behind both protocols. Default `createMockBrain()`. */
  brain?: MockBrain
  /** Per-connection fault script. */
  faults?: MockFaultPlan
  /**
   * Connection lifetime. Gemini: `goAway { timeLeft }` `goAwayLeadMs` before the end, then close
   * 1011 "Deadline expired…" (the real limit is about 10 minutes). OpenAI: `session_expired` error,
   * then close 1001 (the real limit is 60 minutes). Default: unlimited.
   */
  connectionLifetimeMs?: number
  /** How long before the end of the lifetime Gemini's `goAway` is sent. Default min(50 s, lifetime / 2). */
  goAwayLeadMs?: number
  /** Seeds every id, handle and noise sample. Default 1. */
  seed?: number
  clock?: MockClock
  /** Server-initiated WebSocket pings on OpenAI connections (the service pings about every 20 s). 0 disables. Default 20 000. */
  pingIntervalMs?: number
  /** Most frames `log` keeps (the oldest are forgotten). Default: all of them. */
  maxLoggedFrames?: number
  /** Negotiate `permessage-deflate` when the client offers it, as the services do. Default true. */
  perMessageDeflate?: boolean
  /**
   * Limits on video frames (Gemini `realtimeInput.video`, OpenAI `input_image`): a frame over
   * them is refused like a malformed one. Defaults: 2 MiB encoded, 16 megapixels.
   */
  video?: { maxFrameBytes?: number; maxPixels?: number }
  openai?: {
    /** Accepted `?model=` values. Default: any name containing `realtime` or `gpt-audio`. */
    models?: Acceptor
    /**
     * Send `rate_limits.updated` after each `response.done`. Default true. The recorded gpt-realtime
     * sessions (July 2026) carry none, the probe of gpt-realtime-mini (September 2026) does: both
     * are real, so replay tests can switch it off.
     */
    rateLimits?: boolean
  }
  gemini?: {
    /** Accepted model names (without `models/`). Default: any name starting with `gemini`. */
    models?: Acceptor
    /** Send server JSON in binary frames, like the service. Default true. */
    binaryFrames?: boolean
    /** Treat this exact path as a Vertex endpoint (the SDK's custom-base-URL "proxy" mode). */
    proxyPath?: string
  }
}

export function accepts(
  acceptor: Acceptor | undefined,
  value: string,
  fallback: (value: string) => boolean,
): boolean {
  if (acceptor === undefined) return fallback(value)
  return typeof acceptor === 'function' ? acceptor(value) : acceptor.includes(value)
}
