import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  RealtimeAgent,
  RealtimeError,
  RealtimeRunner,
  defineTool,
  isRealtimeError,
} from '../../src/core'
import { createScriptedModel, serverEvents } from '../../src/testing'
import { settle } from './runner/helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const invoiceHandler = vi.fn(({ id }: { id: string }) => ({ id, total: 42 }))
const lookupInvoice = defineTool({
  name: 'lookup_invoice',
  parameters: z.object({ id: z.string() }),
  handler: (args) => invoiceHandler(args),
})

function agents() {
  const billing = new RealtimeAgent<{ user: string }>({
    name: 'billing',
    description: 'Invoices and payments',
    instructions: ({ context }) => `You handle billing for ${context.user}.`,
    voice: 'Kore',
    tools: [lookupInvoice],
    handoffMessage: 'You are now talking to billing.',
  })
  const triage = new RealtimeAgent<{ user: string }>({
    name: 'triage',
    instructions: ({ context }) => `Greet ${context.user}.`,
    subAgents: [billing],
  })
  return { billing, triage }
}

describe('RealtimeAgent', () => {
  it('should compute instructions from the context', async () => {
    const model = createScriptedModel()
    const { triage } = agents()
    const runner = new RealtimeRunner({ model, agent: triage, context: { user: 'Ada' } })
    await runner.connect()
    expect(model.connects[0]?.config.instruction).toBe('Greet Ada.')
    expect(model.connects[0]?.config.tools?.map((tool) => tool.name)).toEqual([
      'transfer_to_billing',
    ])
    expect(runner.getState().agent).toBe('triage')
    await runner.close()
  })

  it('should let a before-callback refuse a call without running the handler', async () => {
    const handler = vi.fn()
    const agent = new RealtimeAgent({
      name: 'guarded',
      instructions: 'x',
      tools: [{ name: 'delete_account', handler }],
      beforeToolCall: ({ name }) =>
        name === 'delete_account' ? { action: 'refuse', reason: 'needs a human' } : undefined,
    })
    const model = createScriptedModel()
    const runner = new RealtimeRunner({ model, agent })
    await runner.connect()
    model.session?.emit(serverEvents.toolCall('c1', 'delete_account'))
    await settle()
    expect(handler).not.toHaveBeenCalled()
    expect(model.session?.callsOf('sendToolResult')[0]?.result).toMatchObject({
      isError: true,
      output: {
        error: {
          code: 'tool_refused',
          message: 'Tool "delete_account" was refused: needs a human',
        },
      },
    })
    await runner.close()
  })

  it('should refuse a call when the before-callback itself fails (fail closed)', async () => {
    const handler = vi.fn()
    const agent = new RealtimeAgent({
      name: 'guarded',
      instructions: 'x',
      tools: [{ name: 'pay', handler }],
      beforeToolCall: () => {
        throw new Error('policy service down')
      },
    })
    const model = createScriptedModel()
    const runner = new RealtimeRunner({ model, agent })
    await runner.connect()
    model.session?.emit(serverEvents.toolCall('c1', 'pay'))
    await settle()
    expect(handler).not.toHaveBeenCalled()
    expect(model.session?.callsOf('sendToolResult')[0]?.result.output).toMatchObject({
      error: { code: 'tool_refused' },
    })
    await runner.close()
  })

  it('should let a before-callback substitute a result', async () => {
    const handler = vi.fn()
    const agent = new RealtimeAgent({
      name: 'cached',
      instructions: 'x',
      tools: [{ name: 'weather', handler }],
      beforeToolCall: ({ args }) => ({ action: 'substitute', output: { cached: true, args } }),
    })
    const model = createScriptedModel()
    const runner = new RealtimeRunner({ model, agent })
    await runner.connect()
    model.session?.emit(serverEvents.toolCall('c1', 'weather', { city: 'Oslo' }))
    await settle()
    expect(handler).not.toHaveBeenCalled()
    expect(model.session?.callsOf('sendToolResult')[0]?.result.output).toEqual({
      cached: true,
      args: { city: 'Oslo' },
    })
    await runner.close()
  })

  it('should let an after-callback replace the result', async () => {
    const agent = new RealtimeAgent({
      name: 'redacting',
      instructions: 'x',
      tools: [{ name: 'profile', handler: () => ({ name: 'Ada', ssn: '123' }) }],
      afterToolCall: ({ output }) => ({
        action: 'replace',
        output: { ...(output as object), ssn: '[redacted]' },
      }),
    })
    const model = createScriptedModel()
    const runner = new RealtimeRunner({ model, agent })
    await runner.connect()
    model.session?.emit(serverEvents.toolCall('c1', 'profile'))
    await settle()
    expect(model.session?.callsOf('sendToolResult')[0]?.result.output).toEqual({
      name: 'Ada',
      ssn: '[redacted]',
    })
    await runner.close()
  })

  it('should hand off in place on a provider with live changes (OpenAI-like)', async () => {
    const model = createScriptedModel({ preset: 'openai' })
    const { triage } = agents()
    const runner = new RealtimeRunner({ model, agent: triage, context: { user: 'Ada' } })
    await runner.connect()
    const session = model.session
    session?.emit(
      serverEvents.responseStarted(),
      serverEvents.toolCall('t1', 'transfer_to_billing'),
    )
    session?.emit(serverEvents.responseDone())
    await settle()
    const mutation = session?.callsOf('mutateContext')[0]?.config
    expect(mutation?.instruction).toBe('You handle billing for Ada.')
    expect(mutation?.voice).toBe('Kore')
    expect(mutation?.tools?.map((tool) => tool.name)).toEqual(['lookup_invoice'])
    expect(session?.callsOf('sendToolResult')[0]?.result.output).toEqual({
      transferredTo: 'billing',
    })
    expect(session?.callsOf('createResponse')).toHaveLength(1)
    expect(session?.callsOf('sendText')).toEqual([])
    expect(runner.getState().agent).toBe('billing')
    // The handoff message waits for the turn in progress, then goes out once.
    session?.emit(serverEvents.responseStarted('r2'), serverEvents.responseDone('r2'))
    expect(session?.callsOf('sendText')).toEqual([
      { method: 'sendText', text: 'You are now talking to billing.' },
    ])
    // The new agent's tools are live on the same connection.
    session?.emit(serverEvents.toolCall('c2', 'lookup_invoice', { id: 'A7' }))
    await settle()
    expect(session?.callsOf('sendToolResult')[1]?.result.output).toEqual({ id: 'A7', total: 42 })
    expect(model.connects).toHaveLength(1)
    await runner.close()
  })

  it('should hand off through a resumption on a provider that needs one (Gemini-like)', async () => {
    const model = createScriptedModel({ preset: 'gemini' })
    const { triage } = agents()
    const runner = new RealtimeRunner({ model, agent: triage, context: { user: 'Ada' } })
    await runner.connect()
    const first = model.session
    first?.issueHandle('h1')
    first?.emit(serverEvents.toolCall('t1', 'transfer_to_billing'))
    await settle()
    expect(first?.callsOf('sendToolResult')[0]?.result.output).toEqual({ transferredTo: 'billing' })
    expect(runner.getState().state.status).toBe('pendingResumption')
    expect(model.connects).toHaveLength(1)
    first?.emit(serverEvents.audioDelta(), serverEvents.responseDone())
    await settle()
    expect(model.connects).toHaveLength(2)
    expect(model.connects[1]?.config).toMatchObject({
      instruction: 'You handle billing for Ada.',
      voice: 'Kore',
      sessionResumption: { handle: 'h1' },
    })
    expect(model.connects[1]?.config.tools?.map((tool) => tool.name)).toEqual(['lookup_invoice'])
    expect(model.session?.callsOf('sendText')).toEqual([
      { method: 'sendText', text: 'You are now talking to billing.' },
    ])
    await runner.close()
  })

  it('should refuse a transfer to an unknown agent', async () => {
    const model = createScriptedModel()
    const { triage } = agents()
    const runner = new RealtimeRunner({ model, agent: triage, context: { user: 'Ada' } })
    await runner.connect()
    const error = await runner.transferTo('sales').catch((caught: unknown) => caught)
    expect(isRealtimeError(error, 'unknown_agent')).toBe(true)
    expect((error as Error).message).toContain('billing')
    model.session?.emit(serverEvents.toolCall('t1', 'transfer_to_sales'))
    await settle()
    expect(model.session?.callsOf('sendToolResult')[0]?.result.output).toMatchObject({
      error: { code: 'unknown_tool' },
    })
    expect(model.session?.callsOf('mutateContext')).toEqual([])
    expect(runner.getState().agent).toBe('triage')
    await runner.close()
  })

  it('should transfer on request from the app', async () => {
    const model = createScriptedModel()
    const { triage } = agents()
    const runner = new RealtimeRunner({ model, agent: triage, context: { user: 'Ada' } })
    await runner.connect()
    await expect(runner.transferTo('billing')).resolves.toEqual({ kind: 'applied' })
    expect(runner.getState().agent).toBe('billing')
    await runner.close()
  })

  it('should keep the previous agent when the provider refuses the transfer', async () => {
    const model = createScriptedModel({
      preset: 'openai',
      // OpenAI cannot change the voice once the model has spoken.
      rejectMutation: (config) =>
        config.voice === 'Kore'
          ? new RealtimeError('update_rejected', 'cannot_update_voice')
          : undefined,
    })
    const { triage } = agents()
    const runner = new RealtimeRunner({ model, agent: triage, context: { user: 'Ada' } })
    const changes: string[] = []
    runner.onEvent((event) => {
      if (event.type === 'agent.changed') changes.push(`${event.from}→${event.to}`)
    })
    await runner.connect()
    await expect(runner.transferTo('billing')).rejects.toMatchObject({ code: 'update_rejected' })
    expect(runner.getState().agent).toBe('triage')
    expect(runner.config.instruction).toBe('Greet Ada.')
    expect(changes).toEqual([])
    // Transfers still resolve against the agent that is really active.
    await expect(runner.transferTo('triage')).rejects.toMatchObject({ code: 'unknown_agent' })
    await runner.close()
  })

  it('should reject invalid agent declarations with invalid_config', () => {
    expect(() => new RealtimeAgent({ name: 'has space', instructions: 'x' })).toThrowError(
      expect.objectContaining({ code: 'invalid_config', path: 'name' }),
    )
    const twin = new RealtimeAgent({ name: 'twin', instructions: 'x' })
    expect(
      () => new RealtimeAgent({ name: 'parent', instructions: 'x', subAgents: [twin, twin] }),
    ).toThrowError(expect.objectContaining({ code: 'invalid_config', path: 'subAgents' }))
  })
})
