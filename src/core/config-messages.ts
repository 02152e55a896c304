import { globalConfig } from 'zod/v4/core'
import type { $ZodRawIssue } from 'zod/v4/core'
import { jsonKind } from './json-kind'

/**
 * English messages for the config schemas' issues, passed to each parse rather than set as zod's
 * global locale: a library should not change the app's zod, and zod's own English locale is
 * ~2.7 KB minified of every browser bundle (zod/mini registers none; classic zod registers it
 * when the app creates its first schema). When the app has set a locale or an error map of its
 * own (`z.config(...)`, or classic zod's default), this returns nothing, so the app's wins.
 */
export function configIssueMessage(issue: $ZodRawIssue): string | undefined {
  if (globalConfig.customError !== undefined || globalConfig.localeError !== undefined) {
    return undefined
  }
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, received ${jsonKind(issue.input)}`
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' | ')}`
    case 'too_big':
      return `must be ${bound(issue.origin, issue.inclusive ? 'at most' : 'less than', issue.maximum)}`
    case 'too_small':
      return `must be ${bound(issue.origin, issue.inclusive ? 'at least' : 'more than', issue.minimum)}`
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern !== undefined
        ? `must match ${issue.pattern}`
        : `must be a valid ${issue.format}`
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
    case 'invalid_union':
      return 'matches none of the allowed shapes'
    default:
      return 'invalid value'
  }
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  const unit = origin === 'string' ? ' characters' : origin === 'array' ? ' items' : ''
  return `${relation} ${String(limit)}${unit}`
}
