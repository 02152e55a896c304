// Public API of `adk-realtime/testing`: mock realtime server, scripted session, replay.

// --- scripted session (scripted-session.ts) ---

// --- replay harness (replay.ts) ---

// --- mock server (mock-server/) ---

export {}
