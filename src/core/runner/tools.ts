// zod's core by name, never classic zod's schemas: reading `z.core` at run time keeps zod's whole
// `core` namespace (all its locales), and classic schemas keep every method (bench/bundle.ts).
import { $ZodType, safeParse } from 'zod/v4/core'
import type { $ZodError, $ZodObject, output } from 'zod/v4/core'
import { formatIssuePath, parseToolDefinition } from '../config'
import type { JsonSchema, ToolDefinition, ToolDefinitionInput } from '../config'
import { RealtimeError } from '../errors'
import { compileJsonSchema } from './json-schema'

/** What a tool handler gets besides its arguments. */
export interface ToolCallContext {
  /** Aborted on timeout, tool-call cancellation, barge-in cancel, reconnect and `close()`. */
  signal: AbortSignal
  callId: string
  name: string
}

/**
 * A tool the model may call. `parameters` is a zod object schema, classic or mini (arguments are
 * validated by the schema and typed from it), or a JSON Schema object (arguments are validated
 * against the subset described in `./json-schema`). A tool without a `handler` is answered by
 * the app through `runner.sendToolResponse`.
 */
export interface RealtimeTool<TArgs = unknown> {
  name: string
  description?: string
  parameters?: $ZodType<TArgs> | JsonSchema
  /** Gemini `behavior`: a non-blocking tool lets the model keep talking while it runs. */
  behavior?: 'blocking' | 'non_blocking'
  /** Overrides the runner's `toolTimeoutMs` for this tool. */
  timeoutMs?: number
  // Method syntax on purpose: it lets a `RealtimeTool<{ city: string }>` sit in a
  // `RealtimeTool[]`, which a function-typed property would reject.
  handler?(args: TArgs, context: ToolCallContext): unknown
}

/**
 * Declares a tool with typed arguments.
 *
 * @example
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   parameters: z.object({ city: z.string() }),
 *   handler: async ({ city }, { signal }) => fetchWeather(city, { signal }),
 * })
 */
export function defineTool<TSchema extends $ZodObject>(tool: {
  name: string
  description?: string
  parameters: TSchema
  behavior?: 'blocking' | 'non_blocking'
  timeoutMs?: number
  handler?: (args: output<TSchema>, context: ToolCallContext) => unknown
}): RealtimeTool<output<TSchema>>
export function defineTool(
  tool: RealtimeTool<Record<string, unknown>>,
): RealtimeTool<Record<string, unknown>>
export function defineTool(tool: unknown): unknown {
  return tool
}

/** One problem with a tool call's arguments, as the model sees it. */
export interface ToolArgumentIssue {
  path: string
  message: string
}

/** A tool ready to run: its provider definition, a validator and the handler. */
export interface CompiledTool {
  definition: ToolDefinition
  validate(args: unknown): { ok: true; value: unknown } | { ok: false; issues: ToolArgumentIssue[] }
  handler?: (args: unknown, context: ToolCallContext) => unknown
  timeoutMs?: number
}

/** A tool as the runner accepts it: a `RealtimeTool`, or a bare definition the app answers. */
export type ToolInput = RealtimeTool<never> | ToolDefinitionInput

function isZodSchema(value: unknown): value is $ZodType {
  return value instanceof $ZodType
}

function issuesOf(error: $ZodError): ToolArgumentIssue[] {
  return error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
  }))
}

/**
 * Validates a tool (name, schema) and prepares its argument validator.
 * Throws `RealtimeError('invalid_config')` naming the tool when the declaration is wrong.
 */
export function compileTool(tool: ToolInput): CompiledTool {
  const { handler, timeoutMs, ...declared } = tool as RealtimeTool
  const definition = parseToolDefinition(declared)
  const { parameters } = tool
  const compiled: CompiledTool = {
    definition,
    validate: isZodSchema(parameters)
      ? (args) => {
          const result = safeParse(parameters, args)
          return result.success
            ? { ok: true, value: result.data }
            : { ok: false, issues: issuesOf(result.error) }
        }
      : // No schema: any object, which parseToolArguments has already insisted on.
        compileJsonSchema(definition.parameters ?? true),
  }
  if (handler !== undefined) {
    compiled.handler = handler.bind(tool) as NonNullable<CompiledTool['handler']>
  }
  if (timeoutMs !== undefined) compiled.timeoutMs = timeoutMs
  return compiled
}

/** Compiles a list of tools; a duplicate name is a config error, not a silent override. */
export function compileTools(tools: readonly ToolInput[]): Map<string, CompiledTool> {
  const compiled = new Map<string, CompiledTool>()
  for (const tool of tools) {
    const entry = compileTool(tool)
    if (compiled.has(entry.definition.name)) {
      throw new RealtimeError('invalid_config', `Duplicate tool name "${entry.definition.name}"`, {
        path: 'tools',
      })
    }
    compiled.set(entry.definition.name, entry)
  }
  return compiled
}

/** The structured output a model receives for a failed call, so it can correct itself. */
export function toolErrorOutput(error: RealtimeError, issues?: ToolArgumentIssue[]): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(issues === undefined ? {} : { issues }),
    },
  }
}

export type ParsedArguments =
  { ok: true; args: unknown } | { ok: false; error: RealtimeError; issues: ToolArgumentIssue[] }

/**
 * Parses the raw argument text of a call and validates it. Bad input is reported, never
 * replaced by `{}` (the crate's defect): the handler only ever sees valid arguments.
 */
export function parseToolArguments(
  name: string,
  text: string,
  tool: CompiledTool,
): ParsedArguments {
  let value: unknown
  // An empty string is how some providers spell "no arguments"; it is not malformed.
  if (text.trim() === '') value = {}
  else {
    try {
      value = JSON.parse(text)
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause)
      const error = new RealtimeError(
        'invalid_tool_arguments',
        `Arguments for tool "${name}" are not valid JSON: ${detail}`,
        { cause },
      )
      return { ok: false, error, issues: [{ path: '', message: 'not valid JSON' }] }
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const error = new RealtimeError(
      'invalid_tool_arguments',
      `Arguments for tool "${name}" must be a JSON object`,
    )
    return { ok: false, error, issues: [{ path: '', message: 'must be a JSON object' }] }
  }
  const result = tool.validate(value)
  if (result.ok) return { ok: true, args: result.value }
  const first = result.issues[0]
  const where = first === undefined || first.path === '' ? '' : `${first.path}: `
  const error = new RealtimeError(
    'invalid_tool_arguments',
    `Arguments for tool "${name}" do not match its schema: ${where}${first?.message ?? 'invalid'}`,
    { path: first?.path ?? '' },
  )
  return { ok: false, error, issues: result.issues }
}
