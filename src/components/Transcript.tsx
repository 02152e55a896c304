'use client'
import type { CSSProperties } from 'react'
import { useTranscript } from '../hooks/useTranscript'
import { baseStyle, buttonStyle, classNames, colors, space, themeVar } from './theme'
import { TranscriptRow } from './TranscriptRow'
import { useStickToBottom } from './use-stick-to-bottom'

export interface TranscriptLabels {
  /** The log's accessible name. */
  title: string
  user: string
  assistant: string
  system: string
  interrupted: string
  empty: string
  jumpToLatest: string
}

export const defaultTranscriptLabels: TranscriptLabels = {
  title: 'Conversation',
  user: 'You',
  assistant: 'Agent',
  system: 'System',
  interrupted: 'interrupted',
  empty: 'The conversation will appear here.',
  jumpToLatest: 'Jump to latest',
}

export interface TranscriptProps {
  className?: string | undefined
  labels?: Partial<TranscriptLabels> | undefined
  /** Also list tool calls between the messages (default false; see `ToolActivity`). */
  showToolCalls?: boolean | undefined
  style?: CSSProperties | undefined
}

/**
 * The live conversation, as an ARIA log (`aria-live="polite"`, `aria-busy` while text streams so
 * screen readers read whole sentences). Partial text is dimmed (`--adk-partial-opacity`), an
 * interrupted answer is marked, and the view follows new text until the user scrolls up. It
 * renders at most once per animation frame while text streams; unchanged rows do not re-render.
 * `data-state`: `empty | streaming | idle`; each row has `data-role` and `data-status`.
 *
 * @example
 * ```tsx
 * <Transcript className="transcript" style={{ height: 360 }} labels={{ assistant: 'Concierge' }} />
 * ```
 */
export function Transcript({ className, labels, showToolCalls = false, style }: TranscriptProps) {
  const items = useTranscript()
  const text = { ...defaultTranscriptLabels, ...labels }
  const { ref, handlers, detached, jumpToLatest } = useStickToBottom(items)
  const shown = showToolCalls ? items : items.filter((item) => item.kind === 'message')
  const streaming = items.some((item) => item.kind === 'message' && item.status === 'inProgress')
  return (
    <div
      className={classNames('adk-transcript', className)}
      data-state={shown.length === 0 ? 'empty' : streaming ? 'streaming' : 'idle'}
      style={{ ...baseStyle, position: 'relative', ...style }}
    >
      <div
        ref={ref}
        role="log"
        aria-live="polite"
        aria-label={text.title}
        aria-busy={streaming}
        tabIndex={0}
        {...handlers}
        style={{
          maxHeight: themeVar('transcript-height', '320px'),
          height: style?.height === undefined ? undefined : '100%',
          overflowY: 'auto',
          display: 'flex',
          flexDirection: 'column',
          gap: 8,
          padding: 4,
        }}
      >
        {shown.length === 0 ? <p style={{ margin: 0, color: colors.muted }}>{text.empty}</p> : null}
        {shown.map((item) => (
          <TranscriptRow key={`${item.kind}:${item.id}`} item={item} labels={text} />
        ))}
      </div>
      {detached ? (
        <button
          type="button"
          onClick={jumpToLatest}
          style={{
            ...buttonStyle,
            position: 'absolute',
            right: space,
            bottom: space,
            background: colors.bg,
          }}
        >
          {text.jumpToLatest}
        </button>
      ) : null}
    </div>
  )
}
