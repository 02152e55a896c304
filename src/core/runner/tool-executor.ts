import { RealtimeError, isCancellation } from '../errors'
import type { Scheduler } from './scheduler'
import { parseToolArguments, toolErrorOutput } from './tools'
import type { CompiledTool } from './tools'

/** A call as the model made it. */
export interface ToolCallRequest {
  callId: string
  name: string
  /** Raw JSON text from the provider. */
  arguments: string
}

/** What a before/after callback sees. */
export interface ToolCallInfo {
  callId: string
  name: string
  /** Validated arguments. */
  args: unknown
  signal: AbortSignal
}

/**
 * A before-callback may let the call run (return nothing), refuse it (the model gets a
 * `tool_refused` error output and the handler never runs), or substitute a result.
 */
export type BeforeToolCallResult =
  | undefined
  | void
  | { action: 'refuse'; reason: string }
  | { action: 'substitute'; output: unknown }
export type BeforeToolCallback = (
  call: ToolCallInfo,
) => BeforeToolCallResult | Promise<BeforeToolCallResult>

/** An after-callback may replace the output the model receives. */
export type AfterToolCallResult = undefined | void | { action: 'replace'; output: unknown }
export type AfterToolCallback = (
  call: ToolCallInfo & { output: unknown; isError: boolean },
) => AfterToolCallResult | Promise<AfterToolCallResult>

export interface ToolCallbacks {
  before?: BeforeToolCallback
  after?: AfterToolCallback
}

export type ToolOutcomeStatus = 'completed' | 'failed' | 'cancelled'

/** How a call ended. `output` is what the model receives (absent when cancelled). */
export interface ToolOutcome {
  callId: string
  name: string
  status: ToolOutcomeStatus
  output: unknown
  isError: boolean
  error?: RealtimeError
  durationMs: number
}

export interface ToolExecutorOptions {
  maxConcurrentTools: number
  toolTimeoutMs: number
  scheduler: Scheduler
  /** Outcomes remembered for duplicate call ids (oldest forgotten first). */
  cacheSize?: number
}

interface Running {
  controller: AbortController
  settle: (outcome: ToolOutcome) => void
  startedAt: number
  request: ToolCallRequest
}

/**
 * Runs tool calls concurrently, at most `maxConcurrentTools` at a time, each with its own
 * `AbortSignal` and timeout. A call id seen before gets the first call's outcome (the handler
 * runs once). Never throws: every failure becomes an error outcome with a structured output the
 * model can act on.
 */
export class ToolExecutor {
  readonly #options: Required<ToolExecutorOptions>
  readonly #outcomes = new Map<string, Promise<ToolOutcome>>()
  readonly #running = new Map<string, Running>()
  readonly #queue: Array<{ callId: string; start: () => void; cancel: () => void }> = []
  #active = 0

  constructor(options: ToolExecutorOptions) {
    this.#options = { cacheSize: 256, ...options }
  }

  /** Calls currently executing (not queued). */
  get active(): number {
    return this.#active
  }

  /** Whether this call id has an outcome or is in progress. */
  has(callId: string): boolean {
    return this.#outcomes.has(callId)
  }

