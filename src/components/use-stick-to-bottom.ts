'use client'
import { useCallback, useRef, useState } from 'react'
import type { KeyboardEvent, RefObject } from 'react'
import { useIsomorphicLayoutEffect } from '../hooks/layout-effect'

const upKeys = new Set(['ArrowUp', 'PageUp', 'Home'])

export interface StickToBottom {
  ref: RefObject<HTMLDivElement | null>
  /** Spread on the scroll container. */
  handlers: {
    onScroll(): void
    onWheel(event: { deltaY: number }): void
    onTouchMove(): void
    onKeyDown(event: KeyboardEvent): void
  }
  /** The user scrolled away from the end: offer a "jump to latest" button. */
  detached: boolean
  jumpToLatest(): void
}

/**
 * Keeps a scroll container at its end as content grows, until the user scrolls up; scrolling back
 * to the end (or `jumpToLatest`) re-attaches. Wheel, touch and keys mark the user's intent at
 * once, before the (frame-delayed) scroll event, so a streaming update in between cannot yank
 * the view back down.
 */
export function useStickToBottom(content: unknown, threshold = 24): StickToBottom {
  const ref = useRef<HTMLDivElement>(null)
  const stuck = useRef(true)
  const [detached, setDetached] = useState(false)
  const detachedRef = useRef(false)
  const setStuck = useCallback((value: boolean) => {
    stuck.current = value
    if (detachedRef.current === !value) return
    detachedRef.current = !value
    setDetached(!value)
  }, [])

  useIsomorphicLayoutEffect(() => {
    const element = ref.current
    if (element !== null && stuck.current) element.scrollTop = element.scrollHeight
  }, [content])

  const [handlers] = useState(() => ({
    onScroll() {
      const element = ref.current
      if (element === null) return
      setStuck(element.scrollHeight - element.scrollTop - element.clientHeight <= threshold)
    },
    onWheel(event: { deltaY: number }) {
      if (event.deltaY < 0) stuck.current = false
    },
    onTouchMove() {
      stuck.current = false // the scroll event that follows re-attaches if still at the end
    },
    onKeyDown(event: KeyboardEvent) {
      if (upKeys.has(event.key)) stuck.current = false
    },
  }))
  const jumpToLatest = useCallback(() => {
    const element = ref.current
    if (element !== null) element.scrollTop = element.scrollHeight
    setStuck(true)
  }, [setStuck])

  return { ref, handlers, detached, jumpToLatest }
}
