import { readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerEvent, ServerEventOf, ServerEventType } from '../../src/core/events'
import type { RealtimeSession } from '../../src/core/session'
import type { Recording } from '../../src/testing/replay'

/** `../shared/fixtures/recorded` relative to the repository root; never copied into the repo. */
export const RECORDED_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/fixtures/recorded',
)

export function recordingFiles(provider: 'openai' | 'gemini'): string[] {
  return readdirSync(join(RECORDED_DIR, provider))
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
}

export function recordingPath(provider: 'openai' | 'gemini', name: string): string {
  return join(RECORDED_DIR, provider, name)
}

/** Every event a session emits, with promise-based waiting for the next one of a kind. */
export class EventLog {
  readonly events: ServerEvent[] = []
  readonly #waiters: Array<{
    test: (event: ServerEvent) => boolean
    resolve: (event: ServerEvent) => void
  }> = []

  constructor(session: RealtimeSession) {
    session.subscribe((event) => {
      this.events.push(event)
      for (const waiter of [...this.#waiters]) {
        if (!waiter.test(event)) continue
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        waiter.resolve(event)
      }
    })
  }

  of<TType extends ServerEventType>(type: TType): Array<ServerEventOf<TType>> {
    return this.events.filter((event): event is ServerEventOf<TType> => event.type === type)
  }

  /** Resolves with the `count`-th event of `type` (counting those already seen). */
  waitFor<TType extends ServerEventType>(
    type: TType,
    count = 1,
    timeoutMs = 5_000,
  ): Promise<ServerEventOf<TType>> {
    const seen = this.of(type)
    if (seen.length >= count) return Promise.resolve(seen[count - 1]!)
    let remaining = count - seen.length
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${type} #${count}`)),
        timeoutMs,
      )
      this.#waiters.push({
        test: (event) => event.type === type && --remaining === 0,
        resolve: (event) => {
          clearTimeout(timer)
          resolvePromise(event as ServerEventOf<TType>)
        },
      })
    })
  }

  /** Assistant output per response, rebuilt from `text.delta` and `transcript.delta` only. */
  assistantTranscripts(): string[] {
    const byResponse = new Map<string, string>()
    for (const event of this.events) {
      if (event.type !== 'text.delta' && event.type !== 'transcript.delta') continue
      byResponse.set(event.responseId, (byResponse.get(event.responseId) ?? '') + event.delta)
    }
    return [...byResponse.values()].filter((text) => text !== '')
  }

  toolCalls(): Array<{ name: string; arguments: string }> {
    return this.of('tool.call').map((call) => ({ name: call.name, arguments: call.arguments }))
  }

  errors(): ServerEvent[] {
    return this.events.filter((event) => event.type === 'error')
  }
}

type Message = Record<string, unknown>
const messagesFrom = (recording: Recording, dir: 'client' | 'server'): Message[] =>
  recording.steps.flatMap((step) => (step.dir === dir ? [step.msg] : []))

/**
 * The assistant's output as the recording has it, read straight from the recorded JSON (not
 * through our parser): OpenAI `*.done` texts per response; Gemini output transcription, or model
 * text parts that are not thoughts, per turn.
 */
export function recordedAssistantTranscripts(recording: Recording): string[] {
  const server = messagesFrom(recording, 'server')
  if (recording.source.provider === 'openai') {
    const byResponse = new Map<string, string>()
    for (const message of server) {
      const text =
        message.type === 'response.output_audio_transcript.done'
          ? message.transcript
          : message.type === 'response.output_text.done'
            ? message.text
            : undefined
      if (typeof text !== 'string') continue
      const id = String(message.response_id)
      byResponse.set(id, (byResponse.get(id) ?? '') + text)
    }
    return [...byResponse.values()].filter((text) => text !== '')
  }
  const turns: string[] = []
  let current = ''
  for (const message of server) {
    const content = message.serverContent as Message | undefined
    if (content === undefined) continue
    const transcription = (content.outputTranscription as { text?: string } | undefined)?.text
    if (typeof transcription === 'string') current += transcription
    const parts = ((content.modelTurn as { parts?: Message[] } | undefined)?.parts ??
      []) as Message[]
    for (const part of parts)
      if (typeof part.text === 'string' && part.thought !== true) current += part.text
    if (content.turnComplete === true) {
      if (current !== '') turns.push(current)
      current = ''
    }
  }
  if (current !== '') turns.push(current)
  return turns
}

/** Tool calls as recorded: name and parsed arguments. */
export function recordedToolCalls(recording: Recording): Array<{ name: string; args: unknown }> {
  const server = messagesFrom(recording, 'server')
  if (recording.source.provider === 'openai') {
    return server
      .filter((message) => message.type === 'response.function_call_arguments.done')
      .map((message) => ({
        name: String(message.name),
        args: JSON.parse(String(message.arguments)),
      }))
  }
  return server.flatMap((message) => {
    const calls = (
      message.toolCall as { functionCalls?: Array<{ name: string; args?: unknown }> } | undefined
    )?.functionCalls
    return (calls ?? []).map((call) => ({ name: call.name, args: call.args ?? {} }))
  })
}

/** The recorded client messages (for feeding recorded audio back in). */
export function recordedClientMessages(recording: Recording): Message[] {
  return messagesFrom(recording, 'client')
}

/** Decodes standard or URL-safe base64 (the Python SDK recorded Gemini audio URL-safe). */
export function decodeAnyBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'))
}
