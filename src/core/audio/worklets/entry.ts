/**
 * The AudioWorklet module: both processors in one module, so a shared AudioContext loads it
 * once. `scripts/build-worklets.ts` bundles this file (with the resampler, framer and queue it
 * imports) into `source.generated.ts`.
 */
import { registerCaptureProcessor } from './capture-processor'
import { registerPlayerProcessor } from './player-processor'

registerCaptureProcessor()
registerPlayerProcessor()
