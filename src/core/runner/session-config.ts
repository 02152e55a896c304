import type { ResolvedAgent } from '../agent'
import { parseRealtimeConfig } from '../config'
import type { RealtimeConfig, SessionUpdate } from '../config'
import { mergeSessionUpdate, withResumptionHandle } from '../config-merge'
import type { SeedItem } from '../events'
import type { ProviderCapabilities } from '../session'
import type { RealtimeRunnerOptions } from './options'
import { compileTools } from './tools'
import type { CompiledTool } from './tools'

/** What one connect attempt opens the session with. */
export interface ConnectPlan {
  config: RealtimeConfig
  version: number
  tools: Map<string, CompiledTool>
  /** The conversation as text, when it cannot be resumed by handle. */
  seedItems?: SeedItem[]
}

/** A point to roll back to when the provider refuses a change. */
export interface ConfigCheckpoint {
  config: RealtimeConfig
  tools: Map<string, CompiledTool>
  version: number
}

/**
 * The canonical config and its tools, and what the live connection actually runs.
 *
 * Every update is merged into the canonical config at once (so a reconnect never loses an
 * earlier hot-swap), and each merge bumps `version`. The live connection records the version it
 * runs; when they differ after a (re)connect, the runner applies the difference. Tool handlers
 * follow the config they belong to: the live session's calls are resolved against the tools of
 * the config it runs, not against a newer one it has not received yet.
 */
export class SessionConfigState {
  #config: RealtimeConfig
  #tools: Map<string, CompiledTool>
  #version = 0
  #liveTools = new Map<string, CompiledTool>()
  #liveVersion = -1

  constructor(config: RealtimeConfig, tools: Map<string, CompiledTool>) {
    this.#config = config
    this.#tools = tools
  }

  get config(): RealtimeConfig {
    return this.#config
  }

  get version(): number {
    return this.#version
  }

  /** Tools of the canonical config. */
  get tools(): Map<string, CompiledTool> {
    return this.#tools
  }

  /** True when the canonical config has changes the live connection does not run yet. */
  get liveIsStale(): boolean {
    return this.#liveVersion !== this.#version
  }

  /** The tool of the live connection's config, if it declares one by that name. */
  liveTool(name: string): CompiledTool | undefined {
    return this.#liveTools.get(name)
  }

  /** Merges a validated delta (and its tools); returns the point to roll back to. */
  merge(delta: SessionUpdate, tools: Map<string, CompiledTool> | undefined): ConfigCheckpoint {
    const checkpoint = { config: this.#config, tools: this.#tools, version: this.#version }
    this.#config = mergeSessionUpdate(
      this.#config,
      tools === undefined ? delta : { ...delta, tools: definitionsOf(tools) },
    )
    if (tools !== undefined) this.#tools = tools
    this.#version += 1
    return checkpoint
  }

  /**
   * Undoes a refused change, but only if nothing was merged after it: a later update must not
   * be rolled back by this one's failure. The resumption handle is kept either way.
   */
  rollback(checkpoint: ConfigCheckpoint, failedVersion: number): void {
    if (this.#version !== failedVersion) return
    const { sessionResumption } = this.#config
    this.#config =
      sessionResumption === undefined
        ? checkpoint.config
        : { ...checkpoint.config, sessionResumption }
    this.#tools = checkpoint.tools
    this.#version += 1
    this.#liveVersion = this.#version
  }

  /** Stores a resumable handle; it survives every later merge (`mergeSessionUpdate`). */
  storeHandle(handle: string): void {
    this.#config = withResumptionHandle(this.#config, handle)
  }

  /**
   * The plan for a connect attempt, read when the attempt starts so it uses the newest config
   * and handle. Without a usable handle the conversation is re-seeded as text items.
   */
  plan(capabilities: ProviderCapabilities, seedItems: () => SeedItem[]): ConnectPlan {
    const plan: ConnectPlan = { config: this.#config, version: this.#version, tools: this.#tools }
    const canResume = capabilities.sessionResumption && this.#config.sessionResumption?.handle
    if (!canResume) plan.seedItems = seedItems()
    return plan
  }

  /** A connection opened with `plan` is live. */
  opened(plan: ConnectPlan): void {
    this.#liveVersion = plan.version
    this.#liveTools = plan.tools
  }

  /** The live connection applied the config of `version` in place, with these tools. */
  applied(version: number, tools: Map<string, CompiledTool>): void {
    this.#liveVersion = Math.max(this.#liveVersion, version)
    this.#liveTools = tools
  }
}

export function definitionsOf(tools: Map<string, CompiledTool>): RealtimeConfig['tools'] & {} {
  return [...tools.values()].map((tool) => tool.definition)
}

/**
 * The starting config: `config`, then the `instruction`/`voice` shorthands, then the agent's
 * fields; tools from all three, with a duplicate name rejected. Throws `invalid_config`.
 */
export function createSessionSettings(
  options: Pick<RealtimeRunnerOptions, 'config' | 'instruction' | 'voice' | 'tools'>,
  agent: ResolvedAgent | undefined,
): SessionConfigState {
  const { tools: configTools, ...config } = options.config ?? {}
  const tools = compileTools([
    ...(configTools ?? []),
    ...(options.tools ?? []),
    ...(agent?.tools ?? []),
  ])
  const declared = tools.size > 0 || configTools !== undefined
  const parsed = parseRealtimeConfig({
    ...config,
    ...(options.instruction === undefined ? {} : { instruction: options.instruction }),
    ...(options.voice === undefined ? {} : { voice: options.voice }),
    ...(agent === undefined ? {} : { instruction: agent.instruction }),
    ...(agent?.voice === undefined ? {} : { voice: agent.voice }),
    ...(declared ? { tools: definitionsOf(tools) } : {}),
  })
  return new SessionConfigState(parsed, tools)
}
