import { afterEach, describe, expect, it } from 'vitest'
import {
  createMockBrain,
  createMockRealtimeServer,
  type BrainContext,
  type MockRealtimeServer,
} from '../../../src/testing'
import { geminiSession, silence, tone, type RawClient } from '../../conformance/mock-helpers'

/**
 * Gemini turns: realtime audio at the declared rate cut by the activity detection or by the
 * client's activity signals, typed input, client content, tool calls, transcription and barge-in.
 */
let server: MockRealtimeServer

afterEach(async () => {
  await server.close()
})

type Message = Record<string, unknown> & {
  serverContent?: Record<string, unknown>
  toolCall?: { functionCalls: Array<{ id: string; name: string; args: Record<string, unknown> }> }
  toolCallCancellation?: { ids: string[] }
}

const turnComplete = (message: Message) => message.serverContent?.turnComplete === true

/** A compact view of a turn: the kinds of the messages, consecutive repeats folded. */
function shape(client: RawClient, from = 0): string[] {
  const kinds = (client.messages.items.slice(from) as Message[]).map((message) =>
    Object.entries(message)
      .filter(([key]) => !key.startsWith('__'))
      .map(([key, value]) =>
        key === 'serverContent' ? `serverContent.${Object.keys(value as object).join('+')}` : key,
      )
      .join('+'),
  )
  return kinds.filter((kind, index) => kind !== kinds[index - 1])
}

function sendAudio(client: RawClient, pcm: Buffer, rate: number): void {
  const chunk = Math.round(rate / 10) * 2
  for (let offset = 0; offset < pcm.length; offset += chunk) {
    client.send({
      realtimeInput: {
        audio: {
          data: pcm.subarray(offset, offset + chunk).toString('base64'),
          mimeType: `audio/pcm;rate=${rate}`,
        },
      },
    })
  }
}

/** What the model said, one string per turn (text parts up to each turnComplete). */
function turnsSaid(client: RawClient): string[] {
  const turns: string[] = []
  let said = ''
  for (const message of client.messages.items as Message[]) {
    const parts =
      (message.serverContent?.modelTurn as { parts?: Array<{ text?: string }> } | undefined)
        ?.parts ?? []
    said += parts.map((part) => part.text ?? '').join('')
    if (turnComplete(message)) {
      turns.push(said)
      said = ''
    }
  }
  return turns
}

const nthTurnComplete = (client: RawClient, n: number) =>
  client.messages.next(
    (message) =>
      turnComplete(message as Message) &&
      (client.messages.items as Message[]).filter(turnComplete).length === n,
  )

/** Text replies, turns cut by the client, and the model talking over the user. */
const noInterruption = {
  generationConfig: { responseModalities: ['TEXT'] },
  realtimeInputConfig: {
    automaticActivityDetection: { disabled: true },
    activityHandling: 'NO_INTERRUPTION',
  },
}

/** A spoken turn cut by the client's activity signals. */
function speakTurn(client: RawClient): void {
  client.send({ realtimeInput: { activityStart: {} } })
  sendAudio(client, tone(500, 16_000), 16_000)
  client.send({ realtimeInput: { activityEnd: {} } })
}

const tools = [
  {
    functionDeclarations: [
      {
        name: 'get_weather',
        parameters: {
          type: 'OBJECT',
          properties: { city: { type: 'STRING' } },
          required: ['city'],
        },
      },
    ],
  },
]

