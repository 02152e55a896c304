import { act, cleanup, render, screen } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import type { Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it } from 'vitest'
import {
  RealtimeProvider,
  VideoPreview,
  VideoToggle,
  VoiceAgent,
  useCamera,
  useRealtimeSession,
  useRealtimeStore,
  useScreenShare,
} from '../../src/hooks'
import type { VideoControls } from '../../src/hooks'
import { createScriptedModel } from '../../src/testing/scripted-session'
import { fakeGrabbers, fakeMediaDevices, trackOf } from '../core/video/fakes'
import type { FakeDevices } from '../core/video/fakes'
import { inMode, microtaskStore, reactModes, settle, stubCanvas, withSession } from './support'

function videoOptions(media: FakeDevices = fakeMediaDevices()) {
  return { mediaDevices: media.devices, grabber: fakeGrabbers().factory }
}

/** Renders the controls of one source into `seen` on every render. */
function probe(seen: { current?: VideoControls }, source: 'camera' | 'screen' = 'camera') {
  function Probe() {
    const camera = useCamera()
    const share = useScreenShare()
    seen.current = source === 'camera' ? camera : share
    return null
  }
  return <Probe />
}

describe.each(reactModes)('useCamera / useScreenShare (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should start the camera, send frames to the session and release the track on stop', async () => {
    const media = fakeMediaDevices()
    const seen: { current?: VideoControls } = {}
    const { session, server } = withSession(strict, probe(seen), { video: videoOptions(media) })
    expect(seen.current).toMatchObject({ status: 'idle', available: true, active: false })
    await act(() => session().connect())
    await act(() => seen.current!.start())
    expect(seen.current).toMatchObject({ status: 'running', active: true, label: 'Camera cam-1' })
    expect(seen.current!.stream).toBe(media.streams[0])
    expect(server().callsOf('sendVideoFrame')).toHaveLength(1) // the first frame at once
    expect(seen.current!.framesSent).toBe(1)
    await settle()
    expect(seen.current!.devices.map((d) => d.deviceId)).toEqual(['cam-1', 'cam-2'])
    await act(() => seen.current!.stop())
    expect(seen.current).toMatchObject({ status: 'stopped', stream: undefined })
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
  })

  it('should show the source and its counters in the store', async () => {
    const seen: { current?: VideoControls } = {}
    const store: { current?: unknown } = {}
    function Store() {
      store.current = useRealtimeStore((state) => state.video)
      return null
    }
    const { session } = withSession(
      strict,
      <>
        {probe(seen)}
        <Store />
      </>,
      { video: videoOptions() },
    )
    await act(() => session().connect())
    await act(() => seen.current!.start())
    await settle()
    expect(store.current).toEqual({
      status: 'running',
      source: 'camera',
      framesSent: 1,
      framesSkipped: 0,
    })
  })

  it('should release the camera when the session owner unmounts', async () => {
    const media = fakeMediaDevices()
    const seen: { current?: VideoControls } = {}
    const view = withSession(strict, probe(seen), { video: videoOptions(media) })
    await act(() => view.session().connect())
    await act(() => seen.current!.start())
    view.unmount()
    await settle()
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
  })

  it('should release a camera started before connecting when the owner unmounts', async () => {
    const media = fakeMediaDevices()
    const seen: { current?: VideoControls } = {}
    const view = withSession(strict, probe(seen), { video: videoOptions(media) })
    await act(() => seen.current!.start()) // a preview before the call
    expect(seen.current!.status).toBe('running')
    view.unmount()
    await settle()
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
  })

  it('should send one source at a time: sharing the screen stops the camera', async () => {
    const media = fakeMediaDevices()
    const camera: { current?: VideoControls } = {}
    const share: { current?: VideoControls } = {}
    const { session } = withSession(
      strict,
      <>
        {probe(camera)}
        {probe(share, 'screen')}
      </>,
      { video: videoOptions(media) },
    )
    await act(() => session().connect())
    await act(() => camera.current!.start())
    await act(() => share.current!.start())
    expect(camera.current!.status).toBe('stopped')
    expect(share.current!.status).toBe('running')
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
    // The browser's "Stop sharing".
    act(() => trackOf(media.streams[1]).end())
    expect(share.current).toMatchObject({ status: 'stopped', error: undefined })
    expect(trackOf(media.streams[1]).readyState).toBe('ended')
    await act(() => session().disconnect())
  })

  it('should keep the actions across hydration, when the capture becomes available', async () => {
    const seen: VideoControls[] = []
    function Probe() {
      seen.push(useCamera())
      return null
    }
    const model = createScriptedModel()
    const video = videoOptions()
    function App() {
      const session = useRealtimeSession({ model, audio: false, store: microtaskStore, video })
      return (
        <RealtimeProvider session={session}>
          <Probe />
        </RealtimeProvider>
      )
    }
    const container = document.createElement('div')
    container.innerHTML = renderToString(<App />)
    document.body.append(container)
    seen.length = 0
    let root!: Root
    await act(async () => {
      root = hydrateRoot(container, inMode(strict, <App />))
    })
    expect(seen[0]?.available).toBe(false) // the server's answer, while hydrating
    expect(seen.at(-1)?.available).toBe(true)
    for (const name of ['start', 'stop', 'toggle', 'selectDevice', 'refreshDevices'] as const) {
      expect(new Set(seen.map((controls) => controls[name])).size, name).toBe(1)
    }
    await act(() => seen.at(-1)!.start()) // asks for availability when called
    expect(seen.at(-1)?.status).toBe('running')
    act(() => root.unmount())
    container.remove()
  })

  it('should refuse to start when the model takes no video', async () => {
    const seen: { current?: VideoControls } = {}
    withSession(strict, probe(seen), {
      model: createScriptedModel({ capabilities: { video: null } }),
      video: videoOptions(),
    })
    expect(seen.current!.available).toBe(false)
    await expect(seen.current!.start()).rejects.toMatchObject({ code: 'unsupported' })
  })
})

