import { createSpeechSynthesizer, type Synthesize } from './synth'
import { matchToolCalls, type BrainIntent, type BrainTool, type BrainToolCall } from './intents'
import type { MockVideoFrame } from './video/image'

export type { BrainIntent, BrainTool, BrainToolCall } from './intents'
export type { Synthesize } from './synth'

/**
 * The mock server's "model": deterministic, provider-neutral and pluggable. Both protocol
 * sessions keep their conversation as {@link BrainMessage}s and ask the brain what to say next,
 * what the user said in a spoken turn (the mock does no speech recognition), and how it sounds.
 */
export type BrainMessage =
  | { role: 'user'; text: string; spoken: boolean }
  | { role: 'assistant'; text: string; interrupted?: boolean }
  | { role: 'toolCall'; callId: string; name: string; args: Record<string, unknown> }
  | { role: 'toolResult'; callId: string; name: string; output: unknown }

export interface BrainContext {
  provider: 'openai' | 'gemini'
  instructions: string
  history: readonly BrainMessage[]
  tools: readonly BrainTool[]
  /** OpenAI `tool_choice`; Gemini always `auto`. */
  toolChoice: 'auto' | 'none' | 'required' | { name: string }
  /**
   * The latest video frame the user sent (Gemini `realtimeInput.video`, OpenAI an `input_image`
   * item): its size and colours. Absent before the first frame.
   */
  video?: MockVideoFrame
}

export type BrainReply =
  { type: 'message'; text: string } | { type: 'toolCalls'; calls: BrainToolCall[] }

/** Pacing of the mock's output. None of it is wall-clock critical: 0 means "as fast as possible". */
export interface BrainTiming {
  /** Wait before the first audio (or text) of a reply. */
  firstAudioDelayMs: number
  /** Duration of audio per chunk (`response.output_audio.delta`, Gemini `inlineData`). */
  audioChunkMs: number
  /** Wait between chunks. */
  chunkIntervalMs: number
}

export interface MockBrain {
  reply(context: BrainContext): BrainReply | Promise<BrainReply>
  /** What the user said in a spoken turn. `turn` counts spoken turns on the connection, from 0. */
  transcribe(audio: { pcm: Int16Array; sampleRate: number; turn: number }): string | Promise<string>
  synthesize: Synthesize
  timing: BrainTiming
}

export interface MockBrainOptions {
  /**
   * Transcripts of spoken turns: a fixed phrase, a queue used in order (the last one repeats), or
   * a function. Default `'Hello there.'`.
   */
  transcripts?: string | readonly string[] | MockBrain['transcribe']
  /** Replaces the default reply logic; return `undefined` to fall back to it. */
  respond?: (context: BrainContext) => BrainReply | undefined | Promise<BrainReply | undefined>
  /** Extra tool-intent rules, tried before the built-in ones. */
  intents?: readonly BrainIntent[]
  /** Longest spoken reply, in words. Default 24. */
  replyWords?: number
  synthesize?: Synthesize
  firstAudioDelayMs?: number
  audioChunkMs?: number
  chunkIntervalMs?: number
}

const DEFAULT_TRANSCRIPT = 'Hello there.'

/**
 * The default reply logic, in order:
 * 1. After tool results: answer from them ("It is foggy and 12 degrees in London.").
 * 2. "what did I say" → repeat the previous user turn (shows that a resumed session kept its history).
 * 3. "what do you see" → the latest video frame's size and dominant colour ("I see a 768 by 432
 *    picture. It is mostly blue."), which shows a frame arrived intact.
 * 4. A tool intent (see `intents.ts`): "weather in Paris" → `get_weather {"city":"Paris"}`.
 * 5. Otherwise echo: "Sure. You said: …".
 *
 * @example
 * const brain = createMockBrain({
 *   transcripts: ['What is the weather in Paris?', 'Thanks!'],
 *   firstAudioDelayMs: 50,
 * })
 * const server = await createMockRealtimeServer({ brain })
 */
