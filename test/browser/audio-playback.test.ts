// AudioPlayer in real Chromium: provider-rate PCM16 played through the player worklet. Counters
// and timings are measured in audio time (frames counted in the worklet, the context clock), so
// a slow machine makes the test slower, never wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeProblems, useChromium } from './support/chromium'
import {
  openHarness,
  startHarnessServers,
  type HarnessServers,
  type OpenHarness,
} from './support/harness'
import { silentWav } from './support/speech-wav'

interface PlayerInfo {
  isPlaying: boolean
  level: number
  maxLevel: number
  levelReads: number
  underruns: number
  item: { postedFrames: number; playedFrames: number; playedMs: number } | undefined
  canPlayAudio: boolean
}

interface InterruptReport {
  itemId: string | undefined
  playedMs: number
  estimatedPlayedMs: number | undefined
  silenceLatencyMs: number
}

const QUANTUM = 128

let servers: HarnessServers | undefined
beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/audio-harness.ts')
})
afterAll(async () => {
  await servers?.close()
})

const chromium = useChromium(async () => ({ fakeAudioCaptureWav: await silentWav() }))

describe.each([
  ['messages', false],
  ['SharedArrayBuffer', true],
])('AudioPlayer (counters via %s)', (_, isolated) => {
  async function open(): Promise<OpenHarness> {
    if (servers === undefined) throw new Error('servers not started')
    const h = await openHarness(chromium.get(), isolated ? servers.isolated : servers.plain)
    expect(await h.page.evaluate(() => window.crossOriginIsolated)).toBe(isolated)
    return h
  }

  it('should play every sample sent, be heard while playing, and count them per item', async () => {
    const h = await open()
    try {
      const { contextRate } = await h.call<{ contextRate: number }>('startPlayer')
      const sent = await h.call<number>('playTone', { itemId: 'item_a', ms: 1000 })
      const expectedFrames = Math.ceil((sent * contextRate) / 24_000)
      const playing = await h.until<PlayerInfo>('playerInfo', (i) => i.level > 0, {
        args: ['item_a'],
      })
      expect(playing.isPlaying).toBe(true)
      const done = await h.until<PlayerInfo>(
        'playerInfo',
        (i) => !i.isPlaying && i.item?.playedFrames === i.item?.postedFrames,
        { args: ['item_a'] },
      )
      expect(done.item?.postedFrames).toBe(expectedFrames)
      // Reported by the worklet: every frame sent was played, to within one render quantum.
      expect(Math.abs(done.item!.playedFrames - expectedFrames)).toBeLessThanOrEqual(QUANTUM)
      expect(done.item!.playedMs).toBeCloseTo(1000, -1)
      // A 0.5-amplitude sine reads ~0.35 RMS; the meter was read by pull, every animation frame.
      expect(done.maxLevel).toBeGreaterThan(0.2)
      expect(done.levelReads).toBeGreaterThan(5)
      expect(done.underruns).toBe(0)
      await h.until<PlayerInfo>('playerInfo', (i) => i.level === 0)
      await h.call('closePlayer')
      expect(await h.call<Array<{ state: string }>>('contexts')).toEqual([
        { state: 'closed', sampleRate: contextRate },
      ])
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.page.close()
    }
  })

  it('should survive an underrun: count it, output silence, and play what comes next', async () => {
    const h = await open()
    try {
      await h.call('startPlayer')
      // One chunk each time, so the only possible underrun is the one the test causes.
      await h.call('playTone', { itemId: 'item_b', ms: 200, chunkMs: 200, end: false })
      const dry = await h.until<PlayerInfo>('playerInfo', (i) => i.underruns >= 1, {
        args: ['item_b'],
      })
      expect(dry.isPlaying).toBe(false)
      const before = dry.item!.playedFrames
      await h.call('playTone', { itemId: 'item_b', ms: 300, chunkMs: 300 })
      // Played counters arrive in the worklet's reports, which may trail the shared-memory
      // position that `isPlaying` reads: wait for the report that accounts for every frame.
      const after = await h.until<PlayerInfo>(
        'playerInfo',
        (i) =>
          !i.isPlaying &&
          i.item!.playedFrames > before &&
          i.item!.playedFrames === i.item!.postedFrames,
        { args: ['item_b'] },
      )
      expect(after.underruns).toBe(1)
      await h.call('closePlayer')
    } finally {
      await h.page.close()
    }
  })

  it('should go silent within 10 ms on interrupt and report the played time within 30 ms', async () => {
    const h = await open()
    try {
      await h.call('startPlayer')
      await h.call('playTone', { itemId: 'item_c', ms: 3000 })
      await h.until<PlayerInfo>('playerInfo', (i) => (i.item?.playedMs ?? 0) >= 700, {
        args: ['item_c'],
      })
      const cut = await h.call<{ itemId: string; playedMs: number } | null>('interrupt')
      expect(cut?.itemId).toBe('item_c')
      const [report] = await h.until<InterruptReport[]>('interruptReports', (r) => r.length === 1)
      console.log(
        `interrupt (${isolated ? 'shared memory' : 'messages'}): returned ${cut!.playedMs.toFixed(1)} ms, ` +
          `worklet played ${report!.playedMs.toFixed(1)} ms, silent after ${report!.silenceLatencyMs.toFixed(2)} ms`,
      )
      expect(report!.itemId).toBe('item_c')
      expect(Math.abs(cut!.playedMs - report!.playedMs)).toBeLessThanOrEqual(30)
      expect(report!.silenceLatencyMs).toBeLessThanOrEqual(10)
      const after = await h.until<PlayerInfo>('playerInfo', (i) => i.level === 0, {
        args: ['item_c'],
      })
      expect(after.isPlaying).toBe(false)
      // Late deltas of the interrupted item are dropped.
      await h.call('playTone', { itemId: 'item_c', ms: 200 })
      expect((await h.call<PlayerInfo>('playerInfo', 'item_c')).isPlaying).toBe(false)
      expect(h.problems, describeProblems(h.problems)).toEqual([])
      await h.call('closePlayer')
    } finally {
      await h.page.close()
    }
  })

  it('should report nothing played when interrupted before the prebuffer filled', async () => {
    const h = await open()
    try {
      await h.call('startPlayer', { prebufferMs: 500 })
      await h.call('playTone', { itemId: 'item_d', ms: 100, end: false })
      const cut = await h.call<{ itemId: string; playedMs: number } | null>('interrupt')
      expect(cut).toEqual({ itemId: 'item_d', playedMs: 0 })
      const [report] = await h.until<InterruptReport[]>('interruptReports', (r) => r.length === 1)
      expect(report!.playedMs).toBe(0)
      expect(await h.call('interrupt')).toBeNull()
      await h.call('closePlayer')
    } finally {
      await h.page.close()
    }
  })
})
