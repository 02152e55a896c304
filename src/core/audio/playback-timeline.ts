/**
 * The main thread's map of what it handed to the player worklet, so that "frames consumed by the
 * worklet" (one number, from shared memory or the latest report) tells which item is at the play
 * head and how much of it was played — synchronously, which a barge-in needs: the runner asks the
 * player what was heard and must stop the speakers in the same call.
 *
 * Frames are counted in the worklet's consumption order: every posted frame is eventually either
 * played or dropped by an interrupt, so item `k` occupies the range [start, start + length) of
 * consumed frames, and its played frames at consumption `c` are `clamp(c - start, 0, length)`.
 */

interface Segment {
  seq: number
  start: number
  length: number
}

/** Where the play head is. */
export interface PlayHead {
  seq: number
  /** Frames of that item consumed (played) so far. */
  played: number
}

export class PlaybackTimeline {
  #posted = 0
  #segments: Segment[] = []
  /** Frames of trimmed segments, per item, so `playedOf` stays exact after `trim`. */
  readonly #trimmed = new Map<number, number>()
  #ended = true

  /** Frames handed to the worklet so far. */
  get posted(): number {
    return this.#posted
  }

  /** Records `frames` more of item `seq`, queued after everything before. */
  append(seq: number, frames: number): void {
    if (frames <= 0) return
    const last = this.#segments.at(-1)
    if (last !== undefined && last.seq === seq && last.start + last.length === this.#posted) {
      last.length += frames
    } else {
      this.#segments.push({ seq, start: this.#posted, length: frames })
    }
    this.#posted += frames
    this.#ended = false
  }

  /** The producer said no more audio is coming for now. */
  end(): void {
    this.#ended = true
  }

  /** Frames of item `seq` consumed once `consumed` frames in total have been. */
  playedOf(seq: number, consumed: number): number {
    let played = this.#trimmed.get(seq) ?? 0
    for (const segment of this.#segments) {
      if (segment.seq !== seq) continue
      played += Math.min(Math.max(consumed - segment.start, 0), segment.length)
    }
    return played
  }

  /**
   * The item being played (or waiting to play) at consumption `consumed`, or `null` when
   * playback has finished. An item that ran dry before its end (a network stall) still counts as
   * playing: everything received was heard, and more is on its way.
   */
  headAt(consumed: number): PlayHead | null {
    const segment = this.#segments.find((s) => s.start + s.length > consumed)
    if (segment !== undefined)
      return { seq: segment.seq, played: this.playedOf(segment.seq, consumed) }
    const last = this.#segments.at(-1)
    if (this.#ended || last === undefined) return null
    return { seq: last.seq, played: this.playedOf(last.seq, consumed) }
  }

  /** Forgets segments wholly consumed, except the newest (its item may still be growing). */
  trim(consumed: number): void {
    let drop = 0
    while (drop < this.#segments.length - 1) {
      const segment = this.#segments[drop]!
      if (segment.start + segment.length > consumed) break
      this.#trimmed.set(segment.seq, (this.#trimmed.get(segment.seq) ?? 0) + segment.length)
      drop += 1
    }
    if (drop > 0) this.#segments.splice(0, drop)
    // Items are short-lived; a handful of recent totals is all a late `playedOf` can ask for.
    while (this.#trimmed.size > 16) this.#trimmed.delete(this.#trimmed.keys().next().value!)
  }

  /** After an interrupt: everything posted counts as consumed, nothing is playing. */
  clear(): void {
    this.#segments = []
    this.#trimmed.clear()
    this.#ended = true
  }
}
