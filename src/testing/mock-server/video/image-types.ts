/** A region of an image (about 8×8 pixels) with its mean colour; `weight` is its area / 64. */
export interface ColorCell {
  r: number
  g: number
  b: number
  weight: number
}

/** A frame the mock cannot accept: not a JPEG/PNG, malformed, too big. */
export class ImageError extends Error {
  override readonly name = 'ImageError'
}
