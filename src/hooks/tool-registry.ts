import { toolParametersToJsonSchema } from '../core'
import type { RealtimeTool, ToolCallContext, ToolInput } from '../core'

/** One `useTools` call: its latest tools, replaced on every commit. */
export interface ToolEntry {
  current: readonly ToolInput[]
}

const schemaKeys = new WeakMap<object, string>()

/** What the model sees of a tool (plus whether the app or a handler answers it). */
function toolKey(tool: ToolInput): string {
  const { name, description, behavior, parameters } = tool
  let schema = ''
  if (parameters !== undefined) {
    const cached = schemaKeys.get(parameters)
    if (cached !== undefined) schema = cached
    else {
      try {
        schema = JSON.stringify(
          parameters instanceof Object && '_zod' in parameters
            ? toolParametersToJsonSchema(parameters as never)
            : parameters,
        )
      } catch {
        schema = '<invalid>' // compileTool reports it, naming the tool
      }
      schemaKeys.set(parameters, schema)
    }
  }
  const { handler, timeoutMs } = tool as RealtimeTool
  return JSON.stringify([name, description, behavior, schema, timeoutMs, handler !== undefined])
}

/** A key that changes when the tool *set* changes, not when a handler's closure does. */
export function toolSetKey(tools: readonly ToolInput[]): string {
  return tools.map(toolKey).join('\n')
}

/**
 * The tools of a session: the ones given at creation plus every mounted `useTools`. Changes are
 * collected until the end of the current task (a StrictMode unmount/remount, or three components
 * mounting together, net out) and become one `apply` — `runner.updateSession({ tools })` — only
 * when the set the model sees differs. Handlers are wrappers that call the newest handler of that
 * name, so a handler always sees the latest props without re-registering anything.
 */
export class ToolRegistry {
  readonly #base: readonly ToolInput[]
  readonly #apply: (tools: ToolInput[]) => boolean
  readonly #entries = new Set<ToolEntry>()
  #appliedKey: string
  #scheduled = false

  /** `apply` returns false when it did not apply (the session is unmounted): tried again later. */
  constructor(base: readonly ToolInput[], apply: (tools: ToolInput[]) => boolean) {
    this.#base = base
    this.#apply = apply
    this.#appliedKey = toolSetKey(base)
  }

  /** Adds a `useTools` entry; returns its removal. */
  register(entry: ToolEntry): () => void {
    this.#entries.add(entry)
    this.changed()
    return () => {
      this.#entries.delete(entry)
      this.changed()
    }
  }

  /** Something may have changed: compare at the end of the task. */
  changed(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      this.flush()
    })
  }

  /** Compares now and applies the set if it differs from the last one applied. */
  flush(): void {
    const declared = this.#declared()
    const key = toolSetKey(declared)
    if (key === this.#appliedKey) return
    const tools = declared.map((tool) => (this.#base.includes(tool) ? tool : this.#wrap(tool)))
    if (this.#apply(tools)) this.#appliedKey = key
  }

  #declared(): ToolInput[] {
    const byName = new Map<string, ToolInput>()
    for (const tool of this.#base) byName.set(tool.name, tool)
    // A later useTools declaring the same name wins, as a later prop would.
    for (const entry of this.#entries) for (const tool of entry.current) byName.set(tool.name, tool)
    return [...byName.values()]
  }

  /** The newest declaration of `name`, from any mounted entry. */
  #latest(name: string): RealtimeTool | undefined {
    let found: ToolInput | undefined
    for (const entry of this.#entries) {
      for (const tool of entry.current) if (tool.name === name) found = tool
    }
    return found as RealtimeTool | undefined
  }

  #wrap(tool: ToolInput): ToolInput {
    const { handler, ...declaration } = tool as RealtimeTool
    if (handler === undefined) return tool
    const wrapped: RealtimeTool = {
      ...declaration,
      handler: (args: unknown, context: ToolCallContext) => {
        const latest = this.#latest(tool.name)?.handler ?? handler
        return latest(args as never, context)
      },
    }
    return wrapped as ToolInput
  }
}
