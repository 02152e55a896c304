// Minimal JPEG and PNG writers for the mock's image-reader tests: they produce the variants a
// browser never does (grayscale, restart intervals, one scan per component, every PNG colour
// type, bit depth, filter and Adam7), so the readers are checked on them too. Real encoder output
// (Chromium's libjpeg-turbo and PNG encoder) is in ../fixtures/.
import { crc32, deflateSync } from 'node:zlib'

// --- JPEG ----------------------------------------------------------------------------------

export interface JpegComponentSpec {
  id: number
  h: number
  v: number
  /** The mean (0–255) of block (bx, by) of this component's block grid. */
  mean: (bx: number, by: number) => number
}

export interface JpegSpec {
  width: number
  height: number
  components: JpegComponentSpec[]
  restartInterval?: number
  /** One scan per component instead of one interleaved scan. */
  separateScans?: boolean
  /** Add an Adobe APP14 segment with this transform flag. */
  adobeTransform?: number
}

// The standard luminance DC table (ITU T.81 K.3); the AC table holds only EOB, as code `0`.
const DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]

function canonicalCodes(counts: number[], values: number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>()
  let code = 0
  let k = 0
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < counts[length - 1]!; i++) codes.set(values[k++]!, [code++, length])
    code <<= 1
  }
  return codes
}

class BitWriter {
  readonly bytes: number[] = []
  #acc = 0
  #count = 0

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.#acc = (this.#acc << 1) | ((value >> i) & 1)
      if (++this.#count === 8) this.#emit()
    }
  }

  /** Pads the last byte with 1 bits, as T.81 asks. */
  flush(): void {
    while (this.#count !== 0) this.write(1, 1)
  }

  #emit(): void {
    this.bytes.push(this.#acc)
    if (this.#acc === 0xff) this.bytes.push(0x00)
    this.#acc = 0
    this.#count = 0
  }
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2
  return [0xff, marker, length >> 8, length & 0xff, ...body]
}

/** A baseline JPEG whose blocks are flat (DC only) with the given means. */
export function encodeJpeg(spec: JpegSpec): Uint8Array {
  const { width, height, components } = spec
  const hMax = Math.max(...components.map((c) => c.h))
  const vMax = Math.max(...components.map((c) => c.v))
  const dcCodes = canonicalCodes(DC_COUNTS, DC_VALUES)
  const out: number[] = [0xff, 0xd8]
  if (spec.adobeTransform !== undefined) {
    const adobe = [...'Adobe'].map((c) => c.charCodeAt(0))
    out.push(...segment(0xee, [...adobe, 0, 100, 0, 0, 0, 0, spec.adobeTransform]))
  }
  out.push(...segment(0xdb, [0, ...new Array<number>(64).fill(1)]))
  out.push(
    ...segment(0xc0, [
      8,
      height >> 8,
      height & 0xff,
      width >> 8,
      width & 0xff,
      components.length,
      ...components.flatMap((c) => [c.id, (c.h << 4) | c.v, 0]),
    ]),
  )
  out.push(...segment(0xc4, [0x00, ...DC_COUNTS, ...DC_VALUES]))
  out.push(...segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]))
  if (spec.restartInterval) {
    out.push(...segment(0xdd, [spec.restartInterval >> 8, spec.restartInterval & 0xff]))
  }
  const scans = spec.separateScans ? components.map((c) => [c]) : [components]
  for (const scan of scans) {
    out.push(...segment(0xda, [scan.length, ...scan.flatMap((c) => [c.id, 0x00]), 0, 63, 0]))
    const single = scan.length === 1
    const first = scan[0]!
    const unitsX = single
      ? Math.ceil(Math.ceil((width * first.h) / hMax) / 8)
      : Math.ceil(width / (8 * hMax))
    const unitsY = single
      ? Math.ceil(Math.ceil((height * first.v) / vMax) / 8)
      : Math.ceil(height / (8 * vMax))
    const writer = new BitWriter()
    const preds = new Map<number, number>()
    let restarts = 0
    for (let unit = 0; unit < unitsX * unitsY; unit++) {
      if (spec.restartInterval && unit > 0 && unit % spec.restartInterval === 0) {
        writer.flush()
        writer.bytes.push(0xff, 0xd0 + (restarts++ % 8))
        preds.clear()
      }
      const ux = unit % unitsX
      const uy = Math.floor(unit / unitsX)
      for (const c of scan) {
        const h = single ? 1 : c.h
        const v = single ? 1 : c.v
        for (let by = 0; by < v; by++) {
          for (let bx = 0; bx < h; bx++) {
            const dc = Math.round((c.mean(ux * h + bx, uy * v + by) - 128) * 8)
            const diff = dc - (preds.get(c.id) ?? 0)
            preds.set(c.id, dc)
            const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1
            const [code, length] = dcCodes.get(size)!
            writer.write(code, length)
            if (size > 0) writer.write(diff > 0 ? diff : diff + (1 << size) - 1, size)
            writer.write(0, 1) // EOB
          }
        }
      }
    }
    writer.flush()
    out.push(...writer.bytes)
  }
  out.push(0xff, 0xd9)
  return Uint8Array.from(out)
}

