import { RealtimeError } from '../errors'
import { assertAudioWorklet } from './browser-env'
import { audioWorkletSource } from './worklets/source.generated'

/**
 * Loads the library's AudioWorklet module (capture and player processors) into a context, once
 * per context however many captures and players share it.
 *
 * By default the module is the bundled source string turned into a `blob:` URL, so apps need no
 * file copying or bundler configuration. A Content-Security-Policy must then allow it:
 * `script-src blob:` (worklet modules are scripts; some browsers check `worker-src blob:` too).
 * Where `blob:` is not acceptable, host the module yourself — its text is exported as
 * `audioWorkletSource`, e.g. write it to `public/adk-realtime-worklet.js` at build time — and pass
 * that URL as `workletUrl`.
 */

const loaded = new WeakMap<BaseAudioContext, Promise<void>>()

/**
 * Resolves when the processors are registered in `context`. A failed load is not cached, so a
 * retry (e.g. with a `workletUrl` after a CSP error) can succeed.
 */
export function loadAudioWorklet(
  context: BaseAudioContext,
  workletUrl?: string | URL,
): Promise<void> {
  const cached = loaded.get(context)
  if (cached !== undefined) return cached
  assertAudioWorklet(context)
  const promise = addModule(context, workletUrl)
  loaded.set(context, promise)
  promise.catch(() => loaded.delete(context))
  return promise
}

async function addModule(context: BaseAudioContext, workletUrl: string | URL | undefined) {
  if (workletUrl !== undefined) {
    try {
      await context.audioWorklet.addModule(String(workletUrl))
    } catch (error) {
      throw new RealtimeError(
        'media_unavailable',
        `Could not load the audio worklet module from ${String(workletUrl)}: ${describe(error)}`,
        { cause: error },
      )
    }
    return
  }
  const blob = new Blob([audioWorkletSource], { type: 'text/javascript' })
  const url = URL.createObjectURL(blob)
  try {
    await context.audioWorklet.addModule(url)
  } catch (error) {
    throw new RealtimeError(
      'media_unavailable',
      `Could not load the audio worklet module from a blob: URL (${describe(error)}). If the ` +
        `page has a Content-Security-Policy, allow \`script-src blob:\` (and \`worker-src blob:\`), ` +
        'or host `audioWorkletSource` as a file and pass its URL as `workletUrl`.',
      { cause: error },
    )
  } finally {
    // The module is fetched and evaluated by now; the URL is no longer needed.
    URL.revokeObjectURL(url)
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
