import { ImageError, type ColorCell } from './image-types'
import { readJpeg } from './jpeg'
import { readPng } from './png'

export { ImageError } from './image-types'

/** The colour names the mock uses, from hue, saturation and brightness. */
export type ColorName =
  | 'black'
  | 'grey'
  | 'white'
  | 'red'
  | 'orange'
  | 'yellow'
  | 'green'
  | 'cyan'
  | 'blue'
  | 'purple'
  | 'pink'

export interface Rgb {
  r: number
  g: number
  b: number
}

/** What the mock knows about a video frame it accepted. */
export interface MockVideoFrame {
  mimeType: 'image/jpeg' | 'image/png'
  width: number
  height: number
  /** Encoded size in bytes. */
  bytes: number
  /** Mean colour over the picture (rounded); `null` when its pixels are not decoded (see below). */
  averageColor: Rgb | null
  /** The named colour covering most of the picture; `null` when its pixels are not decoded. */
  dominantColor: ColorName | null
  /**
   * Why the pixels were not decoded: the mock reads baseline JPEGs (what browsers encode) and
   * every PNG; a progressive or CMYK JPEG is accepted with its size only.
   */
  undecoded?: string
}

export interface VideoFrameLimits {
  /** Largest encoded frame accepted. */
  maxBytes: number
  /** Largest picture, in pixels. */
  maxPixels: number
}

/** 2 MiB and 16 megapixels: far above a 768-px JPEG (tens of kB), far below what hurts. */
export const DEFAULT_VIDEO_FRAME_LIMITS: VideoFrameLimits = {
  maxBytes: 2 * 1024 * 1024,
  maxPixels: 16 * 1024 * 1024,
}

/**
 * Validates and describes one frame, as the mock receives it: the bytes must be a JPEG or PNG of
 * the declared type, within the limits, and decodable.
 *
 * @throws ImageError with the reason otherwise.
 * @example
 * const frame = readVideoFrame(bytes, 'image/jpeg')
 * frame.width // 768
 * frame.dominantColor // 'blue'
 */
export function readVideoFrame(
  bytes: Uint8Array,
  mimeType: string,
  limits: VideoFrameLimits = DEFAULT_VIDEO_FRAME_LIMITS,
): MockVideoFrame {
  if (mimeType !== 'image/jpeg' && mimeType !== 'image/png') {
    throw new ImageError(`unsupported image type "${mimeType}" (JPEG and PNG are accepted)`)
  }
  if (bytes.length > limits.maxBytes) {
    throw new ImageError(`frame of ${bytes.length} bytes is over the limit of ${limits.maxBytes}`)
  }
  const sniffed = sniff(bytes)
  if (sniffed === undefined) throw new ImageError('not a JPEG or PNG image')
  if (sniffed !== mimeType)
    throw new ImageError(`declared ${mimeType} but the bytes are ${sniffed}`)
  if (mimeType === 'image/png') {
    const png = readPng(bytes, limits.maxPixels)
    return describe(mimeType, png.width, png.height, bytes.length, png.cells)
  }
  const jpeg = readJpeg(bytes)
  if (jpeg.width * jpeg.height > limits.maxPixels) {
    throw new ImageError(`JPEG of ${jpeg.width}×${jpeg.height} pixels is over the limit`)
  }
  const frame = describe(mimeType, jpeg.width, jpeg.height, bytes.length, jpeg.cells)
  return jpeg.undecoded === undefined ? frame : { ...frame, undecoded: jpeg.undecoded }
}

function sniff(bytes: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return 'image/png'
  }
  return undefined
}

function describe(
  mimeType: MockVideoFrame['mimeType'],
  width: number,
  height: number,
  bytes: number,
  cells: readonly ColorCell[] | undefined,
): MockVideoFrame {
  const stats = cells === undefined ? undefined : colorStats(cells)
  return {
    mimeType,
    width,
    height,
    bytes,
    averageColor: stats?.average ?? null,
    dominantColor: stats?.dominant ?? null,
  }
}

/** The area-weighted mean colour, and the colour name with the most area. */
export function colorStats(cells: readonly ColorCell[]): { average: Rgb; dominant: ColorName } {
  let r = 0
  let g = 0
  let b = 0
  let total = 0
  const areas = new Map<ColorName, number>()
  for (const cell of cells) {
    r += cell.r * cell.weight
    g += cell.g * cell.weight
    b += cell.b * cell.weight
    total += cell.weight
    const name = colorName(cell)
    areas.set(name, (areas.get(name) ?? 0) + cell.weight)
  }
  if (total === 0) throw new ImageError('the image has no visible pixels')
  let dominant: ColorName = 'black'
  let best = -1
  for (const [name, area] of areas) {
    if (area > best) {
      best = area
      dominant = name
    }
  }
  return {
    average: { r: Math.round(r / total), g: Math.round(g / total), b: Math.round(b / total) },
    dominant,
  }
}

/**
 * A colour's everyday name, from HSV: dark is black, unsaturated is grey or white, and the hue
 * picks the rest (red 345–15°, orange –45°, yellow –70°, green –165°, cyan –195°, blue –255°,
 * purple –290°, pink –345°).
 *
 * @example
 * colorName({ r: 30, g: 80, b: 200 }) // 'blue'
 */
export function colorName({ r, g, b }: Rgb): ColorName {
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  const value = max / 255
  const saturation = max === 0 ? 0 : (max - min) / max
  if (value < 0.2) return 'black'
  if (saturation < 0.2) return value > 0.85 ? 'white' : 'grey'
  let hue: number
  if (max === r) hue = (((g - b) / (max - min)) * 60 + 360) % 360
  else if (max === g) hue = ((b - r) / (max - min)) * 60 + 120
  else hue = ((r - g) / (max - min)) * 60 + 240
  if (hue < 15 || hue >= 345) return 'red'
  if (hue < 45) return 'orange'
  if (hue < 70) return 'yellow'
  if (hue < 165) return 'green'
  if (hue < 195) return 'cyan'
  if (hue < 255) return 'blue'
  if (hue < 290) return 'purple'
  return 'pink'
}

/** `#1e50c8` */
export function hexColor({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`
}
