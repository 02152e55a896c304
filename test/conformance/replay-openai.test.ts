import { afterEach, describe, expect, it } from 'vitest'
import { parseRealtimeConfig } from '../../src/core/config'
import type { RealtimeConfigInput } from '../../src/core/config'
import { OpenAIRealtimeModel } from '../../src/core/providers/openai/model'
import { toOpenAISessionConfig } from '../../src/core/providers/openai/protocol-config'
import type { OpenAIRealtimeSession } from '../../src/core/providers/openai/session'
import { loadRecording, startReplayServer } from '../../src/testing/replay'
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
 * Every OpenAI recording in ../shared/fixtures/recorded/openai replays through our provider:
 * the frames we send match the recorded client frames (see compareClientFrame for what is
 * compared), the assistant text our unified events rebuild equals the recorded one, and recorded
 * tool calls surface with the same name and arguments.
 *
 * The two `pai-webrtc-sideband-*-http.jsonl` files hold only the HTTP `POST /v1/realtime/calls`
 * that created a WebRTC call (no WebSocket messages), so they cannot be replayed over a socket.
 * They are still checked: the replay server refuses them, and the session config they posted
 * must be exactly what our config mapping produces (plus `model`, which the call puts in the
 * body because there is no `?model=` URL).
 */

const servers: ReplayServer[] = []
const sessions: OpenAIRealtimeSession[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** The config pydantic-ai's tests used, as our config. */
function paiConfig(instruction: string, extra: RealtimeConfigInput = {}) {
  return parseRealtimeConfig({
    instruction,
    modalities: ['audio'],
    turnDetection: { mode: 'server_vad', createResponse: true, interruptResponse: true },
    inputAudioTranscription: { model: 'gpt-realtime-whisper' },
    ...extra,
  })
}

const weatherTool = {
  name: 'get_weather',
  description: 'Look up the weather for a city.',
  parameters: {
    additionalProperties: false,
    properties: { city: { type: 'string' } },
    required: ['city'],
    type: 'object' as const,
  },
}

async function connect(file: string, config: ReturnType<typeof paiConfig>) {
  const replay = await startReplayServer({ recording: recordingPath('openai', file) })
  servers.push(replay)
  const model = new OpenAIRealtimeModel({ apiKey: 'sk-test', url: `${replay.url}/v1/realtime` })
  const session = await model.connect(config)
  sessions.push(session)
  return { replay, session, log: new EventLog(session) }
}

async function expectMatchesRecording(replay: ReplayServer, log: EventLog): Promise<void> {
  await replay.finished()
  expect(replay.mismatches).toEqual([])
  expect(log.errors()).toEqual([])
  expect(log.assistantTranscripts()).toEqual(recordedAssistantTranscripts(replay.recording))
  const recordedCalls = recordedToolCalls(replay.recording)
  expect(
    log.toolCalls().map((call) => ({ name: call.name, args: JSON.parse(call.arguments) })),
  ).toEqual(recordedCalls)
}

describe('OpenAI recordings replay through OpenAIRealtimeModel', () => {
  it('should cover every recording in the fixtures directory', () => {
    expect(recordingFiles('openai')).toEqual([
      'pai-audio-in-server-vad-turn.jsonl',
      'pai-text-in-audio-out-turn.jsonl',
      'pai-tool-call-round.jsonl',
      'pai-webrtc-sideband-audio-turn-http.jsonl',
      'pai-webrtc-sideband-text-turn-http.jsonl',
    ])
  })

  it('pai-text-in-audio-out-turn: text in, audio and transcript out', async () => {
    const { replay, session, log } = await connect(
      'pai-text-in-audio-out-turn.jsonl',
      paiConfig('Answer in two or three words.'),
    )
    expect(replay.requests[0]?.url).toBe('/v1/realtime?model=gpt-realtime')
    expect(replay.requests[0]?.headers.authorization).toBe('Bearer sk-test')
    session.sendText('Say a short greeting.')
    await log.waitFor('response.done')
    await expectMatchesRecording(replay, log)
    expect(log.assistantTranscripts()).toEqual(['Hi there!'])
    expect(log.of('transcript.done').map((event) => event.transcript)).toEqual(['Hi there!'])
    expect(log.of('session.ready')[0]?.providerSessionId).toBe('sess_E6U0txeK1UA23CH3RdweL')
    const audio = log.of('audio.delta')
    expect(audio).toHaveLength(4)
    // The recorder cut each delta to 33 bytes; the session keeps PCM16 sample-aligned.
    expect(
      audio.every((event) => event.pcm.byteLength % 2 === 0 && event.sampleRate === 24000),
    ).toBe(true)
    expect(log.of('response.done')[0]?.usage?.totalTokens).toBe(40)
  })

  it('pai-audio-in-server-vad-turn: 55 audio chunks, server VAD, user and assistant transcripts', async () => {
    const { replay, session, log } = await connect(
      'pai-audio-in-server-vad-turn.jsonl',
      paiConfig('Reply in a few words.'),
    )
    for (const message of recordedClientMessages(replay.recording)) {
      if (message.type !== 'input_audio_buffer.append') continue
      // The recorder shortened each payload to 33 bytes; send its sample-aligned 32.
      session.sendAudio(decodeAnyBase64(String(message.audio)).subarray(0, 32))
    }
    await log.waitFor('response.done')
    await expectMatchesRecording(replay, log)
    expect(log.assistantTranscripts()).toEqual([
      'Hello, Marcelo! Great to meet you. How can I help you today?',
    ])
    expect(log.of('inputTranscript.done').map((event) => event.transcript)).toEqual([
      'Hello, my name is Marcelo.',
    ])
    expect(
      log
        .of('inputTranscript.delta')
        .map((event) => event.delta)
        .join(''),
    ).toBe(' Hello, my name is Marcelo.')
    expect(log.of('speech.started')).toHaveLength(1)
    expect(log.of('speech.stopped')).toHaveLength(1)
    expect(log.of('input.committed')[0]?.itemId).toBe('item_E6U0xpLmn5e80rVGpEeKv')
  })

  it('pai-tool-call-round: a tool call, its output, one response.create, then the answer', async () => {
    const { replay, session, log } = await connect(
      'pai-tool-call-round.jsonl',
      paiConfig(
        'Use the get_weather tool for any weather question, then answer in one short sentence.',
        { modalities: ['text'], tools: [weatherTool] },
      ),
    )
    session.subscribe((event) => {
      if (event.type === 'tool.call') {
        session.sendToolResult({
          callId: event.callId,
          name: event.name,
          output: 'It is foggy and 12 degrees in London.',
        })
      }
      // One response.create per turn, after the response that asked for the tool is done.
      if (event.type === 'response.done' && log.of('response.done').length === 1) {
        session.createResponse()
      }
    })
    session.sendText('What is the weather in London?')
    await log.waitFor('response.done', 2)
    await expectMatchesRecording(replay, log)
    const [call] = log.of('tool.call')
    expect(call).toMatchObject({ name: 'get_weather', callId: 'call_uMNE0Myi2tDTPu0w' })
    expect(call?.arguments).toBe('{  \n  "city": "London" \n} \n')
    expect(log.assistantTranscripts()).toEqual(['It is foggy and 12 degrees in London.'])
  })

  it.each([
    'pai-webrtc-sideband-audio-turn-http.jsonl',
    'pai-webrtc-sideband-text-turn-http.jsonl',
  ])(
    '%s: HTTP only, not replayable; its posted session config equals our mapping',
    async (file) => {
      const recording = await loadRecording(recordingPath('openai', file))
      expect(recording.kind).toBe('http-only')
      await expect(startReplayServer({ recording })).rejects.toThrow(/no WebSocket messages/)
      const body = String((recording.http[0]?.request as { body?: string }).body)
      const posted = JSON.parse(
        /name="session"\r\nContent-Type: application\/json\r\n\r\n(\{.*\})\r\n/s.exec(body)![1]!,
      )
      const { model, ...session } = posted as { model: string } & Record<string, unknown>
      expect(model).toBe('gpt-realtime')
      const config = paiConfig(String(session.instructions), {
        modalities: session.output_modalities as Array<'text' | 'audio'>,
      })
      expect(toOpenAISessionConfig(config)).toEqual(session)
    },
  )
})
