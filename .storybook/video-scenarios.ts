// Video states for the stories: the camera and the screen share are stand-in canvas streams
// (./fake-video.ts), driven through the real path — useRealtimeSession's captures sending to the
// runner and the scripted session.
import { controllerOf } from '../src/hooks/session-controller'
import type { SessionVideoOptions, SessionVideoSource } from '../src/hooks'
import { fakeCameraStream, fakeScreenStream } from './fake-video'
import type { Scenario, ScenarioContext } from './scenarios'

export type VideoScenarioName =
  | 'videoOff'
  | 'cameraStarting'
  | 'cameraOn'
  | 'screenSharing'
  | 'cameraDenied'
  | 'videoSkipping'
  | 'videoUnsupported'

const video = (streams: SessionVideoOptions['streams'] = {}): SessionVideoOptions => ({
  maxEdge: 320,
  streams: { camera: fakeCameraStream, screen: fakeScreenStream, ...streams },
})

function start(context: ScenarioContext, source: SessionVideoSource): Promise<void> {
  const controller = controllerOf(context.session.store)
  if (controller === undefined) throw new Error('no session controller')
  // A refusal is part of some stories: it shows in the UI, not as a failure of the story.
  return controller.video
    .capture(source)
    .start()
    .catch(() => {})
}

export const videoScenarios: Record<VideoScenarioName, Scenario> = {
  videoOff: { session: { video: video() }, play: ({ session }) => session.connect() },
  cameraStarting: {
    // The camera never answers: the permission prompt is still open.
    session: { video: video({ camera: () => new Promise<MediaStream>(() => {}) }) },
    async play(context) {
      await context.session.connect()
      void start(context, 'camera')
    },
  },
  cameraOn: {
    session: { video: video() },
    async play(context) {
      await context.session.connect()
      await start(context, 'camera')
    },
  },
  screenSharing: {
    session: { video: video() },
    async play(context) {
      await context.session.connect()
      await start(context, 'screen')
    },
  },
  cameraDenied: {
    session: {
      video: video({
        camera: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
      }),
    },
    async play(context) {
      await context.session.connect()
      await start(context, 'camera')
    },
  },
  videoSkipping: {
    session: { video: video() },
    async play(context) {
      await context.session.connect()
      // The socket is behind: every frame is skipped, and counted.
      context.server().bufferedAmount = 1_000_000
      await start(context, 'camera')
    },
  },
  videoUnsupported: {
    model: { capabilities: { video: null } },
    session: { video: video() },
    play: ({ session }) => session.connect(),
  },
}
