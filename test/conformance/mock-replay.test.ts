import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMockRealtimeServer } from '../../src/testing'
import { geminiKind, openaiKind } from '../../src/testing/mock-server/log'
import { rawClient } from './mock-helpers'

/**
 * Every recorded session in ../shared/fixtures/recorded, replayed against the mock: the recorded
 * client frames are sent in order, each one once the mock has produced the server message that
 * preceded it in the recording, and the mock's server messages must be of the same kinds in the
 * same order.
 *
 * "Same kinds in the same order" is checked like this:
 * - *Anchor* messages (everything except streamed deltas) must match one for one, in order.
 * - Between two anchors, a run of streamed messages (audio and transcript deltas, `modelTurn`
 *   parts, transcription messages) is compared as the set of its kinds: every kind the service
 *   streamed there, the mock must stream there too. Counts and interleaving depend on the wording
 *   and the audio length, which may differ. The mock may stream more kinds: two js-genai sessions
 *   recorded a text turn with no content at all before `generationComplete`, while the mock speaks.
 * - Most js-genai recordings end mid-turn (the tests stopped reading), so the recording must be a
 *   prefix of the mock's output.
 *
 * Two adjustments to the recorded input are made, both documented by the recordings' README:
 * the pydantic-ai OpenAI recorder cut each `input_audio_buffer.append` to its first 32 bytes of
 * PCM, so each is tiled back to the 100 ms it originally held (the twin Gemini recording of the
 * same test has the complete audio: 55 chunks of 100 ms); and the recorded gpt-realtime sessions
 * carry no `rate_limits.updated`, so the mock runs with that event off. The two
 * `pai-webrtc-sideband-*-http.jsonl` files hold only the HTTP `POST /v1/realtime/calls` exchange of
 * a WebRTC call — no WebSocket frames — and are checked to be exactly that.
 */
const RECORDED = resolve(__dirname, '../../../shared/fixtures/recorded')

interface Line {
  dir: 'client' | 'server' | 'meta'
  msg?: Record<string, unknown>
  event?: string
  repo?: string
  provider?: 'openai' | 'gemini'
}

const STREAMED = new Set([
  'response.output_audio.delta',
  'response.output_audio_transcript.delta',
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'conversation.item.input_audio_transcription.delta',
  'serverContent.modelTurn',
  'serverContent.outputTranscription',
  'serverContent.inputTranscription',
])

/** Anchors, and the set of streamed kinds before each anchor (`gaps[i]`) and after the last. */
interface Shape {
  anchors: string[]
  gaps: Array<Set<string>>
}

function shapeOf(kinds: readonly string[]): Shape {
  const shape: Shape = { anchors: [], gaps: [new Set()] }
  for (const kind of kinds) {
    if (STREAMED.has(kind)) shape.gaps[shape.gaps.length - 1]!.add(kind)
    else {
      shape.anchors.push(kind)
      shape.gaps.push(new Set())
    }
  }
  return shape
}

function render(anchors: readonly string[], gaps: ReadonlyArray<ReadonlySet<string>>): string[] {
  const out: string[] = []
  gaps.forEach((gap, index) => {
    if (gap.size > 0) out.push(`~ ${[...gap].sort().join(' | ')}`)
    const anchor = anchors[index]
    if (anchor !== undefined) out.push(anchor)
  })
  return out
}

/**
 * The mock's shape cut to the recording's length, with every gap that satisfies the recording
 * (recorded kinds ⊆ mock kinds) rendered as the recording's, so a mismatch shows as a plain diff.
 */
function aligned(recorded: Shape, mock: Shape): { expected: string[]; actual: string[] } {
  const count = recorded.anchors.length
  const gaps = mock.gaps.slice(0, count + 1).map((gap, index) => {
    const want = recorded.gaps[index] ?? new Set<string>()
    return [...want].every((kind) => gap.has(kind)) ? want : gap
  })
  return {
    expected: render(recorded.anchors, recorded.gaps),
    actual: render(mock.anchors.slice(0, count), gaps),
  }
}

/** The mock has produced everything the recording covers (its trailing gap is closed). */
function covers(recorded: Shape, mock: Shape): boolean {
  const trailing = recorded.gaps[recorded.gaps.length - 1]!
  return (
    mock.anchors.length > recorded.anchors.length ||
    (mock.anchors.length === recorded.anchors.length && trailing.size === 0)
  )
}

