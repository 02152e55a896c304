/**
 * Throughput and CPU of a long OpenAI Realtime session (issue 9), run on demand, never as a test:
 *
 *   node --expose-gc --import tsx bench/throughput.ts
 *
 * The traffic server (bench/support/traffic-server.ts) streams one long GA session over loopback
 * as fast as the client consumes it: 10 minutes of 24 kHz audio in 40 ms deltas, with the matching
 * transcript deltas and 20 tool-call rounds (bench/support/traffic-scenario.ts). It runs in its
 * own process, because `process.cpuUsage()` counts every thread of a process (a worker thread's
 * CPU would land on the client's bill) and only a separate process keeps the server's CPU out.
 *
 * Three clients (bench/support/clients.ts) take turns in this one process: the `ws` floor, our
 * OpenAIRealtimeModel + RealtimeRunner + createRealtimeStore, and @openai/agents-realtime's
 * RealtimeSession over OpenAIRealtimeWebSocket({ url }). After one warm-up session each, every
 * repetition runs all three, in an order rotated per repetition, each after a full GC. A session
 * is measured from before its connect to its last `response.done`, in CPU time (user + system of
 * this process, so its share of GC and I/O threads included) — other load on the machine moves
 * wall time far more than CPU time. Every session is checked: all audio bytes, 20 tool calls
 * answered, 20 intact answers in the kept transcript.
 *
 * Environment: REPS (default 11), WARMUP (default 1), ONLY=floor|ours|agents-realtime (one client,
 * e.g. under `--cpu-prof`), AUDIO_SECONDS (default 600).
 */
import { CLIENTS, openSession, verifySession } from './support/clients'
import type { ClientName } from './support/clients'
import { cpuMsSince, fmt, fullGc, machine, median, spread, today } from './support/measure'
import { startTrafficServer } from './support/traffic'
import { THROUGHPUT_SCENARIO, expectedAudioBytes } from './support/traffic-scenario'
import type { TrafficScenario } from './support/traffic-scenario'

const REPS = Number(process.env.REPS ?? 11)
const WARMUP = Number(process.env.WARMUP ?? 1)
const ONLY = process.env.ONLY as ClientName | undefined
const scenario: TrafficScenario = {
  ...THROUGHPUT_SCENARIO,
  audioSeconds: Number(process.env.AUDIO_SECONDS ?? THROUGHPUT_SCENARIO.audioSeconds),
}
const audioMinutes = scenario.audioSeconds / 60
const clients: readonly ClientName[] = ONLY ? [ONLY] : CLIENTS

interface Sample {
  cpuMs: number
  wallMs: number
  frames: number
  notifications: number
}

const gc = fullGc()
const server = await startTrafficServer(scenario, { cache: true })

async function measure(client: ClientName): Promise<Sample> {
  gc()
  const start = process.cpuUsage()
  const t0 = performance.now()
  const session = await openSession(client, server.url, scenario)
  await session.finished
  const cpuMs = cpuMsSince(start)
  const wallMs = performance.now() - t0
  verifySession(client, session, scenario, expectedAudioBytes(scenario))
  if (session.counters.errors.length > 0) {
    console.warn(
      `${client}: ${session.counters.errors.length} error events`,
      session.counters.errors[0],
    )
  }
  const notifications = session.counters.notifications
  await session.close()
  const stats = await server.nextClose()
  if (!stats.completed) throw new Error(`${client}: the server did not finish the scenario`)
  return { cpuMs, wallMs, frames: stats.frames, notifications }
}

const before = machine()
process.stdout.write(
  `${audioMinutes} min of audio per session, ${scenario.rounds} tool rounds; ${before.cores} cores (${before.cpu}), Node ${before.node}, load ${before.load}\n`,
)
for (let w = 0; w < WARMUP; w++) {
  for (const client of clients) {
    const sample = await measure(client)
    process.stdout.write(`warm-up ${client}: ${fmt(sample.cpuMs)} ms CPU\n`)
  }
}
const samples = new Map<ClientName, Sample[]>(clients.map((client) => [client, []]))
for (let rep = 0; rep < REPS; rep++) {
  const order = clients.map((_, i) => clients[(i + rep) % clients.length] as ClientName)
  for (const client of order) {
    const sample = await measure(client)
    samples.get(client)?.push(sample)
    process.stdout.write(
      `rep ${rep + 1} ${client}: ${fmt(sample.cpuMs / audioMinutes)} ms CPU per audio-minute, ${fmt(sample.wallMs)} ms wall, ${sample.frames} frames\n`,
    )
  }
}
await server.close()
const after = machine()

interface Summary {
  perMinute: number[]
  eventsPerCpuSecond: number[]
  eventsPerWallSecond: number[]
  frames: number
}
const summary = new Map<ClientName, Summary>()
for (const [client, list] of samples) {
  summary.set(client, {
    perMinute: list.map((s) => s.cpuMs / audioMinutes),
    eventsPerCpuSecond: list.map((s) => s.frames / (s.cpuMs / 1000)),
    eventsPerWallSecond: list.map((s) => s.frames / (s.wallMs / 1000)),
    frames: median(list.map((s) => s.frames)),
  })
}

const describe = (values: number[], unit: string): string => {
  const { min, max } = spread(values)
  return `${fmt(median(values))} ${unit} (${fmt(min)}–${fmt(max)})`
}
process.stdout.write(
  `\nmedian (min–max) of ${REPS} repetitions; load average before ${before.load}, after ${after.load}\n`,
)
const rows: string[] = []
const command = '`node --expose-gc --import tsx bench/throughput.ts`'
for (const [client, s] of summary) {
  rows.push(
    `| throughput, ${client}: CPU per audio-minute (10 min session, ${s.frames.toLocaleString('en-US')} server events) | ${describe(s.perMinute, 'ms')}; ${describe(
      s.eventsPerCpuSecond.map((v) => v / 1000),
      'k events/CPU-s',
    )}; ${describe(
      s.eventsPerWallSecond.map((v) => v / 1000),
      'k events/s wall',
    )} | ${command} | ${today()} | ${after.cores} |`,
  )
}
const ratio = (a: ClientName, b: ClientName): string | undefined => {
  const x = samples.get(a)
  const y = samples.get(b)
  if (!x || !y) return undefined
  const paired = x.map((s, i) => s.cpuMs / (y[i] as Sample).cpuMs)
  const medians = median(x.map((s) => s.cpuMs)) / median(y.map((s) => s.cpuMs))
  const { min, max } = spread(paired)
  return `${medians.toFixed(2)}× (paired per repetition ${min.toFixed(2)}–${max.toFixed(2)}×)`
}
const oursFloor = ratio('ours', 'floor')
const oursAgents = ratio('ours', 'agents-realtime')
if (oursFloor) {
  rows.push(
    `| throughput: ours ÷ floor, CPU per audio-minute (target ≤ 1.5×) | ${oursFloor} | ${command} | ${today()} | ${after.cores} |`,
  )
}
if (oursAgents) {
  rows.push(
    `| throughput: ours ÷ agents-realtime, CPU per audio-minute (target ≤ 0.5×) | ${oursAgents} | ${command} | ${today()} | ${after.cores} |`,
  )
}
process.stdout.write(`${rows.join('\n')}\n`)
