import { render, screen, cleanup } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { Placeholder } from '../../src/components/Placeholder'

// Proves the jsdom + Testing Library layer is wired; replaced by the hook suites of the React issue.
describe.each([
  ['plain', false],
  ['StrictMode', true],
])('Placeholder (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should expose state and className for styling', () => {
    const ui = <Placeholder state="ready" className="mine" title="Agent" />
    render(strict ? <StrictMode>{ui}</StrictMode> : ui)
    const card = screen.getByRole('region', { name: 'Agent' })
    expect(card.getAttribute('data-state')).toBe('ready')
    expect(card.className).toBe('adk-placeholder mine')
    expect(card.textContent).toContain('Components are ready.')
  })
})
