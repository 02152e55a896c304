/** Close codes the relay itself uses (documented in the README). */
export const relayCloseCodes = {
  /** A browser message exceeded `maxMessageBytes`. */
  messageTooBig: 1009,
  /**
   * A session message broke a refusing policy, or a message the policy cannot read arrived
   * (Gemini; OpenAI gets an `error` event and keeps the socket).
   */
  policyViolation: 1008,
  /** The upstream could not be reached or refused the handshake. */
  upstreamFailed: 1011,
  /** A direction's buffer exceeded `maxBufferedBytes` (slow consumer). */
  backpressure: 1013,
} as const
