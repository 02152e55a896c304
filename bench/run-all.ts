/**
 * Runs every benchmark of the project, one after the other (never in parallel: they measure CPU
 * and the machine has two cores), each in its own Node process with the flags it needs:
 *
 *   npx tsx bench/run-all.ts            (`npm run bench`)
 *   npx tsx bench/run-all.ts throughput memory    (only these)
 *   BENCH_SKIP=browser-latency npx tsx bench/run-all.ts
 *
 * Each benchmark prints its own report and its rows in bench/RESULTS.md's format; nothing is
 * written to RESULTS.md (figures are recorded by hand, with the machine's load noted). Exits
 * non-zero if any benchmark failed.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { machine } from './support/measure'

interface Bench {
  name: string
  script: string
  /** Node flags besides the tsx loader. */
  flags?: string[]
}

const BENCHES: Bench[] = [
  { name: 'dsp', script: 'dsp.ts' },
  { name: 'throughput', script: 'throughput.ts', flags: ['--expose-gc'] },
  { name: 'memory', script: 'memory.ts', flags: ['--expose-gc'] },
  { name: 'bundle', script: 'bundle.ts' },
  { name: 'render-counts', script: 'render-counts.tsx' },
  { name: 'browser-latency', script: 'browser-latency.ts' },
]

const only = process.argv.slice(2)
const skip = (process.env.BENCH_SKIP ?? '').split(',').filter(Boolean)
const selected = BENCHES.filter(
  (bench) => (only.length === 0 || only.includes(bench.name)) && !skip.includes(bench.name),
)
const unknown = only.filter((name) => !BENCHES.some((bench) => bench.name === name))
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
  )
  process.exit(2)
}

function run(bench: Bench): Promise<number> {
  const script = fileURLToPath(new URL(bench.script, import.meta.url))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(bench.flags ?? []), '--import', 'tsx', script], {
      stdio: 'inherit',
    })
    child.on('exit', (code) => resolve(code ?? 1))
    child.on('error', () => resolve(1))
  })
}

const { cores, cpu, node, load } = machine()
process.stdout.write(`${cores} cores (${cpu}), Node ${node}, load average ${load}\n`)
const failed: string[] = []
for (const bench of selected) {
  process.stdout.write(`\n=== ${bench.name} (bench/${bench.script})\n`)
  const code = await run(bench)
  if (code !== 0) failed.push(`${bench.name} (exit ${code})`)
}
process.stdout.write(`\nload average now ${machine().load}\n`)
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`)
  process.exit(1)
}
