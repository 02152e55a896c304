import { describe, expect, it } from 'vitest'
import { createOrderedTasks } from '../../../src/server/ordered-tasks'
import {
  createMemoryHandleStore,
  issuedHandle,
  requestedHandles,
} from '../../../src/server/relay-resumption'

describe('createMemoryHandleStore', () => {
  it('should forget a handle once its time is up', () => {
    let now = 0
    const store = createMemoryHandleStore({ now: () => now })
    store.set('h1', 'alice', 1_000)
    now = 999
    expect(store.get('h1')).toBe('alice')
    now = 1_000
    expect(store.get('h1')).toBeUndefined()
  })

  it('should drop the least recently issued handles beyond maxHandles', () => {
    const store = createMemoryHandleStore({ maxHandles: 2 })
    store.set('h1', 'alice', 60_000)
    store.set('h2', 'bob', 60_000)
    store.set('h1', 'alice', 60_000) // reissued: now the newest
    store.set('h3', 'carol', 60_000)
    expect([store.get('h1'), store.get('h2'), store.get('h3')]).toEqual([
      'alice',
      undefined,
      'carol',
    ])
  })
})

describe('handle extraction', () => {
  it('should find every handle a setup asks for, in either spelling, and none elsewhere', () => {
    expect(requestedHandles({ setup: { sessionResumption: {} } })).toEqual([])
    expect(requestedHandles({ setup: { sessionResumption: { handle: 'a' } } })).toEqual(['a'])
    expect(
      requestedHandles({
        setup: { session_resumption: { handle: 'b' }, sessionResumption: { handle: 'a' } },
      }),
    ).toEqual(['b', 'a'])
    expect(requestedHandles({ realtimeInput: { sessionResumption: { handle: 'a' } } })).toEqual([])
    expect(requestedHandles({ setup: { sessionResumption: { handle: 7 } } })).toEqual(['7'])
  })

  it('should read only resumable handles from server frames', () => {
    const frame = (update: unknown) =>
      Buffer.from(JSON.stringify({ sessionResumptionUpdate: update }))
    expect(issuedHandle(frame({ newHandle: 'h', resumable: true }))).toBe('h')
    expect(issuedHandle(frame({ newHandle: '', resumable: true }))).toBeUndefined()
    expect(issuedHandle(frame({ resumable: false }))).toBeUndefined()
    expect(issuedHandle(Buffer.from('{"serverContent":{}}'))).toBeUndefined()
    expect(issuedHandle(Buffer.from('sessionResumptionUpdate{'))).toBeUndefined()
  })
})

describe('createOrderedTasks', () => {
  it('should run tasks at once until one is pending, then hold the rest in order', async () => {
    const tasks = createOrderedTasks()
    const ran: string[] = []
    let release: () => void = () => {}
    tasks.run(() => void ran.push('a'), 1)
    tasks.run(() => {
      ran.push('b')
      return new Promise<void>((resolve) => (release = resolve))
    }, 1)
    tasks.run(() => void ran.push('c'), 10)
    tasks.run(() => void ran.push('d'), 20)
    expect(ran).toEqual(['a', 'b'])
    expect(tasks.heldBytes()).toBe(30)
    release()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(ran).toEqual(['a', 'b', 'c', 'd'])
    expect(tasks.heldBytes()).toBe(0)
  })

  it('should keep the order when a released task is pending again, or rejected', async () => {
    const tasks = createOrderedTasks()
    const ran: string[] = []
    let release: () => void = () => {}
    const settled = () => new Promise((resolve) => setTimeout(resolve, 0))
    tasks.run(() => Promise.reject(new Error('checked and refused')), 1)
    tasks.run(() => {
      ran.push('b')
      return new Promise<void>((resolve) => (release = resolve))
    }, 1)
    tasks.run(() => void ran.push('c'), 1)
    expect(ran).toEqual([])
    await settled()
    expect(ran).toEqual(['b'])
    expect(tasks.heldBytes()).toBe(1)
    release()
    await settled()
    expect(ran).toEqual(['b', 'c'])
  })
})
