// jsdom ships no types and @types/jsdom is not a dependency: the little bench/render-counts.tsx uses.
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string, options?: { pretendToBeVisual?: boolean; url?: string })
    readonly window: Window & typeof globalThis
  }
}
