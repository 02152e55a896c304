import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface RunningDemo {
  /** The one URL `npm start` prints. */
  url: string
  /** The line that prints it, which says what the demo talks to. */
  banner: string
  /** Stops npm and everything under it. */
  stop(): Promise<void>
}

/**
 * Runs `npm start` as a user would, on a free port, with the provider keys of `env` only (the
 * caller's own keys are removed), and resolves with the one URL it prints.
 */
export function npmStart(env: Record<string, string> = {}): Promise<RunningDemo> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0' }
  delete childEnv.OPENAI_API_KEY
  delete childEnv.GEMINI_API_KEY
  Object.assign(childEnv, env)
  const child = spawn('npm', ['start', '--silent'], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    env: childEnv,
    detached: true, // its own process group, so npm, tsx and node all stop together
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const line = output.split('\n').find((each) => each.startsWith('adk-realtime demo: '))
      const url = line && /http:\/\/127\.0\.0\.1:\d+\//.exec(line)?.[0]
      if (line && url) resolve({ url, banner: line, stop: () => stopGroup(child) })
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)))
  })
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(-child.pid, 'SIGTERM')
  await exited
  // npm can exit before the tsx and node processes under it: wait for the whole group.
  for (let i = 0; i < 100 && groupAlive(child.pid); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL')
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}
