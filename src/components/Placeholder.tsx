// Temporary component so Storybook and its browser test have something real to render. It
// follows the component conventions (className, data-state, unstyled by default, themed by CSS
// variables) and will be removed when the real components land.
export type PlaceholderState = 'idle' | 'ready'

export interface PlaceholderProps {
  /** Shown as the card's heading. */
  readonly title?: string
  /** Exposed as `data-state` for styling and tests. */
  readonly state?: PlaceholderState
  readonly className?: string
}

export function Placeholder({
  title = 'adk-realtime components',
  state = 'idle',
  className,
}: PlaceholderProps) {
  return (
    <section
      className={className === undefined ? 'adk-placeholder' : `adk-placeholder ${className}`}
      data-state={state}
      aria-label={title}
      style={{
        padding: 'var(--adk-space, 16px)',
        border: '1px solid var(--adk-border, currentColor)',
        borderRadius: 'var(--adk-radius, 8px)',
        fontFamily: 'var(--adk-font, system-ui, sans-serif)',
      }}
    >
      <h2 style={{ margin: 0, fontSize: '1rem' }}>{title}</h2>
      <p style={{ margin: '8px 0 0' }}>
        {state === 'ready' ? 'Components are ready.' : 'Voice agent components are coming.'}
      </p>
    </section>
  )
}
