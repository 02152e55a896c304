import { isRealtimeError } from '../../../src/core'
import type { ConversationItem, MessageItem, RealtimeErrorCode } from '../../../src/core'
import type { ReliabilityCase } from './harness'
import { leakedResources } from './leaks'

/**
 * The invariants every reliability case ends with, written once. Each checker returns the list of
 * violations (empty when it holds), so a failing case reports everything that went wrong at once.
 *
 * - tool calls: every call the mock made gets exactly one result, on its own connection, or is
 *   recorded as abandoned (a `tool.finished` with `sent: false`, a `tool.cancelled`, a provider
 *   cancellation, or a call that arrived after the runner had let go of its connection);
 * - context updates: each one settles, applied or rejected with a visible typed error, and the
 *   last applied one is what the canonical config and the live connection run (or, when the
 *   runner gave up, what the store shows as pending); a bridge message is sent at most once;
 * - transcript: everything seen before a fault is still there afterwards (same items, same order,
 *   text only grown), every reply the mock completed while the runner listened is in it word for
 *   word, the conversation went on after each fault, and nothing is left in progress at the end;
 * - errors: only `RealtimeError`s surface (events, `onError`, rejections), only of expected codes,
 *   and nothing is reported through `console.error`;
 * - agreement: the runner's snapshot, the store, `isConnected()` and the mock's open connections
 *   say the same thing, every published store state is self-consistent, and connection-status
 *   events chain;
 * - leaks: no timer of the runner, the app or the mock, no listener on a session or a connect
 *   signal, no socket and no wall-clock timer is left once the runner and the server are closed.
 */

export interface InvariantOptions {
  /** Error codes the case expects to surface; anything else is a violation. */
  errors?: readonly RealtimeErrorCode[]
  /** The conversation must go on after each fault mark (default true). */
  continues?: boolean
}

export function checkToolCalls(test: ReliabilityCase): string[] {
  const problems: string[] = []
  const { toolFinished, cancelledCalls } = test.recorder
  for (const connection of test.ledger.connections.values()) {
    for (const [callId, count] of connection.results) {
      const owner = test.ledger.callOwner(callId)
      if (!owner) problems.push(`result for unknown call ${callId} on ${connection.id}`)
      else if (owner !== connection)
        problems.push(`result for ${callId} of ${owner.id} sent on ${connection.id}`)
      if (count > 1) problems.push(`call ${callId} answered ${count} times on ${connection.id}`)
    }
    const traced = test.model.sessions.find((session) => session.wireKey === connection.key)
    for (const [callId, call] of connection.calls) {
      if ((connection.results.get(callId) ?? 0) > 0) continue
      const abandoned =
        connection.cancelled.has(callId) ||
        cancelledCalls.has(callId) ||
        toolFinished.some((event) => event.callId === callId && !event.sent)
      const unheard = traced?.releasedAt !== undefined && call.seq >= traced.releasedAt
      if (!abandoned && !unheard) {
        problems.push(
          `call ${callId} (${call.name}) on ${connection.id} has no result and is not recorded as abandoned`,
        )
      }
    }
  }
  const finished = new Map<string, number>()
  for (const event of toolFinished) {
    finished.set(event.callId, (finished.get(event.callId) ?? 0) + 1)
    if (event.sent && test.ledger.callOwner(event.callId)?.results.get(event.callId) !== 1)
      problems.push(`tool.finished says ${event.callId} was sent, the mock did not get it once`)
  }
  for (const [callId, count] of finished) {
    if (count > 1 && (test.ledger.callOwner(callId)?.results.get(callId) ?? 0) <= 1)
      problems.push(`tool.finished emitted ${count} times for ${callId}`)
  }
  return problems
}

