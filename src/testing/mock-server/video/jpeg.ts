import { ImageError, type ColorCell } from './image-types'

/**
 * Enough of a JPEG decoder for the mock to describe a frame: the header (size, components,
 * sampling) of any JPEG, and for baseline and extended sequential Huffman JPEGs — what browsers'
 * `canvas.toBlob('image/jpeg')` produce — the DC coefficient of every 8×8 block.
 *
 * Why DC only: a block's DC coefficient is its mean value (dequantised DC / 8 + 128), so the DC
 * planes are the image at 1/8 scale. That is all the mock needs for an average and a dominant
 * colour, and it spares the inverse DCT, upsampling and most of a full decoder. The AC
 * coefficients still have to be Huffman-decoded to find where the next block starts; they are
 * read and discarded. Progressive and arithmetic-coded JPEGs are parsed for their header only
 * (`cells` is `undefined`).
 */
export interface JpegInfo {
  width: number
  height: number
  components: number
  /** 8×8-pixel cells with their mean colour, row by row; `undefined` when not decodable here. */
  cells: ColorCell[] | undefined
  /** Why `cells` is missing. */
  undecoded?: string
}

interface Component {
  id: number
  h: number
  v: number
  tq: number
  /** Block means (level-shifted back to 0–255), `blocksW × blocksH`. */
  means: Float32Array
  blocksW: number
  blocksH: number
  pred: number
}

interface HuffmanTable {
  /** Largest code of each length (1–16), -1 when none. */
  maxCode: Int32Array
  /** Index into `values` of the first code of each length, minus that code. */
  offset: Int32Array
  values: Uint8Array
}

interface Frame {
  width: number
  height: number
  components: Component[]
  hMax: number
  vMax: number
  mcusX: number
  mcusY: number
}

const SOF_SEQUENTIAL = new Set([0xc0, 0xc1])
const SOF_OTHER = new Set([0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

/** Parses and (where it can) DC-decodes a JPEG. Throws `ImageError` for a malformed one. */
export function readJpeg(bytes: Uint8Array): JpegInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new ImageError('not a JPEG (no SOI marker)')
  }
  const quant = new Map<number, number>()
  const dc = new Map<number, HuffmanTable>()
  const ac = new Map<number, HuffmanTable>()
  let frame: Frame | undefined
  let undecoded: string | undefined
  let restartInterval = 0
  let adobeTransform: number | undefined
  let scans = 0
  let pos = 2
  for (;;) {
    // Fill bytes (0xFF runs) may precede a marker.
    if (pos >= bytes.length) throw new ImageError('truncated JPEG (no EOI marker)')
    if (bytes[pos] !== 0xff) throw new ImageError(`expected a marker at byte ${pos}`)
    while (bytes[pos] === 0xff) pos++
    const marker = bytes[pos++]!
    if (marker === 0xd9) break // EOI
    // Markers without a length: stray RSTn, TEM, a repeated SOI.
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8) continue
    const length = u16(bytes, pos)
    const end = pos + length
    if (length < 2 || end > bytes.length)
      throw new ImageError(`truncated JPEG segment 0x${hex(marker)}`)
    const body = bytes.subarray(pos + 2, end)
    pos = end
    if (SOF_SEQUENTIAL.has(marker) || SOF_OTHER.has(marker)) {
      if (frame) throw new ImageError('more than one SOF marker')
      frame = readFrame(body)
      if (SOF_OTHER.has(marker)) undecoded = `SOF${marker - 0xc0} (not baseline) is not decoded`
    } else if (marker === 0xdb) {
      readQuantTables(body, quant)
    } else if (marker === 0xc4) {
      readHuffmanTables(body, dc, ac)
    } else if (marker === 0xdd) {
      restartInterval = u16(body, 0)
    } else if (marker === 0xee && latin1(body.subarray(0, 5)) === 'Adobe' && body.length >= 12) {
      adobeTransform = body[11]
    } else if (marker === 0xda) {
      if (!frame) throw new ImageError('SOS before SOF')
      scans++
      if (undecoded === undefined) {
        pos = decodeScan(bytes, pos, body, frame, { quant, dc, ac, restartInterval })
      } else {
        pos = skipEntropyData(bytes, pos)
      }
    }
  }
  if (!frame) throw new ImageError('no SOF marker')
  if (scans === 0) throw new ImageError('no image data (no SOS marker)')
  const base = { width: frame.width, height: frame.height, components: frame.components.length }
  if (undecoded !== undefined) return { ...base, cells: undefined, undecoded }
  const colour = colourModel(frame.components, adobeTransform)
  if (colour === undefined) {
    return { ...base, cells: undefined, undecoded: `${base.components} components (CMYK/YCCK)` }
  }
  return { ...base, cells: cellsOf(frame, colour) }
}

