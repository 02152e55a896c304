/**
 * The three clients the throughput and memory benchmarks compare, each answering the session's
 * `get_weather` calls with the same string:
 *
 * - `floor`: a raw `ws` client that only decodes each frame's UTF-8, parses its JSON, decodes audio
 *   deltas' base64, and sends the function-call output and `response.create` the session needs to
 *   go on. No library can do less and still play the audio.
 * - `ours`: `OpenAIRealtimeModel` + `RealtimeRunner` (with a `defineTool` tool) +
 *   `createRealtimeStore`, with one `onAudio` handler and one store subscriber (a UI's mirror).
 * - `agents-realtime`: `@openai/agents-realtime`'s `RealtimeSession` over
 *   `OpenAIRealtimeWebSocket({ url })`, with a `tool()` and one `audio` and one `history_updated`
 *   listener (its UI mirror).
 */
import {
  OpenAIRealtimeWebSocket,
  RealtimeAgent,
  RealtimeSession,
  tool,
} from '@openai/agents-realtime'
import WebSocket from 'ws'
import { z } from 'zod'
import { OpenAIRealtimeModel } from '../../src/core/providers/openai'
import { RealtimeRunner } from '../../src/core/runner/runner'
import { defineTool } from '../../src/core/runner/tools'
import { createRealtimeStore } from '../../src/core/store'
import { answerTranscript, expectedResponses, weatherAnswer } from './traffic-scenario'
import type { TrafficScenario } from './traffic-scenario'

export const CLIENTS = ['floor', 'ours', 'agents-realtime'] as const
export type ClientName = (typeof CLIENTS)[number]

export interface SessionCounters {
  audioBytes: number
  toolCalls: number
  responses: number
  /** Store / history notifications the UI mirror received. */
  notifications: number
  errors: string[]
}

export interface BenchSession {
  /** Resolves once every response of the scenario is done. */
  finished: Promise<void>
  counters: SessionCounters
  /** The assistant's spoken answers as the client keeps them (the transcript). */
  answers(): string[]
  close(): Promise<void>
}

export interface SessionHooks {
  /** Called synchronously after each `response.done` is handled (1-based count). */
  onResponseDone?(count: number): void
}

const INSTRUCTIONS = 'You are a weather assistant. Use get_weather, then answer briefly.'

function newCounters(): SessionCounters {
  return { audioBytes: 0, toolCalls: 0, responses: 0, notifications: 0, errors: [] }
}

function completion(
  scenario: TrafficScenario,
  counters: SessionCounters,
  hooks: SessionHooks,
): { finished: Promise<void>; responseDone: () => void } {
  let resolve!: () => void
  const finished = new Promise<void>((r) => (resolve = r))
  const total = expectedResponses(scenario)
  return {
    finished,
    responseDone: () => {
      counters.responses += 1
      hooks.onResponseDone?.(counters.responses)
      if (counters.responses === total) resolve()
    },
  }
}

/** Opens a session of `client` against the traffic server; resolves once it is connected. */
export async function openSession(
  client: ClientName,
  url: string,
  scenario: TrafficScenario,
  hooks: SessionHooks = {},
): Promise<BenchSession> {
  switch (client) {
    case 'floor':
      return openFloor(url, scenario, hooks)
    case 'ours':
      return openOurs(url, scenario, hooks)
    case 'agents-realtime':
      return openAgents(url, scenario, hooks)
  }
}

async function openFloor(
  url: string,
  scenario: TrafficScenario,
  hooks: SessionHooks,
): Promise<BenchSession> {
  const counters = newCounters()
  const { finished, responseDone } = completion(scenario, counters, hooks)
  const transcripts = new Map<string, string>()
  const ws = new WebSocket(`${url}?model=gpt-realtime`, {
    headers: { Authorization: 'Bearer sk-bench' },
  })
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Record<string, string>
    switch (message.type) {
      case 'response.output_audio.delta':
        counters.audioBytes += Buffer.from(message.delta as string, 'base64').byteLength
        return
      case 'response.output_audio_transcript.done':
        transcripts.set(message.item_id as string, message.transcript as string)
        return
      case 'response.function_call_arguments.done': {
        const { city } = JSON.parse(message.arguments as string) as { city: string }
        counters.toolCalls += 1
        ws.send(
          JSON.stringify({
            type: 'conversation.item.create',
            item: {
              type: 'function_call_output',
              call_id: message.call_id,
              output: weatherAnswer(city),
            },
          }),
        )
        ws.send(JSON.stringify({ type: 'response.create' }))
        return
      }
      case 'response.done':
        return responseDone()
      case 'error':
        counters.errors.push(JSON.stringify(message.error))
        return
    }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  ws.send(
    JSON.stringify({
      type: 'session.update',
      session: { type: 'realtime', instructions: INSTRUCTIONS },
    }),
  )
  return {
    finished,
    counters,
    answers: () => [...transcripts.values()],
    close: async () => {
      ws.close()
      await new Promise((resolve) => ws.once('close', resolve))
    },
  }
}

