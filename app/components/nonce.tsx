import { createContext, useContext } from 'react'

// The CSP nonce of this response, for the <Scripts> React Router renders.
// Browsers hide nonce values from the DOM, so on the client it is ''.
const NonceContext = createContext('')

export const NonceProvider = NonceContext.Provider

export function useNonce(): string {
  return useContext(NonceContext)
}