function readFrame(body: Uint8Array): Frame {
  if (body.length < 6) throw new ImageError('truncated SOF')
  if (body[0] !== 8) throw new ImageError(`${body[0]}-bit JPEG samples are not supported`)
  const height = u16(body, 1)
  const width = u16(body, 3)
  const count = body[5]!
  if (width === 0 || height === 0) throw new ImageError('JPEG with a zero dimension')
  if (count === 0 || body.length < 6 + count * 3) throw new ImageError('truncated SOF components')
  const raw = Array.from({ length: count }, (_, i) => ({
    id: body[6 + i * 3]!,
    h: body[7 + i * 3]! >> 4,
    v: body[7 + i * 3]! & 15,
    tq: body[8 + i * 3]!,
  }))
  if (raw.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) {
    throw new ImageError('invalid JPEG sampling factors')
  }
  const hMax = Math.max(...raw.map((c) => c.h))
  const vMax = Math.max(...raw.map((c) => c.v))
  const mcusX = Math.ceil(width / (8 * hMax))
  const mcusY = Math.ceil(height / (8 * vMax))
  const components = raw.map((c) => {
    const blocksW = mcusX * c.h
    const blocksH = mcusY * c.v
    return { ...c, blocksW, blocksH, means: new Float32Array(blocksW * blocksH), pred: 0 }
  })
  return { width, height, components, hMax, vMax, mcusX, mcusY }
}

/** Only each table's DC entry matters (zig-zag index 0). */
function readQuantTables(body: Uint8Array, quant: Map<number, number>): void {
  let p = 0
  while (p < body.length) {
    const precision = body[p]! >> 4
    const id = body[p]! & 15
    const size = precision === 0 ? 64 : 128
    if (p + 1 + size > body.length) throw new ImageError('truncated DQT')
    quant.set(id, precision === 0 ? body[p + 1]! : u16(body, p + 1))
    p += 1 + size
  }
}

function readHuffmanTables(
  body: Uint8Array,
  dc: Map<number, HuffmanTable>,
  ac: Map<number, HuffmanTable>,
): void {
  let p = 0
  while (p < body.length) {
    const kind = body[p]! >> 4
    const id = body[p]! & 15
    if (p + 17 > body.length) throw new ImageError('truncated DHT')
    const counts = body.subarray(p + 1, p + 17)
    const total = counts.reduce((sum, n) => sum + n, 0)
    if (p + 17 + total > body.length) throw new ImageError('truncated DHT values')
    const values = body.slice(p + 17, p + 17 + total)
    const maxCode = new Int32Array(17).fill(-1)
    const offset = new Int32Array(17)
    let code = 0
    let index = 0
    for (let length = 1; length <= 16; length++) {
      const n = counts[length - 1]!
      offset[length] = index - code
      if (n > 0) {
        code += n
        index += n
        maxCode[length] = code - 1
        if (code > 1 << length) throw new ImageError('invalid Huffman table')
      }
      code <<= 1
    }
    ;(kind === 0 ? dc : ac).set(id, { maxCode, offset, values })
    p += 17 + total
  }
}

