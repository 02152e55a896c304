// createBrowserAudio + RealtimeRunner in real Chromium against a scripted session: microphone
// frames reach the session, assistant audio is played, automatic barge-in silences the player and
// truncates to what the worklet played, and ending the session releases every device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeProblems, useChromium } from './support/chromium'
import {
  openHarness,
  startHarnessServers,
  type HarnessServers,
  type OpenHarness,
} from './support/harness'
import { speechWav } from './support/speech-wav'

interface Calls {
  audioBytes: number
  other: Array<{ method: string; itemId?: string; playedMs?: number }>
}
interface AudioState {
  snapshot: { status: string; canPlayAudio: boolean; playing: boolean }
  isPlaying: boolean
  outputLevel: number
  inputLevel: number
  micFrames: number
}
interface InterruptReport {
  itemId: string | undefined
  playedMs: number
  silenceLatencyMs: number
}
type Items = Array<{ id: string; status: string }>

let servers: HarnessServers | undefined
beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/runner-harness.ts')
})
afterAll(async () => {
  await servers?.close()
})

const chromium = useChromium(async () => ({ fakeAudioCaptureWav: await speechWav() }))

async function connected(setup: Record<string, unknown>): Promise<OpenHarness> {
  if (servers === undefined) throw new Error('servers not started')
  const h = await openHarness(chromium.get(), servers.plain)
  await h.call('setup', setup)
  expect(await h.call('connect')).toBe('running')
  return h
}

async function expectReleased(h: OpenHarness): Promise<void> {
  await h.until<Array<{ readyState: string }>>(
    'tracks',
    (t) => t.length > 0 && t.every((x) => x.readyState === 'ended'),
  )
  await h.until<Array<{ state: string }>>('contexts', (c) => c.every((x) => x.state === 'closed'))
}

