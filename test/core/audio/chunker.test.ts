import { describe, expect, it } from 'vitest'
import { FrameChunker } from '../../../src/core/audio/chunker'
import { caught, concat, createRandom, firstDifference, noise, randomInt } from './helpers'

const invalidAudio = { name: 'RealtimeError', code: 'invalid_audio' }

describe('FrameChunker', () => {
  it('should size frames from rate and duration', () => {
    expect(new FrameChunker({ format: 'int16', sampleRate: 24_000, frameMs: 20 }).frameSize).toBe(
      480,
    )
    expect(new FrameChunker({ format: 'float32', sampleRate: 44_100, frameMs: 20 }).frameSize).toBe(
      882,
    )
    expect(new FrameChunker({ format: 'int16', sampleRate: 8000, frameMs: 40 }).frameSize).toBe(320)
    expect(new FrameChunker({ format: 'float32', frameSize: 128 }).frameSize).toBe(128)
  })

  it('should refuse durations that are not a whole number of samples', () => {
    expect(
      caught(() => new FrameChunker({ format: 'int16', sampleRate: 22_050, frameMs: 10 })),
    ).toMatchObject(invalidAudio)
    expect(
      caught(() => new FrameChunker({ format: 'int16', sampleRate: 24_000, frameMs: 0 })),
    ).toMatchObject(invalidAudio)
    expect(caught(() => new FrameChunker({ format: 'float32', frameSize: 0 }))).toMatchObject(
      invalidAudio,
    )
    expect(caught(() => new FrameChunker({ format: 'float32', frameSize: 2.5 }))).toMatchObject(
      invalidAudio,
    )
  })

  it('should cut random-sized pushes into exact frames and carry the remainder', () => {
    const random = createRandom(30)
    const input = noise(random, 20_000)
    const chunker = new FrameChunker({ format: 'float32', sampleRate: 16_000, frameMs: 20 })
    const frames: Float32Array[] = []
    let offset = 0
    while (offset < input.length) {
      const size = random() < 0.2 ? randomInt(random, 0, 1) : randomInt(random, 2, 1500)
      const pushed = chunker.push(input.subarray(offset, offset + size))
      frames.push(...pushed)
      offset += size
      expect(chunker.pendingSamples).toBe(Math.min(offset, input.length) % 320)
    }
    for (const frame of frames) expect(frame).toHaveLength(320)
    expect(frames).toHaveLength(Math.floor(20_000 / 320))
    const rest = chunker.flush()
    expect(rest).toHaveLength(20_000 % 320)
    expect(firstDifference(concat([...frames, rest!]), input)).toBe(-1)
    expect(chunker.pendingSamples).toBe(0)
    expect(chunker.flush()).toBeUndefined()
  })

  it('should hand out frames that own their buffers', () => {
    const chunker = new FrameChunker({ format: 'int16', frameSize: 4 })
    const input = new Int16Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const [first, second] = chunker.push(input.subarray(1, 10))
    expect(Array.from(first!)).toEqual([2, 3, 4, 5])
    expect(Array.from(second!)).toEqual([6, 7, 8, 9])
    for (const frame of [first!, second!]) {
      expect(frame).toBeInstanceOf(Int16Array)
      expect(frame.byteOffset).toBe(0)
      expect(frame.buffer.byteLength).toBe(8)
    }
    input.fill(0)
    expect(first![0]).toBe(2)
    const [third] = chunker.push(new Int16Array([11, 12, 13]))
    expect(Array.from(third!)).toEqual([10, 11, 12, 13])
  })

  it('should zero-pad the remainder on request', () => {
    const chunker = new FrameChunker({ format: 'float32', frameSize: 4 })
    chunker.push(new Float32Array([0.5, 0.5, 0.5, 0.5, 0.25]))
    expect(Array.from(chunker.flush({ pad: true })!)).toEqual([0.25, 0, 0, 0])
    chunker.push(new Float32Array([0.75, 0.75]))
    expect(Array.from(chunker.flush()!)).toEqual([0.75, 0.75])
  })

  it('should drop held-back samples on reset', () => {
    const chunker = new FrameChunker({ format: 'int16', frameSize: 4 })
    chunker.push(new Int16Array([9, 9, 9]))
    chunker.reset()
    expect(chunker.pendingSamples).toBe(0)
    expect(chunker.flush()).toBeUndefined()
    chunker.push(new Int16Array([1]))
    expect(Array.from(chunker.flush({ pad: true })!)).toEqual([1, 0, 0, 0])
  })
})
