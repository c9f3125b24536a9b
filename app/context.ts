import { createContext } from 'react-router'

/** What the Express server knows about a request, handed to every loader and action. */
export type RequestInfo = {
  requestId: string
  /** Per-response CSP nonce; React Router's scripts carry it. */
  cspNonce: string
  clientIp: string
}

export const requestInfoContext = createContext<RequestInfo>()