describe('createBrowserAudio with a RealtimeRunner (scripted OpenAI-like session)', () => {
  it('should send 24 kHz microphone frames and play assistant audio', async () => {
    const h = await connected({ provider: 'scripted-openai' })
    try {
      const calls = await h.until<Calls>('calls', (c) => c.audioBytes >= 24_000 * 2)
      expect(calls.audioBytes % 960).toBe(0) // whole 20 ms frames of 24 kHz PCM16
      await h.until<AudioState>('audioState', (s) => s.inputLevel > 0)
      await h.call('emitAudio', { itemId: 'item_a1', ms: 500 })
      await h.until<AudioState>('audioState', (s) => s.outputLevel > 0 && s.snapshot.playing)
      await h.until<AudioState>('audioState', (s) => !s.isPlaying && !s.snapshot.playing)
      // Every frame is played (the worklet's report with the final count may trail a little).
      await h.until<{ playedFrames: number; postedFrames: number }>(
        'itemPlayback',
        (p) => p.postedFrames > 0 && p.playedFrames === p.postedFrames,
        { args: ['item_a1'] },
      )
      expect(h.problems, describeProblems(h.problems)).toEqual([])
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should stop playback on user speech after audio.done and truncate to the played ms', async () => {
    const h = await connected({ provider: 'scripted-openai' })
    try {
      // The whole answer arrives at once (audio.done and response.done included), as OpenAI
      // often sends it: the user interrupts during the local playback that follows.
      await h.call('emitAudio', { itemId: 'item_a1', ms: 3000 })
      await h.until<{ playedMs: number }>('itemPlayback', (p) => p.playedMs >= 800, {
        args: ['item_a1'],
      })
      await h.call('speechStarted')
      const [report] = await h.until<InterruptReport[]>('interrupts', (r) => r.length === 1)
      const calls = await h.call<Calls>('calls')
      const truncates = calls.other.filter((c) => c.method === 'truncate')
      expect(truncates).toHaveLength(1)
      expect(truncates[0]!.itemId).toBe('item_a1')
      console.log(
        `barge-in (scripted): truncate ${truncates[0]!.playedMs} ms, worklet played ` +
          `${report!.playedMs.toFixed(1)} ms, silent after ${report!.silenceLatencyMs.toFixed(2)} ms`,
      )
      expect(Math.abs(truncates[0]!.playedMs! - report!.playedMs)).toBeLessThanOrEqual(30)
      expect(report!.silenceLatencyMs).toBeLessThanOrEqual(10)
      // The response was already done: nothing to cancel.
      expect(calls.other.some((c) => c.method === 'interrupt')).toBe(false)
      await h.until<AudioState>('audioState', (s) => !s.isPlaying && s.outputLevel === 0)

      // The server confirms the truncation; the conversation item is marked interrupted.
      await h.call('emit', {
        type: 'item.truncated',
        itemId: 'item_a1',
        contentIndex: 0,
        audioEndMs: truncates[0]!.playedMs,
      })
      await h.until<Items>('items', (items) =>
        items.some((i) => i.id === 'item_a1' && i.status === 'interrupted'),
      )
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should keep the agent speaking while the player drains, and mark a barge-in interrupted at once', async () => {
    const h = await connected({ provider: 'scripted-openai' })
    type Speaking = { agentSpeaking: boolean; playing: boolean }
    type Events = Array<{ type: string; source?: string }>
    const count = (events: Events, type: string): number =>
      events.filter((e) => e.type === type).length
    try {
      // All of it arrives at once — audio.done and response.done too — and then plays.
      await h.call('emitAudio', { itemId: 'item_s1', ms: 2000 })
      await h.until<Events>('events', (e) => count(e, 'playback.started') === 1)
      await h.until<{ playedMs: number }>('itemPlayback', (p) => p.playedMs >= 300, {
        args: ['item_s1'],
      })
      // Past audio.done and response.done, the player is still playing: so is the agent.
      expect(await h.call<Speaking>('speaking')).toEqual({ agentSpeaking: true, playing: true })
      const events = await h.call<Events>('events')
      expect(count(events, 'playback.stopped')).toBe(0)
      expect(events.find((e) => e.type === 'playback.started')?.source).toBe('player')
      expect(events.findIndex((e) => e.type === 'response.done')).toBeGreaterThanOrEqual(0)
      // Barge-in: the item the user was hearing is interrupted now, without waiting for the
      // provider (which never answers for an answer it had finished sending).
      await h.call('speechStarted')
      const items = await h.call<Items>('items')
      expect(items.find((i) => i.id === 'item_s1')?.status).toBe('interrupted')
      await h.until<Speaking>('speaking', (s) => !s.agentSpeaking && !s.playing)

      // A short answer that plays to its end: speaking ends when the player drains.
      await h.call('emitAudio', { itemId: 'item_s2', ms: 400, responseId: 'resp_2' })
      await h.until<Events>('events', (e) => count(e, 'playback.stopped') === 2, {
        timeoutMs: 20_000,
      })
      const drained = await h.call<{ playedFrames: number; postedFrames: number }>(
        'itemPlayback',
        'item_s2',
      )
      expect(drained.playedFrames).toBeGreaterThan(0)
      expect((await h.call<Speaking>('speaking')).agentSpeaking).toBe(false)
      expect((await h.call<Items>('items')).find((i) => i.id === 'item_s2')?.status).toBe(
        'completed',
      )
      expect(h.problems, describeProblems(h.problems)).toEqual([])
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should cancel but not truncate when user speech comes before anything played', async () => {
    const h = await connected({ provider: 'scripted-openai', prebufferMs: 1000 })
    try {
      await h.call('emitAudio', { itemId: 'item_b1', ms: 200, done: false })
      await h.call('speechStarted')
      await h.until<Calls>('calls', (c) => c.other.some((x) => x.method === 'interrupt'))
      const calls = await h.call<Calls>('calls')
      expect(calls.other.some((c) => c.method === 'truncate')).toBe(false)
      const [report] = await h.until<InterruptReport[]>('interrupts', (r) => r.length === 1)
      expect(report!.playedMs).toBe(0)
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should not interrupt or truncate when the answer had finished playing', async () => {
    const h = await connected({ provider: 'scripted-openai' })
    try {
      await h.call('emitAudio', { itemId: 'item_c1', ms: 300 })
      await h.until<AudioState>('audioState', (s) => s.outputLevel > 0)
      await h.until<AudioState>('audioState', (s) => !s.isPlaying)
      await h.call('speechStarted')
      await new Promise((resolve) => setTimeout(resolve, 100))
      const calls = await h.call<Calls>('calls')
      expect(
        calls.other.filter((c) => c.method === 'truncate' || c.method === 'interrupt'),
      ).toEqual([])
      await h.call('close')
    } finally {
      await h.page.close()
    }
  })

  it('should work again when the same runner reconnects after a close', async () => {
    const h = await connected({ provider: 'scripted-openai' })
    try {
      await h.until<Calls>('calls', (c) => c.audioBytes > 0)
      await h.call('close')
      await expectReleased(h)
      expect(await h.call('connect')).toBe('running')
      const before = (await h.call<Calls>('calls')).audioBytes
      await h.until<Calls>('calls', (c) => c.audioBytes >= before + 24_000)
      await h.call('emitAudio', { itemId: 'item_r1', ms: 300 })
      await h.until<AudioState>('audioState', (s) => s.outputLevel > 0)
      await h.until<AudioState>('audioState', (s) => !s.isPlaying)
      await h.call('close')
      await expectReleased(h)
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.page.close()
    }
  })

  it('should release the microphone and the AudioContext when the runner fails', async () => {
    const h = await connected({ provider: 'scripted-openai', failReconnects: true })
    try {
      await h.until<Calls>('calls', (c) => c.audioBytes > 0)
      await h.call('drop')
      await h.until<string>('connection', (c) => c === 'failed')
      await expectReleased(h)
      expect((await h.call<AudioState>('audioState')).snapshot.status).toBe('stopped')
    } finally {
      await h.page.close()
    }
  })
})

describe('createBrowserAudio with a RealtimeRunner (scripted Gemini-like session)', () => {
  it('should send 16 kHz frames and stop playback on the provider interrupted event', async () => {
    const h = await connected({ provider: 'scripted-gemini' })
    try {
      const calls = await h.until<Calls>('calls', (c) => c.audioBytes >= 16_000 * 2)
      expect(calls.audioBytes % 640).toBe(0) // whole 20 ms frames of 16 kHz PCM16
      await h.call('emitAudio', { itemId: 'g-out-1', ms: 2000, done: false })
      await h.until<{ playedMs: number }>('itemPlayback', (p) => p.playedMs >= 300, {
        args: ['g-out-1'],
      })
      await h.call('emit', { type: 'interrupted', responseId: 'resp_1' })
      await h.until<InterruptReport[]>('interrupts', (r) => r.length === 1)
      await h.until<AudioState>('audioState', (s) => !s.isPlaying && s.outputLevel === 0)
      // Gemini has no truncation; the server already knows where it stopped.
      const after = await h.call<Calls>('calls')
      expect(after.other.some((c) => c.method === 'truncate')).toBe(false)
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })
})
