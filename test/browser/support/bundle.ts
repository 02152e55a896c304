// Bundles a TypeScript entry (and the library sources it imports) into one browser script with
// esbuild, so test pages run the real src/ code without a dev server.
import { build } from 'esbuild'

export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: 'inline',
    logLevel: 'silent',
  })
  const file = result.outputFiles[0]
  if (file === undefined) throw new Error(`esbuild produced no output for ${entry}`)
  return file.text
}

/** A minimal page that loads `/harness.js` as a module and reports load errors. */
export const HARNESS_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>audio harness</title></head>
  <body>
    <button id="gesture">start</button>
    <script type="module" src="/harness.js"></script>
  </body>
</html>
`
