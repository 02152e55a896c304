import { WebSocket, type RawData } from 'ws'
import type { RelayLogEntry } from './relay-options'
import { relayCloseCodes } from './relay-close-codes'
import {
  applySessionPolicy,
  mayCarryConfig,
  type ConfigKey,
  type PolicyProtocol,
  type SessionPolicy,
} from './relay-policy'
import { createOrderedTasks } from './ordered-tasks'
import { createRedactor, toBuffer } from './relay-redact'
import { requestedHandles, type ResumptionGuard } from './relay-resumption'
import { closeReason, sendableCloseCode, type UpstreamTarget } from './relay-upstream'

export interface BridgeSettings {
  apiKey: string | undefined
  maxBufferedBytes: number
  log: (entry: RelayLogEntry) => void
  /** Gemini with a resumption binding: records this connection's handles, checks its resumes. */
  resumption?: ResumptionGuard
}

/**
 * Pipes one browser socket to its upstream: the policy on the way up, key redaction on the way
 * down, bounded buffers both ways, and one close for both sides.
 */
export function bridge(
  client: WebSocket,
  target: UpstreamTarget,
  protocol: PolicyProtocol,
  policy: SessionPolicy | undefined,
  settings: BridgeSettings,
): void {
  const { log, maxBufferedBytes } = settings
  const redact = createRedactor(settings.apiKey)
  const upstream = new WebSocket(target.url, protocol === 'openai' ? ['realtime'] : [], {
    headers: target.headers,
    perMessageDeflate: false,
  })
  const pending: Array<{ data: RawData | string; binary: boolean }> = []
  let pendingBytes = 0
  let closed = false
  const closeBoth = (code: number, reason: string, by: 'client' | 'upstream' | 'relay'): void => {
    if (closed) return
    closed = true
    // Upstream reasons can echo the key (a Gemini error quotes its URL): logs are no safer.
    const redacted = redact.text(reason)
    log({ type: 'closed', code, reason: redacted, by })
    const safeReason = closeReason(redacted)
    if (client.readyState === WebSocket.OPEN) client.close(sendableCloseCode(code), safeReason)
    else client.terminate()
    if (upstream.readyState === WebSocket.OPEN) upstream.close(1000)
    else upstream.terminate()
  }

  const toUpstream = (data: RawData | string, binary: boolean): void => {
    if (upstream.readyState === WebSocket.OPEN) {
      if (upstream.bufferedAmount > maxBufferedBytes) {
        return closeBoth(relayCloseCodes.backpressure, 'relay upstream buffer full', 'relay')
      }
      upstream.send(data, { binary })
      return
    }
    pendingBytes += byteLength(data)
    if (pendingBytes > maxBufferedBytes) {
      return closeBoth(
        relayCloseCodes.backpressure,
        'relay buffer full before upstream opened',
        'relay',
      )
    }
    pending.push({ data, binary })
  }

  /**
   * Everything for the browser goes through here, refusals too: a client that sends tiny frames
   * and never reads would otherwise have the relay queue an answer to each without limit.
   */
  const toClientBounded = (data: Buffer | string, binary: boolean): void => {
    if (client.readyState !== WebSocket.OPEN) return
    if (client.bufferedAmount > maxBufferedBytes) {
      return closeBoth(relayCloseCodes.backpressure, 'relay client buffer full', 'relay')
    }
    client.send(data, { binary })
  }

  /** OpenAI hears about a refusal as an `error` event and keeps the socket; Gemini is closed. */
  const refuse = (message: unknown, detail: string, param: ConfigKey | null): void => {
    if (protocol === 'gemini') return closeBoth(relayCloseCodes.policyViolation, detail, 'relay')
    toClientBounded(JSON.stringify(policyError(message, detail, param)), false)
  }

  const resumption = settings.resumption

  /**
   * Forwards a parsed message under the policy, always as the relay prints it: upstream reads
   * exactly what was checked, even if the frame spelled a key twice (JSON.parse keeps the last,
   * another parser may keep the first) or in escapes.
   */
  const forward = (message: unknown, isBinary: boolean): void => {
    const decision = applySessionPolicy(protocol, message, policy)
    if (decision.kind === 'refuse') {
      log({ type: 'policy', action: 'refused', fields: decision.violations })
      const fields = decision.violations.join(', ')
      return refuse(message, `session fields locked by the server: ${fields}`, decision.configKey)
    }
    if (decision.removed.length > 0) {
      log({ type: 'policy', action: 'filtered', fields: decision.removed })
    }
    toUpstream(JSON.stringify(decision.message), isBinary)
  }

  /** A `setup` asking to resume goes on only if every handle in it was issued to this owner. */
  const resumeIfOwned = (
    guard: ResumptionGuard,
    handles: string[],
    message: unknown,
    isBinary: boolean,
  ): void | Promise<void> => {
    const settle = (owned: boolean): void => {
      if (owned) return forward(message, isBinary)
      log({ type: 'resumption', action: 'refused', detail: 'handle not issued to this owner' })
      closeBoth(
        relayCloseCodes.policyViolation,
        'resumption handle not issued to this user',
        'relay',
      )
    }
    const failed = (): void => {
      log({ type: 'resumption', action: 'storeError', detail: 'handle lookup failed' })
      closeBoth(
        relayCloseCodes.upstreamFailed,
        'relay could not check the resumption handle',
        'relay',
      )
    }
    let owned: boolean | Promise<boolean>
    try {
      owned = guard.owns(handles)
    } catch {
      return failed()
    }
    return owned instanceof Promise ? owned.then(settle, failed).catch(unreadable) : settle(owned)
  }

  /**
   * A message the relay parsed but could not check or print (nested deep enough to overflow the
   * stack, a handle that is no string): thrown from a socket listener it would end the process.
   */
  const unreadable = (): void => {
    log({ type: 'policy', action: 'refused', fields: [] })
    refuse(undefined, 'the relay could not check this message', null)
  }

  const fromClient = (data: RawData, isBinary: boolean): void | Promise<void> => {
    if (closed) return
    if (policy === undefined && resumption === undefined) return toUpstream(data, isBinary)
    const frame = toBuffer(data)
    const carriesConfig = mayCarryConfig(protocol, frame)
    // A binding alone checks only what may be a `setup`; a policy reads every frame (below).
    if (policy === undefined && !carriesConfig) return toUpstream(data, isBinary)
    let message: unknown
    try {
      message = JSON.parse(frame.toString('utf8'))
    } catch {
      // What the relay cannot read it cannot vouch for: a lenient upstream parser might find a
      // locked field, or a resumption handle, in it (in UTF-16, say, which no byte check sees).
      log({ type: 'policy', action: 'refused', fields: [] })
      return refuse(undefined, 'the relay checks session messages and needs JSON', null)
    }
    // No config in its bytes (audio, most events): the frame as it came, not printed again.
    if (!carriesConfig) return toUpstream(data, isBinary)
    try {
      if (resumption !== undefined) {
        const handles = requestedHandles(message)
        if (handles.length > 0) return resumeIfOwned(resumption, handles, message, isBinary)
      }
      forward(message, isBinary)
    } catch {
      unreadable()
    }
  }

  const toClient = (data: RawData | Buffer, isBinary: boolean): void => {
    if (client.readyState !== WebSocket.OPEN) return
    // Keep the frame type: Gemini sends JSON in binary frames and its SDK expects that.
    if (isBinary) toClientBounded(redact.binary(toBuffer(data)), true)
    else toClientBounded(redact.text(data.toString()), false)
  }

  /** Records a handle the upstream issues to this owner before the browser can use it. */
  const fromUpstream = (data: RawData, isBinary: boolean): void | Promise<void> => {
    if (resumption === undefined) return toClient(data, isBinary)
    const frame = toBuffer(data) // joined once, for the store and for the browser
    const storeFailed = (): void => {
      // The handle reaches the browser anyway; resuming with it will be refused.
      log({ type: 'resumption', action: 'storeError', detail: 'handle not recorded' })
      toClient(frame, isBinary)
    }
    try {
      const recorded = resumption.record(frame)
      if (recorded instanceof Promise) {
        return recorded.then(() => toClient(frame, isBinary), storeFailed)
      }
    } catch {
      return storeFailed()
    }
    toClient(frame, isBinary)
  }

  /**
   * A frame listener. Without a binding nothing waits on a store, so each frame goes straight
   * through; with one, frames keep their order (a store may answer async) and what waits is bounded.
   */
  const inOrder = (
    handle: (data: RawData, isBinary: boolean) => void | Promise<void>,
    waitingFor: string,
  ): ((data: RawData, isBinary: boolean) => void) => {
    if (resumption === undefined) return (data, isBinary) => void handle(data, isBinary)
    const tasks = createOrderedTasks()
    return (data, isBinary) => {
      tasks.run(() => handle(data, isBinary), byteLength(data))
      if (tasks.heldBytes() > maxBufferedBytes) {
        closeBoth(relayCloseCodes.backpressure, `relay buffer full while ${waitingFor}`, 'relay')
      }
    }
  }

  client.on('message', inOrder(fromClient, 'checking a handle'))
  client.on('close', (code, reason) => closeBoth(code, reason.toString(), 'client'))
  client.on('error', () => closeBoth(1011, 'client error', 'client'))

  upstream.on('open', () => {
    for (const item of pending.splice(0)) upstream.send(item.data, { binary: item.binary })
    pendingBytes = 0
  })
  upstream.on('message', inOrder(fromUpstream, 'storing a handle'))
  upstream.on('close', (code, reason) => closeBoth(code, reason.toString(), 'upstream'))
  upstream.on('unexpected-response', (_req, res) => {
    closeBoth(
      relayCloseCodes.upstreamFailed,
      `upstream refused the connection (HTTP ${res.statusCode})`,
      'upstream',
    )
  })
  upstream.on('error', (error) => {
    closeBoth(relayCloseCodes.upstreamFailed, `upstream unreachable: ${error.message}`, 'upstream')
  })
}

/** The error event the real service sends for a refused event, so clients handle it alike. */
function policyError(message: unknown, detail: string, param: ConfigKey | null) {
  const eventId =
    typeof message === 'object' && message !== null
      ? (message as { event_id?: unknown }).event_id
      : undefined
  return {
    type: 'error',
    event_id: `event_relay_${Date.now().toString(36)}`,
    error: {
      type: 'invalid_request_error',
      code: 'relay_policy_violation',
      message: detail,
      param,
      event_id: typeof eventId === 'string' ? eventId : null,
    },
  }
}

function byteLength(data: RawData | string): number {
  if (typeof data === 'string') return Buffer.byteLength(data)
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0)
  return data.byteLength
}
