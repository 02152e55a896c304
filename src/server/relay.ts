import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { RealtimeError } from '../core/errors'
import { createAdmissionControl } from './relay-admission'
import { bridge } from './relay-bridge'
import type { PolicyProtocol, SessionPolicy } from './relay-policy'
import { relayCloseCodes } from './relay-close-codes'
import {
  createMemoryHandleStore,
  createResumptionGuard,
  type ResumptionBinding,
} from './relay-resumption'
import { splitRequestTarget, upstreamTarget, type UpstreamSettings } from './relay-upstream'

export { relayCloseCodes }

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
  /** Concurrent connections per client IP, counted the same way; beyond it HTTP 429. Default 4. */
  perIpLimit?: number | undefined
  /** Bytes allowed to queue in either direction before the relay gives up with 1013. Default 4 MiB. */
  maxBufferedBytes?: number | undefined
  /** Which session fields a client may set; a function picks a policy per connection. */
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
  /** Observability: connection lifecycle and policy decisions (never frames or keys). */
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

/**
 * A WebSocket relay so a browser reaches a provider while the API key stays on the server.
 *
 * @example
 * const relay = await createRelayServer({
 *   upstream: 'openai',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   allowedOrigins: ['https://app.example.com'],
 *   authorize: (req) => verifySession(req.headers.cookie) ?? false,
 *   sessionPolicy: { locked: ['model', 'tools', 'instructions'], onViolation: 'filter' },
 * })
 * // browser: new OpenAIRealtimeModel({ url: `${relay.openaiUrl}`, … })
 */
/**
 * The key a mock relay sends when given none. Not a word: the relay redacts its key from
 * everything the upstream sends back, and redacting a common word would garble replies.
 */
const MOCK_RELAY_KEY = 'adk-realtime-mock-relay-key'

