/**
 * The player worklet's buffer, kept free of Web Audio so it runs (and is tested) in Node.
 *
 * A FIFO of the chunks the main thread transferred, not a fixed-size ring: providers send audio
 * in bursts faster than real time (OpenAI can deliver a 20-second answer in two seconds), so a
 * ring would have to be sized for the longest answer or overflow. Chunks are read in place,
 * without copying, and the worklet allocates nothing per render quantum.
 *
 * States:
 * ```
 *   idle ──push──▶ buffering ──(queued ≥ prebuffer, or end)──▶ playing
 *    ▲                ▲                                         │
 *    │                └────────── ran dry before end: underrun ─┤
 *    └──────────────── drained after end, or interrupt ─────────┘
 * ```
 * An underrun never stops the node: the quantum is padded with silence, counted, and playback
 * resumes once the prebuffer has refilled — rebuffering beats stuttering through every gap.
 */

export type PlaybackQueueState = 'idle' | 'buffering' | 'playing'

export interface PlaybackQueueOptions {
  /** Frames to buffer before starting (and after an underrun). 0 starts at once. */
  prebufferFrames: number
}

/** What `interrupt()` cut off. */
export interface QueueInterruption {
  /** The item that was playing (or waiting to play). */
  seq: number
  /** Frames of it that were played. */
  played: number
  /** Frames dropped from the queue. */
  dropped: number
}

interface Chunk {
  seq: number
  samples: Float32Array
}

/** Played counters kept per item; older items are forgotten so a long call stays small. */
const ITEM_HISTORY = 64

export class PlaybackQueue {
  readonly #prebuffer: number
  readonly #chunks: Array<Chunk | undefined> = []
  #head = 0
  #offset = 0
  #queued = 0
  #ended = false
  #state: PlaybackQueueState = 'idle'
  #consumed = 0
  #underruns = 0
  #current = -1
  readonly #played = new Map<number, number>()
  readonly #touched = new Set<number>()

  constructor(options: PlaybackQueueOptions) {
    this.#prebuffer = Math.max(0, Math.floor(options.prebufferFrames))
  }

  get state(): PlaybackQueueState {
    return this.#state
  }

  /** Frames waiting to be played. */
  get queued(): number {
    return this.#queued
  }

  /** Frames taken from the queue so far: played plus dropped by interrupts. */
  get consumed(): number {
    return this.#consumed
  }

  get underruns(): number {
    return this.#underruns
  }

  /** Frames of item `seq` played so far (0 for an unknown item). */
  playedOf(seq: number): number {
    return this.#played.get(seq) ?? 0
  }

  /** Items that played since the last call, with their played frames. */
  takeTouched(): Array<[number, number]> {
    const items: Array<[number, number]> = []
    for (const seq of this.#touched) items.push([seq, this.playedOf(seq)])
    this.#touched.clear()
    return items
  }

  push(seq: number, samples: Float32Array): void {
    if (samples.length === 0) return
    this.#chunks.push({ seq, samples })
    this.#queued += samples.length
    this.#ended = false
    if (!this.#played.has(seq)) {
      this.#played.set(seq, 0)
      if (this.#played.size > ITEM_HISTORY) {
        const oldest = this.#played.keys().next().value
        if (oldest !== undefined && oldest !== seq) this.#played.delete(oldest)
      }
    }
    if (this.#state === 'idle') this.#state = 'buffering'
  }

  /** Nothing more is coming for now: whatever is buffered may play even below the prebuffer. */
  end(): void {
    this.#ended = true
  }

  /**
   * Fills `out` with the next frames (silence where there are none) and returns how many frames
   * of audio it wrote.
   */
  render(out: Float32Array): number {
    if (this.#state !== 'playing') {
      if (this.#queued > 0 && (this.#queued >= this.#prebuffer || this.#ended)) {
        this.#state = 'playing'
      } else {
        out.fill(0)
        return 0
      }
    }
    let written = 0
    let chunk: Chunk | undefined
    while (written < out.length && (chunk = this.#chunks[this.#head]) !== undefined) {
      const take = Math.min(out.length - written, chunk.samples.length - this.#offset)
      out.set(chunk.samples.subarray(this.#offset, this.#offset + take), written)
      written += take
      this.#offset += take
      this.#current = chunk.seq
      this.#played.set(chunk.seq, this.playedOf(chunk.seq) + take)
      this.#touched.add(chunk.seq)
      if (this.#offset === chunk.samples.length) this.#advance()
    }
    this.#queued -= written
    this.#consumed += written
    if (written < out.length) {
      out.fill(0, written)
      if (this.#ended) {
        this.#state = 'idle'
      } else {
        this.#underruns += 1
        this.#state = 'buffering'
      }
    }
    return written
  }

  /**
   * Drops everything queued; the next `render` is silent. Returns the item that was playing or
   * waiting, or `null` when playback had finished (nothing left to cut).
   */
  interrupt(): QueueInterruption | null {
    if (this.#state === 'idle') return null
    const head = this.#chunks[this.#head]
    const seq = head?.seq ?? this.#current
    const dropped = this.#queued
    this.#chunks.length = 0
    this.#head = 0
    this.#offset = 0
    this.#consumed += dropped
    this.#queued = 0
    this.#ended = false
    this.#state = 'idle'
    return seq < 0 ? null : { seq, played: this.playedOf(seq), dropped }
  }

  #advance(): void {
    this.#chunks[this.#head] = undefined // let the buffer be collected now
    this.#head += 1
    this.#offset = 0
    // Compact now and then instead of shift() per chunk, which is O(n) on long bursts.
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0
      this.#head = 0
    } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks.splice(0, this.#head)
      this.#head = 0
    }
  }
}
