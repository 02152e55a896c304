/**
 * Microphone selection helpers: constraints, device lists, and "which device is the default now".
 */

/**
 * Echo cancellation, noise suppression and automatic gain are always requested. Without echo
 * cancellation the agent hears itself through the speakers and interrupts its own answer — the
 * most reported problem with voice agents on laptops and phones. `extra` can override any of them
 * (e.g. a headset-only kiosk that wants raw audio).
 */
export function microphoneConstraints(
  deviceId: string | undefined,
  extra: MediaTrackConstraints | undefined,
): MediaStreamConstraints {
  return {
    audio: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      channelCount: 1,
      ...extra,
      ...(deviceId === undefined ? {} : { deviceId: { exact: deviceId } }),
    },
    video: false,
  }
}

/** The audio inputs, in the browser's order (the first one is the default where no entry says so). */
export async function listMicrophones(devices: MediaDevices): Promise<MediaDeviceInfo[]> {
  const all = await devices.enumerateDevices()
  return all.filter((device) => device.kind === 'audioinput')
}

/**
 * The physical device the system currently uses as default, by group id. Chrome lists a
 * pseudo-device `default` sharing the real one's group id; other browsers list the default first.
 */
export function defaultGroupId(microphones: readonly MediaDeviceInfo[]): string | undefined {
  const entry = microphones.find((device) => device.deviceId === 'default') ?? microphones[0]
  return entry?.groupId || undefined
}

/**
 * Whether a capture following the system default should re-open: the default now points at
 * another physical device (a headset was plugged in) than the track in use.
 */
export function defaultMoved(
  microphones: readonly MediaDeviceInfo[],
  track: MediaStreamTrack | undefined,
): boolean {
  const wanted = defaultGroupId(microphones)
  const current = track?.getSettings().groupId
  return wanted !== undefined && current !== undefined && current !== '' && wanted !== current
}
