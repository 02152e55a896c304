'use client'
// Public API of `adk-realtime/react`: hooks and components. Filled in by the React issue.
export {}