  /** Runs a call, or returns the outcome of the earlier call with the same id. */
  execute(
    request: ToolCallRequest,
    tool: CompiledTool | undefined,
    callbacks: ToolCallbacks = {},
  ): Promise<ToolOutcome> {
    const known = this.#outcomes.get(request.callId)
    if (known) return known
    const outcome = new Promise<ToolOutcome>((resolve) => {
      const start = (): void => this.#start(request, tool, callbacks, resolve)
      // A call cancelled before it got a slot never ran: it settles at once, without a slot.
      const cancel = (): void =>
        resolve({
          ...request,
          status: 'cancelled',
          output: undefined,
          isError: false,
          durationMs: 0,
        })
      if (this.#active < this.#options.maxConcurrentTools) start()
      else this.#queue.push({ callId: request.callId, start, cancel })
    })
    this.#remember(request.callId, outcome)
    return outcome
  }

  /** Aborts one call; it settles as `cancelled` and is forgotten, so nothing is sent for it. */
  cancel(callId: string, reason = 'Tool call cancelled'): boolean {
    const queued = this.#queue.findIndex((entry) => entry.callId === callId)
    if (queued >= 0) {
      const [entry] = this.#queue.splice(queued, 1)
      entry?.cancel()
      this.#outcomes.delete(callId)
      return true
    }
    const running = this.#running.get(callId)
    if (!running) return false
    running.controller.abort(new RealtimeError('cancelled', reason))
    running.settle(this.#ended(running, 'cancelled', undefined))
    this.#outcomes.delete(callId)
    return true
  }

  /** Aborts every queued and running call (reconnect, close). */
  cancelAll(reason: string): void {
    for (const { callId } of [...this.#queue]) this.cancel(callId, reason)
    for (const callId of [...this.#running.keys()]) this.cancel(callId, reason)
  }

  #remember(callId: string, outcome: Promise<ToolOutcome>): void {
    this.#outcomes.set(callId, outcome)
    while (this.#outcomes.size > this.#options.cacheSize) {
      const oldest = this.#outcomes.keys().next().value
      if (oldest === undefined) break
      this.#outcomes.delete(oldest)
    }
  }

  #start(
    request: ToolCallRequest,
    tool: CompiledTool | undefined,
    callbacks: ToolCallbacks,
    resolve: (outcome: ToolOutcome) => void,
  ): void {
    const { scheduler } = this.#options
    const controller = new AbortController()
    let done = false
    const running: Running = {
      controller,
      startedAt: scheduler.now(),
      request,
      settle: (outcome) => {
        if (done) return
        done = true
        scheduler.clearTimeout(timer)
        this.#running.delete(request.callId)
        this.#active -= 1
        resolve(outcome)
        this.#next()
      },
    }
    this.#active += 1
    this.#running.set(request.callId, running)
    const timeoutMs = tool?.timeoutMs ?? this.#options.toolTimeoutMs
    const timer = scheduler.setTimeout(() => {
      const error = new RealtimeError(
        'tool_timeout',
        `Tool "${request.name}" timed out after ${timeoutMs} ms`,
      )
      // Abort first so the handler can stop its work; the outcome does not wait for it.
      controller.abort(error)
      running.settle(this.#ended(running, 'failed', error))
    }, timeoutMs)
    void this.#run(request, tool, callbacks, controller.signal).then(
      (result) => running.settle(this.#finish(running, result)),
      (error: unknown) => running.settle(this.#failure(running, error)),
    )
  }

  async #run(
    request: ToolCallRequest,
    tool: CompiledTool | undefined,
    callbacks: ToolCallbacks,
    signal: AbortSignal,
  ): Promise<{ output: unknown; isError: boolean; error?: RealtimeError }> {
    if (!tool) {
      const error = new RealtimeError('unknown_tool', `Unknown tool "${request.name}"`)
      return { output: toolErrorOutput(error), isError: true, error }
    }
    const parsed = parseToolArguments(request.name, request.arguments, tool)
    if (!parsed.ok) {
      return {
        output: toolErrorOutput(parsed.error, parsed.issues),
        isError: true,
        error: parsed.error,
      }
    }
    const info: ToolCallInfo = {
      callId: request.callId,
      name: request.name,
      args: parsed.args,
      signal,
    }
    let before: BeforeToolCallResult
    try {
      before = await callbacks.before?.(info)
    } catch (cause) {
      // A failing policy check refuses the call (fail closed), it does not let it through.
      before = { action: 'refuse', reason: cause instanceof Error ? cause.message : String(cause) }
    }
    if (before?.action === 'refuse') {
      const error = new RealtimeError(
        'tool_refused',
        `Tool "${request.name}" was refused: ${before.reason}`,
      )
      return { output: toolErrorOutput(error), isError: true, error }
    }
    if (before?.action === 'substitute') return { output: before.output, isError: false }
    if (!tool.handler) {
      const error = new RealtimeError('unknown_tool', `Tool "${request.name}" has no handler`)
      return { output: toolErrorOutput(error), isError: true, error }
    }
    let result: { output: unknown; isError: boolean; error?: RealtimeError }
    try {
      const value = await tool.handler(parsed.args, {
        signal,
        callId: request.callId,
        name: request.name,
      })
      result = { output: value === undefined ? null : value, isError: false }
    } catch (cause) {
      if (signal.aborted) throw cause
      const error = RealtimeError.from(
        cause,
        'tool_failed',
        `Tool "${request.name}" failed: ${messageOf(cause)}`,
      )
      result = { output: toolErrorOutput(error), isError: true, error }
    }
    const after = await callbacks.after?.({
      ...info,
      output: result.output,
      isError: result.isError,
    })
    if (after?.action === 'replace') return { output: after.output, isError: false }
    return result
  }

  #finish(
    running: Running,
    result: { output: unknown; isError: boolean; error?: RealtimeError },
  ): ToolOutcome {
    const status = result.isError ? 'failed' : 'completed'
    return {
      ...this.#ended(running, status, result.error),
      output: result.output,
      isError: result.isError,
    }
  }

  #failure(running: Running, cause: unknown): ToolOutcome {
    if (isCancellation(cause) || running.controller.signal.aborted) {
      return this.#ended(running, 'cancelled', undefined)
    }
    const error = RealtimeError.from(
      cause,
      'tool_failed',
      `Tool "${running.request.name}" failed: ${messageOf(cause)}`,
    )
    return this.#ended(running, 'failed', error)
  }

  #ended(
    running: Running,
    status: ToolOutcomeStatus,
    error: RealtimeError | undefined,
  ): ToolOutcome {
    const outcome: ToolOutcome = {
      callId: running.request.callId,
      name: running.request.name,
      status,
      output: error ? toolErrorOutput(error) : undefined,
      isError: status === 'failed',
      durationMs: this.#options.scheduler.now() - running.startedAt,
    }
    if (error) outcome.error = error
    return outcome
  }

  #next(): void {
    while (this.#active < this.#options.maxConcurrentTools) {
      const entry = this.#queue.shift()
      if (!entry) return
      entry.start()
    }
  }
}

function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value)
}
