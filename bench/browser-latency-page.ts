// Runs in Chromium for bench/browser-latency.ts (bundled with esbuild): a RealtimeRunner with the
// browser audio engine, talking to the mock server, instrumented at the socket and at the
// worklet ports. Times are `performance.now()` on the main thread; audio-clock positions are
// mapped to it with `AudioContext.getOutputTimestamp()` (when a position is heard).
import { createBrowserAudio } from '../src/core/audio/browser-audio'
import type { BrowserAudio } from '../src/core/audio/browser-audio'
import { GeminiRealtimeModel } from '../src/core/providers/gemini/model'
import { OpenAIRealtimeModel } from '../src/core/providers/openai/model'
import { RealtimeRunner } from '../src/core/runner/runner'

/** Main-thread arrival of each capture frame, keyed by the start of its base64 payload. */
const frameArrivals = new Map<string, number>()
const frameToSend: number[] = []
/** Audio-clock delay from the end of a frame to its arrival on the main thread, in ms. */
const frameDelivery: number[] = []
const deltaArrivals: Array<{ itemId: string; at: number }> = []
const playingStarts: number[] = []
const speechArrivals: number[] = []
const speechToInterrupt: number[] = []
const interruptToSilentMs: number[] = []
const speechToAudibleSilence: number[] = []
let audio: BrowserAudio | undefined

function toBase64(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text)
}

/** When the context position `time` is (or was) heard, in performance.now() time. */
function heardAt(time: number): number {
  const context = audio!.audio.context!
  const stamp = context.getOutputTimestamp()
  return (stamp.performanceTime ?? 0) + (time - (stamp.contextTime ?? 0)) * 1000
}

// Capture frames as they reach the main thread (before the engine's own handler runs).
const RealNode = window.AudioWorkletNode
window.AudioWorkletNode = class extends RealNode {
  constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    super(context, name, options)
    this.port.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type: string; pcm?: ArrayBuffer; time?: number }
      if (data.type !== 'frame' || data.pcm === undefined) return
      const now = performance.now()
      frameDelivery.push((context.currentTime - data.time!) * 1000)
      const key = toBase64(new Uint8Array(data.pcm, 0, 24))
      // Silent frames all look alike; only distinct (speech) frames can be matched to sends.
      if (frameArrivals.has(key)) frameArrivals.set(key, -1)
      else frameArrivals.set(key, now)
    })
  }
}

// The socket: appends going out, audio deltas and speech signals coming in.
const RealSocket = window.WebSocket
window.WebSocket = class extends RealSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols)
    this.addEventListener('message', (event: MessageEvent) => {
      const now = performance.now()
      if (typeof event.data !== 'string') return
      if (event.data.includes('"response.output_audio.delta"')) {
        const message = JSON.parse(event.data) as { item_id: string }
        deltaArrivals.push({ itemId: message.item_id, at: now })
      } else if (event.data.includes('"input_audio_buffer.speech_started"')) {
        speechArrivals.push(now)
      }
    })
  }
  override send(data: Parameters<WebSocket['send']>[0]): void {
    if (typeof data === 'string' && data.includes('"input_audio_buffer.append"')) {
      const audioField = /"audio":"([^"]{32})/.exec(data)?.[1]
      const arrived = audioField === undefined ? undefined : frameArrivals.get(audioField)
      if (arrived !== undefined && arrived >= 0) frameToSend.push(performance.now() - arrived)
    }
    super.send(data)
  }
}

const bench = {
  ready: true,
  async start(options: { provider: 'openai' | 'gemini'; url: string }) {
    const model =
      options.provider === 'openai'
        ? new OpenAIRealtimeModel({ apiKey: 'ek_bench', url: options.url, auth: 'subprotocol' })
        : new GeminiRealtimeModel({ apiKey: 'bench', baseUrl: options.url })
    audio = createBrowserAudio({
      player: {
        onPlaying: (playing, time) => {
          if (playing) playingStarts.push(heardAt(time))
        },
        onInterrupted: (report) => {
          interruptToSilentMs.push(report.silenceLatencyMs)
          const speech = speechArrivals.at(-1)
          if (speech !== undefined) speechToAudibleSilence.push(heardAt(report.silentAt) - speech)
        },
      },
    })
    const runner = new RealtimeRunner({
      model,
      instruction: 'Benchmark.',
      config: { interruptionDetection: 'automatic' },
      playback: audio.playback,
    })
    runner.onEvent((event) => {
      const speech = speechArrivals.at(-1)
      if (event.type === 'playback.interrupted' && speech !== undefined) {
        speechToInterrupt.push(performance.now() - speech)
      }
    })
    audio.attach(runner)
    await audio.connect(runner)
  },
  results() {
    // Delta arrival → audible: the first delta of each item against the next playback start.
    const firstDeltas = new Map<string, number>()
    for (const delta of deltaArrivals)
      if (!firstDeltas.has(delta.itemId)) firstDeltas.set(delta.itemId, delta.at)
    const deltaToAudible: number[] = []
    for (const at of firstDeltas.values()) {
      const start = playingStarts.find((t) => t >= at)
      if (start !== undefined) deltaToAudible.push(start - at)
    }
    return {
      frameToSend,
      frameDelivery,
      deltaToAudible,
      speechToInterrupt,
      interruptToSilentMs,
      speechToAudibleSilence,
      outputLatencyMs: (audio?.audio.context?.outputLatency ?? 0) * 1000,
      baseLatencyMs: (audio?.audio.context?.baseLatency ?? 0) * 1000,
      sampleRate: audio?.audio.context?.sampleRate,
    }
  },
}

;(window as unknown as { __bench: typeof bench }).__bench = bench
