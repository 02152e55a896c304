import { RealtimeError } from '../core/errors'
import type { RunnerEvent } from '../core/runner/options'
import type { AudioRunner, RealtimeAudio, RealtimeAudioState } from '../hooks/audio'

export interface SimulatedAudioOptions {
  /** How the simulated permission prompt answers `start()` (default `granted`). */
  permission?: 'granted' | 'denied' | 'prompt'
  /** Audio inputs to list (default: a built-in microphone and a headset). */
  devices?: ReadonlyArray<{ deviceId: string; label: string }>
  /** Milliseconds before `start()` resolves; 0 (default) resolves in a microtask. */
  startDelayMs?: number
  /** Whether sound is allowed once unlocked (default true); false shows the autoplay prompt. */
  canPlayAudio?: boolean
  /** Clock of the level waves (default `performance.now`). */
  now?: () => number
}

/** What the simulated engine was asked to do: tests assert on these. */
export interface SimulatedAudioCounts {
  unlocks: number
  starts: number
  stops: number
  /** Microphones open now, and the most ever open at once (a leak or a double start shows here). */
  open: number
  maxOpen: number
}

export interface SimulatedAudio extends RealtimeAudio {
  readonly counts: SimulatedAudioCounts
  /** The runner it is attached to says the user or the agent is speaking. */
  readonly speaking: { user: boolean; agent: boolean }
}

/**
 * An audio engine without audio, for stories and tests: the microphone and the permission prompt
 * are simulated, and levels move like speech while the runner's events say the user or the agent
 * is speaking — so visualizers have something to show in Storybook and jsdom without a device.
 *
 * @example
 * const audio = createSimulatedAudio({ permission: 'denied' })
 * const session = useRealtimeSession({ model: createScriptedModel(), audio })
 */
export function createSimulatedAudio(options: SimulatedAudioOptions = {}): SimulatedAudio {
  const now = options.now ?? (() => globalThis.performance.now())
  const listeners = new Set<() => void>()
  const counts: SimulatedAudioCounts = { unlocks: 0, starts: 0, stops: 0, open: 0, maxOpen: 0 }
  const speaking = { user: false, agent: false }
  const devices = (
    options.devices ?? [
      { deviceId: 'built-in', label: 'Built-in Microphone' },
      { deviceId: 'headset', label: 'Headset Microphone' },
    ]
  ).map(({ deviceId, label }) => fakeDevice(deviceId, label))
  let item: string | undefined
  let pending: ReturnType<typeof setTimeout> | undefined
  let state: RealtimeAudioState = {
    status: 'idle',
    muted: false,
    deviceId: undefined,
    activeDeviceId: undefined,
    label: undefined,
    devices,
    permission: options.permission ?? 'prompt',
    canPlayAudio: false,
    error: undefined,
  }
  const update = (patch: Partial<RealtimeAudioState>): void => {
    state = { ...state, ...patch }
    for (const listener of [...listeners]) listener()
  }
  const onEvent = (event: RunnerEvent): void => {
    if (event.type === 'speech.started') speaking.user = true
    else if (event.type === 'speech.stopped') speaking.user = false
    else if (event.type === 'audio.delta') {
      speaking.agent = true
      item = event.itemId
    } else if (
      event.type === 'audio.done' ||
      event.type === 'response.done' ||
      event.type === 'interrupted' ||
      event.type === 'playback.interrupted'
    ) {
      speaking.agent = false
    } else if (event.type === 'connection.status' && event.status !== 'connected') {
      speaking.user = false
      speaking.agent = false
    }
  }
  const wave = (period: number): number => 0.5 + 0.5 * Math.sin(now() / period)

  return {
    counts,
    speaking,
    playback: {
      interrupt() {
        if (!speaking.agent || item === undefined) return null
        speaking.agent = false
        return { itemId: item, playedMs: 120 }
      },
      isPlaying: () => speaking.agent,
    },
    attach: (runner: AudioRunner) => runner.onEvent(onEvent),
    unlock() {
      counts.unlocks += 1
      if (!state.canPlayAudio) update({ canPlayAudio: options.canPlayAudio ?? true })
    },
    start() {
      if (state.status === 'starting' || state.status === 'running') return Promise.resolve()
      counts.starts += 1
      update({ status: 'starting', error: undefined })
      return new Promise<void>((resolve, reject) => {
        const finish = (): void => {
          pending = undefined
          if (state.status !== 'starting') return resolve()
          if (options.permission === 'denied') {
            const error = new RealtimeError('permission_denied', 'Microphone access was denied.')
            update({ status: 'stopped', permission: 'denied', error })
            return reject(error)
          }
          counts.open += 1
          counts.maxOpen = Math.max(counts.maxOpen, counts.open)
          const active = devices.find((d) => d.deviceId === state.deviceId) ?? devices[0]
          update({
            status: 'running',
            permission: 'granted',
            activeDeviceId: active?.deviceId,
            label: active?.label,
          })
          resolve()
        }
        const delay = options.startDelayMs ?? 0
        if (delay <= 0) queueMicrotask(finish)
        else pending = setTimeout(finish, delay)
      })
    },
    async stop() {
      clearTimeout(pending)
      pending = undefined
      if (state.status === 'idle' || state.status === 'stopped') return
      counts.stops += 1
      if (state.status === 'running') counts.open -= 1
      speaking.user = false
      update({ status: 'stopped', activeDeviceId: undefined, label: undefined })
    },
    setMuted(muted) {
      if (muted !== state.muted) update({ muted })
    },
    async setDevice(deviceId) {
      const active = state.status === 'running' ? (deviceId ?? devices[0]?.deviceId) : undefined
      const label = devices.find((d) => d.deviceId === active)?.label
      update({ deviceId, ...(active === undefined ? {} : { activeDeviceId: active, label }) })
    },
    async refreshDevices() {},
    async startAudio() {
      update({ canPlayAudio: true })
    },
    level(source) {
      if (source === 'output') return speaking.agent ? 0.15 + 0.55 * wave(70) * wave(230) : 0
      if (state.status !== 'running' || state.muted) return 0
      return speaking.user ? 0.12 + 0.5 * wave(60) * wave(170) : 0.02 * wave(40)
    },
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function fakeDevice(deviceId: string, label: string): MediaDeviceInfo {
  const info = { deviceId, groupId: `group-${deviceId}`, kind: 'audioinput' as const, label }
  return { ...info, toJSON: () => info }
}
