import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import type { ReactElement } from 'react'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  AudioVisualizer,
  ConnectionStatus,
  MicToggle,
  ToolActivity,
  Transcript,
  VideoPreview,
  VideoToggle,
  VoiceAgent,
  defineTool,
} from '../../src/hooks'
import { createScriptedModel, serverEvents } from '../../src/testing/scripted-session'
import { createSimulatedAudio } from '../../src/testing/simulated-audio'
import { inMode, microtaskStore, reactModes, settle, stubCanvas, withSession } from './support'

beforeAll(stubCanvas)

describe.each(reactModes)('components (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('MicToggle should toggle aria-pressed and data-state under one name, its visible label', async () => {
    const { session } = withSession(strict, <MicToggle className="mine" />)
    const button = screen.getByRole('button', { name: 'Mute microphone' })
    expect(button.className).toBe('adk-mic-toggle mine')
    expect(button.getAttribute('aria-pressed')).toBe('false')
    expect(button.dataset.state).toBe('on')
    // WCAG 2.5.3 (Label in Name): the name is the visible text, not an aria-label beside it.
    expect(button.textContent).toBe('Mute microphone')
    expect(button.hasAttribute('aria-label')).toBe(false)
    fireEvent.click(button)
    expect(button.getAttribute('aria-pressed')).toBe('true')
    expect(button.dataset.state).toBe('muted')
    expect(button.textContent).toBe('Mute microphone')
    expect(session().isMuted).toBe(true)
    fireEvent.click(button)
    expect(button.getAttribute('aria-pressed')).toBe('false')
  })

  it('MicToggle should be disabled without an audio engine, and say so', () => {
    withSession(strict, <MicToggle />, { audio: false })
    const button = screen.getByRole('button', { name: 'No microphone' })
    expect(button.textContent).toBe('No microphone')
    expect(button.dataset.state).toBe('unavailable')
    expect((button as HTMLButtonElement).disabled).toBe(true)
  })

  it("MicToggle should take a caller's aria-label, and plain or rendered children", () => {
    withSession(
      strict,
      <>
        <MicToggle aria-label="Silence" />
        <MicToggle>Mute</MicToggle>
        <MicToggle>{(state) => <svg data-testid="icon" data-mic={state} />}</MicToggle>
      </>,
    )
    const [named, plain, icon] = screen.getAllByRole('button')
    expect(named?.getAttribute('aria-label')).toBe('Silence')
    expect(named?.textContent).toBe('Mute microphone')
    // Custom content gets the label as its name; visible text stays within it.
    expect(plain?.textContent).toBe('Mute')
    expect(plain?.getAttribute('aria-label')).toBe('Mute microphone')
    expect(icon?.getAttribute('aria-label')).toBe('Mute microphone')
    expect(screen.getByTestId('icon').dataset.mic).toBe('on')
  })

  it('should accept optional props passed through as possibly undefined', () => {
    // Compiles only if the props accept `undefined` (exactOptionalPropertyTypes).
    function Styled({ cls, limit, flag }: { cls?: string; limit?: number; flag?: boolean }) {
      return (
        <>
          <MicToggle className={cls} labels={undefined}>
            {undefined}
          </MicToggle>
          <Transcript className={cls} showToolCalls={flag} style={undefined} />
          <ConnectionStatus className={cls} labels={undefined} />
          <AudioVisualizer className={cls} bars={limit} reducedMotion={flag} />
          <ToolActivity className={cls} limit={limit} showArguments={flag} />
          <VideoToggle className={cls} source={undefined} hideWhenUnavailable={flag} />
          <VideoPreview className={cls} mirror={flag} showStats={flag} />
        </>
      )
    }
    withSession(strict, <Styled />)
    expect(screen.getByRole('button', { name: 'Mute microphone' }).className).toBe('adk-mic-toggle')
    expect(screen.getByRole('status').className).toBe('adk-connection-status')
    cleanup()
    // The session options a VoiceAgent passes on, too.
    function Agent({ instruction, voice }: { instruction?: string; voice?: string }) {
      const model = createScriptedModel()
      return (
        <VoiceAgent
          model={model}
          instruction={instruction}
          voice={voice}
          handlers={undefined}
          toolTimeoutMs={undefined}
          audio={false}
        />
      )
    }
    render(inMode(strict, <Agent />))
    expect(screen.getByRole('region', { name: 'Voice agent' }).dataset.state).toBe('idle')
  })

  it('ConnectionStatus should follow the connection with data-state and role=status', async () => {
    const { session, server } = withSession(
      strict,
      <ConnectionStatus className="s" labels={{ connected: 'Online' }} />,
    )
    const status = screen.getByRole('status')
    expect(status.dataset.state).toBe('idle')
    expect(status.textContent).toBe('Not connected')
    await act(() => session().connect())
    expect(status.dataset.state).toBe('connected')
    expect(status.textContent).toBe('Online')
    expect(status.className).toBe('adk-connection-status s')
    act(() => server().drop())
    await settle()
    expect(status.dataset.state).toBe('reconnecting')
  })

  it('Transcript should be a live log with partial, completed and interrupted messages', async () => {
    const { session, server } = withSession(strict, <Transcript className="t" />)
    const log = screen.getByRole('log', { name: 'Conversation' })
    expect(log.getAttribute('aria-live')).toBe('polite')
    expect(log.parentElement?.dataset.state).toBe('empty')
    await act(() => session().connect())
    await act(async () => {
      server().emit(
        { type: 'inputTranscript.done', itemId: 'u1', transcript: 'Tell me a story' },
        serverEvents.responseStarted('r1'),
        serverEvents.transcriptDelta('Once upon', 'a1', 'r1'),
      )
    })
    const partial = log.querySelector('[data-status="inProgress"]') as HTMLElement
    expect(partial.dataset.role).toBe('assistant')
    expect(partial.textContent).toContain('Once upon')
    expect(log.getAttribute('aria-busy')).toBe('true')
    expect(log.parentElement?.dataset.state).toBe('streaming')
    expect((partial.lastElementChild as HTMLElement).style.fontStyle).toBe('italic')

    await act(async () => server().emit({ type: 'interrupted', responseId: 'r1' }))
    const cut = log.querySelector('[data-role="assistant"]') as HTMLElement
    expect(cut.dataset.status).toBe('interrupted')
    expect(cut.querySelector('[data-interrupted]')?.textContent).toContain('interrupted')
    expect(log.querySelector('[data-role="user"]')?.textContent).toContain('Tell me a story')
    expect(log.getAttribute('aria-busy')).toBe('false')
  })

  it('Transcript should not show an empty bubble for speech that was never transcribed', async () => {
    const { session, server } = withSession(strict, <Transcript />)
    const log = screen.getByRole('log')
    await act(() => session().connect())
    // OpenAI without input transcription: the user's audio item never gets text.
    await act(async () => {
      server().emit(
        { type: 'input.committed', itemId: 'u1' },
        serverEvents.responseStarted('r1'),
        serverEvents.transcriptDelta('Hello!', 'a1', 'r1'),
        { type: 'response.done', responseId: 'r1', status: 'completed' },
      )
    })
    expect(log.querySelector('[data-role="user"]')).toBeNull()
    expect(log.querySelector('[data-role="assistant"]')?.textContent).toContain('Hello!')
    expect(log.getAttribute('aria-busy')).toBe('false')
  })

  it('Transcript should not show a bridge message as the words of the user', async () => {
    const { session, server } = withSession(strict, <Transcript />)
    const log = screen.getByRole('log')
    await act(() => session().connect())
    await act(() =>
      session().updateSession({ instruction: 'Pirate.' }, { bridgeMessage: 'Greet as a pirate.' }),
    )
    await act(async () => {
      server().emit(
        {
          type: 'item.added',
          itemId: 'u1',
          kind: 'message',
          role: 'user',
          text: 'Greet as a pirate.',
        },
        serverEvents.responseStarted('r1'),
        serverEvents.transcriptDelta('Ahoy!', 'a1', 'r1'),
        { type: 'response.done', responseId: 'r1', status: 'completed' },
      )
    })
    expect(log.querySelector('[data-role="user"]')).toBeNull()
    expect(log.querySelector('[data-role="bridge"]')?.textContent).toBe('Greet as a pirate.')
    expect(log.querySelector('[data-role="assistant"]')?.textContent).toContain('Ahoy!')
  })

  it('Transcript should follow new text until the user scrolls up, then offer to jump back', async () => {
    const { session, server } = withSession(strict, <Transcript />)
    const log = screen.getByRole('log')
    let scrollTop = 0
    let scrollHeight = 500
    Object.defineProperties(log, {
      scrollHeight: { get: () => scrollHeight },
      clientHeight: { get: () => 200 },
      scrollTop: { get: () => scrollTop, set: (value: number) => (scrollTop = value) },
    })
    await act(() => session().connect())
    await act(async () => server().emit(serverEvents.transcriptDelta('Hello ')))
    expect(scrollTop).toBe(500) // followed

    fireEvent.wheel(log, { deltaY: -100 }) // the user scrolls up
    scrollTop = 100
    fireEvent.scroll(log)
    scrollHeight = 900
    await act(async () => server().emit(serverEvents.transcriptDelta('world')))
    expect(scrollTop).toBe(100) // yielded
    const jump = screen.getByRole('button', { name: 'Jump to latest' })

    fireEvent.click(jump)
    expect(scrollTop).toBe(900)
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).toBeNull()
    scrollHeight = 1200
    await act(async () => server().emit(serverEvents.transcriptDelta('!')))
    expect(scrollTop).toBe(1200) // following again
  })

  it('ToolActivity should show each call with its status and duration', async () => {
    let release!: (value: string) => void
    const weather = defineTool({
      name: 'get_weather',
      parameters: z.object({ city: z.string() }),
      handler: () => new Promise<string>((resolve) => (release = resolve)),
    })
    const { session, server } = withSession(strict, <ToolActivity />, { tools: [weather] })
    const region = screen.getByRole('region', { name: 'Tool activity' })
    expect(region.dataset.state).toBe('empty')
    await act(() => session().connect())
    await act(async () =>
      server().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Oslo' })),
    )
    await settle()
    expect(region.dataset.state).toBe('running')
    const row = region.querySelector('li') as HTMLElement
    expect(row.dataset.state).toBe('running')
    expect(row.textContent).toContain('get_weather')
    expect(row.textContent).toContain('{"city":"Oslo"}')
    await act(async () => release('cloudy'))
    await settle()
    expect(row.dataset.state).toBe('completed')
    expect(row.textContent).toMatch(/Done · \d+ ms/)
    expect(region.dataset.state).toBe('idle')
  })

  it('ToolActivity should show no calls with limit 0, and only the newest with a limit', async () => {
    const { session, server } = withSession(
      strict,
      <>
        <ToolActivity limit={0} labels={{ title: 'None' }} />
        <ToolActivity limit={1} labels={{ title: 'One' }} />
      </>,
    )
    await act(() => session().connect())
    await act(async () =>
      server().emit(serverEvents.toolCall('c1', 'first'), serverEvents.toolCall('c2', 'second')),
    )
    await settle()
    const none = screen.getByRole('region', { name: 'None' })
    expect(none.querySelectorAll('li')).toHaveLength(0)
    expect(none.textContent).not.toContain('No tools used yet')
    expect(none.dataset.state).not.toBe('empty')
    const one = screen.getByRole('region', { name: 'One' })
    expect(
      [...one.querySelectorAll('li')].map((row) => row.querySelector('code')?.textContent),
    ).toEqual(['second'])
  })

  it('AudioVisualizer should expose state and source, and honour reduced motion', async () => {
    const { session, server } = withSession(
      strict,
      <>
        <AudioVisualizer label="Agent voice" />
        <AudioVisualizer label="Still" reducedMotion />
      </>,
    )
    const live = screen.getByRole('img', { name: 'Agent voice' })
    expect(live.dataset.state).toBe('idle')
    expect(live.dataset.source).toBe('input')
    expect(live.style.width).toBe('160px')
    await act(() => session().connect())
    await act(async () => server().emit(serverEvents.audioDelta()))
    expect(live.dataset.state).toBe('speaking')
    expect(live.dataset.source).toBe('output')
    expect(screen.getByRole('img', { name: 'Still' }).hasAttribute('data-reduced-motion')).toBe(
      true,
    )
    expect(live.hasAttribute('data-reduced-motion')).toBe(false)
  })

  it("AudioVisualizer should follow the system's prefers-reduced-motion, live", async () => {
    // jsdom has no matchMedia: a stand-in whose answer the test flips, firing `change`.
    let reduce = true
    const listeners = new Set<() => void>()
    const original = window.matchMedia
    window.matchMedia = ((query: string) => ({
      get matches() {
        return query === '(prefers-reduced-motion: reduce)' && reduce
      },
      media: query,
      addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
      removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
    })) as unknown as typeof window.matchMedia
    try {
      withSession(strict, <AudioVisualizer label="System" />)
      const canvas = screen.getByRole('img', { name: 'System' })
      expect(canvas.hasAttribute('data-reduced-motion')).toBe(true)
      reduce = false
      act(() => listeners.forEach((listener) => listener()))
      expect(canvas.hasAttribute('data-reduced-motion')).toBe(false)
    } finally {
      window.matchMedia = original
    }
  })

  it('VoiceAgent should own a session from a model, connect, fail with Retry, and disconnect', async () => {
    const model = createScriptedModel({ refuseConnects: 1 })
    const audio = createSimulatedAudio()
    render(
      inMode(
        strict,
        <VoiceAgent model={model} audio={audio} store={microtaskStore} className="agent" />,
      ),
    )
    const agent = screen.getByRole('region', { name: 'Voice agent' })
    expect(agent.className).toBe('adk-voice-agent agent')
    expect(agent.dataset.state).toBe('idle')

    fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }))
    await settle()
    expect(agent.dataset.state).toBe('failed')
    expect(screen.getByRole('alert').textContent).toContain('Scripted refusal')
    expect(audio.counts.open).toBe(0)

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
    await settle()
    expect(agent.dataset.state).toBe('listening')
    expect(audio.counts.open).toBe(1)
    expect(screen.queryByRole('alert')).toBeNull()

    fireEvent.click(screen.getByRole('button', { name: 'End conversation' }))
    await settle()
    expect(agent.dataset.state).toBe('closed')
    expect(audio.counts.open).toBe(0)
    expect(model.openSessions).toHaveLength(0)
  })

  it('VoiceAgent should ask for both sides of the transcript unless told otherwise', async () => {
    const connectWith = async (
      element: (model: ReturnType<typeof createScriptedModel>) => ReactElement,
    ) => {
      const model = createScriptedModel({ preset: 'gemini' })
      render(inMode(strict, element(model)))
      fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }))
      await settle()
      const config = model.connects[0]?.config
      cleanup()
      return config
    }
    const audio = createSimulatedAudio
    expect(
      await connectWith((model) => <VoiceAgent model={model} audio={audio()} />),
    ).toMatchObject({ inputAudioTranscription: {}, outputAudioTranscription: true })
    const chosen = await connectWith((model) => (
      <VoiceAgent
        model={model}
        audio={audio()}
        config={{
          inputAudioTranscription: { language: 'fr' },
          outputAudioTranscription: undefined,
        }}
      />
    ))
    expect(chosen?.inputAudioTranscription).toEqual({ language: 'fr' })
    expect(chosen?.outputAudioTranscription).toBeUndefined()
    const hidden = await connectWith((model) => (
      <VoiceAgent model={model} audio={audio()} showTranscript={false} />
    ))
    expect(hidden?.inputAudioTranscription).toBeUndefined()
    expect(hidden?.outputAudioTranscription).toBeUndefined()
  })

  it('VoiceAgent should show pending-resumption and reconnecting notices', async () => {
    const model = createScriptedModel({ preset: 'gemini' })
    const { session, server } = withSession(strict, <VoiceAgent />, { model })
    await act(() => session().connect())
    await act(async () => server().emit(serverEvents.responseStarted(), serverEvents.audioDelta()))
    await act(async () => {
      await session().updateSession({ instruction: 'Speak French.' })
    })
    await settle()
    expect(document.querySelector('[data-notice="pending-resumption"]')).not.toBeNull()
    act(() => server().drop())
    await settle()
    expect(document.querySelector('[data-notice="reconnecting"]')).not.toBeNull()
  })
})
