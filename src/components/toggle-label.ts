import type { ReactNode } from 'react'

/**
 * What a media toggle says (WCAG 2.5.3, label in name): its name, or the text of a state in which
 * it cannot be used; the on/off state itself is `aria-pressed`. An `aria-label` is set only over
 * custom content (an icon), where a caller's own wins.
 */
export function toggleLabel(
  state: string,
  text: { name: string; denied: string; unavailable: string },
  content: ReactNode,
  callerLabel: string | undefined,
): { label: string; ariaLabel: string | undefined } {
  const label = state === 'denied' || state === 'unavailable' ? text[state] : text.name
  const custom = content !== undefined && content !== null
  return { label, ariaLabel: callerLabel ?? (custom ? label : undefined) }
}
