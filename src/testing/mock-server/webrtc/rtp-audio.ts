import { decodeALaw, decodeMuLaw, encodeMuLaw } from '../../../core/audio/g711'
import { bytesToPcm16 } from '../../../core/audio/pcm'
import { Resampler } from '../../../core/audio/resample'
import type { MockClock } from '../clock'
import type { OpenAIMediaPath } from '../openai/session'
import type { AudioFormat } from '../openai/session-config'

/** 20 ms of G.711 μ-law at 8 kHz: one RTP packet. */
export const PACKET_MS = 20
const PACKET_BYTES = 160
const MULAW_SILENCE = 0xff

/** Sends one RTP payload (PCMU), with its RTP timestamp in samples. */
export type RtpWriter = (payload: Uint8Array, timestamp: number, marker: boolean) => void

interface Queued {
  responseId: string
  itemId: string
  bytes: Uint8Array
}

/**
 * The call's output audio buffer, as the service keeps one on WebRTC: response audio is queued
 * and played out in real time, one 20 ms G.711 μ-law (PCMU) packet at a time, on the call's
 * outgoing track. It reports `output_audio_buffer.started` when a response's first packet goes
 * out and `output_audio_buffer.stopped` when that response has ended and all of its audio has
 * played, and knows how much of each item played, so a clear can truncate the item there.
 *
 * The timeline runs on the mock's clock even without a track (no RTP writer), so the buffer
 * events are right in data-channel-only use too.
 */
export class RtpAudioOut implements OpenAIMediaPath {
  readonly #send: (event: Record<string, unknown>) => void
  readonly #clock: MockClock
  readonly #write: RtpWriter | undefined
  readonly #queue: Queued[] = []
  readonly #ended = new Set<string>()
  readonly #playedBytes = new Map<string, number>()
  readonly #resamplers = new Map<string, Resampler>()
  #playing: string | undefined
  #item: string | undefined
  #timer: unknown
  #startedAt = 0
  #packets = 0
  #timestamp = 0
  #marker = true
  #closed = false

  constructor(send: (event: Record<string, unknown>) => void, clock: MockClock, write?: RtpWriter) {
    this.#send = send
    this.#clock = clock
    this.#write = write
  }

  write(responseId: string, itemId: string, chunk: Uint8Array, format: AudioFormat): void {
    if (this.#closed) return
    const pcm =
      format.type === 'audio/pcmu'
        ? decodeMuLaw(chunk)
        : format.type === 'audio/pcma'
          ? decodeALaw(chunk)
          : bytesToPcm16(chunk.subarray(0, chunk.length - (chunk.length % 2)))
    let resampler = this.#resamplers.get(responseId)
    if (resampler === undefined && format.rate !== 8000) {
      resampler = new Resampler({ inputRate: format.rate, outputRate: 8000 })
      this.#resamplers.set(responseId, resampler)
    }
    const narrow = resampler === undefined ? pcm : resampler.processInt16(pcm)
    if (narrow.length > 0) this.#enqueue({ responseId, itemId, bytes: encodeMuLaw(narrow) })
  }

  end(responseId: string): void {
    const resampler = this.#resamplers.get(responseId)
    this.#resamplers.delete(responseId)
    const tail = resampler?.flushInt16()
    const last = this.#queue.findLast((entry) => entry.responseId === responseId)
    if (tail !== undefined && tail.length > 0 && last !== undefined) {
      this.#enqueue({ responseId, itemId: last.itemId, bytes: encodeMuLaw(tail) })
    }
    const queued = this.#queue.some((entry) => entry.responseId === responseId)
    if (queued) this.#ended.add(responseId)
    else if (this.#playing === responseId) this.#stop(responseId)
  }

  clear(): { responseId: string; itemId: string; playedMs: number } | undefined {
    const head = this.#queue[0]
    const responseId = this.#playing ?? head?.responseId
    const itemId = this.#item ?? head?.itemId
    this.#queue.length = 0
    this.#ended.clear()
    this.#halt()
    this.#playing = undefined
    this.#item = undefined
    if (responseId === undefined || itemId === undefined) return undefined
    return { responseId, itemId, playedMs: (this.#playedBytes.get(itemId) ?? 0) / 8 }
  }

  close(): void {
    this.#closed = true
    this.#queue.length = 0
    this.#halt()
  }

  #enqueue(entry: Queued): void {
    this.#queue.push(entry)
    if (this.#timer !== undefined) return
    // (Re)start the real-time clock of the packet stream.
    this.#startedAt = this.#clock.now()
    this.#packets = 0
    this.#tick()
  }

  #tick(): void {
    this.#timer = undefined
    const due = Math.floor((this.#clock.now() - this.#startedAt) / PACKET_MS) + 1
    while (this.#packets < due && this.#queue.length > 0) this.#packet()
    if (this.#queue.length === 0) return
    const next = this.#startedAt + this.#packets * PACKET_MS
    this.#timer = this.#clock.setTimeout(() => this.#tick(), Math.max(0, next - this.#clock.now()))
  }

  /** Sends the next 20 ms, marking the buffer started and stopped as responses come and go. */
  #packet(): void {
    const payload = new Uint8Array(PACKET_BYTES).fill(MULAW_SILENCE)
    let filled = 0
    while (filled < PACKET_BYTES && this.#queue.length > 0) {
      const head = this.#queue[0]!
      if (head.responseId !== this.#playing) {
        if (filled > 0) break // a new response starts on a packet of its own
        if (this.#playing !== undefined) this.#stop(this.#playing)
        this.#playing = head.responseId
        this.#send({ type: 'output_audio_buffer.started', response_id: head.responseId })
      }
      this.#item = head.itemId
      const take = Math.min(PACKET_BYTES - filled, head.bytes.length)
      payload.set(head.bytes.subarray(0, take), filled)
      filled += take
      this.#playedBytes.set(head.itemId, (this.#playedBytes.get(head.itemId) ?? 0) + take)
      if (this.#playedBytes.size > 64) {
        this.#playedBytes.delete(this.#playedBytes.keys().next().value as string)
      }
      if (take === head.bytes.length) this.#queue.shift()
      else head.bytes = head.bytes.subarray(take)
    }
    this.#write?.(payload, this.#timestamp, this.#marker)
    this.#marker = false
    this.#timestamp = (this.#timestamp + PACKET_BYTES) >>> 0
    this.#packets++
    const playing = this.#playing
    if (playing !== undefined && this.#ended.has(playing)) {
      if (!this.#queue.some((entry) => entry.responseId === playing)) this.#stop(playing)
    }
  }

  #stop(responseId: string): void {
    this.#ended.delete(responseId)
    if (this.#playing !== responseId) return
    this.#playing = undefined
    this.#item = undefined
    this.#marker = true
    this.#send({ type: 'output_audio_buffer.stopped', response_id: responseId })
  }

  #halt(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#marker = true
  }
}

/**
 * The microphone track: PCMU packets from the browser, decoded and resampled to 24 kHz PCM16 for
 * the session's input buffer (where the energy VAD hears the turns, as on a WebSocket).
 */
export class RtpAudioIn {
  readonly #resampler = new Resampler({ inputRate: 8000, outputRate: 24_000 })
  readonly #deliver: (pcm24k: Int16Array) => void

  constructor(deliver: (pcm24k: Int16Array) => void) {
    this.#deliver = deliver
  }

  /** One RTP payload of PCMU. */
  receive(payload: Uint8Array): void {
    const pcm = this.#resampler.processInt16(decodeMuLaw(payload))
    if (pcm.length > 0) this.#deliver(pcm)
  }
}
