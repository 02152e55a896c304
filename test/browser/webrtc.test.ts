// OpenAI over WebRTC in real Chromium against the mock server's SDP endpoint (werift on the mock's
// side): the SDP exchange and connect, a text turn whose events travel on the oai-events data
// channel and whose answer arrives as audio on the remote track (PCMU RTP), interrupt
// (response.cancel + output_audio_buffer.clear, as the mock's log shows), and a close that ends
// every MediaStreamTrack and the peer connection. The fake microphone plays silence, so the
// mock's VAD never hears a spoken turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockBrain, createMockRealtimeServer } from '../../src/testing'
import type { MockBrain, MockRealtimeServer } from '../../src/testing'
import { describeProblems, useChromium, type ChromiumSession } from './support/chromium'
import {
  openHarness,
  startHarnessServers,
  type HarnessServers,
  type OpenHarness,
} from './support/harness'
import { speechThenSilenceWav } from './support/padded-wav'
import { silentWav } from './support/speech-wav'

type Events = Array<{ type: string; responseId?: string; source?: string; cancelled?: boolean }>
interface PageState {
  outputLevel: number
  peakOutput: number
  agentSpeaking: boolean
  items: Array<{ id: string; kind: string; status: string; role?: string; text?: string }>
  callId: string | undefined
  audioElementPlaying: boolean
}

let servers: HarnessServers | undefined
let mock: MockRealtimeServer | undefined
let brain: MockBrain | undefined
let reply = ''

beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/webrtc-harness.ts')
  brain = createMockBrain({ respond: () => ({ type: 'message', text: reply }) })
  mock = await createMockRealtimeServer({ brain })
})

afterAll(async () => {
  await mock?.close()
  await servers?.close()
})

let chromium: { get(): ChromiumSession } | undefined

async function connected(): Promise<OpenHarness> {
  if (servers === undefined || mock === undefined || chromium === undefined) {
    throw new Error('servers not started')
  }
  const h = await openHarness(chromium.get(), servers.plain)
  await h.call('setup', { baseUrl: mock.url, apiKey: 'ek_test' })
  expect(await h.call('connect')).toBe('connected')
  return h
}

function has(events: Events, type: string): boolean {
  return events.some((event) => event.type === type)
}

/** The frames the mock received on the newest call, by kind. */
function callFramesIn(): string[] {
  const call = mock!.log.connections.filter((c) => c.path === '/v1/realtime/calls').at(-1)
  if (call === undefined) throw new Error('no WebRTC call reached the mock')
  return mock!.log.kinds(call.id, 'in')
}

