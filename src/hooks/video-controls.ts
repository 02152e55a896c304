'use client'
import { useMemo, useSyncExternalStore } from 'react'
import { RealtimeError } from '../core'
import type { VideoCaptureSnapshot } from '../core'
import { useRealtimeController } from './context'
import type { SessionVideoSource } from './session-video'

/** A camera or screen share as the UI reads and drives it. Actions are stable. */
export interface VideoControls extends Omit<VideoCaptureSnapshot, 'source'> {
  source: SessionVideoSource
  /** The provider takes video and the browser can capture this source. */
  available: boolean
  /** Frames are being sent (`status === 'running'`). */
  active: boolean
  /** Opens the source (from a click: screen sharing needs the gesture). Rejects with a typed error. */
  start(): Promise<void>
  /** Stops it and releases the track. */
  stop(): Promise<void>
  toggle(): Promise<void>
  /** Camera only: switches device while running; `undefined` is the system default. */
  selectDevice(deviceId: string | undefined): Promise<void>
  refreshDevices(): Promise<void>
}

const noSubscription = (): (() => void) => () => {}

/** The shared body of `useCamera` and `useScreenShare`. @internal */
export function useVideoControls(source: SessionVideoSource, hook: string): VideoControls {
  const controller = useRealtimeController(hook)
  const capture = controller.video.capture(source)
  const [subscribe, read] = useMemo(
    () => [(listener: () => void) => capture.subscribe(listener), () => capture.getSnapshot()],
    [capture],
  )
  const snapshot = useSyncExternalStore(subscribe, read, read)
  // `false` on the server and during hydration, so the markup matches; then the real answer.
  const canCapture = useSyncExternalStore(
    noSubscription,
    () => controller.video.canCapture(source),
    () => false,
  )
  const available = controller.video.supported && canCapture
  // Built from the capture alone, so the actions keep their identity when `available` turns true
  // after hydration; `start` asks at call time instead.
  const actions = useMemo(() => {
    const start = (): Promise<void> => {
      const { video } = controller
      if (video.supported && video.canCapture(source)) return capture.start()
      const reason = video.supported
        ? `This browser cannot capture the ${source}`
        : 'This model does not take video'
      return Promise.reject(new RealtimeError('unsupported', reason))
    }
    const stop = (): Promise<void> => capture.stop()
    return {
      start,
      stop,
      toggle: () => {
        const { status } = capture.getSnapshot()
        return status === 'running' || status === 'starting' ? stop() : start()
      },
      selectDevice: (deviceId: string | undefined) => capture.setDevice(deviceId),
      refreshDevices: () => capture.refreshDevices(),
    }
  }, [capture, controller, source])
  return useMemo(
    () => ({
      ...snapshot,
      source,
      available,
      active: snapshot.status === 'running',
      ...actions,
    }),
    [snapshot, source, available, actions],
  )
}
