// Video files for Chromium's fake camera (`--use-file-for-fake-video-capture`), written at test
// time: YUV4MPEG2 (a text header, then `FRAME\n` + planar 4:2:0 Y, U and V per frame), which
// Chromium's file capture device plays in a loop at the header's frame rate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Rgb {
  r: number
  g: number
  b: number
}

/** BT.601 limited range, what Chromium assumes for a Y4M file. */
export function rgbToYuv({ r, g, b }: Rgb): [number, number, number] {
  const y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
  const u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
  const v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
  return [Math.round(y), Math.round(u), Math.round(v)]
}

export interface Y4mSpec {
  width: number
  height: number
  /** Frames in the file (the device loops them). */
  frames: number
  fps: number
  /** The colour of the picture. */
  color: Rgb
  /**
   * The bottom fraction of the picture (0–1) filled with random pixels, different in every
   * frame: it makes the encoded frames large (tens of kB), as a camera's would be.
   */
  noise?: number
  seed?: number
}

/** Writes the file into a temporary directory removed on exit; returns its path. */
export function writeY4m(spec: Y4mSpec): string {
  const { width, height } = spec
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error('4:2:0 needs even dimensions')
  const [y, u, v] = rgbToYuv(spec.color)
  const lumaSize = width * height
  const chromaSize = lumaSize / 4
  const noiseFrom = Math.round(height * (1 - (spec.noise ?? 0))) & ~1
  let state = spec.seed ?? 1
  const random = (): number => {
    // xorshift32: deterministic noise.
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) & 0xff
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${spec.fps}:1 Ip A1:1 C420jpeg\n`)
  const parts: Buffer[] = [header]
  for (let f = 0; f < spec.frames; f++) {
    const frame = Buffer.alloc(lumaSize + chromaSize * 2)
    frame.fill(y, 0, lumaSize)
    frame.fill(u, lumaSize, lumaSize + chromaSize)
    frame.fill(v, lumaSize + chromaSize)
    for (let row = noiseFrom; row < height; row++) {
      for (let col = 0; col < width; col++) frame[row * width + col] = random()
    }
    for (let row = noiseFrom / 2; row < height / 2; row++) {
      for (let col = 0; col < width / 2; col++) {
        frame[lumaSize + row * (width / 2) + col] = random()
        frame[lumaSize + chromaSize + row * (width / 2) + col] = random()
      }
    }
    parts.push(Buffer.from('FRAME\n'), frame)
  }
  const dir = mkdtempSync(join(tmpdir(), 'adk-realtime-y4m-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'camera.y4m')
  writeFileSync(path, Buffer.concat(parts))
  return path
}
