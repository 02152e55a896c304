// `npm start`: the demo page, the relay and (without API keys) the embedded mock server, on one URL.
import { startDemoServer } from './server'

const demo = await startDemoServer({
  port: Number(process.env.PORT ?? 5173),
  openaiApiKey: process.env.OPENAI_API_KEY,
  geminiApiKey: process.env.GEMINI_API_KEY,
  openaiUrl: process.env.OPENAI_REALTIME_URL,
  geminiUrl: process.env.GEMINI_LIVE_URL,
})
const source =
  demo.config.mode === 'mock'
    ? 'the embedded mock server (set OPENAI_API_KEY or GEMINI_API_KEY for a real provider)'
    : `${demo.config.providers.join(' and ')} through the relay`
console.log(`adk-realtime demo: ${demo.url}  — talking to ${source}`)

const stop = (): void => {
  void demo.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
