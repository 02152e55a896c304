// The relay's public types: its options, its log entries and the server it returns.
import type { IncomingMessage, Server } from 'node:http'
import type { PolicyProtocol, SessionPolicy } from './relay-policy'
import type { ResumptionBinding } from './relay-resumption'

/** What `authorize` may attach to a connection (user id, plan, …); passed to `sessionPolicy`. */
export type RelayClaims = Record<string, unknown>

export interface RelayServerOptions {
  upstream: 'openai' | 'gemini' | 'mock'
  /**
   * The provider key. Stays on the server: it is sent upstream only, never to the browser.
   * Required for `openai` and `gemini`; for `mock` it defaults to a placeholder that a mock server
   * without `keys` accepts.
   */
  apiKey?: string | undefined
  /** Endpoint overrides; required for `mock` (use the mock server's `openaiUrl`/`geminiUrl`). */
  upstreamUrls?: { openai?: string; gemini?: string } | undefined
  /** OpenAI model when the client names none, or always when the policy locks `model`. */
  openaiModel?: string | undefined
  /** Decide per request: `false` refuses (HTTP 401), an object attaches claims. */
  authorize?:
    | ((request: IncomingMessage) => boolean | RelayClaims | Promise<boolean | RelayClaims>)
    | undefined
  /**
   * Browser origins allowed to connect (`'*'` for any). Default: same-origin browsers and
   * clients that send no `Origin` (servers, tests). A refused origin gets HTTP 403.
   */
  allowedOrigins?: readonly string[] | '*' | undefined
  /** Largest message accepted from the browser; bigger closes the socket with 1009. Default 256 KiB. */
  maxMessageBytes?: number | undefined
  /**
   * Concurrent connections across all clients, counted from the moment a handshake is admitted
   * (so handshakes still awaiting `authorize` count); beyond it HTTP 503. Default 100.
   */
  maxConnections?: number | undefined
  /**
   * Concurrent connections per client IP, counted the same way; beyond it HTTP 429. Default 4.
   * IPv6 clients count per /64 (one client usually holds a whole /64).
   */
  perIpLimit?: number | undefined
  /**
   * The client's IP behind a reverse proxy you trust (e.g. the address your proxy appends to
   * `X-Forwarded-For`); it counts toward `perIpLimit` and is logged. Default: the socket's
   * address. An answer of `undefined` (or a throw) falls back to it.
   */
  ipOf?: ((request: IncomingMessage) => string | undefined) | undefined
  /** Bytes allowed to queue in either direction before the relay gives up with 1013. Default 4 MiB. */
  maxBufferedBytes?: number | undefined
  /**
   * Which session fields a client may set; a function picks a policy per connection (if it
   * throws, that connection closes with 1011).
   */
  sessionPolicy?: SessionPolicy | ((claims: RelayClaims) => SessionPolicy | undefined) | undefined
  host?: string | undefined
  port?: number | undefined
  /**
   * Attach to an existing HTTP server instead of starting one. The app starts it listening
   * (before or after); the relay only handles upgrades under `basePath`.
   */
  server?: Server | undefined
  /** Relay paths are `${basePath}/openai` and `${basePath}/gemini`. Default ''. */
  basePath?: string | undefined
  /**
   * Gemini only: binds each session-resumption handle to the user it was issued to, so nobody
   * else can resume that conversation through the relay (all users share its key). Without it,
   * any client holding a handle can resume. With it, a resume whose handle was not issued to
   * the same `owner` closes with 1008, and so does one from a connection without an owner.
   */
  resumption?: ResumptionBinding | undefined
  /**
   * Observability: connection lifecycle and policy decisions (never frames or keys). What it
   * throws (or rejects) is ignored: a failing log sink never breaks the relay.
   */
  onLog?: ((entry: RelayLogEntry) => void) | undefined
}

export type RelayLogEntry =
  | { type: 'refused'; status: number; reason: string; ip: string }
  | { type: 'open'; protocol: PolicyProtocol; ip: string }
  | { type: 'policy'; action: 'filtered' | 'refused'; fields: string[] }
  | { type: 'closed'; code: number; reason: string; by: 'client' | 'upstream' | 'relay' }
  | { type: 'resumption'; action: 'refused' | 'storeError'; detail: string }

export interface RelayServer {
  /** `ws://host:port{basePath}`; clients connect to `${url}/openai` or `${url}/gemini`. */
  readonly url: string
  readonly openaiUrl: string
  readonly geminiUrl: string
  /** Connections holding a slot: open, or admitted and still authorizing or upgrading. */
  connectionCount(): number
  close(): Promise<void>
}
