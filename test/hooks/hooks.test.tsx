import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  useAgentState,
  useAudioLevel,
  useAudioPlayback,
  useMicrophone,
  useRealtimeEvent,
  useRealtimeRunner,
  useRealtimeStore,
  useTranscript,
  useVoiceState,
} from '../../src/hooks'
import type { AudioLevel, MicrophoneControls, RunnerEventOf } from '../../src/hooks'
import { createScriptedModel, serverEvents } from '../../src/testing/scripted-session'
import { createSimulatedAudio } from '../../src/testing/simulated-audio'
import { inMode, reactModes, settle, withSession } from './support'

describe.each(reactModes)('hooks outside a provider (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it.each([
    ['useTranscript', () => useTranscript()],
    ['useAgentState', () => useAgentState()],
    ['useMicrophone', () => useMicrophone()],
    ['useRealtimeStore', () => useRealtimeStore((state) => state.connection)],
    ['useRealtimeRunner', () => useRealtimeRunner()],
    ['useAudioLevel', () => useAudioLevel('input')],
  ])('%s should throw a message that says how to fix it', (name, hook) => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    function Orphan() {
      hook()
      return null
    }
    expect(() => render(inMode(strict, <Orphan />))).toThrow(
      `${name} must be used inside <RealtimeProvider session={useRealtimeSession(…)}> or <VoiceAgent>`,
    )
    quiet.mockRestore()
  })
})

describe.each(reactModes)('read hooks (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should stream the transcript and the agent state from the store', async () => {
    function View() {
      const items = useTranscript()
      const agent = useAgentState()
      const voice = useVoiceState()
      return (
        <p data-testid="view">
          {agent}/{voice}|
          {items.map((item) => (item.kind === 'message' ? `${item.role}:${item.text};` : ''))}
        </p>
      )
    }
    const { session, server } = withSession(strict, <View />)
    const text = () => screen.getByTestId('view').textContent
    expect(text()).toBe('disconnected/idle|')
    await act(() => session().connect())
    expect(text()).toBe('listening/listening|')

    await act(async () => server().emit(serverEvents.speechStarted('u1')))
    expect(text()).toBe('listening/userSpeaking|')
    await act(async () =>
      server().emit(
        serverEvents.inputTranscriptDelta('What is the ', 'u1'),
        serverEvents.inputTranscriptDelta('weather?', 'u1'),
        serverEvents.speechStopped('u1'),
        serverEvents.responseStarted('r1'),
      ),
    )
    expect(text()).toBe('thinking/thinking|user:What is the weather?;')
    await act(async () =>
      server().emit(
        serverEvents.audioDelta({ itemId: 'a1', responseId: 'r1' }),
        serverEvents.transcriptDelta('Sunny', 'a1', 'r1'),
      ),
    )
    expect(text()).toBe('speaking/speaking|user:What is the weather?;assistant:Sunny;')
  })

  it('should re-render a store selector only when its value changes', async () => {
    let renders = 0
    function Status() {
      renders += 1
      return <span>{useRealtimeStore((state) => state.connection)}</span>
    }
    const { session, server } = withSession(strict, <Status />)
    await act(() => session().connect())
    const before = renders
    await act(async () => {
      for (let index = 0; index < 50; index += 1) server().emit(serverEvents.transcriptDelta('x'))
    })
    await settle()
    expect(renders).toBe(before)
  })

  it('should deliver runner events to the latest handler and stop on unmount', async () => {
    const seen: string[] = []
    function Listener({ tag }: { tag: string }) {
      useRealtimeEvent('transcript.delta', (event: RunnerEventOf<'transcript.delta'>) =>
        seen.push(`${tag}:${event.delta}`),
      )
      return null
    }
    const { session, server, rerenderChildren } = withSession(strict, <Listener tag="a" />)
    await act(() => session().connect())
    act(() => server().emit(serverEvents.transcriptDelta('1')))
    rerenderChildren(<Listener tag="b" />)
    act(() => server().emit(serverEvents.transcriptDelta('2')))
    rerenderChildren(null)
    act(() => server().emit(serverEvents.transcriptDelta('3')))
    expect(seen).toEqual(['a:1', 'b:2'])
  })
})

