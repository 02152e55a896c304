// The render-count scenario shared by test/hooks/render-counts.test.tsx and
// bench/render-counts.tsx: 1,000 assistant transcript deltas stream while the frame scheduler
// that coalesces the store's notifications is driven by hand, and React Profilers count the
// commits of each component. Needs a DOM (jsdom) and `IS_REACT_ACT_ENVIRONMENT`.
import { Profiler, StrictMode, act } from 'react'
import type { ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import {
  ConnectionStatus,
  MicToggle,
  RealtimeProvider,
  Transcript,
  VoiceAgentView,
  useRealtimeSession,
} from '../../src/hooks'
import type { RealtimeSessionHandle } from '../../src/hooks'
import { createScriptedModel, serverEvents } from '../../src/testing/scripted-session'
import { createSimulatedAudio } from '../../src/testing/simulated-audio'

export interface RenderCountOptions {
  strict: boolean
  /** Transcript deltas streamed in total (default 1,000). */
  deltas?: number
  /** Deltas arriving between two animation frames (default 10). */
  perFrame?: number
}

export interface RenderCounts {
  deltas: number
  frames: number
  /** Commits per component while the deltas streamed. */
  commits: { Transcript: number; MicToggle: number; ConnectionStatus: number; VoiceAgent: number }
  /** The transcript shows the last delta at the end (every delta arrived). */
  complete: boolean
}

/** A hand-driven animation-frame scheduler for the store. */
function manualFrames() {
  const pending = new Set<() => void>()
  return {
    schedule(publish: () => void) {
      pending.add(publish)
      return () => pending.delete(publish)
    },
    /** Runs one animation frame: every publication scheduled since the last one. */
    run(): number {
      const batch = [...pending]
      pending.clear()
      act(() => batch.forEach((publish) => publish()))
      return batch.length
    },
  }
}

export async function measureRenderCounts(options: RenderCountOptions): Promise<RenderCounts> {
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
  const total = options.deltas ?? 1_000
  const perFrame = options.perFrame ?? 10
  const frames = manualFrames()
  const model = createScriptedModel()
  const commits = { Transcript: 0, MicToggle: 0, ConnectionStatus: 0, VoiceAgent: 0 }
  let counting = false
  const count = (id: string) => {
    if (counting) commits[id as keyof typeof commits] += 1
  }
  let session!: RealtimeSessionHandle
  function App() {
    session = useRealtimeSession({
      model,
      audio: createSimulatedAudio(),
      store: { schedule: frames.schedule },
    })
    const probe = (id: keyof typeof commits, node: ReactNode) => (
      <Profiler id={id} onRender={count}>
        {node}
      </Profiler>
    )
    return (
      <RealtimeProvider session={session}>
        {probe('Transcript', <Transcript />)}
        {probe('MicToggle', <MicToggle />)}
        {probe('ConnectionStatus', <ConnectionStatus />)}
        {probe('VoiceAgent', <VoiceAgentView showVisualizer={false} />)}
      </RealtimeProvider>
    )
  }
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  act(() =>
    root.render(
      options.strict ? (
        <StrictMode>
          <App />
        </StrictMode>
      ) : (
        <App />
      ),
    ),
  )
  await act(() => session.connect())
  const server = model.session
  if (server === undefined) throw new Error('the scripted session did not open')
  // The answer starts (the agent is speaking) before counting: only the deltas are measured.
  act(() =>
    server.emit(serverEvents.responseStarted('r1'), serverEvents.audioDelta({ responseId: 'r1' })),
  )
  while (frames.run() > 0) {
    // drain
  }

  counting = true
  let frameCount = 0
  for (let sent = 0; sent < total; sent += perFrame) {
    act(() => {
      for (let index = sent; index < Math.min(total, sent + perFrame); index += 1) {
        server.emit(serverEvents.transcriptDelta(`w${index} `, 'item_a1', 'r1'))
      }
    })
    frameCount += 1
    frames.run()
  }
  counting = false

  const text = container.querySelector('[role="log"]')?.textContent ?? ''
  const complete = text.includes(`w0 w1 `) && text.includes(`w${total - 1} `)
  act(() => root.unmount())
  container.remove()
  return { deltas: total, frames: frameCount, commits, complete }
}
