'use client'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { useStore } from 'zustand'
import type {
  AgentState,
  ConnectionStatus,
  InterruptionResult,
  RealtimeRunner,
  RealtimeStore,
  RunnerSessionUpdate,
  UpdateSessionResult,
} from '../core'
import type { RealtimeAudio } from './audio'
import { useIsomorphicLayoutEffect } from './layout-effect'
import { RealtimeSessionController } from './session-controller'
import type { RealtimeSessionOptions } from './session-controller'

/** Stable actions of a session: the same functions for the session's whole life. */
export interface RealtimeSessionActions {
  /** Connects and opens the microphone. Call it from a click (audio must unlock in a gesture). */
  connect(): Promise<void>
  /** Closes the session and releases the microphone. */
  disconnect(): Promise<void>
  /** A user text message (throws `not_connected` without a connection). */
  sendText(text: string): void
  /** Stops the assistant now (speakers first, then the response, then a truncation). */
  interrupt(): InterruptionResult
  /** Changes instructions, voice, tools… mid-call (see `RealtimeRunner.updateSession`). */
  updateSession(
    delta: RunnerSessionUpdate,
    options?: { bridgeMessage?: string },
  ): Promise<UpdateSessionResult>
  mute(): void
  unmute(): void
}

export interface RealtimeSessionHandle<TContext = unknown> extends RealtimeSessionActions {
  status: ConnectionStatus
  agentState: AgentState
  isMuted: boolean
  /** Escape hatch: the core runner (created once). */
  runner: RealtimeRunner<TContext>
  /** The zustand store the hooks read (`useRealtimeStore` in components below a provider). */
  store: RealtimeStore
  /** The audio engine, or `undefined` for a text-only session. */
  audio: RealtimeAudio | undefined
}

/**
 * Creates a realtime session for a component: its runner (once, however often the component
 * renders), store, audio engine and tools. Pass the result to `<RealtimeProvider session>`.
 *
 * Options are read once, when the session is created — change the live session with
 * `updateSession` or `useTools`. `handlers` are the exception: the latest ones are always called.
 * The session closes and releases the microphone when the component unmounts; React
 * StrictMode's simulated unmount does not close it, and never causes a second connect.
 *
 * The returned object re-renders its component on `status`, `agentState` and `isMuted` changes
 * only; prefer the granular hooks (`useTranscript`, `useAgentState`, …) below a provider.
 *
 * @example
 * function Agent() {
 *   const session = useRealtimeSession({ model, instruction: 'You are a concierge.' })
 *   return (
 *     <RealtimeProvider session={session}>
 *       <button onClick={() => void session.connect()}>Talk</button>
 *       <Transcript />
 *     </RealtimeProvider>
 *   )
 * }
 */
export function useRealtimeSession<TContext = unknown>(
  options: RealtimeSessionOptions<TContext>,
): RealtimeSessionHandle<TContext> {
  const [controller] = useState(() => new RealtimeSessionController(options))
  const autoConnect = options.autoConnect ?? false
  const handlers = options.handlers

  useIsomorphicLayoutEffect(() => {
    controller.handlers.current = handlers
  })
  useEffect(() => {
    controller.retain(autoConnect)
    return () => controller.release()
  }, [controller, autoConnect])

  const [actions] = useState<RealtimeSessionActions>(() => ({
    connect: controller.connect,
    disconnect: controller.disconnect,
    sendText: (text) => controller.runner.sendText(text),
    interrupt: () => controller.runner.interrupt(),
    updateSession: (delta, updateOptions) => controller.runner.updateSession(delta, updateOptions),
    mute: () => controller.setMuted(true),
    unmute: () => controller.setMuted(false),
  }))
  const status = useStore(controller.store, (state) => state.connection)
  const agentState = useStore(controller.store, (state) => state.agentState)
  const readMuted = (): boolean => controller.getAudioState().muted
  const isMuted = useSyncExternalStore(controller.subscribeAudio, readMuted, readMuted)

  return useMemo(
    () => ({
      ...actions,
      status,
      agentState,
      isMuted,
      runner: controller.runner,
      store: controller.store,
      audio: controller.audio,
    }),
    [actions, controller, status, agentState, isMuted],
  )
}