describe('Gemini turns', () => {
  it.each([16_000, 24_000, 8_000])(
    'hears a spoken turn at the declared rate %i Hz and transcribes both sides',
    async (rate) => {
      const heard: number[] = []
      server = await createMockRealtimeServer({
        brain: createMockBrain({
          transcripts: ({ sampleRate }) => {
            heard.push(sampleRate)
            return 'My name is Ada.'
          },
        }),
      })
      const client = await geminiSession(server.url, {
        inputAudioTranscription: {},
        outputAudioTranscription: {},
      })
      sendAudio(
        client,
        Buffer.concat([silence(300, rate), tone(800, rate), silence(800, rate)]),
        rate,
      )
      await client.messages.next(turnComplete)
      expect(heard).toEqual([rate])
      const messages = client.messages.items as Message[]
      const input = messages
        .map(
          (message) =>
            (message.serverContent?.inputTranscription as { text?: string } | undefined)?.text ??
            '',
        )
        .join('')
      const output = messages
        .map(
          (message) =>
            (message.serverContent?.outputTranscription as { text?: string } | undefined)?.text ??
            '',
        )
        .join('')
      expect(input).toBe('My name is Ada.')
      expect(output).toBe('Sure. You said: My name is Ada.')
      const turn = shape(client)
      expect(turn.slice(0, 4)).toEqual([
        'setupComplete',
        'serverContent.inputTranscription',
        // A native-audio model's `thought` part, then its speech with the transcript ahead of it.
        'serverContent.modelTurn',
        'serverContent.outputTranscription',
      ])
      expect(turn.slice(-2)).toEqual([
        'serverContent.generationComplete',
        'serverContent.turnComplete+usageMetadata',
      ])
      client.ws.close()
    },
  )

  it('cuts turns by activityStart / activityEnd when automatic detection is disabled', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, {
      generationConfig: { responseModalities: ['TEXT'] },
      realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    })
    client.send({ realtimeInput: { activityStart: {} } })
    // Silence is still a turn: the client, not the energy, decides.
    sendAudio(client, silence(500, 16_000), 16_000)
    client.send({ realtimeInput: { activityEnd: {} } })
    await client.messages.next(turnComplete)
    const text = (client.messages.items as Message[])
      .flatMap(
        (message) =>
          (message.serverContent?.modelTurn as { parts?: Array<{ text?: string }> } | undefined)
            ?.parts ?? [],
      )
      .map((part) => part.text ?? '')
      .join('')
    expect(text).toBe('Sure. You said: Hello there.')
    client.ws.close()
  })

  it('ends an utterance at audioStreamEnd when the audio stops mid-speech', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, {})
    sendAudio(client, Buffer.concat([silence(200, 16_000), tone(600, 16_000)]), 16_000)
    client.send({ realtimeInput: { audioStreamEnd: true } })
    await client.messages.next(turnComplete)
    client.ws.close()
  })

  it('answers client content only when the turn is complete, with everything sent before in context', async () => {
    const contexts: BrainContext[] = []
    server = await createMockRealtimeServer({
      brain: createMockBrain({
        respond: (context) => {
          contexts.push(context)
          return undefined
        },
      }),
    })
    const client = await geminiSession(server.url, {})
    client.send({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'Remember: blue.' }] }] },
    })
    client.send({
      clientContent: {
        turns: [{ role: 'user', parts: [{ text: 'What colour?' }] }],
        turnComplete: true,
      },
    })
    await client.messages.next(turnComplete)
    expect(contexts).toHaveLength(1)
    expect(
      contexts[0]!.history.map((message) =>
        message.role === 'user' ? message.text : message.role,
      ),
    ).toEqual(['Remember: blue.', 'What colour?'])
    client.ws.close()
  })

  it('sends several calls in one toolCall, waits for every response, then answers from them', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, { tools, outputAudioTranscription: {} })
    client.send({ realtimeInput: { text: 'What is the weather in Paris and in London?' } })
    const call = (await client.messages.next(
      (message) => message.toolCall !== undefined,
    )) as Message
    const calls = call.toolCall!.functionCalls
    expect(calls.map((entry) => [entry.name, entry.args])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'London' }],
    ])
    const from = client.messages.length
    client.send({
      toolResponse: {
        functionResponses: [
          { id: calls[0]!.id, name: 'get_weather', response: { output: 'Paris: 21 degrees.' } },
        ],
      },
    })
    client.send({
      toolResponse: {
        functionResponses: [
          { id: calls[1]!.id, name: 'get_weather', response: { output: 'London: 12 degrees.' } },
        ],
      },
    })
    await client.messages.next(turnComplete, from)
    const output = (client.messages.items.slice(from) as Message[])
      .map(
        (message) =>
          (message.serverContent?.outputTranscription as { text?: string } | undefined)?.text ?? '',
      )
      .join('')
    expect(output).toBe('Paris: 21 degrees. London: 12 degrees.')
    client.ws.close()
  })

  it('on barge-in mid-speech sends interrupted then turnComplete, never generationComplete', async () => {
    server = await createMockRealtimeServer({
      brain: createMockBrain({ firstAudioDelayMs: 60_000 }),
    })
    const client = await geminiSession(server.url, {
      realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    })
    client.send({ realtimeInput: { text: 'Tell me a story.' } })
    await client.messages.next((message) => Boolean((message as Message).serverContent?.modelTurn))
    const from = client.messages.length
    client.send({ realtimeInput: { activityStart: {} } })
    await client.messages.next(turnComplete, from)
    expect(shape(client, from)).toEqual([
      'serverContent.interrupted',
      'serverContent.turnComplete+usageMetadata',
    ])
    client.ws.close()
  })

  it('on barge-in by voice while tool calls are pending sends interrupted, toolCallCancellation and turnComplete', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, { tools })
    client.send({ realtimeInput: { text: 'What is the weather in Paris?' } })
    const call = (await client.messages.next(
      (message) => message.toolCall !== undefined,
    )) as Message
    const from = client.messages.length
    sendAudio(client, Buffer.concat([silence(100, 16_000), tone(400, 16_000)]), 16_000)
    await client.messages.next(turnComplete, from)
    expect(shape(client, from)).toEqual([
      'serverContent.interrupted',
      'toolCallCancellation',
      'serverContent.turnComplete+usageMetadata',
    ])
    const cancellation = client.messages.items.find(
      (message) => 'toolCallCancellation' in message,
    ) as Message
    expect(cancellation.toolCallCancellation!.ids).toEqual([call.toolCall!.functionCalls[0]!.id])
    client.ws.close()
  })

  it('keeps talking over the user with activityHandling NO_INTERRUPTION', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, {
      realtimeInputConfig: {
        automaticActivityDetection: { disabled: true },
        activityHandling: 'NO_INTERRUPTION',
      },
    })
    client.send({ realtimeInput: { text: 'Hi.' } })
    client.send({ realtimeInput: { activityStart: {} } })
    await client.messages.next(turnComplete)
    expect(shape(client)).toContain('serverContent.generationComplete')
    expect(shape(client)).not.toContain('serverContent.interrupted')
    client.ws.close()
  })

  it('with NO_INTERRUPTION answers a spoken turn that ended during a reply once that reply is done', async () => {
    // The first reply is held until the spoken turn has been heard, so the two overlap.
    let release: () => void = () => {}
    const held = new Promise<undefined>((resolve) => (release = () => resolve(undefined)))
    let replies = 0
    server = await createMockRealtimeServer({
      brain: createMockBrain({
        transcripts: 'Second.',
        respond: () => (replies++ === 0 ? held : undefined),
      }),
    })
    const client = await geminiSession(server.url, noInterruption)
    client.send({ realtimeInput: { text: 'First.' } })
    speakTurn(client)
    await server.log.waitFor(
      (frame) => frame.direction === 'in' && frame.kind === 'realtimeInput.activityEnd',
    )
    release()
    await nthTurnComplete(client, 2)
    expect(turnsSaid(client)).toEqual(['Sure. You said: First.', 'Sure. You said: Second.'])
    expect(shape(client)).not.toContain('serverContent.interrupted')
    client.ws.close()
  })

  it('with NO_INTERRUPTION takes the tool response for the pending call, then answers the turn spoken meanwhile', async () => {
    server = await createMockRealtimeServer({ brain: createMockBrain({ transcripts: 'Thanks.' }) })
    const client = await geminiSession(server.url, { ...noInterruption, tools })
    client.send({ realtimeInput: { text: 'What is the weather in Paris?' } })
    const call = (await client.messages.next(
      (message) => message.toolCall !== undefined,
    )) as Message
    speakTurn(client)
    client.send({
      toolResponse: {
        functionResponses: [
          {
            id: call.toolCall!.functionCalls[0]!.id,
            name: 'get_weather',
            response: { output: 'Sunny, 20 degrees' },
          },
        ],
      },
    })
    await nthTurnComplete(client, 2)
    expect(turnsSaid(client)).toEqual(['Sunny, 20 degrees.', 'Sure. You said: Thanks.'])
    expect(shape(client)).not.toContain('toolCallCancellation')
    client.ws.close()
  })
})
