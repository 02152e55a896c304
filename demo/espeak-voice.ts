import ESpeakNg from 'espeak-ng'
import { Resampler } from '../src/core/audio/resample'

/**
 * The mock server's voice in the demo and in tests: the `espeak-ng` npm package (WASM, GPL-3.0).
 * It is a devDependency used only here and in tests, never imported by the published library,
 * whose own default voice is a GPL-free synthesizer.
 *
 * @example
 * const brain = createMockBrain({ synthesize: espeakVoice })
 */
export async function espeakVoice(text: string, sampleRate: number): Promise<Int16Array> {
  // `-q` would suppress the WAV too; the path is absolute in the module's in-memory file system.
  const engine = await ESpeakNg({
    arguments: ['-v', 'en-us', '-w', '/tmp/reply.wav', text],
    print: () => {},
    printErr: () => {},
  })
  const wav = engine.FS.readFile('/tmp/reply.wav')
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength)
  const rate = view.getUint32(24, true)
  // Walk the RIFF chunks to `data` (espeak writes a plain 44-byte header, but do not rely on it).
  let offset = 12
  while (
    offset + 8 <= wav.length &&
    String.fromCharCode(...wav.subarray(offset, offset + 4)) !== 'data'
  ) {
    offset += 8 + view.getUint32(offset + 4, true)
  }
  const data = wav.slice(offset + 8, wav.length - ((wav.length - offset - 8) % 2))
  const pcm = new Int16Array(data.buffer, data.byteOffset, data.length / 2)
  const resampler = new Resampler({ inputRate: rate, outputRate: sampleRate })
  const head = resampler.processInt16(pcm)
  const tail = resampler.flushInt16()
  const out = new Int16Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}
