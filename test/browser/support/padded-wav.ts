// A speech WAV followed by silence, for tests that need the mock's voice detection to see the
// user stop (the fake microphone loops the file, so the silence is the gap between turns).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { speechWav } from './speech-wav'

const run = promisify(execFile)

/** `text` spoken, then `silenceSeconds` of digital silence; 48 kHz mono 16-bit like speechWav. */
export async function speechThenSilenceWav(text: string, silenceSeconds: number): Promise<string> {
  const speech = await speechWav(text)
  const path = `${speech}.pad${silenceSeconds}.wav`
  if (!existsSync(path)) await run('sox', [speech, path, 'pad', '0', String(silenceSeconds)])
  return path
}
