import { WebSocket, type RawData } from 'ws'
import type { RelayLogEntry } from './relay'
import { relayCloseCodes } from './relay-close-codes'
import {
  applySessionPolicy,
  type ConfigKey,
  type PolicyProtocol,
  type SessionPolicy,
} from './relay-policy'
import { createOrderedTasks } from './ordered-tasks'
import { createRedactor, toBuffer } from './relay-redact'
import { mayCarrySetup, requestedHandles, type ResumptionGuard } from './relay-resumption'
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
    log({ type: 'closed', code, reason, by })
    const safeReason = closeReason(redact.text(reason))
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

  /** OpenAI hears about a refusal as an `error` event and keeps the socket; Gemini is closed. */
  const refuse = (message: unknown, detail: string, param: ConfigKey | null): void => {
    if (protocol === 'gemini') return closeBoth(relayCloseCodes.policyViolation, detail, 'relay')
    client.send(JSON.stringify(policyError(message, detail, param)))
  }

  const resumption = settings.resumption

  /** Forwards a parsed message under the policy; `reserialize` sends exactly what was checked. */
  const forward = (
    message: unknown,
    data: RawData,
    isBinary: boolean,
    reserialize: boolean,
  ): void => {
    const decision = applySessionPolicy(protocol, message, policy)
    if (decision.kind === 'refuse') {
      log({ type: 'policy', action: 'refused', fields: decision.violations })
      const fields = decision.violations.join(', ')
      return refuse(message, `session fields locked by the server: ${fields}`, decision.configKey)
    }
    if (decision.removed.length > 0) {
      log({ type: 'policy', action: 'filtered', fields: decision.removed })
    }
    // Untouched (audio, most events): the frame as it came, not parsed and printed again.
    const untouched = decision.message === message && !reserialize
    toUpstream(untouched ? data : JSON.stringify(decision.message), isBinary)
  }

  /** A `setup` asking to resume goes on only if every handle in it was issued to this owner. */
  const resumeIfOwned = (
    guard: ResumptionGuard,
    handles: string[],
    message: unknown,
    data: RawData,
    isBinary: boolean,
  ): void | Promise<void> => {
    const settle = (owned: boolean): void => {
      // Re-serialized: upstream reads the handle the relay checked, even if the frame spelled
      // it twice (duplicate keys) or in escapes.
      if (owned) return forward(message, data, isBinary, true)
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
    try {
      const owned = guard.owns(handles)
      return owned instanceof Promise ? owned.then(settle, failed) : settle(owned)
    } catch {
      return failed()
    }
  }

  const fromClient = (data: RawData, isBinary: boolean): void | Promise<void> => {
    if (closed) return
    if (policy === undefined && resumption === undefined) return toUpstream(data, isBinary)
    const frame = toBuffer(data)
    const checkResumption = resumption !== undefined && mayCarrySetup(frame)
    if (policy === undefined && !checkResumption) return toUpstream(data, isBinary)
    let message: unknown
    try {
      message = JSON.parse(frame.toString('utf8'))
    } catch {
      // What the relay cannot read it cannot vouch for: a lenient upstream parser might find a
      // locked field, or a resumption handle, in it.
      log({ type: 'policy', action: 'refused', fields: [] })
      return refuse(undefined, 'the relay checks session messages and needs JSON', null)
    }
    const handles = checkResumption ? requestedHandles(message) : []
    if (handles.length > 0) return resumeIfOwned(resumption!, handles, message, data, isBinary)
    forward(message, data, isBinary, false)
  }

  const toClient = (data: RawData, isBinary: boolean): void => {
    if (client.readyState !== WebSocket.OPEN) return
    if (client.bufferedAmount > maxBufferedBytes) {
      return closeBoth(relayCloseCodes.backpressure, 'relay client buffer full', 'relay')
    }
    // Keep the frame type: Gemini sends JSON in binary frames and its SDK expects that.
    if (isBinary) client.send(redact.binary(toBuffer(data)), { binary: true })
    else client.send(redact.text(data.toString()), { binary: false })
  }

  /** Records a handle the upstream issues to this owner before the browser can use it. */
  const fromUpstream = (data: RawData, isBinary: boolean): void | Promise<void> => {
    if (resumption === undefined) return toClient(data, isBinary)
    const storeFailed = (): void => {
      // The handle reaches the browser anyway; resuming with it will be refused.
      log({ type: 'resumption', action: 'storeError', detail: 'handle not recorded' })
      toClient(data, isBinary)
    }
    try {
      const recorded = resumption.record(toBuffer(data))
      if (recorded instanceof Promise) {
        return recorded.then(() => toClient(data, isBinary), storeFailed)
      }
    } catch {
      return storeFailed()
    }
    toClient(data, isBinary)
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
