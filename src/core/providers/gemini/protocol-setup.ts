import type { RealtimeConfig, ToolDefinition, VadConfig } from '../../config'
import { RealtimeError } from '../../errors'
import { optional } from '../optional'
import { geminiParameters } from './schema'
import type {
  GeminiFunctionDeclaration,
  GeminiRealtimeInputConfig,
  GeminiSetup,
} from './wire-types'

export interface GeminiSetupOptions {
  /** The full model resource name (`models/…`, or `projects/…/models/…` on Vertex). */
  model: string
  /**
   * Vertex accepts `sessionResumption.transparent` (AI Studio refuses it), and gets
   * `responseModalities: ['AUDIO']` when the config names no modalities.
   */
  vertex: boolean
  /**
   * Ask for resumption handles (`sessionResumption: {}`) when the config has none. Default true:
   * without handles a dropped connection cannot be resumed.
   */
  requestResumption: boolean
}

/**
 * `RealtimeConfig` → the Live API `setup` message. Pure. Only set fields are sent.
 *
 * | RealtimeConfig | setup |
 * |---|---|
 * | `model` | chooses `options.model` (resolved by the caller to `models/…` or a Vertex path) |
 * | `instruction` | `systemInstruction {parts:[{text}], role:'user'}` |
 * | `voice` | `generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName` |
 * | `modalities` | `generationConfig.responseModalities`, upper case, one value: `AUDIO` when audio is asked for (a Live session produces one modality; its transcript comes from `outputAudioTranscription`). Unset: `['AUDIO']` on Vertex, nothing on AI Studio, as both official SDKs do |
 * | `temperature` | `generationConfig.temperature` |
 * | `maxOutputTokens` | `generationConfig.maxOutputTokens` (`'inf'`: omitted, no limit) |
 * | `affectiveDialog` | `generationConfig.enableAffectiveDialog` |
 * | `tools` | `tools[{functionDeclarations}]`: `parameters` (OpenAPI subset) or `parametersJsonSchema` (see `schema.ts`); `behavior: 'non_blocking'` → `NON_BLOCKING` |
 * | `toolChoice` | `'none'` sends no tools (the Live setup has no tool config); `auto` is the default; `required` and a named function cannot be expressed and are ignored |
 * | `turnDetection` | `realtimeInputConfig`: `mode:'none'` → `automaticActivityDetection.disabled:true` (the app sends activity start/end); otherwise `startSensitivity`/`endSensitivity` → `START_/END_SENSITIVITY_HIGH|LOW`, `prefixPaddingMs`, `silenceDurationMs`; `interruptResponse:false` → `activityHandling:'NO_INTERRUPTION'`, `true` → `START_OF_ACTIVITY_INTERRUPTS`. `semantic_vad` is treated as automatic detection; `threshold`, `eagerness`, `createResponse`, `idleTimeoutMs` do not apply |
 * | `inputAudioTranscription` | `inputAudioTranscription: {}`, with `languageCodes: [language]` when a language is set (newer models take it); Gemini picks the model, so `model` and `prompt` do not apply |
 * | `outputAudioTranscription` | `outputAudioTranscription: {}` when true |
 * | `sessionResumption` | `{handle}` when a handle exists (`transparent` on Vertex only), `{}` otherwise to request handles; never `{handle: null}` (refused by newer models) |
 * | `contextWindowCompression` | `{triggerTokens, slidingWindow:{targetTokens}}`, counts as int64 strings |
 * | `proactivity` | `proactivity {proactiveAudio}` |
 * | `extra` | merged into `setup` last (caller wins) |
 * | `inputAudioFormat` / `outputAudioFormat` | PCM16 only (16 kHz in, 24 kHz out); G.711 is refused with `invalid_config` |
 * | `cachedContent` | not applicable: the Live setup has no cached-content field (send it through `extra` for a model that accepts one) |
 * | `noiseReduction`, `speed` | not applicable (OpenAI only) |
 * | `interruptionDetection` | not a wire field: the runner implements it |
 *
 * @example
 * toGeminiSetup({ instruction: 'Be brief.' }, { model: 'models/gemini-live-2.5-flash-preview', vertex: false, requestResumption: false })
 * // { model: 'models/gemini-live-2.5-flash-preview', systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' } }
 */
