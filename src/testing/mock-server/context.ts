import type { MockBrain } from './brain'
import type { MockClock } from './clock'
import type { MockServerLog } from './log'
import { accepts, type MockRealtimeServerOptions } from './options'
import type { ResumptionRegistry } from './gemini/resumption'
import { trimMap } from './bounded-map'

/** What every connection shares with the server it belongs to. */
export interface ServerContext {
  readonly options: MockRealtimeServerOptions
  readonly brain: MockBrain
  readonly clock: MockClock
  readonly log: MockServerLog
  readonly seed: number
  readonly resumption: ResumptionRegistry
  /** Ephemeral credentials minted over HTTP, with their expiry (clock ms). */
  readonly minted: Map<string, number>
}

/** Whether a provider accepts this credential (configured keys, or one the mock minted). */
export function acceptsCredential(
  context: ServerContext,
  provider: 'openai' | 'gemini',
  credential: string,
): boolean {
  const expiry = context.minted.get(credential)
  if (expiry !== undefined) return expiry > context.clock.now()
  return accepts(context.options.keys?.[provider], credential, (value) => value !== '')
}

/**
 * The most minted credentials remembered: a long-running mock (`npm start`) mints one per
 * session. Past the cap the expired ones are forgotten first, then the oldest. Below it nothing
 * is: a forgotten key falls back to the configured keys, and the default accepts any key.
 */
const MAX_MINTED = 1000

/** Remembers an ephemeral credential minted over HTTP, valid until `expiresAt` (clock ms). */
export function rememberMinted(
  context: ServerContext,
  credential: string,
  expiresAt: number,
): void {
  context.minted.set(credential, expiresAt)
  const now = context.clock.now()
  trimMap(context.minted, MAX_MINTED, (expiry) => expiry <= now)
}
