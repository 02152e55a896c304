import { describe, expect, it } from 'vitest'
import {
  RealtimeError,
  emptyTranscript,
  reduceTranscript,
  transcriptToSeedItems,
} from '../../src/core'
import type { TranscriptEvent, TranscriptState } from '../../src/core'

const reduce = (events: TranscriptEvent[], from: TranscriptState = emptyTranscript) =>
  events.reduce(reduceTranscript, from)

describe('reduceTranscript', () => {
  it('should accumulate partial deltas per item and role, interleaved', () => {
    const state = reduce([
      { type: 'input.committed', itemId: 'u1' },
      { type: 'response.started', responseId: 'r1' },
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'Sure, ' },
      { type: 'inputTranscript.delta', itemId: 'u1', delta: 'Book a ' },
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'for how many?' },
      { type: 'inputTranscript.delta', itemId: 'u1', delta: 'table' },
    ])
    expect(state.items).toEqual([
      { kind: 'message', id: 'u1', role: 'user', text: 'Book a table', status: 'inProgress' },
      {
        kind: 'message',
        id: 'a1',
        role: 'assistant',
        text: 'Sure, for how many?',
        status: 'inProgress',
        responseId: 'r1',
      },
    ])
  })

  it('should complete items with their final text', () => {
    const state = reduce([
      { type: 'inputTranscript.delta', itemId: 'u1', delta: 'helo' },
      { type: 'inputTranscript.done', itemId: 'u1', transcript: 'Hello' },
      { type: 'text.delta', responseId: 'r1', itemId: 'a1', delta: 'Hi' },
      { type: 'response.done', responseId: 'r1', status: 'completed' },
    ])
    expect(
      state.items.map((item) => [
        item.kind === 'message' && item.text,
        item.kind === 'message' && item.status,
      ]),
    ).toEqual([
      ['Hello', 'completed'],
      ['Hi', 'completed'],
    ])
  })

  it('should mark the assistant item interrupted on interruption and cancelled responses', () => {
    const speaking: TranscriptEvent[] = [
      {
        type: 'audio.delta',
        responseId: 'r1',
        itemId: 'a1',
        pcm: new Uint8Array(2),
        sampleRate: 24_000,
      },
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'The weather in' },
    ]
    for (const end of [
      { type: 'interrupted' },
      { type: 'response.done', responseId: 'r1', status: 'cancelled' },
      { type: 'item.truncated', itemId: 'a1', contentIndex: 0, audioEndMs: 300 },
    ] as TranscriptEvent[]) {
      const [item] = reduce([...speaking, end]).items
      expect(item).toMatchObject({ text: 'The weather in', status: 'interrupted' })
    }
  })

  it('should keep an interrupted item interrupted when its final transcript arrives', () => {
    const [item] = reduce([
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'The' },
      { type: 'interrupted', responseId: 'r1' },
      { type: 'transcript.done', responseId: 'r1', itemId: 'a1', transcript: 'The weather' },
    ]).items
    expect(item).toMatchObject({ text: 'The weather', status: 'interrupted' })
  })

  it('should mark what playback barge-in cut off interrupted, also after it completed', () => {
    const answered: TranscriptEvent[] = [
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'Sunny' },
      { type: 'transcript.done', responseId: 'r1', itemId: 'a1', transcript: 'Sunny all week.' },
      { type: 'response.done', responseId: 'r1', status: 'completed' },
    ]
    const heard = reduce([
      ...answered,
      {
        type: 'playback.interrupted',
        automatic: true,
        itemId: 'a1',
        playedMs: 400,
        cancelled: false,
        truncated: true,
      },
    ]).items
    expect(heard).toMatchObject([{ id: 'a1', status: 'interrupted', text: 'Sunny all week.' }])
    // WebRTC: the provider cleared the audio it was playing for the response.
    const cleared = reduce([...answered, { type: 'outputAudio.cleared', responseId: 'r1' }]).items
    expect(cleared).toMatchObject([{ id: 'a1', status: 'interrupted' }])
    // A barge-in while nothing played and nothing was generating changes nothing.
    const state = reduce(answered)
    const idle: TranscriptEvent = {
      type: 'playback.interrupted',
      automatic: false,
      cancelled: false,
      truncated: false,
    }
    expect(reduceTranscript(state, idle)).toBe(state)
  })

  it('should carry tool-call arguments, status, result and duration', () => {
    const started = reduce([
      { type: 'tool.argumentsDelta', callId: 'c1', delta: '{"city":' },
      { type: 'tool.argumentsDelta', callId: 'c1', delta: '"Oslo"}' },
      {
        type: 'tool.call',
        callId: 'c1',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
        responseId: 'r1',
      },
      { type: 'tool.started', callId: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    ])
    expect(started.items[0]).toEqual({
      kind: 'toolCall',
      id: 'c1',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
      status: 'running',
      responseId: 'r1',
    })
    const finished = reduce(
      [
        {
          type: 'tool.finished',
          callId: 'c1',
          name: 'get_weather',
          status: 'completed',
          output: { temp: 4 },
          isError: false,
          durationMs: 120,
          sent: true,
        },
      ],
      started,
    )
    expect(finished.items[0]).toMatchObject({
      status: 'completed',
      result: { temp: 4 },
      durationMs: 120,
    })
    const error = new RealtimeError('tool_timeout', 'late')
    const failed = reduce(
      [
        {
          type: 'tool.finished',
          callId: 'c1',
          name: 'get_weather',
          status: 'failed',
          output: { error: { code: 'tool_timeout' } },
          isError: true,
          error,
          durationMs: 30_000,
          sent: true,
        },
      ],
      started,
    )
    expect(failed.items[0]).toMatchObject({ status: 'failed', error, durationMs: 30_000 })
  })

  it('should mark withdrawn calls cancelled', () => {
    const state = reduce([
      { type: 'tool.call', callId: 'c1', name: 'a', arguments: '{}' },
      { type: 'tool.cancelled', callIds: ['c1'] },
    ])
    expect(state.items[0]).toMatchObject({ status: 'cancelled' })
  })

  it('should add typed messages whole and remove deleted items', () => {
    const state = reduce([
      { type: 'item.added', itemId: 'u1', kind: 'message', role: 'user', text: 'Hi there' },
      { type: 'item.added', itemId: 'x', kind: 'message', role: 'assistant' },
      { type: 'item.deleted', itemId: 'x' },
    ])
    expect(state.items).toEqual([
      { kind: 'message', id: 'u1', role: 'user', text: 'Hi there', status: 'completed' },
    ])
  })

  it('should return the same state for events that change nothing', () => {
    const state = reduce([{ type: 'input.committed', itemId: 'u1' }])
    expect(reduceTranscript(state, { type: 'speech.started' })).toBe(state)
    expect(reduceTranscript(state, { type: 'input.committed', itemId: 'u1' })).toBe(state)
  })

  it('should turn the conversation into seed items, skipping empty ones and tools', () => {
    const state = reduce([
      { type: 'inputTranscript.done', itemId: 'u1', transcript: 'Hi' },
      { type: 'input.committed', itemId: 'u2' },
      { type: 'tool.call', callId: 'c1', name: 'a', arguments: '{}' },
      { type: 'transcript.done', responseId: 'r', itemId: 'a1', transcript: 'Hello!' },
    ])
    expect(transcriptToSeedItems(state)).toEqual([
      { role: 'user', text: 'Hi' },
      { role: 'assistant', text: 'Hello!' },
    ])
  })
})

