/**
 * Type-level checks: our OpenAI wire types (src/core/providers/openai/wire-types.ts) are
 * assignable to and from the official ones in the `openai` package's
 * `resources/realtime/realtime` typings. Checked by `tsc` (`npm run typecheck`; tsconfig includes
 * test/); nothing here runs. `openai` is a devDependency only: the runtime never imports it.
 *
 * Where the two differ on purpose, the check says so and covers the rest:
 * - `noise_reduction` and `transcription` accept `null` in our types ("set to null to turn off",
 *   per the API docs, which the official typings omit), so ours → official is checked with those
 *   two fields narrowed, and an expect-error shows `null` is the only difference.
 * - Official unions also hold MCP tools and items, which this library never sends or models
 *   (they pass through as `raw`), so official → ours is checked per modelled member.
 */
import type * as Official from 'openai/resources/realtime/realtime'
import type * as Ours from '../../src/core/providers/openai/wire-types'

/** Compiles only when `value` is assignable to `T`. */
declare function assignable<T>(value: T): void

/** Both directions at once. */
declare function mutual<TOurs, TOfficial>(
  ours: TOurs & ([TOurs] extends [TOfficial] ? unknown : never),
  official: TOfficial & ([TOfficial] extends [TOurs] ? unknown : never),
): void

declare function value<T>(): T

// ---- shared building blocks ---------------------------------------------------------------

mutual(value<Ours.OpenAIAudioFormat>(), value<Official.RealtimeAudioFormats>())
mutual(value<Ours.OpenAITurnDetection>(), value<Official.RealtimeAudioInputTurnDetection>())
mutual(value<Ours.OpenAIServerVad>(), value<Official.RealtimeAudioInputTurnDetection.ServerVad>())
mutual(
  value<Ours.OpenAISemanticVad>(),
  value<Official.RealtimeAudioInputTurnDetection.SemanticVad>(),
)
mutual(value<Ours.OpenAITranscription>(), value<Official.AudioTranscription>())
mutual(
  value<Ours.OpenAINoiseReduction>(),
  value<Official.RealtimeAudioConfigInput.NoiseReduction>(),
)
mutual(value<Ours.OpenAIAudioOutput>(), value<Official.RealtimeAudioConfigOutput>())
mutual(value<Ours.OpenAIFunctionTool>(), value<Official.RealtimeFunctionTool>())
mutual(value<Ours.OpenAIToolChoice>(), value<Official.RealtimeToolChoiceConfig>())
mutual(value<Ours.OpenAIResponseUsage>(), value<Official.RealtimeResponseUsage>())
mutual(value<Ours.OpenAIResponseStatusDetails>(), value<Official.RealtimeResponseStatus>())
mutual(value<Ours.OpenAIErrorDetails>(), value<Official.RealtimeError>())

// ---- the session config (`session.update.session`) -------------------------------------------

type StrictAudioInput = Omit<Ours.OpenAIAudioInput, 'noise_reduction' | 'transcription'> & {
  noise_reduction?: Ours.OpenAINoiseReduction
  transcription?: Ours.OpenAITranscription
}
type StrictSessionConfig = Omit<Ours.OpenAISessionConfig, 'audio'> & {
  audio?: { input?: StrictAudioInput; output?: Ours.OpenAIAudioOutput }
}
assignable<Official.RealtimeSessionCreateRequest>(value<StrictSessionConfig>())
assignable<Official.RealtimeAudioConfigInput>(value<StrictAudioInput>())
// @ts-expect-error `null` (turn off) is the one deliberate widening over the official typings.
assignable<Official.RealtimeAudioConfigInput>(value<Ours.OpenAIAudioInput>())

type OfficialFunctionSession = Omit<Official.RealtimeSessionCreateRequest, 'tools'> & {
  tools?: Official.RealtimeFunctionTool[]
}
assignable<Ours.OpenAISessionConfig>(value<OfficialFunctionSession>())
assignable<Ours.OpenAIAudioInput>(value<Official.RealtimeAudioConfigInput>())

// ---- conversation items -------------------------------------------------------------------

