import type { RealtimeConfig } from '../../core/config'
import { RealtimeError } from '../../core/errors'
import type { ProviderName, SeedItem } from '../../core/events'
import { defaultScheduler } from '../../core/runner/scheduler'
import type { Scheduler } from '../../core/runner/scheduler'
import type { ConnectOptions, ProviderCapabilities, RealtimeModel } from '../../core/session'
import { geminiLikeCapabilities, openAILikeCapabilities } from './capabilities'
import { ScriptedSession } from './session'
import type { ScriptStep } from './session'

export interface ScriptedModelOptions {
  /**
   * `openai`: changes apply live, truncation, a response request after tool outputs, no resume.
   * `gemini`: changes need a resumption, resumption by handle, no response requests.
   * Default `openai`.
   */
  preset?: 'openai' | 'gemini'
  /** Overrides single capabilities of the preset. */
  capabilities?: Partial<ProviderCapabilities>
  provider?: ProviderName
  modelId?: string
  /**
   * Refuses connects: the first `n` attempts fail with a retriable `connection_failed`, or a
   * function decides per attempt (1-based) and returns the error to fail with.
   */
  refuseConnects?: number | ((attempt: number, config: RealtimeConfig) => RealtimeError | undefined)
  /** Delay before a connect is acknowledged. 0 (default) answers in a microtask. */
  connectDelayMs?: number
  /** Delay before `mutateContext` answers on a live-mutation preset. */
  mutationDelayMs?: number
  /** Refuses a live change (e.g. voice after audio, like OpenAI's `cannot_update_voice`). */
  rejectMutation?: (config: RealtimeConfig) => RealtimeError | undefined
  /** Played on every new session right after it opens. */
  script?: readonly ScriptStep[]
  /** Called with every new session, before the runner sees it: wire up a scenario here. */
  onSession?: (session: ScriptedSession) => void
  scheduler?: Scheduler
}

/** One `connect` call, as the model saw it. */
export interface ScriptedConnect {
  attempt: number
  config: RealtimeConfig
  seedItems?: readonly SeedItem[]
  outcome: 'pending' | 'connected' | 'refused' | 'cancelled'
  session?: ScriptedSession
  error?: RealtimeError
}

/**
 * An in-memory `RealtimeModel` for tests and Storybook. Each `connect` opens a
 * `ScriptedSession`; every attempt is recorded in `connects`.
 *
 * @example
 * const model = createScriptedModel({ preset: 'gemini', refuseConnects: 2 })
 * const runner = new RealtimeRunner({ model, instruction: 'Hi' })
 * await runner.connect()              // fails: the first attempt is refused
 * model.session?.emit(serverEvents.responseStarted())
 */
export class ScriptedModel implements RealtimeModel {
  readonly provider: ProviderName
  readonly modelId: string
  readonly capabilities: ProviderCapabilities
  readonly connects: ScriptedConnect[] = []
  readonly sessions: ScriptedSession[] = []
  readonly #options: ScriptedModelOptions
  readonly #scheduler: Scheduler

  constructor(options: ScriptedModelOptions = {}) {
    const preset = options.preset ?? 'openai'
    this.provider = options.provider ?? preset
    this.modelId = options.modelId ?? `scripted-${preset}`
    this.capabilities = {
      ...(preset === 'gemini' ? geminiLikeCapabilities : openAILikeCapabilities),
      ...options.capabilities,
    }
    this.#options = options
    this.#scheduler = options.scheduler ?? defaultScheduler
  }

  /** The newest session that is still open. */
  get session(): ScriptedSession | undefined {
    const last = this.sessions.at(-1)
    return last?.isConnected() ? last : undefined
  }

  /** Sessions still open (more than one means a leak). */
  get openSessions(): ScriptedSession[] {
    return this.sessions.filter((session) => session.isConnected())
  }

  connect(config: RealtimeConfig, options: ConnectOptions = {}): Promise<ScriptedSession> {
    const record: ScriptedConnect = {
      attempt: this.connects.length + 1,
      config,
      outcome: 'pending',
      ...(options.seedItems === undefined ? {} : { seedItems: options.seedItems }),
    }
    this.connects.push(record)
    const refusal = this.#refusal(record.attempt, config)
    return new Promise<ScriptedSession>((resolve, reject) => {
      const { signal } = options
      let handle: unknown
      const onAbort = (): void => {
        this.#scheduler.clearTimeout(handle)
        record.outcome = 'cancelled'
        reject(new RealtimeError('cancelled', 'Connect was aborted', { cause: signal?.reason }))
      }
      const finish = (): void => {
        signal?.removeEventListener('abort', onAbort)
        if (record.outcome !== 'pending') return
        if (refusal) {
          record.outcome = 'refused'
          record.error = refusal
          reject(refusal)
          return
        }
        const session = this.#open(config)
        record.outcome = 'connected'
        record.session = session
        resolve(session)
        if (this.#options.script) void session.play(this.#options.script)
      }
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      const delay = this.#options.connectDelayMs ?? 0
      if (delay <= 0) queueMicrotask(finish)
      else handle = this.#scheduler.setTimeout(finish, delay)
    })
  }

  #refusal(attempt: number, config: RealtimeConfig): RealtimeError | undefined {
    const refuse = this.#options.refuseConnects
    if (typeof refuse === 'function') return refuse(attempt, config)
    if (refuse !== undefined && attempt <= refuse) {
      return new RealtimeError(
        'connection_failed',
        `Scripted refusal of connect attempt ${attempt}`,
      )
    }
    return undefined
  }

  #open(config: RealtimeConfig): ScriptedSession {
    const session = new ScriptedSession({
      id: `scripted-session-${this.sessions.length + 1}`,
      provider: this.provider,
      capabilities: this.capabilities,
      config,
      scheduler: this.#scheduler,
      mutationDelayMs: this.#options.mutationDelayMs ?? 0,
      ...(this.#options.rejectMutation ? { rejectMutation: this.#options.rejectMutation } : {}),
    })
    this.sessions.push(session)
    this.#options.onSession?.(session)
    return session
  }
}

/** Creates a `ScriptedModel`. */
export function createScriptedModel(options: ScriptedModelOptions = {}): ScriptedModel {
  return new ScriptedModel(options)
}
