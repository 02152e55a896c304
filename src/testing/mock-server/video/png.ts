import { inflateSync } from 'node:zlib'
import { ImageError, type ColorCell } from './image-types'

/**
 * A PNG reader for the mock: the `IHDR` header, and the pixels (every colour type and bit
 * depth, interlaced or not) reduced to 8×8-pixel cells with their mean colour. Transparent
 * pixels weigh less (by their alpha), so a frame's colour is what a viewer would see of it.
 */
export interface PngInfo {
  width: number
  height: number
  cells: ColorCell[]
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Samples per pixel by colour type: gray, -, RGB, palette, gray+alpha, -, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}
/** Adam7: x start, y start, x step, y step of each pass. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

interface Header {
  width: number
  height: number
  depth: number
  colorType: number
  interlaced: boolean
}

/** Parses and decodes a PNG. Throws `ImageError` for a malformed one or one over `maxPixels`. */
export function readPng(bytes: Uint8Array, maxPixels: number): PngInfo {
  if (bytes.length < 8 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) {
    throw new ImageError('not a PNG (bad signature)')
  }
  let header: Header | undefined
  let palette: Uint8Array | undefined
  let paletteAlpha: Uint8Array | undefined
  const data: Uint8Array[] = []
  let pos = 8
  let ended = false
  while (pos + 8 <= bytes.length) {
    const length = u32(bytes, pos)
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8))
    const body = bytes.subarray(pos + 8, pos + 8 + length)
    if (body.length !== length || pos + 12 + length > bytes.length) {
      throw new ImageError(`truncated PNG chunk ${type}`)
    }
    pos += 12 + length
    if (header === undefined && type !== 'IHDR') throw new ImageError('PNG must start with IHDR')
    if (type === 'IHDR') header = readHeader(body, maxPixels)
    else if (type === 'PLTE') palette = body
    else if (type === 'tRNS') paletteAlpha = body
    else if (type === 'IDAT') data.push(body)
    else if (type === 'IEND') {
      ended = true
      break
    }
  }
  if (!header) throw new ImageError('no IHDR chunk')
  if (!ended) throw new ImageError('truncated PNG (no IEND chunk)')
  if (data.length === 0) throw new ImageError('no IDAT chunk')
  if (header.colorType === 3 && palette === undefined)
    throw new ImageError('palette PNG without PLTE')
  const channels = CHANNELS[header.colorType]!
  const bitsPerPixel = channels * header.depth
  const expected = rawSize(header, bitsPerPixel)
  let raw: Buffer
  try {
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: expected + 1 })
  } catch (error) {
    throw new ImageError(`PNG image data does not inflate: ${(error as Error).message}`)
  }
  if (raw.length < expected) throw new ImageError('PNG image data is too short')
  const colours = new CellAccumulator(header.width, header.height)
  const pixel = pixelReader(header, palette, paletteAlpha)
  let offset = 0
  const passes = header.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const)
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((header.width - x0) / dx)
    const h = Math.ceil((header.height - y0) / dy)
    if (w <= 0 || h <= 0) continue
    const stride = Math.ceil((w * bitsPerPixel) / 8)
    const rows = unfilter(raw, offset, stride, h, Math.max(1, bitsPerPixel >> 3))
    offset += h * (stride + 1)
    for (let y = 0; y < h; y++) {
      const row = rows.subarray(y * stride, (y + 1) * stride)
      for (let x = 0; x < w; x++) colours.add(x0 + x * dx, y0 + y * dy, pixel(row, x))
    }
  }
  return { width: header.width, height: header.height, cells: colours.cells() }
}

function readHeader(body: Uint8Array, maxPixels: number): Header {
  if (body.length !== 13) throw new ImageError('bad IHDR length')
  const width = u32(body, 0)
  const height = u32(body, 4)
  const depth = body[8]!
  const colorType = body[9]!
  if (width === 0 || height === 0) throw new ImageError('PNG with a zero dimension')
  if (width * height > maxPixels) {
    throw new ImageError(`PNG of ${width}×${height} pixels is over the limit of ${maxPixels}`)
  }
  if (!DEPTHS[colorType]?.includes(depth)) {
    throw new ImageError(`invalid PNG colour type ${colorType} with bit depth ${depth}`)
  }
  if (body[10] !== 0 || body[11] !== 0 || (body[12] !== 0 && body[12] !== 1)) {
    throw new ImageError('unknown PNG compression, filter or interlace method')
  }
  return { width, height, depth, colorType, interlaced: body[12] === 1 }
}

function rawSize(header: Header, bitsPerPixel: number): number {
  const passes = header.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const)
  let total = 0
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((header.width - x0) / dx)
    const h = Math.ceil((header.height - y0) / dy)
    if (w > 0 && h > 0) total += h * (Math.ceil((w * bitsPerPixel) / 8) + 1)
  }
  return total
}

