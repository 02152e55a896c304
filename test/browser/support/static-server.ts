// A tiny HTTP server on 127.0.0.1 for browser tests. Pages need a real origin: AudioWorklet and
// getUserMedia require a secure context, and http://127.0.0.1 is one (about:blank and file://
// are not usable for worklet modules).
import { createServer, type Server } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
}

export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** One served resource: inline content, or a file on disk. The MIME type defaults from the URL path. */
export type Route =
  | { readonly body: string | Uint8Array; readonly type?: string }
  | { readonly file: string; readonly type?: string }

export interface StaticServerOptions {
  /** Exact URL paths (for example `/index.html`) mapped to content. Checked first. */
  readonly routes?: Readonly<Record<string, Route>>
  /** A directory served as-is for paths that are not in `routes`. */
  readonly root?: string
  /** Extra headers on every response (for example COOP/COEP for SharedArrayBuffer). */
  readonly headers?: Readonly<Record<string, string>>
}

export interface StaticServer {
  /** Origin without a trailing slash, for example `http://127.0.0.1:41234`. */
  readonly origin: string
  /** `origin` + `path`. */
  url(path: string): string
  /** Paths requested that were not found (for diagnosing a blank page). */
  readonly notFound: readonly string[]
  close(): Promise<void>
}

async function fileIn(root: string, urlPath: string): Promise<string | undefined> {
  const relative = normalize(urlPath).replace(/^[/\\]+/, '')
  const path = resolve(root, relative)
  if (path !== root && !path.startsWith(root + sep)) return undefined
  try {
    const info = await stat(path)
    if (info.isFile()) return path
    if (info.isDirectory()) {
      const index = join(path, 'index.html')
      if ((await stat(index)).isFile()) return index
    }
  } catch {
    // not found
  }
  return undefined
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const routes = options.routes ?? {}
  const root = options.root === undefined ? undefined : resolve(options.root)
  const notFound: string[] = []

  const server: Server = createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
      const headers: Record<string, string> = { 'cache-control': 'no-store', ...options.headers }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end()
        return
      }
      const route = routes[pathname] ?? (pathname === '/' ? routes['/index.html'] : undefined)
      let body: string | Uint8Array | undefined
      let type: string | undefined
      if (route !== undefined) {
        body = 'body' in route ? route.body : await readFile(route.file)
        type = route.type ?? mimeType(pathname === '/' ? '/index.html' : pathname)
      } else if (root !== undefined) {
        const path = await fileIn(root, pathname)
        if (path !== undefined) {
          body = await readFile(path)
          type = mimeType(path)
        }
      }
      if ((body === undefined || type === undefined) && pathname === '/favicon.ico') {
        // Chromium asks for it on every page; a 404 would show up as a console error.
        res.writeHead(204, headers).end()
        return
      }
      if (body === undefined || type === undefined) {
        notFound.push(pathname)
        res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
        res.end(`Not found: ${pathname}`)
        return
      }
      res.writeHead(200, {
        ...headers,
        'content-type': type,
        'content-length': String(Buffer.byteLength(body)),
      })
      res.end(req.method === 'HEAD' ? undefined : body)
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(String(error))
    })
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no TCP port')
  const origin = `http://127.0.0.1:${address.port}`

  return {
    origin,
    url: (path) => origin + (path.startsWith('/') ? path : `/${path}`),
    notFound,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((error) => (error ? reject(error) : resolveClose()))
        // Keep-alive sockets from the browser would otherwise hold close() open.
        server.closeAllConnections()
      }),
  }
}
