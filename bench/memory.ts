/**
 * Heap growth over a simulated 60-minute session (issue 9), run on demand, never as a test:
 *
 *   node --expose-gc --import tsx bench/memory.ts
 *
 * The traffic server (bench/support/traffic-server.ts, its own process) streams an hour of the
 * throughput benchmark's traffic — 60 minutes of 24 kHz audio in 40 ms deltas, a transcript delta
 * per 320 ms, a tool-call round every 30 s of speech (120 rounds) — as fast as the client reads.
 * Each measured session runs in a fresh child process (`--expose-gc`), so nothing one client
 * leaves behind lands on another's bill: the child connects, then after every 10 rounds (5
 * simulated minutes) and at the end forces a full GC and reads `process.memoryUsage()`, with the
 * session still open and its transcript kept (our store's `items`; agents-realtime's `history`;
 * the floor keeps a map of answer transcripts). Every session is checked like the throughput
 * sessions (all audio, 120 tool calls, 120 intact answers kept).
 *
 * Figures: heap growth from just after connecting to the end of the hour ("per simulated hour"),
 * and the slope from minute 10 to 60 (scaled to an hour), which leaves out warm-up (inline caches,
 * lazily compiled code, first-use allocations). `arrayBuffers` growth (connect → end) is reported
 * too, since audio is decoded into ArrayBuffers outside the JS heap; only the first and last
 * readings are meaningful for it (the last one waits for the sweeper that frees them after a GC;
 * the readings taken mid-stream may still count buffers that are already garbage).
 *
 * Environment: REPS (default 3), CLIENTS (comma list, default floor,ours,agents-realtime).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CLIENTS, openSession, verifySession } from './support/clients'
import type { ClientName } from './support/clients'
import { fmt, fullGc, machine, median, spread, today } from './support/measure'
import { startTrafficServer } from './support/traffic'
import { THROUGHPUT_SCENARIO, expectedAudioBytes } from './support/traffic-scenario'
import type { TrafficScenario } from './support/traffic-scenario'

const HOUR_SCENARIO: TrafficScenario = { ...THROUGHPUT_SCENARIO, audioSeconds: 3_600, rounds: 120 }
const SAMPLE_EVERY_ROUNDS = 10
const MB = 1024 * 1024

interface Sample {
  /** Simulated minutes of audio received. */
  minute: number
  heapUsed: number
  arrayBuffers: number
}

interface ChildResult {
  client: ClientName
  samples: Sample[]
  items: number
}

async function child(client: ClientName, url: string): Promise<void> {
  const gc = fullGc()
  const samples: Sample[] = []
  const sample = (minute: number): void => {
    gc()
    const usage = process.memoryUsage()
    samples.push({ minute, heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers })
  }
  const minutesPerRound = HOUR_SCENARIO.audioSeconds / 60 / HOUR_SCENARIO.rounds
  const session = await openSession(client, url, HOUR_SCENARIO, {
    onResponseDone: (count) => {
      // Two responses per round; sample after the spoken answer of every 10th round. The last
      // sample is taken below, once the session is quiet.
      if (count % (2 * SAMPLE_EVERY_ROUNDS) === 0 && count < 2 * HOUR_SCENARIO.rounds) {
        sample((count / 2) * minutesPerRound)
      }
    },
  })
  sample(0)
  await session.finished
  // ArrayBuffers are freed by a sweeper after the GC: give it a moment before the last reading.
  gc()
  await new Promise((resolve) => setTimeout(resolve, 200))
  sample(HOUR_SCENARIO.audioSeconds / 60)
  verifySession(client, session, HOUR_SCENARIO, expectedAudioBytes(HOUR_SCENARIO))
  const result: ChildResult = { client, samples, items: session.answers().length }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
  await session.close()
}

function runChild(client: ClientName, url: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)],
      {
        env: { ...process.env, MEMORY_CHILD: client, TRAFFIC_URL: url },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    proc.on('error', reject)
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || !line) reject(new Error(`${client}: child exited ${code}\n${out}`))
      else resolve(JSON.parse(line.slice('RESULT '.length)) as ChildResult)
    })
  })
}

async function parent(): Promise<void> {
  const reps = Number(process.env.REPS ?? 3)
  const clients = (process.env.CLIENTS?.split(',') as ClientName[] | undefined) ?? [...CLIENTS]
  const server = await startTrafficServer(HOUR_SCENARIO)
  const before = machine()
  process.stdout.write(
    `60 min simulated session, ${HOUR_SCENARIO.rounds} tool rounds; ${before.cores} cores (${before.cpu}), Node ${before.node}, load ${before.load}\n`,
  )
  const results = new Map<ClientName, ChildResult[]>(clients.map((client) => [client, []]))
  for (let rep = 0; rep < reps; rep++) {
    const order = clients.map((_, i) => clients[(i + rep) % clients.length] as ClientName)
    for (const client of order) {
      const result = await runChild(client, server.url)
      const stats = await server.nextClose()
      if (!stats.completed) throw new Error(`${client}: the server did not finish the scenario`)
      results.get(client)?.push(result)
      const first = result.samples[0] as Sample
      const last = result.samples.at(-1) as Sample
      process.stdout.write(
        `rep ${rep + 1} ${client}: heap ${fmt(first.heapUsed / MB)} → ${fmt(last.heapUsed / MB)} MB; ` +
          `series ${result.samples.map((s) => fmt(s.heapUsed / MB)).join(' ')} MB; ` +
          `arrayBuffers ${result.samples.map((s) => fmt(s.arrayBuffers / MB)).join(' ')} MB\n`,
      )
    }
  }
  await server.close()
  const after = machine()
  const rows: string[] = []
  const command = '`node --expose-gc --import tsx bench/memory.ts`'
  const describe = (values: number[]): string => {
    const { min, max } = spread(values)
    return `${fmt(median(values))} MB (${fmt(min)}–${fmt(max)})`
  }
  for (const [client, list] of results) {
    const growth = list.map(
      (r) => ((r.samples.at(-1) as Sample).heapUsed - (r.samples[0] as Sample).heapUsed) / MB,
    )
    const slope = list.map((r) => {
      const from = r.samples.find((s) => s.minute >= 10) as Sample
      const to = r.samples.at(-1) as Sample
      return (((to.heapUsed - from.heapUsed) / MB) * 60) / (to.minute - from.minute)
    })
    const buffers = list.map(
      (r) =>
        ((r.samples.at(-1) as Sample).arrayBuffers - (r.samples[0] as Sample).arrayBuffers) / MB,
    )
    rows.push(
      `| memory, ${client}: heap growth over a simulated 60-min session, transcript kept (${(list[0] as ChildResult).items} answers) | ${describe(growth)} per simulated hour; minute 10→60 slope ${describe(slope)}/h; arrayBuffers ${describe(buffers)} | ${command} | ${today()} | ${after.cores} |`,
    )
  }
  process.stdout.write(
    `\nmedian (min–max) of ${reps} sessions, each in a fresh process; load average before ${before.load}, after ${after.load}\n${rows.join('\n')}\n`,
  )
}

const childClient = process.env.MEMORY_CHILD as ClientName | undefined
if (childClient) await child(childClient, process.env.TRAFFIC_URL as string)
else await parent()
