/**
 * The benchmarks' traffic server: one long OpenAI Realtime GA session per connection (see
 * traffic-scenario.ts), streamed as fast as the client consumes it. Run as a child process by
 * `startTrafficServer` (traffic.ts), never imported by the measured process, so none of its CPU is
 * counted: `process.cpuUsage()` reports the whole process, worker threads included.
 *
 * Why not the mock server (src/testing/mock-server)? The mock is a faithful *simulator* — energy
 * VAD, a brain, synthesized speech, chunks paced on a clock — and the benchmarks need the
 * opposite: precomputed, speech-like frames pushed with no pacing, under TCP back-pressure only.
 * That would be a second mode through most of the mock, so this small server speaks the same GA
 * events (shapes and order as the recorded sessions) instead.
 *
 * Speed: the scripted frames are deterministic, so each round is rendered (JSON, then WebSocket
 * framing) into ~64 kB chunks of whole frames — once per server with `cache` (the throughput
 * benchmark: every connection gets the same bytes), else per connection, round by round (the
 * memory benchmark's hour would be ~290 MB) — and written with one `socket.write` per chunk. `ws` only does the handshake and reads the client's
 * frames. The server must never be the bottleneck: a client starved of input wakes up for a few
 * frames at a time and pays more per frame, which would inflate the floor most of all.
 *
 * Back-pressure: the next chunk is written only when the socket has drained (`write()` returned
 * true or `drain` fired); the loopback socket buffers hold a few MB more. So the client always
 * has frames waiting, and the session runs exactly as fast as the client reads. No compression
 * (`permessage-deflate` off): the figures are the client library's cost, not zlib's.
 *
 * Client messages it answers like the service: `session.update` → `session.updated` (the first
 * one starts the session), `conversation.item.create` → `conversation.item.added`/`.done`,
 * `response.create` → the next response, `conversation.item.retrieve` → `.retrieved`,
 * `conversation.item.truncate` → `.truncated`, `response.cancel` without a response in progress →
 * the `response_cancel_not_active` error. Audio appends and anything else are ignored.
 *
 * Protocol with the parent (IPC): it sends `{ type: 'listening', port }` once, and
 * `{ type: 'closed', frames, bytes, clientMessages, completed }` when a connection ends.
 */
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import type { RawData, WebSocket } from 'ws'
import { FrameContext, roundItems, spokenAnswer, userTurnAndToolCall } from './traffic-scenario'
import type { TrafficScenario } from './traffic-scenario'

const CHUNK_BYTES = 64 * 1024

export interface ConnectionStats {
  type: 'closed'
  /** Server frames sent on the connection. */
  frames: number
  /** Bytes of those frames, WebSocket headers included. */
  bytes: number
  clientMessages: number
  /** Whether the whole scenario was sent. */
  completed: boolean
}

/** A server-to-client text frame (unmasked, FIN, opcode 1). */
function wsFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const n = payload.length
  let header: Buffer
  if (n < 126) header = Buffer.from([0x81, n])
  else if (n < 65_536) {
    header = Buffer.alloc(4)
    header[0] = 0x81
    header[1] = 126
    header.writeUInt16BE(n, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x81
    header[1] = 127
    header.writeBigUInt64BE(BigInt(n), 2)
  }
  return Buffer.concat([header, payload])
}

/** Whole frames, packed into chunks of about CHUNK_BYTES. */
interface Rendered {
  chunks: Buffer[]
  frames: number
}

function render(frames: Iterable<string>): Rendered {
  const chunks: Buffer[] = []
  let pending: Buffer[] = []
  let size = 0
  let count = 0
  for (const text of frames) {
    const frame = wsFrame(text)
    pending.push(frame)
    size += frame.length
    count += 1
    if (size >= CHUNK_BYTES) {
      chunks.push(Buffer.concat(pending))
      pending = []
      size = 0
    }
  }
  if (pending.length > 0) chunks.push(Buffer.concat(pending))
  return { chunks, frames: count }
}

/** The scripted session, rendered lazily round by round, and kept when `cache` is set. */
class Script {
  readonly ctx: FrameContext
  readonly #scenario: TrafficScenario
  readonly #cache: boolean
  readonly #rounds = new Map<number, { question: Rendered; answer: Rendered }>()

  constructor(scenario: TrafficScenario, cache: boolean) {
    this.ctx = new FrameContext(scenario)
    this.#scenario = scenario
    this.#cache = cache
  }