/** Tiles the 32 bytes the recorder kept back to 100 ms of 24 kHz PCM16 (4 800 bytes). */
function restoreShortenedAppend(message: Record<string, unknown>): Record<string, unknown> {
  const kept = Buffer.from(String(message.audio), 'base64').subarray(0, 32)
  const restored = Buffer.alloc(4800)
  for (let offset = 0; offset < restored.length; offset += kept.length) kept.copy(restored, offset)
  return { ...message, audio: restored.toString('base64') }
}

function loadRecordings(): Array<{ name: string; lines: Line[] }> {
  return ['openai', 'gemini'].flatMap((provider) =>
    readdirSync(join(RECORDED, provider))
      .filter((file) => file.endsWith('.jsonl'))
      .sort()
      .map((file) => ({
        name: `${provider}/${file}`,
        lines: readFileSync(join(RECORDED, provider, file), 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Line),
      })),
  )
}

const recordings = loadRecordings()

/** Replays one recording against a fresh mock; returns both sides, aligned for comparison. */
async function replay(
  lines: readonly Line[],
  openai: { rateLimits: boolean },
): Promise<{ expected: string[]; actual: string[] }> {
  const source = lines[0]!
  const frames = lines.filter((line) => line.dir === 'client' || line.dir === 'server')
  const provider = source.provider!
  const kindOf = provider === 'openai' ? openaiKind : geminiKind
  const server = await createMockRealtimeServer({ openai, pingIntervalMs: 0 })
  try {
    const wsBase = server.url.replace(/^http/, 'ws')
    const client =
      provider === 'openai'
        ? rawClient(`${wsBase}/v1/realtime?model=gpt-realtime`, {
            headers: { Authorization: 'Bearer sk-test' },
          })
        : rawClient(
            `${wsBase}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=TEST_KEY`,
          )
    await client.opened
    const connectionId = server.log.connections[0]!.id
    const mockKinds = (): string[] => server.log.kinds(connectionId, 'out')
    const anchorCount = (kind: string): number => mockKinds().filter((k) => k === kind).length
    const recordedServer: string[] = []
    for (const frame of frames) {
      if (frame.dir === 'server') {
        recordedServer.push(kindOf(frame.msg))
        continue
      }
      // Send once the mock has reached the last anchor the recording shows before this frame.
      const anchors = recordedServer.filter((kind) => !STREAMED.has(kind))
      const last = anchors[anchors.length - 1]
      if (last !== undefined) {
        const needed = anchors.filter((kind) => kind === last).length
        await server.log.waitFor(() => anchorCount(last) >= needed)
      }
      const message =
        source.repo === 'pydantic/pydantic-ai' && frame.msg?.type === 'input_audio_buffer.append'
          ? restoreShortenedAppend(frame.msg)
          : frame.msg
      client.send(message)
    }
    const recorded = shapeOf(recordedServer)
    if (!covers(recorded, shapeOf(mockKinds()))) {
      await server.log.waitFor(() => covers(recorded, shapeOf(mockKinds())))
    }
    client.ws.close()
    return aligned(recorded, shapeOf(mockKinds()))
  } finally {
    await server.close()
  }
}

describe('recorded sessions replayed against the mock', () => {
  it('finds all 18 recordings', () => {
    expect(recordings).toHaveLength(18)
  })

  it('notices a difference: with rate_limits.updated on, the tool round no longer matches', async () => {
    const recording = recordings.find(({ name }) => name === 'openai/pai-tool-call-round.jsonl')!
    const { expected, actual } = await replay(recording.lines, { rateLimits: true })
    expect(actual).not.toEqual(expected)
    expect(actual).toContain('rate_limits.updated')
  })

  for (const { name, lines } of recordings) {
    const frames = lines.filter((line) => line.dir === 'client' || line.dir === 'server')
    if (frames.length === 0) {
      it(`${name}: holds only an HTTP exchange, no WebSocket frames to replay`, () => {
        expect(lines.slice(1).every((line) => line.dir === 'meta' && line.event === 'http')).toBe(
          true,
        )
      })
      continue
    }
    it(`${name}: the mock answers with the same kinds of messages in the same order`, async () => {
      const { expected, actual } = await replay(lines, { rateLimits: false })
      expect(actual).toEqual(expected)
    })
  }
})
