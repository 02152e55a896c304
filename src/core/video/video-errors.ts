import { RealtimeError } from '../errors'
import type { VideoSourceKind } from '../runner/video'

/**
 * Turns a `getUserMedia({ video })` or `getDisplayMedia` failure into a `RealtimeError` whose
 * message says what happened and what the user can do, keeping the `DOMException` as `cause`:
 *
 * | DOMException | code | meaning |
 * |---|---|---|
 * | `NotAllowedError`, `SecurityError` | `permission_denied` | refused (camera), or the share picker cancelled (screen) |
 * | `NotFoundError`, `OverconstrainedError` | `media_unavailable` | no (such) camera |
 * | `NotReadableError`, `AbortError` | `media_unavailable` | in use, or the OS refused |
 */
export function videoError(
  error: unknown,
  source: VideoSourceKind,
  deviceId?: string,
): RealtimeError {
  if (error instanceof RealtimeError) return error
  // By name, not `instanceof`: a DOMException from another realm (an iframe, jsdom) is no Error here.
  const name = (error as { name?: unknown } | null)?.name
  const message = (error as { message?: unknown } | null)?.message
  const what =
    source === 'screen'
      ? 'screen sharing'
      : deviceId === undefined
        ? 'the camera'
        : `the camera "${deviceId}"`
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new RealtimeError(
        'permission_denied',
        source === 'screen'
          ? 'Screen sharing was cancelled or is not allowed on this page.'
          : 'Camera access was denied. Allow the camera for this site in the browser (address ' +
              'bar or site settings) and try again.',
        { cause: error },
      )
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new RealtimeError(
        'media_unavailable',
        source === 'screen'
          ? 'There is nothing to share: no screen, window or tab is available.'
          : deviceId === undefined
            ? 'No camera was found. Connect one, or check that the system has not disabled it.'
            : `${capitalize(what)} is not available (unplugged, or the id is from another ` +
              'browser profile). Choose another camera.',
        { cause: error },
      )
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new RealtimeError(
        'media_unavailable',
        `${capitalize(what)} could not be started: it is probably in use by another ` +
          'application, or the operating system blocked it.',
        { cause: error, retriable: true },
      )
    default:
      return RealtimeError.from(
        error,
        'media_unavailable',
        `Could not start ${what}: ${typeof message === 'string' ? message : String(error)}`,
      )
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
