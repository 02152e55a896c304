import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { colorName, colorStats, readVideoFrame } from '../../../src/testing/mock-server/video/image'
import { readJpeg } from '../../../src/testing/mock-server/video/jpeg'
import { encodeJpeg, encodePng } from './support/image-encoders'

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))

describe('readVideoFrame on real encoder output (Chromium)', () => {
  it('should read a 768×432 JPEG frame and its colour', () => {
    expect(readVideoFrame(fixture('solid-blue-768x432.jpg'), 'image/jpeg')).toEqual({
      mimeType: 'image/jpeg',
      width: 768,
      height: 432,
      bytes: 2705,
      averageColor: { r: 30, g: 81, b: 200 },
      dominantColor: 'blue',
    })
  })

  it('should weigh regions by area: half blue, a quarter red, a quarter white', () => {
    const frame = readVideoFrame(fixture('split-96x64.jpg'), 'image/jpeg')
    expect(frame).toMatchObject({ width: 96, height: 64, dominantColor: 'blue' })
    const { r, g, b } = frame.averageColor!
    expect(Math.abs(r - 127.5)).toBeLessThanOrEqual(3)
    expect(Math.abs(g - 63.75)).toBeLessThanOrEqual(3)
    expect(Math.abs(b - 191.25)).toBeLessThanOrEqual(3)
  })

  it('should count only the visible part of edge blocks (37×23, 4:2:0)', () => {
    expect(readVideoFrame(fixture('orange-37x23.jpg'), 'image/jpeg')).toMatchObject({
      width: 37,
      height: 23,
      averageColor: { r: 255, g: 139, b: 1 },
      dominantColor: 'orange',
    })
  })

  it('should read a PNG and leave transparent pixels out', () => {
    // 40 rows green, 24 rows yellow, the right 6 columns fully transparent.
    const frame = readVideoFrame(fixture('split-96x64.png'), 'image/png')
    expect(frame).toMatchObject({ width: 96, height: 64, dominantColor: 'green' })
    expect(frame.averageColor).toEqual({
      r: Math.round((255 * 24) / 64),
      g: Math.round((160 * 40 + 255 * 24) / 64),
      b: 0,
    })
  })
})

describe('readJpeg (DC-only decoding)', () => {
  it('should decode grayscale with restart intervals and stuffed 0xFF bytes', () => {
    // Alternating black and white blocks: DC differences of ±2040 use category 11, whose
    // code is all ones, so the entropy data holds 0xFF bytes that must be stuffed.
    const bytes = encodeJpeg({
      width: 64,
      height: 24,
      restartInterval: 5,
      components: [{ id: 1, h: 1, v: 1, mean: (bx, by) => ((bx + by) % 2 === 0 ? 0 : 255) }],
    })
    const scan = bytes.subarray(bytes.indexOf(0xda))
    expect(scan.some((byte, i) => byte === 0xff && scan[i + 1] === 0x00)).toBe(true)
    expect(scan.some((byte, i) => byte === 0xff && scan[i + 1] === 0xd1)).toBe(true)
    const jpeg = readJpeg(bytes)
    expect(jpeg).toMatchObject({ width: 64, height: 24, components: 1 })
    expect(jpeg.cells).toHaveLength(8 * 3)
    expect(jpeg.cells!.map((cell) => cell.r)).toEqual(
      Array.from({ length: 24 }, (_, i) => (((i % 8) + Math.floor(i / 8)) % 2 === 0 ? 0 : 255)),
    )
  })

  it('should decode one scan per component and subsampled chroma', () => {
    // Y left half dark, right half bright; Cb high (blue) on top, Cr high (red) at the bottom.
    const spec = (separateScans: boolean) =>
      encodeJpeg({
        width: 32,
        height: 32,
        separateScans,
        components: [
          { id: 1, h: 2, v: 2, mean: (bx) => (bx < 2 ? 60 : 200) },
          { id: 2, h: 1, v: 1, mean: (_bx, by) => (by === 0 ? 200 : 128) },
          { id: 3, h: 1, v: 1, mean: (_bx, by) => (by === 0 ? 128 : 200) },
        ],
      })
    for (const separate of [false, true]) {
      const cells = readJpeg(spec(separate)).cells!
      expect(cells).toHaveLength(16)
      const at = (x: number, y: number) => cells[y * 4 + x]!
      expect(colorName(at(0, 0))).toBe('blue')
      expect(colorName(at(3, 3))).toBe('pink')
      expect(at(0, 0).r).toBeCloseTo(60, 0)
      expect(at(0, 0).b).toBeCloseTo(60 + 1.772 * 72, 0)
      expect(at(3, 3).r).toBeCloseTo(Math.min(255, 200 + 1.402 * 72), 0)
    }
  })

  it('should read RGB samples when Adobe says there is no transform', () => {
    const jpeg = readJpeg(
      encodeJpeg({
        width: 8,
        height: 8,
        adobeTransform: 0,
        components: [
          { id: 1, h: 1, v: 1, mean: () => 250 },
          { id: 2, h: 1, v: 1, mean: () => 120 },
          { id: 3, h: 1, v: 1, mean: () => 10 },
        ],
      }),
    )
    expect(jpeg.cells).toEqual([{ r: 250, g: 120, b: 10, weight: 1 }])
  })

  it('should read only the header of a progressive JPEG', () => {
    const bytes = fixture('split-96x64.jpg').slice()
    const sof = bytes.findIndex((byte, i) => byte === 0xff && bytes[i + 1] === 0xc0)
    bytes[sof + 1] = 0xc2
    const frame = readVideoFrame(bytes, 'image/jpeg')
    expect(frame).toMatchObject({ width: 96, height: 64, averageColor: null, dominantColor: null })
    expect(frame.undecoded).toMatch(/SOF2/)
  })
})

