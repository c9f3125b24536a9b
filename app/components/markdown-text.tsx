import type { ReactNode } from 'react'

/**
 * Renders the simple Markdown the seed and editors write (## headings, "- "
 * lists, paragraphs) as React elements: no HTML is ever injected, so page
 * text cannot carry scripts. The CMS issue replaces this with a full renderer.
 */
export function MarkdownText({ source }: { source: string }) {
  const blocks = source.replace(/\r\n/g, '\n').split(/\n{2,}/).map((block) => block.trim()).filter(Boolean)
  return (
    <div className="space-y-4 leading-relaxed">
      {blocks.map((block, index) => renderBlock(block, index))}
    </div>
  )
}

function renderBlock(block: string, key: number): ReactNode {
  const heading = /^(#{2,4})\s+(.*)$/.exec(block)
  if (heading?.[1] && heading[2] !== undefined) {
    const text = heading[2]
    if (heading[1].length === 2) return <h2 key={key} className="pt-2 text-2xl font-semibold">{text}</h2>
    return <h3 key={key} className="pt-2 text-xl font-semibold">{text}</h3>
  }
  const lines = block.split('\n')
  if (lines.every((line) => /^[-*]\s+/.test(line))) {
    return (
      <ul key={key} className="list-disc space-y-1 pl-6">
        {lines.map((line, index) => (
          <li key={index}>{line.replace(/^[-*]\s+/, '')}</li>
        ))}
      </ul>
    )
  }
  return <p key={key}>{lines.join(' ')}</p>
}
