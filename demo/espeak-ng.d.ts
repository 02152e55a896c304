// The `espeak-ng` package ships no types; this is the part demo/espeak-voice.ts uses.
declare module 'espeak-ng' {
  interface ESpeakNgModule {
    FS: { readFile(path: string): Uint8Array }
  }
  interface ESpeakNgOptions {
    arguments: string[]
    print?: (line: string) => void
    printErr?: (line: string) => void
  }
  const ESpeakNg: (options: ESpeakNgOptions) => Promise<ESpeakNgModule>
  export default ESpeakNg
}