describe('readVideoFrame on PNG variants', () => {
  const colours: Array<[number, number, number]> = [
    [200, 30, 30],
    [30, 200, 30],
    [30, 30, 200],
    [250, 250, 250],
  ]
  const quadrant = (x: number, y: number, w: number, h: number) =>
    (x < w / 2 ? 0 : 1) + (y < h / 2 ? 0 : 2)

  it('should decode every colour type, bit depth, filter and Adam7 to the same picture', () => {
    const w = 21
    const h = 13
    const cases = [
      { colorType: 2, depth: 8, pixel: (x: number, y: number) => colours[quadrant(x, y, w, h)]! },
      {
        colorType: 2,
        depth: 16,
        pixel: (x: number, y: number) => colours[quadrant(x, y, w, h)]!.map((v) => v * 257),
      },
      {
        colorType: 6,
        depth: 8,
        interlaced: true,
        pixel: (x: number, y: number) => [...colours[quadrant(x, y, w, h)]!, 255],
      },
      {
        colorType: 3,
        depth: 4,
        palette: colours,
        pixel: (x: number, y: number) => [quadrant(x, y, w, h)],
      },
      {
        colorType: 3,
        depth: 2,
        interlaced: true,
        palette: colours,
        pixel: (x: number, y: number) => [quadrant(x, y, w, h)],
      },
    ] as const
    const expected = readVideoFrame(encodePng({ width: w, height: h, ...cases[0] }), 'image/png')
    expect(expected.dominantColor).not.toBeNull()
    for (const variant of cases) {
      for (const filter of [0, 1, 2, 3, 4, undefined]) {
        const bytes = encodePng({
          width: w,
          height: h,
          ...variant,
          ...(filter === undefined ? {} : { filter }),
        })
        expect(readVideoFrame(bytes, 'image/png'), JSON.stringify({ ...variant, filter })).toEqual({
          ...expected,
          bytes: bytes.length,
        })
      }
    }
  })

  it('should scale low bit depths and weigh alpha', () => {
    const gray1 = readVideoFrame(
      encodePng({ width: 32, height: 8, colorType: 0, depth: 1, pixel: (x) => [x < 8 ? 1 : 0] }),
      'image/png',
    )
    expect(gray1).toMatchObject({ averageColor: { r: 64, g: 64, b: 64 }, dominantColor: 'black' })
    const grayAlpha = readVideoFrame(
      encodePng({
        width: 8,
        height: 8,
        colorType: 4,
        depth: 8,
        pixel: (x) => (x < 4 ? [255, 255] : [0, 0]),
      }),
      'image/png',
    )
    expect(grayAlpha).toMatchObject({ averageColor: { r: 255, g: 255, b: 255 } })
    const translucent = readVideoFrame(
      encodePng({
        width: 8,
        height: 8,
        colorType: 3,
        depth: 8,
        palette: [
          [255, 0, 0],
          [0, 0, 255],
        ],
        paletteAlpha: [255, 0],
        pixel: (x) => [x % 2],
      }),
      'image/png',
    )
    expect(translucent).toMatchObject({
      averageColor: { r: 255, g: 0, b: 0 },
      dominantColor: 'red',
    })
  })
})

