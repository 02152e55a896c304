import { RealtimeError } from '../errors'

/**
 * Turns a `getUserMedia` failure into a `RealtimeError` whose message says what happened and
 * what the user can do, keeping the `DOMException` as `cause`:
 *
 * | DOMException | code | meaning |
 * |---|---|---|
 * | `NotAllowedError`, `SecurityError` | `permission_denied` | the user or a policy refused |
 * | `NotFoundError`, `OverconstrainedError` | `media_unavailable` | no (such) microphone |
 * | `NotReadableError`, `AbortError` | `media_unavailable` | in use, or the OS refused |
 */
export function microphoneError(error: unknown, deviceId?: string): RealtimeError {
  if (error instanceof RealtimeError) return error
  const name = error instanceof Error ? error.name : ''
  const device = deviceId === undefined ? 'the microphone' : `the microphone "${deviceId}"`
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError': // Chrome before 64
    case 'SecurityError':
      return new RealtimeError(
        'permission_denied',
        'Microphone access was denied. Allow the microphone for this site in the browser ' +
          '(address bar or site settings) and try again.',
        { cause: error },
      )
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new RealtimeError(
        'media_unavailable',
        deviceId === undefined
          ? 'No microphone was found. Connect one, or check that the system has not disabled it.'
          : `${capitalize(device)} is not available (unplugged, or the id is from another ` +
              'browser profile). Choose another device.',
        { cause: error },
      )
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new RealtimeError(
        'media_unavailable',
        `${capitalize(device)} could not be started: it is probably in use by another ` +
          'application, or the operating system blocked it.',
        { cause: error, retriable: true },
      )
    default:
      return RealtimeError.from(
        error,
        'media_unavailable',
        `Could not open ${device}: ${error instanceof Error ? error.message : String(error)}`,
      )
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
