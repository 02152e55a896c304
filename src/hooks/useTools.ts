'use client'
import { useEffect, useState } from 'react'
import type { ToolInput } from '../core'
import { useRealtimeController } from './context'
import { useIsomorphicLayoutEffect } from './layout-effect'
import { toolSetKey } from './tool-registry'
import type { ToolEntry } from './tool-registry'

/**
 * Gives the model tools from a component, for as long as it is mounted. Declare them with
 * `defineTool` and a zod object schema: the handler's arguments are typed from the schema and
 * validated before it runs, and it receives `{ signal, callId }` (the signal aborts on timeout,
 * cancellation, barge-in and close).
 *
 * Handlers always see the latest props and state — an inline handler is fine, and a new closure
 * changes nothing on the wire. Adding, removing or changing a tool's declaration (name,
 * description, schema) mid-session becomes exactly one `updateSession({ tools })`.
 *
 * @example
 * function Weather({ units }: { units: 'C' | 'F' }) {
 *   useTools([
 *     defineTool({
 *       name: 'get_weather',
 *       description: 'Current weather for a city',
 *       parameters: z.object({ city: z.string() }),
 *       handler: async ({ city }, { signal }) => fetchWeather(city, units, { signal }),
 *     }),
 *   ])
 *   return null
 * }
 */
export function useTools(tools: readonly ToolInput[]): void {
  const controller = useRealtimeController('useTools')
  const [entry] = useState<ToolEntry>(() => ({ current: tools }))
  const key = toolSetKey(tools)

  useIsomorphicLayoutEffect(() => {
    entry.current = tools
  })
  useEffect(() => controller.tools.register(entry), [controller, entry])
  useEffect(() => {
    controller.tools.changed()
  }, [controller, key])
}
