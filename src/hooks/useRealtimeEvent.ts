'use client'
import { useEffect, useRef } from 'react'
import type { RunnerEvent } from '../core'
import { useRealtimeController } from './context'
import { useIsomorphicLayoutEffect } from './layout-effect'

export type RunnerEventType = RunnerEvent['type']
export type RunnerEventOf<TType extends RunnerEventType> = Extract<RunnerEvent, { type: TType }>

/**
 * Calls `handler` with every runner event of `type` (`'*'`: every event), in order, synchronously
 * as the runner emits it — not once per render. The latest handler is always the one called, so
 * an inline function is fine: the subscription is made once per session and type.
 *
 * @example
 * useRealtimeEvent('tool.finished', (event) => {
 *   if (event.status === 'failed') toast(`${event.name} failed`)
 * })
 */
export function useRealtimeEvent<TType extends RunnerEventType>(
  type: TType,
  handler: (event: RunnerEventOf<TType>) => void,
): void
export function useRealtimeEvent(type: '*', handler: (event: RunnerEvent) => void): void
export function useRealtimeEvent(type: string, handler: (event: RunnerEvent) => void): void {
  const { runner } = useRealtimeController('useRealtimeEvent')
  const latest = useRef(handler)
  useIsomorphicLayoutEffect(() => {
    latest.current = handler
  })
  useEffect(
    () =>
      runner.onEvent((event) => {
        if (type === '*' || event.type === type) latest.current(event)
      }),
    [runner, type],
  )
}
