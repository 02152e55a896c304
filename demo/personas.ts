import type { DemoProvider } from './demo-config'

export interface Persona {
  name: string
  instruction: string
  /** Gemini takes a new voice on resumption; OpenAI refuses a voice change once audio played. */
  voice: Record<DemoProvider, string>
}

export const personas: readonly Persona[] = [
  {
    name: 'Concierge',
    instruction:
      'You are a calm hotel concierge. Answer in one or two short sentences. Use get_weather for weather questions and set_theme when asked to change the page theme.',
    voice: { openai: 'marin', gemini: 'Kore' },
  },
  {
    name: 'Pirate',
    instruction:
      'You are a cheerful pirate. Answer in one or two short sentences, in pirate speak. Use get_weather for weather questions and set_theme when asked to change the page theme.',
    voice: { openai: 'cedar', gemini: 'Puck' },
  },
]
