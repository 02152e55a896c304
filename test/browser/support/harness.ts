// Serves the audio harness page (test/browser/fixtures/audio-harness.ts, bundled with esbuild) and
// opens it in the shared Chromium. `isolated: true` adds COOP/COEP headers, so the page is
// cross-origin isolated and the engine uses SharedArrayBuffer instead of messages for counters.
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { audioWorkletSource } from '../../../src/core/audio/worklets/source.generated'
import { HARNESS_PAGE, bundleForBrowser } from './bundle'
import type { ChromiumSession, PageProblem } from './chromium'
import { startStaticServer, type StaticServer } from './static-server'

const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
}

export interface HarnessServers {
  plain: StaticServer
  isolated: StaticServer
  /** `Content-Security-Policy: script-src 'self'`: no `blob:` worklet modules. */
  strictCsp: StaticServer
  close(): Promise<void>
}

/** Bundles `entry` and serves it twice: plain, and cross-origin isolated. */
export async function startHarnessServers(entry: string): Promise<HarnessServers> {
  const js = await bundleForBrowser(fileURLToPath(new URL(entry, import.meta.url)))
  const routes = {
    '/index.html': { body: HARNESS_PAGE },
    '/harness.js': { body: js },
    // The worklet module self-hosted, as an app with a strict CSP would serve it.
    '/adk-realtime-worklet.js': { body: audioWorkletSource },
  }
  const plain = await startStaticServer({ routes })
  const isolated = await startStaticServer({ routes, headers: ISOLATION_HEADERS })
  const strictCsp = await startStaticServer({
    routes,
    headers: { 'content-security-policy': "script-src 'self'" },
  })
  return {
    plain,
    isolated,
    strictCsp,
    close: async () => {
      await plain.close()
      await isolated.close()
      await strictCsp.close()
    },
  }
}

export interface OpenHarness {
  page: Page
  problems: PageProblem[]
  /** Calls `window.__harness[name](...args)` in the page. */
  call<T = unknown>(name: string, ...args: unknown[]): Promise<T>
  /** Polls `window.__harness[name](...args)` until `predicate` holds (bounded). */
  until<T>(
    name: string,
    predicate: (value: T) => boolean,
    options?: { timeoutMs?: number; args?: unknown[] },
  ): Promise<T>
}

export async function openHarness(
  session: ChromiumSession,
  server: StaticServer,
): Promise<OpenHarness> {
  const { page, problems } = await session.newPage()
  await page.goto(server.url('/'))
  await page.waitForFunction(() => (window as { __harness?: { ready: boolean } }).__harness?.ready)
  const call = <T>(name: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(
      ([n, a]) => {
        const h = (window as unknown as { __harness: Record<string, (...x: unknown[]) => unknown> })
          .__harness
        const fn = h[n as string]
        if (typeof fn !== 'function') throw new Error(`no harness function ${String(n)}`)
        return fn(...(a as unknown[]))
      },
      [name, args] as const,
    ) as Promise<T>
  const until = async <T>(
    name: string,
    predicate: (value: T) => boolean,
    options: { timeoutMs?: number; args?: unknown[] } = {},
  ): Promise<T> => {
    const deadline = Date.now() + (options.timeoutMs ?? 20_000)
    let value = await call<T>(name, ...(options.args ?? []))
    while (!predicate(value)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting on ${name}: last value ${JSON.stringify(value)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
      value = await call<T>(name, ...(options.args ?? []))
    }
    return value
  }
  return { page, problems, call, until }
}
