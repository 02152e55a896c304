// The Storybook decorator that gives a story a live session: `parameters.realtime.scenario`
// names one of ./scenarios.ts. The session is real (useRealtimeSession → RealtimeRunner → store);
// only the provider (the scripted model) and the audio (simulated levels) are stand-ins.
import { useEffect, useState } from 'react'
import type { ReactNode } from 'react'
import { RealtimeProvider, useRealtimeSession } from '../src/hooks'
import { createScriptedModel } from '../src/testing/scripted-session'
import { createSimulatedAudio } from '../src/testing/simulated-audio'
import { scenarios } from './scenarios'
import type { ScenarioContext, ScenarioName } from './scenarios'

export interface RealtimeParameters {
  scenario: ScenarioName
}

export function ScriptedRealtime(props: { scenario: ScenarioName; children: ReactNode }) {
  const scenario = scenarios[props.scenario]
  const [setup] = useState(() => ({
    model: createScriptedModel(scenario.model),
    audio: scenario.audio === false ? false : createSimulatedAudio(scenario.audio),
  }))
  const session = useRealtimeSession({
    model: setup.model,
    audio: setup.audio,
    instruction: 'You are a friendly travel assistant.',
    config: { interruptionDetection: 'automatic' },
    ...scenario.session,
  })

  useEffect(() => {
    const timers = new Set<ReturnType<typeof setInterval>>()
    const context: ScenarioContext = {
      session,
      model: setup.model,
      server() {
        const open = setup.model.session
        if (open === undefined) throw new Error('the scripted session is not open')
        return open
      },
      every(ms, step) {
        const timer = setInterval(() => {
          if (step() === false) {
            clearInterval(timer)
            timers.delete(timer)
          }
        }, ms)
        timers.add(timer)
      },
    }
    Promise.resolve(scenario.play?.(context)).catch((error: unknown) => {
      // A scenario that cannot play is a broken story: make it loud.
      console.error(`Scenario "${props.scenario}" failed`, error)
    })
    return () => {
      for (const timer of timers) clearInterval(timer)
    }
    // Once per mounted story: the handle's identity changes with its status, its actions do not.
  }, [])

  return <RealtimeProvider session={session}>{props.children}</RealtimeProvider>
}
