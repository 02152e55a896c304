import { afterEach, describe, expect, it } from 'vitest'
import { parseRealtimeConfig } from '../../src/core/config'
import type { RealtimeConfigInput } from '../../src/core/config'
import { GeminiRealtimeModel } from '../../src/core/providers/gemini/model'
import type { GeminiRealtimeModelOptions } from '../../src/core/providers/gemini/model'
import type { GeminiRealtimeSession } from '../../src/core/providers/gemini/session'
import { startReplayServer } from '../../src/testing/replay'
import type { ReplayServer } from '../../src/testing/replay'
import {
  EventLog,
  decodeAnyBase64,
  recordedAssistantTranscripts,
  recordedClientMessages,
  recordedToolCalls,
  recordingFiles,
  recordingPath,
} from './replay-support'

/**
 * Every Gemini recording in ../shared/fixtures/recorded/gemini replays through our provider.
 * Server frames are sent as binary, like the live service. Audio is compared byte for byte
 * (`strictAudio`): these recordings keep the full client audio, which we feed back in.
 *
 * The recorded clients did not ask for resumption handles, so these sessions are created with
 * `requestResumptionHandles: false` (our default asks for them; see protocol-setup tests).
 */

interface Scenario {
  config: RealtimeConfigInput
  options?: Partial<GeminiRealtimeModelOptions>
  /** Drives the session the way the recorded client did; resolves when the turn is over. */
  drive: (
    session: GeminiRealtimeSession,
    log: EventLog,
    recorded: Array<Record<string, unknown>>,
  ) => Promise<unknown>
  /** Extra checks on the unified events. */
  check?: (log: EventLog) => void
}

const STUDIO = 'models/gemini-live-2.5-flash-preview'
const NATIVE = 'models/gemini-2.5-flash-native-audio-preview-09-2025'

function recordedAudio(recorded: Array<Record<string, unknown>>): Uint8Array[] {
  return recorded.flatMap((message) => {
    const input = (message.realtimeInput ?? message.realtime_input) as
      { audio?: { data: string } } | undefined
    return input?.audio === undefined ? [] : [decodeAnyBase64(input.audio.data)]
  })
}

