import type { RealtimeAgent, ResolvedAgent } from '../agent'
import { RealtimeError } from '../errors'
import type { ToolCallbacks } from './tool-executor'

/**
 * The runner's active agent. A `transfer_to_<name>` tool (or `runner.transferTo`) switches it;
 * the tool callbacks of the active agent apply to every call that starts afterwards.
 */
export class AgentBinding<TContext> {
  readonly #context: TContext
  readonly #onTransfer: (target: RealtimeAgent<TContext>) => Promise<void>
  #agent: RealtimeAgent<TContext> | undefined

  constructor(
    agent: RealtimeAgent<TContext> | undefined,
    context: TContext,
    onTransfer: (target: RealtimeAgent<TContext>) => Promise<void>,
  ) {
    this.#agent = agent
    this.#context = context
    this.#onTransfer = onTransfer
  }

  get name(): string | undefined {
    return this.#agent?.name
  }

  /** The active agent's session fields, with transfer tools wired to the runner. */
  resolve(): ResolvedAgent | undefined {
    return this.#agent?.resolve(this.#context, this.#onTransfer)
  }

  callbacks(): ToolCallbacks {
    const agent = this.#agent
    return {
      ...(agent?.beforeToolCall ? { before: agent.beforeToolCall } : {}),
      ...(agent?.afterToolCall ? { after: agent.afterToolCall } : {}),
    }
  }

  /** The sub-agent called `name`; `unknown_agent` for anything else. */
  target(name: string): RealtimeAgent<TContext> {
    if (!this.#agent) {
      throw new RealtimeError(
        'unknown_agent',
        `Cannot transfer to "${name}": the runner has no agent`,
      )
    }
    return this.#agent.transferTarget(name)
  }

  /**
   * Makes `target` active; returns the target's fields and a function that makes the previous
   * agent active again (a transfer the provider refused must not leave the target bound).
   */
  switchTo(target: RealtimeAgent<TContext>): {
    from: string
    resolved: ResolvedAgent
    undo: () => void
  } {
    const previous = this.#agent
    this.#agent = target
    return {
      from: previous?.name ?? '',
      resolved: target.resolve(this.#context, this.#onTransfer),
      undo: () => {
        if (this.#agent === target) this.#agent = previous
      },
    }
  }
}