export function createMockBrain(options: MockBrainOptions = {}): MockBrain {
  const replyWords = options.replyWords ?? 24
  const transcripts = options.transcripts ?? DEFAULT_TRANSCRIPT
  const transcribe: MockBrain['transcribe'] =
    typeof transcripts === 'function'
      ? transcripts
      : ({ turn }) =>
          typeof transcripts === 'string'
            ? transcripts
            : (transcripts[Math.min(turn, transcripts.length - 1)] ?? DEFAULT_TRANSCRIPT)
  return {
    transcribe,
    synthesize: options.synthesize ?? createSpeechSynthesizer(),
    timing: {
      firstAudioDelayMs: options.firstAudioDelayMs ?? 0,
      audioChunkMs: options.audioChunkMs ?? 100,
      chunkIntervalMs: options.chunkIntervalMs ?? 0,
    },
    async reply(context) {
      const custom = await options.respond?.(context)
      if (custom) return custom
      return defaultReply(context, options.intents ?? [], replyWords)
    },
  }
}

function defaultReply(
  context: BrainContext,
  intents: readonly BrainIntent[],
  replyWords: number,
): BrainReply {
  const { history } = context
  const last = history[history.length - 1]
  if (last?.role === 'toolResult') {
    const results: string[] = []
    for (let i = history.length - 1; i >= 0 && history[i]?.role === 'toolResult'; i--) {
      const entry = history[i]
      if (entry?.role === 'toolResult') results.unshift(describeResult(entry.output))
    }
    return { type: 'message', text: limitWords(results.join(' '), replyWords) }
  }
  const users = history.filter((message) => message.role === 'user')
  const text = users[users.length - 1]?.text.trim() ?? ''
  if (/\bwhat did i (just )?say\b/i.test(text)) {
    const previous = users[users.length - 2]?.text
    return {
      type: 'message',
      text: previous ? `You said: ${previous}` : 'You have not said anything before this.',
    }
  }
  if (/\bwhat (?:do|can) you see\b|\bwhat am i showing\b/i.test(text)) {
    return { type: 'message', text: describeFrame(context.video) }
  }
  const calls = toolCallsFor(context, text, intents)
  if (calls.length > 0) return { type: 'toolCalls', calls }
  if (text === '') return { type: 'message', text: 'Hello! How can I help you today?' }
  return { type: 'message', text: limitWords(`Sure. You said: ${text}`, replyWords) }
}

function toolCallsFor(
  context: BrainContext,
  text: string,
  intents: readonly BrainIntent[],
): BrainToolCall[] {
  const { toolChoice, tools } = context
  if (toolChoice === 'none' || tools.length === 0) return []
  const allowed =
    typeof toolChoice === 'object' ? tools.filter((tool) => tool.name === toolChoice.name) : tools
  const calls = matchToolCalls(text, allowed, intents)
  if (calls.length > 0) return calls
  const forced =
    toolChoice === 'required' || typeof toolChoice === 'object' ? allowed[0] : undefined
  return forced ? [{ name: forced.name, args: {} }] : []
}

/** What the mock "sees" in a frame: its size and the colour covering most of it. */
export function describeFrame(frame: MockVideoFrame | undefined): string {
  if (frame === undefined) return 'I cannot see anything: no video has arrived.'
  const size = `I see a ${frame.width} by ${frame.height} picture.`
  return frame.dominantColor === null
    ? `${size} I cannot make out its colours.`
    : `${size} It is mostly ${frame.dominantColor}.`
}

/** A tool result as one sentence: strings (or JSON strings holding strings) as they are. */
export function describeResult(output: unknown): string {
  let value = output
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      return sentence(value as string)
    }
  }
  if (typeof value === 'string') return sentence(value)
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>
    // Gemini results are conventionally `{ output: … }` or `{ error: … }`.
    if ('output' in record && Object.keys(record).length === 1) return describeResult(record.output)
    if ('error' in record) return sentence(`The tool failed: ${flatten(record.error)}`)
  }
  return sentence(`Here is what I found: ${flatten(value)}`)
}

function flatten(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value)
  if (Array.isArray(value)) return value.map(flatten).join(', ')
  return Object.entries(value as Record<string, unknown>)
    .map(
      ([key, entry]) =>
        `${key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ')} ${flatten(entry)}`,
    )
    .join(', ')
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

function limitWords(text: string, max: number): string {
  const words = text.split(/\s+/).filter((word) => word.length > 0)
  if (words.length <= max) return words.join(' ')
  return `${words
    .slice(0, max)
    .join(' ')
    .replace(/[,;:]$/, '')}.`
}
