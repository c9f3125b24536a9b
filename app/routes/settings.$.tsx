import { notFound } from '#app/platform/errors.ts'

// An address under /settings that no page claims: a 404 inside the area's own frame.
export function loader(): never {
  notFound()
}

export default function NotFound() {
  return null
}
