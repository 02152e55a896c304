import { RealtimeError } from '../errors'
import type { VideoSourceKind } from '../runner/video'

/** Opens a stream of its own (a canvas's `captureStream()`, a file, a remote track). */
export type VideoStreamFactory = () => MediaStream | Promise<MediaStream>

/**
 * `navigator.mediaDevices` with what `source` needs (`getUserMedia` for the camera,
 * `getDisplayMedia` for the screen), or a `media_unavailable` error that explains why not. Read
 * only when called, never at import time.
 */
export function videoMediaDevices(source: VideoSourceKind, injected?: MediaDevices): MediaDevices {
  const devices =
    injected ??
    (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices
  const method = source === 'screen' ? 'getDisplayMedia' : 'getUserMedia'
  if (devices === undefined || typeof devices[method] !== 'function') {
    throw new RealtimeError(
      'media_unavailable',
      source === 'screen'
        ? 'Screen sharing is not available here: it needs a desktop browser and a secure page ' +
            '(https:// or http://localhost)'
        : 'Camera access is not available: navigator.mediaDevices exists only on secure pages ' +
            '(https:// or http://localhost)',
    )
  }
  return devices
}

/**
 * What the camera is asked for: a 720p-class picture (frames are scaled down to `maxEdge`
 * anyway) at a low frame rate, since a frame or two a second is all that is sampled.
 */
export function cameraConstraints(
  deviceId: string | undefined,
  extra: MediaTrackConstraints | undefined,
): MediaStreamConstraints {
  return {
    video: {
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 15 },
      ...extra,
      ...(deviceId === undefined ? {} : { deviceId: { exact: deviceId } }),
    },
    audio: false,
  }
}

/**
 * Opens the camera, the screen (the browser shows its picker), or — for a `custom` source, or
 * any source given a `stream` factory (stories, tests) — the factory's stream.
 */
export async function openVideoStream(
  source: VideoSourceKind,
  options: {
    devices?: MediaDevices | undefined
    deviceId?: string | undefined
    constraints?: MediaTrackConstraints | undefined
    stream?: VideoStreamFactory | undefined
  },
): Promise<MediaStream> {
  if (options.stream !== undefined) return options.stream()
  if (source === 'custom') {
    throw new RealtimeError('media_unavailable', 'A custom video source needs a `stream` option')
  }
  const devices = videoMediaDevices(source, options.devices)
  if (source === 'screen') {
    return devices.getDisplayMedia({
      video: { frameRate: { ideal: 5 }, ...options.constraints },
      audio: false,
    })
  }
  return devices.getUserMedia(cameraConstraints(options.deviceId, options.constraints))
}

/** The video inputs, in the browser's order (labels are empty until permission is granted). */
export async function listCameras(devices: MediaDevices): Promise<MediaDeviceInfo[]> {
  const all = await devices.enumerateDevices()
  return all.filter((device) => device.kind === 'videoinput')
}

/** Stops every track of a stream. */
export function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop()
}

/**
 * The size a `width`×`height` picture is sent at: scaled down (never up) so its longer edge is at
 * most `maxEdge`, keeping the aspect ratio.
 *
 * @example
 * fitWithin(1280, 720, 768) // { width: 768, height: 432 }
 */
export function fitWithin(
  width: number,
  height: number,
  maxEdge: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxEdge / Math.max(width, height))
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}
