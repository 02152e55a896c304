import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import {
  GeminiRealtimeModel,
  OpenAIRealtimeModel,
  RealtimeRunner,
  defineTool,
} from '../../src/core'
import type { RealtimeModel } from '../../src/core'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../src/testing'

/** The README's "Node in 20 lines", with the model pointed at the mock server. */
let mock: MockRealtimeServer | undefined
let runner: RealtimeRunner | undefined
afterEach(async () => {
  await runner?.close()
  await mock?.close()
})

async function readmeExample(model: RealtimeModel): Promise<{ text: string; tools: unknown[] }> {
  let text = ''
  const tools: unknown[] = []
  runner = new RealtimeRunner({
    model,
    instruction: 'You are a terse weather assistant.',
    config: { modalities: ['text'] },
    tools: [
      defineTool({
        name: 'get_weather',
        parameters: z.object({ city: z.string() }),
        handler: async ({ city }) => {
          tools.push({ city })
          return { city, conditions: 'sunny', temperatureC: 21 }
        },
      }),
    ],
    handlers: { onText: (delta) => (text += delta), onTranscript: (delta) => (text += delta) },
  })
  await runner.connect()
  runner.sendText('What is the weather in Paris?')
  await expect.poll(() => text, { timeout: 10_000 }).toMatch(/sunny/)
  return { text, tools }
}

it('should run the README Node example on OpenAI', async () => {
  mock = await createMockRealtimeServer()
  const result = await readmeExample(
    new OpenAIRealtimeModel({ apiKey: 'test', url: mock.openaiUrl }),
  )
  expect(result.tools).toEqual([{ city: 'Paris' }])
  expect(result.text).toContain('21')
})

it('should run the README Node example on Gemini, changing only the model', async () => {
  mock = await createMockRealtimeServer()
  const result = await readmeExample(new GeminiRealtimeModel({ apiKey: 'test', baseUrl: mock.url }))
  expect(result.tools).toEqual([{ city: 'Paris' }])
})
