import type { IncomingMessage } from 'node:http'
import { isIPv6 } from 'node:net'
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
   * Takes a slot for `socket`, or says which limit is full; `ip` counts under its
   * {@link addressBucket}. The slot is released when the raw
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
    admit(address, socket) {
      const ip = addressBucket(address)
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

/**
 * What per-IP limits count under. An IPv6 client usually holds a whole /64 (a home or a cloud
 * host gets one), so counting single addresses would give it 2^64 times the limit; an
 * IPv4-mapped address (`::ffff:1.2.3.4`, what a dual-stack socket reports) counts as its IPv4.
 */
export function addressBucket(ip: string): string {
  const address = ip.split('%')[0]! // a zone index (`fe80::1%eth0`) names no other client
  if (!isIPv6(address)) return ip
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!]
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address: `::` expanded, a dotted IPv4 tail read. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::')
  const read = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)]
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number)
          return [(a << 8) | b, (c << 8) | d]
        })
  const left = read(head)
  const right = tail === undefined ? [] : read(tail)
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
}

/**
 * The client's address, for per-IP limits and logs: `ipOf`'s answer behind a trusted proxy,
 * else the socket's. An `ipOf` that throws or answers nothing falls back to the socket's address
 * (the proxy's, shared by every such client: the cautious side).
 */
export function clientAddress(
  request: IncomingMessage,
  ipOf: ((request: IncomingMessage) => string | undefined) | undefined,
): string {
  const socketAddress = request.socket.remoteAddress ?? 'unknown'
  try {
    const ip = ipOf?.(request)
    return typeof ip === 'string' && ip !== '' ? ip : socketAddress
  } catch {
    return socketAddress
  }
}

/** Whether a browser's `Origin` may connect (see `allowedOrigins`). */
export function originAllowed(
  request: IncomingMessage,
  allowed: readonly string[] | '*' | undefined,
): boolean {
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

/** Answers a refused handshake with a bare HTTP status, and lets the socket go. */
export function refuseHandshake(socket: Duplex, status: number, reason: string): void {
  // Destroy once written: a client that keeps its half open must not keep the socket alive.
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