describe.each(reactModes)('VideoToggle and VideoPreview (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should toggle the camera with aria-pressed and preview its stream', async () => {
    const media = fakeMediaDevices()
    const { session } = withSession(
      strict,
      <>
        <VideoToggle />
        <VideoPreview showStats />
      </>,
      { video: videoOptions(media) },
    )
    const button = screen.getByRole('button', { name: 'Camera' })
    expect(button.getAttribute('aria-pressed')).toBe('false')
    expect(button.dataset.state).toBe('off')
    // WCAG 2.5.3 (Label in Name): the name is the visible text, whatever the state.
    expect(button.textContent).toBe('Camera')
    expect(button.hasAttribute('aria-label')).toBe(false)
    expect(screen.getByRole('figure').textContent).toContain('Video off')
    await act(() => session().connect())
    await act(async () => button.click())
    await settle()
    expect(button.getAttribute('aria-pressed')).toBe('true')
    expect(button.dataset.state).toBe('on')
    expect(button.textContent).toBe('Camera')
    const figure = screen.getByRole('figure', { name: 'Video sent to the agent' })
    expect(figure.dataset.state).toBe('running')
    const video = figure.querySelector('video') as HTMLVideoElement & { srcObject: unknown }
    expect(video.srcObject).toBe(media.streams[0])
    expect(figure.textContent).toContain('1 frames sent · 0 skipped')
    await act(async () => button.click())
    await settle()
    expect(button.dataset.state).toBe('off')
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
  })

  it('should show a refused camera as denied', async () => {
    const media = fakeMediaDevices()
    withSession(strict, <VideoToggle />, { video: videoOptions(media) })
    media.failNext('NotAllowedError')
    const button = screen.getByRole('button', { name: 'Camera' })
    await act(async () => button.click())
    await settle()
    expect(button.dataset.state).toBe('denied')
    expect(button.getAttribute('aria-pressed')).toBe('false')
    expect(screen.getByRole('button', { name: 'Camera blocked' })).toBe(button)
  })

  it("should take a caller's aria-label, and plain or rendered children", () => {
    withSession(
      strict,
      <>
        <VideoToggle aria-label="Webcam" />
        <VideoToggle source="screen">Share</VideoToggle>
        <VideoToggle>{(state) => <svg data-testid="icon" data-video={state} />}</VideoToggle>
      </>,
      { video: videoOptions() },
    )
    const [named, plain, icon] = screen.getAllByRole('button')
    expect(named?.getAttribute('aria-label')).toBe('Webcam')
    expect(named?.textContent).toBe('Camera')
    expect(plain?.textContent).toBe('Share')
    expect(plain?.getAttribute('aria-label')).toBe('Share screen')
    expect(icon?.getAttribute('aria-label')).toBe('Camera')
    expect(screen.getByTestId('icon').dataset.video).toBe('off')
  })

  it('should show the toggles in VoiceAgent only when the model takes video', () => {
    stubCanvas()
    const video = videoOptions()
    const { unmount } = render(
      inMode(strict, <VoiceAgent model={createScriptedModel()} audio={false} video={video} />),
    )
    expect(screen.getByRole('button', { name: 'Camera' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Share screen' })).toBeTruthy()
    unmount()
    render(
      inMode(
        strict,
        <VoiceAgent
          model={createScriptedModel({ capabilities: { video: null } })}
          audio={false}
          video={video}
        />,
      ),
    )
    expect(screen.queryByRole('button', { name: 'Camera' })).toBeNull()
    expect(screen.queryByRole('figure')).toBeNull()
  })
})

describe('video components on the server', () => {
  it('should render without touching media devices, the toggles not yet available', () => {
    function Page() {
      const session = useRealtimeSession({
        model: createScriptedModel(),
        audio: false,
        store: microtaskStore,
      })
      return (
        <RealtimeProvider session={session}>
          <VideoToggle />
          <VideoPreview />
        </RealtimeProvider>
      )
    }
    const html = renderToString(<Page />)
    expect(html).toContain('data-state="unavailable"')
    expect(html).toContain('Video off')
  })
})
