import { describe, expect, it, vi } from 'vitest'
import { EventStream } from '../../src/core'

describe('EventStream', () => {
  it('should deliver events in order to listeners and iterators', async () => {
    const stream = new EventStream<number>()
    const seen: number[] = []
    stream.subscribe((n) => seen.push(n))
    const iterator = stream.iterate()
    stream.push(1)
    stream.push(2)
    stream.end()
    const iterated: number[] = []
    for await (const n of iterator) iterated.push(n)
    expect(seen).toEqual([1, 2])
    expect(iterated).toEqual([1, 2])
  })

  it('should complete a pending read when the stream ends', async () => {
    const stream = new EventStream<string>()
    const read = stream.iterate().next()
    stream.end()
    await expect(read).resolves.toEqual({ value: undefined, done: true })
  })

  it('should keep delivering when a listener throws, and report the error', () => {
    const onError = vi.fn()
    const stream = new EventStream<number>(onError)
    const seen: number[] = []
    stream.subscribe(() => {
      throw new Error('app bug')
    })
    stream.subscribe((n) => seen.push(n))
    stream.push(7)
    expect(seen).toEqual([7])
    expect(onError).toHaveBeenCalledOnce()
  })

  it('should dispatch each event to the listeners subscribed when it was pushed', () => {
    const stream = new EventStream<number>()
    const seen: string[] = []
    let unsubscribeB = (): void => {}
    stream.subscribe((n) => {
      seen.push(`a${n}`)
      if (n === 1) {
        // Added during dispatch: first sees the next event. Removed during dispatch: still
        // gets this one (it was subscribed when it was pushed), then no more.
        stream.subscribe((m) => seen.push(`c${m}`))
        unsubscribeB()
      }
    })
    unsubscribeB = stream.subscribe((n) => seen.push(`b${n}`))
    stream.push(1)
    stream.push(2)
    expect(seen).toEqual(['a1', 'b1', 'a2', 'c2'])
  })

  it('should release an iterator on return and drop listeners on end', async () => {
    const stream = new EventStream<number>()
    const iterator = stream.iterate()
    const unsubscribe = stream.subscribe(() => {})
    expect(stream.listenerCount).toBe(2)
    await iterator.return?.()
    unsubscribe()
    expect(stream.listenerCount).toBe(0)
    stream.subscribe(() => {})
    stream.end()
    expect(stream.listenerCount).toBe(0)
    stream.push(1)
    expect(stream.ended).toBe(true)
  })
})
