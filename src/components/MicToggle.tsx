'use client'
import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { useMicrophone } from '../hooks/useMicrophone'
import type { MicrophoneControls } from '../hooks/useMicrophone'
import { baseStyle, buttonStyle, classNames, colors, pressedStyle } from './theme'
import { toggleLabel } from './toggle-label'

/** `on`, `muted`, `denied` (permission refused), or `unavailable` (no audio engine). */
export type MicToggleState = 'on' | 'muted' | 'denied' | 'unavailable'

export interface MicToggleLabels {
  /** The toggle's visible label and accessible name; `aria-pressed` says whether it is muted. */
  name: string
  /** Shown and announced instead of `name` while the permission is refused. */
  denied: string
  /** Shown and announced instead of `name` without an audio engine (the button is disabled). */
  unavailable: string
}

export const defaultMicToggleLabels: MicToggleLabels = {
  name: 'Mute microphone',
  denied: 'Microphone blocked',
  unavailable: 'No microphone',
}

export interface MicToggleProps extends Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'children' | 'onClick' | 'aria-pressed'
> {
  className?: string | undefined
  labels?: Partial<MicToggleLabels> | undefined
  /**
   * Custom content: an icon, or a function of the state and the controls. The button then gets
   * the label as its `aria-label`; text content should stay within it (WCAG 2.5.3).
   */
  children?:
    ReactNode | ((state: MicToggleState, microphone: MicrophoneControls) => ReactNode) | undefined
}

/**
 * A mute button: `aria-pressed="true"` while muted, under one fixed name ("Mute microphone") that
 * is also its visible text, as toggle buttons should be. Muting keeps sending silence, so the
 * model's turn detection sees the user stop. `data-state`: `on | muted | denied | unavailable`.
 * A caller's `aria-label` wins. It reads only the microphone, so transcript updates never
 * re-render it.
 *
 * @example
 * ```tsx
 * <MicToggle className="mic">{(state) => (state === 'muted' ? <MicOffIcon /> : <MicIcon />)}</MicToggle>
 * ```
 */
export function MicToggle({
  className,
  labels,
  children,
  style,
  disabled,
  'aria-label': ariaLabel,
  ...rest
}: MicToggleProps) {
  const microphone = useMicrophone()
  const text = { ...defaultMicToggleLabels, ...labels }
  const state: MicToggleState = !microphone.available
    ? 'unavailable'
    : microphone.permission === 'denied'
      ? 'denied'
      : microphone.muted
        ? 'muted'
        : 'on'
  const content = typeof children === 'function' ? children(state, microphone) : children
  const { label, ariaLabel: named } = toggleLabel(state, text, content, ariaLabel)
  return (
    <button
      type="button"
      {...rest}
      className={classNames('adk-mic-toggle', className)}
      data-state={state}
      aria-label={named}
      aria-pressed={microphone.muted}
      disabled={disabled ?? state === 'unavailable'}
      onClick={microphone.toggle}
      style={{
        ...baseStyle,
        ...buttonStyle,
        ...(microphone.muted ? pressedStyle : {}),
        ...(state === 'muted' || state === 'denied'
          ? { color: colors.danger, borderColor: colors.danger }
          : {}),
        ...style,
      }}
    >
      {content ?? label}
    </button>
  )
}
