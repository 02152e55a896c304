// Public API of `adk-realtime/testing`: mock realtime server, scripted session, replay.
export {}
