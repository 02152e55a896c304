// Every UI state the stories show, reached through the public path: a RealtimeRunner (made by
// useRealtimeSession) on the in-memory scripted model, driven from the "server" side with the
// events a provider would send. No network, no microphone: audio is simulated.
import { z } from 'zod'
import { defineTool } from '../src/core'
import type { ServerEvent } from '../src/core'
import type { RealtimeSessionHandle, RealtimeSessionOptions } from '../src/hooks'
import { serverEvents } from '../src/testing/scripted-session'
import type {
  ScriptedModel,
  ScriptedModelOptions,
  ScriptedSession,
} from '../src/testing/scripted-session'
import type { SimulatedAudioOptions } from '../src/testing/simulated-audio'
import { videoScenarios } from './video-scenarios'
import type { VideoScenarioName } from './video-scenarios'

export type ScenarioName =
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'userSpeaking'
  | 'thinking'
  | 'speaking'
  | 'executingTool'
  | 'toolsFinished'
  | 'pendingResumption'
  | 'reconnecting'
  | 'failed'
  | 'longTranscript'
  | 'interrupted'
  | 'muted'
  | 'micDenied'
  | 'textOnly'
  | 'autoplayBlocked'
  | VideoScenarioName

export interface ScenarioContext {
  session: RealtimeSessionHandle
  model: ScriptedModel
  /** The open scripted session (throws before connect). */
  server(): ScriptedSession
  /** Calls `step` every `ms` until it returns false or the story unmounts. */
  every(ms: number, step: () => boolean | void): void
}

export interface Scenario {
  model?: ScriptedModelOptions
  /** `false`: a text-only session. */
  audio?: SimulatedAudioOptions | false
  session?: Partial<RealtimeSessionOptions>
  play?(context: ScenarioContext): Promise<void> | void
}

/** Never settles until the runner aborts it (close, cancellation): a tool "still running". */
const slowWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  handler: (_args, { signal }) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
    }),
})

const getTime = defineTool({
  name: 'get_time',
  description: 'The local time in a city',
  parameters: z.object({ city: z.string() }),
  handler: ({ city }) => ({ city, time: '14:05' }),
})

const tools = [slowWeather, getTime]

/** A user turn and a finished answer, as a provider reports them. */
function exchange(index: number, question: string, answer: string): ServerEvent[] {
  const response = `resp_${index}`
  const item = `item_a${index}`
  return [
    { type: 'inputTranscript.done', itemId: `item_u${index}`, transcript: question },
    serverEvents.responseStarted(response),
    serverEvents.transcriptDelta(answer, item, response),
    { type: 'transcript.done', itemId: item, responseId: response, transcript: answer },
    serverEvents.responseDone(response),
  ]
}

const opening = exchange(
  0,
  'Hi! Can you help me plan a trip?',
  'Of course. Where would you like to go?',
)

/** Streams `text` word by word as the assistant's (or the user's) live transcript. */
function streamWords(context: ScenarioContext, text: string, event: (word: string) => ServerEvent) {
  const words = text.split(' ')
  let index = 0
  context.every(220, () => {
    const word = words[index]
    if (word === undefined) return false
    context.server().emit(event(index === 0 ? word : ` ${word}`))
    index += 1
    return true
  })
}

async function connected(context: ScenarioContext, ...events: ServerEvent[]): Promise<void> {
  await context.session.connect()
  context.server().emit(...opening, ...events)
}

const answer = 'Lisbon is lovely in spring: mild, sunny days and long evenings by the river.'

