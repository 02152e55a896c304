import { RealtimeError } from './errors'
import type { AfterToolCallback, BeforeToolCallback } from './runner/tool-executor'
import type { ToolInput } from './runner/tools'

/** What an agent's instruction function sees. */
export interface AgentContext<TContext = unknown> {
  /** The app's value from the runner's `context` option. */
  context: TContext
  agent: RealtimeAgent<TContext>
}

export interface RealtimeAgentOptions<TContext = unknown> {
  /** Letters, digits, `_` or `-`; it becomes part of the `transfer_to_<name>` tool. */
  name: string
  /** Tells a parent agent's model when to transfer here. */
  description?: string
  instructions: string | ((context: AgentContext<TContext>) => string)
  voice?: string
  tools?: readonly ToolInput[]
  /** Agents this one can hand the conversation to, each through a `transfer_to_<name>` tool. */
  subAgents?: ReadonlyArray<RealtimeAgent<TContext>>
  /** Runs before every tool of this agent: can refuse the call or substitute a result. */
  beforeToolCall?: BeforeToolCallback
  /** Runs after every tool of this agent: can replace the result the model receives. */
  afterToolCall?: AfterToolCallback
  /**
   * Sent to the model as a user message once the conversation has been handed to this agent
   * (the context mutation's bridge message).
   */
  handoffMessage?: string
}

/** The session fields an agent contributes. */
export interface ResolvedAgent {
  instruction: string
  voice?: string
  tools: ToolInput[]
}

const agentNamePattern = /^[A-Za-z0-9_-]{1,52}$/

/**
 * A declarative voice agent: instructions, voice, tools, and sub-agents it can hand the
 * conversation to. Give it to a `RealtimeRunner` (`new RealtimeRunner({ model, agent })`).
 *
 * A transfer is a context mutation (instructions, tools and voice of the target): on a provider
 * that applies changes live (OpenAI) it happens on the open connection; on one that needs a
 * resumption (Gemini) it is queued until the current turn is over. Unlike the Rust crate, the
 * target is validated and the before/after tool callbacks are honoured.
 *
 * @example
 * const billing = new RealtimeAgent({
 *   name: 'billing',
 *   description: 'Questions about invoices and payments',
 *   instructions: 'You handle billing questions.',
 *   tools: [lookupInvoice],
 * })
 * const triage = new RealtimeAgent({
 *   name: 'triage',
 *   instructions: ({ context }) => `Greet ${context.userName} and find out what they need.`,
 *   subAgents: [billing],
 *   beforeToolCall: ({ name }) =>
 *     name === 'delete_account' ? { action: 'refuse', reason: 'not allowed here' } : undefined,
 * })
 */
export class RealtimeAgent<TContext = unknown> {
  readonly name: string
  readonly description: string | undefined
  readonly voice: string | undefined
  readonly tools: readonly ToolInput[]
  readonly subAgents: ReadonlyArray<RealtimeAgent<TContext>>
  readonly beforeToolCall: BeforeToolCallback | undefined
  readonly afterToolCall: AfterToolCallback | undefined
  readonly handoffMessage: string | undefined
  readonly #instructions: RealtimeAgentOptions<TContext>['instructions']

  constructor(options: RealtimeAgentOptions<TContext>) {
    if (!agentNamePattern.test(options.name)) {
      throw new RealtimeError(
        'invalid_config',
        `Agent name "${options.name}" must be 1-52 letters, digits, "_" or "-" (it becomes the tool name transfer_to_${options.name})`,
        { path: 'name' },
      )
    }
    const seen = new Set<string>()
    for (const sub of options.subAgents ?? []) {
      if (seen.has(sub.name)) {
        throw new RealtimeError(
          'invalid_config',
          `Agent "${options.name}" has two sub-agents named "${sub.name}"`,
          { path: 'subAgents' },
        )
      }
      seen.add(sub.name)
    }
    this.name = options.name
    this.description = options.description
    this.voice = options.voice
    this.tools = options.tools ?? []
    this.subAgents = options.subAgents ?? []
    this.beforeToolCall = options.beforeToolCall
    this.afterToolCall = options.afterToolCall
    this.handoffMessage = options.handoffMessage
    this.#instructions = options.instructions
  }

  /** The instruction text for a context. */
  instructionsFor(context: TContext): string {
    const { instructions } = this
    return typeof instructions === 'string' ? instructions : instructions({ context, agent: this })
  }

  get instructions(): RealtimeAgentOptions<TContext>['instructions'] {
    return this.#instructions
  }

  /** The name of the tool that hands the conversation to this agent. */
  get transferToolName(): string {
    return `transfer_to_${this.name}`
  }

  /**
   * The sub-agent called `name`. Throws `RealtimeError('unknown_agent')` for anything else: a
   * model (or app) cannot transfer to an agent this one does not know.
   */
  transferTarget(name: string): RealtimeAgent<TContext> {
    const target = this.subAgents.find((sub) => sub.name === name)
    if (target) return target
    const known = this.subAgents.map((sub) => sub.name).join(', ') || 'none'
    throw new RealtimeError(
      'unknown_agent',
      `Agent "${this.name}" cannot transfer to "${name}" (its sub-agents: ${known})`,
    )
  }

  /**
   * The session fields for this agent: its instructions for `context`, its voice, its tools and
   * one `transfer_to_<name>` tool per sub-agent, whose handler calls `onTransfer`.
   */
  resolve(
    context: TContext,
    onTransfer: (target: RealtimeAgent<TContext>) => Promise<void>,
  ): ResolvedAgent {
    const transfers: ToolInput[] = this.subAgents.map((sub) => ({
      name: sub.transferToolName,
      description:
        `Hand the conversation to the ${sub.name} agent` +
        (sub.description === undefined ? '.' : `: ${sub.description}`),
      parameters: { type: 'object', properties: {}, additionalProperties: false },
      handler: async () => {
        await onTransfer(sub)
        return { transferredTo: sub.name }
      },
    }))
    const resolved: ResolvedAgent = {
      instruction: this.instructionsFor(context),
      tools: [...this.tools, ...transfers],
    }
    if (this.voice !== undefined) resolved.voice = this.voice
    return resolved
  }
}
