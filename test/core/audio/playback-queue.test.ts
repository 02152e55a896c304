import { describe, expect, it } from 'vitest'
import { PlaybackQueue } from '../../../src/core/audio/playback-queue'

const QUANTUM = 128

function ramp(length: number, start = 1): Float32Array<ArrayBuffer> {
  const samples = new Float32Array(length)
  for (let i = 0; i < length; i++) samples[i] = (start + i) / 100_000
  return samples
}

/** Renders `quanta` quanta; returns every output sample and the frames of audio per quantum. */
function render(queue: PlaybackQueue, quanta: number): { out: Float32Array; written: number[] } {
  const out = new Float32Array(quanta * QUANTUM)
  const written: number[] = []
  for (let q = 0; q < quanta; q++)
    written.push(queue.render(out.subarray(q * QUANTUM, (q + 1) * QUANTUM)))
  return { out, written }
}

describe('PlaybackQueue', () => {
  it('should stay silent until the prebuffer is full, then play every sample in order', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 300 })
    queue.push(1, ramp(200))
    expect(render(queue, 2).written).toEqual([0, 0])
    expect(queue.state).toBe('buffering')
    queue.push(1, ramp(200, 201))
    const { out, written } = render(queue, 4)
    expect(written).toEqual([128, 128, 128, 16])
    expect(Array.from(out.subarray(0, 400))).toEqual(Array.from(ramp(400)))
    expect(out.subarray(400).every((x) => x === 0)).toBe(true)
    expect(queue.consumed).toBe(400)
    expect(queue.playedOf(1)).toBe(400)
  })

  it('should play a short item below the prebuffer once it ended', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 2880 })
    queue.push(7, ramp(50))
    expect(render(queue, 1).written).toEqual([0])
    queue.end()
    expect(render(queue, 2).written).toEqual([50, 0])
    expect(queue.state).toBe('idle')
    expect(queue.underruns).toBe(0)
  })

  it('should count an underrun, keep rendering silence, and rebuffer before resuming', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 256 })
    queue.push(1, ramp(300))
    expect(render(queue, 3).written).toEqual([128, 128, 44])
    expect(queue.underruns).toBe(1)
    expect(queue.state).toBe('buffering')
    queue.push(1, ramp(100))
    expect(render(queue, 2).written).toEqual([0, 0]) // 100 < prebuffer: wait
    queue.push(1, ramp(200))
    expect(render(queue, 3).written).toEqual([128, 128, 44])
    expect(queue.underruns).toBe(2)
    expect(queue.playedOf(1)).toBe(600)
  })

  it('should attribute frames to items across chunk and item boundaries', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 0 })
    queue.push(1, ramp(100))
    queue.push(2, ramp(100))
    queue.push(2, ramp(100))
    queue.end()
    render(queue, 2)
    expect(queue.playedOf(1)).toBe(100)
    expect(queue.playedOf(2)).toBe(156)
    expect(queue.takeTouched()).toEqual([
      [1, 100],
      [2, 156],
    ])
    expect(queue.takeTouched()).toEqual([])
  })

  it('should drop everything on interrupt and report the item with its played frames', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 0 })
    queue.push(3, ramp(1000))
    render(queue, 3)
    const cut = queue.interrupt()
    expect(cut).toEqual({ seq: 3, played: 384, dropped: 616 })
    expect(queue.consumed).toBe(1000)
    const { out, written } = render(queue, 2)
    expect(written).toEqual([0, 0])
    expect(out.every((x) => x === 0)).toBe(true)
    expect(queue.interrupt()).toBeNull()
  })

  it('should report an item waiting in the prebuffer as interrupted with nothing played', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 1000 })
    queue.push(4, ramp(200))
    render(queue, 1)
    expect(queue.interrupt()).toEqual({ seq: 4, played: 0, dropped: 200 })
  })

  it('should report the item that ran dry mid-stream (underrun) on interrupt', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 0 })
    queue.push(5, ramp(100))
    render(queue, 2)
    expect(queue.state).toBe('buffering')
    expect(queue.interrupt()).toEqual({ seq: 5, played: 100, dropped: 0 })
  })

  it('should not report an item that finished playing', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 0 })
    queue.push(6, ramp(100))
    queue.end()
    render(queue, 2)
    expect(queue.interrupt()).toBeNull()
  })

  it('should keep long bursts exact while compacting its chunk list', () => {
    const queue = new PlaybackQueue({ prebufferFrames: 0 })
    for (let i = 0; i < 1000; i++) queue.push(i % 3, ramp(37, i * 37 + 1))
    queue.end()
    const { out } = render(queue, Math.ceil(37_000 / QUANTUM) + 1)
    expect(Array.from(out.subarray(0, 37_000))).toEqual(Array.from(ramp(37_000)))
    expect(queue.consumed).toBe(37_000)
    expect(queue.playedOf(0) + queue.playedOf(1) + queue.playedOf(2)).toBe(37_000)
  })
})
