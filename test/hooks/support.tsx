// Shared helpers of the hook suites: every suite runs plain and inside <StrictMode>.
import { StrictMode } from 'react'
import type { ReactNode } from 'react'
import { act, render } from '@testing-library/react'
import { RealtimeProvider, useRealtimeSession } from '../../src/hooks'
import type { RealtimeSessionHandle, RealtimeSessionOptions } from '../../src/hooks'
import { ScriptedModel, createScriptedModel } from '../../src/testing/scripted-session'
import { createSimulatedAudio } from '../../src/testing/simulated-audio'

export const reactModes = [
  ['plain', false],
  ['StrictMode', true],
] as const

export function inMode(strict: boolean, ui: ReactNode): ReactNode {
  return strict ? <StrictMode>{ui}</StrictMode> : ui
}

/** Lets promises and microtasks (the controller's deferred release, tool flushes) settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    await act(async () => {
      await Promise.resolve()
    })
  }
}

/** jsdom has no canvas: give the visualizer a 2D context that draws nowhere. */
export function stubCanvas(): void {
  const context = { clearRect() {}, fillRect() {}, fillStyle: '' }
  HTMLCanvasElement.prototype.getContext = (() =>
    context) as unknown as HTMLCanvasElement['getContext']
}

/** Store option: publish changes in a microtask instead of the next animation frame. */
export const microtaskStore = {
  schedule: (publish: () => void) => {
    queueMicrotask(publish)
    return () => {}
  },
}

/** Renders `children` under a session of its own (scripted model, simulated audio). */
export function withSession(
  strict: boolean,
  children: ReactNode,
  options: Partial<RealtimeSessionOptions> = {},
) {
  const model = options.model instanceof ScriptedModel ? options.model : createScriptedModel()
  const audio = createSimulatedAudio()
  let session!: RealtimeSessionHandle
  function Host({ children: inner }: { children: ReactNode }) {
    session = useRealtimeSession({ model, audio, store: microtaskStore, ...options })
    return <RealtimeProvider session={session}>{inner}</RealtimeProvider>
  }
  const view = render(inMode(strict, <Host>{children}</Host>))
  return {
    ...view,
    model,
    audio,
    session: () => session,
    /** The open scripted session (after connect). */
    server: () => {
      const open = model.session
      if (open === undefined) throw new Error('not connected')
      return open
    },
    rerenderChildren: (next: ReactNode) => view.rerender(inMode(strict, <Host>{next}</Host>)),
  }
}
