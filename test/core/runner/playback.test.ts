import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRealtimeStore } from '../../../src/core'
import type { PlaybackController, PlaybackInterruption } from '../../../src/core'
import { serverEvents } from '../../../src/testing'
import { createHarness, settle } from './helpers'

/** A player double that reports start and stop like the browser audio engine's. */
function fakePlayer(): PlaybackController & {
  play(playing: boolean): void
  heard: PlaybackInterruption | null
} {
  const listeners = new Set<(playing: boolean) => void>()
  let playing = false
  const player = {
    heard: null as PlaybackInterruption | null,
    play(next: boolean) {
      playing = next
      for (const listener of listeners) listener(next)
    },
    interrupt() {
      const heard = playing ? player.heard : null
      if (playing) player.play(false)
      return heard
    },
    isPlaying: () => playing,
    onPlayingChange(listener: (playing: boolean) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return player
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('playback-driven speaking state', () => {
  it('should follow the audio stream when nothing reports playback', async () => {
    const { runner, session, eventsOf } = createHarness()
    const store = createRealtimeStore(runner)
    await runner.connect()
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta())
    store.flush()
    expect(store.getState().agentSpeaking).toBe(true)
    session().emit({ type: 'audio.done', responseId: 'resp_1', itemId: 'item_a1' })
    store.flush()
    expect(store.getState().agentSpeaking).toBe(false)
    expect(eventsOf('playback.started')).toEqual([
      { type: 'playback.started', source: 'network', responseId: 'resp_1' },
    ])
    store.destroy()
    await runner.close()
  })

  it('should listen to the player from connect() to close() only', async () => {
    // React may build a runner and throw it away unconnected: it must not hold the player.
    const player = fakePlayer()
    const subscribe = vi.spyOn(player, 'onPlayingChange')
    const { runner } = createHarness({}, { playback: player })
    expect(subscribe).not.toHaveBeenCalled()
    await runner.connect()
    await runner.connect()
    expect(subscribe).toHaveBeenCalledOnce()
    const unsubscribe = subscribe.mock.results[0]?.value as () => void
    expect(typeof unsubscribe).toBe('function')
    await runner.close()
    const events: string[] = []
    runner.onEvent((event) => events.push(event.type))
    player.play(true)
    expect(events).toEqual([])
    await runner.connect()
    expect(subscribe).toHaveBeenCalledTimes(2)
    await runner.close()
  })

  it('should keep the agent speaking after audio.done until the player drains', async () => {
    const player = fakePlayer()
    const { runner, session, eventsOf } = createHarness({}, { playback: player })
    const store = createRealtimeStore(runner)
    await runner.connect()
    session().emit(serverEvents.speechStopped())
    vi.advanceTimersByTime(200)
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta())
    store.flush()
    // Received, not yet audible (the player is still filling its prebuffer).
    expect(store.getState().agentSpeaking).toBe(false)
    vi.advanceTimersByTime(60)
    player.play(true)
    store.flush()
    expect(store.getState()).toMatchObject({
      agentSpeaking: true,
      agentState: 'speaking',
      latency: { responseMs: 260 },
    })
    session().emit(
      { type: 'audio.done', responseId: 'resp_1', itemId: 'item_a1' },
      serverEvents.responseDone(),
    )
    store.flush()
    expect(store.getState()).toMatchObject({ agentSpeaking: true, agentState: 'speaking' })
    player.play(false)
    store.flush()
    expect(store.getState()).toMatchObject({ agentSpeaking: false, agentState: 'listening' })
    expect(eventsOf('playback.started').map((event) => event.source)).toEqual(['player'])
    expect(eventsOf('playback.stopped').map((event) => event.source)).toEqual(['player'])
    store.destroy()
    await runner.close()
  })

  it('should follow the provider output buffer on a WebRTC session', async () => {
    const { runner, session } = createHarness({ capabilities: { transports: ['webrtc'] } })
    const store = createRealtimeStore(runner)
    await runner.connect()
    session().emit(serverEvents.responseStarted(), serverEvents.transcriptDelta('Hi'))
    store.flush()
    expect(store.getState().agentSpeaking).toBe(false)
    session().emit({ type: 'outputAudio.started', responseId: 'resp_1' })
    store.flush()
    expect(store.getState().agentSpeaking).toBe(true)
    session().emit(serverEvents.responseDone())
    store.flush()
    expect(store.getState().agentSpeaking).toBe(true)
    session().emit({ type: 'outputAudio.stopped', responseId: 'resp_1' })
    store.flush()
    expect(store.getState().agentSpeaking).toBe(false)
    store.destroy()
    await runner.close()
  })

  it('should stop speaking when the connection drops or the runner closes', async () => {
    const player = fakePlayer()
    const { runner, session } = createHarness({}, { playback: player, autoReconnect: false })
    const store = createRealtimeStore(runner)
    await runner.connect()
    player.play(true)
    store.flush()
    expect(store.getState().agentSpeaking).toBe(true)
    session().drop()
    await settle()
    store.flush()
    expect(store.getState().agentSpeaking).toBe(false)
    store.destroy()
    await runner.close()
  })
})

describe('interrupted status on barge-in', () => {
  it('should mark the heard item interrupted as soon as the runner stops playback', async () => {
    const player = fakePlayer()
    const { runner, session } = createHarness(
      {},
      { playback: player, config: { interruptionDetection: 'automatic' } },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.audioDelta({ ms: 500 }),
      serverEvents.transcriptDelta('A long answer'),
      { type: 'audio.done', responseId: 'resp_1', itemId: 'item_a1' },
      {
        type: 'transcript.done',
        responseId: 'resp_1',
        itemId: 'item_a1',
        transcript: 'A long answer',
      },
      serverEvents.responseDone(),
    )
    player.play(true)
    player.heard = { itemId: 'item_a1', playedMs: 120 }
    expect(runner.getState().items).toMatchObject([{ id: 'item_a1', status: 'completed' }])
    // The provider finished sending; the speakers still play: user speech barges in.
    session().emit(serverEvents.speechStarted())
    expect(runner.getState().items).toMatchObject([{ id: 'item_a1', status: 'interrupted' }])
    expect(session().callsOf('truncate')).toEqual([
      { method: 'truncate', itemId: 'item_a1', playedMs: 120 },
    ])
    await runner.close()
  })

  it('should mark in-progress answers interrupted when nothing local was playing', async () => {
    const { runner, session } = createHarness()
    await runner.connect()
    session().emit(serverEvents.responseStarted(), serverEvents.transcriptDelta('Hel'))
    const result = runner.interrupt()
    expect(result).toMatchObject({ cancelled: true, truncated: false })
    expect(runner.getState().items).toMatchObject([{ id: 'item_a1', status: 'interrupted' }])
    await runner.close()
  })

  it('should interrupt a WebRTC answer the server is still playing after response.done', async () => {
    const { runner, session, eventsOf } = createHarness({
      capabilities: { transports: ['webrtc'], truncation: false },
    })
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      { type: 'outputAudio.started', responseId: 'resp_1' },
      serverEvents.transcriptDelta('Still talking'),
      serverEvents.responseDone(),
    )
    expect(runner.getState().items).toMatchObject([{ status: 'completed' }])
    const result = runner.interrupt()
    // No response is active, but the provider is audible: the session is told to stop it.
    expect(result).toEqual({ cancelled: true, truncated: false })
    expect(session().callsOf('interrupt')).toHaveLength(1)
    expect(eventsOf('playback.stopped').map((event) => event.source)).toEqual(['server'])
    session().emit({ type: 'outputAudio.cleared', responseId: 'resp_1' })
    expect(runner.getState().items).toMatchObject([{ status: 'interrupted' }])
    await runner.close()
  })

  it('should leave a WebRTC session alone when nothing is playing or generating', async () => {
    const { runner, session } = createHarness({ capabilities: { transports: ['webrtc'] } })
    await runner.connect()
    session().emit(
      { type: 'outputAudio.started', responseId: 'resp_1' },
      { type: 'outputAudio.stopped', responseId: 'resp_1' },
    )
    expect(runner.interrupt()).toEqual({ cancelled: false, truncated: false })
    expect(session().callsOf('interrupt')).toHaveLength(0)
    await runner.close()
  })
})
