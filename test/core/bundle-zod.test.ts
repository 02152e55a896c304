import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { parseToolDefinition } from '../../src/core'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Reading `z.core` (or using the `z` of `import { z } from 'zod'` as a whole) at run time makes a
 * bundler keep zod's entire namespace, every locale included: ~400 kB minified, ~90 kB gzip of a
 * browser bundle that needs none of it (bench/bundle.ts). The core reads zod's classes and
 * functions by name, and builds its schemas with zod/mini; this pins that down without measuring
 * sizes.
 */
describe('the core in a browser bundle', () => {
  it('does not carry zod locales or its JSON Schema generator', async () => {
    const result = await build({
      stdin: {
        contents: [
          `import { OpenAIRealtimeModel, RealtimeRunner, parseRealtimeConfig } from './src/core/index.ts'`,
          `export const runner = new RealtimeRunner({ model: new OpenAIRealtimeModel({ apiKey: 'k' }) })`,
          `export { parseRealtimeConfig }`,
        ].join('\n'),
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    // Inputs of the output with bytes in it: what tree-shaking kept.
    const kept = Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs).flatMap(([path, input]) =>
        input.bytesInOutput > 0 ? [path] : [],
      ),
    )
    expect(kept.some((path) => path.includes('zod/v4/core/'))).toBe(true)
    // The config has its own English messages; zod's locales stay with the app's zod.
    expect(kept.filter((path) => path.includes('zod/v4/locales/'))).toEqual([])
    // Classic tool schemas convert themselves, with the generator classic zod brings anyway.
    const generator = kept.filter((path) => /zod\/.*json-schema/.test(path))
    expect(generator).toEqual([])
    // The config is built on zod/mini and parsed with zod's core parser, and JSON-Schema tools
    // are validated without zod: nothing of classic zod comes along — not its schemas (every
    // method on every instance, ~40 KB gzip), its JSON Schema → zod converter or its error class.
    expect(kept.filter((path) => path.includes('zod/v4/classic/'))).toEqual([])
  }, 30_000)

  it('still recognises zod schemas, whichever zod entry created them', () => {
    const tool = parseToolDefinition({
      name: 'get_weather',
      parameters: z.object({ city: z.string() }),
    })
    expect(tool.parameters).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    })
  })
})
