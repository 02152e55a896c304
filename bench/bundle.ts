/**
 * Browser bundle sizes (issue 9), run on demand, never as a test:
 *
 *   npx tsx bench/bundle.ts
 *
 * Every bundle is built by esbuild's JS API with the same settings — bundle, minify, tree-shake,
 * ESM, platform `browser` (so packages resolve through their `browser` conditions), target
 * ES2022, `process.env.NODE_ENV` = "production", no legal comments — then gzipped (zlib level 9).
 * React, react-dom and their subpaths are external in every bundle: they are the app's peer
 * dependencies, which it ships whatever voice library it uses (agents-realtime needs none).
 * Everything else (zustand, zod, openai, agents-core, …) is bundled. Our entries import the
 * TypeScript sources the published `adk-realtime` and `adk-realtime/react` are built from.
 *
 * Prints each bundle's sizes and its largest inputs by package (esbuild's metafile), and the
 * rows for bench/RESULTS.md.
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import type { Metafile } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { fmt, machine, today } from './support/measure'

const root = fileURLToPath(new URL('..', import.meta.url))

interface Entry {
  name: string
  target?: string
  source: string
}

const ENTRIES: Entry[] = [
  {
    name: 'ours, React: useRealtimeSession + VoiceAgent (adk-realtime/react)',
    target: '≤ 60 KB',
    source: `export { useRealtimeSession, VoiceAgent } from './src/hooks/index.ts'`,
  },
  {
    name: 'ours, React app: useRealtimeSession + VoiceAgent + OpenAIRealtimeModel',
    source: [
      `export { useRealtimeSession, VoiceAgent } from './src/hooks/index.ts'`,
      `export { OpenAIRealtimeModel } from './src/core/index.ts'`,
    ].join('\n'),
  },
  {
    name: 'ours, core: RealtimeRunner + OpenAIRealtimeModel (adk-realtime)',
    target: '≤ 35 KB',
    source: [
      `import { OpenAIRealtimeModel, RealtimeRunner } from './src/core/index.ts'`,
      `export const runner = new RealtimeRunner({ model: new OpenAIRealtimeModel({ apiKey: () => fetch('/key').then((r) => r.text()) }) })`,
    ].join('\n'),
  },
  {
    name: '@openai/agents-realtime: new RealtimeSession(new RealtimeAgent({ name }))',
    source: [
      `import { RealtimeAgent, RealtimeSession } from '@openai/agents-realtime'`,
      `export const session = new RealtimeSession(new RealtimeAgent({ name: 'Assistant' }))`,
    ].join('\n'),
  },
]

interface Size {
  minified: number
  gzip: number
  packages: Array<[string, number]>
}

function packageOf(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (match) return match[1] as string
  if (path.startsWith('src/')) return path.split('/').slice(0, 2).join('/')
  return path
}

function byPackage(metafile: Metafile): Array<[string, number]> {
  const sizes = new Map<string, number>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const key = packageOf(path)
      sizes.set(key, (sizes.get(key) ?? 0) + input.bytesInOutput)
    }
  }
  return [...sizes.entries()].sort((a, b) => b[1] - a[1])
}

async function measure(entry: Entry): Promise<Size> {
  const result = await build({
    stdin: { contents: entry.source, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react', 'react/*', 'react-dom', 'react-dom/*'],
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'error',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return {
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    packages: byPackage(result.metafile),
  }
}

/** KB = 1,000 bytes, as in the peer reference's figures (its 354 KB gzip is 354,278 B). */
const kb = (bytes: number): string => `${fmt(bytes / 1000)} KB`
const exact = (bytes: number): string => `${bytes.toLocaleString('en-US')} B`
const rows: string[] = []
const { cores } = machine()
for (const entry of ENTRIES) {
  const size = await measure(entry)
  process.stdout.write(
    `${entry.name}: ${exact(size.minified)} minified, ${exact(size.gzip)} gzip\n` +
      `  largest inputs (minified bytes): ${size.packages
        .slice(0, 8)
        .map(([name, bytes]) => `${name} ${kb(bytes)}`)
        .join(', ')}\n`,
  )
  const target = entry.target ? ` (target ${entry.target} gzip)` : ''
  rows.push(
    `| bundle: ${entry.name}${target} | ${kb(size.gzip)} gzip (${exact(size.gzip)}); ${kb(size.minified)} minified | \`npx tsx bench/bundle.ts\` | ${today()} | ${cores} |`,
  )
}
process.stdout.write(`\n${rows.join('\n')}\n`)
