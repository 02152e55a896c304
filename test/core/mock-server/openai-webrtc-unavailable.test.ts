// Without the optional werift package, the mock's WebRTC endpoint answers 501 with a clear
// message, and everything else keeps working.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMockRealtimeServer } from '../../../src/testing'
import type { MockRealtimeServer } from '../../../src/testing'

vi.mock('werift', () => {
  throw new Error("Cannot find package 'werift'")
})

let server: MockRealtimeServer | undefined
afterEach(async () => {
  await server?.close()
})

describe('mock server: POST /v1/realtime/calls without werift', () => {
  it('should answer 501 webrtc_unavailable and say how to get it', async () => {
    server = await createMockRealtimeServer()
    const response = await fetch(`${server.url}/v1/realtime/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/sdp' },
      body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n',
    })
    expect(response.status).toBe(501)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('webrtc_unavailable')
    expect(body.error.message).toContain('npm install --save-dev werift')
    // The WebSocket side does not care.
    const info = await fetch(`${server.url}/`)
    expect(info.status).toBe(200)
  })
})
