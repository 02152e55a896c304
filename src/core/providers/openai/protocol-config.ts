import type { AudioEncoding, RealtimeConfig, ToolChoice, VadConfig } from '../../config'
import type {
  OpenAIAudioFormat,
  OpenAIAudioInput,
  OpenAIAudioOutput,
  OpenAISessionConfig,
  OpenAIToolChoice,
  OpenAITurnDetection,
} from './wire-types'

/**
 * `RealtimeConfig` → the GA `session` object of `session.update`. Pure.
 *
 * Field by field:
 * | RealtimeConfig | GA session |
 * |---|---|
 * | `instruction` | `instructions` |
 * | `voice` | `audio.output.voice` |
 * | `modalities` | `output_modalities` — GA takes one value; `['text','audio']` becomes `['audio']` (audio always comes with its transcript) |
 * | `inputAudioFormat` / `outputAudioFormat` | `audio.input.format` / `audio.output.format`: `pcm16` → `{type:'audio/pcm',rate:24000}`, `g711_ulaw` → `{type:'audio/pcmu'}`, `g711_alaw` → `{type:'audio/pcma'}`. Always sent on a full update (default `pcm16`), so the session never depends on a server default |
 * | `turnDetection` | `audio.input.turn_detection`: `none` → `null`; `server_vad` → threshold, prefix_padding_ms, silence_duration_ms, idle_timeout_ms, create_response, interrupt_response; `semantic_vad` → eagerness, create_response, interrupt_response. Options of the other mode, and Gemini's `startSensitivity`/`endSensitivity`, do not apply |
 * | `tools` | `tools[]` `{type:'function', name, description, parameters}`; `behavior` (Gemini) does not apply |
 * | `toolChoice` | `tool_choice` |
 * | `inputAudioTranscription` | `audio.input.transcription` `{model, language, prompt}` |
 * | `maxOutputTokens` | `max_output_tokens` |
 * | `noiseReduction` | `audio.input.noise_reduction`: `{type}`, or `null` for `none` |
 * | `speed` | `audio.output.speed` |
 * | `extra` | merged into `session` last (caller wins) |
 * | `model` | not sent: the model is chosen by the URL (`?model=`) and cannot change mid-session |
 * | `temperature` | not applicable: GA sessions have no temperature (the server refuses the field) |
 * | `outputAudioTranscription` | not applicable: OpenAI always streams the transcript of its audio |
 * | `interruptionDetection` | not a wire field: the runner implements it (local playback stop + truncate) |
 * | `cachedContent`, `affectiveDialog`, `proactivity`, `contextWindowCompression`, `sessionResumption` | not applicable (Gemini only) |
 *
 * @example
 * toOpenAISessionConfig({ instruction: 'Be terse.', voice: 'marin' })
 * // { type: 'realtime', instructions: 'Be terse.', audio: { input: { format: … }, output: { format: …, voice: 'marin' } } }
 */
export function toOpenAISessionConfig(config: RealtimeConfig): OpenAISessionConfig {
  const session: OpenAISessionConfig = { type: 'realtime' }
  if (config.instruction !== undefined) session.instructions = config.instruction
  if (config.modalities !== undefined) {
    session.output_modalities = config.modalities.includes('audio') ? ['audio'] : ['text']
  }
  session.audio = { input: toAudioInput(config), output: toAudioOutput(config) }
  if (config.tools !== undefined) {
    session.tools = config.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(tool.parameters === undefined ? {} : { parameters: tool.parameters }),
    }))
  }
  if (config.toolChoice !== undefined) session.tool_choice = toToolChoice(config.toolChoice)
  if (config.maxOutputTokens !== undefined) session.max_output_tokens = config.maxOutputTokens
  if (config.extra !== undefined) Object.assign(session, config.extra, { type: 'realtime' })
  return session
}

function toAudioInput(config: RealtimeConfig): OpenAIAudioInput {
  const input: OpenAIAudioInput = { format: toAudioFormat(config.inputAudioFormat) }
  if (config.noiseReduction !== undefined) {
    input.noise_reduction =
      config.noiseReduction === 'none' ? null : { type: config.noiseReduction }
  }
  if (config.turnDetection !== undefined)
    input.turn_detection = toTurnDetection(config.turnDetection)
  const transcription = config.inputAudioTranscription
  if (transcription !== undefined) {
    input.transcription = {
      ...(transcription.model === undefined ? {} : { model: transcription.model }),
      ...(transcription.language === undefined ? {} : { language: transcription.language }),
      ...(transcription.prompt === undefined ? {} : { prompt: transcription.prompt }),
    }
  }
  return input
}

function toAudioOutput(config: RealtimeConfig): OpenAIAudioOutput {
  const output: OpenAIAudioOutput = { format: toAudioFormat(config.outputAudioFormat) }
  if (config.voice !== undefined) output.voice = config.voice
  if (config.speed !== undefined) output.speed = config.speed
  return output
}

/** Wire format of an encoding (`pcm16` when unset). */
export function toAudioFormat(encoding: AudioEncoding | undefined): OpenAIAudioFormat {
  switch (encoding) {
    case 'g711_ulaw':
      return { type: 'audio/pcmu' }
    case 'g711_alaw':
      return { type: 'audio/pcma' }
    default:
      return { type: 'audio/pcm', rate: 24000 }
  }
}

/** `null` turns detection off (the app commits turns itself). */
export function toTurnDetection(vad: VadConfig): OpenAITurnDetection | null {
  if (vad.mode === 'none') return null
  if (vad.mode === 'semantic_vad') {
    return {
      type: 'semantic_vad',
      ...(vad.eagerness === undefined ? {} : { eagerness: vad.eagerness }),
      ...(vad.createResponse === undefined ? {} : { create_response: vad.createResponse }),
      ...(vad.interruptResponse === undefined ? {} : { interrupt_response: vad.interruptResponse }),
    }
  }
  return {
    type: 'server_vad',
    ...(vad.threshold === undefined ? {} : { threshold: vad.threshold }),
    ...(vad.prefixPaddingMs === undefined ? {} : { prefix_padding_ms: vad.prefixPaddingMs }),
    ...(vad.silenceDurationMs === undefined ? {} : { silence_duration_ms: vad.silenceDurationMs }),
    ...(vad.idleTimeoutMs === undefined ? {} : { idle_timeout_ms: vad.idleTimeoutMs }),
    ...(vad.createResponse === undefined ? {} : { create_response: vad.createResponse }),
    ...(vad.interruptResponse === undefined ? {} : { interrupt_response: vad.interruptResponse }),
  }
}

function toToolChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name }
}
