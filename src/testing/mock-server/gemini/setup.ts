import type { BrainTool } from '../brain'
import { isRecord } from '../log'
import { accepts, type MockRealtimeServerOptions } from '../options'
import type { Route } from '../routing'
import { geminiClose, type GeminiClose } from './errors'

/**
 * The `setup` message, read into what the mock needs. Unknown models close with 1008, as on the
 * service. The model's name also selects two behaviours seen in real sessions (addendum 5 and 8):
 * native-audio models send a `thought: true` text part before speaking, and the half-cascade
 * `gemini-live-2.5-flash-preview` sends an `executableCode` part before a tool call — both things a
 * client must not speak or run.
 */
export interface GeminiSetup {
  model: string
  modality: 'AUDIO' | 'TEXT'
  instructions: string
  tools: BrainTool[]
  inputTranscription: boolean
  outputTranscription: boolean
  /** Present when the client asked for resumption handles (or resumes one). */
  resumption: { handle?: string; transparent: boolean } | undefined
  activityDetection: {
    disabled: boolean
    threshold: number
    prefixPaddingMs: number
    silenceDurationMs: number
  }
  /** `START_OF_ACTIVITY_INTERRUPTS` (default) or `NO_INTERRUPTION`. */
  interrupts: boolean
  nativeAudio: boolean
  codePreamble: boolean
}

type GeminiRoute = Extract<Route, { protocol: 'gemini' }>

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!isRecord(content) || !Array.isArray(content.parts)) return ''
  return content.parts
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .join('')
}

function toolsOf(tools: unknown): BrainTool[] {
  if (!Array.isArray(tools)) return []
  return tools.filter(isRecord).flatMap((tool) =>
    Array.isArray(tool.functionDeclarations)
      ? tool.functionDeclarations.filter(isRecord).map((declaration) => {
          const brainTool: BrainTool = { name: String(declaration.name) }
          if (typeof declaration.description === 'string')
            brainTool.description = declaration.description
          const parameters = declaration.parameters ?? declaration.parametersJsonSchema
          if (isRecord(parameters)) brainTool.parameters = parameters
          return brainTool
        })
      : [],
  )
}

/** Returns the parsed setup, or the close the service would answer with. */
export function readSetup(
  setup: unknown,
  route: GeminiRoute,
  options: MockRealtimeServerOptions,
): GeminiSetup | GeminiClose {
  if (!isRecord(setup) || typeof setup.model !== 'string') return geminiClose.invalidArgument
  const model = setup.model
  const name = model.replace(/^.*models\//, '')
  const known =
    /^(models\/|publishers\/google\/models\/|projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/)/.test(
      model,
    )
  if (!known || !accepts(options.gemini?.models, name, (value) => value.startsWith('gemini'))) {
    return geminiClose.modelNotFound(model, route.version)
  }
  const generation = isRecord(setup.generationConfig) ? setup.generationConfig : {}
  const modalities = Array.isArray(generation.responseModalities)
    ? generation.responseModalities
    : []
  const realtime = isRecord(setup.realtimeInputConfig) ? setup.realtimeInputConfig : {}
  const detection = isRecord(realtime.automaticActivityDetection)
    ? realtime.automaticActivityDetection
    : {}
  const resumption = isRecord(setup.sessionResumption) ? setup.sessionResumption : undefined
  // Sensitivities only move the energy threshold and the silence the mock waits for.
  const threshold =
    detection.startOfSpeechSensitivity === 'START_SENSITIVITY_HIGH'
      ? 0.4
      : detection.startOfSpeechSensitivity === 'START_SENSITIVITY_LOW'
        ? 0.6
        : 0.5
  const endSilence =
    detection.endOfSpeechSensitivity === 'END_SENSITIVITY_HIGH'
      ? 300
      : detection.endOfSpeechSensitivity === 'END_SENSITIVITY_LOW'
        ? 1000
        : 500
  const nativeAudio = /native-audio/.test(name)
  return {
    model,
    modality: String(modalities[0] ?? 'AUDIO').toUpperCase() === 'TEXT' ? 'TEXT' : 'AUDIO',
    instructions: textOf(setup.systemInstruction),
    tools: toolsOf(setup.tools),
    inputTranscription: setup.inputAudioTranscription !== undefined,
    outputTranscription: setup.outputAudioTranscription !== undefined,
    resumption: resumption && {
      ...(typeof resumption.handle === 'string' ? { handle: resumption.handle } : {}),
      transparent: resumption.transparent === true,
    },
    activityDetection: {
      disabled: detection.disabled === true,
      threshold,
      prefixPaddingMs:
        typeof detection.prefixPaddingMs === 'number' ? detection.prefixPaddingMs : 300,
      silenceDurationMs:
        typeof detection.silenceDurationMs === 'number' ? detection.silenceDurationMs : endSilence,
    },
    interrupts: realtime.activityHandling !== 'NO_INTERRUPTION',
    nativeAudio,
    codePreamble: route.variant === 'ai-studio' && /^gemini-live-2\.5-flash-preview/.test(name),
  }
}

export function isSetup(value: GeminiSetup | GeminiClose): value is GeminiSetup {
  return 'model' in value
}
