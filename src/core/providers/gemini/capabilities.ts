import type { ProviderCapabilities } from '../../session'

/** The prebuilt voices of Gemini's native-audio and half-cascade Live models. */
export const GEMINI_VOICES = [
  'Puck',
  'Charon',
  'Kore',
  'Fenrir',
  'Aoede',
  'Leda',
  'Orus',
  'Zephyr',
  'Callirrhoe',
  'Autonoe',
  'Enceladus',
  'Iapetus',
  'Umbriel',
  'Algieba',
  'Despina',
  'Erinome',
  'Algenib',
  'Rasalgethi',
  'Laomedeia',
  'Achernar',
  'Alnilam',
  'Schedar',
  'Gacrux',
  'Pulcherrima',
  'Achird',
  'Zubenelgenubi',
  'Vindemiatrix',
  'Sadachbia',
  'Sadaltager',
  'Sulafat',
] as const

export const GEMINI_DEFAULT_MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025'

/**
 * Gemini Live: the setup is immutable (a config change needs a resumption), 16 kHz PCM16 in and
 * 24 kHz out, resumption by handle, no `response.create` after tool outputs, no truncation, and
 * video as JPEG/PNG frames (the service samples them at 1 frame/s).
 */
export const GEMINI_CAPABILITIES: ProviderCapabilities = Object.freeze({
  liveContextMutation: false,
  inputSampleRate: 16000,
  outputSampleRate: 24000,
  voices: GEMINI_VOICES,
  transports: Object.freeze(['websocket'] as const),
  sessionResumption: true,
  responseAfterToolOutputs: false,
  truncation: false,
  video: Object.freeze({ maxFramesPerSecond: 1 }),
})
