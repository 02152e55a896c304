// Audio files for Chromium's fake microphone (`--use-file-for-fake-audio-capture`), made at test
// time with the `espeak-ng` and `sox` CLIs so no binary fixture lives in the repository.
//
// Format: 48 kHz, mono, signed 16-bit PCM in a canonical 44-byte-header WAV. Chromium's fake
// capture device opens at 48 kHz; a 48 kHz file needs no resampling there, and a plain PCM
// header is what its WAV reader handles best.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const FAKE_CAPTURE_SAMPLE_RATE = 48_000

export const DEFAULT_SPEECH_TEXT = 'Hello, what is the weather in Paris today'

let dir: string | undefined
const cache = new Map<string, Promise<string>>()

function workDir(): string {
  if (dir === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'adk-realtime-wav-'))
    dir = created
    process.once('exit', () => rmSync(created, { recursive: true, force: true }))
  }
  return dir
}

async function tool(name: string, args: readonly string[], purpose: string): Promise<void> {
  try {
    await run(name, [...args])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `The browser tests need the \`${name}\` CLI to ${purpose}, and it is not on PATH. ` +
          `Install it (Debian: apt-get install -y espeak-ng sox).`,
        { cause: error },
      )
    }
    throw new Error(`\`${name} ${args.join(' ')}\` failed while trying to ${purpose}.`, {
      cause: error,
    })
  }
}

function cached(key: string, make: (path: string) => Promise<void>): Promise<string> {
  let file = cache.get(key)
  if (file === undefined) {
    const path = join(workDir(), `${cache.size}.wav`)
    file = make(path).then(() => path)
    // A failure is not cached, so a later call can retry after the cause is fixed.
    file.catch(() => cache.delete(key))
    cache.set(key, file)
  }
  return file
}

const soxOutput = ['-r', String(FAKE_CAPTURE_SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed']

/** A WAV of `text` spoken by espeak-ng, at 48 kHz mono 16-bit. Cached per process and text. */
export function speechWav(text: string = DEFAULT_SPEECH_TEXT): Promise<string> {
  return cached(`speech:${text}`, async (path) => {
    const raw = `${path}.espeak.wav`
    await tool('espeak-ng', ['-w', raw, text], 'synthesize speech for the fake microphone')
    await tool('sox', [raw, ...soxOutput, path], 'resample speech to 48 kHz mono 16-bit')
    rmSync(raw, { force: true })
  })
}

/** A WAV of digital silence (all-zero samples), 48 kHz mono 16-bit. Cached per process. */
export function silentWav(seconds = 3): Promise<string> {
  return cached(`silence:${seconds}`, (path) =>
    tool(
      'sox',
      ['-n', ...soxOutput, path, 'trim', '0', String(seconds)],
      'generate a silent WAV for the fake microphone',
    ),
  )
}
