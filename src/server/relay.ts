import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { RealtimeError } from '../core/errors'
import { applySessionPolicy, type PolicyProtocol, type SessionPolicy } from './relay-policy'
import {
  closeReason,
  sendableCloseCode,
  splitRequestTarget,
  upstreamTarget,
  type UpstreamSettings,
} from './relay-upstream'

/** What `authorize` may attach to a connection (user id, plan, …); passed to `sessionPolicy`. */
export type RelayClaims = Record<string, unknown>

export interface RelayServerOptions {
  upstream: 'openai' | 'gemini' | 'mock'
  /** The provider key. Stays on the server: it is sent upstream only, never to the browser. */
  apiKey?: string
  /** Endpoint overrides; required for `mock` (use the mock server's `openaiUrl`/`geminiUrl`). */
  upstreamUrls?: { openai?: string; gemini?: string }
  /** OpenAI model when the client names none, or always when the policy locks `model`. */
  openaiModel?: string
  /** Decide per request: `false` refuses (HTTP 401), an object attaches claims. */
  authorize?: (request: IncomingMessage) => boolean | RelayClaims | Promise<boolean | RelayClaims>
  /**
   * Browser origins allowed to connect (`'*'` for any). Default: same-origin browsers and
   * clients that send no `Origin` (servers, tests). A refused origin gets HTTP 403.
   */
  allowedOrigins?: readonly string[] | '*'
  /** Largest message accepted from the browser; bigger closes the socket with 1009. Default 256 KiB. */
  maxMessageBytes?: number
  /** Concurrent connections across all clients; beyond it HTTP 503. Default 100. */
  maxConnections?: number
  /** Concurrent connections per client IP; beyond it HTTP 429. Default 4. */
  perIpLimit?: number
  /** Bytes allowed to queue in either direction before the relay gives up with 1013. Default 4 MiB. */
  maxBufferedBytes?: number
  /** Which session fields a client may set; a function picks a policy per connection. */
  sessionPolicy?: SessionPolicy | ((claims: RelayClaims) => SessionPolicy | undefined)
  host?: string
  port?: number
  /**
   * Attach to an existing HTTP server instead of starting one. The app starts it listening
   * (before or after); the relay only handles upgrades under `basePath`.
   */
  server?: Server
  /** Relay paths are `${basePath}/openai` and `${basePath}/gemini`. Default ''. */
  basePath?: string
  /** Observability: connection lifecycle and policy decisions (never frames or keys). */
  onLog?: (entry: RelayLogEntry) => void
}

export type RelayLogEntry =
  | { type: 'refused'; status: number; reason: string; ip: string }
  | { type: 'open'; protocol: PolicyProtocol; ip: string }
  | { type: 'policy'; action: 'filtered' | 'refused'; fields: string[] }
  | { type: 'closed'; code: number; reason: string; by: 'client' | 'upstream' | 'relay' }

export interface RelayServer {
  /** `ws://host:port{basePath}`; clients connect to `${url}/openai` or `${url}/gemini`. */
  readonly url: string
  readonly openaiUrl: string
  readonly geminiUrl: string
  connectionCount(): number
  close(): Promise<void>
}

