import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { WORKLET_SOURCE_FILE, renderWorkletSourceFile } from '../../../scripts/build-worklets'

describe('generated worklet source', () => {
  it('should match a fresh bundle of src/core/audio/worklets (run `npx tsx scripts/build-worklets.ts`)', async () => {
    const committed = readFileSync(WORKLET_SOURCE_FILE, 'utf8')
    expect(committed === (await renderWorkletSourceFile())).toBe(true)
  })
})
