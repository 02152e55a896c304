'use client'
import { createContext, useContext } from 'react'
import type { ReactNode } from 'react'
import { controllerOf } from './session-controller'
import type { RealtimeSessionController } from './session-controller'
import type { RealtimeSessionHandle } from './useRealtimeSession'

const RealtimeContext = createContext<RealtimeSessionController | null>(null)
RealtimeContext.displayName = 'RealtimeContext'

export interface RealtimeProviderProps {
  /** What `useRealtimeSession()` returned. */
  session: Pick<RealtimeSessionHandle, 'store'>
  children?: ReactNode | undefined
}

/**
 * Makes a session available to the hooks and components below it. The component that called
 * `useRealtimeSession` owns the session's lifetime; the provider only passes it down.
 *
 * @example
 * function App() {
 *   const session = useRealtimeSession({ model, instruction: 'Be brief.' })
 *   return (
 *     <RealtimeProvider session={session}>
 *       <Transcript />
 *       <MicToggle />
 *     </RealtimeProvider>
 *   )
 * }
 */
export function RealtimeProvider({ session, children }: RealtimeProviderProps) {
  const controller = controllerOf(session.store)
  if (controller === undefined) {
    throw new Error(
      '<RealtimeProvider session={…}> expects the value returned by useRealtimeSession().',
    )
  }
  return <RealtimeContext.Provider value={controller}>{children}</RealtimeContext.Provider>
}

/** The session of the nearest provider, or `null` outside one. */
export function useMaybeRealtimeController(): RealtimeSessionController | null {
  return useContext(RealtimeContext)
}

/** The session of the nearest provider; throws a message that says how to fix a missing one. */
export function useRealtimeController(hook: string): RealtimeSessionController {
  const controller = useContext(RealtimeContext)
  if (controller === null) {
    throw new Error(
      `${hook} must be used inside <RealtimeProvider session={useRealtimeSession(…)}> or ` +
        '<VoiceAgent>: no realtime session was found above this component.',
    )
  }
  return controller
}
