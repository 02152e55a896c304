/**
 * Client-side ids. `crypto.randomUUID` exists in Node 20 and in browsers' secure contexts; the
 * fallback only has to be unique per page, not unguessable (these ids are never credentials).
 */
export function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID()
  const random = (): string =>
    Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0')
  return `${random()}-${random().slice(0, 4)}-${random().slice(0, 4)}-${random()}`
}

/** A short random tag for readable derived ids (`evt_3fa2c1_12`). */
export function shortId(): string {
  return randomId().replace(/-/g, '').slice(0, 8)
}
