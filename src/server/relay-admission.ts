import type { Duplex } from 'node:stream'

export interface AdmissionLimits {
  /** Connections across all clients, counted from admission (before `authorize` settles). */
  maxConnections: number
  /** Connections per client IP, counted the same way. */
  perIpLimit: number
}

export type Admission =
  { admitted: true; release: () => void } | { admitted: false; status: 429 | 503; reason: string }

export interface AdmissionControl {
  /**
   * Takes a slot for `socket`, or says which limit is full. The slot is released when the raw
   * socket closes, whatever closed it; `release` frees it earlier (a refusal), and is idempotent.
   */
  admit(ip: string, socket: Duplex): Admission
  /** Connections holding a slot: open, or admitted and still authorizing or upgrading. */
  count(): number
  /** Destroys every socket holding a slot (the relay is closing). */
  destroyAll(): void
}

/**
 * Connection limits for the relay. A slot is taken the moment a handshake is admitted, before an
 * async `authorize` is awaited: counting only finished upgrades lets a burst of simultaneous
 * clients through. It is tied to the raw socket's `close`, because every way a handshake can end
 * closes it, while `ws` never calls back when it aborts one (a bad `Sec-WebSocket-Key`, a client
 * gone during `authorize`).
 */
export function createAdmissionControl(limits: AdmissionLimits): AdmissionControl {
  const perIp = new Map<string, number>()
  const holders = new Set<Duplex>()

  return {
    admit(ip, socket) {
      if (holders.size >= limits.maxConnections) {
        return { admitted: false, status: 503, reason: 'Service Unavailable' }
      }
      if ((perIp.get(ip) ?? 0) >= limits.perIpLimit) {
        return { admitted: false, status: 429, reason: 'Too Many Requests' }
      }
      holders.add(socket)
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1)
      let released = false
      const release = (): void => {
        if (released) return
        released = true
        holders.delete(socket)
        const left = (perIp.get(ip) ?? 1) - 1
        if (left <= 0) perIp.delete(ip)
        else perIp.set(ip, left)
      }
      socket.once('close', release)
      return { admitted: true, release }
    },
    count: () => holders.size,
    destroyAll: () => {
      for (const socket of holders) socket.destroy()
    },
  }
}
