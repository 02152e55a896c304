import { act, cleanup, render, screen } from '@testing-library/react'
import { useEffect } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type * as Core from '../../src/core'
import type { BrowserAudio, BrowserAudioRunner, RealtimeRunner } from '../../src/core'
import { VoiceAgent, createRealtimeAudio, useRealtimeSession } from '../../src/hooks'
import type {
  AudioRunner,
  RealtimeAudio,
  RealtimeSessionHandle,
  RealtimeSessionOptions,
} from '../../src/hooks'
import { createScriptedModel, serverEvents } from '../../src/testing/scripted-session'
import type { ScriptedModel } from '../../src/testing/scripted-session'
import { createSimulatedAudio } from '../../src/testing/simulated-audio'
import { inMode, microtaskStore, reactModes, settle, stubCanvas } from './support'

interface FakeBrowserEngine {
  runner: BrowserAudioRunner | undefined
  events: string[]
  status: 'idle' | 'starting' | 'running' | 'stopped'
  /** Devices handed to its microphone's `setDevice`. */
  devices: Array<string | undefined>
  /** Holds `start()` in `starting` until called. */
  finishStart?: () => void
}

// jsdom has no Web Audio: `createRealtimeAudio` gets a fake browser engine that records the runner
// it serves and the events it hears.
const browserEngines = vi.hoisted((): FakeBrowserEngine[] => [])
/** While true, a fake engine's `start()` waits in `starting` for its `finishStart`. */
const holdStarts = vi.hoisted(() => ({ value: false }))
vi.mock('../../src/core', async (importOriginal) => ({
  ...(await importOriginal<typeof Core>()),
  createBrowserAudio: () => fakeBrowserAudio(),
}))

/** Like the real engine, it serves one runner at a time and stops when that runner closes. */
function fakeBrowserAudio(): BrowserAudio {
  const engine: FakeBrowserEngine = { runner: undefined, events: [], status: 'idle', devices: [] }
  browserEngines.push(engine)
  const listeners = new Set<() => void>()
  let snapshot = { status: 'idle', canPlayAudio: true, playing: false, microphone: undefined }
  const setStatus = async (status: FakeBrowserEngine['status']): Promise<void> => {
    engine.status = status
    snapshot = { ...snapshot, status }
    for (const listener of [...listeners]) listener()
  }
  const fake = {
    audio: { unlock() {} },
    player: { onPlayingChange: () => () => {} },
    microphone: {
      setMuted() {},
      setDevice: async (deviceId: string | undefined) => {
        engine.devices.push(deviceId)
      },
    },
    playback: { interrupt: () => null },
    attach(runner: BrowserAudioRunner) {
      if (engine.runner !== undefined && engine.runner !== runner) throw new Error('attached')
      engine.runner = runner
      const off = runner.onEvent((event) => {
        engine.events.push(event.type)
        if (event.type === 'connection.status' && event.status === 'closed') void fake.stop()
      })
      return () => {
        off()
        if (engine.runner === runner) engine.runner = undefined
      }
    },
    start: async () => {
      await setStatus('starting')
      if (holdStarts.value) await new Promise<void>((resolve) => (engine.finishStart = resolve))
      await setStatus('running')
    },
    stop: () => setStatus('stopped'),
    startAudio: async () => {},
    getSnapshot: () => snapshot,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    inputLevel: 0,
    outputLevel: 0,
  }
  return fake as unknown as BrowserAudio
}

/** A simulated engine that logs its `attach`, `unlock` and detach calls, with the runner. */
function loggingAudio(log: Array<[string, AudioRunner?]>): RealtimeAudio {
  const audio = createSimulatedAudio()
  return {
    ...audio,
    attach(runner) {
      log.push(['attach', runner])
      const off = audio.attach(runner)
      return () => {
        log.push(['detach', runner])
        off()
      }
    },
    unlock() {
      log.push(['unlock'])
      audio.unlock()
    },
  }
}

