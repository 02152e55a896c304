import { describe, expect, it } from 'vitest'
import { RealtimeError, isCancellation, isRealtimeError } from '../../src/core'

describe('RealtimeError', () => {
  it('should carry code, message, cause and a retriable default per code', () => {
    const cause = new Error('socket hang up')
    const error = new RealtimeError('connection_failed', 'Could not reach the provider', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('RealtimeError')
    expect(error.code).toBe('connection_failed')
    expect(error.cause).toBe(cause)
    expect(error.retriable).toBe(true)
    expect(new RealtimeError('invalid_config', 'bad').retriable).toBe(false)
    expect(new RealtimeError('invalid_config', 'bad', { retriable: true }).retriable).toBe(true)
  })

  it('should wrap non-Error throws without losing them', () => {
    const wrapped = RealtimeError.from('boom', 'tool_failed')
    expect(wrapped.message).toBe('boom')
    expect(wrapped.cause).toBe('boom')
    const same = new RealtimeError('timeout', 'late')
    expect(RealtimeError.from(same, 'tool_failed')).toBe(same)
  })

  it('should be recognised by the guard, also across realms', () => {
    const error = new RealtimeError('unknown_tool', 'Tool "x" is not registered')
    expect(isRealtimeError(error)).toBe(true)
    expect(isRealtimeError(error, 'unknown_tool')).toBe(true)
    expect(isRealtimeError(error, 'tool_failed')).toBe(false)
    const foreign = Object.assign(new Error('from another copy'), {
      name: 'RealtimeError',
      code: 'timeout',
    })
    expect(isRealtimeError(foreign, 'timeout')).toBe(true)
    expect(isRealtimeError(new Error('plain'))).toBe(false)
    expect(isRealtimeError({ name: 'RealtimeError', code: 'timeout' })).toBe(false)
  })

  it('should treat cancellation as not a failure', () => {
    expect(isCancellation(new RealtimeError('cancelled', 'barge-in'))).toBe(true)
    expect(isCancellation(new DOMException('aborted', 'AbortError'))).toBe(true)
    expect(isCancellation(new RealtimeError('tool_failed', 'x'))).toBe(false)
  })
})
