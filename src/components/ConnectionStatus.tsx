'use client'
import type { ConnectionStatus as Status, RealtimeStoreState } from '../core'
import { useRealtimeStore } from '../hooks/useRealtimeStore'
import { baseStyle, classNames, colors } from './theme'

export type ConnectionStatusLabels = Record<Status, string>

export const defaultConnectionLabels: ConnectionStatusLabels = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
  failed: 'Connection failed',
}

const dotColors: Record<Status, string> = {
  idle: colors.muted,
  connecting: colors.warning,
  connected: colors.success,
  reconnecting: colors.warning,
  closed: colors.muted,
  failed: colors.danger,
}

export interface ConnectionStatusProps {
  className?: string | undefined
  /** Replaces some or all of the texts (e.g. for another language). */
  labels?: Partial<ConnectionStatusLabels> | undefined
}

/**
 * The connection as a small status line (`role="status"`, so screen readers announce changes).
 * `data-state` is the connection status: `idle`, `connecting`, `connected`, `reconnecting`,
 * `closed` or `failed`. `data-pending-resumption` is present while a change waits for a new
 * connection. Re-renders only when the status changes — never while text streams.
 *
 * @example
 * ```tsx
 * <ConnectionStatus labels={{ connected: 'En ligne' }} className="status" />
 * ```
 */
export function ConnectionStatus({ className, labels }: ConnectionStatusProps) {
  const status = useRealtimeStore(selectStatus)
  const pending = useRealtimeStore(selectPending)
  return (
    <span
      role="status"
      className={classNames('adk-connection-status', className)}
      data-state={status}
      data-pending-resumption={pending ? '' : undefined}
      style={{ ...baseStyle, display: 'inline-flex', alignItems: 'center', gap: 6 }}
    >
      <span
        aria-hidden="true"
        style={{
          width: 8,
          height: 8,
          borderRadius: '50%',
          background: dotColors[status],
          flex: 'none',
        }}
      />
      {labels?.[status] ?? defaultConnectionLabels[status]}
    </span>
  )
}

function selectStatus(state: RealtimeStoreState): Status {
  return state.connection
}

function selectPending(state: RealtimeStoreState): boolean {
  return state.pendingResumption !== null
}
