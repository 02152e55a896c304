import { describe, expect, it } from 'vitest'
import { emptyTranscript, reduceTranscript } from '../../../../src/core'
import type { ServerEvent } from '../../../../src/core/events'
import { readGeminiMessage } from '../../../../src/core/providers/gemini/protocol-server'
import { GeminiTurnTracker } from '../../../../src/core/providers/gemini/turn-tracker'

/** Frames → tracker events → the transcript a UI shows, as [role, text, status] rows. */
function transcript(...frames: object[]): { events: ServerEvent[]; rows: string[][] } {
  const tracker = new GeminiTurnTracker('t')
  const events = frames.flatMap((frame) =>
    tracker.apply(readGeminiMessage(frame as Record<string, unknown>)),
  )
  const { items } = events.reduce(reduceTranscript, emptyTranscript)
  const rows = items.map((item) =>
    item.kind === 'message'
      ? [item.role, item.text, item.status]
      : ['tool', item.name, item.status],
  )
  return { events, rows }
}

const audio = {
  serverContent: {
    modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAAAA==' } }] },
  },
}
const heard = (text: string) => ({ serverContent: { inputTranscription: { text } } })
const said = (text: string) => ({ serverContent: { outputTranscription: { text } } })
const turnComplete = { serverContent: { turnComplete: true } }

describe('GeminiTurnTracker: user items in the transcript', () => {
  it('should not merge barge-in speech into the message it interrupted the answer to', () => {
    const { rows } = transcript(
      heard('What is the weather in Paris?'),
      audio,
      said('It is sunny in Paris today and'),
      { serverContent: { interrupted: true } },
      heard('Actually,'),
      turnComplete,
      // The barge-in goes on past the interrupted turn's end: still one message.
      heard(' what about London?'),
      audio,
      said('London is rainy.'),
      turnComplete,
    )
    expect(rows).toEqual([
      ['user', 'What is the weather in Paris?', 'completed'],
      ['assistant', 'It is sunny in Paris today and', 'interrupted'],
      ['user', 'Actually, what about London?', 'completed'],
      ['assistant', 'London is rainy.', 'completed'],
    ])
  })

  it('should start a new user message when the user speaks while the model answers', () => {
    const { events } = transcript(heard('Tell me a story.'), audio, {
      voiceActivity: { voiceActivityType: 'ACTIVITY_START' },
    })
    expect(events.slice(-2)).toEqual([
      { type: 'speech.started' },
      { type: 'inputTranscript.done', itemId: 't-in-1', transcript: 'Tell me a story.' },
    ])
  })

  it('should put words transcribed after the answer began before that answer', () => {
    const { events, rows } = transcript(
      audio,
      heard(' Hello, my name is Marcelo.'),
      said('Hello, Marcelo.'),
      { serverContent: { generationComplete: true } },
      turnComplete,
    )
    expect(events).toContainEqual({
      type: 'item.added',
      itemId: 't-in-1',
      kind: 'message',
      role: 'user',
      beforeItemId: 't-out-1',
    })
    expect(rows).toEqual([
      ['user', ' Hello, my name is Marcelo.', 'completed'],
      ['assistant', 'Hello, Marcelo.', 'completed'],
    ])
  })

  it('should put late words before a turn that only calls a tool', () => {
    const { rows } = transcript(
      { toolCall: { functionCalls: [{ id: 'c1', name: 'get_time', args: {} }] } },
      heard('What time is it?'),
      turnComplete,
    )
    expect(rows).toEqual([
      ['user', 'What time is it?', 'completed'],
      ['tool', 'get_time', 'pending'],
    ])
  })
})
