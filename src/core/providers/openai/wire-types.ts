/**
 * OpenAI Realtime GA wire types: the subset of messages this library sends and reads.
 *
 * Field for field these mirror the `openai` package's `resources/realtime/realtime` typings
 * (checked both ways by `test/types/openai-wire.test-d.ts`), but they are written out here so the
 * runtime never depends on `openai`. Two deliberate widenings, both allowed by the API docs but
 * missing from those typings: `transcription` and `noise_reduction` accept `null` ("set to null
 * to turn off").
 */

export type OpenAIAudioFormat =
  { type?: 'audio/pcm'; rate?: 24000 } | { type?: 'audio/pcmu' } | { type?: 'audio/pcma' }

export interface OpenAIServerVad {
  type: 'server_vad'
  create_response?: boolean
  idle_timeout_ms?: number | null
  interrupt_response?: boolean
  prefix_padding_ms?: number
  silence_duration_ms?: number
  threshold?: number
}

export interface OpenAISemanticVad {
  type: 'semantic_vad'
  create_response?: boolean
  eagerness?: 'low' | 'medium' | 'high' | 'auto'
  interrupt_response?: boolean
}

export type OpenAITurnDetection = OpenAIServerVad | OpenAISemanticVad

export interface OpenAITranscription {
  delay?: 'minimal' | 'low' | 'medium' | 'high' | 'xhigh'
  language?: string
  model?: string
  prompt?: string
}

export interface OpenAINoiseReduction {
  type?: 'near_field' | 'far_field'
}

export interface OpenAIAudioInput {
  format?: OpenAIAudioFormat
  noise_reduction?: OpenAINoiseReduction | null
  transcription?: OpenAITranscription | null
  turn_detection?: OpenAITurnDetection | null
}

export interface OpenAIAudioOutput {
  format?: OpenAIAudioFormat
  speed?: number
  voice?: string | { id: string }
}

export interface OpenAIFunctionTool {
  type?: 'function'
  name?: string
  description?: string
  parameters?: unknown
}

export type OpenAIToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'mcp'; server_label: string; name?: string | null }

/** The `session` of a GA `session.update` (`RealtimeSessionCreateRequest`). */
export interface OpenAISessionConfig {
  type: 'realtime'
  audio?: { input?: OpenAIAudioInput; output?: OpenAIAudioOutput }
  instructions?: string
  max_output_tokens?: number | 'inf'
  model?: string
  output_modalities?: Array<'text' | 'audio'>
  tool_choice?: OpenAIToolChoice
  tools?: OpenAIFunctionTool[]
}

type ItemStatus = 'completed' | 'incomplete' | 'in_progress'

export interface OpenAIUserMessageItem {
  type: 'message'
  role: 'user'
  content: Array<{
    type?: 'input_text' | 'input_audio' | 'input_image'
    text?: string
    audio?: string
    transcript?: string
    image_url?: string
    detail?: 'auto' | 'low' | 'high'
  }>
  id?: string
  object?: 'realtime.item'
  status?: ItemStatus
}

export interface OpenAIAssistantMessageItem {
  type: 'message'
  role: 'assistant'
  content: Array<{
    type?: 'output_text' | 'output_audio'
    text?: string
    audio?: string
    transcript?: string
  }>
  id?: string
  object?: 'realtime.item'
  status?: ItemStatus
}

export interface OpenAISystemMessageItem {
  type: 'message'
  role: 'system'
  content: Array<{ type?: 'input_text'; text?: string }>
  id?: string
  object?: 'realtime.item'
  status?: ItemStatus
}

export interface OpenAIFunctionCallItem {
  type: 'function_call'
  name: string
  arguments: string
  call_id?: string
  id?: string
  object?: 'realtime.item'
  status?: ItemStatus
}

export interface OpenAIFunctionCallOutputItem {
  type: 'function_call_output'
  call_id: string
  output: string
  id?: string
  object?: 'realtime.item'
  status?: ItemStatus
}

/** The item kinds this library creates and models (MCP items pass through as `raw`). */
export type OpenAIConversationItem =
  | OpenAIUserMessageItem
  | OpenAIAssistantMessageItem
  | OpenAISystemMessageItem
  | OpenAIFunctionCallItem
  | OpenAIFunctionCallOutputItem

