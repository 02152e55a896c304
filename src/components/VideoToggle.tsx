'use client'
import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { useCamera } from '../hooks/useCamera'
import { useScreenShare } from '../hooks/useScreenShare'
import type { VideoControls } from '../hooks/video-controls'
import { baseStyle, buttonStyle, classNames, colors, pressedStyle } from './theme'
import { toggleLabel } from './toggle-label'

/** `off`, `starting`, `on`, `denied` (permission refused or picker cancelled), `unavailable`. */
export type VideoToggleState = 'off' | 'starting' | 'on' | 'denied' | 'unavailable'

export interface VideoToggleLabels {
  /** The toggle's visible label and accessible name; `aria-pressed` says whether it is on. */
  name: string
  /** Shown and announced instead of `name` after a refusal (or a cancelled picker). */
  denied: string
  /** Shown and announced instead of `name` when the source cannot be used (disabled). */
  unavailable: string
}

export const defaultVideoToggleLabels: Record<'camera' | 'screen', VideoToggleLabels> = {
  camera: { name: 'Camera', denied: 'Camera blocked', unavailable: 'No camera' },
  screen: { name: 'Share screen', denied: 'Sharing cancelled', unavailable: 'No screen sharing' },
}

export interface VideoToggleProps extends Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'children' | 'onClick' | 'aria-pressed'
> {
  /** Default `camera`. */
  source?: 'camera' | 'screen' | undefined
  className?: string | undefined
  labels?: Partial<VideoToggleLabels> | undefined
  /** Render nothing when the model takes no video or the browser cannot capture the source. */
  hideWhenUnavailable?: boolean | undefined
  /**
   * Custom content: an icon, or a function of the state and the controls. The button then gets
   * the label as its `aria-label`; text content should stay within it (WCAG 2.5.3).
   */
  children?: ReactNode | ((state: VideoToggleState, video: VideoControls) => ReactNode) | undefined
}

function stateOf(video: VideoControls): VideoToggleState {
  if (!video.available) return 'unavailable'
  if (video.status === 'running') return 'on'
  if (video.status === 'starting') return 'starting'
  return video.error?.code === 'permission_denied' ? 'denied' : 'off'
}

/**
 * Turns the camera (or the screen share) on and off: `aria-pressed="true"` while it is sending,
 * under one fixed name that is also its visible text ("Camera", "Share screen"); a caller's
 * `aria-label` wins. Click it to start — screen sharing must start in a click.
 * `data-state`: `off | starting | on | denied | unavailable`; `data-source`: `camera | screen`.
 *
 * @example
 * ```tsx
 * <VideoToggle source="screen" hideWhenUnavailable />
 * ```
 */
export function VideoToggle({ source = 'camera', ...props }: VideoToggleProps) {
  return source === 'screen' ? <ScreenToggle {...props} /> : <CameraToggle {...props} />
}

function CameraToggle(props: Omit<VideoToggleProps, 'source'>) {
  return <ToggleButton {...props} video={useCamera()} />
}

function ScreenToggle(props: Omit<VideoToggleProps, 'source'>) {
  return <ToggleButton {...props} video={useScreenShare()} />
}

function ToggleButton({
  video,
  className,
  labels,
  hideWhenUnavailable,
  children,
  style,
  disabled,
  'aria-label': ariaLabel,
  ...rest
}: Omit<VideoToggleProps, 'source'> & { video: VideoControls }) {
  const state = stateOf(video)
  if (hideWhenUnavailable === true && state === 'unavailable') return null
  const text = { ...defaultVideoToggleLabels[video.source], ...labels }
  const content = typeof children === 'function' ? children(state, video) : children
  const { label, ariaLabel: named } = toggleLabel(state, text, content, ariaLabel)
  return (
    <button
      type="button"
      {...rest}
      className={classNames('adk-video-toggle', className)}
      data-state={state}
      data-source={video.source}
      aria-label={named}
      aria-pressed={state === 'on'}
      disabled={disabled ?? state === 'unavailable'}
      // The error is in `video.error` (and the state): nothing more to do with the rejection.
      onClick={() => void video.toggle().catch(() => {})}
      style={{
        ...baseStyle,
        ...buttonStyle,
        ...(state === 'on'
          ? { ...pressedStyle, color: colors.accent, borderColor: colors.accent }
          : {}),
        ...(state === 'denied' ? { color: colors.danger, borderColor: colors.danger } : {}),
        ...style,
      }}
    >
      {content ?? label}
    </button>
  )
}
