import { RealtimeError } from '../errors'

/**
 * The browser globals the audio engine needs, read only when called — never at import time — so
 * importing the library in Node or during server-side rendering touches nothing. Each accessor
 * fails with a typed error that says what is missing and why.
 */

type AudioContextConstructor = new (options?: AudioContextOptions) => AudioContext

/** `AudioContext` (or Safari's prefixed one), or a `media_unavailable` error. */
export function audioContextConstructor(): AudioContextConstructor {
  const scope = globalThis as {
    AudioContext?: AudioContextConstructor
    webkitAudioContext?: AudioContextConstructor
  }
  const constructor = scope.AudioContext ?? scope.webkitAudioContext
  if (constructor === undefined) {
    throw new RealtimeError(
      'media_unavailable',
      'Web Audio is not available here (no AudioContext): audio capture and playback need a browser',
    )
  }
  return constructor
}

/** `navigator.mediaDevices`, or a `media_unavailable` error explaining the secure-context rule. */
export function defaultMediaDevices(): MediaDevices {
  const scope = globalThis as { navigator?: { mediaDevices?: MediaDevices } }
  const devices = scope.navigator?.mediaDevices
  if (devices === undefined || typeof devices.getUserMedia !== 'function') {
    throw new RealtimeError(
      'media_unavailable',
      'Microphone access is not available: navigator.mediaDevices exists only on secure pages ' +
        '(https:// or http://localhost)',
    )
  }
  return devices
}

/** Throws `media_unavailable` when the context cannot run AudioWorklets (old or insecure page). */
export function assertAudioWorklet(context: BaseAudioContext): void {
  if ((context as { audioWorklet?: unknown }).audioWorklet === undefined) {
    throw new RealtimeError(
      'media_unavailable',
      'AudioWorklet is not available: it needs a secure page (https:// or http://localhost) ' +
        'and a browser from 2021 or later',
    )
  }
}
