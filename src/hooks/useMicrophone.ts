'use client'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import type { RealtimeAudioState } from './audio'
import { useRealtimeController } from './context'

export interface MicrophoneControls extends RealtimeAudioState {
  /** False for a session without an audio engine. */
  available: boolean
  mute(): void
  unmute(): void
  toggle(): void
  setMuted(muted: boolean): void
  /** Switches device mid-session, no reconnect; `undefined` follows the system default. */
  selectDevice(deviceId: string | undefined): Promise<void>
  refreshDevices(): Promise<void>
}

/**
 * The microphone: mute state, devices, the chosen and active device, permission
 * (`unknown | prompt | granted | denied`) and the last error. Actions are stable. Mute before
 * connecting is kept for the connection; a muted microphone still sends silence, so the model's
 * turn detection sees the user stop.
 *
 * @example
 * const mic = useMicrophone()
 * <select value={mic.deviceId ?? ''} onChange={(e) => void mic.selectDevice(e.target.value || undefined)}>
 *   <option value="">System default</option>
 *   {mic.devices.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
 * </select>
 */
export function useMicrophone(): MicrophoneControls {
  const controller = useRealtimeController('useMicrophone')
  const state = useSyncExternalStore(
    controller.subscribeAudio,
    controller.getAudioState,
    controller.getAudioState,
  )
  const actions = useMemo(
    () => ({
      mute: () => controller.setMuted(true),
      unmute: () => controller.setMuted(false),
      toggle: () => controller.setMuted(!controller.getAudioState().muted),
      setMuted: controller.setMuted,
      selectDevice: (deviceId: string | undefined) =>
        controller.audio?.setDevice(deviceId) ?? Promise.resolve(),
      refreshDevices: () => controller.audio?.refreshDevices() ?? Promise.resolve(),
    }),
    [controller],
  )
  return useMemo(
    () => ({ ...state, available: state.status !== 'unavailable', ...actions }),
    [state, actions],
  )
}

/**
 * Whether the browser lets the session make sound. When autoplay rules block it
 * (`canPlayAudio` false while connected), show a button whose click calls `startAudio`.
 */
export function useAudioPlayback(): { canPlayAudio: boolean; startAudio(): Promise<void> } {
  const controller = useRealtimeController('useAudioPlayback')
  const canPlayAudio = useSyncExternalStore(
    controller.subscribeAudio,
    () => controller.getAudioState().canPlayAudio,
    () => false,
  )
  // Its own memo: `startAudio` keeps its identity when `canPlayAudio` changes.
  const startAudio = useCallback(
    () => controller.audio?.startAudio() ?? Promise.resolve(),
    [controller],
  )
  return useMemo(() => ({ canPlayAudio, startAudio }), [canPlayAudio, startAudio])
}