/** Reads entropy-coded bits, undoing 0xFF00 stuffing; stops at the next marker. */
class BitReader {
  #bytes: Uint8Array
  pos: number
  #bits = 0
  #count = 0

  constructor(bytes: Uint8Array, pos: number) {
    this.#bytes = bytes
    this.pos = pos
  }

  bit(): number {
    if (this.#count === 0) {
      const byte = this.#bytes[this.pos]
      if (byte === undefined) throw new ImageError('truncated JPEG scan')
      if (byte === 0xff) {
        const next = this.#bytes[this.pos + 1]
        if (next !== 0x00) throw new ImageError('JPEG scan ended inside a block')
        this.pos += 2
      } else {
        this.pos += 1
      }
      this.#bits = byte
      this.#count = 8
    }
    this.#count--
    return (this.#bits >> this.#count) & 1
  }

  bits(n: number): number {
    let value = 0
    for (let i = 0; i < n; i++) value = (value << 1) | this.bit()
    return value
  }

  decode(table: HuffmanTable): number {
    let code = 0
    for (let length = 1; length <= 16; length++) {
      code = (code << 1) | this.bit()
      if (code <= table.maxCode[length]!) {
        const value = table.values[table.offset[length]! + code]
        if (value === undefined) break
        return value
      }
    }
    throw new ImageError('invalid Huffman code in JPEG scan')
  }

  /** Drops the rest of the current byte (before a restart marker). */
  align(): void {
    this.#count = 0
  }
}

interface Tables {
  quant: Map<number, number>
  dc: Map<number, HuffmanTable>
  ac: Map<number, HuffmanTable>
  restartInterval: number
}

function decodeScan(
  bytes: Uint8Array,
  start: number,
  header: Uint8Array,
  frame: Frame,
  tables: Tables,
): number {
  const count = header[0] ?? 0
  if (count < 1 || header.length < 1 + count * 2 + 3) throw new ImageError('truncated SOS')
  const members = Array.from({ length: count }, (_, i) => {
    const id = header[1 + i * 2]!
    const selectors = header[2 + i * 2]!
    const component = frame.components.find((c) => c.id === id)
    if (!component) throw new ImageError(`SOS names unknown component ${id}`)
    const dcTable = tables.dc.get(selectors >> 4)
    const acTable = tables.ac.get(selectors & 15)
    const q = tables.quant.get(component.tq)
    if (!dcTable || !acTable || q === undefined) {
      throw new ImageError(`missing tables for JPEG component ${id}`)
    }
    component.pred = 0
    return { component, dcTable, acTable, q }
  })
  const reader = new BitReader(bytes, start)
  const single = members.length === 1
  // A single-component scan is not interleaved: its blocks cover the component's own size.
  const first = members[0]!.component
  const unitsX = single
    ? Math.ceil(Math.ceil((frame.width * first.h) / frame.hMax) / 8)
    : frame.mcusX
  const unitsY = single
    ? Math.ceil(Math.ceil((frame.height * first.v) / frame.vMax) / 8)
    : frame.mcusY
  const total = unitsX * unitsY
  for (let unit = 0; unit < total; unit++) {
    if (tables.restartInterval > 0 && unit > 0 && unit % tables.restartInterval === 0) {
      restart(reader, bytes)
      for (const member of members) member.component.pred = 0
    }
    const ux = unit % unitsX
    const uy = Math.floor(unit / unitsX)
    for (const { component, dcTable, acTable, q } of members) {
      const h = single ? 1 : component.h
      const v = single ? 1 : component.v
      for (let by = 0; by < v; by++) {
        for (let bx = 0; bx < h; bx++) {
          const size = reader.decode(dcTable)
          if (size > 11) throw new ImageError('invalid DC coefficient size')
          component.pred += size === 0 ? 0 : extend(reader.bits(size), size)
          skipAc(reader, acTable)
          const x = ux * h + bx
          const y = uy * v + by
          component.means[y * component.blocksW + x] = (component.pred * q) / 8 + 128
        }
      }
    }
  }
  return skipEntropyData(bytes, reader.pos)
}

function skipAc(reader: BitReader, table: HuffmanTable): void {
  for (let k = 1; k < 64;) {
    const rs = reader.decode(table)
    const run = rs >> 4
    const size = rs & 15
    if (size === 0) {
      if (run !== 15) return // end of block
      k += 16
      continue
    }
    k += run
    reader.bits(size)
    k++
  }
}

function restart(reader: BitReader, bytes: Uint8Array): void {
  reader.align()
  let pos = reader.pos
  while (bytes[pos] === 0xff && bytes[pos + 1] === 0xff) pos++
  const marker = bytes[pos + 1]
  if (bytes[pos] !== 0xff || marker === undefined || marker < 0xd0 || marker > 0xd7) {
    throw new ImageError('missing JPEG restart marker')
  }
  reader.pos = pos + 2
}

/** Advances past entropy-coded data to the next marker that is not a restart marker. */
function skipEntropyData(bytes: Uint8Array, from: number): number {
  let pos = from
  while (pos + 1 < bytes.length) {
    if (bytes[pos] === 0xff) {
      const next = bytes[pos + 1]!
      if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return pos
    }
    pos++
  }
  throw new ImageError('truncated JPEG (scan runs to the end)')
}

/** JPEG's sign extension of a `size`-bit magnitude. */
function extend(value: number, size: number): number {
  return value < 1 << (size - 1) ? value - (1 << size) + 1 : value
}

type ColourModel = 'gray' | 'ycbcr' | 'rgb'

function colourModel(
  components: readonly Component[],
  adobeTransform: number | undefined,
): ColourModel | undefined {
  if (components.length === 1) return 'gray'
  if (components.length !== 3) return undefined
  // Adobe's transform flag 0, or components named 'R', 'G', 'B', mean the samples are RGB.
  const named = String.fromCharCode(...components.map((c) => c.id)) === 'RGB'
  return adobeTransform === 0 || named ? 'rgb' : 'ycbcr'
}

/** One cell per 8×8 pixels of the image, each component sampled at its own resolution. */
function cellsOf(frame: Frame, model: ColourModel): ColorCell[] {
  const cells: ColorCell[] = []
  const cellsX = Math.ceil(frame.width / 8)
  const cellsY = Math.ceil(frame.height / 8)
  const sample = (component: Component, cx: number, cy: number): number => {
    const x = Math.floor((cx * component.h) / frame.hMax)
    const y = Math.floor((cy * component.v) / frame.vMax)
    return component.means[y * component.blocksW + x] ?? 128
  }
  const [c0, c1, c2] = frame.components
  for (let cy = 0; cy < cellsY; cy++) {
    for (let cx = 0; cx < cellsX; cx++) {
      const weight = (Math.min(8, frame.width - cx * 8) * Math.min(8, frame.height - cy * 8)) / 64
      const a = sample(c0!, cx, cy)
      if (model === 'gray') {
        cells.push({ r: clamp(a), g: clamp(a), b: clamp(a), weight })
        continue
      }
      const b = sample(c1!, cx, cy)
      const c = sample(c2!, cx, cy)
      if (model === 'rgb') {
        cells.push({ r: clamp(a), g: clamp(b), b: clamp(c), weight })
        continue
      }
      // JFIF YCbCr → RGB.
      cells.push({
        r: clamp(a + 1.402 * (c - 128)),
        g: clamp(a - 0.344136 * (b - 128) - 0.714136 * (c - 128)),
        b: clamp(a + 1.772 * (b - 128)),
        weight,
      })
    }
  }
  return cells
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, value))
}

function u16(bytes: Uint8Array, pos: number): number {
  if (pos + 1 >= bytes.length) throw new ImageError('truncated JPEG')
  return (bytes[pos]! << 8) | bytes[pos + 1]!
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes)
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0')
}
