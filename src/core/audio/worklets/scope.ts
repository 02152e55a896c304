/**
 * The parts of `AudioWorkletGlobalScope` the processors use. TypeScript's `DOM` lib does not
 * describe that scope (its `AudioWorklet` lib conflicts with `DOM`), and declaring these names
 * globally would let main-thread code use `sampleRate` or `registerProcessor` by mistake, so the
 * processors read them through this typed view of `globalThis` instead.
 */

export interface AudioWorkletProcessorInstance {
  readonly port: MessagePort
}

export interface AudioWorkletProcessorConstructor {
  new (options: AudioWorkletNodeOptions): AudioWorkletProcessorInstance
}

export interface AudioWorkletScope {
  readonly AudioWorkletProcessor: AudioWorkletProcessorConstructor
  registerProcessor(name: string, processor: AudioWorkletProcessorConstructor): void
  /** The context's sample rate. */
  readonly sampleRate: number
  /** Frame index of the render quantum being processed. */
  readonly currentFrame: number
  /** The same position in seconds. */
  readonly currentTime: number
}

/** Only meaningful inside an AudioWorklet; the processors call it at registration time. */
export function workletScope(): AudioWorkletScope {
  return globalThis as unknown as AudioWorkletScope
}

/**
 * Registers a processor, tolerating a second registration of the same name: two copies of this
 * library on one page may load the module into a shared context, and the first copy's
 * processors speak the same protocol.
 */
export function registerOnce(name: string, processor: AudioWorkletProcessorConstructor): void {
  try {
    workletScope().registerProcessor(name, processor)
  } catch (error) {
    if (!(error instanceof Error && error.name === 'NotSupportedError')) throw error
  }
}
