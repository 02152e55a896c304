import type { BrainMessage } from '../brain'
import type { MockClock } from '../clock'
import { trimMap } from '../bounded-map'

/**
 * Gemini session resumption. A session outlives its connections: each resumable
 * `sessionResumptionUpdate.newHandle` names a snapshot of the conversation at that safe point, and
 * a later `setup { sessionResumption: { handle } }` continues from it on a new socket. Handles stay
 * valid for two hours (the AI Studio documentation); a resume is refused with 1011 while another
 * socket of the same session is still open (observed on the service).
 */
export interface SessionRecord {
  readonly id: string
  /** Whether a socket of this session is open now. */
  connected: () => boolean
}

interface HandleEntry {
  record: SessionRecord
  history: BrainMessage[]
  expiresAt: number
}

const HANDLE_TTL_MS = 2 * 60 * 60 * 1000
/**
 * Each safe point of each session issues a handle holding the whole conversation, so a long-running
 * mock (`npm start`) keeps only the newest ones; a client resumes from its latest handle anyway.
 */
const MAX_HANDLES = 1000

export class ResumptionRegistry {
  readonly #clock: MockClock
  readonly #handles = new Map<string, HandleEntry>()
  #refusals = 0

  constructor(clock: MockClock) {
    this.#clock = clock
  }

  /** Stores a snapshot under `handle`, forgetting expired handles and the oldest beyond the cap. */
  issue(handle: string, record: SessionRecord, history: readonly BrainMessage[]): void {
    const now = this.#clock.now()
    this.#handles.set(handle, {
      record,
      history: structuredClone([...history]),
      expiresAt: now + HANDLE_TTL_MS,
    })
    trimMap(this.#handles, MAX_HANDLES, (entry) => entry.expiresAt <= now)
  }

  /** Refuses the next `count` resume attempts, on whichever connections they arrive. */
  refuseNext(count: number): void {
    this.#refusals = Math.max(0, Math.floor(count))
  }

  /** Consumes one refusal scheduled by {@link refuseNext}, if any is left. */
  takeRefusal(): boolean {
    if (this.#refusals === 0) return false
    this.#refusals--
    return true
  }

  /** The session and conversation a handle resumes, if it exists and has not expired. */
  resolve(handle: string): { record: SessionRecord; history: BrainMessage[] } | undefined {
    const entry = this.#handles.get(handle)
    if (!entry || entry.expiresAt <= this.#clock.now()) return undefined
    return { record: entry.record, history: structuredClone(entry.history) }
  }
}
