import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { RawData, WebSocket } from 'ws'
import { compareClientFrame, frameTypeOf } from './replay-compare'
import { loadRecording } from './replay-recording'
import type { Recording } from './replay-recording'

export { compareClientFrame, frameTypeOf } from './replay-compare'
export type { CompareOptions } from './replay-compare'
export { loadRecording, parseRecording } from './replay-recording'
export type { Recording, RecordingSource, RecordingStep } from './replay-recording'

export interface ReplayServerOptions {
  /** A parsed recording, or the path of a `.jsonl` file. */
  recording: Recording | string
  /** Compare audio payloads byte for byte (default: any non-empty base64 matches). */
  strictAudio?: boolean
  /** Send server frames as binary. Default: true for Gemini (like the live service), false for OpenAI. */
  binaryServerFrames?: boolean
}

/** What the client's upgrade request carried. */
export interface ReplayRequest {
  url: string
  headers: IncomingMessage['headers']
  protocols: string[]
}

export interface ReplayServer {
  /** `ws://127.0.0.1:<port>`; providers append their own path. */
  readonly url: string
  readonly port: number
  readonly recording: Recording
  readonly requests: readonly ReplayRequest[]
  /** Readable descriptions of every mismatch so far. */
  readonly mismatches: readonly string[]
  /**
   * Resolves when every recorded client frame arrived and matched and every server frame was
   * sent. Rejects with the diff on the first mismatch, or after `timeoutMs` (default 10 s) with
   * where the replay stopped.
   */
  finished(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/**
 * A WebSocket server on 127.0.0.1 (a free port) that plays one recorded session: it sends the
 * recorded server frames, and before each recorded client frame waits for the client's frame and
 * checks it against the recording (see `compareClientFrame` for what is compared). A mismatch
 * closes the socket with 1008 and fails `finished()` with a readable diff.
 *
 * The subprotocol `realtime` is selected whenever it is offered, as the OpenAI server does
 * (browsers fail the handshake otherwise). One connection is served; later ones are refused.
 *
 * @example
 * const replay = await startReplayServer({ recording: 'fixtures/recorded/openai/pai-tool-call-round.jsonl' })
 * const model = new OpenAIRealtimeModel({ apiKey: 'sk-test', url: `${replay.url}/v1/realtime` })
 * const session = await model.connect(config)
 * // … drive the session …
 * await replay.finished()
 * await replay.close()
 */
export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const recording =
    typeof options.recording === 'string'
      ? await loadRecording(options.recording)
      : options.recording
  if (recording.kind !== 'websocket') {
    throw new Error(
      'This recording holds no WebSocket messages (HTTP only); there is nothing to replay over a socket',
    )
  }
  const provider = recording.source.provider
  const binary = options.binaryServerFrames ?? provider === 'gemini'
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const port = (wss.address() as AddressInfo).port
  const requests: ReplayRequest[] = []
  const mismatches: string[] = []
  let cursor = 0
  let settled: { ok: true } | { ok: false; error: Error } | undefined
  const waiters: Array<() => void> = []
  const settle = (result: { ok: true } | { ok: false; error: Error }): void => {
    if (settled !== undefined) return
    settled = result
    for (const waiter of waiters.splice(0)) waiter()
  }
  const fail = (message: string, socket: WebSocket): void => {
    mismatches.push(message)
    settle({ ok: false, error: new Error(message) })
    socket.close(1008, 'replay mismatch')
  }

  const pump = (socket: WebSocket): void => {
    while (cursor < recording.steps.length) {
      const step = recording.steps[cursor]!
      if (step.dir === 'client') return
      cursor++
      if (step.dir === 'close') {
        socket.close(step.code, step.reason)
        break
      }
      const text = JSON.stringify(step.msg)
      socket.send(binary ? Buffer.from(text) : text, { binary })
    }
    if (cursor >= recording.steps.length) settle({ ok: true })
  }

  const onFrame = (socket: WebSocket, data: RawData): void => {
    if (settled?.ok === false) return
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString()
      : Buffer.from(data as ArrayBuffer).toString()
    let sent: unknown
    try {
      sent = JSON.parse(text)
    } catch {
      fail(`Client sent a frame that is not JSON: ${text.slice(0, 120)}`, socket)
      return
    }
    const sentType = frameTypeOf(sent, provider)
    const step = recording.steps[cursor]
    if (step?.dir !== 'client') {
      const expected =
        step === undefined
          ? 'the end of the recording'
          : step.dir === 'close'
            ? 'a close next'
            : `a server "${frameTypeOf(step.msg, provider)}" frame next`
      fail(
        `Unexpected client frame "${sentType}": the recording has ${expected} (line ${step?.line ?? 'end'})`,
        socket,
      )
      return
    }
    const recordedType = frameTypeOf(step.msg, provider)
    const differences =
      recordedType === sentType
        ? compareClientFrame(step.msg, sent, {
            provider,
            ...(options.strictAudio === undefined ? {} : { strictAudio: options.strictAudio }),
          })
        : [`message type: recorded "${recordedType}", sent "${sentType}"`]
    if (differences.length > 0) {
      fail(
        [
          `Client frame at recording line ${step.line} ("${recordedType}") does not match:`,
          ...differences.map((line) => `  ${line}`),
        ].join('\n'),
        socket,
      )
      return
    }
    cursor++
    pump(socket)
  }

  let served = false
  wss.on('connection', (socket, request) => {
    requests.push({
      url: request.url ?? '',
      headers: request.headers,
      protocols: (request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    })
    if (served) {
      socket.close(1013, 'replay serves one connection')
      return
    }
    served = true
    socket.on('message', (data) => onFrame(socket, data))
    pump(socket)
  })

  const describePosition = (): string => {
    const step = recording.steps[cursor]
    if (step === undefined) return 'at the end'
    if (step.dir !== 'client') return `about to send recording line ${step.line}`
    return `waiting for the client's "${frameTypeOf(step.msg, provider)}" frame (recording line ${step.line})`
  }

  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    recording,
    requests,
    mismatches,
    finished: (timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer)
          if (settled?.ok === false) reject(settled.error)
          else resolve()
        }
        const timer = setTimeout(() => {
          const index = waiters.indexOf(done)
          if (index !== -1) waiters.splice(index, 1)
          reject(new Error(`Replay did not finish within ${timeoutMs} ms: ${describePosition()}`))
        }, timeoutMs)
        if (settled !== undefined) done()
        else waiters.push(done)
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  }
}