describe('reduceTranscript across connections', () => {
  it('should ignore history that a new connection re-creates (seeded items)', () => {
    const before = reduce([
      { type: 'item.added', itemId: 'u1', kind: 'message', role: 'user', text: 'Hi' },
    ])
    const after = reduce(
      [
        {
          type: 'item.added',
          itemId: 's1',
          kind: 'message',
          role: 'user',
          text: 'Hi',
          seeded: true,
        },
        {
          type: 'item.added',
          itemId: 's2',
          kind: 'message',
          role: 'assistant',
          text: 'Hello!',
          seeded: true,
        },
      ],
      before,
    )
    expect(after).toBe(before)
  })

  it('should close what a lost connection left in progress as interrupted', () => {
    const state = reduce([
      { type: 'inputTranscript.delta', itemId: 'u1', delta: 'Book a' },
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'Sure' },
      { type: 'transcript.done', responseId: 'r0', itemId: 'a0', transcript: 'Done.' },
    ])
    const dropped = reduce(
      [{ type: 'connection.status', status: 'reconnecting', previous: 'connected' }],
      state,
    )
    expect(dropped.items.map((item) => [item.id, item.status])).toEqual([
      ['u1', 'interrupted'],
      ['a1', 'interrupted'],
      ['a0', 'completed'],
    ])
    const reconnected = reduce(
      [{ type: 'connection.status', status: 'connected', previous: 'reconnecting' }],
      dropped,
    )
    expect(reconnected).toBe(dropped)
  })
})