const scenarios: Record<string, Scenario> = {
  'jsgenai-mldev-handle-activity-start-and-end.jsonl': {
    config: { model: STUDIO, modalities: ['text'], turnDetection: { mode: 'none' } },
    drive: async (session, log, recorded) => {
      // Manual activity mode: the first audio opens an activity, commit closes it.
      for (const chunk of recordedAudio(recorded)) session.sendAudio(chunk)
      session.commitAudio()
      return log.waitFor('text.delta', 2)
    },
  },
  'jsgenai-mldev-should-receive-transcription-in-async-session-with-transcription-enabled.jsonl': {
    config: { model: STUDIO, outputAudioTranscription: true },
    drive: (session, log) => {
      session.sendText('Hello what should we talk about?')
      return log.waitFor('transcript.delta', 3)
    },
  },
  'jsgenai-mldev-should-reply-to-realtime-audio-input.jsonl': {
    config: { model: STUDIO, modalities: ['text'] },
    drive: (session, log, recorded) => {
      for (const chunk of recordedAudio(recorded)) session.sendAudio(chunk)
      return log.waitFor('text.delta', 2)
    },
  },
  'jsgenai-mldev-should-reply-to-realtime-text-input.jsonl': {
    config: { model: STUDIO, modalities: ['text'] },
    options: { textInput: 'realtimeInput' },
    drive: (session, log) => {
      session.sendText('Are you there Gemini?')
      return log.waitFor('text.delta', 2)
    },
  },
  'jsgenai-mldev-should-respond-to-realtime-media-audio-input.jsonl': {
    config: { model: STUDIO, modalities: ['text'] },
    drive: (session, log, recorded) => {
      // The recorded client used the deprecated `mediaChunks`; we send `realtimeInput.audio`,
      // so this legacy frame goes out through the raw escape hatch, verbatim.
      const legacy = recorded.find((message) => message.realtimeInput !== undefined)
      session.sendEvent({ type: 'raw', data: legacy })
      return log.waitFor('text.delta', 2)
    },
  },
  'jsgenai-mldev-should-return-error-for-invalid-input-in-async-session.jsonl': {
    config: { model: STUDIO },
    drive: (_session, log) => log.waitFor('session.ready'),
  },
  'jsgenai-mldev-should-send-content-dict-in-async-session.jsonl': {
    config: { model: STUDIO },
    drive: (session, log) => {
      session.sendText('Hello what should we talk about?')
      return log.waitFor('response.done')
    },
    check: (log) => {
      expect(log.of('response.done')[0]).toMatchObject({
        status: 'completed',
        usage: { outputTokens: 31 },
      })
    },
  },
  'jsgenai-mldev-should-send-text-in-async-session.jsonl': {
    config: { model: STUDIO },
    drive: (session, log) => {
      session.sendText('Hello what should we talk about?')
      return log.waitFor('response.done')
    },
  },
  'jsgenai-mldev-should-send-tool-response-with-function-responses.jsonl': {
    config: { model: STUDIO },
    drive: async (session) => {
      session.sendToolResult({
        callId: 'function-call-1',
        name: 'getStatus',
        output: { mood: 'happy' },
      })
    },
  },
  'jsgenai-mldev-should-send-tool-response.jsonl': {
    config: {
      model: STUDIO,
      tools: [
        {
          name: 'get_current_weather',
          description: 'Get the current weather in a given location',
          parameters: {
            type: 'object',
            properties: {
              location: {
                type: 'string',
                description: 'The city and state, e.g. San Francisco, CA',
              },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location'],
          },
        },
      ],
    },
    drive: (session, log) => {
      session.sendText('what is the weather in Redmond Washington')
      return log.waitFor('tool.call')
    },
    check: (log) => {
      expect(log.of('tool.call')[0]?.callId).toBe('function-call-5831923424298605773')
      // The executableCode preamble is passed on, not dropped.
      expect(log.of('raw').map((event) => event.frameType)).toContain('executableCode')
    },
  },
  'pai-audio-in-server-vad-turn.jsonl': {
    config: {
      model: NATIVE,
      modalities: ['audio'],
      instruction: 'Reply in a few words.',
      inputAudioTranscription: {},
      outputAudioTranscription: true,
    },
    drive: (session, log, recorded) => {
      for (const chunk of recordedAudio(recorded)) session.sendAudio(chunk)
      return log.waitFor('response.done')
    },
    check: (log) => {
      expect(log.of('inputTranscript.done').map((event) => event.transcript)).toEqual([
        ' Hello, my name is Marcelo.',
      ])
      expect(log.of('transcript.done').map((event) => event.transcript)).toEqual([
        'Hello, Marcelo.',
      ])
      // The thought part is neither speech nor answer.
      expect(log.of('text.delta')).toEqual([])
      expect(log.of('raw').filter((event) => event.frameType === 'thought')).toHaveLength(1)
      expect(log.of('response.done')[0]?.usage).toMatchObject({
        inputTokens: 1197,
        thoughtsTokens: 28,
        outputAudioTokens: 37,
      })
    },
  },
  'pai-text-in-audio-out-turn.jsonl': {
    config: {
      model: NATIVE,
      modalities: ['audio'],
      instruction: 'Answer in two or three words.',
      inputAudioTranscription: {},
      outputAudioTranscription: true,
    },
    drive: (session, log) => {
      session.sendText('Say a short greeting.')
      return log.waitFor('response.done')
    },
    check: (log) => {
      const [started] = log.of('response.started')
      expect(log.events.indexOf(started!)).toBeLessThan(
        log.events.findIndex((event) => event.type === 'audio.delta'),
      )
      expect(
        log
          .of('audio.delta')
          .every((event) => event.sampleRate === 24000 && event.pcm.byteLength % 2 === 0),
      ).toBe(true)
    },
  },
  'pai-tool-call-round.jsonl': {
    config: {
      model: NATIVE,
      modalities: ['audio'],
      instruction:
        'Use record_reading when asked to record a reading, then confirm it in one sentence.',
      inputAudioTranscription: {},
      outputAudioTranscription: true,
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
            additionalProperties: false,
          },
        },
      ],
    },
    drive: (session, log) => {
      session.subscribe((event) => {
        if (event.type === 'tool.call') {
          session.sendToolResult({
            callId: event.callId,
            name: event.name,
            output: 'Recorded 5 (steady).',
          })
        }
      })
      session.sendText('Please record a reading of 5 with the note "steady".')
      return log.waitFor('response.done')
    },
    check: (log) => {
      // The tool call opened the turn; no response.create is needed on Gemini.
      expect(log.of('response.started')).toHaveLength(1)
      expect(log.of('response.done')).toHaveLength(1)
    },
  },
}

const servers: ReplayServer[] = []
const sessions: GeminiRealtimeSession[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

describe('Gemini recordings replay through GeminiRealtimeModel', () => {
  it('should have a scenario for every recording in the fixtures directory', () => {
    expect(Object.keys(scenarios).sort()).toEqual(recordingFiles('gemini'))
  })

  it.each(Object.keys(scenarios))('%s', async (file) => {
    const scenario = scenarios[file]!
    const replay = await startReplayServer({
      recording: recordingPath('gemini', file),
      strictAudio: true,
    })
    servers.push(replay)
    const model = new GeminiRealtimeModel({
      apiKey: 'TEST_KEY',
      baseUrl: replay.url,
      requestResumptionHandles: false,
      ...scenario.options,
    })
    const session = await model.connect(parseRealtimeConfig(scenario.config))
    sessions.push(session)
    const log = new EventLog(session)
    await scenario.drive(session, log, recordedClientMessages(replay.recording))
    await replay.finished()
    expect(replay.mismatches).toEqual([])
    expect(replay.requests[0]?.url).toBe(
      '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=TEST_KEY',
    )
    expect(log.errors()).toEqual([])
    expect(log.of('session.ready')).toHaveLength(1)
    expect(log.assistantTranscripts()).toEqual(recordedAssistantTranscripts(replay.recording))
    expect(
      log.toolCalls().map((call) => ({ name: call.name, args: JSON.parse(call.arguments) })),
    ).toEqual(recordedToolCalls(replay.recording))
    scenario.check?.(log)
  })
})
