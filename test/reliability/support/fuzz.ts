import fc from 'fast-check'
import { isRealtimeError } from '../../../src/core'
import type { ServerEvent } from '../../../src/core'

/**
 * Shared pieces of the fuzz tests: the seed (printed, `FUZZ_SEED=<n>` replays it), arbitraries
 * that turn a corpus of valid frames into random and mutated ones, and a structural check of the
 * unified events a session may emit.
 */
export const fuzzSeed =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20_261_125)

/** Runs per property: `FUZZ_RUNS` raises it for a longer search. */
export const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 150)

export function fuzzParameters(): fc.Parameters<unknown> {
  return { seed: fuzzSeed, numRuns: fuzzRuns, endOnFailure: false }
}

/** A frame as it goes on the wire: text, or bytes in a binary frame. */
export type WireFrame = string | Uint8Array

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every path to a value inside a JSON value (objects and arrays), root excluded. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return []
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value)
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])])
}

function mutateAt(
  value: Json,
  path: Array<string | number>,
  change: (parent: Record<string | number, Json>, key: string | number) => void,
): Json {
  const copy = structuredClone(value)
  let parent = copy as Record<string | number, Json>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>
  change(parent, path.at(-1)!)
  return copy
}

const mutations = ['set', 'delete', 'retype', 'truncate', 'flip', 'wrap', 'duplicate'] as const

/**
 * A valid frame changed in one way: a value replaced by random JSON, a field deleted, the type
 * renamed to another known type (fields of one message under the name of another), the text
 * cut short, a character flipped, the frame wrapped in an array, or sent twice concatenated.
 */
export function mutatedFrame(corpus: readonly string[], types: readonly string[]) {
  return fc
    .tuple(
      fc.constantFrom(...corpus),
      fc.constantFrom(...mutations),
      fc.nat(),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(...types),
    )
    .map(([text, mutation, pick, replacement, type]): string => {
      const frame = JSON.parse(text) as Json
      const paths = pathsOf(frame)
      const path = paths[pick % Math.max(1, paths.length)]
      switch (mutation) {
        case 'set':
          return path === undefined
            ? JSON.stringify(replacement)
            : JSON.stringify(
                mutateAt(frame, path, (parent, key) => (parent[key] = replacement as Json)),
              )
        case 'delete':
          return path === undefined
            ? '{}'
            : JSON.stringify(
                mutateAt(frame, path, (parent, key) => {
                  if (Array.isArray(parent)) parent.splice(Number(key), 1)
                  else delete parent[key]
                }),
              )
        case 'retype':
          return JSON.stringify(retype(frame, type))
        case 'truncate':
          return text.slice(0, pick % Math.max(1, text.length))
        case 'flip': {
          const at = pick % Math.max(1, text.length)
          return `${text.slice(0, at)}${String.fromCharCode(33 + (pick % 90))}${text.slice(at + 1)}`
        }
        case 'wrap':
          return JSON.stringify([frame])
        case 'duplicate':
          return `${text}${text}`
      }
    })
}

/** OpenAI frames are typed by `type`; Gemini messages by their top-level key. */
function retype(frame: Json, type: string): Json {
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return frame
  if ('type' in frame) return { ...frame, type }
  const [first] = Object.entries(frame)
  return first === undefined ? { [type]: {} } : { ...frame, [type]: first[1] }
}

/** Anything at all: text, JSON of any shape, or raw bytes. */
export function randomFrame(): fc.Arbitrary<WireFrame> {
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    fc.uint8Array({ maxLength: 300 }),
  )
}

/** A frame for a session: mostly mutated valid frames, some valid ones, some noise. */
export function sessionFrame(
  corpus: readonly string[],
  types: readonly string[],
): fc.Arbitrary<WireFrame> {
  return fc.oneof(
    { weight: 5, arbitrary: mutatedFrame(corpus, types) },
    { weight: 2, arbitrary: fc.constantFrom(...corpus) },
    { weight: 2, arbitrary: randomFrame() },
    {
      weight: 1,
      arbitrary: mutatedFrame(corpus, types).map((text) => new TextEncoder().encode(text)),
    },
  )
}

const knownTypes = new Set<string>([
  'session.ready',
  'session.updated',
  'speech.started',
  'speech.stopped',
  'input.committed',
  'input.cleared',
  'item.added',
  'item.truncated',
  'item.deleted',
  'response.started',
  'response.done',
  'audio.delta',
  'audio.done',
  'text.delta',
  'text.done',
  'transcript.delta',
  'transcript.done',
  'inputTranscript.delta',
  'inputTranscript.done',
  'inputTranscript.failed',
  'tool.argumentsDelta',
  'tool.call',
  'tool.cancelled',
  'interrupted',
  'resumption.update',
  'goAway',
  'usage',
  'rateLimits',
  'outputAudio.started',
  'outputAudio.stopped',
  'outputAudio.cleared',
  'error',
  'raw',
])

const isString = (value: unknown): value is string => typeof value === 'string'

/**
 * What is wrong with an event a session emitted, if anything: an unknown type, an error that is
 * not a `RealtimeError`, or a field of the wrong type leaking through from a drifted frame.
 */
export function eventProblem(event: ServerEvent): string | undefined {
  if (!knownTypes.has(event.type)) return `unknown event type ${event.type}`
  const record = event as unknown as Record<string, unknown>
  const need = (keys: string[], check: (value: unknown) => boolean): string | undefined => {
    const bad = keys.find((key) => !check(record[key]))
    return bad === undefined ? undefined : `${event.type}.${bad} is ${JSON.stringify(record[bad])}`
  }
  switch (event.type) {
    case 'error':
      return isRealtimeError(event.error) ? undefined : 'error event without a RealtimeError'
    case 'raw':
      return need(['provider', 'frameType'], isString)
    case 'audio.delta':
      if (!(event.pcm instanceof Uint8Array) || event.pcm.byteLength % 2 !== 0)
        return 'audio.delta without whole PCM16 samples'
      if (!(event.sampleRate > 0)) return `audio.delta at ${event.sampleRate} Hz`
      return need(['responseId', 'itemId'], isString)
    case 'text.delta':
    case 'transcript.delta':
      return need(['responseId', 'itemId', 'delta'], isString)
    case 'text.done':
      return need(['responseId', 'itemId', 'text'], isString)
    case 'transcript.done':
      return need(['responseId', 'itemId', 'transcript'], isString)
    case 'inputTranscript.delta':
      return need(['itemId', 'delta'], isString)
    case 'inputTranscript.done':
      return need(['itemId', 'transcript'], isString)
    case 'tool.call':
      return need(['callId', 'name', 'arguments'], isString)
    case 'tool.cancelled':
      return event.callIds.every(isString) ? undefined : 'tool.cancelled with non-string ids'
    case 'item.added':
    case 'item.deleted':
    case 'input.committed':
      return need(['itemId'], isString)
    case 'response.started':
      return need(['responseId'], isString)
    case 'response.done':
      return ['completed', 'cancelled', 'failed', 'incomplete'].includes(event.status)
        ? need(['responseId'], isString)
        : `response.done status ${String(event.status)}`
    case 'goAway':
      return Number.isFinite(event.timeLeftMs) ? undefined : 'goAway without a time'
    case 'resumption.update':
      return typeof event.resumable === 'boolean' &&
        (event.handle === undefined || isString(event.handle))
        ? undefined
        : 'resumption.update of the wrong shape'
    default:
      return undefined
  }
}