/** Close codes the relay itself uses (documented in the README). */
export const relayCloseCodes = {
  /** A browser message exceeded `maxMessageBytes`. */
  messageTooBig: 1009,
  /** A session message broke a refusing policy (Gemini; OpenAI gets an `error` event). */
  policyViolation: 1008,
  /** The upstream could not be reached or refused the handshake. */
  upstreamFailed: 1011,
  /** A direction's buffer exceeded `maxBufferedBytes` (slow consumer). */
  backpressure: 1013,
} as const

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
  const perIp = new Map<string, number>()
  const sockets = new Set<WebSocket>()

  const refuse = (socket: Duplex, status: number, reason: string, ip: string): void => {
    log({ type: 'refused', status, reason, ip })
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
    if (sockets.size >= limits.maxConnections) return refuse(socket, 503, 'Service Unavailable', ip)
    if ((perIp.get(ip) ?? 0) >= limits.perIpLimit)
      return refuse(socket, 429, 'Too Many Requests', ip)
    // Count the slot before awaiting `authorize`, so a burst cannot slip past the per-IP limit.
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1)
    const releaseSlot = once(() => {
      const left = (perIp.get(ip) ?? 1) - 1
      if (left <= 0) perIp.delete(ip)
      else perIp.set(ip, left)
    })
    let claims: RelayClaims = {}
    try {
      const verdict = options.authorize ? await options.authorize(request) : true
      if (verdict === false) {
        releaseSlot()
        return refuse(socket, 401, 'Unauthorized', ip)
      }
      if (typeof verdict === 'object') claims = verdict
    } catch {
      releaseSlot()
      return refuse(socket, 401, 'Unauthorized', ip)
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      sockets.add(client)
      client.once('close', () => {
        sockets.delete(client)
        releaseSlot()
      })
      log({ type: 'open', protocol, ip })
      const policy =
        typeof options.sessionPolicy === 'function'
          ? options.sessionPolicy(claims)
          : options.sessionPolicy
      const settings: UpstreamSettings = {
        upstream: options.upstream,
        apiKey: options.apiKey,
        upstreamUrls: options.upstreamUrls,
        openaiModel: options.openaiModel ?? 'gpt-realtime',
        modelLocked: policy?.locked?.includes('model') ?? false,
      }
      const suffix = rest.slice(protocol === 'openai' ? '/openai'.length : '/gemini'.length)
      bridge(client, upstreamTarget(settings, protocol, suffix, query), protocol, policy)
    })
  }

  const bridge = (
    client: WebSocket,
    target: ReturnType<typeof upstreamTarget>,
    protocol: PolicyProtocol,
    policy: SessionPolicy | undefined,
  ): void => {
    const upstream = new WebSocket(target.url, protocol === 'openai' ? ['realtime'] : [], {
      headers: target.headers,
      perMessageDeflate: false,
    })
    const pending: Array<{ data: RawData | string; binary: boolean }> = []
    let pendingBytes = 0
    const redact = (text: string): string =>
      options.apiKey ? text.split(options.apiKey).join('[redacted]') : text
    const closeBoth = once((code: number, reason: string, by: 'client' | 'upstream' | 'relay') => {
      log({ type: 'closed', code, reason, by })
      const safeReason = closeReason(redact(reason))
      if (client.readyState === WebSocket.OPEN) client.close(sendableCloseCode(code), safeReason)
      else client.terminate()
      if (upstream.readyState === WebSocket.OPEN) upstream.close(1000)
      else upstream.terminate()
    })

    const toUpstream = (data: RawData | string, binary: boolean): void => {
      if (upstream.readyState === WebSocket.OPEN) {
        if (upstream.bufferedAmount > limits.maxBufferedBytes) {
          return closeBoth(relayCloseCodes.backpressure, 'relay upstream buffer full', 'relay')
        }
        upstream.send(data, { binary })
        return
      }
      pendingBytes += byteLength(data)
      if (pendingBytes > limits.maxBufferedBytes) {
        return closeBoth(
          relayCloseCodes.backpressure,
          'relay buffer full before upstream opened',
          'relay',
        )
      }
      pending.push({ data, binary })
    }

    client.on('message', (data, isBinary) => {
      if (isBinary || policy === undefined) return toUpstream(data, isBinary)
      const text = data.toString()
      let message: unknown
      try {
        message = JSON.parse(text)
      } catch {
        return toUpstream(text, false) // the provider answers malformed input itself
      }
      const decision = applySessionPolicy(protocol, message, policy)
      if (decision.kind === 'refuse') {
        log({ type: 'policy', action: 'refused', fields: decision.violations })
        const detail = `session fields locked by the server: ${decision.violations.join(', ')}`
        if (protocol === 'gemini')
          return closeBoth(relayCloseCodes.policyViolation, detail, 'relay')
        client.send(JSON.stringify(policyError(message, detail)))
        return
      }
      if (decision.removed.length > 0) {
        log({ type: 'policy', action: 'filtered', fields: decision.removed })
      }
      toUpstream(JSON.stringify(decision.message), false)
    })
    client.on('close', (code, reason) => closeBoth(code, reason.toString(), 'client'))
    client.on('error', () => closeBoth(1011, 'client error', 'client'))

    upstream.on('open', () => {
      for (const item of pending.splice(0)) upstream.send(item.data, { binary: item.binary })
      pendingBytes = 0
    })
    upstream.on('message', (data, isBinary) => {
      if (client.readyState !== WebSocket.OPEN) return
      if (client.bufferedAmount > limits.maxBufferedBytes) {
        return closeBoth(relayCloseCodes.backpressure, 'relay client buffer full', 'relay')
      }
      // Keep the frame type: Gemini sends JSON in binary frames and its SDK expects that.
      if (isBinary) client.send(data, { binary: true })
      else client.send(redact(data.toString()), { binary: false })
    })
    upstream.on('close', (code, reason) => closeBoth(code, reason.toString(), 'upstream'))
    upstream.on('unexpected-response', (_req, res) => {
      closeBoth(
        relayCloseCodes.upstreamFailed,
        `upstream refused the connection (HTTP ${res.statusCode})`,
        'upstream',
      )
    })
    upstream.on('error', (error) => {
      closeBoth(
        relayCloseCodes.upstreamFailed,
        `upstream unreachable: ${error.message}`,
        'upstream',
      )
    })
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
    connectionCount: () => sockets.size,
    close: async () => {
      server.off('upgrade', upgradeListener)
      for (const socket of sockets) socket.terminate()
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

/** The error event the real service sends for a refused update, so clients handle it alike. */
function policyError(message: unknown, detail: string) {
  const eventId = (message as { event_id?: unknown }).event_id
  return {
    type: 'error',
    event_id: `event_relay_${Date.now().toString(36)}`,
    error: {
      type: 'invalid_request_error',
      code: 'relay_policy_violation',
      message: detail,
      param: 'session',
      event_id: typeof eventId === 'string' ? eventId : null,
    },
  }
}

function byteLength(data: RawData | string): number {
  if (typeof data === 'string') return Buffer.byteLength(data)
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0)
  return data.byteLength
}

function once<TArgs extends unknown[]>(fn: (...args: TArgs) => void): (...args: TArgs) => void {
  let done = false
  return (...args) => {
    if (done) return
    done = true
    fn(...args)
  }
}
