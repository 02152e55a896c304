/**
 * How Gemini Live reports failures: not as JSON, but as the WebSocket close code and reason
 * (wire-protocols §1.7). 1007 for bad arguments and credentials, 1008 for unknown models, 1011 for
 * internal errors, resume conflicts and the end of a connection's lifetime.
 */
export interface GeminiClose {
  code: number
  reason: string
}

export const geminiClose = {
  invalidArgument: { code: 1007, reason: 'Request contains an invalid argument.' },
  invalidKey: { code: 1007, reason: 'API Key not found. Please pass a valid API key.' },
  invalidCredentials: {
    code: 1007,
    reason: 'Request had invalid authentication credentials. Expected OAuth 2 access token.',
  },
  unknownField(field: string, at?: string): GeminiClose {
    const where = at === undefined ? '' : ` at '${at}'`
    return {
      code: 1007,
      reason: `Invalid JSON payload received. Unknown name "${field}"${where}: Cannot find field.`,
    }
  },
  invalidJson: { code: 1007, reason: 'Invalid JSON payload received.' },
  modelNotFound(model: string, version: string): GeminiClose {
    return {
      code: 1008,
      reason: `${model} is not found for API version ${version}, or is not supported for bidiGenerateContent`,
    }
  },
  internal: { code: 1011, reason: 'Internal error encountered.' },
  unavailable: { code: 1011, reason: 'The service is currently unavailable.' },
  deadline: { code: 1011, reason: 'Deadline expired before operation could complete.' },
} as const
