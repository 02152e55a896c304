import type { IncomingMessage } from 'node:http'
import type { RelayClaims } from './relay-options'
import { isRecord, protoJsonKey } from './relay-policy-paths'

/**
 * Where the relay remembers who was issued each Gemini resumption handle. The default keeps them
 * in this process; relays behind a load balancer, or that restart during calls, share one store
 * (Redis, a database) so a user can resume through any instance.
 */
export interface ResumptionHandleStore {
  /** The owner `handle` was issued to, or `undefined` if unknown or expired. */
  get(handle: string): string | undefined | Promise<string | undefined>
  /** Records that `handle` belongs to `owner` for `ttlMs`. */
  set(handle: string, owner: string, ttlMs: number): void | Promise<void>
}

/**
 * Binds Gemini session-resumption handles to the user they were issued to. A handle resumes the
 * whole conversation, and through a relay every user shares one API key, so the service cannot
 * tell users apart: without a binding, anyone who learns a handle (a log, a shared device)
 * could continue someone else's session.
 */
export interface ResumptionBinding {
  /**
   * Who the connection belongs to (a user id from `authorize`'s claims). `undefined`: its
   * handles are not recorded and it may not resume.
   */
  owner: (claims: RelayClaims, request: IncomingMessage) => string | undefined
  /** Default: in memory, this process only. */
  store?: ResumptionHandleStore
}

/**
 * How long a handle stays bound. The service keeps handles for 2 hours after the session ends
 * (wire-protocols §1.7); handles are reissued after every turn, so the newest one is issued
 * close to the end. Half an hour more covers a last handle issued before a long silence.
 */
export const RESUMPTION_HANDLE_TTL_MS = 150 * 60 * 1000

/** An in-memory store: expired entries are dropped as they are met, the oldest beyond `maxHandles`. */
export function createMemoryHandleStore(
  options: { maxHandles?: number; now?: () => number } = {},
): ResumptionHandleStore {
  const maxHandles = options.maxHandles ?? 100_000
  const now = options.now ?? Date.now
  const handles = new Map<string, { owner: string; expiresAt: number }>()
  return {
    get(handle) {
      const entry = handles.get(handle)
      if (entry === undefined) return undefined
      if (entry.expiresAt > now()) return entry.owner
      handles.delete(handle)
      return undefined
    },
    set(handle, owner, ttlMs) {
      handles.delete(handle) // re-inserted last: the Map's order is the eviction order
      handles.set(handle, { owner, expiresAt: now() + ttlMs })
      for (const oldest of handles.keys()) {
        if (handles.size <= maxHandles) break
        handles.delete(oldest)
      }
    },
  }
}

/**
 * Every resumption handle a Gemini client message asks for. The service reads proto JSON, so
 * `session_resumption` counts as well as `sessionResumption`; a message with both carries both.
 */
export function requestedHandles(message: unknown): string[] {
  const setup = isRecord(message) ? message.setup : undefined
  if (!isRecord(setup)) return []
  const handles: string[] = []
  for (const [field, resumption] of Object.entries(setup)) {
    if (protoJsonKey(field) !== 'sessionResumption' || !isRecord(resumption)) continue
    const handle = resumption.handle
    if (handle !== undefined && handle !== null) handles.push(String(handle))
  }
  return handles
}

/** The resumable handle a Gemini server frame issues, if it issues one. */
export function issuedHandle(frame: Buffer): string | undefined {
  // Audio arrives every few ms and never names the update: most frames leave here unparsed.
  if (!frame.includes('sessionResumptionUpdate')) return undefined
  let message: unknown
  try {
    message = JSON.parse(frame.toString('utf8'))
  } catch {
    return undefined
  }
  const update = isRecord(message) ? message.sessionResumptionUpdate : undefined
  if (!isRecord(update) || update.resumable !== true) return undefined
  return typeof update.newHandle === 'string' && update.newHandle !== ''
    ? update.newHandle
    : undefined
}

/** One connection's side of the binding: what the bridge asks while it forwards frames. */
export interface ResumptionGuard {
  /** Whether every handle was issued to this connection's owner (rejects if the store fails). */
  owns(handles: readonly string[]): boolean | Promise<boolean>
  /** Records the resumable handle a server frame issues, if any, for this owner. */
  record(frame: Buffer): void | Promise<void>
}

export function createResumptionGuard(
  owner: string | undefined,
  store: ResumptionHandleStore,
): ResumptionGuard {
  return {
    owns(handles) {
      if (owner === undefined) return false
      const owners = handles.map((handle) => store.get(handle))
      const mine = (found: ReadonlyArray<string | undefined>) =>
        found.every((issuedTo) => issuedTo === owner)
      if (!owners.some((found) => found instanceof Promise)) {
        return mine(owners as Array<string | undefined>)
      }
      return Promise.all(owners).then(mine)
    },
    record(frame) {
      const handle = owner === undefined ? undefined : issuedHandle(frame)
      if (handle !== undefined) return store.set(handle, owner!, RESUMPTION_HANDLE_TTL_MS)
    },
  }
}
