import type { ToolResult } from '../events'

/**
 * A tool result as the text OpenAI's `function_call_output.output` requires: a string output is
 * sent as-is, anything else as JSON. A failure is wrapped as `{"error": …}` so the model can tell
 * it from a result and retry, instead of reading an error message as data.
 *
 * @example
 * toolOutputText({ callId: 'c1', name: 'f', output: { tempC: 21 } }) // '{"tempC":21}'
 */
export function toolOutputText(result: ToolResult): string {
  if (result.isError === true) return JSON.stringify({ error: result.output ?? null })
  if (typeof result.output === 'string') return result.output
  return JSON.stringify(result.output ?? null) ?? 'null'
}

/**
 * A tool result as the JSON object Gemini's `functionResponses[].response` requires: a plain
 * object is sent as-is, any other value as `{output: value}`, a failure as `{error: value}`.
 * (The Rust crate forwarded arrays and numbers, which the API rejects; defect 8.17.)
 */
export function toolOutputObject(result: ToolResult): Record<string, unknown> {
  if (result.isError === true) return { error: result.output ?? null }
  const output = result.output
  if (typeof output === 'object' && output !== null && !Array.isArray(output)) {
    return output as Record<string, unknown>
  }
  return { output: output ?? null }
}