export function toGeminiSetup(config: RealtimeConfig, options: GeminiSetupOptions): GeminiSetup {
  for (const field of ['inputAudioFormat', 'outputAudioFormat'] as const) {
    const format = config[field]
    if (format !== undefined && format !== 'pcm16') {
      throw new RealtimeError(
        'invalid_config',
        `Gemini Live only takes PCM16 audio (${field}: ${format})`,
        {
          path: field,
        },
      )
    }
  }
  const setup: GeminiSetup = { model: options.model }
  const generationConfig = toGenerationConfig(config, options.vertex)
  if (generationConfig !== undefined) setup.generationConfig = generationConfig
  if (config.instruction !== undefined) {
    setup.systemInstruction = { parts: [{ text: config.instruction }], role: 'user' }
  }
  if (config.tools !== undefined && config.tools.length > 0 && config.toolChoice !== 'none') {
    setup.tools = [{ functionDeclarations: config.tools.map(toFunctionDeclaration) }]
  }
  if (config.turnDetection !== undefined) {
    setup.realtimeInputConfig = toRealtimeInputConfig(config.turnDetection)
  }
  const transcription = config.inputAudioTranscription
  if (transcription !== undefined) {
    setup.inputAudioTranscription =
      transcription.language === undefined ? {} : { languageCodes: [transcription.language] }
  }
  if (config.outputAudioTranscription === true) setup.outputAudioTranscription = {}
  const handle = config.sessionResumption?.handle
  if (handle !== undefined) {
    setup.sessionResumption = {
      handle,
      ...(options.vertex && config.sessionResumption?.transparent === true
        ? { transparent: true }
        : {}),
    }
  } else if (options.requestResumption || config.sessionResumption !== undefined) {
    setup.sessionResumption =
      options.vertex && config.sessionResumption?.transparent === true ? { transparent: true } : {}
  }
  const compression = config.contextWindowCompression
  if (compression !== undefined) {
    const target = compression.slidingWindow?.targetTokens
    setup.contextWindowCompression = {
      ...(compression.triggerTokens === undefined
        ? {}
        : { triggerTokens: String(compression.triggerTokens) }),
      slidingWindow: target === undefined ? {} : { targetTokens: String(target) },
    }
  }
  if (config.proactivity !== undefined) {
    setup.proactivity = optional('proactiveAudio', config.proactivity.proactiveAudio)
  }
  if (config.extra !== undefined) Object.assign(setup, config.extra)
  return setup
}

function toGenerationConfig(
  config: RealtimeConfig,
  vertex: boolean,
): GeminiSetup['generationConfig'] {
  const generation: NonNullable<GeminiSetup['generationConfig']> = {}
  if (config.modalities !== undefined) {
    generation.responseModalities = [config.modalities.includes('audio') ? 'AUDIO' : 'TEXT']
  } else if (vertex) {
    // Both official SDKs fill in AUDIO on Vertex only (wire-protocols §1.2), so that is the
    // setup Vertex sessions are known to work with; AI Studio gets none, as from the SDKs.
    generation.responseModalities = ['AUDIO']
  }
  if (config.temperature !== undefined) generation.temperature = config.temperature
  if (typeof config.maxOutputTokens === 'number')
    generation.maxOutputTokens = config.maxOutputTokens
  if (config.voice !== undefined) {
    generation.speechConfig = { voiceConfig: { prebuiltVoiceConfig: { voiceName: config.voice } } }
  }
  if (config.affectiveDialog !== undefined)
    generation.enableAffectiveDialog = config.affectiveDialog
  return Object.keys(generation).length === 0 ? undefined : generation
}

function toFunctionDeclaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    ...(tool.parameters === undefined ? {} : geminiParameters(tool.parameters)),
    ...(tool.behavior === undefined
      ? {}
      : { behavior: tool.behavior === 'non_blocking' ? 'NON_BLOCKING' : 'BLOCKING' }),
  }
}

function toRealtimeInputConfig(vad: VadConfig): GeminiRealtimeInputConfig {
  if (vad.mode === 'none') return { automaticActivityDetection: { disabled: true } }
  const detection: NonNullable<GeminiRealtimeInputConfig['automaticActivityDetection']> = {}
  if (vad.startSensitivity !== undefined) {
    detection.startOfSpeechSensitivity =
      vad.startSensitivity === 'high' ? 'START_SENSITIVITY_HIGH' : 'START_SENSITIVITY_LOW'
  }
  if (vad.endSensitivity !== undefined) {
    detection.endOfSpeechSensitivity =
      vad.endSensitivity === 'high' ? 'END_SENSITIVITY_HIGH' : 'END_SENSITIVITY_LOW'
  }
  if (vad.prefixPaddingMs !== undefined) detection.prefixPaddingMs = vad.prefixPaddingMs
  if (vad.silenceDurationMs !== undefined) detection.silenceDurationMs = vad.silenceDurationMs
  const input: GeminiRealtimeInputConfig = {}
  if (Object.keys(detection).length > 0) input.automaticActivityDetection = detection
  if (vad.interruptResponse !== undefined) {
    input.activityHandling = vad.interruptResponse
      ? 'START_OF_ACTIVITY_INTERRUPTS'
      : 'NO_INTERRUPTION'
  }
  return input
}
