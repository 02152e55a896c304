/**
 * How the default brain decides that the user's words call for a tool. No language model: a few
 * transparent rules over the text and the registered tools' names and parameter schemas.
 */

/** A tool the client registered, provider-neutral. `parameters` is its JSON Schema. */
export interface BrainTool {
  name: string
  description?: string
  parameters?: Record<string, unknown>
}

export interface BrainToolCall {
  name: string
  args: Record<string, unknown>
}

/**
 * A custom rule: when `match` matches the user's text and a tool named `tool` is registered, call
 * it with `args(match)`.
 */
export interface BrainIntent {
  match: RegExp
  tool: string
  args: (match: RegExpExecArray, text: string) => Record<string, unknown>
}

interface ParameterInfo {
  name: string
  type: string
  required: boolean
}

function parametersOf(tool: BrainTool): ParameterInfo[] {
  const schema = tool.parameters ?? {}
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  return Object.entries(properties).map(([name, property]) => ({
    name,
    // Gemini's OpenAPI subset spells types in capitals (`STRING`).
    type: String(property.type ?? 'string').toLowerCase(),
    required: required.has(name),
  }))
}

/** Place names after "in", "for" or "at": capitalised words, e.g. "Paris", "Redmond Washington". */
const PLACE =
  /\b(?:in|for|at)\s+([A-Z][\p{L}.'-]*(?:[ ,]+(?!and\b|in\b|for\b|at\b)[A-Z][\p{L}.'-]*)*)/gu

/**
 * "weather in Paris" → one call of the registered tool whose name mentions weather, per place
 * named, with the place in its first string parameter (`city`, `location`, …).
 */
function weatherCalls(text: string, tools: readonly BrainTool[]): BrainToolCall[] {
  if (!/\bweather\b/i.test(text)) return []
  const tool = tools.find((candidate) => /weather/i.test(candidate.name))
  if (!tool) return []
  const parameter =
    parametersOf(tool).find((p) => p.type === 'string' && p.required) ??
    parametersOf(tool).find((p) => p.type === 'string')
  const key = parameter?.name ?? 'city'
  const places = [...text.matchAll(PLACE)].map((match) => match[1]!.replace(/[ ,]+$/, ''))
  return places.map((place) => ({ name: tool.name, args: { [key]: place } }))
}

/**
 * A tool whose name's words all appear in the text ("record a reading" → `record_reading`) is
 * called; its parameters take the text's numbers (number/integer parameters) and quoted strings
 * (string parameters) in order.
 */
function namedToolCall(text: string, tools: readonly BrainTool[]): BrainToolCall[] {
  const words = new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
  const tool = tools.find((candidate) => {
    const parts = candidate.name
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((part) => part.length > 0)
    return parts.length > 0 && parts.every((part) => words.has(part))
  })
  if (!tool) return []
  return [{ name: tool.name, args: fillArguments(tool, text) }]
}

/** Fills a tool's parameters from the text: numbers for numeric ones, quoted strings for the rest. */
export function fillArguments(tool: BrainTool, text: string): Record<string, unknown> {
  const numbers = (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number)
  const quoted = [...text.matchAll(/["“']([^"”']+)["”']/g)].map((match) => match[1]!)
  const args: Record<string, unknown> = {}
  for (const parameter of parametersOf(tool)) {
    if (parameter.type === 'number' || parameter.type === 'integer') {
      const value = numbers.shift()
      if (value !== undefined) args[parameter.name] = value
    } else if (parameter.type === 'string') {
      const value = quoted.shift()
      if (value !== undefined) args[parameter.name] = value
    } else if (parameter.type === 'boolean' && parameter.required) {
      args[parameter.name] = true
    }
  }
  return args
}

/** The tool calls the user's text asks for, or none. Custom intents are tried first. */
export function matchToolCalls(
  text: string,
  tools: readonly BrainTool[],
  intents: readonly BrainIntent[] = [],
): BrainToolCall[] {
  for (const intent of intents) {
    const tool = tools.find((candidate) => candidate.name === intent.tool)
    if (!tool) continue
    const regex = new RegExp(intent.match.source, intent.match.flags.replace('g', ''))
    const match = regex.exec(text)
    if (match) return [{ name: tool.name, args: intent.args(match, text) }]
  }
  const weather = weatherCalls(text, tools)
  if (weather.length > 0) return weather
  return namedToolCall(text, tools)
}
