'use client'
import { memo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ConversationItem, RealtimeStoreState, ToolCallItem, ToolCallStatus } from '../core'
import { useRealtimeStore } from '../hooks/useRealtimeStore'
import { baseStyle, classNames, colors, radius } from './theme'

export type ToolActivityLabels = Record<ToolCallStatus, string> & { title: string; empty: string }

export const defaultToolActivityLabels: ToolActivityLabels = {
  title: 'Tool activity',
  empty: 'No tools used yet',
  pending: 'Queued',
  running: 'Running…',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

const statusColors: Record<ToolCallStatus, string> = {
  pending: colors.muted,
  running: colors.warning,
  completed: colors.success,
  failed: colors.danger,
  cancelled: colors.muted,
}

export interface ToolActivityProps {
  className?: string | undefined
  /** Most recent calls shown (default 5; 0 shows none). */
  limit?: number | undefined
  /** Show each call's arguments (default true). */
  showArguments?: boolean | undefined
  labels?: Partial<ToolActivityLabels> | undefined
}

/**
 * The tool calls of the conversation, newest last, each with `data-state` = its status
 * (`pending | running | completed | failed | cancelled`) and its duration once finished. The
 * list's `data-state` is `running` while any call is in flight, else `idle` (or `empty`). It
 * re-renders only when a tool call changes, not while the transcript streams.
 *
 * @example
 * ```tsx
 * <ToolActivity limit={3} showArguments={false} />
 * ```
 */
export function ToolActivity({
  className,
  limit = 5,
  showArguments = true,
  labels,
}: ToolActivityProps) {
  const calls = useRealtimeStore(useShallow(selectToolCalls))
  const text = { ...defaultToolActivityLabels, ...labels }
  const busy = calls.some((call) => call.status === 'running' || call.status === 'pending')
  const shown = calls.slice(Math.max(0, calls.length - limit)) // none for a limit of 0 or less
  return (
    <section
      aria-label={text.title}
      className={classNames('adk-tool-activity', className)}
      data-state={calls.length === 0 ? 'empty' : busy ? 'running' : 'idle'}
      aria-busy={busy}
      style={{ ...baseStyle, fontSize: '0.875em' }}
    >
      {calls.length === 0 ? (
        <p style={{ margin: 0, color: colors.muted }}>{text.empty}</p>
      ) : shown.length === 0 ? null : (
        <ul style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 4 }}>
          {shown.map((call) => (
            <ToolCallRow
              key={call.id}
              call={call}
              label={text[call.status]}
              showArguments={showArguments}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

const ToolCallRow = memo(function ToolCallRow(props: {
  call: ToolCallItem
  label: string
  showArguments: boolean
}) {
  const { call, label, showArguments } = props
  return (
    <li
      data-state={call.status}
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'baseline',
        gap: 8,
        padding: '4px 8px',
        border: `1px solid ${colors.border}`,
        borderRadius: radius,
      }}
    >
      <code style={{ fontWeight: 600 }}>{call.name}</code>
      {showArguments && call.arguments !== '' ? (
        <code style={{ color: colors.muted, overflowWrap: 'anywhere' }}>{call.arguments}</code>
      ) : null}
      <span style={{ marginLeft: 'auto', color: statusColors[call.status] }}>
        {label}
        {call.durationMs === undefined ? null : ` · ${Math.round(call.durationMs)} ms`}
      </span>
    </li>
  )
})

function selectToolCalls(state: RealtimeStoreState): ToolCallItem[] {
  return state.items.filter(isToolCall)
}

function isToolCall(item: ConversationItem): item is ToolCallItem {
  return item.kind === 'toolCall'
}