  round(round: number): { question: Rendered; answer: Rendered } {
    const cached = this.#rounds.get(round)
    if (cached) return cached
    const rendered = {
      question: render(userTurnAndToolCall(this.ctx, round)),
      answer: render(spokenAnswer(this.ctx, this.#scenario, round)),
    }
    if (this.#cache) this.#rounds.set(round, rendered)
    return rendered
  }
}

class BenchConnection {
  readonly #socket: Socket
  readonly #scenario: TrafficScenario
  readonly #script: Script
  readonly #ctx: FrameContext
  readonly #items = new Map<string, Record<string, unknown>>()
  #frames = 0
  #bytes = 0
  #clientMessages = 0
  #started = false
  #completed = false
  #round = 0
  #responseActive = false
  #responseCreates = 0
  #responseWaiter: (() => void) | undefined
  #drainWaiter: (() => void) | undefined
  #closed = false

  constructor(ws: WebSocket, socket: Socket, scenario: TrafficScenario, script: Script) {
    this.#socket = socket
    this.#scenario = scenario
    this.#script = script
    this.#ctx = new FrameContext(scenario, 'event_reply_')
    socket.setNoDelay(true)
    socket.on('drain', () => this.#wakeWriter())
    ws.on('message', (data, binary) => this.#onMessage(data, binary))
    ws.on('close', () => {
      this.#closed = true
      this.#wakeWriter()
      this.#responseWaiter?.()
      const stats: ConnectionStats = {
        type: 'closed',
        frames: this.#frames,
        bytes: this.#bytes,
        clientMessages: this.#clientMessages,
        completed: this.#completed,
      }
      process.send?.(stats)
    })
    this.#reply(
      this.#ctx.frame('session.created', {
        session: { ...this.#session({}), id: 'sess_bench' },
      }),
    )
  }

  #session(requested: Record<string, unknown>): Record<string, unknown> {
    return {
      object: 'realtime.session',
      id: 'sess_bench',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
      instructions: '',
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      truncation: 'auto',
      prompt: null,
      expires_at: 1_900_000_000,
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: null,
          noise_reduction: null,
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 200,
            idle_timeout_ms: null,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin', speed: 1 },
      },
      include: null,
      ...requested,
      // Last: the service always answers with a realtime session.
      type: 'realtime',
    }
  }

  #wakeWriter(): void {
    const wake = this.#drainWaiter
    this.#drainWaiter = undefined
    wake?.()
  }

  /** Writes whole frames; false when the socket wants to drain first. */
  #write(chunk: Buffer): boolean {
    this.#bytes += chunk.length
    return this.#socket.write(chunk)
  }

  /** A frame answering the client, written at once (between whole frames of the script). */
  #reply(text: string): void {
    if (this.#closed) return
    this.#frames += 1
    this.#write(wsFrame(text))
  }

  async #send(rendered: Rendered): Promise<void> {
    this.#frames += rendered.frames
    for (const chunk of rendered.chunks) {
      if (this.#closed) return
      if (!this.#write(chunk) && !this.#closed) {
        await new Promise<void>((wake) => (this.#drainWaiter = wake))
      }
    }
  }

  async #nextResponseCreate(): Promise<void> {
    while (this.#responseCreates === 0 && !this.#closed) {
      await new Promise<void>((resolve) => (this.#responseWaiter = resolve))
    }
    this.#responseCreates -= 1
  }

  async #run(): Promise<void> {
    for (let round = 0; round < this.#scenario.rounds && !this.#closed; round++) {
      const { question, answer } = this.#script.round(round)
      this.#round = round
      this.#responseActive = true
      await this.#send(question)
      this.#responseActive = false
      await this.#nextResponseCreate()
      this.#responseActive = true
      await this.#send(answer)
      this.#responseActive = false
    }
    this.#completed = !this.#closed
  }

  #onMessage(data: RawData, binary: boolean): void {
    this.#clientMessages += 1
    if (binary) return
    const message = JSON.parse(data.toString()) as { type: string } & Record<string, unknown>
    switch (message.type) {
      case 'session.update': {
        const session = this.#session((message.session ?? {}) as Record<string, unknown>)
        this.#reply(this.#ctx.frame('session.updated', { session }))
        if (!this.#started) {
          this.#started = true
          void this.#run()
        }
        return
      }
      case 'conversation.item.create': {
        const ids = roundItems(this.#round)
        const item = { id: ids.output, ...(message.item as object) }
        this.#items.set(ids.output, item)
        for (const frame of this.#ctx.wholeItem(item, ids.call)) this.#reply(frame)
        return
      }
      case 'response.create':
        this.#responseCreates += 1
        this.#responseWaiter?.()
        this.#responseWaiter = undefined
        return
      case 'conversation.item.retrieve': {
        const id = message.item_id as string
        const item = this.#items.get(id) ?? this.#script.ctx.items.get(id)
        if (item) this.#reply(this.#ctx.frame('conversation.item.retrieved', { item }))
        return
      }
      case 'conversation.item.truncate':
        this.#reply(
          this.#ctx.frame('conversation.item.truncated', {
            item_id: message.item_id,
            content_index: message.content_index,
            audio_end_ms: message.audio_end_ms,
          }),
        )
        return
      case 'response.cancel':
        if (!this.#responseActive) {
          this.#reply(
            this.#ctx.frame('error', {
              error: {
                type: 'invalid_request_error',
                code: 'response_cancel_not_active',
                message: 'Cancellation failed: no active response found',
                param: null,
                event_id: message.event_id ?? null,
              },
            }),
          )
        }
        return
      default:
        return
    }
  }
}

const scenario = JSON.parse(process.argv[2] ?? '') as TrafficScenario
const script = new Script(scenario, process.argv[3] === 'cache')
const http = createServer((_request, response) => response.writeHead(426).end())
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: 64 * 1024 * 1024,
  handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
})
http.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    new BenchConnection(ws, socket as Socket, scenario, script)
  })
})
http.listen(0, '127.0.0.1', () => {
  const address = http.address()
  if (typeof address === 'object' && address !== null) {
    process.send?.({ type: 'listening', port: address.port })
  }
})
process.on('disconnect', () => {
  http.close()
  process.exit(0)
})
