'use client'
import { useEffect, useRef } from 'react'
import { useAudioLevel } from '../hooks/useAudioLevel'
import { useVoiceState } from '../hooks/useAgentState'
import type { VoiceState } from '../hooks/voice-state'
import { classNames, themeVar } from './theme'
import { usePrefersReducedMotion } from './use-reduced-motion'

export interface AudioVisualizerProps {
  /** `auto` (default) shows the agent's voice while it speaks and the microphone otherwise. */
  source?: 'input' | 'output' | 'auto' | undefined
  /** Number of bars (default 24). */
  bars?: number | undefined
  /** CSS pixels (default 160 × 40); the canvas is sharp on high-density screens. */
  width?: number | undefined
  height?: number | undefined
  className?: string | undefined
  /** Accessible name (default "Audio level"). */
  label?: string | undefined
  /** Force (or lift) the reduced-motion rendering; default: the user's system setting. */
  reducedMotion?: boolean | undefined
}

const activeStates: ReadonlySet<VoiceState> = new Set(['speaking', 'userSpeaking'])

/**
 * Bars drawn on a canvas from the audio engine's levels, read once per animation frame — no
 * React render per frame. It has a fixed size (not its container's), so it always shows
 * something. With `prefers-reduced-motion` it does not animate: the bars are drawn once per
 * state, taller while someone speaks. Colour: `--adk-visualizer-color` (else `--adk-accent`).
 * `data-state` is the voice state; `data-source` the level drawn.
 *
 * @example
 * ```tsx
 * <AudioVisualizer source="output" bars={32} width={240} height={48} />
 * ```
 */
export function AudioVisualizer({
  source = 'auto',
  bars = 24,
  width = 160,
  height = 40,
  className,
  label = 'Audio level',
  reducedMotion,
}: AudioVisualizerProps) {
  const state = useVoiceState()
  const prefersReduced = usePrefersReducedMotion()
  const still = reducedMotion ?? prefersReduced
  const shown = source === 'auto' ? (state === 'speaking' ? 'output' : 'input') : source
  const canvas = useRef<HTMLCanvasElement>(null)
  const history = useRef(new Float32Array(bars))
  const last = useRef(0)
  const color = useRef('currentColor')

  useEffect(() => {
    // Read once per state, not per frame: the theme variable rarely changes.
    if (canvas.current !== null) color.current = getComputedStyle(canvas.current).color
    if (history.current.length !== bars) history.current = new Float32Array(bars)
    const values = history.current
    if (still)
      draw(canvas.current, values.fill(activeStates.has(state) ? 0.5 : 0.04), color.current)
    else draw(canvas.current, values, color.current)
  }, [bars, still, state])

  useAudioLevel(shown, {
    paused: still,
    onLevel: (level) => {
      const now = performance.now()
      if (now - last.current < 50) return // 20 bars a second scroll by
      last.current = now
      const values = history.current
      values.copyWithin(0, 1)
      values[values.length - 1] = level
      draw(canvas.current, values, color.current)
    },
  })

  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={label}
      className={classNames('adk-audio-visualizer', className)}
      data-state={state}
      data-source={shown}
      data-reduced-motion={still ? '' : undefined}
      width={width * 2}
      height={height * 2}
      style={{
        width,
        height,
        display: 'block',
        color: themeVar('visualizer-color', themeVar('accent', '#2563eb')),
      }}
    />
  )
}

/** Centered bars, at least 2 px tall so silence still reads as a visualizer. */
function draw(canvas: HTMLCanvasElement | null, levels: Float32Array, color: string): void {
  const context = canvas?.getContext('2d')
  if (canvas == null || context == null) return
  const { width, height } = canvas
  context.clearRect(0, 0, width, height)
  context.fillStyle = color
  const slot = width / levels.length
  const bar = Math.max(1, slot * 0.6)
  levels.forEach((level, index) => {
    const size = Math.max(4, Math.min(1, Math.sqrt(level) * 1.4) * height)
    context.fillRect(index * slot + (slot - bar) / 2, (height - size) / 2, bar, size)
  })
}
