import type { BrainContext, BrainMessage, BrainTool } from '../brain'
import { isRecord } from '../log'
import type { Conversation } from './conversation'
import { historyOf } from './conversation'
import { openaiErrors } from './errors'
import { formatOf, type SessionObject } from './session-config'
import { s, validate } from './validate'
import type { ResponseSettings } from './response'

/**
 * Turns a `response.create` (its optional `response` parameters over the session's settings) into
 * what a {@link ResponseRun} needs: the brain's context, modality, format, voice and limits.
 */
const responseSpec = s.object({
  instructions: s.string,
  output_modalities: s.array(s.enum('text', 'audio')),
  tools: s.array(
    s.object(
      { type: s.string, name: s.string, description: s.string, parameters: s.any },
      [],
      true,
    ),
  ),
  tool_choice: s.any,
  conversation: s.either(s.enum('auto', 'none'), s.string),
  input: s.array(s.any),
  metadata: s.any,
  audio: s.object({ output: s.object({ voice: s.any, format: s.any }) }),
  max_output_tokens: s.either(s.number({ integer: true, min: 1, max: 4096 }), s.enum('inf')),
  prompt: s.any,
})

export function toBrainTools(tools: unknown): BrainTool[] {
  if (!Array.isArray(tools)) return []
  return tools.filter(isRecord).flatMap((tool) => {
    if (tool.type !== undefined && tool.type !== 'function') return []
    const brainTool: BrainTool = { name: String(tool.name) }
    if (typeof tool.description === 'string') brainTool.description = tool.description
    if (isRecord(tool.parameters)) brainTool.parameters = tool.parameters
    return [brainTool]
  })
}

function toolChoiceOf(value: unknown): BrainContext['toolChoice'] {
  if (value === 'none' || value === 'required') return value
  if (isRecord(value) && typeof value.name === 'string') return { name: value.name }
  return 'auto'
}

/** History for an out-of-band response: its own `input` items and item references. */
function historyOfInput(input: unknown[], conversation: Conversation): BrainMessage[] {
  return input.filter(isRecord).flatMap((entry) => {
    if (entry.type === 'item_reference' && typeof entry.id === 'string') {
      const stored = conversation.get(entry.id)
      if (!stored) throw openaiErrors.itemNotFound('response.input', entry.id)
      return historyOf(stored.item, stored.heard)
    }
    return historyOf(entry)
  })
}

/** Deterministic prompt size: ~4 characters per text token, ~9 audio tokens per second heard. */
function inputTokens(context: BrainContext, inputAudioMs: number): { text: number; audio: number } {
  let characters = context.instructions.length
  for (const message of context.history) {
    if (message.role === 'user' || message.role === 'assistant') characters += message.text.length
    else characters += JSON.stringify(message).length
  }
  return { text: Math.ceil(characters / 4), audio: Math.ceil(inputAudioMs / 110) }
}

export function responseSettings(options: {
  params: unknown
  session: SessionObject
  conversation: Conversation
  conversationId: string
  inputAudioMs: number
}): Omit<ResponseSettings, 'transcription'> {
  const { params, session, conversation } = options
  if (params !== undefined) {
    const problem = validate(params, responseSpec, 'response')
    if (problem) throw problem
  }
  const response = isRecord(params) ? params : {}
  const output =
    isRecord(response.audio) && isRecord(response.audio.output) ? response.audio.output : {}
  const inConversation = response.conversation !== 'none'
  const history = Array.isArray(response.input)
    ? historyOfInput(response.input, conversation)
    : conversation.toHistory()
  const context: BrainContext = {
    provider: 'openai',
    instructions: String(response.instructions ?? session.instructions ?? ''),
    history,
    tools: toBrainTools(response.tools ?? session.tools),
    toolChoice: toolChoiceOf(response.tool_choice ?? session.tool_choice),
  }
  const image = conversation.latestImage()
  if (image !== undefined) context.video = image
  const modalities = (response.output_modalities ?? session.output_modalities) as unknown[]
  const maxTokens = response.max_output_tokens ?? session.max_output_tokens
  return {
    context,
    modality: modalities[0] === 'text' ? 'text' : 'audio',
    format: formatOf(output.format ?? session.audio.output.format),
    voice: output.voice ?? session.audio.output.voice,
    maxOutputTokens: typeof maxTokens === 'number' ? maxTokens : 'inf',
    inConversation,
    conversationId: options.conversationId,
    metadata: response.metadata ?? null,
    inputTokens: inputTokens(context, options.inputAudioMs),
  }
}