export const scenarios: Record<ScenarioName, Scenario> = {
  idle: {},
  connecting: {
    model: { connectDelayMs: 3_600_000 },
    session: { connectTimeoutMs: 3_600_000 },
    play: ({ session }) => void session.connect().catch(() => {}),
  },
  listening: { play: (context) => connected(context) },
  userSpeaking: {
    async play(context) {
      await connected(context, serverEvents.speechStarted('item_u1'))
      streamWords(context, 'What is the weather like in Lisbon in April?', (word) =>
        serverEvents.inputTranscriptDelta(word, 'item_u1'),
      )
    },
  },
  thinking: {
    play: (context) =>
      connected(
        context,
        serverEvents.speechStarted('item_u1'),
        { type: 'inputTranscript.done', itemId: 'item_u1', transcript: 'Is Lisbon nice in April?' },
        serverEvents.speechStopped('item_u1'),
        serverEvents.responseStarted('resp_1'),
      ),
  },
  speaking: {
    async play(context) {
      await connected(
        context,
        { type: 'inputTranscript.done', itemId: 'item_u1', transcript: 'Is Lisbon nice in April?' },
        serverEvents.responseStarted('resp_1'),
        serverEvents.audioDelta({ itemId: 'item_a1', responseId: 'resp_1' }),
      )
      streamWords(context, answer, (word) =>
        serverEvents.transcriptDelta(word, 'item_a1', 'resp_1'),
      )
    },
  },
  executingTool: {
    session: { tools },
    play: (context) =>
      connected(
        context,
        {
          type: 'inputTranscript.done',
          itemId: 'item_u1',
          transcript: 'What time is it in Lisbon, and the weather?',
        },
        serverEvents.responseStarted('resp_1'),
        serverEvents.toolCall('call_time', 'get_time', { city: 'Lisbon' }, 'resp_1'),
        serverEvents.toolCall('call_weather', 'get_weather', { city: 'Lisbon' }, 'resp_1'),
      ),
  },
  toolsFinished: {
    session: { tools },
    async play(context) {
      await connected(
        context,
        serverEvents.responseStarted('resp_1'),
        serverEvents.toolCall('call_time', 'get_time', { city: 'Lisbon' }, 'resp_1'),
        serverEvents.toolCall('call_bad', 'get_time', { town: 'Porto' }, 'resp_1'),
        serverEvents.toolCall('call_weather', 'get_weather', { city: 'Faro' }, 'resp_1'),
      )
      context.server().emit({ type: 'tool.cancelled', callIds: ['call_weather'] })
    },
  },
  pendingResumption: {
    model: { preset: 'gemini' },
    async play(context) {
      await connected(
        context,
        serverEvents.responseStarted('resp_1'),
        serverEvents.audioDelta({ itemId: 'item_a1', responseId: 'resp_1' }),
        serverEvents.transcriptDelta('Let me think about the best', 'item_a1', 'resp_1'),
      )
      await context.session.updateSession(
        { instruction: 'Answer in Portuguese from now on.' },
        { bridgeMessage: 'The user asked for Portuguese.' },
      )
    },
  },
  reconnecting: {
    session: { reconnect: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 } },
    async play(context) {
      await connected(context)
      context.server().drop()
    },
  },
  failed: {
    model: { refuseConnects: 1 },
    play: ({ session }) => void session.connect().catch(() => {}),
  },
  longTranscript: {
    async play(context) {
      await context.session.connect()
      const events = Array.from({ length: 24 }, (_, index) =>
        exchange(
          index + 1,
          `Question ${index + 1}: what else should I see in Lisbon?`,
          `Suggestion ${index + 1}: take tram 28 through Alfama, then watch the sunset from a miradouro.`,
        ),
      ).flat()
      context.server().emit(...events)
    },
  },
  interrupted: {
    play: (context) =>
      connected(
        context,
        serverEvents.responseStarted('resp_1'),
        serverEvents.audioDelta({ itemId: 'item_a1', responseId: 'resp_1' }),
        serverEvents.transcriptDelta(
          'There are three neighbourhoods you should',
          'item_a1',
          'resp_1',
        ),
        serverEvents.speechStarted('item_u1'),
        { type: 'interrupted', responseId: 'resp_1' },
        serverEvents.responseDone('resp_1', 'cancelled'),
        {
          type: 'inputTranscript.done',
          itemId: 'item_u1',
          transcript: 'Sorry — just the best one?',
        },
        serverEvents.speechStopped('item_u1'),
      ),
  },
  muted: {
    async play(context) {
      await connected(context)
      context.session.mute()
    },
  },
  micDenied: {
    audio: { permission: 'denied' },
    play: (context) => connected(context),
  },
  textOnly: { audio: false, play: (context) => connected(context) },
  autoplayBlocked: { audio: { canPlayAudio: false }, play: (context) => connected(context) },
  ...videoScenarios,
}