mutual(value<Ours.OpenAIUserMessageItem>(), value<Official.RealtimeConversationItemUserMessage>())
mutual(
  value<Ours.OpenAIAssistantMessageItem>(),
  value<Official.RealtimeConversationItemAssistantMessage>(),
)
mutual(
  value<Ours.OpenAISystemMessageItem>(),
  value<Official.RealtimeConversationItemSystemMessage>(),
)
mutual(value<Ours.OpenAIFunctionCallItem>(), value<Official.RealtimeConversationItemFunctionCall>())
mutual(
  value<Ours.OpenAIFunctionCallOutputItem>(),
  value<Official.RealtimeConversationItemFunctionCallOutput>(),
)
assignable<Official.ConversationItem>(value<Ours.OpenAIConversationItem>())

// ---- client events ------------------------------------------------------------------------

mutual(
  value<Ours.OpenAIInputAudioBufferAppendEvent>(),
  value<Official.InputAudioBufferAppendEvent>(),
)
mutual(
  value<Ours.OpenAIInputAudioBufferCommitEvent>(),
  value<Official.InputAudioBufferCommitEvent>(),
)
mutual(value<Ours.OpenAIInputAudioBufferClearEvent>(), value<Official.InputAudioBufferClearEvent>())
mutual(
  value<Ours.OpenAIConversationItemTruncateEvent>(),
  value<Official.ConversationItemTruncateEvent>(),
)
mutual(value<Ours.OpenAIResponseCancelEvent>(), value<Official.ResponseCancelEvent>())
assignable<Official.ResponseCreateEvent>(value<Ours.OpenAIResponseCreateEvent>())
assignable<Ours.OpenAIResponseCreateEvent>(
  value<
    Omit<Official.ResponseCreateEvent, 'response'> & {
      response?: Omit<Official.RealtimeResponseCreateParams, 'tools' | 'input'>
    }
  >(),
)
assignable<Official.ConversationItemCreateEvent>(value<Ours.OpenAIConversationItemCreateEvent>())
assignable<Official.SessionUpdateEvent>(
  value<Omit<Ours.OpenAISessionUpdateEvent, 'session'> & { session: StrictSessionConfig }>(),
)
// Everything we send is a valid GA client event (given the documented `null` widening).
assignable<Official.RealtimeClientEvent>(
  value<Exclude<Ours.OpenAIClientEvent, Ours.OpenAISessionUpdateEvent>>(),
)

// ---- server events we read ----------------------------------------------------------------

mutual(value<Ours.OpenAIErrorEvent>(), value<Official.RealtimeErrorEvent>())
mutual(value<Ours.OpenAIResponseAudioDeltaEvent>(), value<Official.ResponseAudioDeltaEvent>())
mutual(
  value<Ours.OpenAIResponseAudioTranscriptDoneEvent>(),
  value<Official.ResponseAudioTranscriptDoneEvent>(),
)
mutual(value<Ours.OpenAIResponseTextDoneEvent>(), value<Official.ResponseTextDoneEvent>())
mutual(
  value<Ours.OpenAIResponseFunctionCallArgumentsDoneEvent>(),
  value<Official.ResponseFunctionCallArgumentsDoneEvent>(),
)
mutual(
  value<Ours.OpenAIConversationItemTruncatedEvent>(),
  value<Official.ConversationItemTruncatedEvent>(),
)
mutual(value<Ours.OpenAIRateLimitsUpdatedEvent>(), value<Official.RateLimitsUpdatedEvent>())
mutual(
  value<Ours.OpenAIInputAudioBufferSpeechStartedEvent>(),
  value<Official.InputAudioBufferSpeechStartedEvent>(),
)

// ---- the checks have teeth ----------------------------------------------------------------

type Pcm16k = { type: 'audio/pcm'; rate: 16000 }
type NumericDelta = Omit<Ours.OpenAIResponseAudioDeltaEvent, 'delta'> & { delta: number }
type NoCallId = Omit<Official.ResponseFunctionCallArgumentsDoneEvent, 'call_id'>
type ExtraRequired = Ours.OpenAIRateLimitsUpdatedEvent & { required_extra: string }

// @ts-expect-error GA PCM is 24 kHz only; a 16 kHz format is not a valid official format.
assignable<Official.RealtimeAudioFormats>(value<Pcm16k>())
// @ts-expect-error A field of the wrong type is caught.
assignable<Official.ResponseAudioDeltaEvent>(value<NumericDelta>())
// @ts-expect-error A missing required field is caught in the official → ours direction.
assignable<Ours.OpenAIResponseFunctionCallArgumentsDoneEvent>(value<NoCallId>())
// @ts-expect-error `mutual` fails when only one direction holds.
mutual(value<ExtraRequired>(), value<Official.RateLimitsUpdatedEvent>())
