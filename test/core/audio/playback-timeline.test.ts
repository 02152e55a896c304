import { describe, expect, it } from 'vitest'
import { PlaybackTimeline } from '../../../src/core/audio/playback-timeline'

describe('PlaybackTimeline', () => {
  it('should find the item at the play head and how much of it was consumed', () => {
    const timeline = new PlaybackTimeline()
    timeline.append(1, 1000)
    timeline.append(1, 500)
    timeline.append(2, 800)
    expect(timeline.posted).toBe(2300)
    expect(timeline.headAt(0)).toEqual({ seq: 1, played: 0 })
    expect(timeline.headAt(1499)).toEqual({ seq: 1, played: 1499 })
    expect(timeline.headAt(1500)).toEqual({ seq: 2, played: 0 })
    expect(timeline.headAt(2000)).toEqual({ seq: 2, played: 500 })
  })

  it('should treat a drained item as still playing until the producer ends it', () => {
    const timeline = new PlaybackTimeline()
    timeline.append(1, 100)
    expect(timeline.headAt(100)).toEqual({ seq: 1, played: 100 })
    timeline.end()
    expect(timeline.headAt(100)).toBeNull()
    expect(timeline.headAt(50)).toEqual({ seq: 1, played: 50 })
  })

  it('should keep per-item totals exact after trimming', () => {
    const timeline = new PlaybackTimeline()
    timeline.append(1, 100)
    timeline.append(2, 100)
    timeline.append(1, 100)
    timeline.append(3, 100)
    timeline.trim(350)
    expect(timeline.playedOf(1, 350)).toBe(200)
    expect(timeline.playedOf(3, 350)).toBe(50)
    expect(timeline.headAt(350)).toEqual({ seq: 3, played: 50 })
  })

  it('should start new items after everything posted once cleared', () => {
    const timeline = new PlaybackTimeline()
    timeline.append(1, 1000)
    timeline.clear()
    expect(timeline.headAt(10)).toBeNull()
    timeline.append(2, 200)
    expect(timeline.posted).toBe(1200)
    expect(timeline.headAt(1000)).toEqual({ seq: 2, played: 0 })
    expect(timeline.headAt(1100)).toEqual({ seq: 2, played: 100 })
  })
})