async function openOurs(
  url: string,
  scenario: TrafficScenario,
  hooks: SessionHooks,
): Promise<BenchSession> {
  const counters = newCounters()
  const { finished, responseDone } = completion(scenario, counters, hooks)
  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    handler: ({ city }) => weatherAnswer(city),
  })
  const runner = new RealtimeRunner({
    model: new OpenAIRealtimeModel({ apiKey: 'sk-bench', url }),
    instruction: INSTRUCTIONS,
    tools: [getWeather],
    handlers: {
      onAudio: (pcm) => {
        counters.audioBytes += pcm.byteLength
      },
      onToolResult: () => {
        counters.toolCalls += 1
      },
      onResponseDone: responseDone,
      onError: (error) => {
        counters.errors.push(`${error.code}: ${error.message}`)
      },
    },
  })
  const store = createRealtimeStore(runner)
  store.subscribe(() => {
    counters.notifications += 1
  })
  await runner.connect()
  return {
    finished,
    counters,
    answers: () =>
      store
        .getState()
        .items.flatMap((item) =>
          item.kind === 'message' && item.role === 'assistant' ? [item.text] : [],
        ),
    close: async () => {
      await runner.close()
      store.destroy()
    },
  }
}

async function openAgents(
  url: string,
  scenario: TrafficScenario,
  hooks: SessionHooks,
): Promise<BenchSession> {
  const counters = newCounters()
  const { finished, responseDone } = completion(scenario, counters, hooks)
  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => weatherAnswer(city),
  })
  const agent = new RealtimeAgent({
    name: 'Assistant',
    instructions: INSTRUCTIONS,
    tools: [getWeather],
  })
  const transport = new OpenAIRealtimeWebSocket({ url: `${url}?model=gpt-realtime` })
  const session = new RealtimeSession(agent, { transport, model: 'gpt-realtime' })
  session.on('audio', (event) => {
    counters.audioBytes += event.data.byteLength
  })
  session.on('history_updated', () => {
    counters.notifications += 1
  })
  session.on('agent_tool_end', () => {
    counters.toolCalls += 1
  })
  session.on('error', (event) => {
    counters.errors.push(String((event as { error?: unknown }).error))
  })
  transport.on('turn_done', responseDone)
  await session.connect({ apiKey: 'sk-bench' })
  return {
    finished,
    counters,
    answers: () =>
      session.history.flatMap((item) =>
        item.type === 'message' && item.role === 'assistant'
          ? item.content.map((part) => ('transcript' in part ? (part.transcript ?? '') : ''))
          : [],
      ),
    close: async () => {
      session.close()
      await new Promise((resolve) => setTimeout(resolve, 10))
    },
  }
}

/** Throws unless the session received everything and kept the transcript. */
export function verifySession(
  client: ClientName,
  session: BenchSession,
  scenario: TrafficScenario,
  expectedAudioBytes: number,
): void {
  const { counters } = session
  const problems: string[] = []
  if (counters.audioBytes !== expectedAudioBytes) {
    problems.push(`audio ${counters.audioBytes} B, expected ${expectedAudioBytes} B`)
  }
  if (counters.toolCalls !== scenario.rounds) {
    problems.push(`${counters.toolCalls} tool calls, expected ${scenario.rounds}`)
  }
  const answers = session.answers()
  const expected = Array.from({ length: scenario.rounds }, (_, round) =>
    answerTranscript(scenario, round),
  )
  if (answers.length !== expected.length || answers.some((text, i) => text !== expected[i])) {
    problems.push(`transcript: ${answers.length} answers kept, expected ${expected.length} intact`)
  }
  if (problems.length > 0) throw new Error(`${client}: ${problems.join('; ')}`)
}
