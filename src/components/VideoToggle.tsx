'use client'
import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { useCamera } from '../hooks/useCamera'
import { useScreenShare } from '../hooks/useScreenShare'
import type { VideoControls } from '../hooks/video-controls'
import { baseStyle, buttonStyle, classNames, colors } from './theme'

/** `off`, `starting`, `on`, `denied` (permission refused or picker cancelled), `unavailable`. */
export type VideoToggleState = 'off' | 'starting' | 'on' | 'denied' | 'unavailable'

export interface VideoToggleLabels extends Record<VideoToggleState, string> {
  /** The button's accessible name; `aria-pressed` says whether it is on. */
  name: string
}

export const defaultVideoToggleLabels: Record<'camera' | 'screen', VideoToggleLabels> = {
  camera: {
    name: 'Camera',
    off: 'Camera off',
    starting: 'Starting camera…',
    on: 'Camera on',
    denied: 'Camera blocked',
    unavailable: 'No camera',
  },
  screen: {
    name: 'Share screen',
    off: 'Share screen',
    starting: 'Choosing…',
    on: 'Sharing screen',
    denied: 'Sharing cancelled',
    unavailable: 'No screen sharing',
  },
}

export interface VideoToggleProps extends Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'children' | 'onClick' | 'aria-pressed'
> {
  /** Default `camera`. */
  source?: 'camera' | 'screen'
  className?: string
  labels?: Partial<VideoToggleLabels>
  /** Render nothing when the model takes no video or the browser cannot capture the source. */
  hideWhenUnavailable?: boolean
  /** Custom content (an icon): gets the state and the controls. Default: the state's text. */
  children?: (state: VideoToggleState, video: VideoControls) => ReactNode
}

function stateOf(video: VideoControls): VideoToggleState {
  if (!video.available) return 'unavailable'
  if (video.status === 'running') return 'on'
  if (video.status === 'starting') return 'starting'
  return video.error?.code === 'permission_denied' ? 'denied' : 'off'
}

/**
 * Turns the camera (or the screen share) on and off: `aria-pressed="true"` while it is sending,
 * under one fixed accessible name. Click it to start — screen sharing must start in a click.
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
  ...rest
}: Omit<VideoToggleProps, 'source'> & { video: VideoControls }) {
  const state = stateOf(video)
  if (hideWhenUnavailable === true && state === 'unavailable') return null
  const text = { ...defaultVideoToggleLabels[video.source], ...labels }
  return (
    <button
      type="button"
      {...rest}
      className={classNames('adk-video-toggle', className)}
      data-state={state}
      data-source={video.source}
      aria-label={text.name}
      aria-pressed={state === 'on'}
      disabled={disabled ?? state === 'unavailable'}
      // The error is in `video.error` (and the state): nothing more to do with the rejection.
      onClick={() => void video.toggle().catch(() => {})}
      style={{
        ...baseStyle,
        ...buttonStyle,
        ...(state === 'on' ? { color: colors.accent, borderColor: colors.accent } : {}),
        ...(state === 'denied' ? { color: colors.danger, borderColor: colors.danger } : {}),
        ...style,
      }}
    >
      {children ? children(state, video) : text[state]}
    </button>
  )
}