interface Harness {
  session(): RealtimeSessionHandle
  committedRunners: Set<RealtimeRunner>
  renders: RealtimeSessionHandle[]
}

function mount(
  strict: boolean,
  input: Partial<RealtimeSessionOptions> & { model: ScriptedModel },
  render_ = render,
) {
  const options = { store: microtaskStore, ...input }
  const committedRunners = new Set<RealtimeRunner>()
  const renders: RealtimeSessionHandle[] = []
  function App(props: { label: string }) {
    const session = useRealtimeSession(options)
    renders.push(session)
    useEffect(() => {
      committedRunners.add(session.runner)
    })
    return (
      <p>
        {props.label}:{session.status}:{session.agentState}:{String(session.isMuted)}
      </p>
    )
  }
  const result = render_(inMode(strict, <App label="a" />))
  const harness: Harness & typeof result = {
    ...result,
    committedRunners,
    renders,
    session: () => renders[renders.length - 1]!,
  }
  return {
    ...harness,
    rerenderWith: (label: string) => result.rerender(inMode(strict, <App label={label} />)),
  }
}

/** The most sessions of `model` ever open at the same time. */
function trackOpenSessions(model: ScriptedModel): { max: number } {
  const peak = { max: 0 }
  const check = () => {
    peak.max = Math.max(peak.max, model.openSessions.length)
  }
  const connect = model.connect.bind(model)
  model.connect = async (...args) => {
    const session = await connect(...args)
    check()
    return session
  }
  return peak
}

