import { createServer, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { RealtimeError } from '../core/errors'
import {
  clientAddress,
  createAdmissionControl,
  originAllowed,
  refuseHandshake,
} from './relay-admission'
import { bridge } from './relay-bridge'
import type { PolicyProtocol, SessionPolicy } from './relay-policy'
import type { RelayClaims, RelayLogEntry, RelayServer, RelayServerOptions } from './relay-options'
import { relayCloseCodes } from './relay-close-codes'
import { createMemoryHandleStore, createResumptionGuard } from './relay-resumption'
import { splitRequestTarget, upstreamTarget, type UpstreamSettings } from './relay-upstream'

export { relayCloseCodes }
export type { RelayClaims, RelayLogEntry, RelayServer, RelayServerOptions } from './relay-options'

/**
 * The key a mock relay sends when given none. Not a word: the relay redacts its key from
 * everything the upstream sends back, and redacting a common word would garble replies.
 */
const MOCK_RELAY_KEY = 'adk-realtime-mock-relay-key'

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
  const apiKey = options.apiKey ?? (options.upstream === 'mock' ? MOCK_RELAY_KEY : undefined)
  const limits = {
    maxMessageBytes: options.maxMessageBytes ?? 256 * 1024,
    maxConnections: options.maxConnections ?? 100,
    perIpLimit: options.perIpLimit ?? 4,
    maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
  }
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const log = (entry: RelayLogEntry): void => {
    try {
      const result: unknown = options.onLog?.(entry)
      if (result instanceof Promise) result.catch(() => {})
    } catch {
      // Logs run inside socket listeners, where a throw would end the process.
    }
  }
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
    refuseHandshake(socket, status, reason)
  }

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { path, query } = splitRequestTarget(request.url ?? '/')
    const rest = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : ''
    const protocol: PolicyProtocol | undefined = rest.startsWith('/openai')
      ? 'openai'
      : rest.startsWith('/gemini')
        ? 'gemini'
        : undefined
    // On a shared server other upgrade handlers (Vite's HMR, an app's own sockets) own the
    // other paths; answer only on a server of our own.
    if (protocol === undefined && options.server !== undefined) return
    // Ours from here. Node's HTTP server drops its own error listener before 'upgrade', and `ws`
    // adds one only in `handleUpgrade`: a client resetting while it is refused or authorized
    // would otherwise crash the process.
    socket.on('error', () => {})
    const ip = clientAddress(request, options.ipOf)
    if (protocol === undefined || (options.upstream !== 'mock' && protocol !== options.upstream)) {
      return refuse(socket, 404, 'Not Found', ip)
    }
    if (!originAllowed(request, options.allowedOrigins)) return refuse(socket, 403, 'Forbidden', ip)
    if (socket.destroyed) return
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
      // Thrown from here it would escape into `ws` and end the process: this connection closes
      // with 1011 instead, and its slot goes with its socket. Messages stay server-side (a URL
      // can hold the key).
      const fail = (logged: string, sent: string): void => {
        log({ type: 'closed', code: relayCloseCodes.upstreamFailed, reason: logged, by: 'relay' })
        client.close(relayCloseCodes.upstreamFailed, sent)
      }
      let policy: SessionPolicy | undefined
      try {
        policy =
          typeof options.sessionPolicy === 'function'
            ? options.sessionPolicy(claims)
            : options.sessionPolicy
      } catch {
        return fail('sessionPolicy threw', 'relay could not decide the session policy')
      }
      // A promise (an async function, from JavaScript) has no locks: treating it as a policy
      // would let every field through, so the connection is refused instead.
      if (typeof (policy as { then?: unknown } | undefined)?.then === 'function') {
        return fail('sessionPolicy returned a promise', 'relay could not decide the session policy')
      }
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
        // A malformed `upstreamUrls` throws while building or dialling the URL.
        fail('invalid upstream URL', 'relay misconfigured: invalid upstream URL')
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
    // Whatever slips through costs this connection, never the process (an unhandled rejection).
    onUpgrade(request, socket, head).catch(() => socket.destroy())
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
