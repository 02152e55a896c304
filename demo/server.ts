import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createServer as createViteServer, type ViteDevServer } from 'vite'
import { createRelayServer, type RelayServer } from '../src/server'
import { createMockBrain, createMockRealtimeServer, type MockRealtimeServer } from '../src/testing'
import type { DemoConfig, DemoProvider } from './demo-config'
import { espeakVoice } from './espeak-voice'

export interface DemoServerOptions {
  host?: string
  port?: number
  /** Provider keys; without any, the embedded mock server answers for both providers. */
  openaiApiKey?: string | undefined
  geminiApiKey?: string | undefined
  /**
   * Provider endpoints for the live relays (a proxy, a regional host; the tests point them at a
   * mock server that checks the key). Default: the providers' public endpoints.
   */
  openaiUrl?: string | undefined
  geminiUrl?: string | undefined
}

export interface DemoServer {
  url: string
  config: DemoConfig
  close(): Promise<void>
}

/**
 * What the mock "hears" in spoken turns, in order (it has no speech recognition): the demo's
 * two tools, then a question that shows the conversation survives a persona switch.
 */
const mockTranscripts = [
  "What's the weather in Paris?",
  'Please switch to the dark theme.',
  'What did I say?',
]

/**
 * The demo on one origin: the Vite-served page, `/demo-config.json`, and the relay(s) that keep
 * API keys on the server. Without keys it starts the embedded mock server behind the relay.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const http = createServer()
  const closers: Array<() => Promise<void>> = []
  const keys: Partial<Record<DemoProvider, string>> = {}
  if (options.openaiApiKey) keys.openai = options.openaiApiKey
  if (options.geminiApiKey) keys.gemini = options.geminiApiKey
  const live = Object.keys(keys).length > 0

  let mock: MockRealtimeServer | undefined
  const relays: RelayServer[] = []
  const relayPaths: DemoConfig['relayPaths'] = {}
  if (!live) {
    mock = await createMockRealtimeServer({
      brain: createMockBrain({
        synthesize: espeakVoice,
        transcripts: mockTranscripts,
        firstAudioDelayMs: 250,
        intents: [
          {
            match: /\b(dark|light)\b/i,
            tool: 'set_theme',
            args: (match) => ({ theme: match[1]!.toLowerCase() }),
          },
        ],
      }),
    })
    closers.push(mock.close)
    const relay = await createRelayServer({
      upstream: 'mock',
      // The mock accepts any key; the relay adds one exactly as it would a real provider's.
      apiKey: 'demo-mock-key',
      upstreamUrls: { openai: mock.openaiUrl, gemini: mock.url },
      server: http,
      basePath: '/relay',
    })
    relays.push(relay)
    relayPaths.openai = '/relay/openai'
    relayPaths.gemini = '/relay/gemini'
  } else {
    // One relay per provider: each holds its own key.
    const upstreamUrls = {
      ...(options.openaiUrl ? { openai: options.openaiUrl } : {}),
      ...(options.geminiUrl ? { gemini: options.geminiUrl } : {}),
    }
    for (const [provider, apiKey] of Object.entries(keys) as Array<[DemoProvider, string]>) {
      relays.push(
        await createRelayServer({
          upstream: provider,
          apiKey,
          upstreamUrls,
          server: http,
          basePath: `/relay-${provider}`,
          // The demo's instructions and tools come from the page; a production app would lock
          // them here with `sessionPolicy`.
        }),
      )
      relayPaths[provider] = `/relay-${provider}/${provider}`
    }
  }
  const config: DemoConfig = {
    mode: live ? 'live' : 'mock',
    providers: live ? (Object.keys(keys) as DemoProvider[]) : ['openai', 'gemini'],
    relayPaths,
  }

  const vite: ViteDevServer = await createViteServer({
    configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
    root: fileURLToPath(new URL('.', import.meta.url)),
    server: { middlewareMode: true, ws: { server: http } },
    appType: 'spa',
    logLevel: 'warn',
  })
  http.on('request', (req, res) => {
    if (req.url === '/demo-config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify(config))
      return
    }
    vite.middlewares(req, res)
  })
  await listen(http, options.host ?? '127.0.0.1', options.port ?? 5173)
  const address = http.address() as AddressInfo
  return {
    url: `http://${address.address}:${address.port}/`,
    config,
    close: async () => {
      for (const relay of relays) await relay.close()
      await vite.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
      for (const close of closers) await close()
    },
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
}