describe.each(reactModes)('useRealtimeSession (%s)', (_mode, strict) => {
  afterEach(() => {
    cleanup()
    vi.useRealTimers()
  })

  it('should create one runner and open one connection and one microphone per mounted session', async () => {
    const model = createScriptedModel()
    const peak = trackOpenSessions(model)
    const audio = createSimulatedAudio()
    const { committedRunners, session } = mount(strict, { model, audio, autoConnect: true })
    await settle()

    expect(committedRunners.size).toBe(1)
    expect(session().status).toBe('connected')
    expect(model.connects).toHaveLength(1)
    expect(peak.max).toBe(1)
    expect(audio.counts).toMatchObject({ starts: 1, open: 1, maxOpen: 1 })

    // A double click (and another connect) while connected changes nothing.
    await act(() => Promise.all([session().connect(), session().connect()]))
    expect(model.connects).toHaveLength(1)
    expect(audio.counts.maxOpen).toBe(1)
    expect([...committedRunners][0]).toBe(session().runner)
  })

  it('should serialize connect and disconnect so no two connections or microphones overlap', async () => {
    const model = createScriptedModel({ connectDelayMs: 5 })
    const peak = trackOpenSessions(model)
    const audio = createSimulatedAudio({ startDelayMs: 3 })
    const { session } = mount(strict, { model, audio })
    await settle()

    await act(async () => {
      const { connect, disconnect } = session()
      await Promise.allSettled([connect(), disconnect(), connect(), disconnect(), connect()])
    })
    expect(session().status).toBe('connected')
    expect(peak.max).toBe(1)
    expect(model.openSessions).toHaveLength(1)
    expect(audio.counts.maxOpen).toBe(1)
    expect(audio.counts.open).toBe(1)

    // Sequential cycles: a new connection each time, never two at once, no microphone left open.
    for (let cycle = 0; cycle < 3; cycle += 1) {
      await act(() => session().disconnect())
      expect(audio.counts.open).toBe(0)
      await act(() => session().connect())
    }
    expect(peak.max).toBe(1)
    expect(audio.counts.maxOpen).toBe(1)
  })

  it('should leave no timers, sockets or microphones when unmounted during connect', async () => {
    vi.useFakeTimers()
    const model = createScriptedModel({ connectDelayMs: 1_000 })
    const audio = createSimulatedAudio({ startDelayMs: 500 })
    const { unmount } = mount(strict, { model, audio, autoConnect: true })
    await settle()
    expect(model.connects).toHaveLength(1)
    expect(model.connects[0]?.outcome).toBe('pending')

    unmount()
    await settle()
    expect(model.connects[0]?.outcome).toBe('cancelled')
    expect(model.openSessions).toHaveLength(0)
    expect(audio.counts.open).toBe(0)
    expect(vi.getTimerCount()).toBe(0)

    await vi.advanceTimersByTimeAsync(60_000)
    expect(model.sessions).toHaveLength(0)
    expect(audio.counts.maxOpen).toBe(0)
  })

  it('should close the session and release the microphone when unmounted while connected', async () => {
    const model = createScriptedModel()
    const audio = createSimulatedAudio()
    const { unmount, session } = mount(strict, { model, audio, autoConnect: true })
    await settle()
    const runner = session().runner
    expect(model.openSessions).toHaveLength(1)

    unmount()
    await settle()
    expect(model.openSessions).toHaveLength(0)
    expect(audio.counts.open).toBe(0)
    expect(runner.getState().connection).toBe('closed')
  })

  it('should keep every action identity stable across renders and state changes', async () => {
    const model = createScriptedModel()
    const { session, rerenderWith, renders } = mount(strict, {
      model,
      audio: createSimulatedAudio(),
    })
    const first = session()
    await act(() => first.connect())
    act(() => first.mute())
    act(() => model.session?.emit({ type: 'speech.started', itemId: 'u1' }))
    rerenderWith('b')
    await act(() => first.disconnect())
    const last = session()
    expect(renders.length).toBeGreaterThan(3)
    for (const name of [
      'connect',
      'disconnect',
      'sendText',
      'interrupt',
      'updateSession',
      'mute',
      'unmute',
    ] as const) {
      expect(last[name], name).toBe(first[name])
    }
    expect(last.runner).toBe(first.runner)
    expect(last.store).toBe(first.store)
  })

  it('should reflect status, agent state and mute, with or without an audio engine', async () => {
    const model = createScriptedModel()
    const { session, container } = mount(strict, { model, audio: false })
    expect(container.textContent).toBe('a:idle:disconnected:false')
    await act(() => session().connect())
    expect(container.textContent).toBe('a:connected:listening:false')
    act(() => session().mute())
    expect(session().isMuted).toBe(true)
    act(() => session().unmute())
    expect(session().isMuted).toBe(false)

    act(() => session().sendText('hello'))
    expect(model.session?.callsOf('sendText')).toEqual([{ method: 'sendText', text: 'hello' }])
    await act(() => session().updateSession({ instruction: 'Be brief.' }))
    expect(model.session?.callsOf('mutateContext')).toHaveLength(1)
  })

  it('should call the latest handlers', async () => {
    const model = createScriptedModel()
    const seen: string[] = []
    let label = 'first'
    function App() {
      const current = label
      useRealtimeSession({
        model,
        audio: false,
        autoConnect: true,
        store: microtaskStore,
        handlers: { onConnectionStatus: (status) => seen.push(`${current}:${status}`) },
      })
      return null
    }
    const { rerender, unmount } = render(inMode(strict, <App />))
    await settle()
    label = 'second'
    rerender(inMode(strict, <App />))
    unmount()
    await settle()
    expect(seen).toEqual(['first:connecting', 'first:connected', 'second:closed'])
  })

  it('should attach an engine created in render to the live runner only, until unmount', async () => {
    const model = createScriptedModel()
    const log: Array<[string, AudioRunner?]> = []
    let session!: RealtimeSessionHandle
    function App() {
      // A new engine each render, as apps write it: React keeps the first render's.
      session = useRealtimeSession({ model, audio: loggingAudio(log), store: microtaskStore })
      return null
    }
    const { unmount } = render(inMode(strict, <App />))
    await settle()
    const runner = session.runner
    expect(log).toEqual([['attach', runner]])
    await act(() => session.connect())
    unmount()
    await settle()
    expect(log).toEqual([['attach', runner], ['unlock'], ['detach', runner]])
  })

  it('should attach the engine before a connect from a child effect', async () => {
    const model = createScriptedModel()
    const log: Array<[string, AudioRunner?]> = []
    let session!: RealtimeSessionHandle
    function Child({ connect }: { connect: () => Promise<void> }) {
      useEffect(() => void connect(), [connect]) // runs before its parent's effects
      return null
    }
    function App() {
      session = useRealtimeSession({ model, audio: loggingAudio(log), store: microtaskStore })
      return <Child connect={session.connect} />
    }
    render(inMode(strict, <App />))
    await settle()
    expect(session.status).toBe('connected')
    expect(log.slice(0, 2)).toEqual([['attach', session.runner], ['unlock']])
    expect(log.filter(([call]) => call === 'attach')).toHaveLength(1)
  })

  it('should bind createRealtimeAudio() to the live runner: its audio and its close', async () => {
    browserEngines.length = 0
    const model = createScriptedModel()
    let session!: RealtimeSessionHandle
    function App() {
      session = useRealtimeSession({ model, audio: createRealtimeAudio(), store: microtaskStore })
      return null
    }
    const { unmount } = render(inMode(strict, <App />))
    await settle()
    await act(() => session.connect())
    expect(browserEngines).toHaveLength(1)
    const engine = browserEngines[0]!
    expect(engine.runner).toBe(session.runner)
    expect(engine.status).toBe('running')
    act(() => model.session?.emit(serverEvents.responseStarted(), serverEvents.audioDelta()))
    expect(engine.events).toContain('audio.delta')
    // The microphone is released when the live runner closes, whoever closes it.
    await act(() => session.runner.close())
    expect(engine.status).toBe('stopped')
    unmount()
    await settle()
    expect(engine.runner).toBeUndefined()
  })

  it('should hand a microphone chosen while the engine starts to that engine', async () => {
    browserEngines.length = 0
    holdStarts.value = true
    try {
      const audio = createRealtimeAudio()
      const starting = audio.start()
      await settle()
      const engine = browserEngines[0]!
      expect(engine.status).toBe('starting')
      await audio.setDevice('usb-headset')
      expect(engine.devices).toEqual(['usb-headset'])
      expect(audio.getSnapshot().deviceId).toBe('usb-headset')
      engine.finishStart?.()
      await starting
      await audio.stop()
      // A stopped engine is not asked; its successor opens the chosen device.
      await audio.setDevice('builtin')
      expect(engine.devices).toEqual(['usb-headset'])
    } finally {
      holdStarts.value = false
    }
  })

  it('should bind <VoiceAgent audio={createRealtimeAudio()}> to the runner it talks through', async () => {
    stubCanvas()
    browserEngines.length = 0
    const model = createScriptedModel()
    render(inMode(strict, <VoiceAgent model={model} audio={createRealtimeAudio()} />))
    await act(async () => screen.getByRole('button', { name: 'Start conversation' }).click())
    await settle()
    act(() => model.session?.emit(serverEvents.responseStarted(), serverEvents.audioDelta()))
    expect(browserEngines).toHaveLength(1)
    expect(browserEngines[0]?.events).toContain('audio.delta')
  })

  it('should release the microphone when the connection fails, and connect again on retry', async () => {
    const model = createScriptedModel({ refuseConnects: 1 })
    const audio = createSimulatedAudio()
    const { session } = mount(strict, { model, audio })
    await act(() =>
      session()
        .connect()
        .catch(() => {}),
    )
    expect(session().status).toBe('failed')
    expect(audio.counts.open).toBe(0)
    await act(() => session().connect())
    expect(session().status).toBe('connected')
    expect(audio.counts.open).toBe(1)
    expect(audio.counts.maxOpen).toBe(1)
  })
})
