import { RealtimeError } from '../errors'
import type { ServerEvent, ToolCallEvent, ToolResult } from '../events'
import type { RealtimeSession } from '../session'
import type { ToolFinishedEvent } from '../transcript'
import type { ToolCallbacks, ToolExecutor, ToolOutcome } from './tool-executor'
import { toolErrorOutput } from './tools'
import type { CompiledTool } from './tools'
import type { RunnerMachineEvent } from './state'

/** What the coordinator needs from the runner. */
export interface ToolCallHost {
  /** Id of the current connection; results are only ever sent on the connection that asked. */
  epoch(): number
  session(): RealtimeSession | undefined
  /** The tool of the live session's config, or undefined when the model named an unknown one. */
  tool(name: string): CompiledTool | undefined
  callbacks(): ToolCallbacks
  autoExecute: boolean
  autoRespond: boolean
  now(): number
  /** Feed the state machine (through the mailbox). */
  machine(event: RunnerMachineEvent): void
  /** Post a finished outcome back into the mailbox. */
  outcome(epoch: number, outcome: ToolOutcome): void
  emit(
    event:
      | ServerEvent
      | ToolFinishedEvent
      | { type: 'tool.started'; callId: string; name: string; arguments: string },
  ): void
}

/** Call origins remembered for `respond` (a connection rarely has more calls than this). */
const MAX_ORIGINS = 256

/** A result the app sends itself (`runner.sendToolResponse`). */
export interface ToolResponseInput {
  callId: string
  output: unknown
  /** Defaults to the name of the call the runner saw. */
  name?: string
  isError?: boolean
}

/**
 * Turns the model's tool calls into executions and their outcomes into tool results on the right
 * connection. Every call the model makes on a connection gets exactly one answer on that
 * connection: a repeated call id on the same connection is ignored, the same id on a new
 * connection gets the first run's result without running the handler again, and an outcome that
 * arrives after its connection was replaced is reported but never sent.
 */
export class ToolCalls {
  readonly #host: ToolCallHost
  readonly #executor: ToolExecutor
  /** `epoch:callId` pairs asked for and not yet answered, or answered, on that connection. */
  readonly #seen = new Set<string>()
  /** Calls the app answers itself, with the connection they came from. */
  readonly #appCalls = new Map<string, { name: string; epoch: number; since: number }>()
  /** Calls whose handler is running (or queued), until their outcome is handled. */
  readonly #running = new Map<string, { name: string; since: number }>()
  /** The connection each recent call came from, so no result is sent on another one. */
  readonly #origins = new Map<string, number>()
  /** Calls of the response in progress, aborted if the user interrupts it. */
  readonly #responseCalls = new Set<string>()

  constructor(host: ToolCallHost, executor: ToolExecutor) {
    this.#host = host
    this.#executor = executor
  }

  /**
   * Takes a call in before the app hears of it, so an `onToolCall` handler may answer it at once.
   * Returns whether the runner runs its handler: false for a repeat on the same connection (which
   * is ignored) and for a call the app answers itself.
   */
  admit(event: ToolCallEvent, epoch: number): boolean {
    const key = `${epoch}:${event.callId}`
    if (this.#seen.has(key)) return false
    this.#seen.add(key)
    this.#origins.delete(event.callId)
    this.#origins.set(event.callId, epoch)
    if (this.#origins.size > MAX_ORIGINS) this.#origins.delete(this.#origins.keys().next().value!)
    this.#host.machine({ type: 'tool.call', callId: event.callId })
    this.#responseCalls.add(event.callId)
    if (!this.#appAnswers(event.name)) return true
    this.#appCalls.set(event.callId, { name: event.name, epoch, since: this.#host.now() })
    return false
  }

  /** Runs the handler of a call `admit` left to the runner. */
  run(event: ToolCallEvent, epoch: number): void {
    const tool = this.#host.tool(event.name)
    if (!this.#executor.has(event.callId)) {
      this.#running.set(event.callId, { name: event.name, since: this.#host.now() })
      this.#host.emit({
        type: 'tool.started',
        callId: event.callId,
        name: event.name,
        arguments: event.arguments,
      })
    }
    void this.#executor
      .execute(
        { callId: event.callId, name: event.name, arguments: event.arguments },
        tool,
        this.#host.callbacks(),
      )
      .then((outcome) => this.#host.outcome(epoch, outcome))
  }

  /** Auto-execution is off, or the tool is declared without a handler. */
  #appAnswers(name: string): boolean {
    if (!this.#host.autoExecute) return true
    const tool = this.#host.tool(name)
    return tool !== undefined && tool.handler === undefined
  }

  onOutcome(epoch: number, outcome: ToolOutcome): void {
    this.#running.delete(outcome.callId)
    const current = epoch === this.#host.epoch()
    if (outcome.status === 'failed' && outcome.error) {
      // Bad arguments, unknown tools and failures reach the model as outputs and the app as
      // error events.
      this.#host.emit({ type: 'error', error: outcome.error })
    }
    if (outcome.status === 'cancelled' || !current) {
      this.#finished(outcome, false)
      if (current)
        this.#host.machine({ type: 'tool.settled', callId: outcome.callId, outputSent: false })
      return
    }
    if (!this.#host.autoRespond) {
      // Still counted as in flight until the app sends the result.
      this.#appCalls.set(outcome.callId, { name: outcome.name, epoch, since: this.#host.now() })
      this.#finished(outcome, false)
      return
    }
    const sent = this.#send({
      callId: outcome.callId,
      name: outcome.name,
      output: outcome.output,
      ...(outcome.isError ? { isError: true } : {}),
    })
    this.#finished(outcome, sent)
    this.#host.machine({ type: 'tool.settled', callId: outcome.callId, outputSent: sent })
  }

