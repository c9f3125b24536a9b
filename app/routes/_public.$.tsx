import { data } from 'react-router'

// Any address no other route claims: a real 404 status and page.
export function loader() {
  throw data(null, { status: 404 })
}

export default function NotFound() {
  return null
}
