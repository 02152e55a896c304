#!/usr/bin/env node
// `adk-realtime-mock --port 8787`: the mock realtime server as a command. The logic lives in
// src/testing/mock-server/cli.ts and ships in dist/testing.js; this file only starts it and stops
// it cleanly on Ctrl-C.
import process from 'node:process'
import { runMockServerCli } from '../dist/testing.js'

try {
  const server = await runMockServerCli(process.argv.slice(2))
  if (server) {
    const stop = () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }
} catch (error) {
  process.stderr.write(
    `adk-realtime-mock: ${error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(2)
}
