'use client'
import { memo } from 'react'
import type { ConversationItem, MessageItem } from '../core'
import { colors, radius, themeVar } from './theme'
import type { TranscriptLabels } from './Transcript'

/** One row of the transcript; re-renders only when its item (or a label) changes. */
export const TranscriptRow = memo(function TranscriptRow(props: {
  item: ConversationItem
  labels: TranscriptLabels
}) {
  const { item, labels } = props
  if (item.kind === 'toolCall') {
    return (
      <div
        data-role="tool"
        data-status={item.status}
        style={{ color: colors.muted, fontSize: '0.875em' }}
      >
        <code>{item.name}</code> · {item.status}
      </div>
    )
  }
  return <Message item={item} labels={labels} />
}, sameRow)

function Message({ item, labels }: { item: MessageItem; labels: TranscriptLabels }) {
  const user = item.role === 'user'
  const partial = item.status === 'inProgress'
  // Speech that was never transcribed (no input transcription configured): nothing to show.
  if (user && !partial && item.text === '') return null
  if (item.bridge === true) {
    // The app's instruction to the model after a context change: a note, not the user's words.
    return (
      <div
        data-role="bridge"
        style={{ alignSelf: 'center', color: colors.muted, fontSize: '0.8em', fontStyle: 'italic' }}
      >
        {item.text}
      </div>
    )
  }
  return (
    <div
      data-role={item.role}
      data-status={item.status}
      style={{
        alignSelf: user ? 'flex-end' : 'flex-start',
        maxWidth: '85%',
        padding: '6px 10px',
        borderRadius: radius,
        background: user
          ? themeVar('user-bg', 'color-mix(in srgb, currentColor 10%, transparent)')
          : themeVar('assistant-bg', 'color-mix(in srgb, currentColor 4%, transparent)'),
      }}
    >
      <span style={{ display: 'block', fontSize: '0.75em', color: colors.muted }}>
        {labels[item.role]}
      </span>
      <span
        style={
          partial ? { opacity: themeVar('partial-opacity', '0.7'), fontStyle: 'italic' } : undefined
        }
      >
        {item.text}
      </span>
      {item.status === 'interrupted' ? (
        <span data-interrupted="" style={{ color: colors.muted, fontSize: '0.75em' }}>
          {' — '}
          {labels.interrupted}
        </span>
      ) : null}
    </div>
  )
}

function sameRow(
  a: { item: ConversationItem; labels: TranscriptLabels },
  b: { item: ConversationItem; labels: TranscriptLabels },
): boolean {
  if (a.item !== b.item) return false
  return (Object.keys(a.labels) as Array<keyof TranscriptLabels>).every(
    (key) => a.labels[key] === b.labels[key],
  )
}
