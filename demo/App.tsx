import { useEffect, useMemo, useState } from 'react'
import { GeminiRealtimeModel, OpenAIRealtimeModel } from '../src/core'
import type { RealtimeModel } from '../src/core'
import { RealtimeProvider, VoiceAgent, useRealtimeSession, useTools } from '../src/hooks'
import { relayUrl, type DemoConfig, type DemoProvider } from './demo-config'
import { personas } from './personas'
import { getWeather, setThemeTool, type Theme } from './tools'

/** The demo page: a provider picker, the voice agent, and its two tools. */
export function App() {
  const [config, setConfig] = useState<DemoConfig | null>(null)
  const [provider, setProvider] = useState<DemoProvider>('openai')
  const [theme, setTheme] = useState<Theme>('light')

  useEffect(() => {
    void fetch('/demo-config.json')
      .then((response) => response.json() as Promise<DemoConfig>)
      .then((loaded) => {
        setConfig(loaded)
        setProvider(loaded.providers[0] ?? 'openai')
      })
  }, [])

  return (
    <div className="demo" data-theme={theme}>
      <header className="demo-header">
        <h1>adk-realtime demo</h1>
        {config?.mode === 'mock' && (
          <p className="demo-mock-label" role="note">
            Embedded mock server — no API key set. It speaks the real OpenAI and Gemini wire
            protocols; it hears every spoken turn as the next line of a script (“What&apos;s the
            weather in Paris?”, “Please switch to the dark theme.”, “What did I say?”).
          </p>
        )}
        {config && (
          <label>
            Provider{' '}
            <select
              className="demo-control"
              value={provider}
              onChange={(event) => setProvider(event.target.value as DemoProvider)}
            >
              {config.providers.map((name) => (
                <option key={name} value={name}>
                  {name === 'openai' ? 'OpenAI Realtime' : 'Gemini Live'}
                </option>
              ))}
            </select>
          </label>
        )}
      </header>
      {config && <Session key={provider} config={config} provider={provider} onTheme={setTheme} />}
    </div>
  )
}

function createModel(config: DemoConfig, provider: DemoProvider): RealtimeModel {
  const path = config.relayPaths[provider] ?? ''
  const url = relayUrl(path, window.location)
  // The relay holds the key: the browser sends no credential at all.
  return provider === 'openai'
    ? new OpenAIRealtimeModel({ auth: 'none', url })
    : new GeminiRealtimeModel({ auth: 'none', baseUrl: url })
}

interface SessionProps {
  config: DemoConfig
  provider: DemoProvider
  onTheme: (theme: Theme) => void
}

function Session({ config, provider, onTheme }: SessionProps) {
  const model = useMemo(() => createModel(config, provider), [config, provider])
  const [persona, setPersona] = useState(0)
  const session = useRealtimeSession({
    model,
    instruction: personas[0]!.instruction,
    voice: personas[0]!.voice[provider],
    config: { inputAudioTranscription: {}, outputAudioTranscription: true },
  })
  const [notice, setNotice] = useState<string | null>(null)

  const switchPersona = async (): Promise<void> => {
    const next = (persona + 1) % personas.length
    const target = personas[next]!
    setPersona(next)
    const result = await session.updateSession(
      // OpenAI refuses a voice change once the assistant has spoken; Gemini applies it on resume.
      provider === 'gemini'
        ? { instruction: target.instruction, voice: target.voice.gemini }
        : { instruction: target.instruction },
      { bridgeMessage: `You are now the ${target.name}. Greet the user in one short sentence.` },
    )
    setNotice(`${target.name}: ${describeUpdate(result.kind)}`)
  }

  return (
    <RealtimeProvider session={session}>
      <DemoTools onTheme={onTheme} />
      <VoiceAgent title={`Voice agent — ${personas[persona]!.name}`}>
        <button type="button" className="demo-control" onClick={() => void switchPersona()}>
          Switch persona
        </button>
        <TextInput send={session.sendText} disabled={session.status !== 'connected'} />
      </VoiceAgent>
      {notice && (
        <p className="demo-notice" role="status">
          {notice}
        </p>
      )}
    </RealtimeProvider>
  )
}

function describeUpdate(kind: string): string {
  switch (kind) {
    case 'applied':
      return 'applied on the open connection.'
    case 'resuming':
      return 'resuming the session with the new persona (Gemini fixes its setup per connection).'
    case 'queued':
      return 'queued until the agent finishes what it is doing, then the session resumes.'
    default:
      return 'stored for the next connection.'
  }
}

function DemoTools({ onTheme }: { onTheme: (theme: Theme) => void }) {
  useTools([getWeather, setThemeTool(onTheme)])
  return null
}

function TextInput({ send, disabled }: { send: (text: string) => void; disabled: boolean }) {
  const [text, setText] = useState('')
  return (
    <form
      className="demo-text"
      onSubmit={(event) => {
        event.preventDefault()
        if (text.trim() === '') return
        send(text)
        setText('')
      }}
    >
      <input
        className="demo-control"
        aria-label="Message"
        placeholder="Type a message"
        value={text}
        disabled={disabled}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" className="demo-control" disabled={disabled}>
        Send
      </button>
    </form>
  )
}