describe('reduceTranscript: answers cut off', () => {
  it('should mark an answer interrupted when its response is cancelled after transcript.done', () => {
    // OpenAI barge-in: the item (announced by item.added, without a response id) is closed
    // with its partial transcript, then the response ends cancelled.
    const [item] = reduce([
      { type: 'item.added', itemId: 'a1', kind: 'message', role: 'assistant' },
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'Sure' },
      { type: 'transcript.done', responseId: 'r1', itemId: 'a1', transcript: 'Sure' },
      { type: 'response.done', responseId: 'r1', status: 'cancelled' },
    ]).items
    expect(item).toMatchObject({ text: 'Sure', status: 'interrupted', responseId: 'r1' })
  })

  it('should let interrupted reach an item announced before its response id (Gemini)', () => {
    const [item] = reduce([
      { type: 'item.added', itemId: 'a1', kind: 'message', role: 'assistant' },
      { type: 'transcript.delta', responseId: 'r1', itemId: 'a1', delta: 'Sure. You' },
      { type: 'interrupted', responseId: 'r1' },
      { type: 'transcript.done', responseId: 'r1', itemId: 'a1', transcript: 'Sure. You' },
      { type: 'response.done', responseId: 'r1', status: 'cancelled' },
    ]).items
    expect(item).toMatchObject({ text: 'Sure. You', status: 'interrupted' })
  })

  it('should keep the answers of a completed response completed', () => {
    const items = reduce([
      { type: 'item.added', itemId: 'a1', kind: 'message', role: 'assistant' },
      { type: 'transcript.done', responseId: 'r1', itemId: 'a1', transcript: 'Done.' },
      { type: 'response.done', responseId: 'r1', status: 'completed' },
      { type: 'response.done', responseId: 'r2', status: 'cancelled' },
    ]).items
    expect(items).toMatchObject([{ id: 'a1', status: 'completed' }])
  })
})

describe('reduceTranscript: items that used to stay open or out of place', () => {
  it('should put a user item that opens late before the answer it belongs to (Gemini)', () => {
    const state = reduce([
      { type: 'response.started', responseId: 'r1' },
      { type: 'item.added', itemId: 'a1', kind: 'message', role: 'assistant' },
      { type: 'item.added', itemId: 'u1', kind: 'message', role: 'user', beforeItemId: 'a1' },
      // An unknown anchor (already deleted, say) leaves the item last.
      { type: 'item.added', itemId: 'u2', kind: 'message', role: 'user', beforeItemId: 'gone' },
    ])
    expect(state.items.map((item) => item.id)).toEqual(['u1', 'a1', 'u2'])
  })

  it('should complete an injected assistant message that arrives whole', () => {
    const state = reduce([
      { type: 'item.added', itemId: 'a1', kind: 'message', role: 'assistant', text: 'Welcome!' },
    ])
    expect(state.items[0]).toMatchObject({ text: 'Welcome!', status: 'completed' })
  })

  it('should complete an untranscribed user item when its response ends, and fill it in late', () => {
    const answered = reduce([
      { type: 'input.committed', itemId: 'u1' },
      { type: 'item.added', itemId: 'u1', kind: 'message', role: 'user' },
      { type: 'response.started', responseId: 'r1' },
      { type: 'transcript.done', responseId: 'r1', itemId: 'a1', transcript: 'Hi.' },
      { type: 'response.done', responseId: 'r1', status: 'completed' },
    ])
    expect(answered.items[0]).toMatchObject({ role: 'user', text: '', status: 'completed' })
    const late = reduce(
      [{ type: 'inputTranscript.done', itemId: 'u1', transcript: 'Hello' }],
      answered,
    )
    expect(late.items[0]).toMatchObject({ text: 'Hello', status: 'completed' })
  })

  it('should name a call from its item and cancel it when its response is cut off', () => {
    const state = reduce([
      { type: 'response.started', responseId: 'r1' },
      {
        type: 'item.added',
        itemId: 'i1',
        kind: 'function_call',
        callId: 'c1',
        name: 'get_weather',
      },
      { type: 'tool.argumentsDelta', responseId: 'r1', itemId: 'i1', callId: 'c1', delta: '{"ci' },
    ])
    expect(state.items).toMatchObject([{ id: 'c1', name: 'get_weather', status: 'pending' }])
    const cut = reduce([{ type: 'response.done', responseId: 'r1', status: 'cancelled' }], state)
    expect(cut.items[0]).toMatchObject({ status: 'cancelled', arguments: '{"ci' })
    // A completed response's calls go on to run; another response's end leaves them alone.
    for (const [responseId, status] of [
      ['r1', 'completed'],
      ['r2', 'cancelled'],
    ] as const) {
      const other = reduce([{ type: 'response.done', responseId, status }], state)
      expect(other.items[0]).toMatchObject({ status: 'pending' })
    }
    // Cut off before its first argument: its response was never named, the cut one is its own.
    const early = reduce([
      { type: 'item.added', itemId: 'i2', kind: 'function_call', callId: 'c2', name: 'f' },
      { type: 'response.done', responseId: 'r2', status: 'cancelled' },
    ])
    expect(early.items[0]).toMatchObject({ name: 'f', status: 'cancelled' })
  })
})
