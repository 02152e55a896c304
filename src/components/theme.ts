import type { CSSProperties } from 'react'

/**
 * Components style themselves inline with CSS custom properties and fallbacks, so they render
 * sensibly with no stylesheet at all, and an app themes them by setting variables on any
 * ancestor (`--adk-accent: rebeccapurple`). Every variable the components read:
 *
 * | variable | used for | default |
 * |---|---|---|
 * | `--adk-font` | font family | `inherit` |
 * | `--adk-fg` / `--adk-bg` | text / surface | `inherit` / `transparent` |
 * | `--adk-muted-fg` | secondary text | `GrayText` |
 * | `--adk-border` | borders | `color-mix(in srgb, currentColor 25%, transparent)` |
 * | `--adk-radius` / `--adk-space` | corners / spacing | `8px` / `12px` |
 * | `--adk-accent` | primary buttons, speaking, visualizer | `#2563eb` |
 * | `--adk-success` / `--adk-warning` / `--adk-danger` | status colours | green / amber / red |
 * | `--adk-user-bg` / `--adk-assistant-bg` | message bubbles | tinted `currentColor` |
 * | `--adk-partial-opacity` | text still streaming | `0.7` |
 * | `--adk-visualizer-color` | visualizer bars | `--adk-accent` |
 */
export function themeVar(name: string, fallback: string): string {
  return `var(--adk-${name}, ${fallback})`
}

export const colors = {
  fg: themeVar('fg', 'inherit'),
  bg: themeVar('bg', 'transparent'),
  muted: themeVar('muted-fg', 'GrayText'),
  border: themeVar('border', 'color-mix(in srgb, currentColor 25%, transparent)'),
  accent: themeVar('accent', '#2563eb'),
  success: themeVar('success', '#15803d'),
  warning: themeVar('warning', '#b45309'),
  danger: themeVar('danger', '#dc2626'),
} as const

export const space = themeVar('space', '12px')
export const radius = themeVar('radius', '8px')

export const baseStyle: CSSProperties = {
  fontFamily: themeVar('font', 'inherit'),
  color: colors.fg,
  boxSizing: 'border-box',
}

export const buttonStyle: CSSProperties = {
  font: 'inherit',
  color: 'inherit',
  background: 'transparent',
  // Longhands only: a component that recolours the border must not mix them with `border`.
  borderWidth: 1,
  borderStyle: 'solid',
  borderColor: colors.border,
  borderRadius: radius,
  padding: '6px 12px',
  cursor: 'pointer',
}

/** A toggle button that is on (`aria-pressed="true"`): a sunken fill, so colour is not the only cue. */
export const pressedStyle: CSSProperties = {
  background: 'color-mix(in srgb, currentColor 12%, transparent)',
  boxShadow: 'inset 0 1px 3px color-mix(in srgb, currentColor 35%, transparent)',
}

export const primaryButtonStyle: CSSProperties = {
  ...buttonStyle,
  color: themeVar('accent-fg', '#fff'),
  background: colors.accent,
  borderColor: colors.accent,
}

/** `base` plus the app's class, for components that always carry their own class name. */
export function classNames(base: string, extra: string | undefined): string {
  return extra === undefined || extra === '' ? base : `${base} ${extra}`
}
