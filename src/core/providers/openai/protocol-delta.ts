import type { RealtimeConfig } from '../../config'
import { jsonEqual } from '../json-equal'
import { toOpenAISessionConfig } from './protocol-config'
import type { OpenAIAudioInput, OpenAIAudioOutput, OpenAISessionConfig } from './wire-types'

/**
 * What to send when a field disappears from the config between two updates. GA `session.update`
 * is a merge (absent fields keep their value), so "remove" has to be said with a value. Fields
 * missing here (`voice`, formats, `extra` keys) have no neutral value and keep their current one.
 */
const TOP_LEVEL_RESETS: Partial<Record<keyof OpenAISessionConfig, unknown>> = {
  instructions: '',
  tools: [],
  tool_choice: 'auto',
  max_output_tokens: 'inf',
  output_modalities: ['audio'],
}
const INPUT_RESETS: Partial<Record<keyof OpenAIAudioInput, unknown>> = {
  transcription: null,
  noise_reduction: null,
  turn_detection: { type: 'server_vad' },
}
const OUTPUT_RESETS: Partial<Record<keyof OpenAIAudioOutput, unknown>> = { speed: 1 }

/**
 * The sparse `session` for changing `previous` into `next`: only fields whose wire value differs,
 * plus the always-required `type`. Returns `undefined` when nothing on the wire would change.
 *
 * Sending only the difference matters: the Rust crate re-sent the whole config on every update
 * (defect 8.13), which repeats `voice` — refused with `cannot_update_voice` once the model has
 * spoken — and needlessly resets VAD and transcription state.
 *
 * @example
 * toOpenAISessionDelta({ instruction: 'A', voice: 'marin' }, { instruction: 'B', voice: 'marin' })
 * // { type: 'realtime', instructions: 'B' }
 */
export function toOpenAISessionDelta(
  previous: RealtimeConfig,
  next: RealtimeConfig,
): OpenAISessionConfig | undefined {
  const before = toOpenAISessionConfig(previous) as unknown as Record<string, unknown>
  const after = toOpenAISessionConfig(next) as unknown as Record<string, unknown>
  const delta: Record<string, unknown> = {}
  diffInto(delta, before, after, TOP_LEVEL_RESETS, new Set(['type', 'audio']))

  const beforeAudio = (before.audio ?? {}) as Record<string, Record<string, unknown> | undefined>
  const afterAudio = (after.audio ?? {}) as Record<string, Record<string, unknown> | undefined>
  const audio: Record<string, unknown> = {}
  const input: Record<string, unknown> = {}
  diffInto(input, beforeAudio.input ?? {}, afterAudio.input ?? {}, INPUT_RESETS)
  if (Object.keys(input).length > 0) audio.input = input
  const output: Record<string, unknown> = {}
  diffInto(output, beforeAudio.output ?? {}, afterAudio.output ?? {}, OUTPUT_RESETS)
  if (Object.keys(output).length > 0) audio.output = output
  if (Object.keys(audio).length > 0) delta.audio = audio

  if (Object.keys(delta).length === 0) return undefined
  return { type: 'realtime', ...delta } as OpenAISessionConfig
}

function diffInto(
  target: Record<string, unknown>,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  resets: Partial<Record<string, unknown>>,
  skip: ReadonlySet<string> = new Set(),
): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  for (const key of keys) {
    if (skip.has(key) || jsonEqual(before[key], after[key])) continue
    if (after[key] !== undefined) target[key] = after[key]
    else if (key in resets) target[key] = resets[key]
  }
}