export interface OpenAIResponseCreateParams {
  conversation?: string
  instructions?: string
  max_output_tokens?: number | 'inf'
  output_modalities?: Array<'text' | 'audio'>
  tool_choice?: OpenAIToolChoice
}

// ---- client events -------------------------------------------------------------------------

export interface OpenAISessionUpdateEvent {
  type: 'session.update'
  session: OpenAISessionConfig
  event_id?: string
}
export interface OpenAIInputAudioBufferAppendEvent {
  type: 'input_audio_buffer.append'
  audio: string
  event_id?: string
}
export interface OpenAIInputAudioBufferCommitEvent {
  type: 'input_audio_buffer.commit'
  event_id?: string
}
export interface OpenAIInputAudioBufferClearEvent {
  type: 'input_audio_buffer.clear'
  event_id?: string
}
export interface OpenAIConversationItemCreateEvent {
  type: 'conversation.item.create'
  item: OpenAIConversationItem
  previous_item_id?: string
  event_id?: string
}
export interface OpenAIConversationItemTruncateEvent {
  type: 'conversation.item.truncate'
  item_id: string
  content_index: number
  audio_end_ms: number
  event_id?: string
}
export interface OpenAIResponseCreateEvent {
  type: 'response.create'
  response?: OpenAIResponseCreateParams
  event_id?: string
}
export interface OpenAIResponseCancelEvent {
  type: 'response.cancel'
  response_id?: string
  event_id?: string
}

export type OpenAIClientEvent =
  | OpenAISessionUpdateEvent
  | OpenAIInputAudioBufferAppendEvent
  | OpenAIInputAudioBufferCommitEvent
  | OpenAIInputAudioBufferClearEvent
  | OpenAIConversationItemCreateEvent
  | OpenAIConversationItemTruncateEvent
  | OpenAIResponseCreateEvent
  | OpenAIResponseCancelEvent

// ---- server events (the fields this library reads) --------------------------------------------

export interface OpenAIErrorDetails {
  message: string
  type: string
  code?: string | null
  event_id?: string | null
  param?: string | null
}

export interface OpenAIErrorEvent {
  type: 'error'
  event_id: string
  error: OpenAIErrorDetails
}

export interface OpenAIResponseUsage {
  input_token_details?: {
    audio_tokens?: number
    cached_tokens?: number
    cached_tokens_details?: { audio_tokens?: number; image_tokens?: number; text_tokens?: number }
    image_tokens?: number
    text_tokens?: number
  }
  input_tokens?: number
  output_token_details?: { audio_tokens?: number; text_tokens?: number }
  output_tokens?: number
  total_tokens?: number
}

export interface OpenAIResponseStatusDetails {
  error?: { code?: string; type?: string }
  reason?: 'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter'
  type?: 'completed' | 'cancelled' | 'incomplete' | 'failed'
}

/** Every streamed-content event carries these (`response.output_audio.delta` and friends). */
export interface OpenAIContentLocation {
  event_id: string
  response_id: string
  item_id: string
  output_index: number
  content_index: number
}

export interface OpenAIResponseAudioDeltaEvent extends OpenAIContentLocation {
  type: 'response.output_audio.delta'
  delta: string
}
export interface OpenAIResponseAudioTranscriptDoneEvent extends OpenAIContentLocation {
  type: 'response.output_audio_transcript.done'
  transcript: string
}
export interface OpenAIResponseTextDoneEvent extends OpenAIContentLocation {
  type: 'response.output_text.done'
  text: string
}

export interface OpenAIResponseFunctionCallArgumentsDoneEvent {
  type: 'response.function_call_arguments.done'
  event_id: string
  response_id: string
  item_id: string
  output_index: number
  call_id: string
  name: string
  arguments: string
}

export interface OpenAIConversationItemTruncatedEvent {
  type: 'conversation.item.truncated'
  event_id: string
  item_id: string
  content_index: number
  audio_end_ms: number
}

export interface OpenAIRateLimitsUpdatedEvent {
  type: 'rate_limits.updated'
  event_id: string
  rate_limits: Array<{
    limit?: number
    name?: 'requests' | 'tokens'
    remaining?: number
    reset_seconds?: number
  }>
}

export interface OpenAIInputAudioBufferSpeechStartedEvent {
  type: 'input_audio_buffer.speech_started'
  event_id: string
  item_id: string
  audio_start_ms: number
}
