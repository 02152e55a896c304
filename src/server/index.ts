// Public API of `adk-realtime/server`: relay and ephemeral-token minting. Filled in by the server issue.
export {}
