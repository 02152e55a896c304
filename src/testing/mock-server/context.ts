import type { MockBrain } from './brain'
import type { MockClock } from './clock'
import type { MockServerLog } from './log'
import { accepts, type MockRealtimeServerOptions } from './options'
import type { ResumptionRegistry } from './gemini/resumption'

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
