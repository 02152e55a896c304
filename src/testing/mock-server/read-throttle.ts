import type { Duplex } from 'node:stream'
import type { MockClock } from './clock'

const TICK_MS = 50

/**
 * Reads a socket at most `bytesPerSecond` fast (the `throttleReads` fault): a slow uplink as the
 * client sees it. The socket is paused, and every tick the allowance is pulled out of it with
 * `read(n)`, which hands the bytes to the WebSocket parser as a `'data'` event. What is not read
 * stays in the socket's buffer, then in the kernel's, and TCP flow control pushes back on the
 * client, whose `bufferedAmount` grows once those buffers are full.
 *
 * While throttled, `resume()` is ignored: `ws` resumes a socket it paused for its own
 * backpressure, which would otherwise undo the throttle. Returns the function that ends it.
 */
export function throttleReads(
  socket: Duplex,
  clock: MockClock,
  spec: { bytesPerSecond: number; durationMs?: number },
): () => void {
  const perTick = Math.max(1, Math.round((spec.bytesPerSecond * TICK_MS) / 1000))
  const resume = socket.resume.bind(socket)
  socket.resume = () => socket // ignored until the throttle ends
  socket.pause()
  let timer: unknown
  let ended = false
  const endAt =
    spec.durationMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + spec.durationMs

  const end = (): void => {
    if (ended) return
    ended = true
    if (timer !== undefined) clock.clearTimeout(timer)
    // Own property removed: the prototype's `resume` is back.
    delete (socket as { resume?: unknown }).resume
    if (!socket.destroyed) resume()
  }

  const tick = (): void => {
    timer = undefined
    if (ended || socket.destroyed) return
    if (clock.now() >= endAt) {
      end()
      return
    }
    let budget = perTick
    while (budget > 0 && socket.readableLength > 0) {
      const chunk = socket.read(Math.min(budget, socket.readableLength)) as Buffer | null
      if (chunk === null) break
      budget -= chunk.length
    }
    // Below its high-water mark the stream reads more from the kernel for the next tick.
    if (socket.readableLength === 0) socket.read(0)
    timer = clock.setTimeout(tick, TICK_MS)
  }
  timer = clock.setTimeout(tick, TICK_MS)
  return end
}