export function checkContextUpdates(test: ReliabilityCase): string[] {
  const problems: string[] = []
  const { updates } = test.recorder
  const errors = test.recorder.errorEvents.map((event) => event.error)
  for (const update of updates) {
    if (update.status === 'pending') problems.push(`update #${update.index} never settled`)
    if (update.status === 'rejected' && !errors.includes(update.error as never))
      problems.push(`update #${update.index} was rejected without an error event`)
  }
  const applied = updates.filter((update) => update.status === 'resolved')
  const last = applied.findLast((update) => update.instruction !== undefined)
  const snapshot = test.runner.getState()
  if (last) {
    if (test.runner.config.instruction !== last.instruction)
      problems.push(`canonical instruction is not the last update's (#${last.index})`)
    if (snapshot.connection === 'connected') {
      const live = test.ledger.byKey(test.liveSession()?.wireKey)
      const running = live?.instructions.at(-1)?.text
      if (running !== last.instruction)
        problems.push(
          `live connection runs "${running}", not the last update "${last.instruction}"`,
        )
    } else if (snapshot.connection === 'failed' && snapshot.pendingResumption?.config) {
      if (snapshot.pendingResumption.config.instruction !== last.instruction)
        problems.push('the pending resumption does not hold the last update')
    }
  }
  const connections = [...test.ledger.connections.values()]
  const sent = connections.flatMap((connection) => connection.userTexts)
  for (const update of updates) {
    const bridge = update.bridgeMessage
    if (bridge === undefined) continue
    // Once per connection at most: a later connection may carry it again only as re-seeded
    // history (OpenAI reconnects re-create the conversation as text).
    for (const connection of connections) {
      const count = connection.userTexts.filter((text) => text === bridge).length
      if (count > 1) problems.push(`bridge of update #${update.index} sent ${count} times`)
    }
    if (update.status === 'rejected' && sent.includes(bridge))
      problems.push(`bridge of rejected update #${update.index} was sent`)
  }
  const lastBridge = applied.findLast((update) => update.bridgeMessage !== undefined)
  if (lastBridge && snapshot.connection === 'connected' && snapshot.state.status === 'idle') {
    if (!sent.includes(lastBridge.bridgeMessage!))
      problems.push(`the last bridge message (#${lastBridge.index}) was never sent`)
  }
  return problems
}

export function checkTranscript(test: ReliabilityCase, options: InvariantOptions = {}): string[] {
  const problems: string[] = []
  const items = test.runner.getState().items
  for (const mark of test.recorder.marks) {
    let cursor = -1
    for (const before of mark.items) {
      const index = items.findIndex((item) => item.kind === before.kind && item.id === before.id)
      if (index < 0) {
        problems.push(`"${mark.label}": item ${before.id} present before the fault is gone`)
        continue
      }
      if (index < cursor) problems.push(`"${mark.label}": item ${before.id} moved`)
      cursor = index
      const after = items[index]!
      if (before.kind === 'message' && !(after as MessageItem).text.startsWith(before.text))
        problems.push(`"${mark.label}": text of ${before.id} changed, not just grew`)
    }
    if (options.continues !== false) {
      const known = new Set(mark.items.map((item) => item.id))
      const continued = items.some(
        (item) =>
          !known.has(item.id) &&
          item.kind === 'message' &&
          item.role === 'assistant' &&
          item.status === 'completed',
      )
      if (!continued) problems.push(`"${mark.label}": the conversation did not go on`)
    }
  }
  const completed = items.filter(
    (item): item is MessageItem =>
      item.kind === 'message' && item.role === 'assistant' && item.status === 'completed',
  )
  const texts = completed.map((item) => item.text)
  let cursor = 0
  let heard = 0
  for (const traced of test.model.sessions) {
    const connection = test.ledger.byKey(traced.wireKey)
    if (!connection) continue
    for (const reply of connection.replies) {
      if (traced.releasedAt !== undefined && reply.seq >= traced.releasedAt) continue
      heard++
      const found = texts.indexOf(reply.text, cursor)
      if (found < 0) problems.push(`reply "${reply.text}" of ${connection.id} is missing`)
      else cursor = found + 1
    }
  }
  // One item per reply: a reconnect must not copy earlier answers into the transcript again.
  if (completed.length > heard)
    problems.push(`${completed.length} completed assistant items for ${heard} replies heard`)
  const userTexts = items.flatMap((item) =>
    item.kind === 'message' && item.role === 'user' ? [item.text] : [],
  )
  for (const text of new Set(test.said)) {
    const expected = test.said.filter((said) => said === text).length
    const found = userTexts.filter((said) => said === text).length
    if (found !== expected)
      problems.push(
        `"${text}" was said ${expected} time(s), the transcript has it ${found} time(s)`,
      )
  }
  const replies = new Set(
    [...test.ledger.connections.values()].flatMap((connection) =>
      connection.replies.map((reply) => reply.text),
    ),
  )
  for (const item of completed) {
    if (!replies.has(item.text)) problems.push(`assistant item ${item.id} has text no reply had`)
  }
  return problems
}

/** Nothing stays in progress once the session is quiet (or closed). */
export function checkNothingInProgress(items: readonly ConversationItem[]): string[] {
  return items
    .filter((item) =>
      item.kind === 'message'
        ? item.status === 'inProgress'
        : item.status === 'pending' || item.status === 'running',
    )
    .map((item) => `${item.kind} ${item.id} is still ${item.status}`)
}