  /** A new response began: calls from here on belong to it. */
  responseStarted(): void {
    this.#responseCalls.clear()
  }

  /**
   * The user interrupted the response in progress (barge-in): the handlers of its calls are
   * aborted and nothing is sent for them, so the model does not go on about a result the user
   * talked over. Calls the app answers itself are left to the app.
   */
  cancelResponse(reason: string): void {
    for (const callId of this.#responseCalls) this.#executor.cancel(callId, reason)
    this.#responseCalls.clear()
  }

  /** The provider withdrew calls (Gemini `toolCallCancellation`): abort them, send nothing. */
  onCancelled(callIds: readonly string[]): void {
    for (const callId of callIds) {
      const appCall = this.#appCalls.get(callId)
      if (appCall) {
        this.#appCalls.delete(callId)
        if (appCall.epoch === this.#host.epoch()) {
          this.#host.machine({ type: 'tool.settled', callId, outputSent: false })
        }
        continue
      }
      this.#executor.cancel(callId, 'The provider cancelled the tool call')
    }
  }

  /** Sends a result the app produced. Throws when the call belongs to a closed connection. */
  respond(input: ToolResponseInput): void {
    const appCall = this.#appCalls.get(input.callId)
    const origin = appCall?.epoch ?? this.#origins.get(input.callId)
    if (origin !== undefined && origin !== this.#host.epoch()) {
      this.#appCalls.delete(input.callId)
      throw new RealtimeError(
        'session_closed',
        `Tool call "${input.callId}" came from a connection that has since been replaced; its result cannot be sent on the new one`,
      )
    }
    const session = this.#host.session()
    if (!session) {
      throw new RealtimeError(
        'not_connected',
        'Cannot send a tool result: the runner is not connected',
      )
    }
    const name = input.name ?? appCall?.name ?? ''
    session.sendToolResult({
      callId: input.callId,
      name,
      output: input.output,
      ...(input.isError === undefined ? {} : { isError: input.isError }),
    })
    if (!appCall) return
    this.#appCalls.delete(input.callId)
    // The transcript shows the app's answer like any other result.
    this.#host.emit({
      type: 'tool.finished',
      callId: input.callId,
      name,
      status: input.isError === true ? 'failed' : 'completed',
      output: input.output,
      isError: input.isError === true,
      durationMs: this.#host.now() - appCall.since,
      sent: true,
    })
    this.#host.machine({ type: 'tool.settled', callId: input.callId, outputSent: true })
  }

  /** A new connection: per-connection bookkeeping starts over (app calls keep their epoch). */
  connectionChanged(): void {
    this.#seen.clear()
    this.#responseCalls.clear()
  }

  /**
   * Aborts every call (the runner is closing). Their outcomes can no longer be handled, so each
   * is reported as cancelled here: the transcript must not show it running forever.
   */
  cancelAll(reason: string): void {
    this.#executor.cancelAll(reason)
    const now = this.#host.now()
    const open = [...this.#running, ...this.#appCalls]
    this.#running.clear()
    this.#appCalls.clear()
    this.#seen.clear()
    for (const [callId, { name, since }] of open) {
      this.#host.emit({
        type: 'tool.finished',
        callId,
        name,
        status: 'cancelled',
        output: undefined,
        isError: false,
        durationMs: now - since,
        sent: false,
      })
    }
  }

  #send(result: ToolResult): boolean {
    const session = this.#host.session()
    if (!session) return false
    try {
      session.sendToolResult(result)
      return true
    } catch (cause) {
      const error = RealtimeError.from(cause, 'tool_failed')
      this.#host.emit({ type: 'error', error })
      if (!session.isConnected()) return false
      // The output itself was refused (e.g. not serialisable): the model is still waiting for
      // an answer, so it gets a structured error instead of silence.
      try {
        session.sendToolResult({ ...result, output: toolErrorOutput(error), isError: true })
        return true
      } catch {
        return false
      }
    }
  }

  #finished(outcome: ToolOutcome, sent: boolean): void {
    const event: ToolFinishedEvent = {
      type: 'tool.finished',
      callId: outcome.callId,
      name: outcome.name,
      status: outcome.status,
      output: outcome.output,
      isError: outcome.isError,
      durationMs: outcome.durationMs,
      sent,
    }
    if (outcome.error) event.error = outcome.error
    this.#host.emit(event)
  }
}
