// Public API of `adk-realtime/server`: relay and ephemeral-token minting. Node only.
export { mintOpenAIClientSecret, mintGeminiToken } from './tokens'
export type {
  MintOptions,
  OpenAIClientSecretOptions,
  OpenAIClientSecret,
  GeminiTokenOptions,
  GeminiToken,
} from './tokens'