/** Reverses the per-row filters (None, Sub, Up, Average, Paeth) of one (sub-)image. */
function unfilter(raw: Uint8Array, offset: number, stride: number, rows: number, bpp: number) {
  const out = new Uint8Array(stride * rows)
  for (let y = 0; y < rows; y++) {
    const filter = raw[offset + y * (stride + 1)]!
    const line = raw.subarray(offset + y * (stride + 1) + 1, offset + (y + 1) * (stride + 1))
    const base = y * stride
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[base + i - bpp]! : 0
      const b = y > 0 ? out[base - stride + i]! : 0
      const c = y > 0 && i >= bpp ? out[base - stride + i - bpp]! : 0
      const value = line[i]!
      let predicted: number
      switch (filter) {
        case 0:
          predicted = 0
          break
        case 1:
          predicted = a
          break
        case 2:
          predicted = b
          break
        case 3:
          predicted = (a + b) >> 1
          break
        case 4:
          predicted = paeth(a, b, c)
          break
        default:
          throw new ImageError(`unknown PNG filter type ${filter}`)
      }
      out[base + i] = (value + predicted) & 0xff
    }
  }
  return out
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  if (pa <= pb && pa <= pc) return a
  return pb <= pc ? b : c
}

type Pixel = [r: number, g: number, b: number, alpha: number]

/** Reads pixel `x` of an unfiltered row as 8-bit RGBA. */
function pixelReader(
  header: Header,
  palette: Uint8Array | undefined,
  paletteAlpha: Uint8Array | undefined,
): (row: Uint8Array, x: number) => Pixel {
  const { depth, colorType } = header
  const channels = CHANNELS[colorType]!
  const max = (1 << Math.min(depth, 8)) - 1
  // Sample `i` of pixel `x`, scaled to 0–255 (16-bit samples keep their high byte).
  const sample = (row: Uint8Array, x: number, i: number, scale: boolean): number => {
    if (depth === 8) return row[x * channels + i]!
    if (depth === 16) return row[(x * channels + i) * 2]!
    const bit = (x * channels + i) * depth
    const value = (row[bit >> 3]! >> (8 - depth - (bit & 7))) & max
    return scale ? Math.round((value * 255) / max) : value
  }
  switch (colorType) {
    case 0:
      return (row, x) => {
        const v = sample(row, x, 0, true)
        return [v, v, v, 255]
      }
    case 2:
      return (row, x) => [
        sample(row, x, 0, true),
        sample(row, x, 1, true),
        sample(row, x, 2, true),
        255,
      ]
    case 3:
      return (row, x) => {
        const index = sample(row, x, 0, false)
        if (palette === undefined || index * 3 + 2 >= palette.length) {
          throw new ImageError(`PNG palette index ${index} out of range`)
        }
        return [
          palette[index * 3]!,
          palette[index * 3 + 1]!,
          palette[index * 3 + 2]!,
          paletteAlpha?.[index] ?? 255,
        ]
      }
    case 4:
      return (row, x) => {
        const v = sample(row, x, 0, true)
        return [v, v, v, sample(row, x, 1, true)]
      }
    default:
      return (row, x) => [
        sample(row, x, 0, true),
        sample(row, x, 1, true),
        sample(row, x, 2, true),
        sample(row, x, 3, true),
      ]
  }
}

/** Sums pixels into 8×8 cells, weighted by alpha. */
class CellAccumulator {
  readonly #cellsX: number
  readonly #sums: Float64Array

  constructor(width: number, height: number) {
    this.#cellsX = Math.ceil(width / 8)
    this.#sums = new Float64Array(this.#cellsX * Math.ceil(height / 8) * 4)
  }

  add(x: number, y: number, [r, g, b, alpha]: Pixel): void {
    const i = ((y >> 3) * this.#cellsX + (x >> 3)) * 4
    const w = alpha / 255
    this.#sums[i] = this.#sums[i]! + r * w
    this.#sums[i + 1] = this.#sums[i + 1]! + g * w
    this.#sums[i + 2] = this.#sums[i + 2]! + b * w
    this.#sums[i + 3] = this.#sums[i + 3]! + w
  }

  cells(): ColorCell[] {
    const cells: ColorCell[] = []
    for (let i = 0; i < this.#sums.length; i += 4) {
      const w = this.#sums[i + 3]!
      if (w === 0) continue
      cells.push({
        r: this.#sums[i]! / w,
        g: this.#sums[i + 1]! / w,
        b: this.#sums[i + 2]! / w,
        weight: w / 64,
      })
    }
    return cells
  }
}

function u32(bytes: Uint8Array, pos: number): number {
  return (
    ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0
  )
}
