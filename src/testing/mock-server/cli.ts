import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createMockBrain } from './brain'
import type { MockRealtimeServerOptions } from './options'
import { createMockRealtimeServer, type MockRealtimeServer } from './server'

/**
 * `adk-realtime-mock`: runs the mock realtime server beside an app, so it can be developed and
 * tested without an API key. Point the app's OpenAI client at the printed WebSocket URL, or its
 * Gemini client at the printed base URL.
 */
export interface MockServerCliOptions {
  /** Where the banner and errors go. Default: the process's stdout/stderr. */
  write?: (line: string) => void
}

const HELP = `Usage: adk-realtime-mock [options]

Runs a mock OpenAI Realtime (GA) and Gemini Live server on one port.

Options:
  --port <n>               port to listen on (default 8787; 0 picks a free one)
  --host <address>         address to listen on (default 127.0.0.1)
  --tls-cert <file>        serve https/wss with this certificate (PEM) ...
  --tls-key <file>         ... and this private key (PEM)
  --openai-key <key>       accept only this OpenAI key (repeatable; default: any)
  --gemini-key <key>       accept only this Gemini key (repeatable; default: any)
  --transcript <text>      what the user "said" in spoken turns, in order (repeatable)
  --first-audio-delay <ms> wait before a reply's first audio (default 0)
  --chunk-ms <ms>          audio per chunk (default 100)
  --chunk-interval <ms>    wait between chunks (default 0)
  --lifetime <ms>          connection lifetime (Gemini goAway, OpenAI session_expired)
  --seed <n>               seed for ids and noise (default 1)
  --help                   show this help
`

/**
 * Parses `argv` (without `node` and the script), starts the server and prints where it listens.
 *
 * @example
 * const server = await runMockServerCli(['--port', '0'])
 * await server?.close()
 */
export async function runMockServerCli(
  argv: readonly string[],
  cli: MockServerCliOptions = {},
): Promise<MockRealtimeServer | undefined> {
  const write = cli.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'openai-key': { type: 'string', multiple: true },
      'gemini-key': { type: 'string', multiple: true },
      transcript: { type: 'string', multiple: true },
      'first-audio-delay': { type: 'string' },
      'chunk-ms': { type: 'string' },
      'chunk-interval': { type: 'string' },
      lifetime: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    write(HELP)
    return undefined
  }
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined
    const value = Number(text)
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${name} must be a non-negative number, got "${text}"`)
    return value
  }
  const cert = values['tls-cert']
  const key = values['tls-key']
  if ((cert === undefined) !== (key === undefined))
    throw new Error('--tls-cert and --tls-key go together')
  const options: MockRealtimeServerOptions = {
    // A server left running beside an app must not keep every audio frame forever.
    maxLoggedFrames: 10_000,
    host: values.host,
    port: number('port', values.port) ?? 8787,
    brain: createMockBrain({
      ...(values.transcript ? { transcripts: values.transcript } : {}),
      firstAudioDelayMs: number('first-audio-delay', values['first-audio-delay']) ?? 0,
      audioChunkMs: number('chunk-ms', values['chunk-ms']) ?? 100,
      chunkIntervalMs: number('chunk-interval', values['chunk-interval']) ?? 0,
    }),
    keys: {
      ...(values['openai-key'] ? { openai: values['openai-key'] } : {}),
      ...(values['gemini-key'] ? { gemini: values['gemini-key'] } : {}),
    },
  }
  if (cert !== undefined && key !== undefined) {
    options.tls = { cert: readFileSync(cert), key: readFileSync(key) }
  }
  const lifetime = number('lifetime', values.lifetime)
  if (lifetime !== undefined) options.connectionLifetimeMs = lifetime
  const seed = number('seed', values.seed)
  if (seed !== undefined) options.seed = seed
  const server = await createMockRealtimeServer(options)
  write(`adk-realtime mock server listening on ${server.url}`)
  write(`  OpenAI Realtime WebSocket: ${server.openaiUrl}`)
  write(`  OpenAI SDK baseURL:        ${server.url}/v1`)
  write(`  Gemini Live base URL:      ${server.url}  (@google/genai httpOptions.baseUrl)`)
  return server
}