// --- PNG -----------------------------------------------------------------------------------

export interface PngSpec {
  width: number
  height: number
  colorType: 0 | 2 | 3 | 4 | 6
  depth: 1 | 2 | 4 | 8 | 16
  interlaced?: boolean
  /** The filter every row uses (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth); default cycles all. */
  filter?: number
  palette?: Array<[number, number, number]>
  paletteAlpha?: number[]
  /** The samples of pixel (x, y), at the PNG's bit depth. */
  pixel: (x: number, y: number) => number[]
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

function packRow(samples: number[], depth: number): Uint8Array {
  if (depth === 8) return Uint8Array.from(samples)
  if (depth === 16) return Uint8Array.from(samples.flatMap((s) => [s >> 8, s & 0xff]))
  const bytes = new Uint8Array(Math.ceil((samples.length * depth) / 8))
  samples.forEach((s, i) => {
    const bit = i * depth
    bytes[bit >> 3]! |= s << (8 - depth - (bit & 7))
  })
  return bytes
}

function filterRow(row: Uint8Array, prev: Uint8Array | undefined, type: number, bpp: number) {
  const out = new Uint8Array(row.length + 1)
  out[0] = type
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0
    const b = prev ? prev[i]! : 0
    const c = prev && i >= bpp ? prev[i - bpp]! : 0
    const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type]!
    out[i + 1] = (row[i]! - predictor) & 0xff
  }
  return out
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
  if (pa <= pb && pa <= pc) return a
  return pb <= pc ? b : c
}

export function encodePng(spec: PngSpec): Uint8Array {
  const { width, height, colorType, depth } = spec
  const channels = CHANNELS[colorType]
  const bpp = Math.max(1, (channels * depth) >> 3)
  const passes = spec.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const)
  const raw: Uint8Array[] = []
  let rowIndex = 0
  for (const [x0, y0, dx, dy] of passes) {
    let prev: Uint8Array | undefined
    for (let y = y0; y < height; y += dy) {
      const samples: number[] = []
      for (let x = x0; x < width; x += dx) samples.push(...spec.pixel(x, y))
      if (samples.length === 0) continue
      const row = packRow(samples, depth)
      raw.push(filterRow(row, prev, spec.filter ?? rowIndex++ % 5, bpp))
      prev = row
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([depth, colorType, 0, 0, spec.interlaced ? 1 : 0], 8)
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)]
  if (spec.palette) parts.push(chunk('PLTE', Uint8Array.from(spec.palette.flat())))
  if (spec.paletteAlpha) parts.push(chunk('tRNS', Uint8Array.from(spec.paletteAlpha)))
  const data = deflateSync(Buffer.concat(raw))
  // Two IDAT chunks: readers must concatenate them.
  const half = Math.floor(data.length / 2)
  parts.push(chunk('IDAT', data.subarray(0, half)), chunk('IDAT', data.subarray(half)))
  parts.push(chunk('IEND', new Uint8Array(0)))
  return new Uint8Array(Buffer.concat(parts))
}