describe.each(reactModes)('useMicrophone and useAudioPlayback (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should expose devices, selection, mute and permission with stable actions', async () => {
    const seen: MicrophoneControls[] = []
    const startAudios = new Set<() => Promise<void>>()
    function Mic() {
      seen.push(useMicrophone())
      const playback = useAudioPlayback()
      startAudios.add(playback.startAudio)
      return <span data-testid="can-play">{String(playback.canPlayAudio)}</span>
    }
    const { session, audio } = withSession(strict, <Mic />)
    const last = () => seen[seen.length - 1]!
    expect(last()).toMatchObject({ status: 'idle', muted: false, permission: 'prompt' })
    expect(last().devices.map((device) => device.label)).toEqual([
      'Built-in Microphone',
      'Headset Microphone',
    ])
    await act(() => session().connect())
    expect(last()).toMatchObject({
      status: 'running',
      permission: 'granted',
      activeDeviceId: 'built-in',
    })
    expect(screen.getByTestId('can-play').textContent).toBe('true')
    expect(startAudios.size).toBe(1) // the same action before and after sound was allowed

    await act(() => last().selectDevice('headset'))
    expect(last()).toMatchObject({ deviceId: 'headset', activeDeviceId: 'headset' })
    act(() => last().toggle())
    expect(last().muted).toBe(true)
    expect(session().isMuted).toBe(true)
    expect(audio.level('input')).toBe(0)
    act(() => last().toggle())
    expect(last().muted).toBe(false)
    expect(last().toggle).toBe(seen[0]!.toggle)
    expect(last().selectDevice).toBe(seen[0]!.selectDevice)
  })

  it('should report a refused permission', async () => {
    function Mic() {
      const mic = useMicrophone()
      return (
        <span data-testid="mic">
          {mic.permission}:{mic.status}:{mic.error?.code}
        </span>
      )
    }
    const model = createScriptedModel()
    const { session } = withSession(strict, <Mic />, {
      model,
      audio: createSimulatedAudio({ permission: 'denied' }),
    })
    await act(() => session().connect())
    expect(screen.getByTestId('mic').textContent).toBe('denied:stopped:permission_denied')
    expect(session().status).toBe('connected') // text still works
  })

  it('should say the microphone is unavailable without an audio engine', () => {
    let mic!: MicrophoneControls
    function Mic() {
      mic = useMicrophone()
      return null
    }
    withSession(strict, <Mic />, { audio: false })
    expect(mic.available).toBe(false)
    expect(mic.status).toBe('unavailable')
    act(() => mic.mute())
    expect(mic.muted).toBe(true)
  })
})

describe.each(reactModes)('useAudioLevel (%s)', (_mode, strict) => {
  afterEach(() => {
    cleanup()
    vi.useRealTimers()
  })

  it('should update a ref and a callback every animation frame without rendering', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance'] })
    let renders = 0
    let handle!: AudioLevel
    const levels: number[] = []
    function Meter() {
      renders += 1
      handle = useAudioLevel('output', { onLevel: (level) => levels.push(level) })
      return null
    }
    const { session, server } = withSession(strict, <Meter />)
    await act(() => session().connect())
    act(() => server().emit(serverEvents.audioDelta()))
    const before = renders
    act(() => vi.advanceTimersByTime(1_000))
    expect(levels.length).toBeGreaterThan(50)
    expect(levels.some((level) => level > 0)).toBe(true)
    expect(handle.ref.current).toBe(levels[levels.length - 1])
    expect(handle.level).toBe(0)
    expect(renders).toBe(before)
  })

  it('should keep the level as throttled state when asked', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance'] })
    let renders = 0
    function Meter() {
      renders += 1
      const { level } = useAudioLevel('output', { reactive: { fps: 10 } })
      return <span data-testid="level">{level}</span>
    }
    const { session, server } = withSession(strict, <Meter />)
    await act(() => session().connect())
    act(() => server().emit(serverEvents.audioDelta()))
    const before = renders
    act(() => vi.advanceTimersByTime(1_000))
    const perFrame = strict ? 2 : 1
    expect(renders - before).toBeGreaterThan(0)
    expect(renders - before).toBeLessThanOrEqual(11 * perFrame)
    expect(Number(screen.getByTestId('level').textContent)).toBeGreaterThan(0)
  })
})

describe.each(reactModes)('the default browser audio engine in jsdom (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should connect for text and report that audio is unavailable here', async () => {
    let mic!: MicrophoneControls
    function Mic() {
      mic = useMicrophone()
      return null
    }
    const model = createScriptedModel()
    const { session } = withSession(strict, <Mic />, { model, audio: true })
    expect(mic).toMatchObject({ available: true, status: 'idle', permission: 'unknown' })
    await act(() => session().connect())
    expect(session().status).toBe('connected')
    expect(mic.status).toBe('stopped')
    expect(mic.error?.code).toBe('media_unavailable')
    expect(mic.error?.message).toContain('AudioContext')
    act(() => session().sendText('typed instead'))
    expect(model.session?.callsOf('sendText')).toHaveLength(1)
  })
})
