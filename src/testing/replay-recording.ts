import { readFile } from 'node:fs/promises'

/**
 * Recorded provider sessions in the JSON Lines format of `fixtures/recorded/` (see its README):
 * line 1 names the source, then `{"dir":"client"|"server","msg":{…}}` WebSocket messages in the
 * order recorded, and `{"dir":"meta","event":…}` lines for anything else (`http`, `close`).
 */

export interface RecordingSource {
  repo?: string
  path?: string
  commit?: string
  license?: string
  provider: 'openai' | 'gemini'
  variant?: string
}

export type RecordingStep =
  | { dir: 'client'; msg: Record<string, unknown>; line: number }
  | { dir: 'server'; msg: Record<string, unknown>; line: number }
  | { dir: 'close'; code: number; reason: string; line: number }

export interface Recording {
  source: RecordingSource
  /** WebSocket messages and closes, in order. */
  steps: RecordingStep[]
  /** Recorded HTTP exchanges (`meta` `http` lines), verbatim. */
  http: Array<{ request?: unknown; response?: unknown }>
  /**
   * `websocket` when there is at least one WebSocket message; `http-only` for recordings such as
   * the OpenAI WebRTC call set-ups, which hold no WebSocket traffic and cannot be replayed.
   */
  kind: 'websocket' | 'http-only'
}

/**
 * Parses a JSON Lines recording.
 * @throws Error naming the line for invalid JSON, an unknown `dir`, or a missing source line.
 *
 * @example
 * const recording = parseRecording(await readFile('openai/pai-tool-call-round.jsonl', 'utf8'))
 * recording.steps.filter((step) => step.dir === 'client').length // 5
 */
export function parseRecording(text: string): Recording {
  let source: RecordingSource | undefined
  const steps: RecordingStep[] = []
  const http: Recording['http'] = []
  const lines = text.split('\n')
  lines.forEach((raw, index) => {
    const line = index + 1
    if (raw.trim() === '') return
    let entry: Record<string, unknown>
    try {
      entry = JSON.parse(raw) as Record<string, unknown>
    } catch (error) {
      throw new Error(`Recording line ${line} is not JSON: ${String(error)}`, { cause: error })
    }
    if (entry.dir === 'client' || entry.dir === 'server') {
      if (typeof entry.msg !== 'object' || entry.msg === null || Array.isArray(entry.msg)) {
        throw new Error(`Recording line ${line}: "msg" must be an object`)
      }
      steps.push({ dir: entry.dir, msg: entry.msg as Record<string, unknown>, line })
    } else if (entry.dir === 'meta') {
      if (entry.event === 'source') {
        if (entry.provider !== 'openai' && entry.provider !== 'gemini') {
          throw new Error(
            `Recording line ${line}: unknown provider ${JSON.stringify(entry.provider)}`,
          )
        }
        source = entry as unknown as RecordingSource
      } else if (entry.event === 'http') {
        http.push({ request: entry.request, response: entry.response })
      } else if (entry.event === 'close') {
        steps.push({
          dir: 'close',
          code: typeof entry.code === 'number' ? entry.code : 1000,
          reason: typeof entry.reason === 'string' ? entry.reason : '',
          line,
        })
      }
    } else {
      throw new Error(`Recording line ${line}: unknown dir ${JSON.stringify(entry.dir)}`)
    }
  })
  if (source === undefined) throw new Error('Recording has no {"dir":"meta","event":"source"} line')
  const hasMessages = steps.some((step) => step.dir !== 'close')
  return { source, steps, http, kind: hasMessages ? 'websocket' : 'http-only' }
}

/** Reads and parses a recording file. */
export async function loadRecording(path: string): Promise<Recording> {
  return parseRecording(await readFile(path, 'utf8'))
}
