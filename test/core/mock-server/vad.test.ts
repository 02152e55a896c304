import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EnergyVad, type VadEvent } from '../../../src/testing/mock-server/vad'
import { silence, tone } from '../../conformance/mock-helpers'

/**
 * The energy VAD on its own: timings are in audio time (samples), independent of how the audio is
 * chunked, and real recorded speech is cut into exactly one turn.
 */
const defaults = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 200 }

function pcm(buffer: Buffer): Int16Array {
  return new Int16Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length))
}

function run(vad: EnergyVad, samples: Int16Array, rate: number, chunk: number): VadEvent[] {
  const events: VadEvent[] = []
  for (let offset = 0; offset < samples.length; offset += chunk) {
    events.push(...vad.push(samples.subarray(offset, offset + chunk), rate))
  }
  return events
}

describe('EnergyVad', () => {
  const utterance = pcm(
    Buffer.concat([silence(500, 24_000), tone(1000, 24_000), silence(800, 24_000)]),
  )

  it('reports onset minus padding and last voiced frame plus silence', () => {
    const events = run(new EnergyVad(defaults), utterance, 24_000, 2400)
    expect(events).toEqual([
      { type: 'speechStarted', onsetMs: 500, audioStartMs: 200 },
      { type: 'speechStopped', audioEndMs: 1700 },
    ])
  })

  it.each([1, 7, 480, 4096, utterance.length])(
    'gives the same events whatever the chunk size (%i samples)',
    (chunk) => {
      expect(run(new EnergyVad(defaults), utterance, 24_000, chunk)).toEqual(
        run(new EnergyVad(defaults), utterance, 24_000, 2400),
      )
    },
  )

  it('ignores a single click and a pause shorter than the silence duration', () => {
    const click = Buffer.concat([silence(200, 16_000), tone(20, 16_000), silence(400, 16_000)])
    expect(run(new EnergyVad(defaults), pcm(click), 16_000, 1600)).toEqual([])
    const paused = Buffer.concat([
      tone(300, 16_000),
      silence(200, 16_000),
      tone(300, 16_000),
      silence(400, 16_000),
    ])
    const events = run(new EnergyVad(defaults), pcm(paused), 16_000, 1600)
    expect(events.map((event) => event.type)).toEqual(['speechStarted', 'speechStopped'])
  })

  it('needs louder audio at a higher threshold', () => {
    const quiet = pcm(Buffer.concat([tone(500, 16_000, 0.01), silence(500, 16_000)]))
    expect(run(new EnergyVad({ ...defaults, threshold: 0.2 }), quiet, 16_000, 1600)).toHaveLength(2)
    expect(run(new EnergyVad({ ...defaults, threshold: 0.8 }), quiet, 16_000, 1600)).toHaveLength(0)
  })

  it('flush ends an utterance where the audio stops', () => {
    const vad = new EnergyVad(defaults)
    run(vad, pcm(tone(400, 16_000)), 16_000, 1600)
    expect(vad.speaking).toBe(true)
    expect(vad.flush()).toEqual([{ type: 'speechStopped', audioEndMs: 400 }])
    expect(vad.flush()).toEqual([])
  })

  it('cuts the recorded js-genai utterance (quiet speech over room noise) into one turn', () => {
    const recording = resolve(
      __dirname,
      '../../../../shared/fixtures/recorded/gemini/jsgenai-mldev-should-reply-to-realtime-audio-input.jsonl',
    )
    const line = readFileSync(recording, 'utf8')
      .split('\n')
      .map((text) =>
        text
          ? (JSON.parse(text) as {
              dir: string
              msg?: { realtimeInput?: { audio?: { data: string } } }
            })
          : undefined,
      )
      .find((entry) => entry?.msg?.realtimeInput?.audio)
    const audio = pcm(Buffer.from(line!.msg!.realtimeInput!.audio!.data, 'base64'))
    const events = run(new EnergyVad({ ...defaults, silenceDurationMs: 500 }), audio, 16_000, 1600)
    expect(events.map((event) => event.type)).toEqual(['speechStarted', 'speechStopped'])
  })
})
