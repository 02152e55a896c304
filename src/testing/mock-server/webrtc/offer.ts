import { isRecord } from '../log'

/** A WebRTC call's offer: the browser's SDP and, from the multipart form, a starting session. */
export interface CallOffer {
  sdp: string
  session: Record<string, unknown> | undefined
}

/** The offer from a raw SDP body or a multipart `sdp` + `session` form; a string is an error. */
export function readOffer(contentType: string, body: Buffer): CallOffer | string {
  if (/^application\/sdp/i.test(contentType)) {
    const sdp = body.toString('utf8')
    return /^\s*v=0/.test(sdp) ? { sdp, session: undefined } : 'The body is not an SDP offer.'
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1]
  if (!/^multipart\/form-data/i.test(contentType) || boundary === undefined) {
    return `Unsupported content type "${contentType}": send application/sdp or multipart/form-data.`
  }
  const parts = new Map<string, string>()
  for (const part of body.toString('utf8').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) continue
    const name = /name="([^"]+)"/i.exec(part.slice(0, split))?.[1]
    if (name !== undefined) parts.set(name, part.slice(split + 4).replace(/\r\n$/, ''))
  }
  const sdp = parts.get('sdp')
  if (sdp === undefined || !/^\s*v=0/.test(sdp)) return "Missing required parameter: 'sdp'."
  const text = parts.get('session')
  if (text === undefined) return { sdp, session: undefined }
  try {
    const session: unknown = JSON.parse(text)
    return isRecord(session) ? { sdp, session } : "Invalid 'session': expected an object."
  } catch {
    return "Invalid 'session': expected JSON."
  }
}
