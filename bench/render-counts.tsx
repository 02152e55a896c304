// Render counts of the React components while 1,000 assistant transcript deltas stream, measured
// with React Profilers in jsdom (the scenario is shared with test/hooks/render-counts.test.tsx).
// Run: npx tsx bench/render-counts.tsx
import { JSDOM } from 'jsdom'

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  pretendToBeVisual: true, // requestAnimationFrame, as in a browser
  url: 'http://127.0.0.1/',
})
const scope = globalThis as Record<string, unknown>
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (key in scope) continue
  Object.defineProperty(scope, key, {
    configurable: true,
    get: () => (dom.window as unknown as Record<string, unknown>)[key],
  })
}

const { measureRenderCounts } = await import('../test/hooks/render-counts.scenario')

const rows: string[] = []
for (const strict of [false, true]) {
  for (const perFrame of [10, 1, 1_000]) {
    const started = performance.now()
    const result = await measureRenderCounts({ strict, deltas: 1_000, perFrame })
    const ms = performance.now() - started
    const { Transcript, MicToggle, ConnectionStatus, VoiceAgent } = result.commits
    rows.push(
      `| ${strict ? 'StrictMode' : 'plain'} | ${perFrame} | ${result.frames} | ${Transcript} | ` +
        `${MicToggle} | ${ConnectionStatus} | ${VoiceAgent} | ${result.complete ? 'yes' : 'NO'} | ` +
        `${ms.toFixed(0)} |`,
    )
  }
}
console.log(
  '1,000 transcript deltas; commits counted by React Profiler (jsdom, development build)\n',
)
console.log(
  '| mode | deltas per frame | frames | Transcript | MicToggle | ConnectionStatus | VoiceAgent | all text shown | wall ms |',
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |')
for (const row of rows) console.log(row)
dom.window.close()
