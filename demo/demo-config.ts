/**
 * What the demo page learns from its server at `/demo-config.json`: which providers it may use
 * and where their relays are. Shared by the server (demo/server.ts) and the page (demo/App.tsx).
 */
export type DemoProvider = 'openai' | 'gemini'

export interface DemoConfig {
  /** `mock`: the embedded mock server stands in for both providers (no API key set). */
  mode: 'mock' | 'live'
  providers: DemoProvider[]
  /** Relay paths on the demo's own origin; the page turns them into `ws://` URLs. */
  relayPaths: Partial<Record<DemoProvider, string>>
}

/** A relay path as a WebSocket URL on the page's origin. */
export function relayUrl(path: string, location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${path}`
}
