'use client'
import { useEffect, useRef } from 'react'
import type { CSSProperties } from 'react'
import { useCamera } from '../hooks/useCamera'
import { useScreenShare } from '../hooks/useScreenShare'
import type { VideoControls } from '../hooks/video-controls'
import { baseStyle, classNames, colors, radius } from './theme'

export interface VideoPreviewLabels {
  /** The region's accessible name. */
  name: string
  off: string
  starting: string
  /** The counters line: `{sent}` and `{skipped}` are replaced. */
  stats: string
}

export const defaultVideoPreviewLabels: VideoPreviewLabels = {
  name: 'Video sent to the agent',
  off: 'Video off',
  starting: 'Starting video…',
  stats: '{sent} frames sent · {skipped} skipped',
}

export interface VideoPreviewProps {
  /** Which source to show; default whichever is on (the screen share wins over the camera). */
  source?: 'camera' | 'screen' | undefined
  className?: string | undefined
  style?: CSSProperties | undefined
  labels?: Partial<VideoPreviewLabels> | undefined
  /** Mirror the picture, as people expect of their own camera (default: camera yes, screen no). */
  mirror?: boolean | undefined
  /** Show frames sent and skipped (skips mean the connection is behind). Default false. */
  showStats?: boolean | undefined
  /** Render nothing while no video is on. Default false (a placeholder is shown). */
  hideWhenOff?: boolean | undefined
}

/**
 * What the agent sees: the live camera or screen share, muted, as a `<video>`, with an optional
 * line of counters (frames sent and skipped).
 * `data-state`: `idle | starting | running | stopped`; `data-source`: `camera | screen`.
 *
 * @example
 * ```tsx
 * <VideoPreview showStats style={{ width: 240 }} />
 * ```
 */
export function VideoPreview(props: VideoPreviewProps) {
  const camera = useCamera()
  const screen = useScreenShare()
  const video: VideoControls =
    props.source === 'camera'
      ? camera
      : props.source === 'screen' || screen.status === 'running' || screen.status === 'starting'
        ? screen
        : camera
  const element = useRef<HTMLVideoElement>(null)
  const { stream } = video
  useEffect(() => {
    const node = element.current
    if (node !== null && node.srcObject !== (stream ?? null)) node.srcObject = stream ?? null
  }, [stream])
  const text = { ...defaultVideoPreviewLabels, ...props.labels }
  const on = stream !== undefined
  if (props.hideWhenOff === true && !on && video.status !== 'starting') return null
  const mirror = props.mirror ?? video.source === 'camera'
  return (
    <figure
      aria-label={text.name}
      className={classNames('adk-video-preview', props.className)}
      data-state={video.status}
      data-source={video.source}
      style={{
        ...baseStyle,
        margin: 0,
        display: 'grid',
        gap: 4,
        width: '100%',
        ...props.style,
      }}
    >
      {on ? (
        <video
          ref={element}
          autoPlay
          muted
          playsInline
          style={{
            width: '100%',
            aspectRatio: '16 / 9',
            objectFit: 'contain',
            background: '#000',
            borderRadius: radius,
            transform: mirror ? 'scaleX(-1)' : undefined,
          }}
        />
      ) : (
        <div
          style={{
            aspectRatio: '16 / 9',
            display: 'grid',
            placeItems: 'center',
            border: `1px dashed ${colors.border}`,
            borderRadius: radius,
            color: colors.muted,
          }}
        >
          {video.status === 'starting' ? text.starting : text.off}
        </div>
      )}
      {props.showStats === true ? (
        <figcaption aria-live="off" style={{ color: colors.muted, fontSize: '0.85em' }}>
          {text.stats
            .replace('{sent}', String(video.framesSent))
            .replace('{skipped}', String(video.framesSkipped))}
        </figcaption>
      ) : null}
    </figure>
  )
}
