import { RealtimeError, createBrowserAudio } from '../core'
import type { BrowserAudio, BrowserAudioOptions } from '../core'
import type { AudioRunner, MicrophonePermission, RealtimeAudio, RealtimeAudioState } from './audio'

/**
 * The browser audio engine (`createBrowserAudio`: microphone and player worklets on one shared
 * AudioContext) behind the `RealtimeAudio` contract the hooks use. An engine serves one
 * connection and releases everything when it stops, so each `connect` gets a fresh one; mute
 * and the chosen device carry over. Nothing touches a browser global until `unlock`/`start`/
 * `subscribe`, so creating it during SSR is harmless.
 *
 * @example
 * const session = useRealtimeSession({
 *   model,
 *   audio: createRealtimeAudio({ microphone: { constraints: { noiseSuppression: false } } }),
 * })
 */
export function createRealtimeAudio(options: BrowserAudioOptions = {}): RealtimeAudio {
  const listeners = new Set<() => void>()
  /** The runner's subscription to the speakers (`PlaybackController.onPlayingChange`). */
  const playingListeners = new Set<(playing: boolean) => void>()
  const micOptions = options.microphone === false ? undefined : options.microphone
  let muted = micOptions?.muted ?? false
  let deviceId = micOptions?.deviceId
  let permission: MicrophonePermission = 'unknown'
  let devices: readonly MediaDeviceInfo[] = []
  let runner: AudioRunner | undefined
  let engine: BrowserAudio | undefined
  /** Unsubscribes from the current engine's state and speakers. */
  let unbindEngine: (() => void) | undefined
  /** Detaches the current engine from the runner. */
  let offRunner: (() => void) | undefined
  let watching = false
  /** A start that failed before the engine could record it (no Web Audio at all). */
  let startError: RealtimeError | undefined
  let state = compute()

  function compute(): RealtimeAudioState {
    const snapshot = engine?.getSnapshot()
    const mic = snapshot?.microphone
    if (mic?.status === 'running') permission = 'granted'
    const error = snapshot?.error ?? mic?.error ?? startError
    if (error?.code === 'permission_denied') permission = 'denied'
    if (mic !== undefined && mic.devices.length > 0) devices = mic.devices
    return {
      status: mic?.status ?? (startError ? 'stopped' : (snapshot?.status ?? 'idle')),
      muted,
      deviceId,
      activeDeviceId: mic?.activeDeviceId,
      label: mic?.label,
      devices,
      permission,
      canPlayAudio: snapshot?.canPlayAudio ?? false,
      error,
    }
  }
  function update(): void {
    const next = compute()
    const keys = Object.keys(next) as Array<keyof RealtimeAudioState>
    if (keys.every((key) => next[key] === state[key])) return
    state = next
    for (const listener of [...listeners]) listener()
  }

  /** The engine for the coming connection: a stopped one cannot start again. */
  function current(): BrowserAudio {
    if (live(engine)) return engine
    offRunner?.()
    unbindEngine?.()
    const microphone =
      options.microphone === false
        ? false
        : { ...micOptions, muted, ...(deviceId === undefined ? {} : { deviceId }) }
    const next = createBrowserAudio({ ...options, microphone })
    offRunner = runner === undefined ? undefined : next.attach(runner)
    const offState = next.subscribe(update)
    const offPlaying = next.player.onPlayingChange((playing) => {
      for (const listener of [...playingListeners]) listener(playing)
    })
    unbindEngine = () => {
      offState()
      offPlaying()
    }
    engine = next
    return next
  }

  function live(candidate: BrowserAudio | undefined): candidate is BrowserAudio {
    return candidate !== undefined && candidate.getSnapshot().status !== 'stopped'
  }

  function watchPermission(): void {
    if (watching) return
    watching = true
    const permissions = (globalThis as { navigator?: Navigator }).navigator?.permissions
    permissions
      ?.query({ name: 'microphone' as PermissionName })
      .then((status) => {
        const read = (): void => {
          if (status.state === 'granted' || status.state === 'denied' || status.state === 'prompt')
            permission = status.state
          update()
        }
        status.addEventListener('change', read)
        read()
      })
      .catch(() => {}) // Firefox before 131 does not know the name: stay 'unknown'
  }

  return {
    playback: {
      interrupt: () => engine?.playback.interrupt() ?? null,
      isPlaying: () => engine?.playback.isPlaying?.() ?? false,
      // Whichever engine is current: the store's agentSpeaking follows the speakers.
      onPlayingChange(listener) {
        playingListeners.add(listener)
        return () => playingListeners.delete(listener)
      },
    },
    attach(target) {
      offRunner?.()
      runner = target
      // An engine made before the attach (unlocked first) serves this runner too.
      offRunner = live(engine) ? engine.attach(target) : undefined
      return () => {
        if (runner !== target) return // another runner took over: not ours to undo
        runner = undefined
        offRunner?.()
        offRunner = undefined
      }
    },
    unlock() {
      current().audio.unlock()
    },
    start() {
      startError = undefined
      return current()
        .start()
        .catch((cause: unknown) => {
          startError = RealtimeError.from(cause, 'media_unavailable')
          update()
          throw startError
        })
    },
    stop: async () => {
      await engine?.stop()
    },
    setMuted(next) {
      muted = next
      engine?.microphone?.setMuted(next)
      update()
    },
    async setDevice(next) {
      const microphone = engine?.microphone
      // Running: switched now (throws, keeping the current device, on failure); starting: the
      // microphone switches once it is open. A stopped engine's successor opens `deviceId`.
      if (microphone !== undefined && live(engine)) await microphone.setDevice(next)
      deviceId = next
      update()
    },
    async refreshDevices() {
      const media = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices
      if (media === undefined) return
      const all = await media.enumerateDevices()
      devices = all.filter((device) => device.kind === 'audioinput')
      update()
    },
    startAudio: () => engine?.startAudio() ?? Promise.resolve(),
    level: (source) =>
      source === 'input' ? (engine?.inputLevel ?? 0) : (engine?.outputLevel ?? 0),
    getSnapshot: () => state,
    subscribe(listener) {
      watchPermission()
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