export async function createRelayServer(options: RelayServerOptions): Promise<RelayServer> {
  if (options.upstream !== 'mock' && (options.apiKey ?? '') === '') {
    throw new RealtimeError('invalid_config', `The ${options.upstream} relay needs an apiKey`, {
      path: 'apiKey',
    })
  }
  if (options.upstream === 'mock' && options.upstreamUrls === undefined) {
    throw new RealtimeError('invalid_config', 'The mock relay needs upstreamUrls', {
      path: 'upstreamUrls',
    })
  }
  const apiKey = options.apiKey ?? (options.upstream === 'mock' ? MOCK_RELAY_KEY : undefined)
  const limits = {
    maxMessageBytes: options.maxMessageBytes ?? 256 * 1024,
    maxConnections: options.maxConnections ?? 100,
    perIpLimit: options.perIpLimit ?? 4,
    maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
  }
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const log = options.onLog ?? (() => {})
  const server = options.server ?? createServer((_req, res) => res.writeHead(426).end())
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    // Browsers fail the handshake unless the server selects one of the offered protocols; never
    // echo `openai-insecure-api-key.*` (it would hand a key back to the page).
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  })
  const admission = createAdmissionControl(limits)
  const handleStore =
    options.resumption === undefined
      ? undefined
      : (options.resumption.store ?? createMemoryHandleStore())

  const refuse = (socket: Duplex, status: number, reason: string, ip: string): void => {
    log({ type: 'refused', status, reason, ip })
    // Destroy once written: a client that keeps its half open must not keep the socket alive.
    socket.once('finish', () => socket.destroy())
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const ip = request.socket.remoteAddress ?? 'unknown'
    const { path, query } = splitRequestTarget(request.url ?? '/')
    if (!path.startsWith(`${basePath}/`)) {
      // On a shared server other upgrade handlers (Vite's HMR, an app's own sockets) own the
      // other paths; answer only on a server of our own.
      if (options.server !== undefined) return
      return refuse(socket, 404, 'Not Found', ip)
    }
    const rest = path.slice(basePath.length)
    const protocol: PolicyProtocol | undefined = rest.startsWith('/openai')
      ? 'openai'
      : rest.startsWith('/gemini')
        ? 'gemini'
        : undefined
    if (protocol === undefined && options.server !== undefined) return
    if (protocol === undefined || (options.upstream !== 'mock' && protocol !== options.upstream)) {
      return refuse(socket, 404, 'Not Found', ip)
    }
    if (!originAllowed(request, options.allowedOrigins)) return refuse(socket, 403, 'Forbidden', ip)
    if (socket.destroyed) return
    // Node's HTTP server drops its own error listener before 'upgrade', and `ws` adds one only in
    // `handleUpgrade`: a client resetting during `authorize` would otherwise crash the process.
    socket.on('error', () => {})
    const slot = admission.admit(ip, socket)
    if (!slot.admitted) return refuse(socket, slot.status, slot.reason, ip)
    let claims: RelayClaims = {}
    try {
      const verdict = options.authorize ? await options.authorize(request) : true
      if (verdict === false) {
        slot.release()
        return refuse(socket, 401, 'Unauthorized', ip)
      }
      if (typeof verdict === 'object') claims = verdict
    } catch {
      slot.release()
      return refuse(socket, 401, 'Unauthorized', ip)
    }
    // Gone while authorizing: its slot went with its socket, and no upstream is dialled for it.
    if (socket.destroyed) return
    wss.handleUpgrade(request, socket, head, (client) => {
      log({ type: 'open', protocol, ip })
      const policy =
        typeof options.sessionPolicy === 'function'
          ? options.sessionPolicy(claims)
          : options.sessionPolicy
      const settings: UpstreamSettings = {
        upstream: options.upstream,
        apiKey,
        upstreamUrls: options.upstreamUrls,
        openaiModel: options.openaiModel ?? 'gpt-realtime',
        modelLocked: policy?.locked?.includes('model') ?? false,
      }
      const suffix = rest.slice(protocol === 'openai' ? '/openai'.length : '/gemini'.length)
      try {
        const target = upstreamTarget(settings, protocol, suffix, query)
        bridge(client, target, protocol, policy, {
          apiKey,
          maxBufferedBytes: limits.maxBufferedBytes,
          log,
          ...(handleStore === undefined || protocol !== 'gemini'
            ? {}
            : { resumption: createResumptionGuard(resumptionOwner(claims, request), handleStore) }),
        })
      } catch {
        // A malformed `upstreamUrls` throws while building or dialling the URL. Thrown from
        // here it would be an unhandled rejection; the message stays server-side (it can hold
        // the URL, and the Gemini URL holds the key).
        const code = relayCloseCodes.upstreamFailed
        log({ type: 'closed', code, reason: 'invalid upstream URL', by: 'relay' })
        client.close(code, 'relay misconfigured: invalid upstream URL')
      }
    })
  }

  /** The binding's owner for this connection; one that cannot be named may not resume. */
  const resumptionOwner = (claims: RelayClaims, request: IncomingMessage): string | undefined => {
    try {
      const owner = options.resumption?.owner(claims, request)
      return typeof owner === 'string' && owner !== '' ? owner : undefined
    } catch {
      return undefined
    }
  }

  const upgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void onUpgrade(request, socket, head)
  }
  server.on('upgrade', upgradeListener)
  // Our own server listens here; an attached one is the app's to start (before or after).
  if (options.server === undefined) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
    })
  }
  const baseUrl = (): string => {
    const address = server.address()
    if (address === null || typeof address === 'string') {
      throw new RealtimeError(
        'not_connected',
        'The relay URL is known once its HTTP server listens',
      )
    }
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    return `ws://${host}:${address.port}${basePath}`
  }

  return {
    get url() {
      return baseUrl()
    },
    get openaiUrl() {
      return `${baseUrl()}/openai`
    },
    get geminiUrl() {
      return `${baseUrl()}/gemini`
    },
    connectionCount: () => admission.count(),
    close: async () => {
      server.off('upgrade', upgradeListener)
      // Open connections and handshakes still authorizing alike.
      admission.destroyAll()
      wss.close()
      if (options.server === undefined) {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    },
  }
}

function originAllowed(request: IncomingMessage, allowed: RelayServerOptions['allowedOrigins']) {
  const origin = request.headers.origin
  if (allowed === '*') return true
  if (origin === undefined) return true // not a browser: origin checks protect browsers only
  if (allowed !== undefined) return allowed.includes(origin)
  try {
    return new URL(origin).host === request.headers.host
  } catch {
    return false
  }
}
