import { afterEach, describe, expect, it } from 'vitest'
import type { RealtimeError } from '../../src/core/errors'
import type { ServerEvent } from '../../src/core/events'
import { GeminiRealtimeModel } from '../../src/core/providers/gemini/model'
import { OpenAIRealtimeModel } from '../../src/core/providers/openai/model'
import { RealtimeRunner } from '../../src/core/runner/runner'
import type { RunnerEvent } from '../../src/core/runner/options'
import { startReplayServer } from '../../src/testing/replay'
import type { ReplayServer } from '../../src/testing/replay'
import { recordedAssistantTranscripts, recordingPath } from './replay-support'

/**
 * The runner completes a full tool round over each provider, against the real recorded tool
 * sessions: it sends the config, the user's text, runs the tool when the call arrives, answers
 * it, asks OpenAI for the follow-up response once (after `response.done`), and the replay server
 * checks every frame against the recording.
 */

const servers: ReplayServer[] = []
const runners: RealtimeRunner[] = []
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

function watch(runner: RealtimeRunner): {
  events: RunnerEvent[]
  errors: RealtimeError[]
  responsesDone: (count: number) => Promise<void>
} {
  const events: RunnerEvent[] = []
  const errors: RealtimeError[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  runner.onEvent((event) => {
    events.push(event)
    if (event.type === 'error') errors.push(event.error)
    const done = events.filter((e) => e.type === 'response.done').length
    for (const waiter of [...waiters]) {
      if (done >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  })
  return {
    events,
    errors,
    responsesDone: (count) =>
      new Promise((resolve, reject) => {
        if (events.filter((e) => e.type === 'response.done').length >= count) return resolve()
        const timer = setTimeout(() => reject(new Error(`no response.done #${count}`)), 5_000)
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) })
      }),
  }
}

const deltas = (events: RunnerEvent[]): string[] => {
  const byResponse = new Map<string, string>()
  for (const event of events as ServerEvent[]) {
    if (event.type === 'text.delta' || event.type === 'transcript.delta') {
      byResponse.set(event.responseId, (byResponse.get(event.responseId) ?? '') + event.delta)
    }
  }
  return [...byResponse.values()].filter((text) => text !== '')
}

describe('RealtimeRunner over the replay server', () => {
  it('should complete the recorded OpenAI tool round (one response.create after the outputs)', async () => {
    const replay = await startReplayServer({
      recording: recordingPath('openai', 'pai-tool-call-round.jsonl'),
    })
    servers.push(replay)
    const calls: Array<Record<string, unknown>> = []
    const runner = new RealtimeRunner({
      model: new OpenAIRealtimeModel({ apiKey: 'sk-test', url: `${replay.url}/v1/realtime` }),
      config: {
        instruction:
          'Use the get_weather tool for any weather question, then answer in one short sentence.',
        modalities: ['text'],
        turnDetection: { mode: 'server_vad', createResponse: true, interruptResponse: true },
        inputAudioTranscription: { model: 'gpt-realtime-whisper' },
      },
      tools: [
        {
          name: 'get_weather',
          description: 'Look up the weather for a city.',
          parameters: {
            additionalProperties: false,
            properties: { city: { type: 'string' } },
            required: ['city'],
            type: 'object',
          },
          handler: (args: unknown) => {
            calls.push(args as Record<string, unknown>)
            return 'It is foggy and 12 degrees in London.'
          },
        },
      ],
    })
    runners.push(runner)
    const watched = watch(runner)
    await runner.connect()
    runner.sendText('What is the weather in London?')
    await watched.responsesDone(2)
    await replay.finished()
    expect(replay.mismatches).toEqual([])
    expect(watched.errors).toEqual([])
    expect(calls).toEqual([{ city: 'London' }])
    expect(deltas(watched.events)).toEqual(recordedAssistantTranscripts(replay.recording))
  })

  it('should complete the recorded Gemini tool round (no response.create needed)', async () => {
    const replay = await startReplayServer({
      recording: recordingPath('gemini', 'pai-tool-call-round.jsonl'),
      strictAudio: true,
    })
    servers.push(replay)
    const calls: Array<Record<string, unknown>> = []
    const runner = new RealtimeRunner({
      model: new GeminiRealtimeModel({
        apiKey: 'TEST_KEY',
        baseUrl: replay.url,
        model: 'gemini-2.5-flash-native-audio-preview-09-2025',
        // The recorded client did not ask for resumption handles.
        requestResumptionHandles: false,
      }),
      config: {
        modalities: ['audio'],
        instruction:
          'Use record_reading when asked to record a reading, then confirm it in one sentence.',
        inputAudioTranscription: {},
        outputAudioTranscription: true,
      },
      tools: [
        {
          name: 'record_reading',
          description: 'Store the supplied sensor value.',
          parameters: {
            type: 'object',
            properties: {
              zqx_measurement: { type: 'integer' },
              qbf_note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            },
            required: ['zqx_measurement'],
          },
          handler: (args: unknown) => {
            calls.push(args as Record<string, unknown>)
            return 'Recorded 5 (steady).'
          },
        },
      ],
    })
    runners.push(runner)
    const watched = watch(runner)
    await runner.connect()
    runner.sendText('Please record a reading of 5 with the note "steady".')
    await watched.responsesDone(1)
    await replay.finished()
    expect(replay.mismatches).toEqual([])
    expect(watched.errors).toEqual([])
    expect(calls).toEqual([{ zqx_measurement: 5, qbf_note: 'steady' }])
    expect(deltas(watched.events)).toEqual(recordedAssistantTranscripts(replay.recording))
  })
})
