// Stand-ins for a camera and a screen in stories: a canvas drawn a few times a second and
// captured as a MediaStream (`canvas.captureStream()`), so no real device, permission prompt or
// Chromium flag is needed. Drawing stops when the track is stopped.

interface FakeSourceOptions {
  label: string
  /** Background colours, top to bottom. */
  colors: [string, string]
  width?: number
  height?: number
}

function canvasStream({
  label,
  colors,
  width = 640,
  height = 360,
}: FakeSourceOptions): MediaStream {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('no 2D canvas for the fake video source')
  const stream = canvas.captureStream(15)
  const track = stream.getVideoTracks()[0]
  const started = performance.now()
  const draw = (): void => {
    if (track?.readyState !== 'live') return
    const t = (performance.now() - started) / 1000
    const gradient = context.createLinearGradient(0, 0, 0, height)
    gradient.addColorStop(0, colors[0])
    gradient.addColorStop(1, colors[1])
    context.fillStyle = gradient
    context.fillRect(0, 0, width, height)
    context.fillStyle = 'rgba(255, 255, 255, 0.85)'
    context.beginPath()
    context.arc(width / 2 + Math.sin(t) * width * 0.3, height / 2, height / 8, 0, Math.PI * 2)
    context.fill()
    context.font = `${Math.round(height / 12)}px sans-serif`
    context.fillText(`${label} · ${t.toFixed(1)} s`, 16, height - 20)
    setTimeout(draw, 100)
  }
  draw()
  return stream
}

export function fakeCameraStream(): MediaStream {
  return canvasStream({ label: 'Fake camera', colors: ['#1e50c8', '#0b1f4d'] })
}

export function fakeScreenStream(): MediaStream {
  return canvasStream({
    label: 'Fake screen',
    colors: ['#f5f5f4', '#d6d3d1'],
    width: 960,
    height: 540,
  })
}
