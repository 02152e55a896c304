// Public API of `adk-realtime/server`: relay and ephemeral-token minting. Node only.
export { mintOpenAIClientSecret, mintGeminiToken } from './tokens'
export type {
  MintOptions,
  OpenAIClientSecretOptions,
  OpenAIClientSecret,
  GeminiTokenOptions,
  GeminiToken,
} from './tokens'
export { createRelayServer, relayCloseCodes } from './relay'
export type { RelayServerOptions, RelayServer, RelayClaims, RelayLogEntry } from './relay'
export { applySessionPolicy } from './relay-policy'
export type { SessionPolicy, PolicyDecision, PolicyProtocol, ConfigKey } from './relay-policy'
export { createMemoryHandleStore } from './relay-resumption'
export type { ResumptionBinding, ResumptionHandleStore } from './relay-resumption'