describe('readVideoFrame validation', () => {
  const jpeg = fixture('split-96x64.jpg')
  const png = fixture('split-96x64.png')

  it('should refuse what is not a JPEG or PNG of the declared type', () => {
    expect(() => readVideoFrame(new Uint8Array(100), 'image/jpeg')).toThrow(/not a JPEG or PNG/)
    expect(() => readVideoFrame(png, 'image/jpeg')).toThrow(/declared image\/jpeg but the bytes/)
    expect(() => readVideoFrame(jpeg, 'image/gif')).toThrow(/unsupported image type/)
  })

  it('should refuse truncated or corrupted images', () => {
    expect(() => readVideoFrame(jpeg.subarray(0, 400), 'image/jpeg')).toThrow(/truncated/)
    expect(() => readVideoFrame(jpeg.subarray(0, jpeg.length - 2), 'image/jpeg')).toThrow(
      /truncated/,
    )
    expect(() => readVideoFrame(png.subarray(0, png.length - 12), 'image/png')).toThrow(/IEND/)
    const noSize = jpeg.slice()
    const sof = noSize.findIndex((byte, i) => byte === 0xff && noSize[i + 1] === 0xc0)
    noSize.set([0, 0], sof + 5) // height 0
    expect(() => readVideoFrame(noSize, 'image/jpeg')).toThrow(/zero dimension/)
    const badData = png.slice()
    const idat = Buffer.from(badData).indexOf('IDAT')
    badData.fill(0x55, idat + 4, idat + 14)
    expect(() => readVideoFrame(badData, 'image/png')).toThrow(/inflate/)
  })

  it('should refuse frames over the size limits', () => {
    expect(() => readVideoFrame(jpeg, 'image/jpeg', { maxBytes: 800, maxPixels: 1e6 })).toThrow(
      /825 bytes is over the limit of 800/,
    )
    expect(() => readVideoFrame(png, 'image/png', { maxBytes: 1e6, maxPixels: 96 * 63 })).toThrow(
      /over the limit/,
    )
    expect(() => readVideoFrame(jpeg, 'image/jpeg', { maxBytes: 1e6, maxPixels: 96 * 63 })).toThrow(
      /over the limit/,
    )
  })
})

describe('colour naming', () => {
  it('should name colours by hue, saturation and brightness', () => {
    const names = (
      [
        [0, 0, 0],
        [40, 40, 40],
        [128, 128, 128],
        [250, 250, 245],
        [220, 20, 30],
        [255, 140, 0],
        [240, 220, 20],
        [30, 180, 60],
        [20, 200, 210],
        [30, 80, 200],
        [120, 40, 200],
        [230, 60, 160],
      ] as const
    ).map(([r, g, b]) => colorName({ r, g, b }))
    expect(names).toEqual([
      'black',
      'black',
      'grey',
      'white',
      'red',
      'orange',
      'yellow',
      'green',
      'cyan',
      'blue',
      'purple',
      'pink',
    ])
  })

  it('should pick the colour with the most area, not the average', () => {
    // 60 % blue and 40 % red average to purple, but blue dominates.
    const stats = colorStats([
      { r: 0, g: 0, b: 255, weight: 0.6 },
      { r: 255, g: 0, b: 0, weight: 0.4 },
    ])
    expect(stats).toEqual({ average: { r: 102, g: 0, b: 153 }, dominant: 'blue' })
  })
})
