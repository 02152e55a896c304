// @vitest-environment node
// The React entry imports and renders on a server: no window, document or navigator at import or
// render time, and no effect runs (so nothing connects and no microphone opens).
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as react from '../../src/hooks'
import { createScriptedModel } from '../../src/testing/scripted-session'

const { VoiceAgent, defineTool } = react

describe('adk-realtime/react on the server', () => {
  it('should import without browser globals', () => {
    expect(typeof globalThis.window).toBe('undefined')
    expect(typeof globalThis.document).toBe('undefined')
    expect(Object.keys(react)).toEqual(
      expect.arrayContaining(['useRealtimeSession', 'RealtimeProvider', 'VoiceAgent', 'useTools']),
    )
  })

  it('should renderToString a VoiceAgent with the browser audio engine and tools', () => {
    const model = createScriptedModel()
    const weather = defineTool({
      name: 'get_weather',
      parameters: z.object({ city: z.string() }),
      handler: ({ city }) => `Sunny in ${city}`,
    })
    const html = renderToString(
      <VoiceAgent model={model} instruction="Be brief." tools={[weather]} className="agent" />,
    )
    expect(html).toContain('class="adk-voice-agent agent"')
    expect(html).toContain('data-state="idle"')
    expect(html).toContain('aria-label="Voice agent"')
    expect(html).toContain('role="log"')
    expect(html).toContain('aria-pressed="false"')
    expect(html).toContain('<canvas')
    expect(model.connects).toHaveLength(0)
  })

  it('should renderToString every component below a session provider', () => {
    function Page() {
      const session = react.useRealtimeSession({ model: createScriptedModel(), audio: false })
      return (
        <react.RealtimeProvider session={session}>
          <react.ConnectionStatus />
          <react.MicToggle />
          <react.Transcript />
          <react.ToolActivity />
          <react.AudioVisualizer />
        </react.RealtimeProvider>
      )
    }
    const html = renderToString(<Page />)
    expect(html).toContain('adk-connection-status')
    expect(html).toContain('data-state="unavailable"')
    expect(html).toContain('adk-transcript')
    expect(html).toContain('adk-tool-activity')
    expect(html).toContain('adk-audio-visualizer')
  })
})
