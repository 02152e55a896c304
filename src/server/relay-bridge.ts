import { WebSocket, type RawData } from 'ws'
import type { RelayLogEntry } from './relay'
import { relayCloseCodes } from './relay-close-codes'
import {
  applySessionPolicy,
  type ConfigKey,
  type PolicyProtocol,
  type SessionPolicy,
} from './relay-policy'
import { createRedactor, toBuffer } from './relay-redact'
import { closeReason, sendableCloseCode, type UpstreamTarget } from './relay-upstream'

export interface BridgeSettings {
  apiKey: string | undefined
  maxBufferedBytes: number
  log: (entry: RelayLogEntry) => void
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

  client.on('message', (data, isBinary) => {
    if (policy === undefined) return toUpstream(data, isBinary)
    // Binary frames are read too: both services parse a binary frame's UTF-8 JSON like text.
    let message: unknown
    try {
      message = JSON.parse(toBuffer(data).toString('utf8'))
    } catch {
      // What the relay cannot read it cannot vouch for: a lenient upstream parser might find a
      // locked field in it.
      log({ type: 'policy', action: 'refused', fields: [] })
      return refuse(undefined, 'the relay applies a session policy and needs JSON messages', null)
    }
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
    const forwarded = decision.message === message ? data : JSON.stringify(decision.message)
    toUpstream(forwarded, isBinary)
  })
  client.on('close', (code, reason) => closeBoth(code, reason.toString(), 'client'))
  client.on('error', () => closeBoth(1011, 'client error', 'client'))

  upstream.on('open', () => {
    for (const item of pending.splice(0)) upstream.send(item.data, { binary: item.binary })
    pendingBytes = 0
  })
  upstream.on('message', (data, isBinary) => {
    if (client.readyState !== WebSocket.OPEN) return
    if (client.bufferedAmount > maxBufferedBytes) {
      return closeBoth(relayCloseCodes.backpressure, 'relay client buffer full', 'relay')
    }
    // Keep the frame type: Gemini sends JSON in binary frames and its SDK expects that.
    if (isBinary) client.send(redact.binary(toBuffer(data)), { binary: true })
    else client.send(redact.text(data.toString()), { binary: false })
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
