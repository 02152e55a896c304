// `npm start`: the demo page, the relay and (without API keys) the embedded mock server, on one URL.
import { startDemoServer } from './server'

const port = Number(process.env.PORT ?? 5173)
const demo = await startDemoServer({
  port,
  openaiApiKey: process.env.OPENAI_API_KEY,
  geminiApiKey: process.env.GEMINI_API_KEY,
  openaiUrl: process.env.OPENAI_REALTIME_URL,
  geminiUrl: process.env.GEMINI_LIVE_URL,
}).catch((error: unknown) => {
  if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error
  console.error(`Port ${port} is in use (another demo?). Pick another: PORT=5174 npm start`)
  process.exit(1)
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
