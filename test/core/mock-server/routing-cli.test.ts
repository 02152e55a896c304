import { describe, expect, it } from 'vitest'
import { runMockServerCli } from '../../../src/testing'
import { routeRequest } from '../../../src/testing/mock-server/routing'
import { openaiSession } from '../../conformance/mock-helpers'

describe('routeRequest', () => {
  it('routes Gemini paths with one or two leading slashes (never through new URL)', () => {
    const path = 'ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent'
    // The pitfall the router avoids: `//ws/…` parsed as a URL becomes host `ws`, path without `/ws/`.
    const misread = new URL(`//${path}?key=K`, 'http://127.0.0.1')
    expect(misread.hostname).toBe('ws')
    expect(misread.pathname.startsWith('/ws/')).toBe(false)
    for (const url of [`/${path}?key=K`, `//${path}?key=K`]) {
      expect(routeRequest(url)).toMatchObject({
        protocol: 'gemini',
        variant: 'ai-studio',
        constrained: false,
        version: 'v1beta',
      })
      expect(routeRequest(url)?.query.get('key')).toBe('K')
    }
  })

  it('routes the constrained, Vertex and proxy endpoints', () => {
    expect(
      routeRequest(
        '//ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens/x',
      ),
    ).toMatchObject({ protocol: 'gemini', constrained: true, version: 'v1alpha' })
    expect(
      routeRequest('/base//ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent'),
    ).toMatchObject({
      protocol: 'gemini',
      variant: 'vertex',
      version: 'v1beta1',
    })
    expect(routeRequest('/my/proxy/path', '/my/proxy/path')).toMatchObject({
      protocol: 'gemini',
      variant: 'vertex',
    })
  })

  it('routes OpenAI by the /realtime suffix and refuses anything else', () => {
    expect(routeRequest('/v1/realtime?model=gpt-realtime')).toMatchObject({ protocol: 'openai' })
    expect(routeRequest('/v1/realtime?model=gpt-realtime')?.query.get('model')).toBe('gpt-realtime')
    expect(routeRequest('/v1/chat/completions')).toBeUndefined()
  })
})

describe('adk-realtime-mock CLI', () => {
  it('starts on the given port and prints where to point each client', async () => {
    const lines: string[] = []
    const server = await runMockServerCli(
      ['--port', '0', '--openai-key', 'sk-cli', '--transcript', 'Hi'],
      {
        write: (line) => lines.push(line),
      },
    )
    try {
      expect(lines[0]).toBe(`adk-realtime mock server listening on ${server!.url}`)
      expect(lines.join('\n')).toContain(server!.openaiUrl)
      const client = await openaiSession(server!.openaiUrl, { key: 'sk-cli' })
      client.ws.close()
    } finally {
      await server?.close()
    }
  })

  it('prints help, and refuses bad arguments', async () => {
    const lines: string[] = []
    expect(
      await runMockServerCli(['--help'], { write: (line) => lines.push(line) }),
    ).toBeUndefined()
    expect(lines[0]).toContain('Usage: adk-realtime-mock')
    await expect(runMockServerCli(['--port', 'abc'])).rejects.toThrow(
      '--port must be a non-negative number',
    )
    await expect(runMockServerCli(['--tls-cert', 'x.pem'])).rejects.toThrow(
      '--tls-cert and --tls-key go together',
    )
    await expect(runMockServerCli(['--bogus'])).rejects.toThrow()
  })
})
