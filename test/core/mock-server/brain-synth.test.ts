import { describe, expect, it } from 'vitest'
import { rmsDbfs } from '../../../src/core/audio/level'
import {
  createMockBrain,
  createSpeechSynthesizer,
  describeResult,
  type BrainContext,
  type BrainTool,
} from '../../../src/testing'

/** The default brain's replies and tool intents, and the default synthesizer's output. */
const weather: BrainTool = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}

function context(text: string, overrides: Partial<BrainContext> = {}): BrainContext {
  return {
    provider: 'openai',
    instructions: '',
    history: [{ role: 'user', text, spoken: false }],
    tools: [weather],
    toolChoice: 'auto',
    ...overrides,
  }
}

describe('createMockBrain', () => {
  const brain = createMockBrain()

  it('echoes plain text deterministically, limited in length', async () => {
    expect(await brain.reply(context('Say hello.'))).toEqual({
      type: 'message',
      text: 'Sure. You said: Say hello.',
    })
    const long = await createMockBrain({ replyWords: 5 }).reply(
      context('one two three four five six seven'),
    )
    expect(long).toEqual({ type: 'message', text: 'Sure. You said: one two.' })
  })

  it('calls a registered tool when the text names its intent', async () => {
    expect(await brain.reply(context('What is the weather in Paris?'))).toEqual({
      type: 'toolCalls',
      calls: [{ name: 'get_weather', args: { city: 'Paris' } }],
    })
    const location: BrainTool = {
      name: 'get_current_weather',
      parameters: {
        type: 'OBJECT',
        properties: { unit: { type: 'STRING' }, location: { type: 'STRING' } },
        required: ['location'],
      },
    }
    expect(
      await brain.reply(
        context('what is the weather in Redmond Washington', { tools: [location] }),
      ),
    ).toEqual({
      type: 'toolCalls',
      calls: [{ name: 'get_current_weather', args: { location: 'Redmond Washington' } }],
    })
  })

  it('matches a tool by the words of its name and fills its parameters from the text', async () => {
    const record: BrainTool = {
      name: 'record_reading',
      parameters: {
        type: 'OBJECT',
        properties: { zqx_measurement: { type: 'INTEGER' }, qbf_note: { type: 'STRING' } },
      },
    }
    expect(
      await brain.reply(
        context('Please record a reading of 5 with the note "steady".', { tools: [record] }),
      ),
    ).toEqual({
      type: 'toolCalls',
      calls: [{ name: 'record_reading', args: { zqx_measurement: 5, qbf_note: 'steady' } }],
    })
  })

  it('honours tool_choice none, required and a named function', async () => {
    expect((await brain.reply(context('Weather in Paris?', { toolChoice: 'none' }))).type).toBe(
      'message',
    )
    expect(await brain.reply(context('Hi', { toolChoice: 'required' }))).toEqual({
      type: 'toolCalls',
      calls: [{ name: 'get_weather', args: {} }],
    })
    expect(await brain.reply(context('Hi', { toolChoice: { name: 'get_weather' } }))).toMatchObject(
      { type: 'toolCalls' },
    )
  })

  it('uses custom intents first', async () => {
    const custom = createMockBrain({
      intents: [{ match: /book (\w+)/i, tool: 'book', args: (match) => ({ what: match[1] }) }],
    })
    expect(
      await custom.reply(context('Please book tables', { tools: [{ name: 'book' }] })),
    ).toEqual({
      type: 'toolCalls',
      calls: [{ name: 'book', args: { what: 'tables' } }],
    })
  })

  it('answers from tool results', async () => {
    const reply = await brain.reply({
      ...context('Weather in Paris?'),
      history: [
        { role: 'user', text: 'Weather in Paris?', spoken: false },
        { role: 'toolCall', callId: 'c1', name: 'get_weather', args: { city: 'Paris' } },
        {
          role: 'toolResult',
          callId: 'c1',
          name: 'get_weather',
          output: '{"tempC":21,"condition":"sunny"}',
        },
      ],
    })
    expect(reply).toEqual({
      type: 'message',
      text: 'Here is what I found: temp C 21, condition sunny.',
    })
  })

  it('describes results: plain strings, Gemini { output } and { error }', () => {
    expect(describeResult('It is foggy')).toBe('It is foggy.')
    expect(describeResult({ output: 'Recorded 5 (steady).' })).toBe('Recorded 5 (steady).')
    expect(describeResult({ error: 'no such city' })).toBe('The tool failed: no such city.')
  })

  it('takes spoken transcripts from a queue, repeating the last one', async () => {
    const queued = createMockBrain({ transcripts: ['first', 'second'] })
    const audio = { pcm: new Int16Array(0), sampleRate: 16_000 }
    expect([0, 1, 2].map((turn) => queued.transcribe({ ...audio, turn }))).toEqual([
      'first',
      'second',
      'second',
    ])
    expect(brain.transcribe({ ...audio, turn: 0 })).toBe('Hello there.')
  })

  it('lets `respond` override the reply, falling back when it returns undefined', async () => {
    const custom = createMockBrain({
      respond: (ctx) => (ctx.history.length > 1 ? { type: 'message', text: 'Custom.' } : undefined),
    })
    expect(await custom.reply(context('Hi'))).toEqual({
      type: 'message',
      text: 'Sure. You said: Hi',
    })
  })
})

describe('createSpeechSynthesizer', () => {
  const synthesize = createSpeechSynthesizer()

  it('makes audible, non-silent sound whose length follows the text', () => {
    const short = synthesize('Hello.', 24_000)
    const long = synthesize(
      'Hello there, this is a much longer sentence with many more words.',
      24_000,
    )
    expect(short.length).toBeGreaterThan(24_000 * 0.3)
    expect(long.length).toBeGreaterThan(short.length * 3)
    expect(rmsDbfs(long)).toBeGreaterThan(-30)
    expect(long.reduce((peak, sample) => Math.max(peak, Math.abs(sample)), 0)).toBe(
      Math.round(0.5 * 32767),
    )
  })

  it('is deterministic and depends on the text', () => {
    expect(synthesize('Same words.', 24_000)).toEqual(synthesize('Same words.', 24_000))
    expect(synthesize('Same words.', 24_000)).not.toEqual(synthesize('Other words.', 24_000))
  })

  it('has a speech-like envelope: loud syllables and quiet gaps', () => {
    const pcm = synthesize('One, two, three.', 24_000)
    const frame = 480
    const levels: number[] = []
    for (let offset = 0; offset + frame <= pcm.length; offset += frame)
      levels.push(rmsDbfs(pcm.subarray(offset, offset + frame)))
    expect(Math.max(...levels)).toBeGreaterThan(-25)
    expect(Math.min(...levels)).toBeLessThan(-60)
  })

  it('works at telephony and wideband rates', () => {
    for (const rate of [8000, 16_000, 48_000]) {
      const pcm = synthesize('Testing.', rate)
      expect(pcm.length / rate).toBeCloseTo(synthesize('Testing.', 24_000).length / 24_000, 1)
      expect(rmsDbfs(pcm)).toBeGreaterThan(-35)
    }
  })
})
