import { z } from 'zod'
import { defineTool } from '../src/hooks'

export type Theme = 'light' | 'dark'

/** Deterministic "weather": the demo never calls the internet. */
const conditions = ['sunny', 'cloudy', 'rainy', 'windy', 'foggy']

export const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string().describe('City name, e.g. Paris') }),
  handler: async ({ city }) => {
    const seed = [...city.toLowerCase()].reduce((sum, char) => sum + char.charCodeAt(0), 0)
    return {
      city,
      conditions: conditions[seed % conditions.length],
      // A unit in the value, not the key: the mock reads results aloud as "key value".
      temperature: `${8 + (seed % 17)} °C`,
    }
  },
})

/** A UI tool: the page's theme lives in React state, so the handler comes from the component. */
export function setThemeTool(setTheme: (theme: Theme) => void) {
  return defineTool({
    name: 'set_theme',
    description: "Switch the page's colour theme.",
    parameters: z.object({ theme: z.enum(['light', 'dark']) }),
    handler: ({ theme }) => {
      setTheme(theme)
      return `The page is now ${theme}.`
    },
  })
}
