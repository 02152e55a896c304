'use client'
import { useEffect, useRef, useState } from 'react'
import { useRealtimeController } from './context'
import { useIsomorphicLayoutEffect } from './layout-effect'

export interface AudioLevelOptions {
  /** Called every animation frame with the level (0–1): draw with it, no React render needed. */
  onLevel?: ((level: number) => void) | undefined
  /** Stop reading (no animation-frame loop), e.g. while hidden or for reduced motion. */
  paused?: boolean | undefined
  /**
   * Also keep `level` as React state, updated at most `fps` times per second (`true`: 15) and
   * only when it changes by 0.01 or more. Off by default: audio-rate React state is what makes
   * voice UIs stutter.
   */
  reactive?: boolean | { fps: number } | undefined
}

export interface AudioLevel {
  /** The newest level, updated every animation frame without rendering. */
  readonly ref: { readonly current: number }
  /** The level as React state: only updated with `reactive`, otherwise always 0. */
  readonly level: number
}

/**
 * The microphone (`input`) or speaker (`output`) level, 0–1 RMS, pulled from the audio engine
 * once per animation frame (the engine computes it in its worklets). Nothing renders unless
 * `reactive` is asked for: read `ref.current`, or draw in `onLevel`.
 *
 * @example
 * const meter = useRef<HTMLDivElement>(null)
 * useAudioLevel('output', {
 *   onLevel: (level) => meter.current?.style.setProperty('--level', String(level)),
 * })
 */
export function useAudioLevel(
  source: 'input' | 'output',
  options: AudioLevelOptions = {},
): AudioLevel {
  const { audio } = useRealtimeController('useAudioLevel')
  const [ref] = useState(() => ({ current: 0 }))
  const [level, setLevel] = useState(0)
  const onLevel = useRef(options.onLevel)
  useIsomorphicLayoutEffect(() => {
    onLevel.current = options.onLevel
  })
  const { reactive, paused = false } = options
  const fps =
    reactive === true ? 15 : reactive === false || reactive === undefined ? 0 : reactive.fps

  useEffect(() => {
    if (audio === undefined || paused) return
    let frame = 0
    let published = 0
    let lastPublish = -Infinity
    const tick = (time: number): void => {
      const value = audio.level(source)
      ref.current = value
      onLevel.current?.(value)
      if (fps > 0 && time - lastPublish >= 1000 / fps && Math.abs(value - published) >= 0.01) {
        lastPublish = time
        published = value
        setLevel(Math.round(value * 100) / 100)
      }
      frame = requestAnimationFrame(tick)
    }
    frame = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(frame)
  }, [audio, source, fps, paused, ref])

  return { ref, level }
}
