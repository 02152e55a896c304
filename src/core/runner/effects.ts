import { RealtimeError } from '../errors'
import { jitterDelay } from './backoff'
import type { ReconnectPolicy } from './backoff'
import type { TimerSet } from './scheduler'
import type { RunnerEffect, RunnerMachineEvent } from './state'

/** What running the state machine's effects needs from the runner. */
export interface EffectHost {
  timers: TimerSet<'retry' | 'deadline'>
  policy: ReconnectPolicy
  random: () => number
  /** Post an event back into the mailbox (timer callbacks). */
  post(event: RunnerMachineEvent): void
  /** Detach and close the current session, then open a new one. */
  resume(): void
  requestResponse(): void
  abortTools(): void
  queueBridge(message: string): void
  /** The retry budget is spent: connection `failed`, error emitted, `run()` rejected. */
  fail(error: RealtimeError): void
}

/**
 * The thin executor of the state machine's effects (the machine decides, this only does). Timer
 * callbacks do not act directly: they post an event, so they are handled in mailbox order like
 * everything else.
 */
export function runEffect(effect: RunnerEffect, host: EffectHost): void {
  const post = (event: RunnerMachineEvent) => () => host.post(event)
  switch (effect.type) {
    case 'startResumption':
      return host.resume()
    case 'scheduleRetry': {
      const delay = jitterDelay(host.policy, effect.delayMs, host.random)
      return host.timers.start('retry', delay, post({ type: 'retry.due' }))
    }
    case 'scheduleDeadline':
      return host.timers.start('deadline', effect.delayMs, post({ type: 'goAway.deadline' }))
    case 'cancelDeadline':
      return host.timers.clear('deadline')
    case 'cancelTimers':
      return host.timers.clearAll()
    case 'requestResponse':
      return host.requestResponse()
    case 'abortTools':
      return host.abortTools()
    case 'injectBridgeMessage':
      return host.queueBridge(effect.message)
    case 'resumptionFailed': {
      const { pending, error: cause } = effect
      const error = new RealtimeError(
        'resumption_failed',
        `Could not reconnect after ${pending.attempts} attempt(s): ${cause.message}`,
        { cause, retriable: false },
      )
      return host.fail(error)
    }
  }
}
