'use client'
import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { useMicrophone } from '../hooks/useMicrophone'
import type { MicrophoneControls } from '../hooks/useMicrophone'
import { baseStyle, buttonStyle, classNames, colors } from './theme'

/** `on`, `muted`, `denied` (permission refused), or `unavailable` (no audio engine). */
export type MicToggleState = 'on' | 'muted' | 'denied' | 'unavailable'

export interface MicToggleLabels {
  /** The button's accessible name; `aria-pressed` says whether it is muted. */
  name: string
  on: string
  muted: string
  denied: string
  unavailable: string
}

export const defaultMicToggleLabels: MicToggleLabels = {
  name: 'Mute microphone',
  on: 'Microphone on',
  muted: 'Muted',
  denied: 'Microphone blocked',
  unavailable: 'No microphone',
}

export interface MicToggleProps extends Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'children' | 'onClick' | 'aria-pressed'
> {
  className?: string
  labels?: Partial<MicToggleLabels>
  /** Custom content (an icon): gets the state and the controls. Default: the state's text. */
  children?: (state: MicToggleState, microphone: MicrophoneControls) => ReactNode
}

/**
 * A mute button: `aria-pressed="true"` while muted, under one fixed accessible name ("Mute
 * microphone"), as toggle buttons should be. Muting keeps sending silence, so the model's turn
 * detection sees the user stop. `data-state`: `on | muted | denied | unavailable`.
 * It reads only the microphone, so transcript updates never re-render it.
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
  return (
    <button
      type="button"
      {...rest}
      className={classNames('adk-mic-toggle', className)}
      data-state={state}
      aria-label={text.name}
      aria-pressed={microphone.muted}
      disabled={disabled ?? state === 'unavailable'}
      onClick={microphone.toggle}
      style={{
        ...baseStyle,
        ...buttonStyle,
        ...(state === 'muted' || state === 'denied'
          ? { color: colors.danger, borderColor: colors.danger }
          : {}),
        ...style,
      }}
    >
      {children ? children(state, microphone) : text[state]}
    </button>
  )
}
