// Placeholder for `npm start`. The demo issue replaces it with a voice agent that talks to the
// embedded mock server, or to a real provider through the relay when an API key is set.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

function App() {
  return (
    <main style={{ maxWidth: 560, padding: 24 }}>
      <h1>adk-realtime demo</h1>
      <p>
        The voice-agent demo is coming. It will run against the embedded mock server when no API key
        is set, and against OpenAI Realtime or Gemini Live through the relay when one is.
      </p>
    </main>
  )
}

const container = document.getElementById('root')
if (container === null) throw new Error('demo/index.html has no #root element')

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