describe('OpenAI over WebRTC against the mock SDP endpoint', () => {
  // A silent microphone: the mock's VAD never hears a spoken turn here.
  const browser = useChromium(async () => ({ fakeAudioCaptureWav: await silentWav(3) }))
  beforeAll(() => {
    chromium = browser
  })

  it('should connect, run a text turn over the data channel and play the answer', async () => {
    reply = 'It is sunny in Paris today.'
    brain!.timing.chunkIntervalMs = 0
    const h = await connected()
    try {
      const ready = await h.call<Events>('events')
      expect(ready.map((e) => e.type)).toContain('session.ready')
      expect(callFramesIn()[0]).toBe('session.update')
      await h.call('sendText', 'What is the weather in Paris?')
      const events = await h.until<Events>('events', (e) => has(e, 'outputAudio.stopped'), {
        timeoutMs: 30_000,
      })
      const types = events.map((e) => e.type)
      for (const type of ['response.started', 'transcript.delta', 'response.done']) {
        expect(types).toContain(type)
      }
      expect(types).not.toContain('audio.delta') // the audio is a media track on WebRTC
      // The speaking state followed the server's output buffer, past response.done.
      const speaking = events.filter((e) => e.type.startsWith('playback.'))
      expect(speaking).toMatchObject([
        { type: 'playback.started', source: 'server' },
        { type: 'playback.stopped', source: 'server' },
      ])
      expect(types.indexOf('response.done')).toBeLessThan(types.indexOf('playback.stopped'))
      const state = await h.call<PageState>('state')
      expect(state.callId).toMatch(/^rtc_/)
      expect(state.agentSpeaking).toBe(false)
      expect(state.items).toMatchObject([
        { role: 'user', text: 'What is the weather in Paris?', status: 'completed' },
        { role: 'assistant', text: reply, status: 'completed' },
      ])
      expect(callFramesIn()).toEqual([
        'session.update',
        'conversation.item.create',
        'response.create',
      ])
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.call('close')
      await h.page.close()
    }
  })

  it('should hear the answer on the remote track and interrupt it with cancel + clear', async () => {
    reply =
      'Once upon a time there was a small voice agent that lived inside a browser tab and ' +
      'answered every question with a long and very patient story about the weather.'
    // Generated in real time, so the response is still in progress while it plays.
    brain!.timing.chunkIntervalMs = brain!.timing.audioChunkMs
    const h = await connected()
    try {
      await h.call('sendText', 'Tell me a story.')
      await h.until<Events>('events', (e) => has(e, 'outputAudio.started'), { timeoutMs: 30_000 })
      // The remote track delivers sound: the output meter (an AnalyserNode on it) moves.
      const playing = await h.until<PageState>('state', (s) => s.peakOutput > 0.01, {
        timeoutMs: 30_000,
      })
      expect(playing.agentSpeaking).toBe(true)
      expect(playing.audioElementPlaying).toBe(true)
      const result = await h.call<{ cancelled: boolean }>('interrupt')
      expect(result.cancelled).toBe(true)
      const events = await h.until<Events>('events', (e) => has(e, 'outputAudio.cleared'), {
        timeoutMs: 30_000,
      })
      const frames = callFramesIn()
      expect(frames.slice(-2)).toEqual(['response.cancel', 'output_audio_buffer.clear'])
      expect(events.filter((e) => e.type === 'response.done').at(-1)).toMatchObject({
        status: 'cancelled',
      })
      const state = await h.until<PageState>('state', (s) => !s.agentSpeaking)
      expect(state.items.at(-1)).toMatchObject({ role: 'assistant', status: 'interrupted' })
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.call('close')
      await h.page.close()
    }
  })

  it('should end every track and the peer connection on close', async () => {
    reply = 'Short.'
    brain!.timing.chunkIntervalMs = 0
    const h = await connected()
    try {
      const before = await h.call<Array<{ kind: string; readyState: string }>>('tracks')
      // The microphone, and the agent's track.
      expect(before.length).toBeGreaterThanOrEqual(2)
      expect(before.every((track) => track.readyState === 'live')).toBe(true)
      // The session's own context for the level meters.
      expect(await h.call<string[]>('contexts')).toEqual(['running'])
      await h.call('close')
      const after = await h.until<Array<{ readyState: string }>>('tracks', (tracks) =>
        tracks.every((track) => track.readyState === 'ended'),
      )
      expect(after).toHaveLength(before.length)
      expect(await h.call('peers')).toEqual([
        { connectionState: 'closed', signalingState: 'closed' },
      ])
      await h.until<string[]>('contexts', (states) => states.every((state) => state === 'closed'))
      const call = mock!.log.connections.filter((c) => c.path === '/v1/realtime/calls').at(-1)!
      await mock!.log.closed(call.id)
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.page.close()
    }
  })
})

describe('a spoken turn over WebRTC', () => {
  // Speech, then silence: the microphone track (PCMU RTP) reaches the mock's input buffer.
  const browser = useChromium(async () => ({
    fakeAudioCaptureWav: await speechThenSilenceWav('Hello, what is the weather in Paris today', 9),
  }))
  beforeAll(() => {
    chromium = browser
  })

  it('should send the microphone as RTP that the mock VAD hears as a turn, and answer it', async () => {
    reply = 'It is sunny.'
    brain!.timing.chunkIntervalMs = 0
    const h = await connected()
    try {
      const events = await h.until<Events>('events', (e) => has(e, 'outputAudio.stopped'), {
        timeoutMs: 30_000,
      })
      const types = events.map((e) => e.type)
      expect(types.indexOf('speech.started')).toBeGreaterThanOrEqual(0)
      expect(types.indexOf('speech.started')).toBeLessThan(types.indexOf('speech.stopped'))
      expect(types.indexOf('speech.stopped')).toBeLessThan(types.indexOf('response.started'))
      // No audio events on the data channel either way: the audio was media.
      expect(callFramesIn()).not.toContain('input_audio_buffer.append')
      expect(types).not.toContain('audio.delta')
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.call('close')
      await h.page.close()
    }
  })
})