export function checkTypedErrors(test: ReliabilityCase, options: InvariantOptions = {}): string[] {
  const problems: string[] = []
  const allowed = new Set<string>(options.errors ?? [])
  for (const { where, error } of test.recorder.surfacedErrors()) {
    if (!isRealtimeError(error)) {
      problems.push(`${where}: not a RealtimeError: ${String(error)}`)
      continue
    }
    if (!allowed.has(error.code))
      problems.push(`${where}: unexpected ${error.code}: ${error.message}`)
  }
  for (const args of test.recorder.consoleErrors) {
    problems.push(`console.error: ${args.map(String).join(' ')}`)
  }
  return problems
}

/** At a quiet moment: runner, store, `isConnected()` and the mock agree. */
export function checkAgreement(test: ReliabilityCase): string[] {
  const problems = [...test.recorder.storeViolations]
  const snapshot = test.runner.getState()
  test.store.flush()
  const store = test.store.getState()
  if (store.connection !== snapshot.connection)
    problems.push(`store connection ${store.connection} ≠ runner ${snapshot.connection}`)
  if (store.runnerState !== snapshot.state.status)
    problems.push(`store state ${store.runnerState} ≠ runner ${snapshot.state.status}`)
  if (store.items !== snapshot.items) problems.push('store items are not the runner items')
  if (store.pendingResumption !== (snapshot.pendingResumption ?? null))
    problems.push('store pendingResumption ≠ runner')
  if (store.sessionId !== (snapshot.sessionId ?? null)) problems.push('store sessionId ≠ runner')
  const connected = snapshot.connection === 'connected'
  if (test.runner.isConnected() !== connected)
    problems.push(
      `isConnected() ${test.runner.isConnected()} with connection ${snapshot.connection}`,
    )
  const open = test.server.connections()
  if (connected) {
    const live = test.ledger.byKey(test.liveSession()?.wireKey)
    if (open.length !== 1 || open[0]?.id !== live?.id)
      problems.push(`connected, but the mock has ${open.length} open connection(s)`)
  } else if (snapshot.connection !== 'reconnecting' && snapshot.connection !== 'connecting') {
    if (open.length > 0) problems.push(`${snapshot.connection}, but the mock has open connections`)
  }
  let previous = 'idle'
  for (const event of test.recorder.statuses) {
    if (event.previous !== previous)
      problems.push(`connection.status ${event.previous}→${event.status} after ${previous}`)
    previous = event.status
  }
  if (previous !== snapshot.connection)
    problems.push(`last connection.status ${previous} ≠ ${snapshot.connection}`)
  return problems
}

/** After `closeRunner()`: nothing of the runner, the app or the mock is left behind. */
export async function checkNoLeaks(test: ReliabilityCase): Promise<string[]> {
  const problems: string[] = []
  for (const owner of ['runner', 'app', 'mock'] as const) {
    const pending = test.clock.pending(owner)
    if (pending > 0) problems.push(`${pending} ${owner} timer(s) left`)
  }
  if (test.model.subscriptions() > 0)
    problems.push(`${test.model.subscriptions()} session subscription(s) left`)
  if (test.model.abortListeners() > 0)
    problems.push(`${test.model.abortListeners()} abort listener(s) left on connect signals`)
  if (test.server.connections().length > 0) problems.push('mock connections left open')
  if (test.sockets.count('closed') !== test.sockets.sockets.length)
    problems.push('client sockets left open')
  if (test.eventsAfterClose > 0) problems.push(`${test.eventsAfterClose} event(s) after close()`)
  await test.dispose()
  problems.push(...(await leakedResources(test.baseline)))
  return problems
}

/**
 * The full check at the end of a case: live invariants at a quiet moment, then close, then the
 * closed invariants and the leak check. Throws with every violation listed.
 */
export async function finishCase(
  test: ReliabilityCase,
  options: InvariantOptions = {},
): Promise<void> {
  await test.quiet()
  const live = [
    ...checkAgreement(test).map((p) => `agreement: ${p}`),
    ...checkContextUpdates(test).map((p) => `updates: ${p}`),
  ]
  await test.closeRunner()
  const closed = [
    ...checkToolCalls(test).map((p) => `tools: ${p}`),
    ...checkTranscript(test, options).map((p) => `transcript: ${p}`),
    ...checkNothingInProgress(test.runner.getState().items).map((p) => `transcript: ${p}`),
    ...checkTypedErrors(test, options).map((p) => `errors: ${p}`),
    ...checkAgreement(test).map((p) => `agreement after close: ${p}`),
  ]
  const leaks = (await checkNoLeaks(test)).map((p) => `leaks: ${p}`)
  const problems = [...live, ...closed, ...leaks]
  if (problems.length > 0) {
    throw new Error(`${problems.length} invariant violation(s):\n- ${problems.join('\n- ')}`)
  }
}
